package storage_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/storage"
	"github.com/porchlight/porchlight/storage/storagetest"
)

// outboxDB makes a closed database file (a backup of a live one) with n
// messages in the outbox, and returns its path.
func outboxDB(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.db")
	f := newFixture(t)
	for range n {
		f.enqueue(t, f.post("hello"))
	}
	if err := f.db.Backup(f.ctx, path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckIntegrityRefusesADamagedDatabase(t *testing.T) {
	ctx := context.Background()
	path := outboxDB(t, 3)
	storagetest.DamageTable(t, path, "outbox")

	_, err := storage.Open(ctx, path, storage.CheckIntegrity())
	if !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("open with the check: err = %v, want ErrCorrupt", err)
	}
	for _, want := range []string{path, "quick_check", "Restoring a backup"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}

	// Without the check the damage is found only when the outbox is read,
	// as it would be if it happened while the bot ran; the error says
	// what kind of failure it is.
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatalf("open without the check: %v", err)
	}
	defer db.Close()
	_, err = db.Outbox().Due(ctx, t0, 0)
	if got := storage.ErrorClass(err); got != storage.ClassCorrupt {
		t.Errorf("reading the damaged outbox: class %q (err %v), want %q", got, err, storage.ClassCorrupt)
	}
}

func TestCheckIntegrityPassesAHealthyDatabase(t *testing.T) {
	path := outboxDB(t, 3)
	db, err := storage.Open(context.Background(), path, storage.CheckIntegrity())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.Outbox().Pending(context.Background()); err != nil || n != 3 {
		t.Errorf("pending = %d, %v; want 3", n, err)
	}
}

func TestNotADatabaseIsCorrupt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	// Refused even without the check, since nothing can be read.
	_, err := storage.Open(context.Background(), path)
	if !errors.Is(err, storage.ErrCorrupt) || !strings.Contains(err.Error(), "Restoring a backup") {
		t.Errorf("err = %v, want ErrCorrupt with the restore hint", err)
	}
}

func TestErrorClass(t *testing.T) {
	if got := storage.ErrorClass(nil); got != "" {
		t.Errorf("ErrorClass(nil) = %q", got)
	}
	if got := storage.ErrorClass(errors.New("plain")); got != "" {
		t.Errorf("ErrorClass(plain) = %q", got)
	}
	// The other classes come from SQLite itself in the tests that provoke
	// them: corrupt above, full in TestFullDatabase.
}

// cleanlyStopped opens the database at path as the bot does and closes it,
// so that its lock file records a clean stop.
func cleanlyStopped(t *testing.T, path string) {
	t.Helper()
	db, err := storage.Open(context.Background(), path, storage.Exclusive(), storage.CheckIntegrityAfterUncleanStop())
	if err != nil {
		t.Fatal(err)
	}
	if !db.Checked() {
		t.Error("the first start on a file with no lock record did not check it")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCheckAfterUncleanStop: after a clean stop the start leaves the
// check to QuickCheck, beside the running bot; damage it finds is recorded,
// and the next start checks first and refuses the file. After an unclean
// stop (a holder's record left in the lock file, as kill -9 leaves it) the
// start checks first.
func TestCheckAfterUncleanStop(t *testing.T) {
	ctx := context.Background()
	open := func(path string) (*storage.DB, error) {
		return storage.Open(ctx, path, storage.Exclusive(), storage.CheckIntegrityAfterUncleanStop())
	}

	t.Run("clean stop, healthy", func(t *testing.T) {
		path := outboxDB(t, 3)
		cleanlyStopped(t, path)
		db, err := open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if db.Checked() {
			t.Error("the start after a clean stop read the whole file")
		}
		if err := db.QuickCheck(ctx); err != nil {
			t.Errorf("QuickCheck of a healthy file: %v", err)
		}
	})

	t.Run("a check cut short is owed to the next start", func(t *testing.T) {
		path := outboxDB(t, 3)
		cleanlyStopped(t, path)
		reopen := func() *storage.DB {
			t.Helper()
			db, err := open(path)
			if err != nil {
				t.Fatal(err)
			}
			return db
		}
		db := reopen()
		if db.Checked() {
			t.Fatal("the start after a clean stop read the whole file")
		}
		// Stopped before the background check ran: the next start checks.
		db.Close()
		db = reopen()
		if !db.Checked() {
			t.Error("the start after a stop that cut the check short did not check")
		}
		db.Close()
		// That check passed: the start after it need not check again.
		db = reopen()
		if db.Checked() {
			t.Error("the start after a checked run read the whole file again")
		}
		if err := db.QuickCheck(ctx); err != nil {
			t.Fatal(err)
		}
		db.Close()
		db = reopen()
		defer db.Close()
		if db.Checked() {
			t.Error("the start after a background check passed read the whole file")
		}
	})

	t.Run("clean stop, damaged", func(t *testing.T) {
		path := outboxDB(t, 3)
		cleanlyStopped(t, path)
		storagetest.DamageTable(t, path, "outbox")
		db, err := open(path)
		if err != nil {
			t.Fatalf("the start after a clean stop: %v, want the check left to the background", err)
		}
		err = db.QuickCheck(ctx)
		if !errors.Is(err, storage.ErrCorrupt) || storage.ErrorClass(err) != storage.ClassCorrupt {
			t.Errorf("QuickCheck of a damaged file: %v (class %q), want ErrCorrupt, class corrupt", err, storage.ErrorClass(err))
		}
		for _, want := range []string{path, "quick_check", "Restoring a backup"} {
			if err != nil && !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		// The damage found is recorded: the next start checks and refuses.
		for i := range 2 {
			if _, err := open(path); !errors.Is(err, storage.ErrCorrupt) {
				t.Errorf("start %d after the damage was found: %v, want ErrCorrupt", i+2, err)
			}
		}
	})

	t.Run("unclean stop", func(t *testing.T) {
		path := outboxDB(t, 3)
		cleanlyStopped(t, path)
		storagetest.DamageTable(t, path, "outbox")
		stale := `{"pid":999999,"host":"gone","since":"2026-11-17T20:00:00Z"}` + "\n"
		if err := os.WriteFile(storage.LockPath(path), []byte(stale), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := open(path); !errors.Is(err, storage.ErrCorrupt) {
			t.Errorf("the start after an unclean stop: %v, want the check first and ErrCorrupt", err)
		}
	})

	t.Run("no lock record", func(t *testing.T) {
		path := outboxDB(t, 3)
		storagetest.DamageTable(t, path, "outbox")
		if _, err := open(path); !errors.Is(err, storage.ErrCorrupt) {
			t.Errorf("the start on a file never locked: %v, want the check first and ErrCorrupt", err)
		}
	})
}
