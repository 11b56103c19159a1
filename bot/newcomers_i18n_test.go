package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// TestNewcomerWelcomeInSpanish: in a Spanish-speaking house the House
// Mentor on duty and the newcomer read Spanish; a newcomer who chooses
// English gets the rest of the welcome in English.
func TestNewcomerWelcomeInSpanish(t *testing.T) {
	h := newHarness(t, dutyHouse, func(h *bot.House) { h.Locale = "es" })
	h.join(robin)
	h.clock.Set(time.Date(2026, 11, 24, 15, 0, 0, 0, chicago))
	h.join(casey, jamie)
	h.flush()
	told := append(h.ad.To(mentor.ID), h.ad.To(mentor2.ID)...)
	if len(told) != 2 || !strings.Contains(told[0].Text, "acaba de unirse a los check-ins de Cedar House") {
		t.Errorf("the House Mentor on duty (no member: the house's language) got %s", texts(told))
	}
	for _, u := range []bot.User{casey, jamie} {
		got := h.ad.To(u.ID)
		if len(got) != 1 || !strings.HasPrefix(got[0].Text, "👋 ¡Te damos la bienvenida a Cedar House, "+u.Name+"!") ||
			!strings.Contains(got[0].Text, "La casa pide 3 reuniones de recuperación por semana") || got[0].Choices[0].Label != "Saltar las demás" {
			t.Errorf("%s's first note = %s", u.Name, texts(got))
		}
	}
	h.do(h.ev.Command(jamie, "language", "en"))
	h.ad.Reset()
	tick(t, h, time.Date(2026, 11, 25, 10, 0, 0, 0, chicago))
	if got := h.ad.To(casey.ID); len(got) != 1 || !strings.HasPrefix(got[0].Text, "🌱 Cómo funcionan los check-ins") {
		t.Errorf("Casey's second note = %s", texts(got))
	}
	if got := h.ad.To(jamie.ID); len(got) != 1 || !strings.HasPrefix(got[0].Text, "🌱 How check-ins work") || got[0].Choices[0].Label != "Skip the rest" {
		t.Errorf("Jamie's second note (chose English) = %s", texts(got))
	}
	if got := text(h.do(h.ev.Press(casey, h.ad.To(casey.ID)[0].Choices[0].ID, ""))); !strings.HasPrefix(got, "Está bien, no más notas de bienvenida.") {
		t.Errorf("skip reply = %q", got)
	}
}
