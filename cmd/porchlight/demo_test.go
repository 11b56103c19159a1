package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage"
)

// TestDemoRoundsDoNotOverlap checks the demo's schedule: /checkin before
// the first round opens that round early rather than one of its own, so
// when its time comes nothing more is posted; and however the clock is
// moved, each round closes before the next one opens.
func TestDemoRoundsDoNotOverlap(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "demo.db")
	script := strings.Join([]string{
		"/checkin", // 08:58: the 09:00 round opens now
		"cancel",
		":advance 2m", // 09:00: its scheduled time; nothing new is posted
		"# after the first round",
		":advance 1d2h",
		":advance 2h30m",
		":advance 7m",
	}, "\n") + "\n"
	code, out, stderr := porchlight(t, script, "demo", "--db", dbPath, "--start", "2026-11-16T08:58:00-06:00")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	first, _, _ := strings.Cut(out, "# after the first round")
	if n := strings.Count(first, "*Check-in time*"); n != 1 {
		t.Errorf("%d check-in prompts before 09:01, want 1:\n%s", n, first)
	}
	if !strings.Contains(first, "Open until Mon 16 Nov 09:04 -0600") {
		t.Errorf("the round opened early is not the 09:00 round:\n%s", first)
	}
	for _, want := range []string{"… 1d2h later …", "… 2h30m later …", "… 7m later …"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	db, err := storage.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	var rounds []*bot.Round
	var lastRun time.Time
	err = db.View(ctx, func(tx bot.Tx) error {
		ms, err := tx.MembershipsOf(ctx, "console", demoYou)
		if err != nil || len(ms) != 1 {
			t.Fatalf("memberships of you = %d, %v", len(ms), err)
		}
		house := ms[0].HouseID
		start := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
		if rounds, err = tx.RoundsBetween(ctx, house, start, start.AddDate(0, 0, 7)); err != nil {
			return err
		}
		lastRun, err = tx.LastRun(ctx, "checkin.open/0", house)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	nine := time.Date(2026, 11, 16, 15, 0, 0, 0, time.UTC)
	if len(rounds) == 0 || !rounds[0].ScheduledFor.Equal(nine) || rounds[0].Schedule != 0 {
		t.Fatalf("first round = %+v, want schedule 0 at %v", rounds[0], nine)
	}
	if !lastRun.After(nine) {
		t.Errorf("last recorded run %v: the schedule did not go on after the round opened early", lastRun)
	}
	for i := 1; i < len(rounds); i++ {
		prev, cur := rounds[i-1], rounds[i]
		if cur.Status == bot.RoundSkipped {
			continue
		}
		if prev.Status != bot.RoundSkipped && cur.ScheduledFor.Before(prev.ClosesAt) {
			t.Errorf("round at %v opens before the round at %v closes (%v)", cur.ScheduledFor, prev.ScheduledFor, prev.ClosesAt)
		}
	}
	// In the transcript too: every prompt after the first comes after the
	// close of the round before it.
	prompts := strings.Count(out, "*Check-in time*")
	closes := strings.Count(out, "*Check-in closed*")
	if prompts < 3 || closes < prompts-1 {
		t.Errorf("%d prompts and %d closes; want at least 3 prompts, each but the last closed:\n%s", prompts, closes, out)
	}
	rest := out
	for {
		i := strings.Index(rest, "*Check-in time*")
		if i < 0 {
			break
		}
		rest = rest[i+1:]
		next := strings.Index(rest, "*Check-in time*")
		if next < 0 {
			break
		}
		if !strings.Contains(rest[:next], "*Check-in closed*") {
			t.Errorf("a prompt follows another with no close between:\n%s", rest[:next])
		}
	}
}

// TestDemoControls checks the demo's own lines: :advance takes days and
// combined spans and says clearly what it wants otherwise, and /digest
// shows this week, since a fresh demo has no last week.
func TestDemoControls(t *testing.T) {
	script := strings.Join([]string{
		":advance 1d",
		":advance 1w",
		":advance",
		":as Dana",
		"/digest",
	}, "\n") + "\n"
	code, out, stderr := porchlight(t, script, "demo", "--db", filepath.Join(t.TempDir(), "demo.db"), "--start", "2026-11-16T08:58:00-06:00")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"… 1d later …",
		`⚠ :advance 1w: usage: :advance DURATION: "1w" is not a span of time such as 30m, 2h, 1d or 1d2h30m`,
		"⚠ :advance: usage: :advance DURATION, such as 30m, 2h, 1d or 1d2h30m",
		"I've sent you the digest for 2026-W47",
		"*Weekly digest — Maple House (demo), 2026-W47*",
		"• Joined: You, Alex, Kim",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestDemoCast checks who is who: you, Alex and Kim are residents (joined,
// paired); Jordan is the House Mentor and Dana the operator, from the
// house's config, and neither is a resident or anyone's partner.
func TestDemoCast(t *testing.T) {
	h := demoHouse(time.UTC)
	if !h.IsConfigMentor(demoMentor) || h.IsOperator(demoMentor) {
		t.Errorf("Jordan: mentor %v, operator %v; want a mentor only", h.IsConfigMentor(demoMentor), h.IsOperator(demoMentor))
	}
	if !h.IsOperator(demoOperator) || h.IsConfigMentor(demoOperator) {
		t.Errorf("Dana: operator %v, mentor %v; want an operator only", h.IsOperator(demoOperator), h.IsConfigMentor(demoOperator))
	}
	for _, u := range demoResidents() {
		if h.IsOperator(u.ID) || h.IsConfigMentor(u.ID) {
			t.Errorf("resident %s also holds a staff role", u.Name)
		}
	}
	code, out, stderr := porchlight(t, "", "demo", "--db", filepath.Join(t.TempDir(), "demo.db"))
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	// Empty input: the demo says what it does with it, pairs only the
	// residents, and stops.
	for _, want := range []string{
		"Jordan  your House Mentor",
		"Dana    the operator",
		"Reading lines from standard input (not a terminal)",
		"• *You*, *Alex* and *Kim*",
		"End of input: the demo has stopped.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "[DM → Dana] 🤝 Your accountability partner") || strings.Contains(out, "[DM → Jordan] 🤝 Your accountability partner") {
		t.Errorf("staff were paired as residents:\n%s", out)
	}
}
