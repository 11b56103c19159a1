// Command porchlight-bench measures Porchlight on databases with a year of
// history, built by driving the real core on a fake clock (package bench):
// one house-year as the reference, and N house-years. It prints each
// figure beside its reference and the ratio: the periodic work (the
// outbox's Due pass, the tick, the nightly retention of a house) must cost
// the same on both, because its cost must follow the work due, not the
// rows kept. It also measures ingest and fan-out on the N house-years.
//
// Histories are generated once and cached (see -cache); a first run with
// -houses 1000 generates for about an hour. It is not part of go test.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/porchlight/porchlight/bench"
	"github.com/porchlight/porchlight/bench/benchmarks"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// result is one figure, as printed and as JSON.
type result struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	// Reference is the same measure on one house-year, or the ideal
	// (the rate-limit floor, the one-answer rate); 0 when there is none.
	Reference float64 `json:"reference"`
	Ratio     float64 `json:"ratio"`
	// Target is the most the ratio may be, or for a rate (a Unit per
	// second) the least. Target and Pass are null for a figure with no
	// target measured in this run.
	Target *float64 `json:"target"`
	Pass   *bool    `json:"pass"`
}

// bound is how the ratio must compare with the target: a rate must reach
// it, anything else keep under it.
func (r result) bound() string {
	if strings.HasSuffix(r.Unit, "/s") {
		return "≥"
	}
	return "≤"
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("porchlight-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	houses := fs.Int("houses", 1000, "houses in the big history")
	quick := fs.Bool("quick", false, "100 houses instead of -houses")
	residents := fs.Int("residents", 8, "residents in each house")
	days := fs.Int("days", 365, "days of history")
	fanOut := fs.Int("fanout", 1000, "houses whose prompts the fan-out through the Discord adapter delivers")
	latency := fs.Duration("latency", 50*time.Millisecond, "the platform's latency per call in the fan-out through the Discord adapter")
	cache := fs.String("cache", bench.DefaultCacheDir(), "where generated histories are kept")
	format := fs.String("format", "text", "text or json")
	idleHouses := fs.Int("idle-houses", 10000, "houses of the idle bot (tick-10k-cpu, rss-10k)")
	idleTicks := fs.Int("idle-ticks", 20, "quiet ticks the idle bot runs")
	idleQuiet := fs.Duration("idle-quiet", 10*time.Second, "real time the idle bot runs between ticks")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *quick {
		*houses = 100
		*idleTicks, *idleQuiet = 10, 5*time.Second
	}
	if *houses < 1 || *residents < 2 || *days < 1 || *fanOut < 1 || *idleHouses < 1 || *idleTicks < 1 || *idleQuiet <= 0 || (*format != "text" && *format != "json") {
		fmt.Fprintln(stderr, "porchlight-bench: -houses, -days, -fanout, -idle-houses and -idle-ticks must be at least 1, -idle-quiet more than 0, -residents at least 2, -format text or json")
		return 2
	}
	var out []result
	// The idle bot first, while the process holds nothing else: its CPU
	// and resident memory are the whole process's.
	idle, err := measureIdle(ctx, *idleHouses, *idleTicks, *idleQuiet, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "porchlight-bench: idle: %v\n", err)
		return 1
	}
	out = append(out, idle...)
	one := bench.Spec{Houses: 1, Residents: *residents, Days: *days}
	big := bench.Spec{Houses: *houses, Residents: *residents, Days: *days}
	var suites []*benchmarks.Suite
	for _, s := range []bench.Spec{one, big} {
		path, err := bench.Cached(ctx, *cache, s, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "porchlight-bench: %v\n", err)
			return 1
		}
		suites = append(suites, &benchmarks.Suite{Spec: s, Path: path})
	}
	ref, sut := suites[0], suites[1]
	n := min(*fanOut, *houses) // the unpaced fan-out on the history

	measure := func(name string, f func(*testing.B)) (testing.BenchmarkResult, bool) {
		if ctx.Err() != nil {
			return testing.BenchmarkResult{}, false
		}
		fmt.Fprintf(stderr, "measuring %s\n", name)
		r := testing.Benchmark(f)
		if r.N == 0 {
			fmt.Fprintf(stderr, "porchlight-bench: %s failed\n", name)
			return r, false
		}
		return r, true
	}
	// The digest at a year, of one house, on N house-years beside a house
	// with a week of history (digest-year), and beside one with the eight
	// weeks its trend reads (digest-year-8w, with no target): what the
	// history beyond the trend's window adds.
	for _, d := range []struct {
		name, beside string
		days         int
		target       bool
	}{{"digest-year", "a week", 7, true}, {"digest-year-8w", "eight weeks", 56, false}} {
		spec := bench.Spec{Houses: 1, Residents: *residents, Days: d.days}
		path, err := bench.Cached(ctx, *cache, spec, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "porchlight-bench: %v\n", err)
			return 1
		}
		short := &benchmarks.Suite{Spec: spec, Path: path}
		r, ok := measure(fmt.Sprintf("%s (%d house-years, beside %s of history)", d.name, *houses, d.beside), benchmarks.Pair(short.DigestOp, sut.DigestOp))
		if !ok {
			return 1
		}
		res := ratio(paired(d.name, r))
		if d.target {
			res = check(res, historyTarget)
		}
		out = append(out, res)
	}
	// The periodic work, on N house-years beside one.
	for _, p := range []struct {
		name string
		op   func(*benchmarks.Suite) func(*testing.B) benchmarks.Op
	}{
		{"due-history", func(s *benchmarks.Suite) func(*testing.B) benchmarks.Op { return s.DueOp }},
		{"tick-history", func(s *benchmarks.Suite) func(*testing.B) benchmarks.Op { return s.TickOp }},
		{"retention-history", func(s *benchmarks.Suite) func(*testing.B) benchmarks.Op { return s.RetentionOp }},
	} {
		r, ok := measure(fmt.Sprintf("%s (%d house-years, beside 1)", p.name, *houses), benchmarks.Pair(p.op(ref), p.op(sut)))
		if !ok {
			return 1
		}
		out = append(out, check(paired(p.name, r), historyTarget))
	}
	// A night of every house's retention on N house-years, against the
	// minute that 1,000 house-years may take (in proportion for another
	// N), and its longest hold of the writer, against 100 ms.
	rn, okN := measure(fmt.Sprintf("retention-night (%d house-years)", *houses), sut.RetentionNight)
	if !okN {
		return 1
	}
	out = append(out,
		check(result{Name: "retention-night", Value: float64(rn.NsPerOp()) / 1e9, Unit: "s", Reference: retentionNightBudget.Seconds() * float64(*houses) / 1000}, 1),
		check(result{Name: "retention-hold", Value: rn.Extra["max-hold-ms"], Unit: "ms", Reference: float64(retentionHoldBudget.Milliseconds())}, 1))
	// Ingest against raw SQLite on a new database with the same houses:
	// one at a time against the same statements run raw, with concurrency
	// against one-row raw transactions.
	rawRow, okR := measure("ingest-c8, ingest-c64 (raw one-row transactions)", sut.RawIngest(false))
	if !okR {
		return 1
	}
	for _, c := range []int{1, 8, 64} {
		name := fmt.Sprintf("ingest-c%d", c)
		r, ok := measure(name, sut.Ingest(c))
		if !ok {
			return 1
		}
		res, target := result{Name: name, Value: r.Extra["answers/s"], Unit: "answers/s", Reference: rawRow.Extra["answers/s"]}, 1.0
		if c == 1 {
			// Measured answer by answer beside the core's (Ingest).
			res.Reference, target = r.Extra["raw-answers/s"], 0.9
		}
		out = append(out, checkAtLeast(res, target))
	}
	// Start-up to ready on N house-years against the same on a new
	// database.
	rS, okS := measure(fmt.Sprintf("start-history (%d house-years, beside a fresh database)", *houses), benchmarks.Pair(sut.StartOp(true), sut.StartOp(false)))
	if !okS {
		return 1
	}
	out = append(out, check(paired("start-history", rS), startTarget))
	// Fan-out on the history, through an adapter with no latency and no
	// limits: the core, store and sender's own speed.
	r, ok := measure(fmt.Sprintf("fanout-%d-unpaced", n), sut.FanOut(n, 0))
	if !ok {
		return 1
	}
	out = append(out, result{Name: fmt.Sprintf("fanout-%d-unpaced", n), Value: r.Extra["prompts/s"], Unit: "prompts/s"})
	// Fan-out through the real Discord adapter against the fake Discord,
	// which answers after the latency and enforces Discord's limits,
	// against the floor that the global limit of 50 requests a second
	// sets for the requests it took; any 429 fails it.
	fo := fanOutDiscord(measure, *fanOut, *latency)
	if fo == nil {
		return 1
	}
	out = append(out, fo...)

	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return 1
		}
		return 0
	}
	fmt.Fprintf(stdout, "%d house-years (%d residents each) against 1 house-year; fan-out of %d houses' prompts on the history, of %d through the Discord adapter at %s latency\n", *houses, *residents, n, *fanOut, *latency)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "name\tvalue\tunit\treference\tratio\ttarget\tpass\t")
	for _, r := range out {
		ref, rat, tgt, pass := "", "", "", ""
		if r.Reference != 0 {
			ref, rat = fmt.Sprintf("%.3g", r.Reference), fmt.Sprintf("%.2f", r.Ratio)
		}
		if r.Target != nil {
			tgt, pass = fmt.Sprintf("%s %.2g", r.bound(), *r.Target), fmt.Sprint(*r.Pass)
		}
		fmt.Fprintf(tw, "%s\t%.3g\t%s\t%s\t%s\t%s\t%s\t\n", r.Name, r.Value, r.Unit, ref, rat, tgt, pass)
	}
	tw.Flush()
	return 0
}

