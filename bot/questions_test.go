package bot

import (
	"reflect"
	"slices"
	"testing"
)

// TestQuestionsInKeepsLocalisations checks that the default questions,
// localised once per language and visibility, are what DefaultQuestions
// builds, shared by every caller, and that a caller's append copies them
// instead of writing where the next caller reads.
func TestQuestionsInKeepsLocalisations(t *testing.T) {
	b := &Bot{}
	for _, tt := range []struct {
		locale string
		vis    Visibility
	}{{"en", VisMentors}, {"es", VisMentors}, {"es", VisHouse}, {"en", VisPrivate}} {
		h := &House{Locale: tt.locale}
		h.Checkin.DefaultVisibility = tt.vis
		want := DefaultQuestions(h.Lang(), tt.vis)
		first := b.questionsIn(h, h.Lang())
		for range 2 {
			got := b.questionsIn(h, h.Lang())
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("questionsIn(%s, %s) = %+v, want %+v", tt.locale, tt.vis, got, want)
			}
			if &got[0] != &first[0] {
				t.Fatalf("questionsIn(%s, %s) built the questions again", tt.locale, tt.vis)
			}
			if more := append(got, Field{ID: "extra"}); &more[0] == &got[0] {
				t.Fatalf("an append to questionsIn(%s, %s) wrote into the shared questions", tt.locale, tt.vis)
			}
		}
		if got := b.questions(h); !reflect.DeepEqual(got, want) {
			t.Errorf("questions(%s, %s) = %+v, want %+v", tt.locale, tt.vis, got, want)
		}
	}
	own := &House{}
	own.Checkin.Questions = []Field{{ID: "q", Kind: KindText, Label: "Anything?"}}
	if got := b.questions(own); !reflect.DeepEqual(got, own.Checkin.Questions) {
		t.Errorf("questions of a house with its own = %+v, want %+v", got, own.Checkin.Questions)
	}
}

// TestEventTextsOfTextFields checks that a form's values are pre-screened
// only where they are free text when the form's text fields are known,
// and all of them (as submitted and trimmed) when they are not.
func TestEventTextsOfTextFields(t *testing.T) {
	ev := Event{Kind: EventForm, Form: &FormInput{ID: "checkin:7", Values: map[string]string{
		QMood: "4", "win": "  Went to a meeting ", "hard": "", QReachOut: "no", QVisibility: "mentors",
	}}}
	for _, tt := range []struct {
		name   string
		fields map[string]bool
		want   []string
	}{
		{"text fields known", map[string]bool{"win": true, "hard": true}, []string{"  Went to a meeting ", "Went to a meeting"}},
		{"fields unknown", nil, []string{"  Went to a meeting ", "Went to a meeting", "4", "no", "mentors"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := eventTexts(ev, tt.fields)
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("eventTexts = %q, want %q", got, want)
			}
		})
	}
}

// TestFormTextFields checks which forms' text fields the config names:
// those of a route with fields, in the named house, and no others.
func TestFormTextFields(t *testing.T) {
	b := &Bot{forms: map[string]formRoute{}}
	b.forms["checkin"] = formRoute{fields: b.questions}
	b.forms["goal"] = formRoute{}
	h := &House{Locale: "en"}
	form := func(id string) Event { return Event{Kind: EventForm, Form: &FormInput{ID: id}} }
	if got, want := b.formTextFields(form("checkin:7"), h), map[string]bool{"win": true, "hard": true}; !reflect.DeepEqual(got, want) {
		t.Errorf("check-in form: got %v, want %v", got, want)
	}
	for name, ev := range map[string]Event{"no fields": form("goal:1"), "unknown form": form("nope:1"), "a DM": {Kind: EventDM, Text: "hi"}} {
		if got := b.formTextFields(ev, h); got != nil {
			t.Errorf("%s: got %v, want nil", name, got)
		}
	}
	if got := b.formTextFields(form("checkin:7"), nil); got != nil {
		t.Errorf("no house: got %v, want nil", got)
	}
}
