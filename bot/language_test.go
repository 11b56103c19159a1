package bot_test

import (
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
)

func TestLanguageChoosesPrivateMessagesOnly(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	if got := text(h.do(h.ev.Command(robin, "language", ""))); !strings.Contains(got, "Your private messages are in English") || !strings.Contains(got, "es (español)") {
		t.Errorf("/language = %q, want the current language and the choices", got)
	}
	if got := text(h.do(h.ev.Command(robin, "language", "español"))); !strings.Contains(got, "Listo: desde ahora tus mensajes privados están en español") {
		t.Errorf("/language español = %q, want a Spanish confirmation", got)
	}
	if m := h.memberOf(robin); m.Locale != "es" {
		t.Errorf("stored locale = %q, want es", m.Locale)
	}
	// Replies follow the member, errors included.
	if got := text(h.do(h.ev.Command(robin, "language", "klingon"))); !strings.Contains(got, "Todavía no hablo") {
		t.Errorf("unknown language = %q, want a Spanish refusal", got)
	}
	if m := h.memberOf(robin); m.Locale != "es" {
		t.Errorf("a refused choice changed the locale to %q", m.Locale)
	}
	if got := text(h.do(h.ev.Command(robin, "language", "casa"))); !strings.Contains(got, "follow the house's language, English") {
		t.Errorf("/language casa = %q, want to follow the house, in English", got)
	}
	if m := h.memberOf(robin); m.Locale != "" {
		t.Errorf("stored locale = %q, want none", m.Locale)
	}
}

func TestLanguageFollowsTheHouse(t *testing.T) {
	h := newHarness(t, func(h *bot.House) { h.Locale = "es" })
	h.join(robin)
	if got := text(h.do(h.ev.Command(robin, "language", ""))); !strings.Contains(got, "Tus mensajes privados están en español") {
		t.Errorf("/language in a Spanish house = %q", got)
	}
	if got := text(h.do(h.ev.Command(robin, "language", "en"))); !strings.Contains(got, "Done: your private messages are in English") {
		t.Errorf("/language en = %q", got)
	}
}

func TestLanguageNeedsMembership(t *testing.T) {
	h := newHarness(t)
	if got := text(h.do(h.ev.Command(robin, "language", "es"))); !strings.Contains(got, "join") {
		t.Errorf("a guest's /language = %q, want to join first", got)
	}
}

// A member whose stored language the catalogue no longer has (one removed
// in an upgrade) reads the house's, not English.
func TestLanguageGoneFollowsTheHouse(t *testing.T) {
	h := &bot.House{Locale: "es"}
	if got := bot.LangOf(h, &bot.Member{Locale: "xx"}).Code(); got != "es" {
		t.Errorf("language of a member with a language gone = %q, want the house's, es", got)
	}
	if got := bot.LangOf(h, &bot.Member{Locale: "en"}).Code(); got != "en" {
		t.Errorf("language of a member who chose English = %q", got)
	}
}
