package storage

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
)

// Checkpoints. By default SQLite copies the WAL back into the database file
// in the commit that grows it past 1,000 pages (wal_autocheckpoint), so one
// answer in every few hundred, or one house's nightly job, paid for
// everybody's pages with the writer held: on 100 house-years that was a
// fifth of an answer's time and 30 ms of a night's longest transaction.
// The write connection turns it off (WriteParams), and a checkpointer runs
// PASSIVE checkpoints on a connection of its own, beside the writer: woken
// by commits, at most once every checkpointEvery. A PASSIVE checkpoint
// never waits for the writer or for readers; it copies what it can, and the
// next one the rest. The last connection to close checkpoints whatever is
// left (Close).
//
// A PASSIVE checkpoint never makes the WAL file smaller, and the writer
// starts writing the WAL from its beginning again only when a transaction
// of its finds every frame already copied. Under writes that never pause
// (a night of retention for many houses, an import, generating a history)
// each checkpoint copies what was committed before it began while the
// writer appends more, so that never happens and the WAL grows by every
// page written: 18 GB in ten minutes of generating 100 house-years, and a
// full disk for 1,000, with every read slower as the WAL's index grows. So
// once the WAL holds truncateFrames frames after a PASSIVE checkpoint, the
// checkpointer runs a TRUNCATE one, in the writer's turn (the writer waits
// for it as for a transaction, and WriteStats counts it): it copies the few
// frames committed since the last PASSIVE one began (catchUpRounds) and
// empties the file. It waits for readers on old snapshots at most
// checkpointBusyTimeout; if they are still there, it gives up and tries
// again at the next wake-up.

// checkpointEvery is the least time between two checkpoints: the WAL holds
// at most about this much of the writer's work.
const checkpointEvery = time.Second

// truncateFrames is how many frames (pages) the WAL may hold after a
// PASSIVE checkpoint before the checkpointer truncates it: 64 MiB of 4 KiB
// pages.
const truncateFrames = 16384

// Before it takes the writer's turn to truncate, the checkpointer runs up to
// catchUpRounds more PASSIVE checkpoints beside the writer while more than
// pauseFrames frames are left to copy (each copies what was committed
// while the one before ran), so that the turn copies at most about a
// megabyte and flushes it, rather than everything committed during the
// first.
const (
	catchUpRounds = 4
	pauseFrames   = 256
)

// checkpointBusyTimeout bounds how long a TRUNCATE checkpoint waits for the
// writer's transaction to end and for readers to leave old snapshots. The
// writer waits behind it meanwhile; a PASSIVE checkpoint never waits.
const checkpointBusyTimeout = 20 * time.Millisecond

// checkpointParams are the DSN parameters of the checkpointer's connection.
var checkpointParams = fmt.Sprintf("_pragma=busy_timeout(%d)", checkpointBusyTimeout.Milliseconds())

// checkpointer checkpoints the WAL beside the writer.
type checkpointer struct {
	db    *sql.DB
	log   *slog.Logger
	every time.Duration
	// truncateAt is truncateFrames, or a test's.
	truncateAt int
	// pause, if set, runs the TRUNCATE checkpoint in the writer's turn
	// (writer.pause), so that it never competes with the writer for its
	// lock: SQLite's busy handler retries by sleeping, and a writer that
	// commits every few milliseconds takes the lock back before it wakes.
	pause func(func())
	wake  chan struct{}
	stop  chan struct{}
	done  chan struct{}
	// runs counts the checkpoints run, failures those that failed, and
	// truncations the TRUNCATE checkpoints that emptied the WAL.
	runs, failures, truncations atomic.Int64

	closing  sync.Once
	closeErr error
}

// startCheckpointer opens the checkpointer's connection to path and starts
// it.
func startCheckpointer(ctx context.Context, path string, log *slog.Logger) (*checkpointer, error) {
	c := &checkpointer{
		db:         sql.OpenDB(cachingConnector{dsn: path + "?" + checkpointParams, drv: &sqlite.Driver{}}),
		log:        log,
		every:      checkpointEvery,
		truncateAt: truncateFrames,
		wake:       make(chan struct{}, 1),
		stop:       make(chan struct{}),
		done:       make(chan struct{}),
	}
	c.db.SetMaxOpenConns(1)
	if err := c.db.PingContext(ctx); err != nil {
		c.db.Close()
		return nil, err
	}
	go c.loop()
	return c, nil
}

