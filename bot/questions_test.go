package bot

import (
	"reflect"
	"testing"
)

// TestQuestionsInKeepsLocalisations checks that the default questions,
// localised once per language and visibility, are what DefaultQuestions
// builds, and that one caller's changes to its copy reach no other.
func TestQuestionsInKeepsLocalisations(t *testing.T) {
	b := &Bot{}
	for _, tt := range []struct {
		locale string
		vis    Visibility
	}{{"en", VisMentors}, {"es", VisMentors}, {"es", VisHouse}, {"en", VisPrivate}} {
		h := &House{Locale: tt.locale}
		h.Checkin.DefaultVisibility = tt.vis
		want := DefaultQuestions(h.Lang(), tt.vis)
		for range 2 {
			got := b.questionsIn(h, h.Lang())
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("questionsIn(%s, %s) = %+v, want %+v", tt.locale, tt.vis, got, want)
			}
			got[0].Value, got[1].Label = "changed", "changed"
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
