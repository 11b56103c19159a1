package storage

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMigrationsAreNumberedWithoutGaps(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].name != "0001_init.sql" {
		t.Fatalf("migrations = %v, want 0001_init.sql first", ms)
	}
}

// applied returns the recorded migrations as "version name applied_at".
// freshDB opens a new database in a temporary directory, closed when the
// test ends. (storagetest.Open is the same for other packages; it cannot
// be imported here.)
func freshDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func applied(t *testing.T, db *DB) []string {
	t.Helper()
	rows, err := db.read.Query(`SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v, at int64
		var name string
		if err := rows.Scan(&v, &name, &at); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d %s %d", v, name, at))
	}
	return out
}

func TestMigrationsApplyOnceAndAreRecorded(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := migrations()
	first := applied(t, db)
	if len(first) != len(ms) {
		t.Fatalf("recorded %d migrations, want %d", len(first), len(ms))
	}
	// Migrating again, and reopening, change nothing.
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if again := applied(t, db); strings.Join(again, ",") != strings.Join(first, ",") {
		t.Errorf("after reopen recorded %v, want %v", again, first)
	}
	v, err := db.Version(ctx)
	if err != nil || v != len(ms) {
		t.Errorf("Version = %d, %v; want %d", v, err, len(ms))
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// Whether Open would migrate or not (NoMigrate).
	for _, opts := range [][]Option{nil, {NoMigrate()}} {
		db, err = Open(ctx, path, opts...)
		if err == nil {
			db.Close()
			t.Fatalf("opened a database from a newer version, with %d options", len(opts))
		}
		if !strings.Contains(err.Error(), "newer") {
			t.Errorf("error = %v, want it to say the schema is newer", err)
		}
	}
}

func TestFailedMigrationLeavesNothing(t *testing.T) {
	ctx := context.Background()
	db := freshDB(t)
	before, err := db.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bad := migration{version: before + 1, name: fmt.Sprintf("%04d_bad.sql", before+1), sql: `CREATE TABLE half (id INTEGER PRIMARY KEY); SELECT no_such_function();`}
	if err := db.apply(ctx, bad); err == nil {
		t.Fatal("a failing migration applied")
	}
	var n int
	if err := db.read.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE name = 'half'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Error("the failed migration's table was kept")
	}
	if v, _ := db.Version(ctx); v != before {
		t.Errorf("version = %d, want %d", v, before)
	}
}

// TestOutdated: a database at an older schema is outdated, one at the
// newest is not, and asking writes nothing.
func TestOutdated(t *testing.T) {
	ctx := context.Background()
	l := openAt(t, filepath.Join(t.TempDir(), "old.db"), 26)
	l.close(t)
	before, err := os.ReadFile(l.path)
	if err != nil {
		t.Fatal(err)
	}
	if old, err := Outdated(ctx, l.path); err != nil || !old {
		t.Errorf("Outdated(schema 26) = %v, %v; want true", old, err)
	}
	if after, err := os.ReadFile(l.path); err != nil || !bytes.Equal(before, after) {
		t.Errorf("Outdated changed the file (%v)", err)
	}
	for _, f := range []string{l.path + "-wal", l.path + "-shm"} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("Outdated left %s behind", filepath.Base(f))
		}
	}
	db, err := Open(ctx, l.path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if old, err := Outdated(ctx, l.path); err != nil || old {
		t.Errorf("Outdated(migrated) = %v, %v; want false", old, err)
	}
}
