package scheduler

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/backoff"
)

func TestRetry(t *testing.T) {
	when := at(t, "2026-03-08T08:00:00Z")
	base, limit := 10*time.Second, 5*time.Minute
	t.Run("a failing run is called again after a growing, jittered wait", func(t *testing.T) {
		log, buf := newLog()
		var waits []time.Duration
		calls := 0
		job := Retry{Attempts: 6, Base: base, Limit: limit, Log: log,
			Sleep: func(_ context.Context, d time.Duration) bool { waits = append(waits, d); return true },
		}.Job("h/checkin.open/0", func(_ context.Context, got time.Time) error {
			if !got.Equal(when) {
				t.Errorf("retry called with %v, want the run's own time %v", got, when)
			}
			if calls++; calls < 3 {
				return errors.New("database is locked")
			}
			return nil
		})
		job(context.Background(), when)
		if calls != 3 {
			t.Fatalf("called %d times, want 3 (two failures, then success)", calls)
		}
		if len(waits) != 2 {
			t.Fatalf("waited %d times, want 2", len(waits))
		}
		for i, w := range waits {
			if c := backoff.Ceiling(i+1, base, limit); w < c/2 || w > c {
				t.Errorf("wait %d = %v, want within [%v, %v]", i+1, w, c/2, c)
			}
		}
		if got := buf.String(); !strings.Contains(got, "job failed; retrying") || strings.Contains(got, "level=ERROR") {
			t.Errorf("want two retry warnings and no error:\n%s", got)
		}
	})
	t.Run("gives up after its attempts, with an error in the log", func(t *testing.T) {
		log, buf := newLog()
		calls := 0
		Retry{Attempts: 3, Base: base, Limit: limit, Log: log,
			Sleep: func(context.Context, time.Duration) bool { return true },
		}.Job("k", func(context.Context, time.Time) error { calls++; return errors.New("disk full") })(context.Background(), when)
		if calls != 3 {
			t.Errorf("called %d times, want 3", calls)
		}
		if got := buf.String(); !strings.Contains(got, `level=ERROR msg="job failed" key=k`) || !strings.Contains(got, "attempts=3") {
			t.Errorf("log lacks the final error:\n%s", got)
		}
	})
	t.Run("stops when its context ends during the wait", func(t *testing.T) {
		log, _ := newLog()
		ctx, cancel := context.WithCancel(context.Background())
		calls := 0
		Retry{Attempts: 6, Base: base, Limit: limit, Log: log,
			Sleep: func(ctx context.Context, d time.Duration) bool { cancel(); return backoff.Sleep(ctx, d) },
		}.Job("k", func(context.Context, time.Time) error { calls++; return errors.New("busy") })(ctx, when)
		if calls != 1 {
			t.Errorf("called %d times after the context ended, want 1", calls)
		}
	})
	t.Run("zero attempts still runs once", func(t *testing.T) {
		calls := 0
		Retry{}.Job("k", func(context.Context, time.Time) error { calls++; return errors.New("x") })(context.Background(), when)
		if calls != 1 {
			t.Errorf("called %d times, want 1", calls)
		}
	})
}
