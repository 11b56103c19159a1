package storage_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage"
)

func TestBackup(t *testing.T) {
	f := newFixture(t)
	robin := f.member(t, "U0001", "Robin")
	dir := t.TempDir()

	t.Run("copies the live database, private", func(t *testing.T) {
		out := filepath.Join(dir, "backup.db")
		if err := f.db.Backup(f.ctx, out); err != nil {
			t.Fatal(err)
		}
		if got := perm(t, out); got != 0o600 {
			t.Errorf("backup mode = %o, want 600", got)
		}
		copy, err := storage.Open(f.ctx, out)
		if err != nil {
			t.Fatal(err)
		}
		defer copy.Close()
		view(t, copy, func(tx bot.Tx) error {
			m, err := tx.MemberByUser(f.ctx, f.house, "U0001")
			if err != nil {
				return err
			}
			if m.ID != robin.ID || m.Name != "Robin" {
				t.Errorf("member in backup = %+v, want Robin", m)
			}
			return nil
		})
	})
	t.Run("does not wait for a writer", func(t *testing.T) {
		out := filepath.Join(dir, "live.db")
		// Back up from inside an open write transaction: the copy has the
		// last commit and not the write in progress.
		update(t, f.db, func(tx bot.Tx) error {
			if err := tx.SaveMember(f.ctx, &bot.Member{HouseID: f.house, Platform: "test", UserID: "U0002", Status: bot.MemberActive}); err != nil {
				return err
			}
			return f.db.Backup(f.ctx, out)
		})
		copy, err := storage.Open(f.ctx, out)
		if err != nil {
			t.Fatal(err)
		}
		defer copy.Close()
		err = copy.View(f.ctx, func(tx bot.Tx) error {
			_, err := tx.MemberByUser(f.ctx, f.house, "U0002")
			return err
		})
		if !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("uncommitted member in the backup: err = %v, want ErrNotFound", err)
		}
	})
	t.Run("into an existing empty file", func(t *testing.T) {
		out := filepath.Join(dir, "empty.db")
		if err := os.WriteFile(out, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := f.db.Backup(f.ctx, out); err != nil {
			t.Fatal(err)
		}
		if got := perm(t, out); got != 0o600 {
			t.Errorf("backup mode = %o, want 600", got)
		}
	})
	t.Run("refuses to overwrite", func(t *testing.T) {
		out := filepath.Join(dir, "precious.db")
		if err := os.WriteFile(out, []byte("keep me"), 0o600); err != nil {
			t.Fatal(err)
		}
		err := f.db.Backup(f.ctx, out)
		if err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
			t.Errorf("Backup over a file = %v, want a refusal", err)
		}
		if b, _ := os.ReadFile(out); string(b) != "keep me" {
			t.Errorf("the existing file was changed to %q", b)
		}
	})
	t.Run("failure leaves no file", func(t *testing.T) {
		out := filepath.Join(dir, "missing-dir", "b.db")
		if err := f.db.Backup(f.ctx, out); err == nil {
			t.Fatal("Backup into a missing directory succeeded")
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("stat after failure = %v, want no file", err)
		}
	})
}

func TestBackupRotate(t *testing.T) {
	ctx := context.Background()
	db := newFixture(t).db
	dir := filepath.Join(t.TempDir(), "nightly")
	night := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	path := filepath.Join(dir, "porchlight-20261207T030000Z.db")
	// A crash mid-copy left a partial file, and someone left a file of
	// their own in the directory.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{filepath.Base(path) + ".partial": "half a datab", "notes.txt": "mine"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.BackupRotate(ctx, dir, 2, night)
	if err != nil || got != path {
		t.Fatalf("BackupRotate = %q, %v; want %q", got, err, path)
	}
	if _, err := os.Stat(path + ".partial"); !os.IsNotExist(err) {
		t.Errorf("the partial file is still there: %v", err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup: %v, mode %v; want 0600", err, st)
	}
	// The same night again is the same file, untouched.
	before := st.ModTime()
	if _, err := db.BackupRotate(ctx, dir, 2, night); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); !st.ModTime().Equal(before) {
		t.Error("a repeated run rewrote the night's backup")
	}
	for d := 1; d <= 3; d++ {
		if _, err := db.BackupRotate(ctx, dir, 2, night.AddDate(0, 0, d)); err != nil {
			t.Fatal(err)
		}
	}
	have, err := storage.Backups(dir)
	if err != nil || len(have) != 2 || !have[0].At.Equal(night.AddDate(0, 0, 2)) || have[1].Size == 0 {
		t.Errorf("backups = %+v, %v; want the newest two", have, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Errorf("rotation removed a file that is not a backup: %v", err)
	}
	if _, err := db.BackupRotate(ctx, dir, 0, night); err == nil {
		t.Error("keep 0 was accepted")
	}
	if have, err := storage.Backups(filepath.Join(dir, "missing")); err != nil || len(have) != 0 {
		t.Errorf("a missing dir = %v, %v; want no backups", have, err)
	}
}

// TestBackupRotateKeepsTheNewBackup: a backup named for a later time (the
// clock ran ahead once) sorts after the one just made; rotation still
// keeps the new one and removes the other.
func TestBackupRotateKeepsTheNewBackup(t *testing.T) {
	ctx := context.Background()
	db := newFixture(t).db
	dir := t.TempDir()
	future := filepath.Join(dir, "porchlight-20301207T030000Z.db")
	if err := os.WriteFile(future, []byte("from a clock that ran ahead"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := db.BackupRotate(ctx, dir, 1, time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(got); err != nil {
		t.Errorf("the backup just made is gone: %v", err)
	}
	if _, err := os.Stat(future); !os.IsNotExist(err) {
		t.Errorf("the other backup beyond keep is still there: %v", err)
	}
}
