package bot_test

import (
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
)

// typed is a command as a typed platform (Discord) delivers it: the
// subcommand and options split out, users as bare ids.
func typed(h *harness, u bot.User, name, sub string, opts map[string]string) bot.Event {
	ev := h.ev.Command(u, name, "")
	ev.Command.Sub, ev.Command.Options = sub, opts
	return ev
}

// TestTypedOptionsFromThePlatform: commands whose options arrive typed
// work as typed text does, users given as bare ids included; a missing,
// unknown, malformed or too long option gets the usage, privately, and
// changes nothing.
func TestTypedOptionsFromThePlatform(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	for _, tc := range []struct {
		u         bot.User
		name, sub string
		opts      map[string]string
		want      string
	}{
		{owner, "role", "mentor", map[string]string{"user": jamie.ID}, "is now a House Mentor"},
		{mentor, "partner", "pair", map[string]string{"a": robin.ID, "b": "<@" + casey.ID + ">"}, "Paired *Robin* and *Casey*"},
		{robin, "checkin", "pause", map[string]string{}, "Missing <until>"},
		{robin, "checkin", "pause", map[string]string{"until": "2026-12-01", "reason": "trip"}, "Unknown option “reason”"},
		{robin, "checkin", "pause", map[string]string{"until": strings.Repeat("9", 41)}, "limit is 40"},
		{mentor, "activity", "cancel", map[string]string{"id": "seven"}, "must be a whole number, not “seven”"},
		{owner, "role", "mentor", map[string]string{"user": "<not a person>"}, "must mention someone"},
		{robin, "sober-date", "show", map[string]string{}, "haven't set a sober date"},
	} {
		if got := text(h.do(typed(h, tc.u, tc.name, tc.sub, tc.opts))); !strings.Contains(got, tc.want) {
			t.Errorf("/%s %s %v = %q, want %q", tc.name, tc.sub, tc.opts, got, tc.want)
		}
	}
	if m, _ := memberOf(h, robin); !m.PausedUntil.IsZero() {
		t.Error("a refused pause paused Robin")
	}
	if n, err := h.db.CountAudit(h.ctx, "role.grant"); err != nil || n != 1 {
		t.Errorf("grant audits = %d, %v; want 1", n, err)
	}
}
