package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// TestAnswersListingByRole: the operator sees what a House Mentor sees,
// never a private answer; each line says what the resident chose, a
// thread reply and a reach-out request included; text past retention
// shows as expired.
func TestAnswersListingByRole(t *testing.T) {
	h := newHarness(t, func(h *bot.House) { h.RetentionDays = 1 })
	h.join(robin, casey, jamie)
	roundOpen(h)
	h.answer(robin, vals("2", "shared-win", "", "yes", "house"))
	h.answer(casey, vals("5", "private-win", "private-hard", "no", "private"))
	h.flush()
	ref := promptRef(t, h)
	if got := text(h.do(h.ev.Reply(jamie, ref, "3 tired but here"))); !strings.Contains(got, "you're checked in") {
		t.Fatalf("thread reply = %q", got)
	}

	for _, u := range []bot.User{mentor, owner} {
		got := text(h.do(h.ev.Command(u, "checkin", "answers 2026-11-16")))
		for _, want := range []string{"3 answered, 2 visible", "Robin: mood 2", "shared-win", "asked for someone to reach out", "Jamie: mood 3", "reply: 3 tired but here", "(house)"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s's listing %q lacks %q", u.Name, got, want)
			}
		}
		for _, leak := range []string{"Casey", "private-win", "private-hard", "mood 5"} {
			if strings.Contains(got, leak) {
				t.Errorf("%s's listing shows a private answer (%q): %q", u.Name, leak, got)
			}
		}
	}

	// Two days on, retention has removed the words: moods stay, text is
	// marked expired for the staff and for the resident alike.
	at := time.Date(2026, 11, 18, 3, 30, 0, 0, chicago)
	h.clock.Set(at)
	if err := h.bot.RunJob(h.ctx, bot.JobRetention, h.house, at); err != nil {
		t.Fatal(err)
	}
	got := text(h.do(h.ev.Command(mentor, "checkin", "answers 2026-11-16")))
	if !strings.Contains(got, "Robin: mood 2 · (text expired)") || strings.Contains(got, "shared-win") || strings.Contains(got, "tired") {
		t.Errorf("listing after retention = %q", got)
	}
	if got := text(h.do(h.ev.Command(casey, "checkin", "history"))); !strings.Contains(got, "mood 5") || !strings.Contains(got, "(text expired)") || strings.Contains(got, "private-win") {
		t.Errorf("Casey's history after retention = %q", got)
	}
}

// promptRef is the platform reference of the day's delivered prompt, for
// thread replies.
func promptRef(t *testing.T, h *harness) bot.MessageRef {
	t.Helper()
	var ref bot.MessageRef
	err := h.db.View(h.ctx, func(tx bot.Tx) error {
		rounds, err := tx.OpenRounds(h.ctx, h.house.ID)
		if err != nil || len(rounds) == 0 {
			t.Fatalf("open rounds = %d, %v", len(rounds), err)
		}
		ref, err = tx.OutboxRef(h.ctx, rounds[0].Prompt)
		return err
	})
	if err != nil || ref.IsZero() {
		t.Fatalf("prompt ref = %+v, %v", ref, err)
	}
	return ref
}

// TestAnswersListingBadDates: a date that can't be read, or a day with no
// check-in, gets a clear private message and no audit of a read.
func TestAnswersListingBadDates(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	roundOpen(h)
	for _, tc := range []struct{ raw, want string }{
		{"answers 2026-02-30", "not a date I can read"},
		{"answers 16/11/2026", "YYYY-MM-DD"},
		{"answers 2026-11-15", "No check-ins on Sunday 15 November"},
		{"answers " + strings.Repeat("9", 30), "limit is 20"},
		{"answers 2026-11-16 extra", "Too many arguments"},
	} {
		if got := text(h.do(h.ev.Command(mentor, "checkin", tc.raw))); !strings.Contains(got, tc.want) {
			t.Errorf("/checkin %s = %q, want %q", tc.raw, got, tc.want)
		}
	}
	if n, err := h.db.CountAudit(h.ctx, "answers.read"); err != nil || n != 0 {
		t.Errorf("answers.read audits = %d, %v; want none", n, err)
	}
	// Today by default.
	if got := text(h.do(h.ev.Command(mentor, "checkin", "answers"))); !strings.Contains(got, "Monday 16 November") || !strings.Contains(got, "0 answered") {
		t.Errorf("/checkin answers = %q, want today's empty round", got)
	}
}

