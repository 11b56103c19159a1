package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync/atomic"
	"time"
)

// Exclusive makes Open take the database's instance lock before it touches
// the file, and Close release it: the commands that run the bot or rewrite
// the database (run, demo, migrate) use it, so that two of them never work
// on one database at once. Commands that only read or make a single
// transactional change (digest, export, backup, erase) do not, and keep
// working beside a running bot; they open it with NoMigrate (or copy it
// with BackupOf), since only the lock holder may change the schema.
//
// The lock is an advisory lock (flock on Unix, LockFileEx on Windows) on
// LockPath(path), which the operating system releases when the process
// ends in any way, kill -9 included: a stale lock file never blocks a
// restart. When another process holds it, Open fails at once with a
// *LockedError that names the holder.
func Exclusive() Option {
	return func(db *DB) { db.exclusive = true }
}

// LockPath is the instance lock file of the database at path: the same
// name with ".lock" added, in the same directory.
func LockPath(path string) string { return path + ".lock" }

// Holder is the process holding a database's instance lock, as it wrote
// itself into the lock file.
type Holder struct {
	PID   int       `json:"pid"`
	Host  string    `json:"host"`
	Since time.Time `json:"since"`
}

// String describes the holder for an operator: "pid 4242 on host porch,
// since 2026-11-17 20:00:00 UTC".
func (h Holder) String() string {
	if h.PID == 0 {
		// The holder has locked the file but not yet written itself in.
		return "a process that is just starting"
	}
	return fmt.Sprintf("pid %d on host %s, since %s", h.PID, h.Host, h.Since.UTC().Format("2006-01-02 15:04:05 MST"))
}

// LockedError is Open's error when another process holds the database's
// instance lock.
type LockedError struct {
	// Path is the database's path.
	Path string
	// Holder is who holds the lock; its zero value when the holder has not
	// written itself in yet.
	Holder Holder
}

// Error names the database and the holder, and says what to do.
func (e *LockedError) Error() string {
	return fmt.Sprintf("database %s is in use by another porchlight (%s); only one may run the bot or change the schema at a time: stop that one first (lock file %s)",
		e.Path, e.Holder, LockPath(e.Path))
}

// lockRecord is the lock file's content: the holder while it runs, and
// after a clean release how the holder stopped. A holder killed in any way
// leaves its Holder in the file, which is how the next one knows that the
// last stop was not clean.
type lockRecord struct {
	Holder
	// Stopped is when the last holder released the lock cleanly.
	Stopped time.Time `json:"stopped"`
	// Check says that the next holder must check the database before it
	// starts: an integrity check found damage, or one that was due did
	// not complete.
	Check bool `json:"check,omitempty"`
}

// instanceLock is a held instance lock: the open lock file.
type instanceLock struct {
	f *os.File
	// mustCheck is whether the database must be checked before the bot
	// trusts it: at first, unless the previous holder released the lock
	// cleanly and left no Check; cleared by a check that passes, set by
	// one that finds damage. release records it for the next holder.
	mustCheck atomic.Bool
	// owed is whether this holder still owes the database a whole check:
	// from the start until one passes (at the start, or beside the
	// running bot). release records an owed check for the next holder, so
	// a background check cut short by a stop is not skipped for ever.
	owed atomic.Bool
}

// checked records that a whole check of the database passed.
func (l *instanceLock) checked() {
	l.mustCheck.Store(false)
	l.owed.Store(false)
}

// lockInstance takes the instance lock of the database at path, without
// waiting, and writes this process into the lock file.
func lockInstance(path string) (*instanceLock, error) {
	name := LockPath(path)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock db: %w", err)
	}
	got, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock db: %s: %w", name, err)
	}
	if !got {
		h := readRecord(f).Holder
		f.Close()
		return nil, &LockedError{Path: path, Holder: h}
	}
	// Before writing ourselves in: how the last holder stopped.
	prev := readRecord(f)
	clean := prev.PID == 0 && !prev.Stopped.IsZero() && !prev.Check
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	rec, err := json.Marshal(Holder{PID: os.Getpid(), Host: host, Since: time.Now().UTC().Truncate(time.Second)})
	if err == nil {
		err = writeHolder(f, rec)
	}
	if err != nil {
		f.Close() // releases the lock
		return nil, fmt.Errorf("lock db: write %s: %w", name, err)
	}
	l := &instanceLock{f: f}
	l.mustCheck.Store(!clean)
	l.owed.Store(true)
	return l, nil
}

