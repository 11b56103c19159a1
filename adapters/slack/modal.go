package slack

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
)

// valueAction is the action id of every input in a modal; the block id is
// the field id, so view_submission values and field errors map straight
// back to fields.
const valueAction = "value"

// viewMeta is what a modal carries in private_metadata: the form id, and
// where the form was opened, so that the reply to its submission goes there.
type viewMeta struct {
	Form    string `json:"f"`
	Channel string `json:"c,omitempty"`
	DM      bool   `json:"d,omitempty"`
}

// parseViewMeta reads private_metadata, falling back to the callback id
// for the form id.
func parseViewMeta(private, callbackID string) viewMeta {
	var m viewMeta
	if private != "" {
		_ = json.Unmarshal([]byte(private), &m)
	}
	if m.Form == "" {
		m.Form = callbackID
	}
	return m
}

// buildModal renders a form as a modal: one input block per field, text
// fields as text inputs, the others as radio buttons (up to five choices)
// or a select, each prefilled from Field.Value. The words the adapter
// adds are in l.
func buildModal(l i18n.Lang, f bot.Form, meta viewMeta) slackgo.ModalViewRequest {
	submit := f.Submit
	if submit == "" {
		submit = l.T("slack.modal.submit.button")
	}
	title := f.Title
	if strings.TrimSpace(title) == "" {
		title = "Porchlight"
	}
	metaJSON, _ := json.Marshal(meta)
	v := slackgo.ModalViewRequest{
		Type:            slackgo.VTModal,
		Title:           plain(clipRunes(title, maxModalTitle)),
		Submit:          plain(clipRunes(submit, maxModalTitle)),
		Close:           plain(clipRunes(l.T("slack.modal.cancel.button"), maxModalTitle)),
		PrivateMetadata: string(metaJSON),
	}
	if utf8.RuneCountInString(f.ID) <= 255 {
		v.CallbackID = f.ID
	}
	for _, fl := range f.Fields {
		v.Blocks.BlockSet = append(v.Blocks.BlockSet, inputBlock(l, fl))
	}
	return v
}

// inputBlock renders one field with the element Slack has for its kind:
// a text input, a number input, a date picker, a date and time picker,
// radio buttons (up to five choices) or a select, each prefilled from
// Field.Value, with the field's placeholder and help.
func inputBlock(l i18n.Lang, fl bot.Field) *slackgo.InputBlock {
	var el slackgo.BlockElement
	placeholder := func() *slackgo.TextBlockObject {
		if fl.Placeholder == "" {
			return nil
		}
		return plain(clipRunes(fl.Placeholder, maxPlaceholder))
	}
	hint := fl.Help
	switch fl.Kind {
	case bot.KindText:
		in := slackgo.NewPlainTextInputBlockElement(placeholder(), valueAction)
		in.Multiline = fl.MaxLen > 150
		if fl.MaxLen > 0 {
			in.MaxLength = min(fl.MaxLen, maxTextInput)
		}
		in.InitialValue = fl.Value
		if in.MaxLength > 0 {
			in.InitialValue = clipRunes(fl.Value, in.MaxLength)
		}
		if hint == "" && fl.MaxLen > 150 {
			hint = fl.HintIn(l)
		}
		el = in
	case bot.KindNumber:
		in := slackgo.NewNumberInputBlockElement(placeholder(), valueAction, false)
		in.MinValue, in.MaxValue = strconv.Itoa(fl.Min), strconv.Itoa(fl.Max)
		if n, err := strconv.Atoi(fl.Value); err == nil && n >= fl.Min && n <= fl.Max {
			in.InitialValue = strconv.Itoa(n)
		}
		el = in
	case bot.KindDate:
		in := slackgo.NewDatePickerBlockElement(valueAction)
		in.Placeholder = placeholder()
		if _, err := time.Parse(time.DateOnly, fl.Value); err == nil {
			in.InitialDate = fl.Value
		}
		el = in
	case bot.KindDateTime:
		// Slack shows it in the reader's own time zone and sends the
		// moment; it has no placeholder.
		in := slackgo.NewDateTimePickerBlockElement(valueAction)
		if t, err := time.Parse(time.RFC3339, fl.Value); err == nil {
			in.InitialDateTime = t.Unix()
		}
		el = in
		if hint == "" {
			hint = l.T("slack.modal.time_zone")
		}
	default:
		el = choiceElement(l, fl)
	}
	b := slackgo.NewInputBlock(fl.ID, plain(clipRunes(fl.Label, maxLabel)), nil, el)
	if hint != "" {
		b.Hint = plain(clipRunes(hint, maxHint))
	}
	b.Optional = !fl.Required
	return b
}

// choiceElement renders a field with choices (a scale, yes/no, a choice):
// radio buttons for up to five, a select (its placeholder in l) for more.
func choiceElement(l i18n.Lang, fl bot.Field) slackgo.BlockElement {
	var opts []*slackgo.OptionBlockObject
	var initial *slackgo.OptionBlockObject
	for _, c := range fl.ChoicesIn(l) {
		o := slackgo.NewOptionBlockObject(clipRunes(c.Value, maxOptionValue), plain(clipRunes(c.Label, maxOptionText)), nil)
		if fl.Value != "" && strings.EqualFold(c.Value, fl.Value) {
			initial = o
		}
		opts = append(opts, o)
	}
	if len(opts) > maxSelectOptions {
		opts = opts[:maxSelectOptions]
	}
	if len(opts) <= maxRadioShown {
		rb := slackgo.NewRadioButtonsBlockElement(valueAction, opts...)
		rb.InitialOption = initial
		return rb
	}
	sel := slackgo.NewOptionsSelectBlockElement(slackgo.OptTypeStatic, plain(l.T("adapter.choose.placeholder")), valueAction, opts...)
	sel.InitialOption = initial
	return sel
}

// formValues reads a submitted modal's values by field id, whatever the
// element: a text or number input's value, a chosen option's value, a
// date (YYYY-MM-DD), a time (HH:mm), or a picked moment as
// bot.DateTimeValue. Inputs left empty give "".
func formValues(st *slackgo.ViewState) map[string]string {
	out := map[string]string{}
	if st == nil {
		return out
	}
	for blockID, inputs := range st.Values {
		for _, in := range inputs {
			v := in.Value
			switch {
			case in.SelectedOption.Value != "":
				v = in.SelectedOption.Value
			case in.SelectedDate != "":
				v = in.SelectedDate
			case in.SelectedTime != "":
				v = in.SelectedTime
			case in.SelectedDateTime != 0:
				v = bot.DateTimeValue(time.Unix(in.SelectedDateTime, 0))
			}
			out[blockID] = v
		}
	}
	return out
}