// poke tells the checkpointer that a transaction committed. It never
// blocks: a wake-up already pending covers this one.
func (c *checkpointer) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// loop runs a checkpoint after each wake-up, at most once every c.every,
// until close.
func (c *checkpointer) loop() {
	defer close(c.done)
	var last time.Time
	for {
		select {
		case <-c.stop:
			return
		case <-c.wake:
		}
		if wait := c.every - time.Since(last); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-c.stop:
				t.Stop()
				return
			case <-t.C:
			}
		}
		last = time.Now()
		frames, left, err := c.checkpoint("PASSIVE")
		if err == nil && frames >= c.truncateAt {
			// Copy what was committed meanwhile beside the writer as
			// well, so that its turn has little left to copy.
			for range catchUpRounds {
				if err != nil || left <= pauseFrames {
					break
				}
				_, left, err = c.checkpoint("PASSIVE")
			}
			truncate := func() { _, _, err = c.checkpoint("TRUNCATE") }
			if c.pause != nil {
				c.pause(truncate)
			} else {
				truncate()
			}
		}
		if err != nil {
			// The WAL grows until one succeeds; the writer goes on.
			c.failures.Add(1)
			c.log.Warn("checkpoint failed", "class", ErrorClass(err), "error", err)
		}
	}
}

// checkpoint runs a checkpoint in mode and returns how many frames the WAL
// holds after it (0 once truncated) and how many of them are not copied
// yet (committed while it ran, or kept by readers of older snapshots). A
// TRUNCATE checkpoint that readers kept from finishing (SQLite's busy
// flag) is not an error: it copied what it could, and the next one tries
// again.
func (c *checkpointer) checkpoint(mode string) (frames, left int, err error) {
	c.runs.Add(1)
	var busy, copied int
	err = c.db.QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(`+mode+`)`).Scan(&busy, &frames, &copied)
	if err == nil && mode == "TRUNCATE" && busy == 0 {
		c.truncations.Add(1)
	}
	return frames, frames - copied, err
}

// close stops the checkpointer and closes its connection; a second close
// does nothing.
func (c *checkpointer) close() error {
	c.closing.Do(func() {
		close(c.stop)
		<-c.done
		c.closeErr = c.db.Close()
	})
	return c.closeErr
}

// CheckpointStats counts the checkpointer's work since the store opened.
type CheckpointStats struct {
	// Checkpoints counts the checkpoints run, Failures those that failed
	// (each is logged; the WAL grows until one succeeds), and Truncations
	// the TRUNCATE ones that emptied the WAL.
	Checkpoints, Failures, Truncations int64
	// WALBytes is the size of the WAL file now (0 when there is none).
	WALBytes int64
}

// CheckpointStats returns the checkpointer's counters and the WAL's size.
func (db *DB) CheckpointStats() CheckpointStats {
	var st CheckpointStats
	if c := db.ckpt; c != nil {
		st.Checkpoints, st.Failures, st.Truncations = c.runs.Load(), c.failures.Load(), c.truncations.Load()
	}
	if fi, err := os.Stat(db.path + "-wal"); err == nil {
		st.WALBytes = fi.Size()
	}
	return st
}

// Checkpointer is the store's checkpointer for a database written without
// the store: the benchmarks' raw-SQLite reference runs it beside its own
// write connection (opened with WriteParams, so with no checkpoints of its
// own), so that the reference pays for the same checkpoints as the store.
// With no store's writer to pause, its TRUNCATE checkpoints compete with
// that connection for SQLite's lock.
type Checkpointer struct{ c *checkpointer }

// StartCheckpointer starts a checkpointer for the database at path, which
// must exist and be in WAL mode.
func StartCheckpointer(ctx context.Context, path string) (*Checkpointer, error) {
	c, err := startCheckpointer(ctx, path, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	return &Checkpointer{c}, nil
}

// Committed tells the checkpointer that a transaction committed, as the
// store's writer does after each commit. It never blocks.
func (c *Checkpointer) Committed() { c.c.poke() }

// Close stops the checkpointer and closes its connection.
func (c *Checkpointer) Close() error { return c.c.close() }
