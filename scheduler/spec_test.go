package scheduler

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the host's zoneinfo

	"github.com/robfig/cron/v3"
)

// zone loads a location or fails the test.
func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at parses an RFC 3339 time; the offset in it fixes the instant.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// format renders times as RFC 3339, which shows both instant and offset.
func format(ts []time.Time) string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Format(time.RFC3339)
	}
	return strings.Join(out, " ")
}

// mustParse parses a spec or fails the test.
func mustParse(t testing.TB, spec string, loc *time.Location) cron.Schedule {
	t.Helper()
	s, err := Parse(spec, loc)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		spec string
		want string // a substring of the error
	}{
		{"61 * * * *", `bad cron spec "61 * * * *": end of range (61) above maximum (59)`},
		{"", `bad cron spec "": empty`},
		{"   ", `bad cron spec "   ": empty`},
		{"0 8 * *", "expected exactly 5 fields"},
		{"0 0 8 * * *", "expected exactly 5 fields"},
		{"TZ=UTC", "TZ= or CRON_TZ= prefix is not allowed"}, // robfig panics on this one
		{"TZ=", "prefix is not allowed"},
		{"CRON_TZ=", "prefix is not allowed"},
		{"CRON_TZ=Europe/Berlin 0 8 * * *", "prefix is not allowed"},
		{"cron_tz=Europe/Berlin 0 8 * * *", "prefix is not allowed"},
		{"@fortnightly", "unrecognized descriptor"},
		{"@every", "unrecognized descriptor"},
		{"@every soon", "failed to parse duration"},
		{"@every 500ms", "at least 1s"},
		{"@every -1m", "at least 1s"},
		{"0 0 30 2 *", "never fires"},
		{"*/0 * * * *", "bad cron spec"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			s, err := Parse(tt.spec, time.UTC)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want an error", tt.spec, s)
			}
			if got := err.Error(); !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want it to contain %q", got, tt.want)
			}
		})
	}
	t.Run("no location", func(t *testing.T) {
		if _, err := Parse("0 8 * * *", nil); err == nil || !strings.Contains(err.Error(), "no time zone") {
			t.Errorf("got %v, want a no time zone error", err)
		}
	})
}

func TestParseAccepts(t *testing.T) {
	for _, spec := range []string{"0 8 * * *", " 0 8 * * 1-5 ", "*/15 9-17 * * MON-FRI", "0 0 29 2 *", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly", "@every 30s", "@every 1h30m"} {
		t.Run(spec, func(t *testing.T) {
			if _, err := Parse(spec, time.UTC); err != nil {
				t.Errorf("got %v, want no error", err)
			}
		})
	}
}

// FuzzParse checks that Parse never panics, whatever robfig does.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"TZ=", "TZ=UTC", "CRON_TZ=x", "TZ=UTC 0 8 * * *", "@every", "@", "0 8 * * *", "1-0 * * * *", "*/99 * * * *", "0 0 31 2 *"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := Parse(spec, time.UTC)
		if (s == nil) == (err == nil) {
			t.Errorf("Parse(%q) = %v, %v: want exactly one of schedule and error", spec, s, err)
		}
	})
}

