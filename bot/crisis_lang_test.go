package bot_test

import (
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
)

// The crisis texts in Spanish: a resident who chose Spanish gets Spanish
// words and the lines that answer in Spanish; each alert is in its
// recipient's language, whatever the resident's.

// speak sets u's own language with /language.
func speak(h *harness, u bot.User, code string) {
	h.t.Helper()
	h.do(h.ev.Command(u, "language", code))
}

func TestSpanishDangerReplyNamesSpanishLines(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	speak(h, robin, "es")

	reply := h.do(h.ev.DM(robin, dangerLine))
	es := text(reply)
	for _, want := range []string{"Me alegra mucho que me lo hayas contado", "llama al 988 y oprime 2", "envía AYUDA por mensaje de texto al 988", "AYUDA por mensaje de texto al 741741", "442-AYUDAME", "1-800-662-4357", "llama al 911", "¿Quieres que alguien de la casa se comunique contigo?"} {
		if !strings.Contains(es, want) {
			t.Errorf("Spanish danger reply lacks %q:\n%s", want, es)
		}
	}
	en := text(h.do(h.ev.DM(casey, dangerLine)))
	if !strings.Contains(en, "988 Suicide & Crisis Lifeline: call or text 988") || !strings.Contains(en, "in Spanish: call 988 and press 2") || strings.Contains(en, "AYUDAME") {
		t.Errorf("English danger reply:\n%s", en)
	}

	// Robin says yes: the House Mentor, who never chose a language, reads
	// the house's English, with an English button.
	id := choiceID(reply, "crisis:alert")
	if got := text(h.do(h.ev.Press(robin, id, ""))); !strings.Contains(got, "Les pedí a tus mentores de la casa") {
		t.Errorf("yes, in Spanish: %q", got)
	}
	alerts := alertsTo(h, mentor.ID)
	if len(alerts) != 1 {
		t.Fatalf("mentor alerts = %d, want 1", len(alerts))
	}
	if !strings.Contains(alerts[0].Text, "asked for support") || alerts[0].Choices[0].Label != "I'm on it" {
		t.Errorf("mentor's alert is not in the house's English: %q %q", alerts[0].Text, alerts[0].Choices[0].Label)
	}
}

func TestCrisisAlertFollowsTheMentorsLanguage(t *testing.T) {
	h := newHarness(t)
	h.join(robin, mentor)
	speak(h, mentor, "es")

	h.do(h.ev.Press(robin, "crisis:alert:"+itoa(h.house.ID), ""))
	alerts := alertsTo(h, mentor.ID)
	if len(alerts) != 1 {
		t.Fatalf("mentor alerts = %d, want 1", len(alerts))
	}
	a := alerts[0]
	if !strings.Contains(a.Text, "*Robin* pidió apoyo") || !strings.Contains(a.Text, "oprime 2") || a.Choices[0].Label != "Yo me encargo" {
		t.Errorf("a Spanish-reading mentor's alert: %q, button %q", a.Text, a.Choices[0].Label)
	}
	// The mentor acknowledges in Spanish; Robin, in English, is told in
	// English with the English lines.
	got := text(h.do(h.ev.Press(mentor, a.Choices[0].ID, "")))
	if !strings.Contains(got, "Gracias. Comunícate directamente con *Robin*") {
		t.Errorf("ack, in Spanish: %q", got)
	}
	h.flush()
	dms := h.ad.To(robin.ID)
	last := dms[len(dms)-1].Text
	if !strings.Contains(last, "a House Mentor, is on it") || !strings.Contains(last, "988 Suicide & Crisis Lifeline") {
		t.Errorf("Robin told: %q", last)
	}
}

func TestSpanishHouseEscalatesInSpanish(t *testing.T) {
	h := newHarness(t, func(h *bot.House) { h.Locale = "es"; h.Mentors = nil })
	h.join(robin)
	h.do(h.ev.Press(robin, "crisis:alert:"+itoa(h.house.ID), ""))
	alerts := alertsTo(h, owner.ID)
	if len(alerts) != 1 {
		t.Fatalf("operator alerts = %d, want 1 (no mentor: escalated at once)", len(alerts))
	}
	if !strings.Contains(alerts[0].Text, "La casa no tiene ningún mentor a quien avisar.") || !strings.Contains(alerts[0].Text, "Si crees que está en peligro inmediato") {
		t.Errorf("escalation in a Spanish house: %q", alerts[0].Text)
	}
}

func TestConfiguredResourcesShownAsConfigured(t *testing.T) {
	own := []string{"Línea de la Vida: 800 911 2000 (24/7)", "Emergencias: 911"}
	h := newHarness(t, func(h *bot.House) { h.Crisis.Resources = own; h.Locale = "es" })
	got := text(h.do(h.ev.Command(guest, "resources", "")))
	if !strings.Contains(got, "*Apoyo disponible a cualquier hora*\n• "+own[0]+"\n• "+own[1]+"\n") || strings.Contains(got, "988") {
		t.Errorf("/resources with the house's own lines:\n%s", got)
	}
}

func TestDefaultResourcesAreTheCatalogues(t *testing.T) {
	want := []string{
		"988 Suicide & Crisis Lifeline: call or text 988, or chat at 988lifeline.org (in Spanish: call 988 and press 2, or text AYUDA to 988)",
		"SAMHSA National Helpline: 1-800-662-4357 (free, confidential, 24/7)",
		"Crisis Text Line: text HOME to 741741 (in Spanish: text AYUDA to 741741)",
		"In an emergency, call 911",
		"Outside the US: findahelpline.com",
	}
	if got := bot.DefaultCrisisResources(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("DefaultCrisisResources() = %q", got)
	}
	// A house whose config lists exactly the defaults reads them in each
	// reader's language.
	h := newHarness(t, func(h *bot.House) { h.Crisis.Resources = bot.DefaultCrisisResources() })
	h.join(robin)
	speak(h, robin, "es")
	if got := text(h.do(h.ev.Command(robin, "resources", ""))); !strings.Contains(got, "oprime 2") {
		t.Errorf("defaults from config, in Spanish:\n%s", got)
	}
}
