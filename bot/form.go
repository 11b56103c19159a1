package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/porchlight/porchlight/i18n"
)

// FieldKind is the kind of a form field (and of a check-in question).
type FieldKind string

// The field kinds operators can use in config.
const (
	// KindScale is a whole number from Min to Max, with optional words
	// for each step in Options ("rough" … "great").
	KindScale FieldKind = "scale"
	// KindChoice is one of Options.
	KindChoice FieldKind = "choice"
	// KindText is free text up to MaxLen characters.
	KindText FieldKind = "text"
	// KindYesNo is yes or no.
	KindYesNo FieldKind = "yesno"
)

// Field kinds the core's own forms use; config questions keep to the four
// above.
const (
	// KindNumber is a whole number from Min to Max.
	KindNumber FieldKind = "number"
	// KindDate is a day, as YYYY-MM-DD.
	KindDate FieldKind = "date"
	// KindDateTime is a moment: typed in the house's words as ParseWhen
	// reads them ("fri 19:00"), or picked where the platform has a date
	// and time picker, which sends it as DateTimeValue. Normalize only
	// trims it: what it means depends on the house's time zone and the
	// time now, which the form's feature knows.
	KindDateTime FieldKind = "datetime"
)

// Question is one configured question of a form; Field is its rendered form.
type Question = Field

// Field is one input of a Form.
type Field struct {
	// ID is the key of the value in FormInput.Values.
	ID string `json:"id"`
	// Kind is the field's kind.
	Kind FieldKind `json:"kind"`
	// Label is the question text.
	Label string `json:"label"`
	// Options are the choices of a choice field, or the words for each step
	// of a scale (first word for Min), as the form's reader reads them.
	Options []string `json:"options,omitempty"`
	// Codes, when set, are what a choice field stores for each of Options,
	// in order: "house" for "casa". Normalize returns the code, a
	// platform's select sends it, and Value holds one. Without Codes an
	// option stores its own words (an operator's configured choices).
	Codes []string `json:"codes,omitempty"`
	// OptionIDs, when set, are the catalogue messages of Options, in
	// order, so that an option is recognised in every language of the
	// catalogue ("good" or "bien", "house" or "casa"). Set them and
	// Options with Worded.
	OptionIDs []string `json:"option_ids,omitempty"`
	// Min and Max bound a scale.
	Min int `json:"min,omitempty"`
	Max int `json:"max,omitempty"`
	// MaxLen bounds a text field, in characters.
	MaxLen int `json:"max_len,omitempty"`
	// Required fields must not be left empty.
	Required bool `json:"required,omitempty"`
	// Value is the prefilled value.
	Value string `json:"value,omitempty"`
	// Placeholder is an example shown in an empty input ("Movie night"),
	// where the platform has placeholders.
	Placeholder string `json:"placeholder,omitempty"`
	// Help is a sentence shown under the input, where the platform can
	// ("Leave it empty for no limit.").
	Help string `json:"help,omitempty"`
}

// Form is a set of fields the core asks a user to fill in, in a modal where
// the platform has one, or one question at a time in a conversation.
type Form struct {
	// ID comes back in FormInput.ID, for example "checkin:42".
	ID string `json:"id"`
	// Title is short: Slack allows 24 characters, Discord 45.
	Title string `json:"title"`
	// Fields are the inputs, in order.
	Fields []Field `json:"fields"`
	// Submit is the label of the submit button.
	Submit string `json:"submit,omitempty"`
}

// Page returns the fields from start, at most limit of them, as a form with
// the same id. Used when a platform cannot show all fields at once.
func (f Form) Page(start, limit int) Form {
	end := start + limit
	if end > len(f.Fields) {
		end = len(f.Fields)
	}
	p := f
	p.Fields = append([]Field(nil), f.Fields[start:end]...)
	return p
}

// Prefill returns a copy of f with values set from vals.
func (f Form) Prefill(vals map[string]string) Form {
	p := f
	p.Fields = append([]Field(nil), f.Fields...)
	for i := range p.Fields {
		if v, ok := vals[p.Fields[i].ID]; ok {
			p.Fields[i].Value = v
		}
	}
	return p
}

// Worded returns f with its options the words of catalogue messages ids
// in l, each recognised in every language of the catalogue; codes, for a
// choice, are what each option stores (nil stores the words, as a scale
// stores its number).
func (f Field) Worded(l Lang, ids []string, codes []string) Field {
	f.Options = make([]string, len(ids))
	for i, id := range ids {
		f.Options[i] = l.T(id)
	}
	f.OptionIDs, f.Codes = ids, codes
	return f
}

