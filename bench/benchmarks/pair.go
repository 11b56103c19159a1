package benchmarks

import (
	"testing"
	"time"
)

// An Op is one operation of a benchmark whose setup has run (copying and
// opening a history, say): it runs the i-th operation, from 0, and returns
// how long the part of it that is measured took. An Op that does more
// around that part (a new copy opened when the last has nothing left to
// do) stops b's timer while it does, for the Go benchmark (run).
type Op func(i int) time.Duration

// timed runs f and returns how long it took.
func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

// run is the Go benchmark of the Op that setup returns, timed by b.
func run(b *testing.B, setup func(b *testing.B) Op) {
	op := setup(b)
	for i := 0; b.Loop(); i++ {
		op(i)
	}
}

// Pair returns a benchmark of two Ops measured in turn, an operation of
// each per iteration, each beside the other: sut, the figure, and ref,
// its reference. It reports the mean of each in milliseconds (sut-ms/op
// and ref-ms/op). Measured one after the other, each would meet the
// machine as it was then (the disk's flushes, the caches, the other
// processes), and a tenth of a millisecond moves by a fifth from one
// second to the next; in turn, both meet it alike. Which of the two runs
// first alternates, so that neither always finds the caches as the other
// left them.
func Pair(ref, sut func(b *testing.B) Op) func(b *testing.B) {
	return func(b *testing.B) {
		r, s := ref(b), sut(b)
		var tr, ts time.Duration
		for i := 0; b.Loop(); i++ {
			ds, dr := inTurn(i, s, r)
			ts, tr = ts+ds, tr+dr
		}
		b.ReportMetric(float64(ts.Nanoseconds())/1e6/float64(b.N), "sut-ms/op")
		b.ReportMetric(float64(tr.Nanoseconds())/1e6/float64(b.N), "ref-ms/op")
	}
}

// inTurn runs the i-th operation of x and of y, x's first when i is even
// and y's first when it is odd, and returns how long each measured.
func inTurn(i int, x, y Op) (dx, dy time.Duration) {
	if i%2 == 0 {
		dx = x(i)
		return dx, y(i)
	}
	dy = y(i)
	return x(i), dy
}
