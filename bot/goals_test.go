package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/render"
)

// sunday6pm is the first goals ask after the harness's start.
var sunday6pm = time.Date(2026, 11, 22, 18, 0, 0, 0, chicago)

// askGoals runs the weekly goals job for at and delivers what it sent.
func askGoals(t *testing.T, h *harness, at time.Time) {
	t.Helper()
	h.clock.Set(at)
	if err := h.bot.RunJob(h.ctx, bot.JobGoalsAsk, h.house, at); err != nil {
		t.Fatal(err)
	}
	h.flush()
}

func TestGoalsAddListAndLimits(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	if got := text(h.do(h.ev.Command(casey, "goal", "add call my sponsor"))); !strings.Contains(got, "Sorry, only residents") {
		t.Errorf("a guest's /goal add = %q", got)
	}
	if got := text(h.do(h.ev.Command(robin, "goal", "list"))); !strings.Contains(got, "haven't set any goals") {
		t.Errorf("empty list = %q", got)
	}
	for i, g := range []string{"call my sponsor twice", "go to three meetings", "cook one dinner for the house"} {
		got := text(h.do(h.ev.Command(robin, "goal", "add "+g)))
		if !strings.Contains(got, "Added goal "+string(rune('1'+i))) || !strings.Contains(got, "private") {
			t.Errorf("add %q = %q", g, got)
		}
	}
	if got := text(h.do(h.ev.Command(robin, "goal", "add a fourth one"))); !strings.Contains(got, "three goals already") {
		t.Errorf("a fourth goal = %q", got)
	}
	if resp := h.do(h.ev.Command(robin, "goal", "add")); resp.Form != nil {
		t.Errorf("the form opened with three goals: %+v", resp.Form)
	}
	if got := text(h.do(h.ev.Command(robin, "goal", "remove 3"))); !strings.Contains(got, "Removed “cook one dinner") {
		t.Errorf("remove = %q", got)
	}
	// Too long, in the command and in the form.
	long := strings.Repeat("x", 121)
	if got := text(h.do(h.ev.Command(robin, "goal", "add "+long))); !strings.Contains(got, "the limit is 120") {
		t.Errorf("a long goal = %q", got)
	}
	resp := h.do(h.ev.Command(robin, "goal", "add"))
	if resp.Form == nil || resp.Form.ID != "goal:new" {
		t.Fatalf("/goal add with no text = %+v, want the form", resp)
	}
	if resp := h.do(h.ev.Submit(robin, "goal:new", map[string]string{"goal": long})); resp.FieldErrors["goal"] == "" {
		t.Errorf("a long goal in the form = %+v", resp)
	}
	if got := text(h.do(h.ev.Submit(robin, "goal:new", map[string]string{"goal": "walk after dinner"}))); !strings.Contains(got, "Added goal 3") {
		t.Errorf("form goal = %q", got)
	}
	for raw, want := range map[string]string{"done 4": "from 1 to 3", "done 0": "from 1 to 3", "share x": "whole number", "cadence daily": "must be one of", "done": "Missing <number>"} {
		if got := text(h.do(h.ev.Command(robin, "goal", raw))); !strings.Contains(got, want) {
			t.Errorf("/goal %s = %q, want %q", raw, got, want)
		}
	}
	if got := text(h.do(h.ev.Command(robin, "goal", "done 2"))); !strings.Contains(got, "Well done") {
		t.Errorf("done = %q", got)
	}
	list := text(h.do(h.ev.Command(robin, "goal", "list")))
	for _, want := range []string{"1. “call my sponsor twice” — private", "2. “walk after dinner”", "*Done*", "✓ “go to three meetings”", "Sunday evenings"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q:\n%s", want, list)
		}
	}
}

