// Package benchmarks measures the core, the store and the sender on a
// history built by package bench: the outbox's Due pass, the 30-second
// tick, the nightly retention job, ingest and fan-out. Its functions are
// Go benchmark functions, run by `go test -bench` (bench_test.go) and by
// cmd/porchlight-bench. It is a package of its own so that the bot, which
// uses package bench for `porchlight load`, never links package testing.
package benchmarks

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bench"
	"github.com/porchlight/porchlight/bot"
)

// Suite measures the core, the store and the sender on a copy of one
// history. Its methods are benchmark functions for testing.Benchmark and
// `go test -bench`; each uses b.Loop, so that its setup (copying and
// opening the history) runs once.
type Suite struct {
	Spec bench.Spec
	// Path is the history (see Cached); every benchmark works on a copy.
	Path string
}

// world opens a private copy of the history at its end, with each house
// changed by configure if it is not nil.
func (s *Suite) world(b *testing.B, configure func(*bot.House)) *bench.World {
	b.Helper()
	return s.open(b, s.copy(b), s.Spec.End(), configure)
}

// copy returns the path of a private copy of the history.
func (s *Suite) copy(b *testing.B) string {
	b.Helper()
	path, err := bench.Copy(s.Path, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	return path
}

// open opens the world at path at time at, closed when b ends.
func (s *Suite) open(b *testing.B, path string, at time.Time, configure func(*bot.House)) *bench.World {
	b.Helper()
	w, err := bench.OpenWorld(context.Background(), path, s.Spec, at, configure)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { w.Close() })
	return w
}

// Due measures the sender's Due pass with one message pending: the pass
// runs every second and after commits, so its cost must follow the
// messages pending, not the messages kept.
func (s *Suite) Due(b *testing.B) { run(b, s.DueOp) }

// DueOp sets Due up and returns its operation.
func (s *Suite) DueOp(b *testing.B) Op {
	ctx := context.Background()
	w := s.world(b, nil)
	err := w.DB.Update(ctx, func(tx bot.Tx) error {
		_, err := tx.Enqueue(ctx, &bot.OutboxMessage{HouseID: w.Houses[0].ID, Platform: bench.Platform, CreatedAt: w.Clock.Now(),
			Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: bench.Resident(0, 0).ID}, Message: bot.Message{Text: "bench"}}})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	now := w.Clock.Now()
	return func(int) time.Duration {
		var due []*bot.OutboxMessage
		d := timed(func() { due, err = w.DB.Outbox().Due(ctx, now, 50) })
		if err != nil {
			b.Fatal(err)
		}
		if len(due) != 1 {
			b.Fatalf("due = %d messages, want 1", len(due))
		}
		return d
	}
}

// Tick measures the 30-second tick when nothing is due, as it is nearly
// always, and reports the write transactions it opened and the sender's
// wake-ups: a quiet tick only reads.
func (s *Suite) Tick(b *testing.B) {
	var w *bench.World
	var writes, wakes int64
	run(b, func(b *testing.B) Op {
		op := s.tickOp(b)
		w = op.w
		writes, wakes = w.Writes(), w.Wakes()
		return op.op
	})
	b.ReportMetric(float64(w.Writes()-writes)/float64(b.N), "writes/op")
	b.ReportMetric(float64(w.Wakes()-wakes)/float64(b.N), "wakes/op")
}

// TickOp sets Tick up and returns its operation.
func (s *Suite) TickOp(b *testing.B) Op { return s.tickOp(b).op }

type worldOp struct {
	w  *bench.World
	op Op
}

func (s *Suite) tickOp(b *testing.B) worldOp {
	ctx := context.Background()
	w := s.world(b, nil)
	w.Clock.Set(s.Spec.End().Add(15 * time.Minute))
	// The first tick settles whatever the history left due.
	if err := w.Bot.Tick(ctx); err != nil {
		b.Fatal(err)
	}
	return worldOp{w, func(int) time.Duration {
		var err error
		d := timed(func() { err = w.Bot.Tick(ctx) })
		if err != nil {
			b.Fatal(err)
		}
		return d
	}}
}

// Digest measures the weekly digest job of one house for the last full
// week of the history, chart and text rendered as the bot renders them,
// and reports how long its write transaction held the writer: the trend's
// eight weeks cost one query each, whatever the history kept, and the
// rendering happens outside the write. Each iteration is another
// occurrence of the job (a second later), so that none is skipped as
// already run.
func (s *Suite) Digest(b *testing.B) {
	var w *bench.World
	var held time.Duration
	run(b, func(b *testing.B) Op {
		op := s.digestOp(b)
		w, held = op.w, op.w.Held()
		return op.op
	})
	b.ReportMetric(float64(w.Held()-held)/float64(time.Millisecond)/float64(b.N), "hold-ms/op")
}

// DigestOp sets Digest up and returns its operation.
func (s *Suite) DigestOp(b *testing.B) Op { return s.digestOp(b).op }

