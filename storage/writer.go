package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Group commit. Every write transaction (Update, and the outbox's) goes
// through the writer, which commits concurrent callers together: one
// transaction and one commit for all the callers that queued while the
// previous commit was in flight, each caller's work in a SAVEPOINT of its
// own. A caller whose work fails or panics rolls back only its savepoint;
// the others' work commits. Every caller returns only after the commit that
// holds its work, with that commit's result, so that nothing is
// acknowledged before it is durable.
//
// There is no timer and no writer goroutine. A caller that finds the writer
// idle leads: it runs its own work at once, on its own goroutine, in a
// transaction of its own (no savepoint). Callers that arrive while a
// transaction runs queue; when it ends, the leader hands the lead to the
// first of them, which takes the whole queue (up to maxBatch) as the next
// batch. So batching comes only from callers that would have waited for the
// writer anyway, and a lone caller is never delayed.
//
// The checkpointer takes the writer's turn too (pause), to empty the WAL
// with no write transaction running: in the queue like any caller, alone in
// its turn, then it hands the lead on.

// maxBatch bounds the callers of one transaction, and so how long one
// commit holds the writer and how long a caller waits behind others.
const maxBatch = 64

// maxBatchHold bounds a batch by time as well: once its transaction has
// run this long, the callers it has not reached yet are left for the next
// one, led by the first of them, and what ran commits. Callers that all
// come at once with real work (every house's nightly job, due at the same
// minute) would otherwise hold the writer for 64 callers' work, while an
// answer or a crisis alert waits behind them. A transaction then holds the
// writer for at most this plus one caller's work, which each job bounds.
const maxBatchHold = 50 * time.Millisecond

// Savepoint statements. Callers run one after another, so one name serves.
const (
	spBegin    = `SAVEPOINT w`
	spRelease  = `RELEASE w`
	spRollback = `ROLLBACK TO w`
)

// writer runs write transactions on the single write connection.
type writer struct {
	db *sql.DB

	// maxHold is maxBatchHold, or WithBatchHold's.
	maxHold time.Duration
	// committed, if set, is called after each commit (the checkpointer's
	// wake-up); it must not block.
	committed func()

	mu sync.Mutex
	// leading is set while a caller leads: runs a batch or is about to.
	leading bool
	// queue holds the callers waiting for the next batch, in arrival order.
	queue []*writeJob

	// Counters for WriteStats; longestPause in nanoseconds.
	calls, txs, pauses, longestPause atomic.Int64
}

// writeJob is one caller's unit of work.
type writeJob struct {
	ctx context.Context
	fn  func(*sql.Tx) error
	// pause, instead of fn, is work that runs with no transaction, alone
	// in its turn (writer.pause).
	pause func()
	// wake tells a queued caller that its batch is done (false) or that it
	// leads the next batch (true). Buffered, so a send never blocks.
	wake chan bool

	// Set by the leader before wake; read by the caller after it. ran
	// tells that fn ran (in the transaction of the caller's batch).
	err error
	ran bool
	// panicked and panicVal are fn's panic, re-raised in the caller.
	panicked bool
	panicVal any
}

// WriteStats counts the write transactions and the calls they served.
type WriteStats struct {
	// Calls counts the callers of write transactions (Update and the
	// outbox's writes) so far; Transactions the transactions that ran
	// them. Calls over Transactions is the average batch.
	Calls, Transactions int64
	// Queued is how many callers are waiting for the writer now.
	Queued int
	// Pauses counts the turns the checkpointer took to empty the WAL, and
	// LongestPause is the longest of them: the writer waits as it waits
	// for a transaction.
	Pauses       int64
	LongestPause time.Duration
}

// ResetLongestPause forgets the longest pause so far, for a benchmark that
// measures from a point on.
func (db *DB) ResetLongestPause() { db.writer.longestPause.Store(0) }

// WriteStats returns the writer's counters.
func (db *DB) WriteStats() WriteStats {
	w := db.writer
	w.mu.Lock()
	queued := len(w.queue)
	w.mu.Unlock()
	return WriteStats{Calls: w.calls.Load(), Transactions: w.txs.Load(), Queued: queued,
		Pauses: w.pauses.Load(), LongestPause: time.Duration(w.longestPause.Load())}
}

// do runs fn in a write transaction, alone or with other callers' work,
// and returns when the transaction that holds fn's work has committed or
// failed: fn's error if fn failed, the commit's if the commit failed
// (then fn's work is lost too), nil if fn's work is committed. A panic in fn
// rolls its work back and is re-raised here.
//
// ctx is checked before fn runs; a caller whose ctx ends while it waits
// for the writer gets ctx's error and fn never runs. Once queued, a
// caller waits for the transaction in flight to end (it is bounded by
// maxBatch callers' work) whatever its ctx, and once fn runs its
// statements are not cancelled with ctx (inWrite's shared): SQLite rolls
// the whole transaction back when it interrupts a write, which would lose
// the other callers' work.
func (w *writer) do(ctx context.Context, fn func(*sql.Tx) error) error {
	w.calls.Add(1)
	return w.lead(&writeJob{ctx: ctx, fn: fn})
}

// pause runs f in the writer's turn: once the transaction in flight and
// the callers queued before it are done, with no transaction running and
// none starting until f returns.
func (w *writer) pause(f func()) {
	w.lead(&writeJob{ctx: context.Background(), pause: func() {
		d := int64(timed(f))
		w.pauses.Add(1)
		for {
			l := w.longestPause.Load()
			if d <= l || w.longestPause.CompareAndSwap(l, d) {
				return
			}
		}
	}})
}

// timed runs f and returns how long it took.
func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

// lead runs j in the writer's turn: at once if the writer is idle, else
// once the lead is handed to it, with the callers queued behind it (up to
// maxBatch, and none beyond a pause, which runs alone); then it hands the
// lead on.
func (w *writer) lead(j *writeJob) error {
	var batch []*writeJob
	w.mu.Lock()
	if !w.leading {
		// The writer is idle: run at once, alone.
		w.leading = true
		w.mu.Unlock()
		batch = []*writeJob{j}
	} else {
		j.wake = make(chan bool, 1)
		w.queue = append(w.queue, j)
		w.mu.Unlock()
		if lead := <-j.wake; !lead {
			return j.result()
		}
		// The lead was handed to j, first in the queue: take the queue,
		// up to the first pause after j (a pause takes only itself).
		w.mu.Lock()
		n := min(len(w.queue), maxBatch)
		for i, o := range w.queue[:n] {
			if o.pause != nil && (i > 0 || j.pause != nil) {
				n = max(i, 1)
				break
			}
		}
		batch = w.queue[:n:n]
		w.queue = w.queue[n:]
		w.mu.Unlock()
	}
	var rest []*writeJob
	if j.pause != nil {
		j.runPause()
	} else {
		rest = w.runBatch(batch)
	}
	done := batch[:len(batch)-len(rest)]
	// Hand the lead to the first caller waiting (the callers of a lost
	// transaction's tail first), or leave the writer idle; then tell the
	// batch's other callers that their transaction is over.
	w.mu.Lock()
	w.queue = append(rest, w.queue...)
	if len(w.queue) > 0 {
		w.queue[0].wake <- true
	} else {
		w.leading = false
	}
	w.mu.Unlock()
	for _, o := range done {
		if o != j {
			o.wake <- false
		}
	}
	return j.result()
}

// result is what do returns to the caller, once its transaction is over.
func (j *writeJob) result() error {
	if j.panicked {
		panic(j.panicVal)
	}
	return j.err
}

// runBatch runs the batch's work in one transaction and sets each caller's
// result. It returns the tail of the batch it did not reach, whose work
// never ran, so that it runs in the next transaction: when the transaction
// had held the writer for maxHold, and when it was lost half-way (SQLite
// rolls a whole transaction back after some failures, such as a full disk
// or an interrupted statement).
func (w *writer) runBatch(batch []*writeJob) (rest []*writeJob) {
	live := 0
	for _, j := range batch {
		j.err = j.ctx.Err()
		if j.err == nil {
			live++
		}
	}
	if live == 0 {
		return nil
	}
	// Not a caller's context: one caller's cancellation must not roll back
	// the others' work (database/sql rolls a transaction back when the
	// context it began with ends, and the driver runs COMMIT under it).
	ctx := context.Background()
	q, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		for _, j := range batch {
			if j.err == nil {
				j.err = fmt.Errorf("begin: %w", err)
			}
		}
		return nil
	}
	w.txs.Add(1)
	if live == 1 {
		// Alone: no savepoint, a plain transaction.
		for _, j := range batch {
			if j.err == nil {
				if !j.run(q) {
					q.Rollback()
					return nil
				}
			}
		}
		w.commit(q, batch)
		return nil
	}
	began := time.Now()
	for i, j := range batch {
		if j.err != nil {
			continue // its ctx ended
		}
		if i > 0 && time.Since(began) >= w.maxHold {
			// Held long enough: commit what ran; the rest lead the next
			// transaction.
			w.commit(q, batch[:i])
			return batch[i:]
		}
		_, err := q.ExecContext(ctx, spBegin)
		if err == nil {
			if j.run(q) {
				_, err = q.ExecContext(ctx, spRelease)
			} else if _, err = q.ExecContext(ctx, spRollback); err == nil {
				_, err = q.ExecContext(ctx, spRelease)
			}
		}
		if err != nil {
			// The transaction is gone: whatever ran in it is lost, and
			// what it told its callers may rest on lost writes.
			q.Rollback()
			failRan(batch[:i+1], fmt.Errorf("transaction lost: %w", err))
			return batch[i+1:]
		}
	}
	w.commit(q, batch)
	return nil
}

