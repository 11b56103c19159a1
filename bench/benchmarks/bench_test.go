package benchmarks

import (
	"context"
	"flag"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bench"
)

// The history the benchmarks run on; a small one by default, so that the
// first `go test -bench . ./bench/benchmarks` generates it in about a minute. Bigger:
// go test -bench . ./bench/benchmarks -args -houses 100
var (
	houses    = flag.Int("houses", 10, "houses in the benchmarks' history")
	residents = flag.Int("residents", 8, "residents in each house")
	days      = flag.Int("days", 365, "days of history")
	cacheDir  = flag.String("cache", bench.DefaultCacheDir(), "where generated histories are kept")
)

// suite generates (once, then from the cache) the history the benchmarks
// share.
var suite = sync.OnceValues(func() (*Suite, error) {
	s := bench.Spec{Houses: *houses, Residents: *residents, Days: *days}
	path, err := bench.Cached(context.Background(), *cacheDir, s, os.Stderr)
	return &Suite{Spec: s, Path: path}, err
})

func mustSuite(b *testing.B) *Suite {
	b.Helper()
	s, err := suite()
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkDue(b *testing.B)       { mustSuite(b).Due(b) }
func BenchmarkTick(b *testing.B)      { mustSuite(b).Tick(b) }
func BenchmarkRetention(b *testing.B) { mustSuite(b).Retention(b) }

// BenchmarkRetentionNight runs one night of every house's retention job.
func BenchmarkRetentionNight(b *testing.B) { mustSuite(b).RetentionNight(b) }
func BenchmarkDigest(b *testing.B)         { mustSuite(b).Digest(b) }

func BenchmarkIngest(b *testing.B) {
	s := mustSuite(b)
	b.Run("c1", s.Ingest(1))
	b.Run("c8", s.Ingest(8))
}

func BenchmarkFanOut(b *testing.B) {
	s := mustSuite(b)
	b.Run("10", s.FanOut(10, 0))
	b.Run("10-50ms", s.FanOut(10, 50*time.Millisecond))
}

// BenchmarkFanOutDiscord delivers 100 houses' prompts through the real
// Discord adapter against the fake Discord at 50 ms latency.
func BenchmarkFanOutDiscord(b *testing.B) {
	b.Run("100-50ms", FanOutDiscord(100, 50*time.Millisecond))
	b.Run("1000-50ms", FanOutDiscord(1000, 50*time.Millisecond))
}

func BenchmarkIngestRaw(b *testing.B) {
	s := mustSuite(b)
	b.Run("statements", s.RawIngest(true))
	b.Run("one-row", s.RawIngest(false))
}

func BenchmarkStart(b *testing.B) {
	s := mustSuite(b)
	b.Run("fresh", s.Start(true))
	b.Run("history", s.Start(false))
}
