package benchmarks

import (
	"context"
	"testing"

	"github.com/porchlight/porchlight/bench"
)

// RawIngest returns the reference of Ingest: on a copy of the suite's
// history, where Ingest answers too (a round opened in every house by the
// core, then the file opened raw with the write connection's pragmas),
// from one goroutine on one connection, each answer's seven statements in
// a transaction (statements) or its one row alone in a transaction,
// reporting answers per second. It is what SQLite itself does with no core
// around it, on the same data.
func (s *Suite) RawIngest(statements bool) func(b *testing.B) {
	return func(b *testing.B) {
		ctx := context.Background()
		r, err := bench.OpenRaw(ctx, s.copy(b), s.Spec)
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close()
		run := r.Row
		if statements {
			run = r.Answer
		}
		k := 0
		for b.Loop() {
			if err := run(ctx, k); err != nil {
				b.Fatal(err)
			}
			k++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
	}
}
