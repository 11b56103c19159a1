package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/storage"
)

// olderSchema creates the database at dbPath as the Porchlight before this
// one left it: every migration in storage/migrations but the last, each
// recorded as Migrate records it. It returns the old version and this
// program's.
func olderSchema(t *testing.T, dbPath string) (old, known int) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "storage", "migrations", "*.sql"))
	if err != nil || len(files) < 2 {
		t.Fatalf("migrations: %v, %v", files, err)
	}
	sort.Strings(files)
	c, err := sql.Open("sqlite", dbPath+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetMaxOpenConns(1)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := c.Exec(q, args...); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`)
	old = len(files) - 1
	for i, f := range files[:old] {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		exec(string(b))
		exec(`INSERT INTO schema_migrations VALUES (?, ?, 1)`, i+1, filepath.Base(f))
	}
	return old, len(files)
}

// schemaVersion reads the database's schema version read-only.
func schemaVersion(t *testing.T, dbPath string) int {
	t.Helper()
	in, err := storage.Inspect(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	return in.Version
}

// TestUpgradeOrder: the README's upgrade, with the new binary installed
// while the old bot still runs. backup copies the old schema as it is (the
// rollback's backup); the commands without the instance lock refuse to
// work on it, saying what to do; migrate upgrades it.
func TestUpgradeOrder(t *testing.T) {
	cfg, dbPath := writeConfig(t, "")
	old, known := olderSchema(t, dbPath)

	out := filepath.Join(t.TempDir(), "pre-upgrade.db")
	code, stdout, stderr := porchlight(t, "", "backup", "--config", cfg, out)
	if code != exitOK || stderr != "" {
		t.Fatalf("backup: exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "Backed up to "+out) {
		t.Errorf("backup said %q", stdout)
	}
	for _, p := range []string{dbPath, out} {
		if got := schemaVersion(t, p); got != old {
			t.Errorf("%s: schema version %d after backup, want %d unchanged", filepath.Base(p), got, old)
		}
	}

	want := "the database is at schema version " + strconv.Itoa(old) + "; this porchlight needs " + strconv.Itoa(known) +
		": stop the bot and run `porchlight migrate --config " + cfg + "` first"
	for _, args := range [][]string{
		{"export", "--member", "you"},
		{"erase", "--member", "you", "--yes"},
		{"audit"},
		{"digest"},
		{"outbox", "list"},
		{"outbox", "retry", "1"},
	} {
		code, _, stderr := porchlight(t, "", append(args, "--config", cfg)...)
		if code != exitRuntime || !strings.Contains(stderr, want) {
			t.Errorf("%s on an older schema: exit %d, stderr %q; want exit 1 and %q", strings.Join(args, " "), code, stderr, want)
		}
		if got := schemaVersion(t, dbPath); got != old {
			t.Fatalf("%s changed the schema version to %d", strings.Join(args, " "), got)
		}
	}

	if code, stdout, stderr := porchlight(t, "", "migrate", "--config", cfg); code != exitOK || !strings.Contains(stdout, "schema version "+strconv.Itoa(known)) {
		t.Fatalf("migrate: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, _, stderr := porchlight(t, "", "audit", "--config", cfg); code != exitOK {
		t.Errorf("audit after migrate: exit %d: %s", code, stderr)
	}
}

// TestRunMigratesAnOlderSchema: run, which holds the instance lock, still
// upgrades the database.
func TestRunMigratesAnOlderSchema(t *testing.T) {
	cfg, dbPath := writeConfig(t, "")
	_, known := olderSchema(t, dbPath)
	if code, _, stderr := porchlight(t, "", "run", "--config", cfg); code != exitOK {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	if got := schemaVersion(t, dbPath); got != known {
		t.Errorf("schema version after run = %d, want %d", got, known)
	}
}