// commit commits q, which holds the work of batch. If nothing in it
// succeeded, it rolls back instead, and each caller keeps its own error.
// If the commit fails, every caller gets the failure, even one whose own
// work failed: it ran after the others' writes, which are now lost.
func (w *writer) commit(q *sql.Tx, batch []*writeJob) {
	ok := false
	for _, j := range batch {
		ok = ok || (j.err == nil && !j.panicked)
	}
	if !ok {
		q.Rollback()
		return
	}
	// A COMMIT that fails (on a deferred constraint, say) would leave the
	// transaction open; the driver rolls it back.
	if err := q.Commit(); err != nil {
		failRan(batch, fmt.Errorf("commit: %w", err))
		return
	}
	if w.committed != nil {
		w.committed()
	}
}

// failRan gives err to every caller of batch whose work ran, and to one
// still live whose work never ran (its SAVEPOINT failed), so that no caller
// is told its work committed when it did not; but not to a caller whose
// work panicked, which re-raises its panic, nor to one whose ctx ended.
func failRan(batch []*writeJob, err error) {
	for _, j := range batch {
		if !j.panicked && (j.ran || j.err == nil) {
			j.err = err
		}
	}
}

// runPause runs a pause, keeping a panic for its caller (lead re-raises
// it once the lead is handed on).
func (j *writeJob) runPause() {
	defer func() {
		if p := recover(); p != nil {
			j.panicked, j.panicVal = true, p
		}
	}()
	j.pause()
}

// run runs the caller's work in q and reports whether it succeeded. A
// panic is kept for the caller.
func (j *writeJob) run(q *sql.Tx) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			j.panicked, j.panicVal = true, p
			j.err = errPanicked
			ok = false
		}
	}()
	j.ran = true
	j.err = j.fn(q)
	return j.err == nil
}

// errPanicked is the result of a caller whose work panicked; do re-raises
// the panic instead of returning it.
var errPanicked = errors.New("write panicked")
