package discord

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
)

// Modals are built from Discord's Label component (type 18), which wraps
// one input with its question: a String Select (type 3) for every field
// with choices (a scale, yes/no, a choice) and a Text Input (type 4) only
// for free text. discordgo v0.28.1 knows neither the Label nor a select or
// text input inside one (its TextInput always sends a label, which an input
// inside a Label must not have), so the few types needed are here, shaped
// as Discord documents them (Component Reference › Label, String Select,
// Text Input). It cannot decode a modal submit holding Labels either
// ("unknown component type: 18"), so submits are read from the raw
// INTERACTION_CREATE (see modalSubmit).

// Component types beyond discordgo's.
const (
	componentLabel      discordgo.ComponentType = 18
	componentTextInput                          = discordgo.TextInputComponent
	componentSelect                             = discordgo.SelectMenuComponent
	componentActionsRow                         = discordgo.ActionsRowComponent
)

// Limits of modal components.
const (
	maxModalComponents = 5   // top-level components of a modal
	maxLabelText       = 45  // characters of a Label's label
	maxLabelDesc       = 100 // characters of a Label's description
	maxSelectHolder    = 150 // characters of a select's placeholder
	maxOptionDesc      = 100 // characters of a select option's description
)

// label is a Label: a question and the one input that answers it.
type label struct {
	Label       string
	Description string
	Component   discordgo.MessageComponent
}

// Type implements discordgo.MessageComponent.
func (label) Type() discordgo.ComponentType { return componentLabel }

// MarshalJSON writes {"type":18,"label","description","component"}.
func (l label) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type        discordgo.ComponentType    `json:"type"`
		Label       string                     `json:"label"`
		Description string                     `json:"description,omitempty"`
		Component   discordgo.MessageComponent `json:"component"`
	}{componentLabel, l.Label, l.Description, l.Component})
}

// textInput is a Text Input inside a Label: no label of its own.
type textInput struct {
	CustomID    string
	Style       discordgo.TextInputStyle
	Placeholder string
	Value       string
	Required    bool
	MaxLength   int
}

// Type implements discordgo.MessageComponent.
func (textInput) Type() discordgo.ComponentType { return componentTextInput }

// MarshalJSON writes {"type":4,"custom_id","style",…}.
func (t textInput) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type        discordgo.ComponentType  `json:"type"`
		CustomID    string                   `json:"custom_id"`
		Style       discordgo.TextInputStyle `json:"style"`
		Placeholder string                   `json:"placeholder,omitempty"`
		Value       string                   `json:"value,omitempty"`
		Required    bool                     `json:"required"`
		MaxLength   int                      `json:"max_length,omitempty"`
	}{componentTextInput, t.CustomID, t.Style, t.Placeholder, t.Value, t.Required, t.MaxLength})
}

// selectOption is one option of a String Select.
type selectOption struct {
	Label   string `json:"label"`
	Value   string `json:"value"`
	Default bool   `json:"default,omitempty"`
}

// stringSelect is a String Select inside a Label: one value, required or
// not (in a modal, required defaults to true; disabled is not allowed).
type stringSelect struct {
	CustomID    string
	Placeholder string
	Options     []selectOption
	Required    bool
}

// Type implements discordgo.MessageComponent.
func (stringSelect) Type() discordgo.ComponentType { return componentSelect }

// MarshalJSON writes {"type":3,"custom_id","options",…}.
func (s stringSelect) MarshalJSON() ([]byte, error) {
	minValues := 0
	if s.Required {
		minValues = 1
	}
	return json.Marshal(struct {
		Type        discordgo.ComponentType `json:"type"`
		CustomID    string                  `json:"custom_id"`
		Placeholder string                  `json:"placeholder,omitempty"`
		MinValues   int                     `json:"min_values"`
		MaxValues   int                     `json:"max_values"`
		Required    bool                    `json:"required"`
		Options     []selectOption          `json:"options"`
	}{componentSelect, s.CustomID, s.Placeholder, minValues, 1, s.Required, s.Options})
}

// modal renders a form as a Discord modal: each field a Label with its
// question, a select for a field with choices and a text input for free
// text. A question longer than a label's 45 characters is clipped and
// shown whole as the label's description. The words the adapter adds are
// in l.
func (a *Adapter) modal(l i18n.Lang, f bot.Form) *discordgo.InteractionResponseData {
	title := strings.TrimSpace(f.Title)
	if title == "" {
		title = "Porchlight"
	}
	id := f.ID
	if utf8.RuneCountInString(id) > maxCustomID {
		id = a.stash.put(stashed{formID: f.ID})
	}
	d := &discordgo.InteractionResponseData{CustomID: id, Title: clipRunes(title, maxModalTitle)}
	for _, fl := range f.Fields[:min(len(f.Fields), maxModalComponents)] {
		d.Components = append(d.Components, field(l, fl))
	}
	return d
}