// code is what option i of a choice field stores.
func (f Field) code(i int) string {
	if i < len(f.Codes) {
		return f.Codes[i]
	}
	return f.Options[i]
}

// option returns the index of the option input names, in any language:
// its stored code, its words as shown, or its words in any language of
// the catalogue, ignoring case and accents. ok is false for none.
func (f Field) option(input string) (int, bool) {
	in := i18n.Fold(input)
	for i, o := range f.Options {
		if in == i18n.Fold(o) || in == i18n.Fold(f.code(i)) || (i < len(f.OptionIDs) && Same(f.OptionIDs[i], input)) {
			return i, true
		}
	}
	return 0, false
}

// Shown is stored value v as the form's reader reads it: a choice's
// words for its code, or v itself.
func (f Field) Shown(v string) string {
	if f.Kind == KindChoice {
		for i := range f.Options {
			if f.code(i) == v {
				return f.Options[i]
			}
		}
	}
	return v
}

// HintIn is a short description of what a field accepts, in l, for
// platforms that can only show a text input (a Discord modal) and for the
// conversation.
func (f Field) HintIn(l Lang) string {
	switch f.Kind {
	case KindScale:
		if len(f.Options) == f.Max-f.Min+1 {
			parts := make([]string, 0, len(f.Options))
			for i, w := range f.Options {
				parts = append(parts, fmt.Sprintf("%d %s", f.Min+i, w))
			}
			return strings.Join(parts, " · ")
		}
		return l.T("form.number.placeholder", "Min", f.Min, "Max", f.Max)
	case KindChoice:
		return strings.Join(f.Options, " / ")
	case KindYesNo:
		return l.T("form.yes_no.placeholder")
	case KindText:
		if f.MaxLen > 0 {
			return l.T("form.max_len.placeholder", "Max", f.MaxLen)
		}
	case KindNumber:
		return l.T("form.number.placeholder", "Min", f.Min, "Max", f.Max)
	case KindDate:
		return l.T("form.date.placeholder")
	case KindDateTime:
		return l.T("activity.when.formats")
	}
	return ""
}

// Typed reports whether the field is answered by typing on platforms
// without a native input for its kind: it has no choices to pick from.
func (f Field) Typed() bool {
	switch f.Kind {
	case KindScale, KindChoice, KindYesNo:
		return false
	}
	return true
}

