package bot_test

import (
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
)

// A yes/no answer typed in either language is stored as the same code.
func TestYesNoInEitherLanguage(t *testing.T) {
	f := bot.Field{ID: "reach", Label: "Reach out?", Kind: bot.KindYesNo}
	for in, want := range map[string]string{
		"yes": "yes", "Yes": "yes", "sure": "yes", "sí": "yes", "Si": "yes", "SÍ": "yes", "claro": "yes", "por favor": "yes",
		"no": "no", "nope": "no", "No gracias": "no", "no thanks": "no",
	} {
		if got, err := f.Normalize(in); err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", in, got, err, want)
		}
	}
	_, err := f.Normalize("quizás")
	es := (&bot.House{Locale: "es"}).Lang()
	if got := bot.ErrorText(es, err); got != `"Reach out?" lleva sí o no.` {
		t.Errorf("Spanish error: %q", got)
	}
	if got := bot.ErrorText(bot.SourceLang(), err); got != `"Reach out?" takes yes or no.` {
		t.Errorf("English error: %q", got)
	}
	if c := f.ChoicesIn(es); c[0].Label != "Sí" || c[0].Value != "yes" || c[1].Label != "No" || c[1].Value != "no" {
		t.Errorf("Spanish choices: %+v", c)
	}
	if h := (bot.Field{Kind: bot.KindNumber, Min: 1, Max: 5}).HintIn(es); h != "un número del 1 al 5" {
		t.Errorf("Spanish hint: %q", h)
	}
}

// Form validation errors are in the reader's language.
func TestFormErrorsInSpanish(t *testing.T) {
	f := bot.Form{Fields: []bot.Field{
		{ID: "n", Label: "Días", Kind: bot.KindNumber, Min: 1, Max: 30, Required: true},
		{ID: "d", Label: "Fecha", Kind: bot.KindDate},
	}}
	_, errs := f.Validate((&bot.House{Locale: "es"}).Lang(), map[string]string{"n": "", "d": "mañana"})
	if errs["n"] != `"Días" necesita una respuesta.` || !strings.HasPrefix(errs["d"], `"Fecha" lleva una fecha como AAAA-MM-DD`) {
		t.Errorf("errors: %q", errs)
	}
}

// The words that steer a conversation work in Spanish: "saltar" skips an
// optional question and "cancelar" stops with
// nothing saved, and the replies are in the resident's Spanish.
func TestConversationInSpanish(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	speak(h, robin, "es")
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.say(robin, dmStep{"hola", "(1/5)"}, dmStep{"3", "(2/5)"}, dmStep{"saltar", "(3/5)"}, dmStep{"saltar", "(4/5)"})
	h.say(robin, dmStep{"cancelar", "Está bien, ya paré. No se guardó nada."})
	if _, err := h.storedConvo(robin); err == nil {
		t.Errorf("a form in progress after cancelar")
	}
}

// A choice is read in any language, whatever the form's: its stored code,
// or its words in any language of the catalogue, ignoring case and
// accents; the code is stored. A scale's words likewise give its number.
func TestChoicesInAnyLanguage(t *testing.T) {
	en, es := bot.SourceLang(), (&bot.House{Locale: "es"}).Lang()
	for _, l := range []bot.Lang{en, es} {
		qs := bot.DefaultQuestions(l, bot.VisMentors)
		mood, vis := qs[0], qs[len(qs)-1]
		for in, want := range map[string]string{
			"house": "house", "casa": "house", "Casa": "house", "HOUSE": "house",
			"mentors": "mentors", "Mentores": "mentors", "privado": "private", "private": "private",
			"3": "house", // the third option, as a conversation numbers them
		} {
			if got, err := vis.Normalize(in); err != nil || got != want {
				t.Errorf("%s visibility %q = %q, %v; want %q", l.Code(), in, got, err, want)
			}
		}
		if _, err := vis.Normalize("nadie"); err == nil {
			t.Errorf("%s visibility nadie: no error", l.Code())
		}
		for in, want := range map[string]string{"good": "4", "bien": "4", "Muy bien": "5", "great": "5", "MAS O MENOS": "3", "2": "2"} {
			if got, err := mood.Normalize(in); err != nil || got != want {
				t.Errorf("%s mood %q = %q, %v; want %q", l.Code(), in, got, err, want)
			}
		}
		// What a select sends is the code, labelled in the reader's words.
		if c := vis.ChoicesIn(l); c[2].Value != "house" || c[2].Label != vis.Options[2] {
			t.Errorf("%s visibility choices = %+v, want the code house", l.Code(), c)
		}
	}
	if got := bot.DefaultQuestions(es, bot.VisHouse)[4].Shown("house"); got != "casa" {
		t.Errorf("Spanish house shown as %q, want casa", got)
	}
	// A configured question's options have no codes: they store their
	// own words, matched without case or accents.
	own := bot.Field{ID: "drink", Kind: bot.KindChoice, Label: "Drink", Options: []string{"Café", "Tea"}}
	for in, want := range map[string]string{"cafe": "Café", "TEA": "Tea", "1": "Café"} {
		if got, err := own.Normalize(in); err != nil || got != want {
			t.Errorf("own choice %q = %q, %v; want %q", in, got, err, want)
		}
	}
}

// Through the conversation: a Spanish reader may answer with English
// words and an English reader with Spanish ones; the codes are stored.
func TestConversationChoicesCrossLanguages(t *testing.T) {
	h := spanishRobinRound(t)
	h.ev.FormLimit = 0
	h.say(robin, dmStep{"hola", "(1/5)"}, dmStep{"good", "(2/5)"}, dmStep{"saltar", "(3/5)"}, dmStep{"saltar", "(4/5)"}, dmStep{"no", "(5/5)"}, dmStep{"house", "Gracias"})
	h.say(casey, dmStep{"hi", "(1/5)"}, dmStep{"muy bien", "(2/5)"}, dmStep{"skip", "(3/5)"}, dmStep{"skip", "(4/5)"}, dmStep{"sí", "(5/5)"}, dmStep{"mentores", "Thanks"})
	if a := answerIn(h, robin); a.Mood != 4 || a.Visibility != bot.VisHouse || a.Values[bot.QVisibility] != "house" {
		t.Errorf("Robin stored mood %d, visibility %q %q; want 4 and house", a.Mood, a.Visibility, a.Values[bot.QVisibility])
	}
	if a := answerIn(h, casey); a.Mood != 5 || a.Visibility != bot.VisMentors || a.Values[bot.QVisibility] != "mentors" || a.Values[bot.QReachOut] != "yes" {
		t.Errorf("Casey stored mood %d, visibility %q, reach out %q; want 5, mentors, yes", a.Mood, a.Visibility, a.Values[bot.QReachOut])
	}
}