// TestGoalsAskedOnTheirCadence: the weekly ask goes once per goal, keyed
// by its time (a second run or a restart sends nothing), skips goals set
// in the last three days, paused residents and those who turned it off,
// and follows a two-week cadence.
func TestGoalsAskedOnTheirCadence(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey, jamie)
	h.do(h.ev.Command(robin, "goal", "add call my sponsor twice"))
	h.do(h.ev.Command(casey, "goal", "add go to three meetings"))
	h.do(h.ev.Command(casey, "goal", "cadence off"))
	h.do(h.ev.Command(jamie, "goal", "add journal each night"))
	h.do(h.ev.Command(jamie, "checkin", "pause until 2026-11-25"))
	h.clock.Set(sunday6pm.Add(-24 * time.Hour))
	h.do(h.ev.Command(robin, "goal", "add a walk on Sunday"))
	h.ad.Reset()
	askGoals(t, h, sunday6pm)
	askGoals(t, h, sunday6pm)
	if err := newHarnessDB(t, h.db, sunday6pm).bot.RunJob(h.ctx, bot.JobGoalsAsk, h.house, sunday6pm); err != nil {
		t.Fatal(err)
	}
	h.flush()
	got := h.ad.To(robin.ID)
	if len(got) != 1 || !strings.Contains(got[0].Text, "How did the week go with: *call my sponsor twice*?") || len(got[0].Choices) != 5 {
		t.Fatalf("Robin asked = %s, want one question with a 1-5 scale", texts(got))
	}
	if n := len(h.ad.To(casey.ID)) + len(h.ad.To(jamie.ID)); n != 0 {
		t.Errorf("Casey (off) and Jamie (paused) got %d question(s)", n)
	}
	// Every two weeks: asked on the 6th, not on the 29th.
	h.do(h.ev.Command(robin, "goal", "cadence every-2-weeks"))
	h.ad.Reset()
	askGoals(t, h, sunday6pm.AddDate(0, 0, 7))
	if got := h.ad.To(robin.ID); len(got) != 0 {
		t.Errorf("asked a week later on a two-week cadence: %s", texts(got))
	}
	askGoals(t, h, sunday6pm.AddDate(0, 0, 14))
	if got := h.ad.To(robin.ID); len(got) != 2 || !strings.Contains(got[0].Text, "How did the last 2 weeks go") {
		t.Errorf("two weeks later = %s", texts(got))
	}
	// A run more than two days late (a long downtime) asks nothing.
	h.ad.Reset()
	h.clock.Set(sunday6pm.AddDate(0, 0, 31))
	if err := h.bot.RunJob(h.ctx, bot.JobGoalsAsk, h.house, sunday6pm.AddDate(0, 0, 28)); err != nil {
		t.Fatal(err)
	}
	h.flush()
	if n := len(h.ad.Sent()); n != 0 {
		t.Errorf("a stale ask sent %d message(s)", n)
	}
}