// fanOutDiscord measures the fan-out of houses houses' prompts through the
// Discord adapter at latency: fanout-N in seconds against the floor of its
// requests at Discord's 50 a second (at most 1.1×), and fanout-N-429s,
// the fake's 429s, which must be none.
func fanOutDiscord(measure func(string, func(*testing.B)) (testing.BenchmarkResult, bool), houses int, latency time.Duration) []result {
	name := fmt.Sprintf("fanout-%d", houses)
	r, ok := measure(fmt.Sprintf("%s (Discord adapter, %s latency)", name, latency), benchmarks.FanOutDiscord(houses, latency))
	if !ok {
		return nil
	}
	floor := r.Extra["requests/op"] / discordGlobalLimit
	limited := r.Extra["429s/op"]
	none, pass := 0.0, limited == 0
	return []result{
		check(result{Name: name, Value: float64(r.NsPerOp()) / 1e9, Unit: "s", Reference: floor}, fanOutTarget),
		{Name: name + "-429s", Value: limited, Unit: "429s", Target: &none, Pass: &pass},
	}
}

// discordGlobalLimit is Discord's global rate limit, requests a second.
const discordGlobalLimit = 50

// fanOutTarget is the most a fan-out may take against its rate-limit
// floor.
const fanOutTarget = 1.1

