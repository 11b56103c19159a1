package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Backup writes a consistent copy of the live database to out with VACUUM
// INTO, while the bot keeps running: the copy is one read snapshot of the
// last commit, taken on a connection of its own, so writers are neither
// blocked nor waited for. out must not exist, or must be an empty file;
// Backup never overwrites data. The copy is created with mode 0600, like
// the database, and synced to disk before Backup returns. Its errors name
// the file but not the operation, which the caller names ("porchlight
// backup: …").
func (db *DB) Backup(ctx context.Context, out string) error {
	return backup(ctx, db.path, out)
}

// BackupOf is Backup for the database file at path, which it copies as it
// is, without opening it as a DB: whatever its schema version, older or
// newer than this program's, it is neither migrated nor refused. That is
// what porchlight backup wants beside a running bot, which may be an older
// Porchlight than the one taking the backup. A file that is missing, or is
// not a database, is refused.
func BackupOf(ctx context.Context, path, out string) error {
	if err := checkPath(path); err != nil {
		return err
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("open db: there is no database at %s", path)
	}
	if err != nil {
		return fmt.Errorf("open db: %w", err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("open db: %s is not a regular file", path)
	}
	if err := backup(ctx, path, out); err != nil {
		if ErrorClass(err) == ClassCorrupt {
			return corruptOr(path, err)
		}
		return err
	}
	return nil
}

// backup copies the database at path to out, as Backup describes.
func backup(ctx context.Context, path, out string) (err error) {
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
	if err := vacuumInto(ctx, path, target); err != nil {
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
func vacuumInto(ctx context.Context, path, target string) error {
	c, err := sql.Open("sqlite", path+"?"+backupParams)
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

// Nightly backups are named by the time they stand for, so a run repeated
// for the same scheduled time finds its file and does nothing.
const (
	backupPrefix = "porchlight-"
	backupSuffix = ".db"
	backupStamp  = "20060102T150405Z"
)

// BackupFile is one backup in a backup directory.
type BackupFile struct {
	Path string
	// At is the scheduled time the backup stands for, from its name.
	At   time.Time
	Size int64
}

// Backups lists the backups in dir made by BackupRotate, oldest first. A
// missing dir holds none.
func Backups(dir string) ([]BackupFile, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("backups: %w", err)
	}
	var out []BackupFile
	for _, e := range entries {
		stamp, ok := strings.CutPrefix(e.Name(), backupPrefix)
		stamp, ok2 := strings.CutSuffix(stamp, backupSuffix)
		if !ok || !ok2 || !e.Type().IsRegular() {
			continue
		}
		at, err := time.Parse(backupStamp, stamp)
		if err != nil {
			continue // not one of ours
		}
		info, err := e.Info()
		if err != nil {
			return nil, fmt.Errorf("backups: %w", err)
		}
		out = append(out, BackupFile{Path: filepath.Join(dir, e.Name()), At: at, Size: info.Size()})
	}
	slices.SortFunc(out, func(a, b BackupFile) int { return a.At.Compare(b.At) })
	return out, nil
}

// BackupRotate makes the backup that stands for at in dir (creating dir,
// mode 0700) and then deletes the oldest of dir's other backups beyond
// keep-1, so that keep remain, this one among them. A
// backup for at that exists already is kept as it is: the run is keyed by
// its time. It returns the backup's path.
func (db *DB) BackupRotate(ctx context.Context, dir string, keep int, at time.Time) (string, error) {
	if keep < 1 {
		return "", fmt.Errorf("backup: keep must be at least 1, got %d", keep)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	path := filepath.Join(dir, backupPrefix+at.UTC().Format(backupStamp)+backupSuffix)
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		return path, nil
	}
	// The copy is written beside its name and renamed when whole, so a
	// crash never leaves a partial file that a later run would take for
	// the backup. A partial one from such a crash is replaced.
	tmp := path + ".partial"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("backup: %w", err)
	}
	if err := db.Backup(ctx, tmp); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("backup: %w", err)
	}
	all, err := Backups(dir)
	if err != nil {
		return path, err
	}
	// The backup just made is always kept, with the newest keep-1 others:
	// a file named for a later time (a clock that ran ahead) must not make
	// it the "oldest".
	others := slices.DeleteFunc(all, func(b BackupFile) bool { return b.Path == path })
	for _, b := range others[:max(len(others)-(keep-1), 0)] {
		if err := os.Remove(b.Path); err != nil {
			return path, fmt.Errorf("backup: rotate: %w", err)
		}
	}
	return path, nil
}
