package benchmarks

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/porchlight/porchlight/bench"
)

// Start measures starting the bot on a copy of the history, as `porchlight
// run` starts it (bench.StartWorld), to ready: from opening the file to the
// end of the catch-up, after a clean stop, as a restart or an upgrade
// without migrations is. fresh starts it on a new, empty database each
// time instead, the reference. The history's copy is started once
// untimed, so that its lock file records a clean stop, then again each
// iteration, its pages in the system's cache after the first. (After an
// unclean stop the start reads the whole file first.)
func (s *Suite) Start(fresh bool) func(b *testing.B) {
	return func(b *testing.B) {
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
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
		}
		n := 0
		for b.Loop() {
			p := path
			if fresh {
				p = filepath.Join(dir, "fresh"+strconv.Itoa(n)+".db")
				n++
			}
			w, err := bench.StartWorld(ctx, p, s.Spec, s.Spec.End())
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	}
}