// paired is the result of a benchmarks.Pair: the figure beside its
// reference, in milliseconds.
func paired(name string, r testing.BenchmarkResult) result {
	return result{Name: name, Value: r.Extra["sut-ms/op"], Unit: "ms", Reference: r.Extra["ref-ms/op"]}
}

// historyTarget is the most that periodic work may cost on N house-years,
// or the digest at a year, against its reference: it must not grow with
// the history kept.
const historyTarget = 1.2

// Retention budgets (issue 23): a night of retention for 1,000 house-years
// ends within a minute, and holds the writer under 100 ms at a time.
const (
	retentionNightBudget = time.Minute // for 1,000 houses
	retentionHoldBudget  = 100 * time.Millisecond
)

// startTarget is the most that starting on N house-years after a clean
// stop may cost against starting on a new database: the integrity check
// that reads the whole file runs in the background then, so start-up
// must not grow with the history.
const startTarget = historyTarget

// check fills in r's ratio and whether it keeps under target.
func check(r result, target float64) result {
	r = ratio(r)
	pass := r.Ratio <= target
	r.Target, r.Pass = &target, &pass
	return r
}

// checkAtLeast fills in r's ratio and whether it reaches target; r is a
// rate.
func checkAtLeast(r result, target float64) result {
	r = ratio(r)
	pass := r.Ratio >= target
	r.Target, r.Pass = &target, &pass
	return r
}

// Idle budgets (issue 23): a bot of 10,000 houses with nothing due uses
// under 2% of one core and under 200 MB of resident memory.
const (
	idleCPUBudget = 2   // percent of one core
	idleRSSBudget = 200 // MB
)

// measureIdle measures the idle bot of houses houses with three residents
// each (bench.MeasureIdle): its CPU against the budget of 2% of a core, and
// its resident memory against 200 MB. The names carry the houses: tick-10k-cpu
// and rss-10k at 10,000.
func measureIdle(ctx context.Context, houses, ticks int, quiet time.Duration, stderr io.Writer) ([]result, error) {
	size := strconv.Itoa(houses)
	if houses%1000 == 0 {
		size = strconv.Itoa(houses/1000) + "k"
	}
	fmt.Fprintf(stderr, "measuring tick-%s-cpu and rss-%s (%d houses, %d ticks, %s quiet)\n", size, size, houses, ticks, quiet)
	dir, err := os.MkdirTemp("", "porchlight-bench-idle-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	idle, err := bench.MeasureIdle(ctx, dir, houses, 3, ticks, quiet)
	if err != nil {
		return nil, err
	}
	return []result{
		check(result{Name: "tick-" + size + "-cpu", Value: idle.CPU * 100, Unit: "% of a core", Reference: idleCPUBudget}, 1),
		check(result{Name: "rss-" + size, Value: float64(idle.RSS) / 1e6, Unit: "MB", Reference: idleRSSBudget}, 1),
	}, nil
}

// ratio fills in r's ratio to its reference.
func ratio(r result) result {
	if r.Reference != 0 {
		r.Ratio = r.Value / r.Reference
	}
	return r
}
