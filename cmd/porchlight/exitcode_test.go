package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// failWriter is a standard output that cannot be written: a closed pipe.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("write stdout: broken pipe") }

// TestHelpOnce asks every command, tool subcommand and the top level for
// help in each way a person might: it is printed once, on stdout, and the
// exit code is 0.
func TestHelpOnce(t *testing.T) {
	var commands [][]string
	for _, sc := range subcommands() {
		commands = append(commands, []string{sc.name})
	}
	commands = append(commands, []string{"slack", "manifest"}, []string{"discord", "invite-url"},
		[]string{"outbox", "list"}, []string{"outbox", "retry"}, []string{"outbox", "drop"})
	for _, cmd := range append(commands, nil) {
		for _, ask := range []string{"--help", "-h", "-help"} {
			args := append(append([]string(nil), cmd...), ask)
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				code, out, errOut := porchlight(t, "", args...)
				usage := "Usage: porchlight " + strings.Join(cmd, " ")
				if cmd == nil {
					usage = "Usage: porchlight <command>"
				}
				if code != exitOK || strings.Count(out, usage) != 1 || strings.Count(out, "Usage:") != 1 {
					t.Errorf("exit %d, stdout %q; want 0 and %q once", code, out, usage)
				}
				if errOut != "" {
					t.Errorf("help also went to stderr: %q", errOut)
				}
			})
		}
	}
	// "porchlight help" and "porchlight slack help" too.
	for _, args := range [][]string{{"help"}, {"slack", "help"}, {"discord", "help"}, {"outbox", "help"}} {
		if code, out, errOut := porchlight(t, "", args...); code != exitOK || errOut != "" || strings.Count(out, "Usage:") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 0 and the usage once on stdout", args, code, out, errOut)
		}
	}
}

