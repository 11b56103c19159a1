package storage

import (
	"context"
	"database/sql"
	"log/slog"
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

// checkpointEvery is the least time between two checkpoints: the WAL holds
// at most about this much of the writer's work.
const checkpointEvery = time.Second

// checkpointParams are the DSN parameters of the checkpointer's connection.
const checkpointParams = "_pragma=busy_timeout(5000)"

// checkpointer checkpoints the WAL beside the writer.
type checkpointer struct {
	db    *sql.DB
	log   *slog.Logger
	every time.Duration
	wake  chan struct{}
	stop  chan struct{}
	done  chan struct{}
	// runs counts the checkpoints run, failures those that failed.
	runs, failures atomic.Int64
}

// startCheckpointer opens the checkpointer's connection to path and starts
// it.
func startCheckpointer(ctx context.Context, path string, log *slog.Logger) (*checkpointer, error) {
	c := &checkpointer{
		db:    sql.OpenDB(cachingConnector{dsn: path + "?" + checkpointParams, drv: &sqlite.Driver{}}),
		log:   log,
		every: checkpointEvery,
		wake:  make(chan struct{}, 1),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
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
		c.runs.Add(1)
		if _, err := c.db.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
			// The WAL grows until one succeeds; the writer goes on.
			c.failures.Add(1)
			c.log.Warn("checkpoint failed", "class", ErrorClass(err), "error", err)
		}
	}
}

// close stops the checkpointer and closes its connection.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.db.Close()
}

// Checkpointer is the store's checkpointer for a database written without
// the store: the benchmarks' raw-SQLite reference runs it beside its own
// write connection (opened with WriteParams, so with no checkpoints of its
// own), so that the reference pays for the same checkpoints as the store.
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
