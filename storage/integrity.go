package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrCorrupt is wrapped by the errors of a database file that is damaged:
// one PRAGMA quick_check finds fault with (see CheckIntegrity), or that
// SQLite cannot read as a database at all.
var ErrCorrupt = errors.New("the database file is damaged")

// restoreHint is what an operator does about a damaged database. The
// README's "Restoring a backup" section gives the steps.
const restoreHint = `stop the bot and restore your latest backup with porchlight restore --config FILE BACKUP, which keeps the damaged file aside (see "Restoring a backup" in the README)`

// CheckIntegrity makes Open run PRAGMA quick_check before it migrates, and
// refuse a damaged database with an error wrapping ErrCorrupt. The
// commands that run the bot use it: they would otherwise start, and fail
// later, page by page, in whatever work reads the damage. The check reads
// every page once, in about a second per few hundred megabytes.
func CheckIntegrity() Option {
	return func(db *DB) { db.checkIntegrity = true }
}

// CheckIntegrityAfterUncleanStop makes Open run the check CheckIntegrity
// runs only when the database may have been damaged since the last one:
// the instance lock file does not record that the last holder stopped
// cleanly (it was killed, the machine lost power, the file comes from
// elsewhere or from an older Porchlight), an integrity check of the last
// holder's found damage, or migrations are pending (the schema is not
// changed on a file nobody checked). It needs Exclusive; without it, Open
// checks every time.
//
// Otherwise the start does not read the whole file, and costs the same on
// a year of history as on a new database: the caller runs QuickCheck in
// the background once the bot serves (Checked says whether Open checked).
// Damage that check finds is recorded in the lock file, so the next start
// checks first, and refuses the file until it is restored.
func CheckIntegrityAfterUncleanStop() Option {
	return func(db *DB) { db.checkUnclean = true }
}

// Checked reports whether Open ran the integrity check (CheckIntegrity,
// or CheckIntegrityAfterUncleanStop after an unclean stop).
func (db *DB) Checked() bool { return db.checked }

// needsCheck reports whether Open must check the file before migrating,
// by the options given and, for CheckIntegrityAfterUncleanStop, the lock
// file and the schema version on c.
func (db *DB) needsCheck(ctx context.Context, c *sql.DB) (bool, error) {
	switch {
	case db.checkIntegrity:
		return true, nil
	case !db.checkUnclean:
		return false, nil
	case db.lock == nil || db.lock.mustCheck.Load():
		return true, nil
	}
	cur, err := schemaVersion(ctx, c)
	if err != nil {
		return false, err
	}
	ms, err := migrations()
	if err != nil {
		return false, fmt.Errorf("open db: %w", err)
	}
	return cur != len(ms), nil
}

// QuickCheck runs PRAGMA quick_check on a read connection, beside the
// running bot: it reads every page once (about a second per few hundred
// megabytes) and never holds the writer. It returns an error wrapping
// ErrCorrupt, with the advice to restore, if it finds damage, and then
// records the damage in the instance lock file (when Open took the lock),
// so that the next start checks the file before it starts, and refuses it.
// Any other error is a failure to run the check (ctx ended, the disk).
func (db *DB) QuickCheck(ctx context.Context) error {
	faults, err := quickCheckFaults(ctx, db.read, 3)
	if err != nil {
		err = corruptOrOp("check db", db.path, err)
	} else {
		err = faultsError("check db", db.path, faults)
	}
	switch {
	case db.lock == nil:
	case err == nil:
		db.lock.checked()
	case errors.Is(err, ErrCorrupt):
		db.lock.mustCheck.Store(true)
	}
	return err
}

// quickCheck runs PRAGMA quick_check on c and returns an error wrapping
// ErrCorrupt if it finds any fault. The faults it names are page numbers
// and structure, never row content.
func quickCheck(ctx context.Context, c *sql.DB, path string) error {
	faults, err := quickCheckFaults(ctx, c, 3)
	if err != nil {
		return corruptOr(path, err)
	}
	return faultsError("open db", path, faults)
}

// faultsError is the error of the faults a quick_check found, after op:
// nil for none.
func faultsError(op, path string, faults []string) error {
	if len(faults) > 0 {
		return fmt.Errorf("%s: %s: %w (quick_check: %s); %s", op, path, ErrCorrupt, strings.Join(faults, "; "), restoreHint)
	}
	return nil
}

// quickCheckFaults runs PRAGMA quick_check on c and returns the faults it
// reports, at most max (SQLite's default of 100 when max is 0); none means
// the database is whole. An error is a failure to run the check, which on
// a file that is no database at all is SQLite's corrupt or not-a-database
// error.
func quickCheckFaults(ctx context.Context, c *sql.DB, max int) ([]string, error) {
	pragma := `PRAGMA quick_check`
	if max > 0 {
		pragma = fmt.Sprintf(`PRAGMA quick_check(%d)`, max)
	}
	rows, err := c.QueryContext(ctx, pragma)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var faults []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		if line != "ok" {
			faults = append(faults, line)
		}
	}
	return faults, rows.Err()
}

// corruptOr wraps err in ErrCorrupt and the restore hint if it is
// SQLite's report of a damaged file, and as an open error otherwise.
func corruptOr(path string, err error) error { return corruptOrOp("open db", path, err) }

// corruptOrOp is corruptOr, the error prefixed with op.
func corruptOrOp(op, path string, err error) error {
	if ErrorClass(err) == ClassCorrupt {
		return fmt.Errorf("%s: %s: %w (%v); %s", op, path, ErrCorrupt, err, restoreHint)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// The classes of database failure ErrorClass reports.
const (
	ClassCorrupt  = "corrupt"   // SQLITE_CORRUPT, SQLITE_NOTADB: the file is damaged
	ClassFull     = "full"      // SQLITE_FULL: the disk or the size limit is reached
	ClassBusy     = "busy"      // SQLITE_BUSY, SQLITE_LOCKED: another connection holds a lock
	ClassIO       = "io"        // SQLITE_IOERR: the operating system failed a read or write
	ClassReadOnly = "read-only" // SQLITE_READONLY: the file or directory cannot be written
	ClassCantOpen = "cant-open" // SQLITE_CANTOPEN: the file cannot be opened
)

// ErrorClass names the kind of database failure err is, for health
// reports and logs: one of the Class constants, or "" when err is nil or
// not one of these (a not-found, a duplicate, a bug). It reads the SQLite
// result code, never the message; an error wrapping ErrCorrupt (an
// integrity check's finding) is ClassCorrupt.
func ErrorClass(err error) string {
	if errors.Is(err, ErrCorrupt) {
		return ClassCorrupt
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return ""
	}
	switch se.Code() & 0xff { // the primary code of an extended one
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return ClassCorrupt
	case sqlite3.SQLITE_FULL:
		return ClassFull
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return ClassBusy
	case sqlite3.SQLITE_IOERR:
		return ClassIO
	case sqlite3.SQLITE_READONLY:
		return ClassReadOnly
	case sqlite3.SQLITE_CANTOPEN:
		return ClassCantOpen
	}
	return ""
}