// TestCheckinOnlyForMembers: staff who never joined, and guests, are
// asked to /join before they answer, pause or ask for their history, and
// nothing is stored about them.
func TestCheckinOnlyForMembers(t *testing.T) {
	h := newHarness(t)
	roundOpen(h)
	for _, raw := range []string{"", "pause until 2026-12-01", "resume"} {
		if got := text(h.do(h.ev.Command(mentor, "checkin", raw))); !strings.Contains(got, "/join first") {
			t.Errorf("mentor /checkin %s = %q, want to be asked to join", raw, got)
		}
	}
	if got := text(h.do(h.ev.Command(mentor, "checkin", "history"))); !strings.Contains(got, "no check-ins yet") {
		t.Errorf("mentor history = %q", got)
	}
	if got := text(h.do(h.ev.Command(guest, "checkin", ""))); !strings.Contains(got, "residents who have joined") {
		t.Errorf("guest /checkin = %q, want the refusal naming who can", got)
	}
	p := h.prompt()
	if got := text(h.do(h.ev.Press(mentor, p.Choices[0].ID, ""))); !strings.Contains(got, "/join first") {
		t.Errorf("mentor pressing Check in = %q", got)
	}
	if _, err := memberOf(h, mentor); err == nil {
		t.Error("a mentor who never joined was stored as a member")
	}
}

// TestCheckinButtonsAndRoundsThatDontFit: no open round, closed rounds,
// stale, malformed or foreign buttons each get a clear private message,
// and nothing is stored.
func TestCheckinButtonsAndRoundsThatDontFit(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	h.clock.Set(at9(0).Add(-time.Hour))
	if got := text(h.do(h.ev.Command(robin, "checkin", ""))); !strings.Contains(got, "No check-in is open") || !strings.Contains(got, "next one opens") {
		t.Errorf("/checkin before the round = %q, want when the next opens", got)
	}
	roundOpen(h)
	for _, tc := range []struct{ id, want string }{
		{"checkin:open", "no longer valid"},
		{"checkin:open:abc", "not valid"},
		{"checkin:open:999", "doesn't exist"},
		{"checkin:frobnicate:1", "no longer valid"},
		{"checkin:private:abc", "not valid"},
		{"nosuchfeature:1", "no longer valid"},
	} {
		if got := text(h.do(h.ev.Press(robin, tc.id, ""))); !strings.Contains(got, tc.want) {
			t.Errorf("press %s = %q, want %q", tc.id, got, tc.want)
		}
	}
	// Someone else's held-share choice finds no answer of theirs.
	id := strings.TrimPrefix(h.prompt().Choices[0].ID, "checkin:open:")
	for _, choice := range []string{"post", "private"} {
		if got := text(h.do(h.ev.Press(casey, "checkin:"+choice+":"+id, ""))); !strings.Contains(got, "don't have a check-in from you") {
			t.Errorf("Casey pressing %s = %q", choice, got)
		}
	}
	// A form for a round that isn't there, or a malformed form id.
	for _, formID := range []string{"checkin:999", "checkin:1:2", "nosuchform:1"} {
		if got := text(h.do(h.ev.Submit(robin, formID, vals("3", "", "", "no", "mentors")))); !strings.Contains(got, "exist") && !strings.Contains(got, "not valid") && !strings.Contains(got, "no longer valid") {
			t.Errorf("submit %s = %q, want it refused", formID, got)
		}
	}
	// After the window, the form is refused with when the next one opens.
	form := h.do(h.ev.Press(robin, h.prompt().Choices[0].ID, "")).Form
	h.clock.Set(at9(0).Add(4 * time.Hour))
	if got := text(h.do(h.ev.Submit(robin, form.ID, vals("3", "late", "", "no", "mentors")))); !strings.Contains(got, "has closed") {
		t.Errorf("late submit = %q, want closed", got)
	}
	if got := text(h.do(h.ev.Command(robin, "checkin", "history"))); !strings.Contains(got, "no check-ins yet") {
		t.Errorf("history = %q, want nothing stored", got)
	}
}

// TestThreadReplyEdgeCases: a reply in the thread from someone who hasn't
// joined is welcomed and not stored; a second reply does not overwrite
// the answer; a reply to something else is not read.
func TestThreadReplyEdgeCases(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	roundOpen(h)
	ref := promptRef(t, h)
	if got := text(h.do(h.ev.Reply(guest, ref, "4 good day"))); !strings.Contains(got, "please /join first") {
		t.Errorf("guest reply = %q", got)
	}
	if _, err := memberOf(h, guest); err == nil {
		t.Error("a guest's reply stored a member")
	}
	h.do(h.ev.Reply(robin, ref, "4 good day"))
	if got := text(h.do(h.ev.Reply(robin, ref, "1 actually awful"))); !strings.Contains(got, "already checked in") {
		t.Errorf("second reply = %q", got)
	}
	if a := answerIn(h, robin); a.Mood != 4 {
		t.Errorf("mood after a second reply = %d, want the first answer kept", a.Mood)
	}
	other := bot.MessageRef{Channel: h.house.Channel, ID: "not-a-prompt"}
	if resp := h.do(h.ev.Reply(robin, other, "3 ok")); len(resp.Messages) != 0 {
		t.Errorf("reply elsewhere = %q, want silence", text(resp))
	}
}
