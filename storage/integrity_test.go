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
