package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestActivityCancel: a House Mentor cancels an activity; the people going
// and the maybes are told privately, the announcement shows it cancelled
// without buttons, and it can't be cancelled, moved or answered again.
func TestActivityCancel(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey, jamie)
	id, post := addActivity(t, h, nil)
	rsvp(h, robin, post, 0) // going
	rsvp(h, casey, post, 1) // maybe
	rsvp(h, jamie, post, 2) // can't
	h.flush()
	h.ad.Reset()
	cancel := fmt.Sprintf("cancel %d", id)
	if got := text(h.do(h.ev.Command(robin, "activity", cancel))); !strings.Contains(got, "House Mentors") {
		t.Errorf("resident cancelling = %q, want a refusal", got)
	}
	if got := text(h.do(h.ev.Command(mentor, "activity", cancel))); !strings.Contains(got, "Cancelled *Movie night*; the people going were told") {
		t.Fatalf("cancel = %q", got)
	}
	h.flush()
	for _, u := range []struct {
		name string
		n    int
	}{{robin.ID, 1}, {casey.ID, 1}, {jamie.ID, 0}} {
		if got := h.ad.To(u.name); len(got) != u.n || (u.n == 1 && !strings.Contains(got[0].Text, "is cancelled")) {
			t.Errorf("%s told = %s, want %d notice(s)", u.name, texts(got), u.n)
		}
	}
	if posts := h.ad.InChannel(h.house.Channel); len(posts) != 0 {
		t.Errorf("cancelling posted in the channel: %s", texts(posts))
	}
	edits := h.ad.Edits()
	if len(edits) != 1 || !strings.Contains(edits[0].Text, "Cancelled:* Movie night") || len(edits[0].Choices) != 0 {
		t.Errorf("announcement edits = %+v, want it marked cancelled without buttons", edits)
	}
	for raw, want := range map[string]string{
		cancel:                                   "already cancelled",
		fmt.Sprintf(`move %d "sat 18:00"`, id):   "can't be moved: it is cancelled",
		fmt.Sprintf("skip %d", id):               "doesn't repeat",
		"cancel 999":                             "no activity #999",
		"cancel":                                 "Missing <id>",
		fmt.Sprintf(`move %d "someday"`, id+100): "no activity",
	} {
		if got := text(h.do(h.ev.Command(mentor, "activity", raw))); !strings.Contains(got, want) {
			t.Errorf("/activity %s = %q, want %q", raw, got, want)
		}
	}
	if got := rsvp(h, casey, post, 0); !strings.Contains(got, "is cancelled") {
		t.Errorf("RSVP to a cancelled activity = %q", got)
	}
	if got := text(h.do(h.ev.Command(robin, "activity", "list"))); !strings.Contains(got, "No activities") {
		t.Errorf("list after cancel = %q", got)
	}
}

// TestWeeklyActivityCancelEndsTheSeries: cancelling a weekly activity says
// the series ends, and a skipped or started one can't be skipped again.
func TestWeeklyActivityCancelEndsTheSeries(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	id, _ := addActivity(t, h, map[string]string{"repeat": "weekly", "title": "House meeting"})
	if got := text(h.do(h.ev.Command(mentor, "activity", fmt.Sprintf("skip %d", id)))); !strings.Contains(got, "Skipped this week's *House meeting*") {
		t.Fatalf("skip = %q", got)
	}
	if got := text(h.do(h.ev.Command(mentor, "activity", fmt.Sprintf("skip %d", id)))); !strings.Contains(got, "can't be skipped now") {
		t.Errorf("second skip = %q", got)
	}
	if got := text(h.do(h.ev.Command(mentor, "activity", fmt.Sprintf("cancel %d", id+1)))); !strings.Contains(got, "and its weekly series") {
		t.Errorf("cancel of the next one = %q", got)
	}
}

// TestActivityButtonsThatDontFit: malformed RSVP buttons, "I'm here" out
// of time, answers after the start and a move into the past each get a
// clear private message.
func TestActivityButtonsThatDontFit(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	id, post := addActivity(t, h, nil)
	for _, tc := range []struct{ id, want string }{
		{"activity:rsvp", "not valid"},
		{"activity:rsvp:abc:going", "not valid"},
		{fmt.Sprintf("activity:rsvp:%d:dancing", id), "not valid"},
		{fmt.Sprintf("activity:wave:%d", id), "not valid"},
		{fmt.Sprintf("activity:here:%d", id), "works while *Movie night* is on"},
		{"activity:rsvp:999:going", "no activity #999"},
	} {
		if got := text(h.do(h.ev.Press(robin, tc.id, ""))); !strings.Contains(got, tc.want) {
			t.Errorf("press %s = %q, want %q", tc.id, got, tc.want)
		}
	}
	if got := text(h.do(h.ev.Press(guest, post.Choices[0].ID, ""))); !strings.Contains(got, "residents who have joined") {
		t.Errorf("guest RSVP = %q", got)
	}
	if got := text(h.do(h.ev.Command(mentor, "activity", fmt.Sprintf(`move %d "2026-11-01 19:00"`, id)))); !strings.Contains(got, "already passed") {
		t.Errorf("move into the past = %q", got)
	}
	h.clock.Set(friday7pm.Add(time.Minute))
	if got := rsvp(h, robin, post, 0); !strings.Contains(got, "has started") {
		t.Errorf("RSVP after the start = %q", got)
	}
	if got := text(h.do(h.ev.Command(mentor, "activity", fmt.Sprintf(`move %d "sat 19:00"`, id)))); !strings.Contains(got, "under way or over") {
		t.Errorf("moving a started activity = %q", got)
	}
}
