package storage_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
