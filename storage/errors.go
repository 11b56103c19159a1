package storage

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/porchlight/porchlight/bot"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// mapErr is the one place database failures become the core's sentinels:
// no rows is bot.ErrNotFound, a UNIQUE or PRIMARY KEY conflict is
// bot.ErrDuplicate (still wrapping SQLite's message, which names the
// columns, never the values). Any other error is returned unchanged.
//
// A failed statement inside a transaction only undoes that statement
// (SQLite's default ABORT resolution), so a caller may carry on after a
// duplicate.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return bot.ErrNotFound
	}
	if isDuplicate(err) {
		return fmt.Errorf("%w: %v", bot.ErrDuplicate, err)
	}
	return err
}

// isDuplicate reports whether err is a unique-key conflict. The driver
// enables extended result codes, so the code tells UNIQUE and PRIMARY KEY
// apart from other constraints (NOT NULL, CHECK, FOREIGN KEY), which are
// bugs, not duplicates.
func isDuplicate(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return true
	}
	return false
}

// wrap prefixes a mapped error with what was being done.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, mapErr(err))
}
