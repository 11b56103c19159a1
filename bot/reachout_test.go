package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// sky is a second House Mentor.
var sky = bot.User{ID: "U-sky", Name: "Sky"}

// reachOutNotice returns the "I'm on it" notice u got, and its button.
func reachOutNotice(t *testing.T, h *harness, u bot.User) (bot.Outgoing, string) {
	t.Helper()
	for _, m := range h.ad.To(u.ID) {
		if len(m.Choices) == 1 && strings.HasPrefix(m.Choices[0].ID, "reachout:") {
			return m, m.Choices[0].ID
		}
	}
	t.Fatalf("%s got no reach-out notice: %s", u.Name, texts(h.ad.To(u.ID)))
	return bot.Outgoing{}, ""
}

func TestReachOutIsTakenByTheFirstMentor(t *testing.T) {
	h := newHarness(t, func(h *bot.House) { h.Mentors = append(h.Mentors, sky.ID) })
	h.join(robin, casey)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.answer(robin, vals("2", "", "Rough night", "yes", "private"))
	h.flush()
	morganNote, button := reachOutNotice(t, h, mentor)
	skyNote, skyButton := reachOutNotice(t, h, sky)
	if button != skyButton || !strings.Contains(morganNote.Text, "*Robin* asked for someone to reach out") || strings.Contains(texts(h.ad.Sent()), "Rough night") {
		t.Fatalf("notices = %q / %q, want one request, without the answer", morganNote.Text, skyNote.Text)
	}

	// A resident cannot take it.
	if got := text(h.do(h.ev.Press(casey, button, ""))); !strings.Contains(got, "only House Mentors") {
		t.Errorf("Casey pressing = %q, want a refusal", got)
	}
	h.ad.Reset()
	h.clock.Set(at9(0).Add(10 * time.Minute))
	if got := text(h.do(h.ev.Press(sky, button, ""))); !strings.Contains(got, "Please reach out to *Robin* directly") {
		t.Errorf("Sky's press = %q", got)
	}
	h.flush()
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "Sky, a House Mentor, saw your check-in and will reach out") {
		t.Errorf("Robin told %s", texts(got))
	}
	edits := h.ad.Edits()
	if len(edits) != 2 {
		t.Fatalf("edits = %+v, want both mentors' notices edited", edits)
	}
	byChannel := map[string]string{}
	for _, e := range edits {
		if len(e.Choices) != 0 {
			t.Errorf("edit %q keeps its buttons", e.Text)
		}
		byChannel[e.Ref.Channel] = e.Text
	}
	if got := byChannel["dm-"+mentor.ID]; !strings.Contains(got, "*Robin* asked for someone to reach out") || !strings.Contains(got, "✓ Sky is on it.") {
		t.Errorf("Morgan's notice now = %q", got)
	}
	if got := byChannel["dm-"+sky.ID]; !strings.Contains(got, "✓ You're on it.") {
		t.Errorf("Sky's notice now = %q", got)
	}

	// Later presses say it is taken, and change nothing.
	h.ad.Reset()
	if got := text(h.do(h.ev.Press(mentor, button, ""))); !strings.Contains(got, "Already taken: <@U-sky> is on it") || !strings.Contains(got, "Robin") {
		t.Errorf("Morgan's press = %q", got)
	}
	if got := text(h.do(h.ev.Press(sky, button, ""))); !strings.Contains(got, "Already taken: You're on it") {
		t.Errorf("Sky's second press = %q", got)
	}
	h.flush()
	if len(h.ad.Sent()) != 0 || len(h.ad.Edits()) != 0 {
		t.Errorf("later presses sent %s and %d edits", texts(h.ad.Sent()), len(h.ad.Edits()))
	}
	if got := text(h.do(h.ev.Press(sky, "reachout:999", ""))); !strings.Contains(got, "can't find") {
		t.Errorf("unknown request = %q", got)
	}
}

func TestReachOutWithoutAMentorNameSaysAHouseMentor(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.answer(robin, vals("2", "", "", "yes", "private"))
	h.flush()
	_, button := reachOutNotice(t, h, mentor)
	// Editing the answer keeps one request: no second notice.
	h.answer(robin, vals("3", "", "", "no", "private"))
	h.answer(robin, vals("3", "", "", "yes", "private"))
	h.flush()
	if n := strings.Count(texts(h.ad.To(mentor.ID)), "asked for someone to reach out"); n != 1 {
		t.Errorf("mentor got %d notices, want 1", n)
	}
	h.ad.Reset()
	h.do(h.ev.Press(bot.User{ID: mentor.ID}, button, ""))
	h.flush()
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.HasPrefix(got[0].Text, "A House Mentor saw your check-in") {
		t.Errorf("Robin told %s", texts(got))
	}
}

// TestReachOutInEachReadersLanguage: a House Mentor who never joined reads
// a Spanish house's notice in Spanish; the resident, who chose English,
// hears in English that someone is coming.
func TestReachOutInEachReadersLanguage(t *testing.T) {
	h := newHarness(t, func(h *bot.House) { h.Locale = "es" })
	h.join(robin)
	h.do(h.ev.Command(robin, "language", "en"))
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.answer(robin, vals("2", "", "", "yes", "private"))
	h.flush()
	note, button := reachOutNotice(t, h, mentor)
	if !strings.Contains(note.Text, "*Robin* pidió que alguien se comunique") || note.Choices[0].Label != "Yo me encargo" {
		t.Errorf("notice = %q %+v, want Spanish", note.Text, note.Choices)
	}
	h.ad.Reset()
	if got := text(h.do(h.ev.Press(mentor, button, ""))); !strings.Contains(got, "Comunícate directamente con *Robin*") {
		t.Errorf("mentor's press = %q, want Spanish", got)
	}
	h.flush()
	if got := texts(h.ad.To(robin.ID)); !strings.Contains(got, "Morgan, a House Mentor, saw your check-in") {
		t.Errorf("Robin told %q, want English", got)
	}
	if edits := h.ad.Edits(); len(edits) != 1 || !strings.Contains(edits[0].Text, "✓ Tú te estás encargando. Gracias.") {
		t.Errorf("edits = %+v", edits)
	}
}
