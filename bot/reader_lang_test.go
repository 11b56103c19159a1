package bot_test

import (
	"strings"
	"testing"
	"time"
)

// The home page's resources button answers in the reader's language, and
// a House Mentor's home shows an alert's "I'm on it" in theirs, whatever
// the house's.
func TestHomeInTheReadersLanguage(t *testing.T) {
	h := homeHarness(t)
	h.join(robin, casey, mentor)
	speak(h, robin, "es")
	speak(h, mentor, "es")
	if got := text(h.do(h.ev.Press(robin, "home:resources", ""))); !strings.Contains(got, "Apoyo que puedes buscar en cualquier momento") {
		t.Errorf("Robin's resources = %q, want Spanish", got)
	}
	if got := text(h.do(h.ev.Press(casey, "home:resources", ""))); strings.Contains(got, "Apoyo que puedes") || !strings.Contains(got, "988") {
		t.Errorf("Casey's resources = %q, want English", got)
	}
	h.do(press(h, casey, choiceID(h.do(h.ev.DM(casey, dangerLine)), "crisis:alert")))
	if a := h.home(mentor).Staff.Alerts; len(a) != 1 || a[0].Choice.Label != "Yo me encargo" {
		t.Errorf("Spanish mentor's alerts = %+v, want the button in Spanish", a)
	}
}

// A resident who asks for /history hears the kind refusal in their
// language.
func TestHistoryRefusalInTheReadersLanguage(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	speak(h, robin, "es")
	got := text(h.do(h.ev.Command(robin, "history", "<@"+casey.ID+">")))
	if want := "Ese es para los Mentores de la casa, para que puedan estar pendientes de todos. Tus propios check-ins siempre los puedes ver tú: /checkin history."; got != want {
		t.Errorf("refusal = %q, want %q", got, want)
	}
}

// A newcomer's welcome note about the first activity has its RSVP buttons
// in their language.
func TestNewcomerActivityNoteInTheirLanguage(t *testing.T) {
	h := newHarness(t, dutyHouse)
	h.join(robin)
	h.clock.Set(time.Date(2026, 11, 24, 15, 0, 0, 0, chicago))
	h.join(casey)
	speak(h, casey, "es")
	addActivity(t, h, map[string]string{"when": "2026-12-04 19:00"})
	tick(t, h, time.Date(2026, 11, 28, 10, 0, 0, 0, chicago))
	var labels []string
	for _, m := range h.ad.To(casey.ID) {
		if strings.Contains(m.Text, "Movie night") && len(m.Choices) == 3 {
			for _, c := range m.Choices {
				labels = append(labels, c.Label)
			}
		}
	}
	if got := strings.Join(labels, "/"); got != "Voy/Tal vez/No puedo" {
		t.Errorf("RSVP buttons = %q, want Spanish", got)
	}
}
