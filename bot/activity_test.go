package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// friday7pm is the start of the test activities: Friday 20 November 2026,
// 19:00 Chicago. The harness starts on Monday the 16th.
var friday7pm = time.Date(2026, 11, 20, 19, 0, 0, 0, chicago)

// addActivity posts an activity as the mentor and returns its id and post.
func addActivity(t *testing.T, h *harness, extra map[string]string) (int64, bot.Outgoing) {
	t.Helper()
	vals := map[string]string{"title": "Movie night", "when": "2026-11-20 19:00", "place": "Living room", "repeat": "none"}
	for k, v := range extra {
		vals[k] = v
	}
	resp := h.do(h.ev.Submit(mentor, "activity:new", vals))
	if !strings.Contains(text(resp), "Posted") {
		t.Fatalf("add = %q %v", text(resp), resp.FieldErrors)
	}
	h.flush()
	posts := h.ad.InChannel(h.house.Channel)
	post := posts[len(posts)-1]
	if len(post.Choices) != 3 {
		t.Fatalf("announcement = %+v, want three RSVP buttons", post)
	}
	var id int64
	for _, c := range post.Choices {
		if _, err := fmt.Sscanf(c.ID, "activity:rsvp:%d:going", &id); err == nil {
			break
		}
	}
	return id, post
}

func rsvp(h *harness, u bot.User, post bot.Outgoing, i int) string {
	return text(h.do(h.ev.Press(u, post.Choices[i].ID, "")))
}

func tick(t *testing.T, h *harness, at time.Time) {
	t.Helper()
	h.clock.Set(at)
	if err := h.bot.Tick(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()
}

func TestActivityCreationAndValidation(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	if got := text(h.do(h.ev.Command(robin, "activity", `add "Movie night" "fri 19:00"`))); !strings.Contains(got, "House Mentor") {
		t.Errorf("resident add = %q, want a refusal", got)
	}
	for raw, want := range map[string]string{
		`add "Movie night" "someday 19:00"`:    "fri 19:00",
		`add "Movie night" "2026-11-01 19:00"`: "already passed",
		`add "Movie night"`:                    "Give a time",
	} {
		if got := text(h.do(h.ev.Command(mentor, "activity", raw))); !strings.Contains(got, want) {
			t.Errorf("/activity %s = %q, want %q", raw, got, want)
		}
	}
	resp := h.do(h.ev.Submit(mentor, "activity:new", map[string]string{"title": "Hike", "when": "sat 09:00", "duration": "3 days", "capacity": "lots", "repeat": "none"}))
	if resp.FieldErrors["duration"] == "" || resp.FieldErrors["capacity"] == "" || resp.Reopen == nil {
		t.Errorf("form errors = %+v", resp)
	}
	for _, f := range resp.Reopen.Fields {
		if f.ID == "title" && f.Value != "Hike" {
			t.Errorf("reopened title = %q, want what was typed", f.Value)
		}
	}
	if got := text(h.do(h.ev.Command(robin, "activity", "list"))); !strings.Contains(got, "No activities") {
		t.Errorf("list after refusals = %q, want nothing stored", got)
	}
	// With no arguments, /activity add opens the form.
	if resp := h.do(h.ev.Command(mentor, "activity", "add")); resp.Form == nil {
		t.Errorf("/activity add = %+v, want the form", resp)
	}
	// A command with the fields creates it directly.
	if got := text(h.do(h.ev.Command(mentor, "activity", `add "Meeting together" "fri 19:00" St Mark's hall`))); !strings.Contains(got, "Posted *Meeting together*") {
		t.Fatalf("add by options = %q", got)
	}
	h.flush()
	posts := h.ad.InChannel(h.house.Channel)
	if len(posts) != 1 || !strings.Contains(posts[0].Text, "St Mark's hall") || !strings.Contains(posts[0].Text, "{{time+until:") {
		t.Errorf("announcement = %s, want the place and a per-viewer time", texts(posts))
	}
	if got := text(h.do(h.ev.Command(robin, "activity", "list"))); !strings.Contains(got, "Meeting together") {
		t.Errorf("list = %q", got)
	}
}

func TestRSVPsWaitlistAndPromotion(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey, jamie)
	_, post := addActivity(t, h, map[string]string{"capacity": "1"})
	h.ad.Reset()
	if got := rsvp(h, robin, post, 0); !strings.Contains(got, "You're going") {
		t.Fatalf("Robin going = %q", got)
	}
	if got := rsvp(h, robin, post, 0); !strings.Contains(got, "already down as going") {
		t.Errorf("second press = %q, want idempotent", got)
	}
	if got := rsvp(h, casey, post, 0); !strings.Contains(got, "waitlist") {
		t.Errorf("Casey over capacity = %q, want the waitlist", got)
	}
	rsvp(h, jamie, post, 1) // maybe
	h.flush()
	edits := h.ad.Edits()
	if len(edits) == 0 || !strings.Contains(edits[len(edits)-1].Text, "Going: 1 of 1 · Maybe: 1 · Waitlist: 1") {
		t.Fatalf("live counts = %+v", edits)
	}
	if got := h.ad.To(casey.ID); len(got) != 0 {
		t.Errorf("waitlisted Casey was told something: %s", texts(got))
	}
	// Robin drops out: Casey is promoted and told privately.
	rsvp(h, robin, post, 2)
	h.flush()
	if got := h.ad.To(casey.ID); len(got) != 1 || !strings.Contains(got[0].Text, "A place opened up") {
		t.Errorf("promotion = %s", texts(got))
	}
	edits = h.ad.Edits()
	if last := edits[len(edits)-1].Text; !strings.Contains(last, "Going: 1 of 1") || !strings.Contains(last, "*Casey*") || strings.Contains(last, "Waitlist") {
		t.Errorf("counts after promotion = %q", last)
	}
}

