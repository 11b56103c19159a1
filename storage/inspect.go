package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Inspection is what `porchlight doctor` reports about a database file,
// read without changing it: no migration, no file created.
type Inspection struct {
	Path string
	// Exists is false when there is no file yet (the bot creates it).
	Exists bool
	Mode   fs.FileMode
	Size   int64
	// WALSize is the size of the write-ahead log, 0 when there is none.
	WALSize int64
	// Version is the schema version; Known is the newest this program
	// knows.
	Version, Known int
	// Integrity is "ok", or what PRAGMA quick_check found.
	Integrity string
	// Stats are the outbox backlog and unacknowledged alerts; zero when
	// the schema is too old or too new to read them.
	Stats Stats
}

// Inspect reads the database at path read-only. It returns an error only
// when the file cannot be opened or read at all; a damaged or outdated
// database is described in the Inspection.
func Inspect(ctx context.Context, path string) (*Inspection, error) {
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	in := &Inspection{Path: path, Known: len(ms)}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return in, nil
	}
	if err != nil {
		return nil, fmt.Errorf("inspect: %w", err)
	}
	in.Exists, in.Mode, in.Size = true, st.Mode().Perm(), st.Size()
	if wal, err := os.Stat(path + "-wal"); err == nil {
		in.WALSize = wal.Size()
	}
	// mode=ro: nothing is created or written, not even a journal mode.
	q, err := sql.Open("sqlite", "file:"+path+"?mode=ro&"+readParams)
	if err != nil {
		return nil, fmt.Errorf("inspect: %w", err)
	}
	defer q.Close()
	faults, err := quickCheckFaults(ctx, q, 0)
	switch {
	case err != nil:
		in.Integrity = err.Error()
		return in, nil
	case len(faults) > 0:
		in.Integrity = strings.Join(faults, "; ")
	default:
		in.Integrity = "ok"
	}
	if in.Version, err = version(ctx, q); err != nil {
		return in, nil // no schema yet: a file the bot never migrated
	}
	if in.Version == in.Known && in.Integrity == "ok" {
		db := &DB{read: q}
		if in.Stats, err = db.Stats(ctx); err != nil {
			return nil, fmt.Errorf("inspect: %w", err)
		}
	}
	return in, nil
}
