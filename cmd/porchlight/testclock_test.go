package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

func TestParseAdvance(t *testing.T) {
	tests := []struct {
		line    string
		want    time.Duration
		wantOK  bool
		wantErr bool
	}{
		{":advance 2m", 2 * time.Minute, true, false},
		{"  :advance   1h30m ", 90 * time.Minute, true, false},
		{":advance", 0, true, true},
		{":advance soon", 0, true, true},
		{":advance -1m", 0, true, true},
		{":advance 1m 2m", 0, true, true},
		{":advance 1d", 24 * time.Hour, true, false},
		{":advance 1d2h", 26 * time.Hour, true, false},
		{":advance 2h30m", 150 * time.Minute, true, false},
		{":advance 3d12h30m", 84*time.Hour + 30*time.Minute, true, false},
		{":advance 0d", 0, true, true},
		{":advance 0s", 0, true, true},
		{":advance d", 0, true, true},
		{":advance 1d-2h", 0, true, true},
		{":advance 1w", 0, true, true},
		{":advance 1.5d", 0, true, true},
		{":advance 2h1d", 0, true, true},
		{":as Jordan", 0, false, false},
		{"hello", 0, false, false},
		{"", 0, false, false},
	}
	for _, tt := range tests {
		got, ok, err := parseAdvance(tt.line)
		if got != tt.want || ok != tt.wantOK || (err != nil) != tt.wantErr {
			t.Errorf("parseAdvance(%q) = %v, %v, %v; want %v, %v, error %v", tt.line, got, ok, err, tt.want, tt.wantOK, tt.wantErr)
		}
	}
}

func TestFormatSpan(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{time.Minute, "1m"},
		{2 * time.Hour, "2h"},
		{150 * time.Minute, "2h30m"},
		{90 * time.Second, "1m30s"},
		{24 * time.Hour, "1d"},
		{26 * time.Hour, "1d2h"},
		{84*time.Hour + 30*time.Minute, "3d12h30m"},
	} {
		if got := formatSpan(tt.d); got != tt.want {
			t.Errorf("formatSpan(%v) = %q, want %q", tt.d, got, tt.want)
		}
		// What the demo prints, it reads back.
		if got, err := parseSpan(tt.want); err != nil || got != tt.d {
			t.Errorf("parseSpan(%q) = %v, %v; want %v", tt.want, got, err, tt.d)
		}
	}
}

func TestTestClockFromEnv(t *testing.T) {
	discord := []*bot.House{{Name: "Maple", Platform: "discord"}}
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == EnvTestClock {
				return v
			}
			return ""
		}
	}
	t.Run("unset: the real clock", func(t *testing.T) {
		if c, err := testClock(env(""), discord); c != nil || err != nil {
			t.Errorf("got %v, %v; want nil, nil", c, err)
		}
	})
	t.Run("set: starts there and runs on", func(t *testing.T) {
		start := time.Date(2026, 11, 17, 13, 58, 0, 0, time.FixedZone("CST", -6*3600))
		c, err := testClock(env(start.Format(time.RFC3339)), discord)
		if err != nil {
			t.Fatal(err)
		}
		// A generous bound: the clock runs at wall speed from start.
		if got := c.Now(); got.Before(start) || got.Sub(start) > time.Minute {
			t.Errorf("Now() = %v, want just after %v", got, start)
		}
	})
	for name, tt := range map[string]struct {
		value  string
		houses []*bot.House
		want   string
	}{
		"not a time":    {"tomorrow", discord, "RFC 3339"},
		"console house": {"2026-11-17T13:58:00-06:00", []*bot.House{{Name: "Cedar", Platform: "console"}}, `console house "Cedar"`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := testClock(env(tt.value), tt.houses)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error holding %q", err, tt.want)
			}
		})
	}
}

// TestRunRefusesTestClockWithConsole checks that run stops with a usage
// error rather than have the console and the test clock share stdin.
func TestRunRefusesTestClockWithConsole(t *testing.T) {
	cfg, _ := writeConfig(t, "")
	var out, errOut bytes.Buffer
	getenv := func(k string) string {
		if k == EnvTestClock {
			return "2026-11-17T13:58:00-06:00"
		}
		return ""
	}
	code := run(context.Background(), []string{"run", "--config", cfg}, strings.NewReader(""), &out, &errOut, getenv)
	if code != exitUsage || !strings.Contains(errOut.String(), EnvTestClock) {
		t.Errorf("exit %d, stderr %q; want %d and an error naming %s", code, errOut.String(), exitUsage, EnvTestClock)
	}
}

// TestDriveTestClock checks that a check-in scheduled at 09:00 opens when,
// and only when, stdin moves a clock started at 08:58 past it; lines other
// than a good ":advance" are ignored.
func TestDriveTestClock(t *testing.T) {
	ctx := context.Background()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 17, 8, 58, 0, 0, loc)
	clock := &demoClock{fixed: start} // fixed, so that the test never races a minute
	house := demoHouse(loc)           // a round every five minutes
	var logs bytes.Buffer
	log, _ := newLogger(&logs, "debug", "text")
	a, err := newApp(ctx, appOptions{dbPath: filepath.Join(t.TempDir(), "p.db"), houses: []*bot.House{house}, clock: clock, log: log, manualJobs: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.db.Close()
	rounds := func() []*bot.Round {
		t.Helper()
		var rs []*bot.Round
		if err := a.db.View(ctx, func(tx bot.Tx) error {
			var err error
			rs, err = tx.OpenRounds(ctx, house.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return rs
	}

	driveTestClock(ctx, strings.NewReader("hello\n:advance soon\n:advance 1m\n"), clock, a.bot, log)
	if rs := rounds(); len(rs) != 0 {
		t.Fatalf("at 08:59 open rounds = %d, want none", len(rs))
	}
	driveTestClock(ctx, strings.NewReader(":advance 1m\n"), clock, a.bot, log)
	rs := rounds()
	if want := start.Add(2 * time.Minute); len(rs) != 1 || !rs[0].ScheduledFor.Equal(want) {
		t.Fatalf("at 09:00 open rounds = %+v, want one scheduled for %v", rs, want)
	}
	for _, want := range []string{"unknown test clock control", "bad test clock control", `msg="test clock advanced" component=testclock by=1m0s now=2026-11-17T15:00:00Z`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	if strings.Contains(logs.String(), "hello") {
		t.Error("the log holds a line of input")
	}
}
