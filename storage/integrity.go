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

// quickCheck runs PRAGMA quick_check on c and returns an error wrapping
// ErrCorrupt if it finds any fault. The faults it names are page numbers
// and structure, never row content.
func quickCheck(ctx context.Context, c *sql.DB, path string) error {
	faults, err := quickCheckFaults(ctx, c, 3)
	if err != nil {
		return corruptOr(path, err)
	}
	if len(faults) > 0 {
		return fmt.Errorf("open db: %s: %w (quick_check: %s); %s", path, ErrCorrupt, strings.Join(faults, "; "), restoreHint)
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
func corruptOr(path string, err error) error {
	if ErrorClass(err) == ClassCorrupt {
		return fmt.Errorf("open db: %s: %w (%v); %s", path, ErrCorrupt, err, restoreHint)
	}
	return fmt.Errorf("open db: %w", err)
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
// result code, never the message.
func ErrorClass(err error) string {
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
