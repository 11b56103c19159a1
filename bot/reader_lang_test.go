package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// spanishRobinRound is a house where Robin reads Spanish and Casey
// English, with a check-in round open.
func spanishRobinRound(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	h.join(robin, casey)
	speak(h, robin, "es")
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	return h
}

// The home page's resources button answers in the reader's language, and
// a House Mentor's home shows an alert's "I'm on it" in theirs, whatever
// the house's.
func TestHomeInTheReadersLanguage(t *testing.T) {
	h := homeHarness(t)
	h.join(robin, casey, mentor)
	speak(h, robin, "es")
	speak(h, mentor, "es")
	if got := text(h.do(h.ev.Press(robin, "home:resources", ""))); !strings.Contains(got, "Apoyo disponible a cualquier hora") {
		t.Errorf("Robin's resources = %q, want Spanish", got)
	}
	if got := text(h.do(h.ev.Press(casey, "home:resources", ""))); strings.Contains(got, "Apoyo disponible") || !strings.Contains(got, "988") {
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
	if want := "Ese es para los mentores de la casa, para que puedan estar pendientes de todos. Tus propios check-ins siempre los puedes ver tú: /checkin history."; got != want {
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

// /goal cadence takes its choice as the code or as its words in either
// language, typed or from a platform's picker, and refuses anything else
// listing the choices in the caller's words.
func TestGoalCadenceInEitherLanguage(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	speak(h, robin, "es")
	for _, c := range []struct {
		u         bot.User
		raw, want string
	}{
		{robin, "cada 2 semanas", "Está bien. Te voy a preguntar cómo te va cada 2 semanas"},
		{robin, "Semanal", "Está bien. Te voy a preguntar cómo te va los domingos"},
		{robin, "nunca", "Está bien. No te voy a preguntar por tus metas"},
		{robin, "every-4-weeks", "Está bien. Te voy a preguntar cómo te va cada 4 semanas"},
		{robin, "weekly", "Está bien. Te voy a preguntar cómo te va los domingos"},
		{robin, "diario", "<how> tiene que ser uno de estos: semanal, cada 2 semanas, cada 4 semanas, nunca."},
		{casey, "every 2 weeks", "Okay. I'll ask how it's going every 2 weeks"},
		{casey, "cada 4 semanas", "Okay. I'll ask how it's going every 4 weeks"},
		{casey, "daily", "<how> must be one of: weekly, every 2 weeks, every 4 weeks, off."},
	} {
		if got := text(h.do(h.ev.Command(c.u, "goal", "cadence "+c.raw))); !strings.Contains(got, c.want) {
			t.Errorf("%s: /goal cadence %s = %q, want %q", c.u.Name, c.raw, got, c.want)
		}
	}
	if got := text(h.do(typed(h, robin, "goal", "cadence", map[string]string{"how": "cada 4 semanas"}))); !strings.Contains(got, "cada 4 semanas") {
		t.Errorf("picked cada 4 semanas = %q", got)
	}
}

// An activity's post in a Spanish house names those going joined the
// Spanish way ("Robin y Casey"); one list join serves every feature.
func TestNamesJoinedInTheHousesLanguage(t *testing.T) {
	h := newHarness(t, func(h *bot.House) { h.Locale = "es" })
	h.join(robin, casey)
	h.do(h.ev.Submit(mentor, "activity:new", map[string]string{"title": "Movie night", "when": "2026-11-20 19:00", "repeat": "none"}))
	h.flush()
	posts := h.ad.InChannel(h.house.Channel)
	post := posts[len(posts)-1]
	if len(post.Choices) != 3 {
		t.Fatalf("announcement = %+v, want three RSVP buttons", post)
	}
	rsvp(h, robin, post, 0)
	rsvp(h, casey, post, 0)
	h.flush()
	edits := h.ad.Edits()
	if len(edits) == 0 {
		t.Fatal("the post was not updated")
	}
	if got := edits[len(edits)-1].Text; !strings.Contains(got, "Van: *Robin* y *Casey*") {
		t.Errorf("post = %q, want the names joined in Spanish", got)
	}
}

// A paged form's next page is titled in the resident's language, and a
// resident who submits a mentor's form is refused in theirs.
func TestFormPagesAndRefusalsInTheReadersLanguage(t *testing.T) {
	h := spanishRobinRound(t)
	h.ev.FormLimit = 3
	resp := h.do(h.ev.Press(robin, h.prompt().Choices[0].ID, ""))
	if resp.Form == nil {
		t.Fatalf("first page = %+v", resp)
	}
	h.do(h.ev.Submit(robin, resp.Form.ID, map[string]string{"mood": "bien", "win": "", "hard": ""}))
	if resp := h.do(h.ev.Press(robin, "form:continue", "")); resp.Form == nil || resp.Form.Title != "Continuación" {
		t.Errorf("second page = %+v, want it titled Continuación", resp.Form)
	}
	h.ev.FormLimit = 5
	m, err := memberOf(h, casey)
	if err != nil {
		t.Fatal(err)
	}
	got := text(h.do(h.ev.Submit(robin, fmt.Sprintf("mentor:new:%d", m.ID), terms())))
	if !strings.Contains(got, "pueden proponer un acuerdo de mentoría.") {
		t.Errorf("resident proposing = %q, want the Spanish refusal", got)
	}
}
