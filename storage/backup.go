package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Backup writes a consistent copy of the live database to out with VACUUM
// INTO, while the bot keeps running: the copy is one read snapshot of the
// last commit, taken on a connection of its own, so writers are neither
// blocked nor waited for. out must not exist, or must be an empty file;
// Backup never overwrites data. The copy is created with mode 0600, like
// the database, and synced to disk before Backup returns. Its errors name
// the file but not the operation, which the caller names ("porchlight
// backup: …").
func (db *DB) Backup(ctx context.Context, out string) (err error) {
	if out == "" {
		return errors.New("no backup file given")
	}
	created, err := reserve(out)
	if err != nil {
		return err
	}
	defer func() {
		// Leave nothing half-written behind.
		if err != nil && created {
			os.Remove(out)
		}
	}()
	// The connections were opened with URI names allowed; a relative name
	// starting with "file:" must not be read as a URI.
	target := out
	if !filepath.IsAbs(target) && strings.HasPrefix(target, "file:") {
		target = "." + string(filepath.Separator) + target
	}
	if err := db.vacuumInto(ctx, target); err != nil {
		return fmt.Errorf("vacuum into %s: %w", out, err)
	}
	// VACUUM INTO writes into the file we created, keeping its mode; make
	// sure of it, and that the copy is on disk.
	if err := os.Chmod(out, 0o600); err != nil {
		return err
	}
	f, err := os.Open(out)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", out, err)
	}
	return nil
}

// vacuumInto runs VACUUM INTO on a connection of its own. The read pool is
// query-only, which SQLite counts VACUUM INTO as breaking, and the writer
// must stay free for the bot; in WAL mode the copy's read snapshot blocks
// neither.
func (db *DB) vacuumInto(ctx context.Context, target string) error {
	c, err := sql.Open("sqlite", db.path+"?"+backupParams)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetMaxOpenConns(1)
	_, err = c.ExecContext(ctx, `VACUUM INTO ?`, target)
	return err
}

// reserve creates out empty with mode 0600, or accepts an existing empty
// regular file, which it makes private. It refuses anything else. created
// reports whether reserve made the file.
func reserve(out string) (created bool, err error) {
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return true, f.Close()
	}
	if !errors.Is(err, fs.ErrExist) {
		return false, err
	}
	st, err := os.Stat(out)
	if err != nil {
		return false, err
	}
	if !st.Mode().IsRegular() || st.Size() > 0 {
		return false, fmt.Errorf("%s already exists and is not empty; refusing to overwrite it", out)
	}
	return false, os.Chmod(out, 0o600)
}
