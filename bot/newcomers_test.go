package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage/storagetest"
)

var mentor2 = bot.User{ID: "U-mentor2", Name: "Quinn"}

// dutyHouse has two House Mentors on a weekly duty rotation.
func dutyHouse(h *bot.House) {
	h.Mentors = []string{mentor.ID, mentor2.ID}
	h.MentorsOnDuty = []string{mentor.ID, mentor2.ID}
	h.Meetings.PerWeek = 3
}

// welcomes returns the welcome notes u got, in order.
func welcomes(h *harness, u bot.User) []bot.Outgoing {
	var out []bot.Outgoing
	for _, m := range h.ad.To(u.ID) {
		for _, mark := range []string{"👋 Welcome", "🌱 How check-ins work", "🤝 Your House Mentor", "📅 "} {
			if strings.HasPrefix(m.Text, mark) {
				out = append(out, m)
			}
		}
	}
	return out
}

func TestFoundingResidentsAndStaffGetNoWelcome(t *testing.T) {
	h := newHarness(t, dutyHouse) // the house starts on Monday 16 November
	h.join(robin, mentor)         // founding resident; a House Mentor
	h.clock.Set(time.Date(2026, 11, 17, 9, 0, 0, 0, chicago))
	h.join(owner) // an operator who joins is no newcomer
	tick(t, h, time.Date(2026, 11, 25, 9, 0, 0, 0, chicago))
	for _, u := range []bot.User{robin, mentor, mentor2, owner} {
		if got := h.ad.To(u.ID); len(got) != 0 {
			t.Errorf("%s got %s", u.Name, texts(got))
		}
	}
}

func TestNewcomerWelcomeOverTheFirstWeek(t *testing.T) {
	db := storagetest.Open(t)
	h := newHarnessDB(t, db, time.Date(2026, 11, 16, 8, 0, 0, 0, chicago), dutyHouse)
	h.join(robin)
	joined := time.Date(2026, 11, 24, 15, 0, 0, 0, chicago) // Tuesday of week 48
	h.clock.Set(joined)
	h.join(casey)
	h.do(h.ev.Command(mentor, "partner", "pair <@"+robin.ID+"> <@"+casey.ID+">"))

	// The House Mentor on duty this week — one of the two, by the rotation
	// — is told privately, and only they are.
	onDuty, offDuty := mentor, mentor2
	if len(h.ad.To(mentor.ID)) == 0 {
		onDuty, offDuty = mentor2, mentor
	}
	if got := h.ad.To(onDuty.ID); len(got) != 1 || !strings.Contains(got[0].Text, "*Casey* just joined") || !strings.Contains(got[0].Text, "on duty this week") {
		t.Errorf("mentor on duty got %s", texts(got))
	}
	if got := h.ad.To(offDuty.ID); len(got) != 0 {
		t.Errorf("mentor off duty got %s", texts(got))
	}
	// The first note comes at once, with the house's meetings ask and a
	// button to skip the rest.
	w := welcomes(h, casey)
	if len(w) != 1 || !strings.Contains(w[0].Text, "Welcome to Cedar House, Casey") || !strings.Contains(w[0].Text, "3 recovery meetings a week") ||
		len(w[0].Choices) != 1 || w[0].Choices[0].Label != "Skip the rest" {
		t.Fatalf("welcome at join = %+v", w)
	}

	// The next day at 10:00, how check-ins work; ticks again send nothing.
	tick(t, h, time.Date(2026, 11, 25, 9, 59, 0, 0, chicago))
	if got := len(welcomes(h, casey)); got != 1 {
		t.Errorf("before 10:00 the next day: %d notes, want 1", got)
	}
	for range 2 {
		tick(t, h, time.Date(2026, 11, 25, 10, 0, 0, 0, chicago))
	}
	if w := welcomes(h, casey); len(w) != 2 || !strings.Contains(w[1].Text, "How check-ins work") {
		t.Fatalf("day 1 = %s", texts(w))
	}

	// A restart: a new core on the same database, down over day 2; it
	// sends the mentor note late, once, naming the mentor and the partner.
	h2 := newHarnessDB(t, db, time.Date(2026, 11, 26, 18, 0, 0, 0, chicago), dutyHouse)
	if err := h2.bot.CatchUp(h2.ctx); err != nil {
		t.Fatal(err)
	}
	h2.flush()
	tick(t, h2, time.Date(2026, 11, 26, 18, 1, 0, 0, chicago))
	w = welcomes(h2, casey)
	if len(w) != 1 || !strings.Contains(w[0].Text, "Your House Mentor this week is <@"+onDuty.ID+">") || !strings.Contains(w[0].Text, "partner is *Robin*") {
		t.Fatalf("after the restart = %s", texts(w))
	}

	// Day 4: a first activity, with its RSVP buttons, and no skip button.
	addActivity(t, h2, map[string]string{"when": "2026-12-04 19:00"})
	tick(t, h2, time.Date(2026, 11, 28, 10, 0, 0, 0, chicago))
	w = welcomes(h2, casey)
	if len(w) != 2 || !strings.Contains(w[1].Text, "*Movie night*") || !strings.Contains(w[1].Text, "last of my welcome notes") || len(w[1].Choices) != 3 {
		t.Fatalf("day 4 = %+v", w)
	}
	tick(t, h2, time.Date(2026, 12, 10, 10, 0, 0, 0, chicago))
	if got := len(welcomes(h2, casey)) + len(welcomes(h, casey)); got != 4 {
		t.Errorf("after the week: %d notes in all, want 4", got)
	}
}

