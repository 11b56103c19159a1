package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
	"github.com/porchlight/porchlight/storage"
)

// porchlight runs the command in-process with stdin and no environment.
func porchlight(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut, func(string) string { return "" })
	return code, out.String(), errOut.String()
}

// writeConfig writes a console config whose database lives in a temp dir.
func writeConfig(t *testing.T, extra string) (cfgPath, dbPath string) {
	t.Helper()
	dir := t.TempDir()
	dbPath = filepath.Join(dir, "porchlight.db")
	cfgPath = filepath.Join(dir, "porchlight.toml")
	doc := `[storage]
path = "` + dbPath + `"

[[house]]
name = "Cedar House"
platform = "console"
channel = "house"
timezone = "America/Chicago"
operators = ["you"]
mentors = ["you"]
` + extra
	if err := os.WriteFile(cfgPath, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfgPath, dbPath
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, sc := range subcommands() {
		t.Run(sc.name, func(t *testing.T) {
			code, out, errOut := porchlight(t, "", sc.name, "--help")
			if code != exitOK || strings.Count(out, "Usage: porchlight "+sc.name) != 1 {
				t.Errorf("exit %d, stdout %q; want 0 and one usage line", code, out)
			}
			if errOut != "" {
				t.Errorf("help asked for also went to stderr: %q", errOut)
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(bad, []byte("[storage]\npth = \"x\"\n[[house]]\nname = \"A\"\nplatform = \"console\"\ntimezone = \"Mars/Base\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	good, _ := writeConfig(t, "")
	tests := []struct {
		name       string
		args       []string
		want       int
		wantStderr []string
	}{
		{"no command", nil, exitUsage, nil},
		{"unknown command", []string{"frobnicate"}, exitUsage, []string{`unknown command "frobnicate"`}},
		{"unknown flag", []string{"version", "--bogus"}, exitUsage, []string{"bogus"}},
		{"version", []string{"version"}, exitOK, nil},
		{"run without config", []string{"run"}, exitUsage, []string{"--config FILE (or PORCHLIGHT_CONFIG) is required"}},
		{"missing config file", []string{"check-config", "--config", filepath.Join(t.TempDir(), "nope.toml")}, exitUsage, []string{"nope.toml"}},
		// Every problem is listed at once, each naming its key.
		{"bad config", []string{"check-config", "--config", bad}, exitUsage, []string{"storage.pth: unknown key", "house[0].timezone", "house[0].channel: is required"}},
		{"good config", []string{"check-config", "--config", good}, exitOK, nil},
		{"backup without OUT", []string{"backup", "--config", good}, exitUsage, []string{"exactly one OUT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := porchlight(t, "", tt.args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.want, stderr)
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}

func TestMigrateAndBackup(t *testing.T) {
	cfg, dbPath := writeConfig(t, "")
	code, out, stderr := porchlight(t, "", "migrate", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "schema version") {
		t.Fatalf("migrate: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	st, err := os.Stat(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm != 0o600 {
		t.Errorf("database mode = %o, want 600", perm)
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if code, _, stderr := porchlight(t, "", "backup", "--config", cfg, backup); code != exitOK {
		t.Fatalf("backup: exit %d: %s", code, stderr)
	}
	st, err = os.Stat(backup)
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm != 0o600 {
		t.Errorf("backup mode = %o, want 600", perm)
	}
	// A backup never overwrites a file; naming one is a usage error.
	if code, _, _ := porchlight(t, "", "backup", "--config", cfg, backup); code != exitUsage {
		t.Errorf("backup over an existing file: exit %d, want %d", code, exitUsage)
	}
}

// TestRunConsoleUntilEndOfInput runs the bot on a console house from a
// config file: it answers commands and exits 0 at the end of input.
func TestRunConsoleUntilEndOfInput(t *testing.T) {
	cfg, _ := writeConfig(t, "")
	code, out, stderr := porchlight(t, "/join\n/help\n", "run", "--config", cfg)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"consent", "/checkin"} {
		if !strings.Contains(strings.ToLower(out), strings.ToLower(want)) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestScriptedDemo plays the demo from input that is not a terminal, on
// today's clock: it says where the lines come from, a prompt appears, the
// resident answers, the answer is acknowledged and stored, the simulated
// housemates answer on their own, and the end of input ends the demo.
func TestScriptedDemo(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "demo.db")
	lines := []string{
		"/checkin",
		"4",
		"Went to my meeting",
		"skip",
		"no",
		"private",
	}
	// /checkin opened the next round early: it is due within five minutes,
	// reminds a minute later, and closes four minutes after it was due.
	// Minute by minute, so that the reminder is seen before the close.
	for range 10 {
		lines = append(lines, ":advance 1m")
	}
	script := strings.Join(append(lines, "/checkin history"), "\n") + "\n"
	code, out, stderr := porchlight(t, script, "demo", "--db", dbPath)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s\noutput:\n%s", code, stderr, out)
	}
	for _, want := range []string{
		"Reading lines from standard input (not a terminal)",
		"*Check-in time*",                   // the prompt in the house channel
		"you're checked in",                 // the acknowledgement
		"(Alex checked in.)",                // a housemate answered on their own
		"[DM → Kim] Hi Kim, a gentle nudge", // the quiet one is nudged
		"Not checked in: Kim",               // and missed, in the mentor's summary
		"mood 4",                            // the stored result, read back
		"End of input: the demo has stopped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "[#house › thread] *You*") {
		t.Error("a private answer was shared in the channel")
	}
	// The answer is in the database.
	db, err := storage.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	err = db.View(ctx, func(tx bot.Tx) error {
		ms, err := tx.MembershipsOf(ctx, "console", "you")
		if err != nil || len(ms) != 1 {
			t.Fatalf("memberships of you = %d, %v", len(ms), err)
		}
		hist, err := tx.MemberHistory(ctx, ms[0].ID, 10)
		if err != nil {
			return err
		}
		if len(hist) != 1 || hist[0].Mood != 4 || hist[0].Visibility != bot.VisPrivate || hist[0].Values["win"] != "Went to my meeting" {
			t.Errorf("stored answers = %+v, want one: mood 4, private, the win", hist)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

var update = flag.Bool("update", false, "rewrite the demo transcripts in testdata from the demo's output")

// TestDemoTranscripts plays the scripts in testdata and compares each
// transcript with its golden file: demo.script is a full check-in round
// (the prompt, a housemate's share, a mentors-only answer, a reminder, the
// close and the mentor's summary); partners.script shows a rotation, a
// nudge, "We connected" and a ping after a missed check-in; crisis.script
// a crisis by DM with a mentor's "I'm on it", a crisis in the middle of a
// DM check-in that goes on, a held share kept private, and a relapse;
// mentoring.script a mentoring agreement proposed, confirmed, reminded,
// asked about and changed, and goals added, shared and listed. After
// a deliberate change of wording: go test ./cmd/porchlight -run
// TestDemoTranscripts -update, and read the diff.
func TestDemoTranscripts(t *testing.T) {
	// Each script runs in English, and those named NAME_LANG in that
	// language (demo --locale LANG), residents typing in it.
	for _, name := range []string{"demo", "partners", "milestones", "activities", "crisis", "mentoring", "houselife", "demo_es"} {
		t.Run(name, func(t *testing.T) {
			locale := i18n.Source
			if _, lang, ok := strings.Cut(name, "_"); ok {
				locale = lang
			}
			code, out, stderr := porchlight(t, "", "demo", "--script", "testdata/"+name+".script", "--start", "2026-11-16T08:59:00-06:00",
				"--locale", locale, "--db", filepath.Join(t.TempDir(), "demo.db"))
			if code != exitOK {
				t.Fatalf("exit %d; stderr:\n%s", code, stderr)
			}
			golden := "testdata/" + name + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if out != string(want) {
				t.Errorf("transcript differs from %s (rerun with -update after a deliberate change):\n%s", golden, out)
			}
		})
	}
}

// TestLoadCommand runs a small load: every event is handled and counted.
// It checks the counts, never the timings.
func TestLoadCommand(t *testing.T) {
	code, out, stderr := porchlight(t, "", "load", "--residents", "5", "--rounds", "2", "--concurrency", "3", "--db", filepath.Join(t.TempDir(), "load.db"))
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	// 5 joins of two events, then two rounds of a press and a submit each;
	// each round posts a prompt and a mentor summary.
	for _, want := range []string{"events 30 in", "outbox messages delivered 4"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if code, _, _ := porchlight(t, "", "load", "--residents", "0"); code != exitUsage {
		t.Errorf("--residents 0: exit %d, want %d", code, exitUsage)
	}
}
