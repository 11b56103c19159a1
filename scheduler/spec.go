package scheduler

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// parseOptions are the standard five fields plus descriptors; no seconds
// field, so specs read as they do in a crontab.
const parseOptions = cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor

// MaxLookback bounds how far back Missed and Prev search, as robfig's Next
// searches at most five years ahead. A spec that fires rarer than that (only
// "0 0 29 2 *" comes close) may be reported as never having fired.
const MaxLookback = 5 * 366 * 24 * time.Hour

// Parse validates spec and returns its schedule read in loc. The schedule's
// Next takes a time in any location and returns one in loc, or the zero time
// if there is none within five years. Errors read `bad cron spec "...": why`,
// fit to show in config validation. Parse never panics.
func Parse(spec string, loc *time.Location) (sched cron.Schedule, err error) {
	bad := func(why any) error { return fmt.Errorf("bad cron spec %q: %v", spec, why) }
	// robfig panics on some inputs (a bare "TZ=UTC"); those are rejected
	// below, and this guards against any left.
	defer func() {
		if r := recover(); r != nil {
			sched, err = nil, bad(r)
		}
	}()
	s := strings.TrimSpace(spec)
	upper := strings.ToUpper(s)
	switch {
	case loc == nil:
		return nil, bad("no time zone")
	case s == "":
		return nil, bad("empty")
	case strings.HasPrefix(upper, "TZ=") || strings.HasPrefix(upper, "CRON_TZ="):
		return nil, bad("a TZ= or CRON_TZ= prefix is not allowed; the house's time zone applies")
	}
	inner, err := cron.NewParser(parseOptions).Parse(s)
	if err != nil {
		return nil, bad(err)
	}
	switch in := inner.(type) {
	case *cron.SpecSchedule:
		in.Location = loc
		// A fixed start keeps Parse pure; a spec that matches any real
		// date matches one within the five years robfig searches from it.
		if in.Next(time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
			return nil, bad("it never fires")
		}
	case cron.ConstantDelaySchedule:
		// robfig silently raises anything shorter (even negative) to 1s.
		if d, err := time.ParseDuration(strings.TrimPrefix(s, "@every ")); err != nil || d < time.Second {
			return nil, bad("@every needs a duration of at least 1s")
		}
	}
	return located{inner: inner, loc: loc}, nil
}

// located is a schedule read in a fixed location, whatever the location of
// the time given to Next; cron's loop hands it times in UTC.
type located struct {
	inner cron.Schedule
	loc   *time.Location
}

// Next returns the first scheduled time after t, in the schedule's location,
// or the zero time if there is none.
func (l located) Next(t time.Time) time.Time {
	n := l.inner.Next(t.In(l.loc))
	if n.IsZero() {
		return n
	}
	return n.In(l.loc)
}

// gridless reports whether s is an @every schedule, whose times depend on
// where one starts counting.
func gridless(s cron.Schedule) bool {
	switch s := s.(type) {
	case located:
		return gridless(s.inner)
	case cron.ConstantDelaySchedule, *cron.ConstantDelaySchedule:
		return true
	}
	return false
}

// Missed returns the scheduled times strictly after last and at or before
// now, oldest first. When more than max are due it returns the most recent
// max of them: a long outage must not trigger an unbounded burst of runs.
// It returns nil when max < 1 or last is not before now. The search looks
// back at most MaxLookback from now, so a zero last is fine. For an @every
// schedule the times count from last when it is within the window searched,
// else from the start of that window. Missed is pure.
func Missed(s cron.Schedule, last, now time.Time, max int) []time.Time {
	if max < 1 || !last.Before(now) {
		return nil
	}
	// Growing windows keep frequent schedules cheap (a minutely spec needs
	// a few hundred Next calls, not one per minute since last) while rare
	// ones are still found.
	windows := [...]time.Duration{time.Minute, time.Hour, 24 * time.Hour, 8 * 24 * time.Hour, 32 * 24 * time.Hour, 366 * 24 * time.Hour, MaxLookback}
	for _, w := range windows {
		from := now.Add(-w)
		whole := !from.After(last)
		if whole {
			from = last
		}
		got := between(s, from, now, max)
		if len(got) == max || whole || w == MaxLookback {
			return got
		}
	}
	return nil // unreachable: the last window always returns
}

// between returns the last max scheduled times in (from, to], oldest first.
func between(s cron.Schedule, from, to time.Time, max int) []time.Time {
	var out []time.Time
	for t := s.Next(from); !t.IsZero() && !t.After(to); {
		out = append(out, t)
		if len(out) > max {
			out = out[1:]
		}
		n := s.Next(t)
		if !n.After(t) {
			break // a schedule that does not advance would loop forever
		}
		t = n
	}
	return out
}

// Prev returns the latest scheduled time at or before t, looking back at
// most MaxLookback. It returns false if there is none in that window, and
// for @every schedules, which have no fixed times to look back on. Prev is
// pure.
func Prev(s cron.Schedule, t time.Time) (time.Time, bool) {
	if gridless(s) {
		return time.Time{}, false
	}
	got := Missed(s, t.Add(-MaxLookback), t, 1)
	if len(got) == 0 {
		return time.Time{}, false
	}
	return got[0], true
}

// DefaultMaxMissed is the cap Specs applies to Missed when MaxMissed is 0.
const DefaultMaxMissed = 100

// Specs answers questions about specs given as text. It has the method set
// of the core's Schedules interface (bot.Schedules), which it implements
// without importing it.
type Specs struct {
	// MaxMissed caps the times Missed returns; 0 means DefaultMaxMissed.
	MaxMissed int
}

// Next returns the first time after `after` at which spec fires in loc.
func (sp Specs) Next(spec string, loc *time.Location, after time.Time) (time.Time, error) {
	s, err := Parse(spec, loc)
	if err != nil {
		return time.Time{}, err
	}
	t := s.Next(after)
	if t.IsZero() {
		return time.Time{}, fmt.Errorf("cron spec %q: no run within five years", spec)
	}
	return t, nil
}

// Missed returns the times spec fired in loc strictly after last and at or
// before now, oldest first, capped to the most recent MaxMissed.
func (sp Specs) Missed(spec string, loc *time.Location, last, now time.Time) ([]time.Time, error) {
	s, err := Parse(spec, loc)
	if err != nil {
		return nil, err
	}
	max := sp.MaxMissed
	if max == 0 {
		max = DefaultMaxMissed
	}
	return Missed(s, last, now, max), nil
}