// DateTimeValue is how an adapter with a date and time picker gives a
// KindDateTime answer: the moment in RFC 3339, in UTC. ParseWhen reads it.
func DateTimeValue(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// ChoicesIn lists the values a user may pick, as (value, label) choices
// labelled in l, for every kind except text: a scale's numbers, a
// choice's codes, yes and no.
func (f Field) ChoicesIn(l Lang) []Choice {
	switch f.Kind {
	case KindScale:
		var out []Choice
		for n := f.Min; n <= f.Max; n++ {
			label := strconv.Itoa(n)
			if i := n - f.Min; i < len(f.Options) {
				label += " – " + f.Options[i]
			}
			out = append(out, Choice{Label: label, Value: strconv.Itoa(n)})
		}
		return out
	case KindChoice:
		out := make([]Choice, len(f.Options))
		for i, o := range f.Options {
			out[i] = Choice{Label: o, Value: f.code(i)}
		}
		return out
	case KindYesNo:
		return []Choice{{Label: l.T("form.yes.option"), Value: "yes"}, {Label: l.T("form.no.option"), Value: "no"}}
	}
	return nil
}

// Normalize checks one raw value against the field and returns its canonical
// form: a scale's number, a choice's code, "yes" or "no", or trimmed text.
// Words are read in any language of the catalogue.
// Empty optional values normalise to "". The error message is user-safe and
// says what is accepted.
func (f Field) Normalize(raw string) (string, error) {
	v := strings.TrimSpace(raw)
	if v == "" {
		if f.Required {
			return "", Fail(EInvalid, "form.error.required", "Label", fmt.Sprintf("%q", f.Label))
		}
		return "", nil
	}
	switch f.Kind {
	case KindScale:
		n, err := strconv.Atoi(strings.Fields(v)[0])
		if err != nil {
			// Accept a word of the scale too ("great", "genial").
			if i, ok := f.option(v); ok {
				return strconv.Itoa(f.Min + i), nil
			}
			return "", Fail(EInvalid, "form.error.scale", "Label", fmt.Sprintf("%q", f.Label), "Min", f.Min, "Max", f.Max)
		}
		if n < f.Min || n > f.Max {
			return "", Fail(EInvalid, "form.error.out_of_range", "Label", fmt.Sprintf("%q", f.Label), "Min", f.Min, "Max", f.Max, "Given", n)
		}
		return strconv.Itoa(n), nil
	case KindChoice:
		if i, ok := f.option(v); ok {
			return f.code(i), nil
		}
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= len(f.Options) {
			return f.code(n - 1), nil
		}
		return "", Fail(EInvalid, "form.error.one_of", "Label", fmt.Sprintf("%q", f.Label), "Options", strings.Join(f.Options, ", "))
	case KindYesNo:
		// Either language: "yes", "sí", "claro"; "no", "no gracias".
		switch {
		case Same("core.yes", v) || Same("form.yes.option", v) || slices.Contains(yesWords, i18n.Fold(v)):
			return "yes", nil
		case Same("core.no", v) || Same("form.no.option", v) || slices.Contains(noWords, i18n.Fold(v)):
			return "no", nil
		}
		return "", Fail(EInvalid, "form.error.yes_no", "Label", fmt.Sprintf("%q", f.Label))
	case KindNumber:
		n, err := strconv.Atoi(v)
		if err != nil || n < f.Min || n > f.Max {
			return "", Fail(EInvalid, "form.error.number", "Label", fmt.Sprintf("%q", f.Label), "Min", f.Min, "Max", f.Max)
		}
		return strconv.Itoa(n), nil
	case KindDate:
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return "", Fail(EInvalid, "form.error.date", "Label", fmt.Sprintf("%q", f.Label))
		}
		return d.Format(time.DateOnly), nil
	case KindText, KindDateTime:
		if f.MaxLen > 0 {
			if n := utf8.RuneCountInString(v); n > f.MaxLen {
				return "", Fail(EInvalid, "form.error.too_long", "Label", fmt.Sprintf("%q", f.Label), "Length", n, "Limit", f.MaxLen)
			}
		}
		return v, nil
	}
	return "", Fail(EInvalid, "form.error.kind", "Label", fmt.Sprintf("%q", f.Label))
}

// yesWords and noWords are the other ways to say yes and no, in English and
// Spanish, folded (i18n.Fold); the catalogue's core.yes and core.no, and
// the yes and no buttons' labels, count too.
var (
	yesWords = []string{"y", "yeah", "yep", "sure", "please", "1", "s", "si", "claro", "por favor", "dale"}
	noWords  = []string{"n", "nope", "no thanks", "2", "no gracias", "nel"}
)

// Values returns the form's prefilled values, by field id.
func (f Form) Values() map[string]string { return prefilled(f.Fields) }

// Validate normalises every field of a submission. It returns the clean
// values, or field errors keyed by field id when any value is wrong; in that
// case nothing should be stored. The errors are in l.
func (f Form) Validate(l Lang, raw map[string]string) (map[string]string, map[string]string) {
	clean := make(map[string]string, len(f.Fields))
	var errs map[string]string
	for _, fl := range f.Fields {
		v, err := fl.Normalize(raw[fl.ID])
		if err != nil {
			if errs == nil {
				errs = make(map[string]string)
			}
			errs[fl.ID] = ErrorText(l, err)
			continue
		}
		clean[fl.ID] = v
	}
	return clean, errs
}

// CheckField reports a configuration problem with a field, or nil.
func CheckField(f Field) error {
	if f.ID == "" {
		return fmt.Errorf("id is empty")
	}
	if strings.TrimSpace(f.Label) == "" {
		return fmt.Errorf("label is empty")
	}
	switch f.Kind {
	case KindScale:
		if f.Max <= f.Min {
			return fmt.Errorf("max must be greater than min")
		}
		if len(f.Options) != 0 && len(f.Options) != f.Max-f.Min+1 {
			return fmt.Errorf("a scale from %d to %d needs %d option words or none", f.Min, f.Max, f.Max-f.Min+1)
		}
	case KindChoice:
		if len(f.Options) < 2 {
			return fmt.Errorf("a choice needs at least two options")
		}
	case KindText:
		if f.MaxLen <= 0 || f.MaxLen > 1000 {
			return fmt.Errorf("max_len must be between 1 and 1000")
		}
	case KindYesNo:
	default:
		return fmt.Errorf("kind %q is not one of scale, choice, text, yesno", f.Kind)
	}
	return nil
}