func TestActivityRemindersAndCorrection(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey, jamie, lee)
	id, post := addActivity(t, h, map[string]string{"capacity": "2"})
	rsvp(h, robin, post, 0)
	rsvp(h, lee, post, 0)
	rsvp(h, casey, post, 0) // waitlist
	rsvp(h, jamie, post, 1) // maybe
	h.flush()
	h.ad.Reset()
	tick(t, h, friday7pm.Add(-61*time.Minute))
	if n := len(h.ad.Sent()); n != 0 {
		t.Fatalf("reminders before reminder_before: %s", texts(h.ad.Sent()))
	}
	tick(t, h, friday7pm.Add(-60*time.Minute))
	tick(t, h, friday7pm.Add(-59*time.Minute)) // not twice
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "Reminder") {
		t.Errorf("Robin's reminder = %s", texts(got))
	}
	if got := h.ad.To(jamie.ID); len(got) != 1 || !strings.Contains(got[0].Text, "Still coming?") || len(got[0].Choices) != 3 {
		t.Errorf("Jamie's maybe check = %s", texts(got))
	}
	if got := h.ad.To(casey.ID); len(got) != 0 {
		t.Errorf("the waitlist was reminded: %s", texts(got))
	}
	// Moved after the reminder: a correction now, a new reminder later.
	h.ad.Reset()
	if got := text(h.do(h.ev.Command(mentor, "activity", "move "+itoa(id)+" 2026-11-21 18:00"))); !strings.Contains(got, "Moved") {
		t.Fatalf("move = %q", got)
	}
	h.flush()
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "Change of time") {
		t.Errorf("correction = %s", texts(got))
	}
	h.ad.Reset()
	tick(t, h, time.Date(2026, 11, 21, 17, 0, 0, 0, chicago))
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "Reminder") {
		t.Errorf("reminder for the new time = %s", texts(got))
	}
}