func TestNewcomerSkipsTheRest(t *testing.T) {
	h := newHarness(t)
	h.clock.Set(time.Date(2026, 11, 24, 15, 0, 0, 0, chicago))
	h.join(casey, robin)
	// With no rotation every House Mentor is told.
	if got := h.ad.To(mentor.ID); len(got) != 2 || !strings.Contains(got[0].Text, "one of the House Mentors") {
		t.Errorf("mentors got %s", texts(got))
	}
	skip := welcomes(h, casey)[0].Choices[0].ID
	if got := text(h.do(h.ev.Press(robin, skip, ""))); !strings.Contains(got, "not valid") {
		t.Errorf("Robin pressing Casey's skip = %q, want refused", got)
	}
	if got := text(h.do(h.ev.Press(casey, skip, ""))); !strings.Contains(got, "no more welcome notes") {
		t.Errorf("skip = %q", got)
	}
	tick(t, h, time.Date(2026, 12, 5, 10, 0, 0, 0, chicago))
	if got := len(welcomes(h, casey)); got != 1 {
		t.Errorf("Casey got %d notes after skipping, want 1", got)
	}
	if got := len(welcomes(h, robin)); got != 4 {
		t.Errorf("Robin got %d notes, want all 4", got)
	}
	data, err := h.bot.ExportData(h.ctx, h.house, casey.ID, "cli")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"status": "1 of the welcome notes sent, the rest skipped"`) {
		t.Errorf("export lacks the welcome:\n%s", data)
	}
	// Leaving and coming back is not joining anew.
	h.do(h.ev.Command(robin, "leave", ""))
	h.join(robin)
	tick(t, h, time.Date(2026, 12, 20, 10, 0, 0, 0, chicago))
	if got := len(welcomes(h, robin)); got != 4 {
		t.Errorf("Robin got %d notes after coming back, want still 4", got)
	}
}

// TestMentorOnDutyRotatesWeekly: the rotation moves on each Monday, in
// house time, and a rota member who is no longer a House Mentor is passed
// over for all of them.
func TestMentorOnDutyRotatesWeekly(t *testing.T) {
	h := newHarness(t, dutyHouse)
	told := func(u bot.User, at time.Time) []string {
		h.t.Helper()
		h.ad.Reset()
		h.clock.Set(at)
		h.join(u)
		var who []string
		for _, m := range []bot.User{mentor, mentor2} {
			if len(h.ad.To(m.ID)) > 0 {
				who = append(who, m.Name)
			}
		}
		return who
	}
	a := told(robin, time.Date(2026, 11, 22, 23, 0, 0, 0, chicago)) // Sunday night
	b := told(casey, time.Date(2026, 11, 23, 0, 30, 0, 0, chicago)) // Monday
	c := told(jamie, time.Date(2026, 11, 30, 12, 0, 0, 0, chicago)) // a week later
	if len(a) != 1 || len(b) != 1 || a[0] == b[0] || c[0] != a[0] {
		t.Errorf("on duty: %v, %v, %v; want one each, changing each Monday", a, b, c)
	}

	gone := newHarness(t, func(h *bot.House) { h.MentorsOnDuty = []string{"U-gone"} })
	gone.clock.Set(time.Date(2026, 11, 24, 15, 0, 0, 0, chicago))
	gone.join(robin)
	if got := gone.ad.To(mentor.ID); len(got) != 1 || !strings.Contains(got[0].Text, "one of the House Mentors") {
		t.Errorf("with nobody on duty, the House Mentor got %s", texts(got))
	}
}

// TestWelcomeNoticesAreErasedWithWhomTheyName: the mentor's notice of a
// newcomer names them, and the newcomer's mentor step names their partner;
// erasing the person named before the message is sent takes it away.
func TestWelcomeNoticesAreErasedWithWhomTheyName(t *testing.T) {
	h := newHarness(t, dutyHouse)
	h.join(robin)
	h.clock.Set(time.Date(2026, 11, 24, 15, 0, 0, 0, chicago))
	consent := h.bot.Handle(h.ctx, h.ev.Command(casey, "join", ""))
	h.bot.Handle(h.ctx, h.ev.Press(casey, consent.Messages[0].Choices[0].ID, "")) // not flushed
	if n := outboxWith(t, h, "just joined"); n != 1 {
		t.Fatalf("notices of the newcomer queued = %d, want 1", n)
	}
	if err := h.bot.EraseData(h.ctx, h.house, casey.ID, "cli"); err != nil {
		t.Fatal(err)
	}
	if n := outboxWith(t, h, "just joined"); n != 0 {
		t.Errorf("notices naming the erased newcomer = %d, want 0", n)
	}

	// Lee joins, is paired with Robin, and Robin is erased before the
	// step naming them is sent.
	h.join(lee)
	h.do(h.ev.Command(mentor, "partner", "pair <@"+robin.ID+"> <@"+lee.ID+">"))
	h.clock.Set(time.Date(2026, 11, 26, 10, 0, 0, 0, chicago))
	if err := h.bot.Tick(h.ctx); err != nil {
		t.Fatal(err)
	}
	if n := outboxWith(t, h, "partner is *Robin*"); n != 1 {
		t.Fatalf("steps naming the partner queued = %d, want 1", n)
	}
	if err := h.bot.EraseData(h.ctx, h.house, robin.ID, "cli"); err != nil {
		t.Fatal(err)
	}
	if n := outboxWith(t, h, "partner is *Robin*"); n != 0 {
		t.Errorf("steps naming the erased partner = %d, want 0", n)
	}
}
