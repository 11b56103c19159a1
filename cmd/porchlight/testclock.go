package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// EnvTestClock is for Porchlight's own end-to-end tests only; operators
// never set it. When it holds an RFC 3339 time, "porchlight run":
//
//   - starts its clock at that time, running on at wall speed from there;
//   - leaves the wall-clock scheduler stopped, so no job fires on its own:
//     the jobs due at start run once (the catch-up), and after that only
//     when the test moves the clock;
//   - reads ":advance DURATION" lines from stdin; each moves the clock
//     forward and runs what fell due, as after downtime (Bot.CatchUp), then
//     logs "test clock advanced".
//
// So a test sees a check-in scheduled at 14:00 open the moment it writes
// ":advance 2m" to a bot started at 13:58, and never waits on real cron
// time. The outbox sender still polls on wall time, so a retry after a
// failed send is not held up. It is the run-time twin of "porchlight demo
// --script --start" and its ":advance". It cannot be used with a console
// house, which reads stdin itself.
const EnvTestClock = "PORCHLIGHT_TEST_CLOCK"

// testClock returns the clock EnvTestClock asks for, or nil when it is
// unset.
func testClock(getenv func(string) string, houses []*bot.House) (*demoClock, error) {
	v := strings.TrimSpace(getenv(EnvTestClock))
	if v == "" {
		return nil, nil
	}
	start, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, fmt.Errorf("%s: want an RFC 3339 time such as 2026-11-16T08:59:00-06:00, got %q", EnvTestClock, v)
	}
	for _, h := range houses {
		if h.Platform == "console" {
			return nil, fmt.Errorf("%s: the test clock reads stdin, which the console house %q uses", EnvTestClock, h.Name)
		}
	}
	c := &demoClock{}
	c.advance(time.Until(start))
	return c, nil
}

// parseAdvance reads an ":advance DURATION" line. ok is false for any other
// line; err is set when the line is ":advance" with a bad duration.
func parseAdvance(line string) (d time.Duration, ok bool, err error) {
	f := strings.Fields(line)
	if len(f) == 0 || f[0] != ":advance" {
		return 0, false, nil
	}
	if len(f) != 2 {
		return 0, true, errors.New("usage: :advance DURATION, such as 30m, 2h, 1d or 1d2h30m")
	}
	d, err = parseSpan(f[1])
	if err != nil {
		return 0, true, fmt.Errorf("usage: :advance DURATION: %w", err)
	}
	return d, true, nil
}

// parseSpan reads a positive span of time as Go writes durations (2h30m,
// 90s), with days in front if wanted: 1d, 3d12h. A day is 24 hours of the
// clock, as ":advance" moves it.
func parseSpan(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a span of time such as 30m, 2h, 1d or 1d2h30m", s)
	var days time.Duration
	rest := s
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		n, err := strconv.ParseUint(s[:i], 10, 16)
		if err != nil {
			return 0, bad
		}
		days, rest = time.Duration(n)*24*time.Hour, s[i+1:]
	}
	var d time.Duration
	if rest != "" {
		var err error
		if d, err = time.ParseDuration(rest); err != nil || d < 0 {
			return 0, bad
		}
	}
	if d += days; d <= 0 {
		return 0, bad
	}
	return d, nil
}

// driveTestClock reads ":advance DURATION" lines from in until the end of
// input or ctx ends. Each moves clock forward and runs the jobs that fell
// due. Errors are logged, not fatal: the test reads the log.
func driveTestClock(ctx context.Context, in io.Reader, clock *demoClock, b *bot.Bot, log *slog.Logger) {
	log = log.With("component", "testclock")
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		if ctx.Err() != nil {
			return
		}
		d, ok, err := parseAdvance(sc.Text())
		switch {
		case !ok:
			log.Warn("unknown test clock control; want \":advance DURATION\"")
			continue
		case err != nil:
			log.Warn("bad test clock control", "err", err)
			continue
		}
		clock.advance(d)
		if err := b.CatchUp(ctx); err != nil {
			log.Error("jobs after advance", "err", err)
			continue
		}
		log.Info("test clock advanced", "by", d, "now", clock.Now().UTC().Format(time.RFC3339))
	}
}
