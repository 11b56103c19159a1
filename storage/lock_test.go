package storage_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/storage"
)

// openExclusive opens path as the commands that run the bot do.
func openExclusive(path string) (*storage.DB, error) {
	return storage.Open(context.Background(), path, storage.Exclusive(), storage.CheckIntegrity())
}

func TestExclusiveOpenNamesTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	first, err := openExclusive(path)
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()

	// A second exclusive open fails at once, naming this process.
	_, err = openExclusive(path)
	var locked *storage.LockedError
	if !errors.As(err, &locked) {
		t.Fatalf("second open: err = %v, want a *LockedError", err)
	}
	if got, want := locked.Holder.PID, os.Getpid(); got != want {
		t.Errorf("holder pid = %d, want %d", got, want)
	}
	if locked.Holder.Host != host || time.Since(locked.Holder.Since) > time.Minute {
		t.Errorf("holder = %+v, want host %q since about now", locked.Holder, host)
	}
	for _, want := range []string{path, fmt.Sprintf("pid %d", os.Getpid()), "host " + host, "stop that one first"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}

	// Readers that do not ask for the lock still open beside it.
	reader, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("a non-exclusive open beside the holder: %v", err)
	}
	reader.Close()

	// Once the holder closes, the next exclusive open succeeds, and the
	// lock file no longer names anyone: it records a clean stop.
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(storage.LockPath(path)); err != nil || strings.Contains(string(b), `"pid"`) || !strings.Contains(string(b), `"stopped"`) {
		t.Errorf("lock file after close = %q, %v; want a clean stop and no holder", b, err)
	}
	if _, held, err := storage.RecordedHolder(path); err != nil || held {
		t.Errorf("RecordedHolder after close = held %v, %v; want nobody", held, err)
	}
	second, err := openExclusive(path)
	if err != nil {
		t.Fatalf("open after the holder closed: %v", err)
	}
	second.Close()
}

// TestStaleLockFileDoesNotBlock: a lock file left by a process that died
// (kill -9 leaves its record in place) is not a lock; only a held lock is.
// The subprocess kill -9 test is cmd/porchlight's TestOneInstancePerDatabase.
func TestStaleLockFileDoesNotBlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	stale := `{"pid":999999,"host":"gone","since":"2026-11-17T20:00:00Z"}` + "\n"
	if err := os.WriteFile(storage.LockPath(path), []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := openExclusive(path)
	if err != nil {
		t.Fatalf("open with a stale lock file: %v", err)
	}
	defer db.Close()
	b, err := os.ReadFile(storage.LockPath(path))
	if err != nil || !strings.Contains(string(b), fmt.Sprintf(`"pid":%d`, os.Getpid())) {
		t.Errorf("lock file = %q, %v; want this process's record", b, err)
	}
	if st, err := os.Stat(storage.LockPath(path)); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("lock file mode = %v, %v; want 0600", st.Mode().Perm(), err)
	}
}

// TestFailedOpenReleasesTheLock: an exclusive open that fails after taking
// the lock (here on a damaged file) does not keep it.
func TestFailedOpenReleasesTheLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		_, err := openExclusive(path)
		if !errors.Is(err, storage.ErrCorrupt) {
			t.Fatalf("open %d: err = %v, want ErrCorrupt (not a lock held by the failed open)", i+1, err)
		}
	}
}

func TestHolderString(t *testing.T) {
	since := time.Date(2026, 11, 17, 20, 0, 0, 0, time.UTC)
	tests := []struct {
		h    storage.Holder
		want string
	}{
		{storage.Holder{PID: 42, Host: "porch", Since: since}, "pid 42 on host porch, since 2026-11-17 20:00:00 UTC"},
		{storage.Holder{}, "a process that is just starting"},
	}
	for _, tt := range tests {
		if got := tt.h.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.h, got, tt.want)
		}
	}
}

// TestRecordedLock: the lock file read without the lock says who holds
// it, or when the last holder stopped cleanly and whether the next start
// checks the database; a holder's record never reads as a stop.
func TestRecordedLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	if rec, err := storage.RecordedLock(path); err != nil || rec != (storage.LockRecord{}) {
		t.Fatalf("no lock file: %+v, %v; want the zero record", rec, err)
	}
	db, err := openExclusive(path)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := storage.RecordedLock(path)
	if err != nil || rec.Holder.PID != os.Getpid() || !rec.Stopped.IsZero() {
		t.Fatalf("while held: %+v, %v; want this process and no stop", rec, err)
	}
	before := time.Now().Add(-time.Second)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	rec, err = storage.RecordedLock(path)
	if err != nil || rec.Holder.PID != 0 || rec.Stopped.Before(before.Truncate(time.Second)) || rec.Check {
		t.Errorf("after a clean stop: %+v, %v; want no holder, stopped now, no check", rec, err)
	}
	for _, tc := range []struct {
		file string
		want storage.LockRecord
	}{
		{`{"stopped":"2026-12-01T10:00:00Z","check":true}`, storage.LockRecord{Stopped: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), Check: true}},
		{`{"pid":42,"host":"porch","since":"2026-12-01T09:00:00Z","stopped":"2026-12-01T10:00:00Z"}`,
			storage.LockRecord{Holder: storage.Holder{PID: 42, Host: "porch", Since: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}}},
		{``, storage.LockRecord{}},
		{`not json`, storage.LockRecord{}},
	} {
		if err := os.WriteFile(storage.LockPath(path), []byte(tc.file), 0o600); err != nil {
			t.Fatal(err)
		}
		rec, err := storage.RecordedLock(path)
		if err != nil || !rec.Stopped.Equal(tc.want.Stopped) || rec.Check != tc.want.Check || rec.Holder.PID != tc.want.Holder.PID ||
			rec.Holder.Host != tc.want.Holder.Host || !rec.Holder.Since.Equal(tc.want.Holder.Since) {
			t.Errorf("lock file %q: %+v, %v; want %+v", tc.file, rec, err, tc.want)
		}
	}
}
