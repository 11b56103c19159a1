package bot_test

import (
	"strings"
	"testing"
	"time"
)

// dangerOpening is the first line of the private reply to danger.
const dangerOpening = "I'm really glad you told me"

// TestFormSubmitIsScreened: the free text of every submitted form is words
// written to the bot, screened as a command's text is, and the reply to a
// concern goes out exactly once: whatever the form, and whether the form
// is stored, refused or sent back with field errors.
func TestFormSubmitIsScreened(t *testing.T) {
	once := func(t *testing.T, what, got string) {
		t.Helper()
		if n := strings.Count(got, dangerOpening); n != 1 {
			t.Errorf("%s: danger replies = %d, want 1, in %q", what, n, got)
		}
	}
	t.Run("meeting note", func(t *testing.T) {
		h := newHarness(t, meetingHouse)
		h.join(robin)
		h.clock.Set(time.Date(2026, 11, 18, 20, 0, 0, 0, chicago))
		got := text(logMeeting(h, robin, "yesterday", "NA", "online", dangerLine))
		if !strings.Contains(got, "Logged #") {
			t.Errorf("meeting with a note of concern = %q, want it logged", got)
		}
		once(t, "meeting note", got)
	})
	t.Run("meeting note with a wrong date", func(t *testing.T) {
		h := newHarness(t, meetingHouse)
		h.join(robin)
		h.clock.Set(time.Date(2026, 11, 18, 20, 0, 0, 0, chicago))
		resp := logMeeting(h, robin, "someday", "NA", "online", dangerLine)
		if resp.FieldErrors["date"] == "" {
			t.Errorf("wrong date: field errors = %v", resp.FieldErrors)
		}
		once(t, "meeting with field errors", text(resp))
	})
	t.Run("goal", func(t *testing.T) {
		h := newHarness(t)
		h.join(robin)
		got := text(h.do(h.ev.Submit(robin, "goal:new", map[string]string{"goal": dangerLine})))
		once(t, "goal", got)
	})
	t.Run("a fourth goal, refused", func(t *testing.T) {
		h := newHarness(t)
		h.join(robin)
		for _, g := range []string{"walk", "call my sponsor", "cook on Sundays"} {
			h.do(h.ev.Submit(robin, "goal:new", map[string]string{"goal": g}))
		}
		got := text(h.do(h.ev.Submit(robin, "goal:new", map[string]string{"goal": dangerLine})))
		if !strings.Contains(got, "Nothing was saved") {
			t.Errorf("fourth goal = %q, want the refusal", got)
		}
		once(t, "refused goal", got)
	})
	t.Run("mentoring boundaries with field errors", func(t *testing.T) {
		h := newHarness(t)
		h.join(mentor, robin)
		vals := terms()
		vals["time"] = "late"
		vals["boundaries"] = dangerLine
		once(t, "boundaries", propose(t, h, robin, vals))
	})
	t.Run("mentoring boundaries", func(t *testing.T) {
		h := newHarness(t)
		h.join(mentor, robin)
		vals := terms()
		vals["boundaries"] = dangerLine
		once(t, "boundaries", propose(t, h, robin, vals))
	})
	t.Run("check-in", func(t *testing.T) {
		h := newHarness(t)
		h.join(robin)
		h.clock.Set(at9(0))
		h.openRound(at9(0))
		h.flush()
		once(t, "check-in", text(h.answer(robin, vals("3", "", dangerLine, "no", "private"))))
	})
}