func TestActivityCatchUpNeverRemindsAfterStart(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	_, post := addActivity(t, h, nil)
	rsvp(h, robin, post, 0)
	h.flush()
	h.ad.Reset()
	// Down from before the reminder until after the start.
	tick(t, h, friday7pm.Add(10*time.Minute))
	for _, m := range h.ad.To(robin.ID) {
		if strings.Contains(m.Text, "Reminder") {
			t.Errorf("a reminder after the start: %q", m.Text)
		}
	}
	// Down until 30 minutes before: the reminder goes late, still useful.
	h2 := newHarness(t)
	h2.join(robin)
	_, post2 := addActivity(t, h2, nil)
	rsvp(h2, robin, post2, 0)
	h2.flush()
	h2.ad.Reset()
	tick(t, h2, friday7pm.Add(-30*time.Minute))
	if got := h2.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "Reminder") {
		t.Errorf("late reminder = %s", texts(got))
	}
}

func TestWeeklyActivityRecurrenceSkipAndAttendance(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	id, post := addActivity(t, h, map[string]string{"repeat": "weekly", "title": "House meeting"})
	rsvp(h, robin, post, 0)
	rsvp(h, casey, post, 0)
	h.flush()
	h.ad.Reset()
	// At the start, the people going can say they are there.
	tick(t, h, friday7pm)
	here := h.ad.To(robin.ID)
	if len(here) != 1 || len(here[0].Choices) != 1 || here[0].Choices[0].Label != "I'm here" {
		t.Fatalf("start message = %s", texts(here))
	}
	if got := text(h.do(h.ev.Press(robin, here[0].Choices[0].ID, ""))); !strings.Contains(got, "Glad you're here") {
		t.Errorf("I'm here = %q", got)
	}
	h.ad.Reset()
	// At the end: the organiser confirms who came, and next week's is posted.
	tick(t, h, friday7pm.Add(2*time.Hour))
	ask := h.ad.To(mentor.ID)
	if len(ask) != 1 || !strings.Contains(ask[0].Text, "*Robin* — going (tapped I'm here)") || len(ask[0].Choices) != 3 {
		t.Fatalf("attendance request = %s %+v", texts(ask), ask)
	}
	if got := text(h.do(h.ev.Press(robin, ask[0].Choices[2].ID, ""))); !strings.Contains(got, "House Mentor") {
		t.Errorf("a resident confirming attendance = %q, want a refusal", got)
	}
	if got := text(h.do(h.ev.Press(mentor, ask[0].Choices[2].ID, ""))); !strings.Contains(got, "2 came") {
		t.Errorf("everyone came = %q", got)
	}
	next := h.ad.InChannel(h.house.Channel)
	if len(next) != 1 || !strings.Contains(next[0].Text, "House meeting") || !strings.Contains(next[0].Text, "Every week") {
		t.Fatalf("next occurrence = %s", texts(next))
	}
	if !strings.Contains(next[0].Text, "Fri 27 Nov 19:00") {
		t.Errorf("next occurrence time = %q, want a week later", next[0].Text)
	}
	// Skipping next week's tells those going and posts the one after.
	var nextID int64
	fmt.Sscanf(next[0].Choices[0].ID, "activity:rsvp:%d:going", &nextID)
	if nextID == id {
		t.Fatal("the next occurrence has the same id")
	}
	rsvp(h, robin, next[0], 0)
	h.flush()
	h.ad.Reset()
	if got := text(h.do(h.ev.Command(mentor, "activity", "skip "+itoa(nextID)))); !strings.Contains(got, "Skipped") {
		t.Fatalf("skip = %q", got)
	}
	h.flush()
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "skipped this week") {
		t.Errorf("skip notice = %s", texts(got))
	}
	if posts := h.ad.InChannel(h.house.Channel); len(posts) != 1 || !strings.Contains(posts[0].Text, "Fri 4 Dec 19:00") {
		t.Errorf("after the skip = %s", texts(posts))
	}
	if got := text(h.do(h.ev.Command(mentor, "activity", "skip 999"))); !strings.Contains(got, "no activity #999") {
		t.Errorf("skip of an unknown id = %q", got)
	}
}

func itoa(n int64) string { return fmt.Sprint(n) }