// field renders one form field as a Label.
func field(lang i18n.Lang, fl bot.Field) label {
	question := strings.TrimSpace(fl.Label)
	if question == "" {
		question = fl.ID
	}
	l := label{Label: clipRunes(question, maxLabelText)}
	if utf8.RuneCountInString(question) > maxLabelText {
		l.Description = clipRunes(question, maxLabelDesc)
	}
	if opts, ok := selectOptions(lang, fl); ok {
		l.Component = stringSelect{CustomID: fl.ID, Placeholder: lang.T("adapter.choose.placeholder"), Options: opts, Required: fl.Required}
		return l
	}
	in := textInput{
		CustomID: fl.ID, Style: discordgo.TextInputShort, Required: fl.Required,
		Placeholder: clipRunes(fl.HintIn(lang), maxPlaceholder),
	}
	switch {
	case fl.Kind == bot.KindText && fl.MaxLen > 0:
		if fl.MaxLen > 100 {
			in.Style = discordgo.TextInputParagraph
		}
		in.MaxLength = min(fl.MaxLen, maxInputValue)
	case fl.Kind == bot.KindText:
	default:
		// A choice Discord's select cannot hold (over 25 options, or one
		// too long) is typed; the hint says what it accepts and the core
		// normalises what is typed.
		in.MaxLength = 100
		if l.Description == "" {
			l.Description = clipRunes(fl.HintIn(lang), maxLabelDesc)
		}
	}
	limit := maxInputValue
	if in.MaxLength > 0 {
		limit = in.MaxLength
	}
	// A typed choice shows its words, not its stored code.
	in.Value = clipRunes(fl.Shown(fl.Value), limit)
	l.Component = in
	return l
}

// selectOptions returns a field's choices as select options, the prefilled
// value chosen; ok is false for free text and for choices a select cannot
// hold.
func selectOptions(lang i18n.Lang, fl bot.Field) ([]selectOption, bool) {
	cs := fl.ChoicesIn(lang)
	if len(cs) == 0 || len(cs) > maxSelectOpts {
		return nil, false
	}
	opts := make([]selectOption, 0, len(cs))
	for _, c := range cs {
		if utf8.RuneCountInString(c.Value) > maxOptionText || c.Value == "" {
			return nil, false
		}
		opts = append(opts, selectOption{Label: clipRunes(c.Label, maxOptionText), Value: c.Value, Default: fl.Value != "" && c.Value == fl.Value})
	}
	return opts, true
}

// modalSubmit is a submitted modal, read from the raw interaction: its
// custom id and each input's answer by custom id (a select's one value,
// or "" when none was chosen).
type modalSubmit struct {
	CustomID string
	Values   map[string]string
}

// submittedComponent is one component of MODAL_SUBMIT data, in any of the
// shapes Discord sends: an action row of text inputs (the old layout), a
// Label holding one input, or the input itself.
type submittedComponent struct {
	Type       discordgo.ComponentType `json:"type"`
	CustomID   string                  `json:"custom_id"`
	Value      string                  `json:"value"`
	Values     []string                `json:"values"`
	Component  *submittedComponent     `json:"component"`
	Components []submittedComponent    `json:"components"`
}

// parseModalSubmit reads MODAL_SUBMIT interaction data.
func parseModalSubmit(data json.RawMessage) (modalSubmit, error) {
	var d struct {
		CustomID   string               `json:"custom_id"`
		Components []submittedComponent `json:"components"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return modalSubmit{}, fmt.Errorf("modal submit: %w", err)
	}
	out := modalSubmit{CustomID: d.CustomID, Values: map[string]string{}}
	var walk func(c submittedComponent)
	walk = func(c submittedComponent) {
		switch c.Type {
		case componentActionsRow:
			for _, in := range c.Components {
				walk(in)
			}
		case componentLabel:
			if c.Component != nil {
				walk(*c.Component)
			}
		case componentTextInput:
			out.Values[c.CustomID] = c.Value
		case componentSelect:
			v := ""
			if len(c.Values) > 0 {
				v = c.Values[0]
			}
			out.Values[c.CustomID] = v
		}
	}
	for _, c := range d.Components {
		walk(c)
	}
	return out, nil
}
