package storage

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The writer's tests run raw SQL on a scratch table of a real database:
// kids(name) rows, with an optional parent that must exist in kids.

func openWriterDB(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// Batches are bounded by count here; TestBatchesAreBoundedInTime
	// sets its own time bound.
	db.writer.maxHold = time.Hour
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE kids (name TEXT PRIMARY KEY, parent TEXT REFERENCES kids(name))`); err != nil {
		t.Fatal(err)
	}
	return db
}

// insert is a unit of work that adds a row named name.
func insert(name string) func(querier) error {
	return func(q querier) error {
		_, err := q.ExecContext(context.Background(), `INSERT INTO kids (name) VALUES (?)`, name)
		return err
	}
}

// wantStored checks the rows committed, as a reader sees them, in order
// of name.
func wantStored(t *testing.T, db *DB, want string) {
	t.Helper()
	if got := fmt.Sprint(column(t, db.read, `SELECT name FROM kids ORDER BY name`)); got != want {
		t.Errorf("stored %s, want %s", got, want)
	}
}

// hold occupies the writer with a transaction that waits until release is
// called, as a commit in flight would; callers that come meanwhile queue.
func hold(t *testing.T, db *DB) (release func()) {
	t.Helper()
	running, released, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- db.inWrite(context.Background(), func(q querier) error {
			close(running)
			<-released
			return insert("holder")(q)
		})
	}()
	<-running
	return func() {
		close(released)
		if err := <-done; err != nil {
			t.Errorf("holder: %v", err)
		}
	}
}

// result is one caller's outcome: its error, or the panic it re-raised.
type result struct {
	err      error
	panicVal any
}

// queue starts a caller of fn on a goroutine and returns once it waits in
// the writer's queue, so that callers queue in the order queue is called.
func queue(t *testing.T, db *DB, ctx context.Context, fn func(querier) error) <-chan result {
	t.Helper()
	before := db.WriteStats().Queued
	out := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			r.panicVal = recover()
			out <- r
		}()
		r.err = db.inWrite(ctx, fn)
	}()
	waitQueued(t, db, before+1)
	return out
}

// waitQueued waits until n callers wait for the writer. Queueing takes a
// goroutine a few instructions; the deadline only keeps a broken writer
// from hanging the test.
func waitQueued(t *testing.T, db *DB, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for db.WriteStats().Queued < n {
		if time.Now().After(deadline) {
			t.Fatalf("queued = %d callers, want %d", db.WriteStats().Queued, n)
		}
		runtime.Gosched()
	}
}

func TestLoneWriteRunsAtOnceAlone(t *testing.T) {
	db := openWriterDB(t)
	before := db.WriteStats()
	err := db.inWrite(context.Background(), func(q querier) error {
		// On the caller's own goroutine: nothing was handed over or waited
		// for, no timer and no writer goroutine.
		buf := make([]byte, 64<<10)
		if stack := string(buf[:runtime.Stack(buf, false)]); !strings.Contains(stack, "TestLoneWriteRunsAtOnceAlone") {
			t.Errorf("a lone write ran on another goroutine:\n%s", stack)
		}
		// In a plain transaction, with no savepoint around it.
		if _, err := q.ExecContext(context.Background(), spRelease); err == nil {
			t.Error("a lone write runs inside a savepoint")
		}
		return insert("lone")(q)
	})
	if err != nil {
		t.Fatal(err)
	}
	after := db.WriteStats()
	if got := [2]int64{after.Calls - before.Calls, after.Transactions - before.Transactions}; got != [2]int64{1, 1} {
		t.Errorf("calls, transactions = %v, want [1 1]", got)
	}
	wantStored(t, db, "[lone]")
}

func TestQueuedWritesShareOneTransaction(t *testing.T) {
	db := openWriterDB(t)
	release := hold(t, db)
	before := db.WriteStats()
	var outs []<-chan result
	for i := range 10 {
		outs = append(outs, queue(t, db, context.Background(), insert(fmt.Sprintf("k%02d", i))))
	}
	// Queued callers return only after their commit.
	for _, o := range outs {
		select {
		case r := <-o:
			t.Fatalf("a queued caller returned %v before its transaction ran", r)
		default:
		}
	}
	release()
	for i, o := range outs {
		if r := <-o; r.err != nil || r.panicVal != nil {
			t.Errorf("caller %d: %+v", i, r)
		}
	}
	if got := db.WriteStats().Transactions - before.Transactions; got != 1 {
		t.Errorf("the 10 queued callers took %d transactions, want 1", got)
	}
	if got := len(column(t, db.read, `SELECT name FROM kids`)); got != 11 {
		t.Errorf("stored %d rows, want 11", got)
	}
}

// TestPauseTakesTheWritersTurnAlone checks that a pause (the
// checkpointer's TRUNCATE) waits for the transaction in flight and the
// callers queued before it, runs with no transaction open, and that the
// callers queued behind it wait for it and then share a transaction.
func TestPauseTakesTheWritersTurnAlone(t *testing.T) {
	db := openWriterDB(t)
	ctx := context.Background()
	release := hold(t, db)
	before := db.WriteStats()
	first := queue(t, db, ctx, insert("first"))
	var seen []string
	paused := make(chan struct{})
	go db.writer.pause(func() {
		seen = column(t, db.read, `SELECT name FROM kids ORDER BY name`)
		// No transaction is open: a write on the writer's connection
		// would otherwise fail or wait.
		if _, err := db.write.ExecContext(ctx, `INSERT INTO kids (name) VALUES ('paused')`); err != nil {
			t.Errorf("a write in the pause: %v", err)
		}
		close(paused)
	})
	waitQueued(t, db, before.Queued+2)
	var after []<-chan result
	for i := range 3 {
		after = append(after, queue(t, db, ctx, insert(fmt.Sprintf("after%d", i))))
	}
	release()
	<-paused
	if got := fmt.Sprint(seen); got != "[first holder]" {
		t.Errorf("the pause saw %s committed, want [first holder]: the transaction in flight and the caller before it", got)
	}
	for i, o := range append([]<-chan result{first}, after...) {
		if r := <-o; r.err != nil || r.panicVal != nil {
			t.Errorf("caller %d: %+v", i, r)
		}
	}
	st := db.WriteStats()
	if got := st.Transactions - before.Transactions; got != 2 {
		t.Errorf("the writer ran %d transactions after the holder's, want 2: the first caller's, then the three after the pause together", got)
	}
	if st.Pauses-before.Pauses != 1 || st.LongestPause <= 0 {
		t.Errorf("pauses = %d, longest %v; want 1 counted", st.Pauses-before.Pauses, st.LongestPause)
	}
	wantStored(t, db, "[after0 after1 after2 first holder paused]")
}

func TestFailingWriteRollsBackOnlyItsOwnWork(t *testing.T) {
	db := openWriterDB(t)
	ctx := context.Background()
	release := hold(t, db)
	errBad := errors.New("refused")
	a := queue(t, db, ctx, insert("a"))
	b := queue(t, db, ctx, func(q querier) error {
		if err := insert("b")(q); err != nil {
			return err
		}
		return errBad
	})
	c := queue(t, db, ctx, func(q querier) error {
		if err := insert("c")(q); err != nil {
			return err
		}
		panic("feature bug")
	})
	d := queue(t, db, ctx, func(q querier) error {
		// Read-your-writes: the batch's earlier work is visible, the
		// rolled-back work is not.
		var names string
		if err := q.QueryRowContext(ctx, `SELECT group_concat(name, ',') FROM (SELECT name FROM kids ORDER BY name)`).Scan(&names); err != nil {
			return err
		}
		if names != "a,holder" {
			return fmt.Errorf("d sees %q, want a,holder", names)
		}
		return insert("d")(q)
	})
	release()
	if r := <-a; r.err != nil || r.panicVal != nil {
		t.Errorf("a: %+v, want success", r)
	}
	if r := <-b; !errors.Is(r.err, errBad) {
		t.Errorf("b: %+v, want its own error", r)
	}
	if r := <-c; r.panicVal != "feature bug" {
		t.Errorf("c: %+v, want its panic re-raised", r)
	}
	if r := <-d; r.err != nil || r.panicVal != nil {
		t.Errorf("d: %+v, want success", r)
	}
	wantStored(t, db, "[a d holder]")
}

func TestFailedCommitFailsEveryCaller(t *testing.T) {
	db := openWriterDB(t)
	ctx := context.Background()
	release := hold(t, db)
	a := queue(t, db, ctx, insert("a"))
	// b's row names a parent that does not exist; with the check deferred,
	// it is the COMMIT that fails.
	b := queue(t, db, ctx, func(q querier) error {
		if _, err := q.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, `INSERT INTO kids (name, parent) VALUES ('b', 'nobody')`)
		return err
	})
	errBad := errors.New("refused")
	c := queue(t, db, ctx, func(querier) error { return errBad })
	d := queue(t, db, ctx, insert("d"))
	release()
	for name, ch := range map[string]<-chan result{"a": a, "b": b, "c": c, "d": d} {
		if r := <-ch; r.err == nil || !strings.Contains(r.err.Error(), "commit") {
			t.Errorf("%s: %+v, want the commit's failure", name, r)
		}
	}
	wantStored(t, db, "[holder]")
	// The failed commit left no transaction open: the writer works on.
	if err := db.inWrite(ctx, insert("e")); err != nil {
		t.Fatalf("a write after the failed commit: %v", err)
	}
	wantStored(t, db, "[e holder]")
}

func TestLostTransactionRunsTheRestAgain(t *testing.T) {
	db := openWriterDB(t)
	ctx := context.Background()
	release := hold(t, db)
	a := queue(t, db, ctx, insert("a"))
	// b ends the transaction under the writer, as SQLite does after a
	// full disk or an interrupt.
	b := queue(t, db, ctx, func(q querier) error {
		_, err := q.ExecContext(ctx, `ROLLBACK`)
		return err
	})
	c := queue(t, db, ctx, insert("c"))
	release()
	for name, ch := range map[string]<-chan result{"a": a, "b": b} {
		if r := <-ch; r.err == nil || !strings.Contains(r.err.Error(), "transaction lost") {
			t.Errorf("%s: %+v, want the transaction's loss", name, r)
		}
	}
	// c's work had not run: it runs in the next transaction.
	if r := <-c; r.err != nil || r.panicVal != nil {
		t.Errorf("c: %+v, want success", r)
	}
	wantStored(t, db, "[c holder]")
}

func TestQueuedWriteWhoseContextEndsNeverRuns(t *testing.T) {
	db := openWriterDB(t)
	release := hold(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	a := queue(t, db, ctx, func(querier) error {
		t.Error("the work of a cancelled caller ran")
		return nil
	})
	b := queue(t, db, context.Background(), insert("b"))
	cancel()
	release()
	if r := <-a; !errors.Is(r.err, context.Canceled) {
		t.Errorf("a: %+v, want context.Canceled", r)
	}
	if r := <-b; r.err != nil {
		t.Errorf("b: %+v, want success", r)
	}
	wantStored(t, db, "[b holder]")
}

// TestCancelledCallerDoesNotInterruptTheBatch: once a caller's work runs
// in a shared transaction, its context ending does not cancel its
// statements: SQLite rolls a whole transaction back when it interrupts a
// write, which would lose the work of the callers before it in the batch.
func TestCancelledCallerDoesNotInterruptTheBatch(t *testing.T) {
	db := openWriterDB(t)
	release := hold(t, db)
	a := queue(t, db, context.Background(), insert("a"))
	ctx, cancel := context.WithCancel(context.Background())
	b := queue(t, db, ctx, func(q querier) error {
		cancel() // the caller gives up while its work runs
		_, err := q.ExecContext(ctx, `INSERT INTO kids (name) VALUES ('b')`)
		return err
	})
	release()
	for name, ch := range map[string]<-chan result{"a": a, "b": b} {
		if r := <-ch; r.err != nil {
			t.Errorf("%s: %+v, want success", name, r)
		}
	}
	wantStored(t, db, "[a b holder]")
}

func TestBatchesAreBounded(t *testing.T) {
	db := openWriterDB(t)
	release := hold(t, db)
	before := db.WriteStats()
	var outs []<-chan result
	for i := range maxBatch + 1 {
		outs = append(outs, queue(t, db, context.Background(), insert(fmt.Sprintf("k%03d", i))))
	}
	release()
	for i, o := range outs {
		if r := <-o; r.err != nil || r.panicVal != nil {
			t.Errorf("caller %d: %+v", i, r)
		}
	}
	if got := db.WriteStats().Transactions - before.Transactions; got != 2 {
		t.Errorf("%d queued callers took %d transactions, want 2", maxBatch+1, got)
	}
}

// TestBatchesAreBoundedInTime checks that a batch that has held the writer
// for maxHold leaves the callers it has not reached for the next
// transaction, in their order, and that each caller still returns after
// the commit of its own work. With no time allowed, each transaction runs
// one queued caller.
func TestBatchesAreBoundedInTime(t *testing.T) {
	db := openWriterDB(t)
	db.writer.maxHold = 0
	release := hold(t, db)
	before := db.WriteStats()
	var outs []<-chan result
	for i := range 3 {
		outs = append(outs, queue(t, db, context.Background(), func(q querier) error {
			// Callers run in their order, each after the last one's work.
			var got int
			if err := q.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM kids WHERE name LIKE 'k%'`).Scan(&got); err != nil {
				return err
			}
			if got != i {
				t.Errorf("caller %d ran after %d others, want %d", i, got, i)
			}
			return insert(fmt.Sprintf("k%d", i))(q)
		}))
	}
	release()
	for i, o := range outs {
		if r := <-o; r.err != nil || r.panicVal != nil {
			t.Errorf("caller %d: %+v", i, r)
		}
	}
	if got := db.WriteStats().Transactions - before.Transactions; got != 3 {
		t.Errorf("3 queued callers with no time to share took %d transactions, want 3", got)
	}
	wantStored(t, db, "[holder k0 k1 k2]")
}

