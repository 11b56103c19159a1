package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// migrationFiles holds the schema migrations: migrations/NNNN_name.sql,
// numbered from 0001 without gaps. They are forward-only: a released file
// is never edited; a change is a new file.
//
// Each migration runs in one transaction with foreign keys enforced, so a
// migration that rebuilds a table other tables refer to must not DROP it
// (that would cascade); add columns or new tables instead.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one numbered schema change.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in order, checking that they
// are numbered 1, 2, 3 … without gaps or repeats.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", base)
		}
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// Migrate applies the pending migrations in order, each in its own
// transaction, and records each in schema_migrations. Open calls it; a
// second call, or another process migrating at the same time, is harmless.
// It refuses a database migrated by a newer Porchlight.
func (db *DB) Migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at INTEGER NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	cur, err := version(ctx, db.write)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if cur > len(ms) {
		return fmt.Errorf("migrate: %w", newerSchema(cur, len(ms)))
	}
	for _, m := range ms[cur:] {
		if err := db.apply(ctx, m); err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
	}
	return nil
}

// newerSchema is the refusal of a database at schema version cur, which
// a newer Porchlight migrated, by this program, which knows known.
func newerSchema(cur, known int) error {
	return fmt.Errorf("the database is at schema version %d, newer than this program knows (%d); use a newer Porchlight", cur, known)
}

// SchemaError is Open's error, with NoMigrate, for a database whose schema
// is older than this program's: an older Porchlight left it, perhaps one
// that is still running, and it needs migrating by a command that holds
// the instance lock. A missing file is at version 0.
type SchemaError struct {
	Path string
	// Have is the database's schema version; Want is this program's.
	Have, Want int
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("open db: %s is at schema version %d; this program needs %d: migrate it first", e.Path, e.Have, e.Want)
}

// schemaError is the SchemaError for db at schema version have.
func (db *DB) schemaError(have int) error {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("open db: %w", err)
	}
	return &SchemaError{Path: db.path, Have: have, Want: len(ms)}
}

// checkSchema is NoMigrate's Migrate: it changes nothing, and refuses a
// schema other than this program's.
func (db *DB) checkSchema(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("open db: %w", err)
	}
	cur, err := schemaVersion(ctx, db.write)
	if err != nil {
		return fmt.Errorf("open db: %w", err)
	}
	switch {
	case cur > len(ms):
		return fmt.Errorf("open db: %w", newerSchema(cur, len(ms)))
	case cur < len(ms):
		return db.schemaError(cur)
	}
	return nil
}

// apply runs one migration and records it, in one transaction.
func (db *DB) apply(ctx context.Context, m migration) error {
	t, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer t.Rollback()
	// Another process may have applied it since we looked; BEGIN IMMEDIATE
	// holds the write lock, so this check is final.
	var n int
	if err := t.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := t.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	// Foreign keys are checked per statement, but a migration that copies
	// data could still leave dangling references; refuse to commit those.
	rows, err := t.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	bad := rows.Next()
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if bad {
		return errors.New("foreign key check failed")
	}
	if _, err := t.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, time.Now().Unix()); err != nil {
		return err
	}
	if err := t.Commit(); err != nil {
		return err
	}
	db.log.Info("migration applied", "version", m.version, "name", m.name)
	return nil
}

// Version returns the database's schema version: the number of the last
// migration applied.
func (db *DB) Version(ctx context.Context) (int, error) {
	v, err := version(ctx, db.read)
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// Outdated reports whether the database at path, which must exist, lacks
// migrations this program would apply. It writes no row; opened as the
// read pool opens the file (not read-only, which would leave the WAL's
// companion files behind), it removes them again as it closes.
func Outdated(ctx context.Context, path string) (bool, error) {
	ms, err := migrations()
	if err != nil {
		return false, err
	}
	q, err := sql.Open("sqlite", path+"?"+readParams)
	if err != nil {
		return false, err
	}
	defer q.Close()
	v, err := schemaVersion(ctx, q)
	if err != nil {
		return false, fmt.Errorf("schema version of %s: %w", path, err)
	}
	return v < len(ms), nil
}

// schemaVersion is version, or 0 for a file no Porchlight has migrated
// (it has no schema_migrations table).
func schemaVersion(ctx context.Context, q *sql.DB) (int, error) {
	var tables int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&tables); err != nil || tables == 0 {
		return 0, err
	}
	return version(ctx, q)
}

func version(ctx context.Context, q *sql.DB) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