func TestNext(t *testing.T) {
	ny := zone(t, "America/New_York")
	tests := []struct {
		name string
		spec string
		loc  *time.Location
		from string
		want string // the next runs, chained
	}{
		{"daily across spring forward", "0 8 * * *", ny, "2026-03-07T12:00:00-05:00",
			"2026-03-08T08:00:00-04:00 2026-03-09T08:00:00-04:00"},
		{"spring-forward gap skips the day", "30 2 * * *", ny, "2026-03-07T03:00:00-05:00",
			"2026-03-09T02:30:00-04:00 2026-03-10T02:30:00-04:00"},
		{"hourly skips the missing hour", "0 * * * *", ny, "2026-03-08T00:30:00-05:00",
			"2026-03-08T01:00:00-05:00 2026-03-08T03:00:00-04:00 2026-03-08T04:00:00-04:00"},
		{"repeated hour runs twice", "30 1 * * *", ny, "2026-10-31T02:00:00-04:00",
			"2026-11-01T01:30:00-04:00 2026-11-01T01:30:00-05:00 2026-11-02T01:30:00-05:00"},
		{"daily across fall back", "0 8 * * *", ny, "2026-10-31T09:00:00-04:00",
			"2026-11-01T08:00:00-05:00 2026-11-02T08:00:00-05:00"},
		{"weekday in Berlin across its spring forward", "0 9 * * MON", zone(t, "Europe/Berlin"), "2026-03-28T12:00:00Z",
			"2026-03-30T09:00:00+02:00 2026-04-06T09:00:00+02:00"},
		{"midnight in Kolkata", "@daily", zone(t, "Asia/Kolkata"), "2026-01-01T00:00:00Z",
			"2026-01-02T00:00:00+05:30 2026-01-03T00:00:00+05:30"},
		{"weekly in UTC", "@weekly", time.UTC, "2026-01-01T00:00:00Z",
			"2026-01-04T00:00:00Z 2026-01-11T00:00:00Z"},
		{"monthly in New York from a UTC time", "@monthly", ny, "2026-01-31T23:00:00Z",
			"2026-02-01T00:00:00-05:00 2026-03-01T00:00:00-05:00"},
		{"hourly in Kolkata keeps the half hour", "@hourly", zone(t, "Asia/Kolkata"), "2026-01-01T00:10:00Z",
			"2026-01-01T06:00:00+05:30 2026-01-01T07:00:00+05:30"},
		{"every 30s", "@every 30s", time.UTC, "2026-01-01T12:00:00Z",
			"2026-01-01T12:00:30Z 2026-01-01T12:01:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, tt.spec, tt.loc)
			var got []time.Time
			from := at(t, tt.from)
			for range strings.Count(tt.want, " ") + 1 {
				from = s.Next(from)
				got = append(got, from)
			}
			if g := format(got); g != tt.want {
				t.Errorf("got %s\nwant %s", g, tt.want)
			}
			for _, g := range got {
				if g.Location() != tt.loc {
					t.Errorf("got location %v, want %v", g.Location(), tt.loc)
				}
			}
		})
	}
}

// never is a schedule with no runs.
type never struct{}

func (never) Next(time.Time) time.Time { return time.Time{} }

func TestMissed(t *testing.T) {
	ny := zone(t, "America/New_York")
	daily := mustParse(t, "0 8 * * *", ny)
	tests := []struct {
		name      string
		sched     cron.Schedule
		last, now string
		max       int
		want      string
	}{
		{"none missed", daily, "2026-03-10T08:00:00-04:00", "2026-03-10T20:00:00-04:00", 10, ""},
		{"several missed", daily, "2026-03-07T08:00:00-05:00", "2026-03-10T09:00:00-04:00", 10,
			"2026-03-08T08:00:00-04:00 2026-03-09T08:00:00-04:00 2026-03-10T08:00:00-04:00"},
		{"now is inclusive, last exclusive", daily, "2026-03-08T08:00:00-04:00", "2026-03-10T08:00:00-04:00", 10,
			"2026-03-09T08:00:00-04:00 2026-03-10T08:00:00-04:00"},
		{"capped to the most recent", daily, "2026-01-01T00:00:00Z", "2026-03-10T09:00:00-04:00", 3,
			"2026-03-08T08:00:00-04:00 2026-03-09T08:00:00-04:00 2026-03-10T08:00:00-04:00"},
		{"zero last looks back", daily, "0001-01-01T00:00:00Z", "2026-03-10T09:00:00-04:00", 2,
			"2026-03-09T08:00:00-04:00 2026-03-10T08:00:00-04:00"},
		{"last after now", daily, "2026-03-11T00:00:00Z", "2026-03-10T00:00:00Z", 10, ""},
		{"last equals now", daily, "2026-03-10T08:00:00-04:00", "2026-03-10T08:00:00-04:00", 10, ""},
		{"max zero", daily, "2026-03-01T00:00:00Z", "2026-03-10T00:00:00Z", 0, ""},
		{"spring-forward gap", mustParse(t, "30 2 * * *", ny), "2026-03-07T02:30:00-05:00", "2026-03-09T12:00:00-04:00", 10,
			"2026-03-09T02:30:00-04:00"},
		{"repeated hour", mustParse(t, "30 1 * * *", ny), "2026-10-31T01:30:00-04:00", "2026-11-01T12:00:00-05:00", 10,
			"2026-11-01T01:30:00-04:00 2026-11-01T01:30:00-05:00"},
		{"minutely over a long outage", mustParse(t, "* * * * *", time.UTC), "2025-01-01T00:00:00Z", "2026-03-10T12:00:00Z", 3,
			"2026-03-10T11:58:00Z 2026-03-10T11:59:00Z 2026-03-10T12:00:00Z"},
		{"every counts from last", mustParse(t, "@every 45s", time.UTC), "2026-03-10T12:00:10Z", "2026-03-10T12:02:30Z", 10,
			"2026-03-10T12:00:55Z 2026-03-10T12:01:40Z 2026-03-10T12:02:25Z"},
		{"never", never{}, "2026-01-01T00:00:00Z", "2026-03-10T00:00:00Z", 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Missed(tt.sched, at(t, tt.last), at(t, tt.now), tt.max)
			if g := format(got); g != tt.want {
				t.Errorf("got %q\nwant %q", g, tt.want)
			}
		})
	}
}