// TestExitCodesEveryCommand runs each subcommand through the real main
// path with a usage error (exit 2) and, where it can fail at run time, a
// runtime failure (exit 1). Either way the error is on stderr, its first
// line prefixed once with "porchlight COMMAND: ", and nothing repeats the
// command's name after the prefix ("backup: backup:").
func TestExitCodesEveryCommand(t *testing.T) {
	dir := t.TempDir()
	good, _ := writeConfig(t, "")
	// The commands without the lock need a migrated database (a refusal
	// of one that is not: TestUpgradeOrder).
	migrated(t, good)
	// A config whose database cannot be opened: storage.path is a directory.
	brokenDB := filepath.Join(dir, "broken.toml")
	doc := "[storage]\npath = \"" + dir + "\"\n\n[[house]]\nname = \"Cedar House\"\nplatform = \"console\"\nchannel = \"house\"\ntimezone = \"America/Chicago\"\noperators = [\"you\"]\n"
	if err := os.WriteFile(brokenDB, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	discordCfg := filepath.Join(dir, "discord.toml")
	if err := os.WriteFile(discordCfg, []byte("[discord]\napplication_id = \"1100000000000000001\"\n\n[[house]]\nname = \"Maple House\"\ntimezone = \"America/Chicago\"\nplatform = \"discord\"\nguild = \"1200000000000000001\"\nchannel = \"1300000000000000001\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "existing.db")
	if err := os.WriteFile(existing, []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	missingDir := filepath.Join(dir, "no-such-dir", "out")
	notACorpus := filepath.Join(dir, "bad.tsv")
	if err := os.WriteFile(notACorpus, []byte("maybe\ten\tx\tsome words\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		command string // the subcommand this case covers
		name    string
		args    []string
		stdout  bool // stdout cannot be written
		want    int
		// log is set for "run", whose stderr is its log once it starts.
		log bool
	}{
		{"run", "no config", []string{"run"}, false, exitUsage, false},
		{"run", "stray argument", []string{"run", "--config", good, "now"}, false, exitUsage, false},
		{"run", "database cannot open", []string{"run", "--config", brokenDB}, false, exitRuntime, true},
		{"demo", "bad --start", []string{"demo", "--start", "monday"}, false, exitUsage, false},
		{"demo", "stray argument", []string{"demo", "play"}, false, exitUsage, false},
		{"demo", "script missing", []string{"demo", "--script", filepath.Join(dir, "nope.script")}, false, exitUsage, false},
		{"demo", "database cannot open", []string{"demo", "--db", dir}, false, exitRuntime, false},
		{"check-config", "missing file", []string{"check-config", "--config", filepath.Join(dir, "nope.toml")}, false, exitUsage, false},
		{"migrate", "unknown flag", []string{"migrate", "--config", good, "--force"}, false, exitUsage, false},
		{"migrate", "database cannot open", []string{"migrate", "--config", brokenDB}, false, exitRuntime, false},
		{"backup", "no OUT", []string{"backup", "--config", good}, false, exitUsage, false},
		{"backup", "OUT exists", []string{"backup", "--config", good, existing}, false, exitUsage, false},
		{"backup", "OUT in a missing directory", []string{"backup", "--config", good, missingDir}, false, exitRuntime, false},
		{"backup", "database cannot open", []string{"backup", "--config", brokenDB, filepath.Join(dir, "b.db")}, false, exitRuntime, false},
		{"restore", "no BACKUP", []string{"restore", "--config", good}, false, exitUsage, false},
		{"restore", "BACKUP missing", []string{"restore", "--config", good, filepath.Join(dir, "nope.db")}, false, exitUsage, false},
		{"restore", "BACKUP not a database", []string{"restore", "--config", good, notACorpus}, false, exitRuntime, false},
		{"restore", "database cannot be replaced", []string{"restore", "--config", brokenDB, existing}, false, exitRuntime, false},
		{"digest", "bad format", []string{"digest", "--config", good, "--format", "pdf"}, false, exitUsage, false},
		{"digest", "bad week", []string{"digest", "--config", good, "--week", "2026-W99"}, false, exitUsage, false},
		{"digest", "--out exists", []string{"digest", "--config", good, "--out", existing}, false, exitUsage, false},
		{"digest", "database cannot open", []string{"digest", "--config", brokenDB}, false, exitRuntime, false},
		{"export", "no member", []string{"export", "--config", good}, false, exitUsage, false},
		{"export", "unknown member", []string{"export", "--config", good, "--member", "nobody"}, false, exitUsage, false},
		{"export", "--out exists", []string{"export", "--config", good, "--member", "you", "--out", existing}, false, exitUsage, false},
		{"export", "database cannot open", []string{"export", "--config", brokenDB, "--member", "you"}, false, exitRuntime, false},
		{"erase", "no --yes", []string{"erase", "--config", good, "--member", "you"}, false, exitUsage, false},
		{"erase", "database cannot open", []string{"erase", "--config", brokenDB, "--member", "you", "--yes"}, false, exitRuntime, false},
		{"audit", "bad date", []string{"audit", "--config", good, "--since", "yesterday"}, false, exitUsage, false},
		{"audit", "database cannot open", []string{"audit", "--config", brokenDB}, false, exitRuntime, false},
		{"crisis-eval", "--house without --config", []string{"crisis-eval", "--house", "Cedar House"}, false, exitUsage, false},
		{"crisis-eval", "corpus missing", []string{"crisis-eval", filepath.Join(dir, "nope.tsv")}, false, exitUsage, false},
		{"crisis-eval", "corpus malformed", []string{"crisis-eval", notACorpus}, false, exitUsage, false},
		{"slack", "no subcommand", []string{"slack"}, false, exitUsage, false},
		{"slack", "unknown subcommand", []string{"slack", "app"}, false, exitUsage, false},
		{"slack", "manifest: stray argument", []string{"slack", "manifest", "extra"}, false, exitUsage, false},
		{"slack", "manifest: stdout closed", []string{"slack", "manifest"}, true, exitRuntime, false},
		{"discord", "no subcommand", []string{"discord"}, false, exitUsage, false},
		{"discord", "invite-url: no config", []string{"discord", "invite-url"}, false, exitUsage, false},
		{"discord", "invite-url: stdout closed", []string{"discord", "invite-url", "--config", discordCfg}, true, exitRuntime, false},
		{"load", "zero residents", []string{"load", "--residents", "0"}, false, exitUsage, false},
		{"load", "database cannot open", []string{"load", "--residents", "1", "--rounds", "1", "--db", dir}, false, exitRuntime, false},
		{"version", "stray argument", []string{"version", "now"}, false, exitUsage, false},
		{"healthcheck", "no listener", []string{"healthcheck"}, false, exitUsage, false},
		{"healthcheck", "nothing listens", []string{"healthcheck", "--addr", "127.0.0.1:1"}, false, exitRuntime, false},
		{"doctor", "no config", []string{"doctor"}, false, exitUsage, false},
		{"doctor", "missing config file", []string{"doctor", "--config", filepath.Join(dir, "nope.toml")}, false, exitUsage, false},
		{"doctor", "stdout closed", []string{"doctor", "--config", good}, true, exitRuntime, false},
		{"outbox", "no subcommand", []string{"outbox"}, false, exitUsage, false},
		{"outbox", "list: no config", []string{"outbox", "list"}, false, exitUsage, false},
		{"outbox", "retry: no id", []string{"outbox", "retry", "--config", good}, false, exitUsage, false},
		{"outbox", "list: database cannot open", []string{"outbox", "list", "--config", brokenDB}, false, exitRuntime, false},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.command] = true
		t.Run(tt.command+"/"+tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			var stdout io.Writer = &out
			if tt.stdout {
				stdout = failWriter{}
			}
			code := run(context.Background(), tt.args, strings.NewReader(""), stdout, &errOut, func(string) string { return "" })
			stderr := errOut.String()
			if code != tt.want {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.want, stderr)
			}
			if tt.log {
				if !strings.Contains(stderr, "level=ERROR") {
					t.Errorf("stderr lacks the logged error:\n%s", stderr)
				}
				return
			}
			name := tt.args[0]
			if len(tt.args) > 1 && (name == "slack" || name == "discord" || name == "outbox") && slices.Contains([]string{"manifest", "invite-url", "list", "retry", "drop"}, tt.args[1]) {
				name += " " + tt.args[1]
			}
			first, _, _ := strings.Cut(stderr, "\n")
			if len(tt.args) == 1 && (name == "slack" || name == "discord" || name == "outbox") {
				// No subcommand: the tool's help, on stderr.
				if !strings.HasPrefix(first, "Usage: porchlight "+name) {
					t.Errorf("stderr starts %q, want the usage of %s", first, name)
				}
				return
			}
			prefix := "porchlight " + name + ": "
			if !strings.HasPrefix(first, prefix) {
				t.Fatalf("stderr starts %q, want the prefix %q", first, prefix)
			}
			rest := strings.TrimPrefix(first, prefix)
			last := name[strings.LastIndex(name, " ")+1:]
			if strings.HasPrefix(rest, last+":") || strings.Contains(rest, "porchlight") {
				t.Errorf("the prefix repeats: %q", first)
			}
			if rest == "" {
				t.Errorf("no message after the prefix: %q", first)
			}
		})
	}
	for _, sc := range subcommands() {
		if !covered[sc.name] {
			t.Errorf("no exit-code case for %q: add one", sc.name)
		}
	}
}