// TestConcurrentWrites runs many writers at once, for the race detector.
func TestConcurrentWrites(t *testing.T) {
	db := openWriterDB(t)
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			if err := db.inWrite(context.Background(), insert(fmt.Sprintf("k%03d", i))); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(column(t, db.read, `SELECT name FROM kids`)); got != n {
		t.Errorf("stored %d rows, want %d", got, n)
	}
	if s := db.WriteStats(); s.Calls < n || s.Transactions > s.Calls || s.Queued != 0 {
		t.Errorf("stats = %+v, want at least %d calls, no more transactions than calls, none queued", s, n)
	}
}

// TestCommitsAreFlushed checks that the write connection flushes the WAL
// at every commit (synchronous FULL, 2), so that an acknowledged write
// survives a power loss, and that RelaxedSync, for the benchmarks'
// histories, does not (NORMAL, 1).
func TestCommitsAreFlushed(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		opts []Option
		want int
	}{{nil, 2}, {[]Option{RelaxedSync()}, 1}} {
		db, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"), c.opts...)
		if err != nil {
			t.Fatal(err)
		}
		var got int
		if err := db.write.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("with %d options: the write connection's synchronous = %d, want %d", len(c.opts), got, c.want)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPanickingPauseHandsTheLeadOn checks that a pause that panics
// re-raises its panic in its caller and leaves the writer to the next
// caller, not held for ever.
func TestPanickingPauseHandsTheLeadOn(t *testing.T) {
	db := openWriterDB(t)
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Errorf("pause's panic = %v, want boom re-raised", p)
			}
		}()
		db.writer.pause(func() { panic("boom") })
	}()
	done := make(chan error, 1)
	go func() { done <- db.inWrite(context.Background(), insert("after")) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a write after a panicking pause never ran: the writer is still held")
	}
	wantStored(t, db, "[after]")
}
