package benchmarks

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bench"
)

// Start measures starting the bot on a copy of the history, as `porchlight
// run` starts it (bench.StartWorld), to ready: from opening the file to the
// end of the catch-up, after a clean stop, as a restart or an upgrade
// without migrations is. fresh starts it on a new, empty database each
// time instead, the reference. The history's copy is started once
// untimed, so that its lock file records a clean stop, then again each
// iteration, its pages in the system's cache after the first. Each run,
// untimed, finishes the integrity check a running bot makes in the
// background before it stops. (After an unclean stop, or a stop that cut
// that check short, the start reads the whole file first.)
func (s *Suite) Start(fresh bool) func(b *testing.B) {
	return func(b *testing.B) { run(b, s.StartOp(fresh)) }
}

// StartOp sets Start up and returns its operation.
func (s *Suite) StartOp(fresh bool) func(b *testing.B) Op {
	return func(b *testing.B) Op {
		ctx := context.Background()
		dir := b.TempDir()
		path := ""
		if !fresh {
			var err error
			if path, err = bench.Copy(s.Path, dir); err != nil {
				b.Fatal(err)
			}
			w, err := bench.StartWorld(ctx, path, s.Spec, s.Spec.End())
			if err != nil {
				b.Fatal(err)
			}
			if err := stop(ctx, w); err != nil {
				b.Fatal(err)
			}
		}
		return func(i int) time.Duration {
			p := path
			if fresh {
				p = filepath.Join(dir, "fresh"+strconv.Itoa(i)+".db")
			}
			var w *bench.World
			var err error
			d := timed(func() { w, err = bench.StartWorld(ctx, p, s.Spec, s.Spec.End()) })
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if err := stop(ctx, w); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			return d
		}
	}
}

// stop stops a started bot as a running one stops: after the integrity
// check it runs in the background, then cleanly.
func stop(ctx context.Context, w *bench.World) error {
	if err := w.DB.QuickCheck(ctx); err != nil {
		return err
	}
	return w.Close()
}
