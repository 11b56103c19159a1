package bot_test

import (
	"strings"
	"testing"
)

// Why a partner or a mentee is told their pairing or agreement ended is
// in their own language, whoever caused it and whatever the house's.
func TestLeaveReasonsInEachReadersLanguage(t *testing.T) {
	for _, c := range []struct {
		name string
		end  func(h *harness)
		want string
	}{
		{"pause", func(h *harness) {
			h.do(h.ev.Command(mentor, "pause", "<@"+robin.ID+"> until 2026-11-20 family visit"))
		}, "Robin va a estar fuera un tiempo, así que *Robin* ya no es tu compañero de apoyo."},
		{"leave", func(h *harness) { h.do(h.ev.Command(robin, "leave", "")) },
			"Robin ya no forma parte de los check-ins de la casa, así que *Robin* ya no es tu compañero de apoyo."},
		{"erase", func(h *harness) {
			resp := h.do(h.ev.Command(robin, "mydata", "erase"))
			h.do(h.ev.Press(robin, resp.Messages[0].Choices[0].ID, ""))
		}, "Tu compañero de apoyo ya no forma parte de los check-ins de la casa, así que ya no son compañeros."},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := pairedHarness(t)
			speak(h, casey, "es")
			h.ad.Reset()
			c.end(h)
			h.flush()
			if got := texts(h.ad.To(casey.ID)); !strings.Contains(got, c.want) || strings.Contains(got, "family") {
				t.Errorf("Casey told %q, want %q", got, c.want)
			}
		})
	}
	t.Run("mentoring", func(t *testing.T) {
		h := newHarness(t)
		h.join(mentor, robin)
		speak(h, mentor, "es")
		propose(t, h, robin, terms())
		h.do(h.ev.Press(robin, lastTo(t, h, robin).Choices[0].ID, ""))
		h.ad.Reset()
		h.do(h.ev.Command(robin, "leave", ""))
		h.flush()
		if got := texts(h.ad.To(mentor.ID)); !strings.Contains(got, "Robin ya no forma parte de los check-ins de la casa, así que tu acuerdo de mentoría terminó.") {
			t.Errorf("Morgan told %q", got)
		}
	})
}

// Pairing someone who hasn't joined says so in the mentor's language,
// to the end of the sentence.
func TestPairingANonMemberInEachLanguage(t *testing.T) {
	h := newHarness(t)
	h.join(mentor, robin)
	pair := h.ev.Command(mentor, "partner", "pair <@"+robin.ID+"> <@"+casey.ID+">")
	if got := text(h.do(pair)); !strings.Contains(got, "(or has left), so they can't have a partner.") {
		t.Errorf("in English: %q", got)
	}
	speak(h, mentor, "es")
	if got := text(h.do(pair)); !strings.Contains(got, "(o ya salió), así que no puede tener compañero de apoyo.") {
		t.Errorf("in Spanish: %q", got)
	}
}
