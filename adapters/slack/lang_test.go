package slack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/adapters/kit"
	"github.com/porchlight/porchlight/bot"
)

// TestHomeFollowsTheMembersLanguage: each house's section of a home page
// is laid out in the member's language there, with dates in it, and the
// same page in English reads as it always has.
func TestHomeFollowsTheMembersLanguage(t *testing.T) {
	a := New(Config{CommandPrefix: DefaultCommandPrefix}, nil)
	page := func(lang string) string {
		h := sampleHome(1)
		h.Houses[0].Lang = kit.Lang(lang)
		h.Houses[0].PausedUntil = h.Houses[0].Round.ClosesAt
		raw, err := json.Marshal(a.homeView(h))
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	es := page("es")
	for _, want := range []string{"Tus check-ins están en pausa hasta el viernes 20 de noviembre.", "4 check-ins respondidos seguidos", "*Próximamente*", " · tú: going", "*Para mentores de la casa*", "check-ins: 4 · respuestas: 15"} {
		if !strings.Contains(es, want) {
			t.Errorf("Spanish page lacks %q:\n%s", want, es)
		}
	}
	en := page("")
	for _, want := range []string{"Your check-ins are paused until Friday 20 November.", "🔥 4 check-ins answered in a row.", "*Coming up*", " · you: going", "4 check-ins · 15 answers · 2 missed · 5 residents"} {
		if !strings.Contains(en, want) {
			t.Errorf("English page lacks %q:\n%s", want, en)
		}
	}
	// Someone in no house yet is welcomed with the command as Slack spells it.
	raw, _ := json.Marshal(a.homeView(bot.Home{}))
	if !strings.Contains(string(raw), "type `/porch-join` in the house channel") {
		t.Errorf("welcome = %s", raw)
	}
}

// TestAddedWordsFollowTheReader: the adapter's own words around a form
// and a message are in the reader's language, which the core gives.
func TestAddedWordsFollowTheReader(t *testing.T) {
	errs := map[string]string{"win": "Too long"}
	if got, want := fieldErrorText(kit.Lang("es"), errs), "No pude guardar ese formulario:\n• Too long\nÁbrelo de nuevo y corrige las respuestas, por favor."; got != want {
		t.Errorf("Spanish field errors = %q, want %q", got, want)
	}
	if got, want := fieldErrorText(kit.Lang("en"), errs), "I couldn't save that form:\n• Too long\nPlease open it again and fix the answers."; got != want {
		t.Errorf("English field errors = %q, want %q", got, want)
	}
	f := bot.Form{ID: "f", Fields: []bot.Field{{ID: "at", Label: "When", Kind: bot.KindDateTime}}}
	raw, _ := json.Marshal(buildModal(kit.Lang("es"), f, viewMeta{Form: "f"}))
	for _, want := range []string{`"text":"Enviar"`, `"text":"Cancelar"`, "En tu propia zona horaria."} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("Spanish modal lacks %s: %s", want, raw)
		}
	}
	a := New(Config{CommandPrefix: DefaultCommandPrefix}, nil)
	parts := a.render(bot.Message{Choices: []bot.Choice{{ID: "a", Label: "Sí"}, {ID: "b", Label: "No"}}, Lang: "es"})
	if got := parts[len(parts)-1].text; got != "Elige: Sí / No" {
		t.Errorf("notification text = %q", got)
	}
}