func TestPrev(t *testing.T) {
	ny := zone(t, "America/New_York")
	daily := mustParse(t, "0 8 * * *", ny)
	tests := []struct {
		name  string
		sched cron.Schedule
		t     string
		want  string // empty: none
	}{
		{"at a run", daily, "2026-03-10T08:00:00-04:00", "2026-03-10T08:00:00-04:00"},
		{"just before a run", daily, "2026-03-10T07:59:59-04:00", "2026-03-09T08:00:00-04:00"},
		{"across spring forward", mustParse(t, "30 2 * * *", ny), "2026-03-08T23:00:00-04:00", "2026-03-07T02:30:00-05:00"},
		{"second of the repeated hour", mustParse(t, "30 1 * * *", ny), "2026-11-01T01:45:00-05:00", "2026-11-01T01:30:00-05:00"},
		{"leap day years back", mustParse(t, "0 0 29 2 *", time.UTC), "2026-06-01T00:00:00Z", "2024-02-29T00:00:00Z"},
		{"every has no grid", mustParse(t, "@every 1m", time.UTC), "2026-06-01T00:00:00Z", ""},
		{"never", never{}, "2026-06-01T00:00:00Z", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Prev(tt.sched, at(t, tt.t))
			if tt.want == "" {
				if ok {
					t.Errorf("got %v, want none", got)
				}
				return
			}
			if g := got.Format(time.RFC3339); !ok || g != tt.want {
				t.Errorf("got %s, %v, want %s", g, ok, tt.want)
			}
		})
	}
}

func TestSpecs(t *testing.T) {
	ny := zone(t, "America/New_York")
	t.Run("next", func(t *testing.T) {
		got, err := Specs{}.Next("0 8 * * *", ny, at(t, "2026-03-07T14:00:00Z"))
		if want := "2026-03-08T08:00:00-04:00"; err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("got %v, %v, want %s", got, err, want)
		}
	})
	t.Run("bad spec", func(t *testing.T) {
		if _, err := (Specs{}).Next("nope", ny, time.Now()); err == nil || !strings.Contains(err.Error(), `bad cron spec "nope"`) {
			t.Errorf("got %v, want a bad cron spec error", err)
		}
		if _, err := (Specs{}).Missed("TZ=UTC", ny, time.Time{}, time.Now()); err == nil {
			t.Error("got no error for a TZ= prefix")
		}
	})
	t.Run("missed is capped", func(t *testing.T) {
		got, err := Specs{}.Missed("@hourly", time.UTC, time.Time{}, at(t, "2026-03-10T12:00:00Z"))
		if err != nil || len(got) != DefaultMaxMissed {
			t.Fatalf("got %d times, %v, want %d", len(got), err, DefaultMaxMissed)
		}
		if g, want := got[len(got)-1].Format(time.RFC3339), "2026-03-10T12:00:00Z"; g != want {
			t.Errorf("got last %s, want %s", g, want)
		}
		got, _ = Specs{MaxMissed: 2}.Missed("@hourly", time.UTC, time.Time{}, at(t, "2026-03-10T12:00:00Z"))
		if len(got) != 2 {
			t.Errorf("got %d times, want 2", len(got))
		}
	})
}
