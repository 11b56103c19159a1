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
	// Target is the most the ratio may be. Target and Pass are null for a
	// figure with no target measured in this run.
	Target *float64 `json:"target"`
	Pass   *bool    `json:"pass"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("porchlight-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	houses := fs.Int("houses", 1000, "houses in the big history")
	quick := fs.Bool("quick", false, "100 houses instead of -houses")
	residents := fs.Int("residents", 8, "residents in each house")
	days := fs.Int("days", 365, "days of history")
	fanOut := fs.Int("fanout", 100, "houses whose prompts the fan-out delivers")
	latency := fs.Duration("latency", 50*time.Millisecond, "the platform's latency per call in the slow fan-out")
	cache := fs.String("cache", bench.DefaultCacheDir(), "where generated histories are kept")
	format := fs.String("format", "text", "text or json")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *quick {
		*houses = 100
	}
	if *houses < 1 || *residents < 2 || *days < 1 || *fanOut < 1 || (*format != "text" && *format != "json") {
		fmt.Fprintln(stderr, "porchlight-bench: -houses, -days and -fanout must be at least 1, -residents at least 2, -format text or json")
		return 2
	}
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
	n := min(*fanOut, *houses)

	var out []result
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
	// The digest at a year against a week, of one house, on N house-years
	// against a one-house week.
	week := bench.Spec{Houses: 1, Residents: *residents, Days: 7}
	weekPath, err := bench.Cached(ctx, *cache, week, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "porchlight-bench: %v\n", err)
		return 1
	}
	rW, okW := measure("digest-year (a week of history)", (&benchmarks.Suite{Spec: week, Path: weekPath}).Digest)
	rY, okY := measure(fmt.Sprintf("digest-year (%d house-years)", *houses), sut.Digest)
	if !okW || !okY {
		return 1
	}
	out = append(out, check(result{Name: "digest-year", Value: ms(rY), Unit: "ms", Reference: ms(rW)}, historyTarget))
	// The periodic work, on N house-years against one.
	for _, p := range []struct {
		name string
		f    func(*benchmarks.Suite) func(*testing.B)
	}{
		{"due-history", func(s *benchmarks.Suite) func(*testing.B) { return s.Due }},
		{"tick-history", func(s *benchmarks.Suite) func(*testing.B) { return s.Tick }},
		{"retention-history", func(s *benchmarks.Suite) func(*testing.B) { return s.Retention }},
	} {
		r1, ok1 := measure(p.name+" (1 house-year)", p.f(ref))
		rN, okN := measure(fmt.Sprintf("%s (%d house-years)", p.name, *houses), p.f(sut))
		if !ok1 || !okN {
			return 1
		}
		out = append(out, check(result{Name: p.name, Value: ms(rN), Unit: "ms", Reference: ms(r1)}, historyTarget))
	}
	// Ingest: with concurrency against one at a time.
	var c1 float64
	for _, c := range []int{1, 8, 64} {
		r, ok := measure(fmt.Sprintf("ingest-c%d", c), sut.Ingest(c))
		if !ok {
			return 1
		}
		rate := r.Extra["answers/s"]
		if c == 1 {
			c1 = rate
			out = append(out, result{Name: "ingest-c1", Value: rate, Unit: "answers/s"})
			continue
		}
		out = append(out, ratio(result{Name: fmt.Sprintf("ingest-c%d", c), Value: rate, Unit: "answers/s", Reference: c1}))
	}
	// Fan-out, without latency, and with latency and paced as the bot
	// paces Discord, against the floor that Discord's global limit of 50
	// requests a second sets.
	r, ok := measure(fmt.Sprintf("fanout-%d-unpaced", n), sut.FanOut(n, 0, 0))
	if !ok {
		return 1
	}
	out = append(out, result{Name: fmt.Sprintf("fanout-%d-unpaced", n), Value: r.Extra["prompts/s"], Unit: "prompts/s"})
	r, ok = measure(fmt.Sprintf("fanout-%d (%s latency)", n, *latency), sut.FanOut(n, *latency, benchmarks.DiscordPace))
	if !ok {
		return 1
	}
	floor := float64(n) / 50 // seconds, at 50 requests/s
	out = append(out, check(result{Name: fmt.Sprintf("fanout-%d", n), Value: float64(r.NsPerOp()) / 1e9, Unit: "s", Reference: floor}, 1.1))

	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return 1
		}
		return 0
	}
	fmt.Fprintf(stdout, "%d house-years (%d residents each) against 1 house-year; fan-out of %d houses' prompts\n", *houses, *residents, n)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "name\tvalue\tunit\treference\tratio\ttarget\tpass\t")
	for _, r := range out {
		ref, rat, tgt, pass := "", "", "", ""
		if r.Reference != 0 {
			ref, rat = fmt.Sprintf("%.3g", r.Reference), fmt.Sprintf("%.2f", r.Ratio)
		}
		if r.Target != nil {
			tgt, pass = fmt.Sprintf("≤ %.2g", *r.Target), fmt.Sprint(*r.Pass)
		}
		fmt.Fprintf(tw, "%s\t%.3g\t%s\t%s\t%s\t%s\t%s\t\n", r.Name, r.Value, r.Unit, ref, rat, tgt, pass)
	}
	tw.Flush()
	return 0
}

// ms is a result's time per operation in milliseconds.
func ms(r testing.BenchmarkResult) float64 { return float64(r.NsPerOp()) / 1e6 }

// historyTarget is the most that periodic work may cost on N house-years,
// or the digest at a year, against its reference: it must not grow with
// the history kept.
const historyTarget = 1.2

// check fills in r's ratio and whether it keeps under target.
func check(r result, target float64) result {
	r = ratio(r)
	pass := r.Ratio <= target
	r.Target, r.Pass = &target, &pass
	return r
}

// ratio fills in r's ratio to its reference.
func ratio(r result) result {
	if r.Reference != 0 {
		r.Ratio = r.Value / r.Reference
	}
	return r
}
