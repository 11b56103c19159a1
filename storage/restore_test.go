package storage_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage"
	"github.com/porchlight/porchlight/storage/storagetest"
)

// liveDB makes a database at dir/porchlight.db with one member, left with
// a -wal and -shm as a stopped bot's may be, and returns its path.
func liveDB(t *testing.T, dir, name string) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(dir, "porchlight.db")
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	update(t, db, func(tx bot.Tx) error {
		id, err := tx.SyncHouse(ctx, &bot.House{Name: "Cedar House", Platform: "test", Channel: "C-house", Location: time.UTC}, t0)
		if err != nil {
			return err
		}
		return tx.SaveMember(ctx, &bot.Member{HouseID: id, Platform: "test", UserID: "U0001", Name: name, Status: bot.MemberActive, JoinedAt: t0, ConsentAt: t0})
	})
	return path
}

// memberName reads the one member's name from the database at path.
func memberName(t *testing.T, path string) string {
	t.Helper()
	db, err := storage.Open(context.Background(), path, storage.CheckIntegrity())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var name string
	view(t, db, func(tx bot.Tx) error {
		m, err := tx.MemberByUser(context.Background(), 1, "U0001")
		if err == nil {
			name = m.Name
		}
		return err
	})
	return name
}

func TestRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := liveDB(t, dir, "Robin")
	// The backup: another database with another name in it.
	backup := filepath.Join(t.TempDir(), "backup.db")
	src, err := storage.Open(ctx, liveDB(t, t.TempDir(), "Sam"))
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	src.Close()
	before, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	// Files a stopped bot may leave beside its database: the restored copy
	// must not inherit them.
	for _, f := range []string{path + "-wal", path + "-shm"} {
		if err := os.WriteFile(f, []byte("old log"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(storage.LockPath(path), nil, 0o600); err != nil {
		t.Fatal(err)
	}

	now := time.Date(2026, 12, 7, 3, 4, 5, 0, time.UTC)
	r, err := storage.Restore(ctx, path, backup, now)
	if err != nil {
		t.Fatal(err)
	}
	aside := path + ".before-restore-20261207T030405Z"
	if r.Aside != aside {
		t.Errorf("aside = %q, want %q", r.Aside, aside)
	}
	if want := []string{aside, aside + "-wal", aside + "-shm"}; !slices.Equal(r.Moved, want) {
		t.Errorf("moved = %q, want %q", r.Moved, want)
	}
	for _, f := range r.Moved {
		if got := perm(t, f); got != 0o600 {
			t.Errorf("%s: mode %o, want 600", f, got)
		}
	}
	if got, _ := os.ReadFile(aside + "-wal"); string(got) != "old log" {
		t.Errorf("the old -wal was not kept aside: %q", got)
	}
	if r.From == 0 || r.To < r.From {
		t.Errorf("versions %d -> %d", r.From, r.To)
	}
	if got := perm(t, path); got != 0o600 {
		t.Errorf("restored database mode %o, want 600", got)
	}
	if _, err := os.Stat(storage.LockPath(path)); err != nil {
		t.Errorf("the lock file went away: %v", err)
	}
	// The operator's backup is read, never moved or changed.
	if after, err := os.ReadFile(backup); err != nil || !bytes.Equal(before, after) {
		t.Errorf("the backup changed (err %v)", err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, "*.restore-*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %q", leftovers)
	}
	if got := memberName(t, path); got != "Sam" {
		t.Errorf("member after restore = %q, want the backup's Sam", got)
	}

	// A second restore in the same second keeps the first aside too.
	r2, err := storage.Restore(ctx, path, backup, now)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Aside == aside || !strings.HasPrefix(r2.Aside, aside) {
		t.Errorf("second aside = %q, want a new name after %q", r2.Aside, aside)
	}
}

func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	backupOf := func(t *testing.T) string {
		t.Helper()
		return outboxDB(t, 2)
	}
	tests := []struct {
		name   string
		backup func(t *testing.T, path string) string
		want   []string
		bad    bool // wraps ErrBadBackup
	}{
		{"a damaged backup", func(t *testing.T, _ string) string {
			b := backupOf(t)
			storagetest.DamageTable(t, b, "outbox")
			return b
		}, []string{"is damaged", "quick_check", "try an older backup"}, true},
		{"a file that is no database", func(t *testing.T, _ string) string {
			b := filepath.Join(t.TempDir(), "notes.txt")
			os.WriteFile(b, bytes.Repeat([]byte("not a database "), 100), 0o600)
			return b
		}, []string{"not a SQLite database, or is damaged"}, true},
		{"a SQLite database that is not Porchlight's", func(t *testing.T, _ string) string {
			b := filepath.Join(t.TempDir(), "other.db")
			c, err := sql.Open("sqlite", b)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Exec(`CREATE TABLE t (x)`); err != nil {
				t.Fatal(err)
			}
			return b
		}, []string{"not a Porchlight one"}, true},
		{"a backup from a newer Porchlight", func(t *testing.T, _ string) string {
			b := backupOf(t)
			c, err := sql.Open("sqlite", b)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`); err != nil {
				t.Fatal(err)
			}
			return b
		}, []string{"schema version 9999", "newer Porchlight"}, true},
		{"a backup with a write-ahead log beside it", func(t *testing.T, _ string) string {
			b := backupOf(t)
			os.WriteFile(b+"-wal", []byte("log"), 0o600)
			return b
		}, []string{"write-ahead log"}, true},
		{"the database itself", func(t *testing.T, path string) string { return path }, []string{"the database itself"}, false},
		{"a missing backup", func(t *testing.T, _ string) string { return filepath.Join(t.TempDir(), "nope.db") }, []string{"nope.db"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := liveDB(t, dir, "Robin")
			backup := tt.backup(t, path)
			_, err := storage.Restore(ctx, path, backup, t0)
			if err == nil {
				t.Fatal("restored")
			}
			if errors.Is(err, storage.ErrBadBackup) != tt.bad {
				t.Errorf("errors.Is(ErrBadBackup) = %v, want %v: %v", !tt.bad, tt.bad, err)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			// Nothing changed: the database is where it was, nothing aside,
			// no temporary copy left.
			if got := memberName(t, path); got != "Robin" {
				t.Errorf("member = %q, want Robin still", got)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, "porchlight.db.*")); slices.ContainsFunc(left, func(f string) bool {
				return !strings.HasSuffix(f, ".lock")
			}) {
				t.Errorf("files left beside the database: %q", left)
			}
		})
	}
}

func TestRestoreRefusedWhileLocked(t *testing.T) {
	ctx := context.Background()
	path := liveDB(t, t.TempDir(), "Robin")
	held, err := openExclusive(path)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	_, err = storage.Restore(ctx, path, outboxDB(t, 1), t0)
	var locked *storage.LockedError
	if !errors.As(err, &locked) || locked.Holder.PID != os.Getpid() {
		t.Fatalf("err = %v, want a *LockedError naming this process", err)
	}
}

func TestRecordedHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	if _, ok, err := storage.RecordedHolder(path); ok || err != nil {
		t.Fatalf("no lock file: ok %v, err %v; want neither", ok, err)
	}
	db, err := openExclusive(path)
	if err != nil {
		t.Fatal(err)
	}
	h, ok, err := storage.RecordedHolder(path)
	if err != nil || !ok || h.PID != os.Getpid() {
		t.Fatalf("while held: %+v, %v, %v; want this process", h, ok, err)
	}
	if running, known := h.Running(); !running || !known {
		t.Errorf("Running() = %v, %v; want true, true for this process", running, known)
	}
	// Reading took no lock: the holder closes and a new one opens.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := storage.RecordedHolder(path); ok || err != nil {
		t.Errorf("after a clean stop: ok %v, err %v; want an empty record", ok, err)
	}
	// A record left by a holder that died (as after kill -9).
	host, _ := os.Hostname()
	gone := storage.Holder{PID: 1 << 30, Host: host, Since: t0}
	if running, known := gone.Running(); running {
		t.Errorf("a pid that does not exist: Running() = %v, %v", running, known)
	}
	if _, known := (storage.Holder{PID: os.Getpid(), Host: "elsewhere"}).Running(); known {
		t.Error("a holder on another host: Running() claims to know")
	}
}