// TestGoalProgressIsTheResidentsUnlessShared: answers and notes show in
// the resident's list; the mentor of their agreement sees a goal only once
// it is shared, and nobody else ever does. The digest only counts.
func TestGoalProgressIsTheResidentsUnlessShared(t *testing.T) {
	h := agreedHarness(t)
	h.do(h.ev.Command(robin, "goal", "add call my sponsor twice"))
	h.do(h.ev.Command(robin, "goal", "add go to three meetings"))
	h.ad.Reset()
	askGoals(t, h, sunday6pm)
	asks := h.ad.To(robin.ID)
	if len(asks) != 2 {
		t.Fatalf("asks = %s", texts(asks))
	}
	if got := text(h.do(h.ev.Press(casey, asks[0].Choices[3].ID, ""))); !strings.Contains(got, "isn't for you") {
		t.Errorf("Casey answering Robin's = %q", got)
	}
	resp := h.do(h.ev.Press(robin, asks[0].Choices[1].ID, ""))
	if got := text(resp); !strings.Contains(got, "noted 2 · a little") || !strings.Contains(got, "fresh start") || len(resp.Messages[0].Choices) != 1 {
		t.Fatalf("rating = %+v", resp)
	}
	resp = h.do(h.ev.Press(robin, asks[0].Choices[3].ID, "")) // changed her mind
	note := h.do(h.ev.Press(robin, resp.Messages[0].Choices[0].ID, ""))
	if note.Form == nil {
		t.Fatalf("Add a note = %+v, want the note form", note)
	}
	if got := text(h.do(h.ev.Submit(robin, note.Form.ID, map[string]string{"note": "Called on Tuesday and Friday"}))); !strings.Contains(got, "Noted") {
		t.Errorf("note = %q", got)
	}
	h.do(h.ev.Press(robin, asks[1].Choices[4].ID, ""))
	list := text(h.do(h.ev.Command(robin, "goal", "list")))
	for _, want := range []string{"Recent: 4 · mostly (22 Nov)", "Note (22 Nov): Called on Tuesday and Friday", "Recent: 5 · all the way"} {
		if !strings.Contains(list, want) {
			t.Errorf("Robin's list lacks %q:\n%s", want, list)
		}
	}
	mentorSees := func() string { return text(h.do(h.ev.Command(mentor, "mentor", "list"))) }
	if got := mentorSees(); strings.Contains(got, "sponsor") || strings.Contains(got, "meetings") {
		t.Errorf("Morgan sees private goals: %q", got)
	}
	if got := text(h.do(h.ev.Command(robin, "goal", "share 1"))); !strings.Contains(got, "is shared") {
		t.Errorf("share = %q", got)
	}
	got := mentorSees()
	if !strings.Contains(got, "“call my sponsor twice” — Recent: 4 · mostly") || !strings.Contains(got, "Called on Tuesday") || strings.Contains(got, "meetings") {
		t.Errorf("Morgan's view of the shared goal = %q", got)
	}
	// Nobody else: a housemate, or a mentor once the agreement ended.
	h.do(h.ev.Command(robin, "mentor", "end"))
	if got := mentorSees(); strings.Contains(got, "sponsor") {
		t.Errorf("after the agreement ended, Morgan sees = %q", got)
	}
	h.do(h.ev.Command(robin, "goal", "share 1 off"))
	if got := text(h.do(h.ev.Command(robin, "goal", "list"))); !strings.Contains(got, "1. “call my sponsor twice” — private") {
		t.Errorf("after share off = %q", got)
	}
	d := digestOf(t, h, "2026-W47")
	if d.Goals.ResidentsWithGoals != 1 {
		t.Errorf("digest goals = %+v", d.Goals)
	}
	js, err := render.DigestJSON(d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(js), "sponsor") || strings.Contains(render.DigestText(d), "sponsor") {
		t.Error("a goal's words are in the digest")
	}
}

