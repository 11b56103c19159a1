package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// ErrBadBackup is wrapped by Restore's errors about the backup itself: it
// is damaged, not a Porchlight database, or made by a newer Porchlight.
// Nothing was changed.
var ErrBadBackup = errors.New("the backup cannot be restored")

// Restored is what Restore did.
type Restored struct {
	// Aside is where the database that was replaced now is, with its -wal
	// and -shm beside it under the same name; "" when there was none.
	Aside string
	// Moved lists every file moved aside, the database first.
	Moved []string
	// From is the backup's schema version; To is the version the restored
	// database was migrated to.
	From, To int
}

// Restore replaces the database at path with a copy of the backup file,
// as one operator command:
//
//   - it takes the instance lock first, so it refuses while a bot (or a
//     migrate) works on the database, with a *LockedError naming it;
//   - it copies the backup to a private (0600) temporary file beside the
//     database and syncs it: the operator's backup is only read;
//   - it checks the copy: PRAGMA quick_check, and a schema version this
//     program knows (an older one is fine), failing with ErrBadBackup;
//   - it keeps the current database aside, renamed
//     "<path>.before-restore-<UTC time>" with its -wal and -shm (a -wal
//     left beside the restored copy would be replayed onto it), and
//     renames the copy into place; the lock file is left where it is;
//   - it migrates the restored database, still under the lock.
//
// The database's name always holds a whole database: the old one stays
// linked at its name until the copy replaces it in one rename (where the
// file system has no hard links, it is renamed aside first). The instant
// between moving the old -wal aside and that rename is the only one in
// which a crash leaves the old database at its name without its log; the
// copy aside has both.
func Restore(ctx context.Context, path, backup string, now time.Time) (_ *Restored, err error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	lock, err := lockInstance(path)
	if err != nil {
		return nil, err
	}
	defer func() {
		if rerr := lock.release(); err == nil && rerr != nil {
			err = rerr
		}
	}()
	if err := checkBackupFile(path, backup); err != nil {
		return nil, err
	}
	tmp, err := copyPrivate(backup, filepath.Dir(path), filepath.Base(path)+".restore-*")
	if err != nil {
		return nil, fmt.Errorf("copy %s: %w", backup, err)
	}
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	r := &Restored{}
	if r.From, err = checkBackup(ctx, tmp, backup); err != nil {
		return nil, err
	}
	if err := r.swap(path, tmp, now); err != nil {
		return r, err
	}
	// checkBackup checked the copy now in place: the next start need not
	// check it again, whatever state the damaged file left in the lock.
	lock.checked()
	// Open migrates it. The lock is held here, so Open must not take it.
	db, err := Open(ctx, path)
	if err != nil {
		return r, fmt.Errorf("restored %s, but opening it failed: %w", path, err)
	}
	defer db.Close()
	if r.To, err = db.Version(ctx); err != nil {
		return r, err
	}
	return r, nil
}

// checkBackupFile refuses a backup that is not a regular file, is the
// database itself (or a database path that is no regular file), or has a write-ahead log beside it (its last commits
// would be in the log, not in the file being copied).
func checkBackupFile(path, backup string) error {
	st, err := os.Stat(backup)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", backup)
	}
	cur, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	case !cur.Mode().IsRegular():
		return fmt.Errorf("the database %s is not a regular file", path)
	case os.SameFile(st, cur):
		return fmt.Errorf("%s is the database itself; name a backup", backup)
	}
	if wal, err := os.Stat(backup + "-wal"); err == nil && wal.Size() > 0 {
		return fmt.Errorf("%w: %s has a write-ahead log beside it (%s-wal), so the file alone is not the whole copy; open it once with sqlite3 (or make the copy with porchlight backup) and try again", ErrBadBackup, backup, backup)
	}
	return nil
}

// copyPrivate copies src to a new file in dir named by pattern (as
// os.CreateTemp), mode 0600, synced to disk, and returns its path.
func copyPrivate(src, dir, pattern string) (_ string, err error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(dir, pattern) // mode 0600
	if err != nil {
		return "", err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(out.Name())
		}
	}()
	if _, err := io.Copy(out, in); err != nil {
		return "", err
	}
	if err := out.Sync(); err != nil {
		return "", err
	}
	return out.Name(), nil
}

// checkBackup checks the copy at tmp of backup: it is a whole SQLite
// database, and a Porchlight one at a schema version this program knows.
// It opens the file immutable and read-only, so nothing is written beside
// it, and returns its schema version.
func checkBackup(ctx context.Context, tmp, backup string) (int, error) {
	c, err := sql.Open("sqlite", "file:"+tmp+"?mode=ro&immutable=1")
	if err != nil {
		return 0, err
	}
	defer c.Close()
	faults, err := quickCheckFaults(ctx, c, 3)
	if err != nil {
		if ErrorClass(err) == ClassCorrupt {
			return 0, fmt.Errorf("%w: %s is not a SQLite database, or is damaged (%v); try an older backup", ErrBadBackup, backup, err)
		}
		return 0, fmt.Errorf("check %s: %w", backup, err)
	}
	if len(faults) > 0 {
		return 0, fmt.Errorf("%w: %s is damaged (quick_check: %s); try an older backup", ErrBadBackup, backup, strings.Join(faults, "; "))
	}
	v, err := version(ctx, c)
	if err != nil || v == 0 {
		return 0, fmt.Errorf("%w: %s is a SQLite database, but not a Porchlight one (no schema version)", ErrBadBackup, backup)
	}
	ms, err := migrations()
	if err != nil {
		return 0, err
	}
	if v > len(ms) {
		return 0, fmt.Errorf("%w: %s is at schema version %d, made by a newer Porchlight than this one (which knows %d); restore it with that version", ErrBadBackup, backup, v, len(ms))
	}
	return v, nil
}

// asideName is the name the replaced database is kept under.
func asideName(path string, now time.Time) string {
	return path + ".before-restore-" + now.UTC().Format(backupStamp)
}

// swap keeps the database at path aside and renames tmp into its place.
func (r *Restored) swap(path, tmp string, now time.Time) error {
	aside := asideName(path, now)
	for n := 2; exists(aside) || exists(aside+"-wal") || exists(aside+"-shm"); n++ {
		aside = fmt.Sprintf("%s-%d", asideName(path, now), n)
	}
	if exists(path) {
		// Keep the old database under the new name while its own name
		// still holds it, so the rename below replaces one whole database
		// with another; without hard links, move it.
		if err := os.Link(path, aside); err != nil {
			if err := os.Rename(path, aside); err != nil {
				return fmt.Errorf("keep the database aside: %w", err)
			}
		}
		r.Aside = aside
		r.Moved = append(r.Moved, aside)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if !exists(path + suffix) {
			continue
		}
		if err := os.Rename(path+suffix, aside+suffix); err != nil {
			return fmt.Errorf("keep %s aside: %w", path+suffix, err)
		}
		r.Aside = aside
		r.Moved = append(r.Moved, aside+suffix)
	}
	for _, f := range r.Moved {
		if err := makePrivate(f); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("put the backup in place: %w (the old database is at %s)", err, aside)
	}
	return syncDir(filepath.Dir(path))
}

// exists reports whether a file is at path.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// syncDir makes the renames in dir durable. Windows cannot sync a
// directory and makes renames durable itself.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
