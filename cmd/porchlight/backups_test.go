package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage"
)

// TestNightlyBackupCatchUp: a bot started after a night it was down makes
// that night's backup once, named by the night's scheduled time, and keeps
// only backup_keep of them.
func TestNightlyBackupCatchUp(t *testing.T) {
	ctx := context.Background()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "backups")
	clock := &demoClock{fixed: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
	var logs bytes.Buffer
	log, _ := newLogger(&logs, "debug", "text")
	b := backups{dir: dir, keep: 2, spec: "0 3 * * *"}
	a, err := newApp(ctx, appOptions{dbPath: filepath.Join(t.TempDir(), "p.db"), houses: []*bot.House{demoHouse(loc)}, clock: clock, log: log, manualJobs: true, backups: b})
	if err != nil {
		t.Fatal(err)
	}
	defer a.db.Close()

	for day := 0; day < 4; day++ {
		// Twice a day, as after a restart: the second finds the file.
		for range 2 {
			if err := a.catchUpBackup(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		clock.fixed = clock.fixed.Add(24 * time.Hour)
	}
	have, err := storage.Backups(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(have) != 2 {
		t.Fatalf("backups = %+v, want the newest 2", have)
	}
	for i, want := range []time.Time{time.Date(2026, 12, 9, 3, 0, 0, 0, time.UTC), time.Date(2026, 12, 10, 3, 0, 0, 0, time.UTC)} {
		if !have[i].At.Equal(want) || filepath.Base(have[i].Path) != "porchlight-"+want.Format("20060102T150405Z")+".db" {
			t.Errorf("backup %d = %+v, want the one for %v", i, have[i], want)
		}
	}
	// Each backup is a database with the schema.
	db, err := storage.Open(ctx, have[1].Path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, err := db.Version(ctx); err != nil || v == 0 {
		t.Errorf("backup schema version = %d, %v", v, err)
	}
}

// TestFailedBackupDegradesHealth: a backup that fails holds the health
// status degraded as part "backup", which /readyz and the log show, until
// a backup is made again.
func TestFailedBackupDegradesHealth(t *testing.T) {
	ctx := context.Background()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	base := t.TempDir()
	blocker := filepath.Join(base, "not-a-dir")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	clock := &demoClock{fixed: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
	var logs bytes.Buffer
	log, _ := newLogger(&logs, "debug", "text")
	bad := backups{dir: filepath.Join(blocker, "backups"), keep: 2, spec: "0 3 * * *"}
	a, err := newApp(ctx, appOptions{dbPath: filepath.Join(base, "p.db"), houses: []*bot.House{demoHouse(loc)}, clock: clock, log: log, manualJobs: true, backups: bad})
	if err != nil {
		t.Fatal(err)
	}
	defer a.db.Close()
	if err := a.catchUpBackup(ctx, bad); err == nil {
		t.Fatal("a backup into a file's path: no error")
	}
	p := a.health.Problems()
	if len(p) != 1 || p[0].Component != "backup" {
		t.Fatalf("problems = %+v, want the backup", p)
	}
	if !strings.Contains(logs.String(), "backup is failing") {
		t.Errorf("log lacks the failing backup:\n%s", logs.String())
	}
	good := bad
	good.dir = filepath.Join(base, "backups")
	if err := a.catchUpBackup(ctx, good); err != nil {
		t.Fatal(err)
	}
	if p := a.health.Problems(); len(p) != 0 {
		t.Errorf("problems after a backup was made = %+v, want none", p)
	}
}