// TestActivitiesMirrorToCalendarEvents follows a weekly activity's
// calendar event through the outbox: created after its post and linking to
// it, moved, cancelled when this week is skipped, created again for the
// next occurrence; and none at all for a house that has them off.
func TestActivitiesMirrorToCalendarEvents(t *testing.T) {
	h := newHarness(t, func(h *bot.House) { h.Activities.CalendarEvents = true })
	calendar := func() []bot.Outgoing {
		var out []bot.Outgoing
		for _, m := range h.ad.Sent() {
			if m.Target.Kind == bot.TargetCalendar {
				out = append(out, m)
			}
		}
		return out
	}
	if got := text(h.do(h.ev.Command(mentor, "activity", `add "Movie night" "fri 19:00" Living room`))); !strings.Contains(got, "Posted") {
		t.Fatalf("add = %q", got)
	}
	h.flush()
	posts := h.ad.InChannel(h.house.Channel)
	evs := calendar()
	if len(posts) != 1 || len(evs) != 1 {
		t.Fatalf("%d posts and %d calendar messages, want one each", len(posts), len(evs))
	}
	created := evs[0]
	if e := created.Event; e == nil || e.Name != "Movie night" || e.Location != "Living room" || e.Cancel || e.End.Sub(e.Start) != 2*time.Hour ||
		created.Thread.IsZero() || !created.Edit.IsZero() || created.Target.Channel != h.house.Channel {
		t.Fatalf("creation = %+v %+v, want the activity, after its post", created, created.Event)
	}
	if posts[0].ThreadName != "Movie night" {
		t.Errorf("the post's thread name = %q, want the activity's title", posts[0].ThreadName)
	}
	h.ad.Reset()
	if got := text(h.do(h.ev.Command(mentor, "activity", "move 1 2026-11-21 18:00"))); !strings.Contains(got, "Moved") {
		t.Fatalf("move = %q", got)
	}
	h.flush()
	evs = calendar()
	if len(evs) != 1 || evs[0].Edit.IsZero() || evs[0].Event.Cancel || evs[0].Event.Start.In(chicago).Hour() != 18 {
		t.Fatalf("move = %+v, want an edit of the event at 18:00", evs)
	}
	// A weekly one: skipping this week cancels its event and creates the
	// next occurrence's.
	if got := text(h.do(h.ev.Command(mentor, "activity", `add "Walk" "sat 09:00" Park`))); !strings.Contains(got, "Posted") {
		t.Fatalf("add = %q", got)
	}
	h.do(h.ev.Submit(mentor, "activity:new", map[string]string{"title": "House meeting", "when": "mon 19:00", "repeat": "weekly"}))
	h.flush()
	h.ad.Reset()
	if got := text(h.do(h.ev.Command(mentor, "activity", "skip 3"))); !strings.Contains(got, "Skipped") {
		t.Fatalf("skip = %q", got)
	}
	h.flush()
	evs = calendar()
	if len(evs) != 2 || !evs[0].Event.Cancel || evs[0].Edit.IsZero() || evs[1].Event.Cancel || !evs[1].Edit.IsZero() ||
		evs[1].Event.Start.Sub(evs[0].Event.Start) != 7*24*time.Hour || !strings.Contains(evs[1].Event.Description, "Every week") {
		t.Fatalf("skip = %+v, want this week's cancelled and the next one's created", evs)
	}
	h.ad.Reset()
	if got := text(h.do(h.ev.Command(mentor, "activity", "cancel 2"))); !strings.Contains(got, "Cancelled") {
		t.Fatalf("cancel = %q", got)
	}
	h.flush()
	if evs = calendar(); len(evs) != 1 || !evs[0].Event.Cancel || evs[0].Edit.IsZero() {
		t.Fatalf("cancel = %+v, want the event cancelled", evs)
	}

	off := newHarness(t)
	off.do(off.ev.Command(mentor, "activity", `add "Movie night" "fri 19:00"`))
	off.flush()
	for _, m := range off.ad.Sent() {
		if m.Target.Kind == bot.TargetCalendar || m.Event != nil {
			t.Errorf("a house without calendar events sent %+v", m)
		}
	}
}
