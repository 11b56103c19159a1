package storage_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage"
)

// perm returns the permission bits of path.
func perm(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	update(t, db, func(tx bot.Tx) error {
		_, err := tx.SyncHouse(ctx, &bot.House{Name: "Cedar House", Platform: "test"}, t0)
		return err
	})
	// The WAL and its index exist while the database is open.
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if got := perm(t, p); got != 0o600 {
			t.Errorf("mode of %s = %o, want 600", filepath.Base(p), got)
		}
	}
}

func TestOpenMakesExistingFilePrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := perm(t, path); got != 0o600 {
		t.Errorf("mode = %o, want 600", got)
	}
}

func TestOpenRefusesNonFiles(t *testing.T) {
	dir := t.TempDir()
	for _, path := range []string{"", ":memory:", "file:x.db?mode=memory", "file:" + filepath.Join(dir, "x.db"), filepath.Join(dir, "a?b.db")} {
		t.Run(path, func(t *testing.T) {
			db, err := storage.Open(context.Background(), path)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded, want an error", path)
			}
		})
	}
}

func TestReopenKeepsDataAndVersion(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := db.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v1 < 1 {
		t.Fatalf("version after first open = %d, want >= 1", v1)
	}
	var id int64
	update(t, db, func(tx bot.Tx) error {
		id, err = tx.SyncHouse(ctx, &bot.House{Name: "Cedar House", Platform: "test"}, t0)
		return err
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v2, err := db.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v2 != v1 {
		t.Errorf("version after reopen = %d, want %d", v2, v1)
	}
	view(t, db, func(tx bot.Tx) error {
		got, err := tx.HouseCreated(ctx, id)
		if err != nil {
			return err
		}
		if !got.Equal(t0) {
			t.Errorf("house created = %v, want %v", got, t0)
		}
		return nil
	})
}

func TestUpdateRollsBackOnError(t *testing.T) {
	f := newFixture(t)
	boom := errors.New("boom")
	err := f.db.Update(f.ctx, func(tx bot.Tx) error {
		if err := tx.SaveMember(f.ctx, &bot.Member{HouseID: f.house, Platform: "test", UserID: "U0001", Status: bot.MemberActive}); err != nil {
			return err
		}
		if _, err := tx.Enqueue(f.ctx, &bot.OutboxMessage{HouseID: f.house, Platform: "test", Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: "U0001"}}}); err != nil {
			return err
		}
		if err := tx.MarkEvent(f.ctx, "test", "E1", t0); err != nil {
			return err
		}
		return fmt.Errorf("feature: %w", boom)
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want fn's error", err)
	}
	view(t, f.db, func(tx bot.Tx) error {
		if _, err := tx.MemberByUser(f.ctx, f.house, "U0001"); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("member after rollback: err = %v, want ErrNotFound", err)
		}
		return nil
	})
	if n, err := f.db.Outbox().Pending(f.ctx); err != nil || n != 0 {
		t.Errorf("pending after rollback = %d, %v; want 0", n, err)
	}
	// The event was not recorded either: marking it again is not a duplicate.
	update(t, f.db, func(tx bot.Tx) error { return tx.MarkEvent(f.ctx, "test", "E1", t0) })
}

func TestUpdateRollsBackOnPanic(t *testing.T) {
	f := newFixture(t)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic was swallowed")
			}
		}()
		f.db.Update(f.ctx, func(tx bot.Tx) error {
			if err := tx.MarkEvent(f.ctx, "test", "E1", t0); err != nil {
				return err
			}
			panic("feature bug")
		})
	}()
	// The writer is usable again and the event was rolled back.
	update(t, f.db, func(tx bot.Tx) error { return tx.MarkEvent(f.ctx, "test", "E1", t0) })
}

func TestViewIsReadOnly(t *testing.T) {
	f := newFixture(t)
	err := f.db.View(f.ctx, func(tx bot.Tx) error {
		return tx.MarkEvent(f.ctx, "test", "E1", t0)
	})
	if err == nil {
		t.Fatal("a write inside View succeeded")
	}
	update(t, f.db, func(tx bot.Tx) error { return tx.MarkEvent(f.ctx, "test", "E1", t0) })
}

// TestConcurrentUpdates runs writers and readers from many goroutines, on
// two handles of the same file (as when `porchlight backup` or `migrate`
// runs beside the bot), and expects no "database is locked".
func TestConcurrentUpdates(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	var dbs []*storage.DB
	for range 2 {
		db, err := storage.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	var house int64
	update(t, dbs[0], func(tx bot.Tx) error {
		var err error
		house, err = tx.SyncHouse(ctx, &bot.House{Name: "Cedar House", Platform: "test"}, t0)
		return err
	})
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, 2*workers*each)
	for w := range workers {
		db := dbs[w%2]
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range each {
				errs <- db.Update(ctx, func(tx bot.Tx) error {
					if err := tx.MarkEvent(ctx, "test", fmt.Sprintf("E%d-%d", w, i), t0); err != nil {
						return err
					}
					return tx.Audit(ctx, bot.AuditEntry{At: t0, HouseID: house, Actor: "cli", Action: "load", Subject: "x"})
				})
			}
		}()
		go func() {
			defer wg.Done()
			for range each {
				errs <- db.View(ctx, func(tx bot.Tx) error {
					_, err := tx.HouseCreated(ctx, house)
					return err
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	n, err := dbs[1].CountAudit(ctx, "load")
	if err != nil {
		t.Fatal(err)
	}
	if n != workers*each {
		t.Errorf("audit rows = %d, want %d", n, workers*each)
	}
}

// TestTimesRoundTrip checks the time convention: UTC unix seconds, the zero
// time as NULL.
func TestTimesRoundTrip(t *testing.T) {
	f := newFixture(t)
	chicago := time.FixedZone("CST", -6*3600)
	joined := time.Date(2026, 11, 16, 9, 30, 15, 999_000_000, chicago)
	m := &bot.Member{HouseID: f.house, Platform: "test", UserID: "U0001", Name: "Robin", Status: bot.MemberActive, JoinedAt: joined}
	update(t, f.db, func(tx bot.Tx) error { return tx.SaveMember(f.ctx, m) })
	view(t, f.db, func(tx bot.Tx) error {
		got, err := tx.MemberByID(f.ctx, m.ID)
		if err != nil {
			return err
		}
		if want := joined.Truncate(time.Second); !got.JoinedAt.Equal(want) || got.JoinedAt.Location() != time.UTC {
			t.Errorf("joined = %v, want %v in UTC", got.JoinedAt, want)
		}
		if !got.ConsentAt.IsZero() || !got.LeftAt.IsZero() || !got.PausedUntil.IsZero() {
			t.Errorf("unset times = %v %v %v, want zero", got.ConsentAt, got.LeftAt, got.PausedUntil)
		}
		return nil
	})
}
