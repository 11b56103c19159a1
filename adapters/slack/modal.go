package slack

import (
	"encoding/json"
	"sort"
	"strings"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"github.com/porchlight/porchlight/bot"
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
// or a select, each prefilled from Field.Value.
func buildModal(f bot.Form, meta viewMeta) slackgo.ModalViewRequest {
	submit := f.Submit
	if submit == "" {
		submit = "Submit"
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
		Close:           plain("Cancel"),
		PrivateMetadata: string(metaJSON),
	}
	if utf8.RuneCountInString(f.ID) <= 255 {
		v.CallbackID = f.ID
	}
	for _, fl := range f.Fields {
		v.Blocks.BlockSet = append(v.Blocks.BlockSet, inputBlock(fl))
	}
	return v
}

// inputBlock renders one field.
func inputBlock(fl bot.Field) *slackgo.InputBlock {
	var el slackgo.BlockElement
	if fl.Kind == bot.KindText {
		in := slackgo.NewPlainTextInputBlockElement(nil, valueAction)
		in.Multiline = fl.MaxLen > 150
		if fl.MaxLen > 0 {
			in.MaxLength = min(fl.MaxLen, maxTextInput)
		}
		in.InitialValue = fl.Value
		if in.MaxLength > 0 {
			in.InitialValue = clipRunes(fl.Value, in.MaxLength)
		}
		el = in
	} else {
		var opts []*slackgo.OptionBlockObject
		var initial *slackgo.OptionBlockObject
		for _, c := range fl.Choices() {
			o := slackgo.NewOptionBlockObject(clipRunes(c.Value, maxOptionValue), plain(clipRunes(c.Label, maxOptionText)), nil)
			if fl.Value != "" && strings.EqualFold(c.Value, fl.Value) {
				initial = o
			}
			opts = append(opts, o)
		}
		if len(opts) > maxSelectOptions {
			opts = opts[:maxSelectOptions]
		}
		if len(opts) <= 5 {
			rb := slackgo.NewRadioButtonsBlockElement(valueAction, opts...)
			rb.InitialOption = initial
			el = rb
		} else {
			sel := slackgo.NewOptionsSelectBlockElement(slackgo.OptTypeStatic, plain("Choose…"), valueAction, opts...)
			sel.InitialOption = initial
			el = sel
		}
	}
	b := slackgo.NewInputBlock(fl.ID, plain(clipRunes(fl.Label, maxLabel)), nil, el)
	b.Optional = !fl.Required
	return b
}

// formValues reads a submitted modal's values by field id.
func formValues(st *slackgo.ViewState) map[string]string {
	out := map[string]string{}
	if st == nil {
		return out
	}
	for blockID, inputs := range st.Values {
		for _, in := range inputs {
			v := in.Value
			if in.SelectedOption.Value != "" {
				v = in.SelectedOption.Value
			}
			out[blockID] = v
		}
	}
	return out
}

// sortedValues returns a map's values ordered by key, for stable output.
func sortedValues(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}
