package storage

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// inspectVersion reads the schema version of the closed database at path
// read-only, as porchlight doctor does.
func inspectVersion(t *testing.T, path string) int {
	t.Helper()
	in, err := Inspect(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return in.Version
}

// TestNoMigrateLeavesAnOlderSchema: a command without the instance lock
// neither upgrades a database an older Porchlight left nor uses it; the
// commands that migrate still do.
func TestNoMigrateLeavesAnOlderSchema(t *testing.T) {
	ctx := context.Background()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	old := len(ms) - 1
	l := openAt(t, filepath.Join(t.TempDir(), "old.db"), old)
	l.close(t)

	db, err := Open(ctx, l.path, NoMigrate())
	if err == nil {
		db.Close()
		t.Fatal("NoMigrate opened a database at an older schema")
	}
	var se *SchemaError
	if !errors.As(err, &se) || se.Have != old || se.Want != len(ms) || se.Path != l.path {
		t.Fatalf("error = %#v, want a *SchemaError{%s, %d, %d}", err, l.path, old, len(ms))
	}
	if got := inspectVersion(t, l.path); got != old {
		t.Fatalf("schema version after NoMigrate = %d, want %d untouched", got, old)
	}

	// Without NoMigrate (and with the lock, as run and migrate open it),
	// Open upgrades it; then NoMigrate opens it.
	db, err = Open(ctx, l.path, Exclusive(), CheckIntegrity())
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if got := inspectVersion(t, l.path); got != len(ms) {
		t.Fatalf("schema version after Open = %d, want %d", got, len(ms))
	}
	db, err = Open(ctx, l.path, NoMigrate())
	if err != nil {
		t.Fatalf("NoMigrate on a current schema: %v", err)
	}
	db.Close()
}

func TestNoMigrateRefusesNoSchema(t *testing.T) {
	ctx := context.Background()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a missing file is not created", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "typo.db")
		_, err := Open(ctx, path, NoMigrate())
		var se *SchemaError
		if !errors.As(err, &se) || se.Have != 0 || se.Want != len(ms) {
			t.Fatalf("error = %v, want a *SchemaError at version 0", err)
		}
		if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("NoMigrate left a file at %s (stat: %v)", path, err)
		}
	})
	t.Run("an empty file has no schema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "empty.db")
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Open(ctx, path, NoMigrate())
		var se *SchemaError
		if !errors.As(err, &se) || se.Have != 0 {
			t.Fatalf("error = %v, want a *SchemaError at version 0", err)
		}
	})
}

// TestBackupOfCopiesAsItIs: porchlight backup beside an older bot copies
// the database at its own schema version and changes nothing.
func TestBackupOfCopiesAsItIs(t *testing.T) {
	ctx := context.Background()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	old := len(ms) - 1
	dir := t.TempDir()
	l := openAt(t, filepath.Join(dir, "old.db"), old)
	l.exec(t, `INSERT INTO houses (id, name, platform, created_at, updated_at) VALUES (1, 'Cedar House', 'test', 1, 1)`)
	// The bot is still running: the connection stays open.
	out := filepath.Join(dir, "backup.db")
	if err := BackupOf(ctx, l.path, out); err != nil {
		t.Fatal(err)
	}
	l.close(t)
	for _, p := range []string{l.path, out} {
		if got := inspectVersion(t, p); got != old {
			t.Errorf("%s: schema version %d, want %d", filepath.Base(p), got, old)
		}
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("backup: %v, %v; want mode 600", st, err)
	}

	t.Run("refuses a missing database", func(t *testing.T) {
		out := filepath.Join(dir, "none.db")
		if err := BackupOf(ctx, filepath.Join(dir, "missing.db"), out); err == nil {
			t.Fatal("backed up a database that does not exist")
		}
		if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("left %s behind (stat: %v)", out, err)
		}
	})
	t.Run("refuses a file that is not a database", func(t *testing.T) {
		junk := filepath.Join(dir, "junk.db")
		if err := os.WriteFile(junk, []byte(strings.Repeat("not a database ", 300)), 0o600); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "junk-backup.db")
		err := BackupOf(ctx, junk, out)
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("error = %v, want ErrCorrupt", err)
		}
		if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("left %s behind (stat: %v)", out, err)
		}
	})
}

// TestClipReasonNamesNoMember: whatever an adapter returned, the stored
// reason holds no URL or platform id, and is bounded.
func TestClipReasonNamesNoMember(t *testing.T) {
	got := clipReason(`retryable: discord send message: Post "https://discord.com/api/v9/channels/1300000000000000042/messages?x=1": EOF`)
	if want := `retryable: discord send message: Post "discord.com/api/v9/channels/{id}/messages": EOF`; got != want {
		t.Errorf("clipReason = %q, want %q", got, want)
	}
	if got := clipReason(strings.Repeat("é", 400)); len(got) > 500 || !utf8.ValidString(got) {
		t.Errorf("clipReason of a long reason: %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
}