// writeHolder replaces the lock file's content with rec. The lock stays
// held by the descriptor, whatever the content.
func writeHolder(f *os.File, rec []byte) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt(append(rec, '\n'), 0)
	return err
}

// readRecord reads the lock file's record. A holder that has locked the
// file but not yet written itself in, an empty file, or one an older
// version emptied, reads as the zero record: no holder, no clean stop.
func readRecord(f *os.File) lockRecord {
	buf := make([]byte, 512)
	n, err := f.ReadAt(buf, 0)
	if err != nil && n == 0 {
		return lockRecord{}
	}
	var r lockRecord
	if json.Unmarshal(buf[:n], &r) != nil {
		return lockRecord{}
	}
	return r
}

// release records a clean stop in the lock file (and whether the next
// holder must check the database first) and closes it, which releases the lock. The file
// itself stays: removing it would let a process that opened it just before
// the removal lock the removed file while a third locks a new one, and
// both would run.
func (l *instanceLock) release() error {
	// A record without a holder says nobody holds it. If writing fails,
	// the stale record is harmless: it is read only while someone holds
	// the lock, every holder writes its own first, and a holder left in
	// the file makes the next start check the database before it starts.
	rec, err := json.Marshal(struct {
		Stopped time.Time `json:"stopped"`
		Check   bool      `json:"check,omitempty"`
	}{time.Now().UTC().Truncate(time.Second), l.mustCheck.Load() || l.owed.Load()})
	if err == nil {
		_ = writeHolder(l.f, rec)
	}
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("unlock db: %w", err)
	}
	return nil
}

// LockRecord is what the instance lock file of a database records: the
// holder while one runs (or the last one, if it was killed), or after a
// clean stop when it stopped and whether the next start checks the
// database first. A missing or empty file, or one an older version
// emptied, is the zero record.
type LockRecord struct {
	// Holder is the process that holds, or held, the lock; PID is 0 when
	// none is named (after a clean stop, or while a holder is just
	// starting).
	Holder Holder
	// Stopped is when the last holder released the lock cleanly; zero if
	// the file names a holder or records no stop.
	Stopped time.Time
	// Check says that the next start checks the database before it runs:
	// an integrity check found damage, or one that was due did not
	// complete.
	Check bool
}

// RecordedLock reads the instance lock file of the database at path,
// without taking the lock, for `porchlight doctor`. A missing file is the
// zero record.
//
// A record is not proof: a holder that was killed leaves its record while
// the system has released its lock. See Holder.Running.
func RecordedLock(path string) (LockRecord, error) {
	f, err := os.Open(LockPath(path))
	if errors.Is(err, fs.ErrNotExist) {
		return LockRecord{}, nil
	}
	if err != nil {
		return LockRecord{}, fmt.Errorf("read lock file: %w", err)
	}
	defer f.Close()
	r := readRecord(f)
	if r.PID != 0 {
		// A holder's record: any stop it carries is not its own.
		return LockRecord{Holder: r.Holder}, nil
	}
	return LockRecord{Stopped: r.Stopped, Check: r.Check}, nil
}

// RecordedHolder reads who the instance lock file of the database at path
// says holds the lock, without taking the lock. ok is false when the file
// is missing or names no holder: nobody has held the lock since the last
// holder stopped cleanly (or a holder is just starting). See RecordedLock.
func RecordedHolder(path string) (h Holder, ok bool, err error) {
	r, err := RecordedLock(path)
	return r.Holder, r.Holder.PID != 0, err
}

// Running reports whether the recorded holder's process still runs, when
// this process can tell: known is false when the holder is on another
// host (a container's host name, another machine) or this system cannot
// ask. A process id the system has since given to another program reads
// as running.
func (h Holder) Running() (running, known bool) {
	if h.PID == 0 {
		return false, false
	}
	if host, err := os.Hostname(); err != nil || host != h.Host {
		return false, false
	}
	return processRunning(h.PID)
}