func (s *Suite) digestOp(b *testing.B) worldOp {
	ctx := context.Background()
	w := s.world(b, nil)
	h := w.Houses[0]
	at := s.Spec.End()
	return worldOp{w, func(int) time.Duration {
		at = at.Add(time.Second)
		w.Clock.Set(at)
		var err error
		d := timed(func() { err = w.Bot.RunJob(ctx, bot.JobDigest, h, at) })
		if err != nil {
			b.Fatal(err)
		}
		return d
	}}
}

// Retention measures the nightly retention job of one house, with the
// houses keeping their last Days-1 days: each run redacts and prunes one
// day of one house's history, the night's real work. Iterations take the
// houses in turn, then the next night (see nights for what is not timed).
func (s *Suite) Retention(b *testing.B) { run(b, s.RetentionOp) }

// RetentionOp sets Retention up and returns its operation.
func (s *Suite) RetentionOp(b *testing.B) Op {
	n := s.nights(b)
	return func(i int) time.Duration {
		night := n.next(b, i/len(n.w.Houses))
		return timed(func() { n.job(b, n.w, i%len(n.w.Houses), night) })
	}
}

// RetentionNight measures one night of the retention job of every house,
// all due at once and run at once, as the scheduler runs them when the
// houses share a time zone (each house's job is a cron entry of its own),
// and reports the longest a write transaction of it held the writer
// (max-hold-ms): the night of 1,000 house-years must end within a minute,
// and hold the writer under 100 ms at a time, group commit or not.
func (s *Suite) RetentionNight(b *testing.B) {
	n := s.nights(b)
	night := 0
	for b.Loop() {
		copyNight := n.next(b, night)
		n.w.Clock.Set(n.at(copyNight))
		errs := make(chan error, len(n.w.Houses))
		var wg sync.WaitGroup
		for i := range n.w.Houses {
			wg.Go(func() { errs <- n.jobErr(n.w, i, copyNight) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		night++
	}
	b.ReportMetric(float64(max(n.longest, n.w.LongestHold()))/float64(time.Millisecond), "max-hold-ms")
}

// retentionNights runs the retention job's nights on a copy of the
// history whose houses keep their last Days-1 days, so that every night
// after the history's end prunes one day: night 0 the history's first.
//
// Night 0, which prunes the day the residents joined (their consents and
// welcomes, a day like no other), runs for every house before the timer:
// testing.Benchmark runs about one night of a big history, where one
// house-year's runs spread over the year, so timing it would weigh it on
// one side only. Once every night of the history has been pruned, run
// starts again on a new copy (untimed), so that every measured run has a
// day to prune: a run past the history's end finds nothing, and would make
// a small history look cheaper than it is.
type retentionNights struct {
	s *Suite
	w *bench.World
	// offset is the benchmark's night that is the copy's night 1: each
	// new copy's nights carry on from the last, so that the benchmark's
	// night numbers only grow.
	offset int
	// longest is the longest hold of the copies closed so far.
	longest time.Duration
}

// nights opens the first copy and prunes its night 0.
func (s *Suite) nights(b *testing.B) *retentionNights {
	n := &retentionNights{s: s}
	n.fresh(b)
	return n
}

// fresh opens a new copy and prunes its night 0, untimed.
func (n *retentionNights) fresh(b *testing.B) {
	keep := max(n.s.Spec.Days-1, 1)
	w := n.s.world(b, func(h *bot.House) { h.RetentionDays = keep })
	for i := range w.Houses {
		n.job(b, w, i, 0)
	}
	w.ResetLongestHold() // night 0 is not measured
	n.w = w
}

// next returns the copy's night that is the benchmark's night (from 0):
// night+1-offset. Past the copy's last night with a day to prune, it
// starts a new copy first, untimed.
func (n *retentionNights) next(b *testing.B, night int) int {
	last := max(n.s.Spec.Days-1, 2) - 1 // the copy's last night with a day
	if night+1-n.offset > last {
		b.StopTimer()
		n.longest = max(n.longest, n.w.LongestHold())
		if err := n.w.Close(); err != nil {
			b.Fatal(err)
		}
		n.fresh(b)
		n.offset = night
		b.StartTimer()
	}
	return night + 1 - n.offset
}

// job runs house i's retention job on w's night after the history's end.
func (n *retentionNights) job(b *testing.B, w *bench.World, i, night int) {
	w.Clock.Set(n.at(night))
	if err := n.jobErr(w, i, night); err != nil {
		b.Fatal(err)
	}
}

// at is when the retention job runs on a copy's night.
func (n *retentionNights) at(night int) time.Time {
	return n.s.Spec.End().AddDate(0, 0, night).Add(3 * time.Hour)
}

// jobErr runs house i's retention job on w's night, with w's clock set to
// it, on any goroutine.
func (n *retentionNights) jobErr(w *bench.World, i, night int) error {
	return w.Bot.RunJob(context.Background(), bot.JobRetention, w.Houses[i], n.at(night))
}

// Ingest returns a benchmark of check-in answers submitted from conc
// goroutines at once (from the benchmark's own when conc is 1), each
// answer committed before its reply as always,
// reporting answers per second. The residents of every house answer a
// round opened for the benchmark in turn; once all have, they change
// their answers, which costs the same. It also reports how many answers
// shared each commit, and how many texts were screened with the writer
// held. One at a time, it reports its reference beside it too
// (raw-answers/s): each answer's statements run raw, as RawIngest runs
// them, after it.
func (s *Suite) Ingest(conc int) func(b *testing.B) {
	return func(b *testing.B) {
		ctx := context.Background()
		// The rounds open as RawIngest's do, and the bot starts again
		// on the file, as the reference opens it.
		path := s.copy(b)
		o, err := bench.OpenRounds(ctx, path, s.Spec)
		if err != nil {
			b.Fatal(err)
		}
		w := s.open(b, path, o.At, nil)
		values := bench.CheckinAnswer()
		answer := func(k int) error {
			i, j := k%len(w.Houses), (k/len(w.Houses))%s.Spec.Residents
			return w.Answer(ctx, i, j, o.Rounds[i], values)
		}
		// stats reports how many answers shared each commit (group
		// commit), and how many texts were screened with the writer held
		// (bot.Bot.TxScreens); the rest were screened before each
		// transaction.
		before, screens := w.DB.WriteStats(), w.Bot.TxScreens()
		stats := func() {
			after := w.DB.WriteStats()
			b.ReportMetric(float64(after.Calls-before.Calls)/float64(max(after.Transactions-before.Transactions, 1)), "answers/commit")
			b.ReportMetric(float64(w.Bot.TxScreens()-screens)/float64(b.N), "tx-screens/op")
		}
		if conc == 1 {
			// One at a time, on the benchmark's goroutine, each answer
			// beside its reference: the same answer's statements run raw
			// (RawIngest's) on a second copy, in turn, so that both meet
			// the disk, whose flushes move by a third from one moment to
			// the next, in the same state; which of the two goes first
			// alternates, as in Pair, so that neither always follows the
			// other's commit (and its checkpoint).
			r, err := bench.OpenRaw(ctx, s.copy(b), s.Spec)
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close()
			var coreOp, rawOp Op = func(k int) time.Duration {
				return timed(func() {
					if err := answer(k); err != nil {
						b.Fatal(err)
					}
				})
			}, func(k int) time.Duration {
				return timed(func() {
					if err := r.Answer(ctx, k); err != nil {
						b.Fatal(err)
					}
				})
			}
			var core, raw time.Duration
			for k := 0; b.Loop(); k++ {
				dc, dr := inTurn(k, coreOp, rawOp)
				core, raw = core+dc, raw+dr
			}
			b.ReportMetric(float64(b.N)/core.Seconds(), "answers/s")
			b.ReportMetric(float64(b.N)/raw.Seconds(), "raw-answers/s")
			stats()
			return
		}
		work := make(chan int)
		errs := make(chan error, conc)
		var wg sync.WaitGroup
		for range conc {
			wg.Go(func() {
				for k := range work {
					if err := answer(k); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		// The loop runs at the workers' pace (work is unbuffered); the
		// last conc answers finish after the timer stops.
		k := 0
		for b.Loop() {
			select {
			case work <- k:
			case err := <-errs:
				b.Fatal(err)
			}
			k++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
		close(work)
		wg.Wait()
		stats()
		close(errs)
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
}

// FanOut returns a benchmark of delivering the check-in prompts of n
// houses, opened at once, through an adapter with latency per call,
// reporting prompts per second: the core, the store and the sender on the
// history, with no platform's limits (FanOutDiscord has them). Opening the
// rounds is not timed.
func (s *Suite) FanOut(n int, latency time.Duration) func(b *testing.B) {
	return func(b *testing.B) {
		ctx := context.Background()
		w := s.world(b, nil)
		w.Adapter.Latency = latency
		n := min(n, len(w.Houses))
		// Deliver what the history left pending, untimed.
		if _, err := w.Sender.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		day, sent := 0, int64(0)
		for b.Loop() {
			b.StopTimer()
			at := s.Spec.End().AddDate(0, 0, day).Add(9 * time.Hour)
			w.Clock.Set(at)
			for _, h := range w.Houses[:n] {
				if err := w.Bot.RunJob(ctx, bot.JobCheckinOpen+"/0", h, at); err != nil {
					b.Fatal(err)
				}
			}
			day++
			start := w.Adapter.Sent()
			b.StartTimer()
			if _, err := w.Sender.Flush(ctx); err != nil {
				b.Fatal(err)
			}
			if got := w.Adapter.Sent() - start; got < int64(n) {
				b.Fatalf("sent %d messages, want at least %d prompts", got, n)
			}
			sent += int64(n)
		}
		b.ReportMetric(float64(sent)/b.Elapsed().Seconds(), "prompts/s")
	}
}