// TestGoalProgressFor is the function App Home and /history call: it
// answers only what its reader may see.
func TestGoalProgressFor(t *testing.T) {
	h := agreedHarness(t)
	h.do(h.ev.Command(robin, "goal", "add call my sponsor twice"))
	h.do(h.ev.Command(robin, "goal", "add go to three meetings"))
	h.do(h.ev.Command(robin, "goal", "share 2"))
	progress := func(reader bot.User) []string {
		var out []string
		err := h.db.View(h.ctx, func(tx bot.Tx) error {
			r := &bot.Request{Ctx: h.ctx, Tx: tx, Now: h.clock.Now(), House: h.house}
			subject, err := tx.MemberByUser(h.ctx, h.house.ID, robin.ID)
			if err != nil {
				return err
			}
			if m, err := tx.MemberByUser(h.ctx, h.house.ID, reader.ID); err == nil {
				r.Member = m
			}
			ps, err := bot.GoalProgressFor(r, subject, 4)
			if err != nil {
				return err
			}
			out = bot.GoalProgressLines(r, ps)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := progress(robin); len(got) != 4 {
		t.Errorf("Robin reads %q, want both goals", got)
	}
	if got := progress(mentor); len(got) != 2 || !strings.Contains(got[0], "meetings") {
		t.Errorf("Morgan reads %q, want the shared goal only", got)
	}
	for _, u := range []bot.User{casey, owner} {
		if got := progress(u); len(got) != 0 {
			t.Errorf("%s reads %q, want nothing", u.Name, got)
		}
	}
}

// TestGoalsExportEraseAndRetention: goals, answers and notes are in the
// export, gone after erasure, and their words are redacted after the
// retention period (active goals keep theirs).
func TestGoalsExportEraseAndRetention(t *testing.T) {
	h := newHarness(t, func(h *bot.House) { h.RetentionDays = 30 })
	h.join(robin, mentor)
	h.do(h.ev.Command(robin, "goal", "add call my sponsor twice"))
	h.do(h.ev.Command(robin, "goal", "add go to three meetings"))
	h.do(h.ev.Command(robin, "goal", "cadence every-4-weeks"))
	propose(t, h, robin, terms())
	h.do(h.ev.Press(robin, lastTo(t, h, robin).Choices[0].ID, ""))
	h.do(h.ev.Command(robin, "mentor", "end"))
	h.ad.Reset()
	askGoals(t, h, sunday6pm)
	ask := h.ad.To(robin.ID)[0]
	resp := h.do(h.ev.Press(robin, ask.Choices[2].ID, ""))
	note := h.do(h.ev.Press(robin, resp.Messages[0].Choices[0].ID, ""))
	h.do(h.ev.Submit(robin, note.Form.ID, map[string]string{"note": "Hard week at work"}))
	h.do(h.ev.Command(robin, "goal", "done 2"))

	d := exportOf(t, h, robin)
	if len(d.Goals) != 2 || d.Goals[0].Checks[0].Note != "Hard week at work" || d.GoalCadence != 4 {
		t.Errorf("export goals = %+v, cadence %d", d.Goals, d.GoalCadence)
	}
	if len(d.Mentoring) != 1 || d.Mentoring[0].Boundaries == "" {
		t.Errorf("export agreements = %+v", d.Mentoring)
	}

	// Thirty-one days on, the retention job removes the note, the done
	// goal's words and the ended agreement's boundaries.
	later := sunday6pm.AddDate(0, 0, 31)
	h.clock.Set(later)
	if err := h.bot.RunJob(h.ctx, bot.JobRetention, h.house, later); err != nil {
		t.Fatal(err)
	}
	d = exportOf(t, h, robin)
	if d.Goals[0].Goal.Text != "call my sponsor twice" || d.Goals[0].Checks[0].Note != "" || d.Goals[0].Checks[0].Rating != 3 || d.Goals[1].Goal.Text != "" {
		t.Errorf("after retention, goals = %+v", d.Goals)
	}
	if d.Mentoring[0].Boundaries != "" {
		t.Errorf("after retention, boundaries = %q", d.Mentoring[0].Boundaries)
	}
	if got := text(h.do(h.ev.Command(robin, "goal", "list"))); !strings.Contains(got, "words were removed") || strings.Contains(got, "Hard week") {
		t.Errorf("list after retention = %q", got)
	}

	resp = h.do(h.ev.Command(robin, "mydata", "erase"))
	h.do(h.ev.Press(robin, resp.Messages[0].Choices[0].ID, ""))
	h.join(robin)
	if d := exportOf(t, h, robin); len(d.Goals) != 0 || len(d.Mentoring) != 0 || d.GoalCadence != 1 {
		t.Errorf("after erase and rejoin, export = %+v %+v %d", d.Goals, d.Mentoring, d.GoalCadence)
	}
}

// TestGoalNoteIsScreened: a note is words written to the bot; a concern
// in it gets the private reply.
func TestGoalNoteIsScreened(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.do(h.ev.Command(robin, "goal", "add call my sponsor twice"))
	h.ad.Reset()
	askGoals(t, h, sunday6pm)
	resp := h.do(h.ev.Press(robin, h.ad.To(robin.ID)[0].Choices[0].ID, ""))
	note := h.do(h.ev.Press(robin, resp.Messages[0].Choices[0].ID, ""))
	got := text(h.do(h.ev.Submit(robin, note.Form.ID, map[string]string{"note": "I'm not safe right now"})))
	if !strings.Contains(got, "Noted") || !strings.Contains(got, "988") {
		t.Errorf("a note of concern = %q, want it noted and the resources", got)
	}
}
