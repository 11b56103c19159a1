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
