package scheduler

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

// wait is how long a test waits for something that should happen at once.
const wait = 10 * time.Second

// fakeClock always says the same time.
type fakeClock struct{ t time.Time }

func (c fakeClock) Now() time.Time { return c.t }

// once is a schedule that fires once, at a time already past, so the real
// cron loop fires it at once: tests never wait on wall-clock schedules.
type once struct {
	mu   sync.Mutex
	at   time.Time
	used bool
}

func (o *once) Next(time.Time) time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.used {
		return time.Time{}
	}
	o.used = true
	return o.at
}

// logBuffer collects log output from many goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newLog returns a debug-level logger writing to a buffer.
func newLog() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// started returns a started Scheduler that is stopped at cleanup.
func started(t *testing.T, s *Scheduler) *Scheduler {
	t.Helper()
	s.Start()
	t.Cleanup(func() {
		if err := s.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return s
}

func nop(context.Context, time.Time) {}

func TestAddRemoveReplace(t *testing.T) {
	ny := zone(t, "America/New_York")
	clock := fakeClock{at(t, "2026-03-07T12:00:00-05:00")}
	for _, running := range []bool{false, true} {
		name := map[bool]string{false: "stopped", true: "running"}[running]
		t.Run(name, func(t *testing.T) {
			s := New(nil, WithClock(clock))
			if running {
				started(t, s)
			}
			next := func(key string) string {
				got, ok := s.Next(key)
				if !ok {
					return "none"
				}
				return got.Format(time.RFC3339)
			}
			if err := s.Add("b", "0 8 * * *", ny, nop); err != nil {
				t.Fatal(err)
			}
			if err := s.Add("a", "@hourly", time.UTC, nop); err != nil {
				t.Fatal(err)
			}
			if got, want := s.Keys(), []string{"a", "b"}; !slices.Equal(got, want) {
				t.Errorf("got keys %v, want %v", got, want)
			}
			if got, want := next("b"), "2026-03-08T08:00:00-04:00"; got != want {
				t.Errorf("got next %s, want %s", got, want)
			}

			err := s.Add("bad", "61 * * * *", ny, nop)
			if want := `scheduler: add bad: bad cron spec "61 * * * *": `; err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("got %v, want an error starting %q", err, want)
			}

			if err := s.Add("b", "0 9 * * *", ny, nop); err != nil {
				t.Fatal(err)
			}
			if got, want := next("b"), "2026-03-08T09:00:00-04:00"; got != want {
				t.Errorf("after replace got next %s, want %s", got, want)
			}
			if got := len(s.cron.Entries()); got != 2 {
				t.Errorf("after replace got %d cron entries, want 2", got)
			}

			s.Remove("b")
			s.Remove("nope")
			if got, want := s.Keys(), []string{"a"}; !slices.Equal(got, want) {
				t.Errorf("got keys %v, want %v", got, want)
			}
			if got := len(s.cron.Entries()); got != 1 {
				t.Errorf("after remove got %d cron entries, want 1", got)
			}
			if got := next("b"); got != "none" {
				t.Errorf("got next %s for a removed job, want none", got)
			}
		})
	}
	t.Run("invalid", func(t *testing.T) {
		s := New(nil)
		if err := s.AddSchedule("", &once{}, nop); err == nil {
			t.Error("got no error for an empty key")
		}
		if err := s.AddSchedule("k", &once{}, nil); err == nil {
			t.Error("got no error for a nil job")
		}
		if err := s.AddSchedule("k", nil, nop); err == nil {
			t.Error("got no error for a nil schedule")
		}
		if got := s.Keys(); len(got) != 0 {
			t.Errorf("got keys %v, want none", got)
		}
	})
}

// TestFires runs jobs through robfig's real loop and checks that each gets
// the time it was scheduled for, not the time it ran.
func TestFires(t *testing.T) {
	ny := zone(t, "America/New_York")
	want := at(t, "2026-03-08T08:00:00-04:00").In(ny)
	for _, addFirst := range []bool{true, false} {
		name := map[bool]string{true: "added before start", false: "added while running"}[addFirst]
		t.Run(name, func(t *testing.T) {
			s := New(nil)
			got := make(chan time.Time, 1)
			var ctxErr error
			job := func(ctx context.Context, scheduledFor time.Time) {
				ctxErr = ctx.Err()
				got <- scheduledFor
			}
			if !addFirst {
				started(t, s)
			}
			if err := s.AddSchedule("checkin.open/0", &once{at: want}, job); err != nil {
				t.Fatal(err)
			}
			if addFirst {
				started(t, s)
			}
			select {
			case g := <-got:
				if !g.Equal(want) || g.Location() != ny {
					t.Errorf("got %v, want %v", g, want)
				}
				if ctxErr != nil {
					t.Errorf("got job context error %v, want none", ctxErr)
				}
			case <-time.After(wait):
				t.Fatal("job did not run")
			}
		})
	}
}

func TestRunning(t *testing.T) {
	s := New(nil)
	if s.Running() {
		t.Fatal("a new scheduler runs, want stopped")
	}
	s.Start()
	if !s.Running() {
		t.Fatal("after Start the scheduler is not running")
	}
	if err := s.Stop(context.Background()); err != nil || s.Running() {
		t.Fatalf("after Stop: err %v, running %v; want stopped", err, s.Running())
	}
}

func TestStop(t *testing.T) {
	past := at(t, "2026-03-08T08:00:00Z")
	t.Run("waits for a running job", func(t *testing.T) {
		s := New(nil)
		began, release := make(chan struct{}), make(chan struct{})
		var errInJob error
		s.AddSchedule("k", &once{at: past}, func(ctx context.Context, _ time.Time) {
			close(began)
			<-release
			errInJob = ctx.Err() // still live: Stop cancels only after jobs end
		})
		s.Start()
		<-began
		stopped := make(chan error, 1)
		go func() { stopped <- s.Stop(context.Background()) }()
		close(release)
		select {
		case err := <-stopped:
			if err != nil {
				t.Errorf("got %v, want nil", err)
			}
			if errInJob != nil {
				t.Errorf("job saw context error %v before it returned, want none", errInJob)
			}
		case <-time.After(wait):
			t.Fatal("Stop did not return")
		}
	})
	t.Run("ctx ends first and the jobs are cancelled", func(t *testing.T) {
		s := New(nil)
		began, jobDone := make(chan struct{}), make(chan struct{})
		s.AddSchedule("k", &once{at: past}, func(ctx context.Context, _ time.Time) {
			close(began)
			<-ctx.Done()
			close(jobDone)
		})
		s.Start()
		<-began
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := s.Stop(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
		select {
		case <-jobDone:
		case <-time.After(wait):
			t.Fatal("job context was not cancelled")
		}
	})
	t.Run("never started", func(t *testing.T) {
		if err := New(nil).Stop(context.Background()); err != nil {
			t.Errorf("got %v, want nil", err)
		}
	})
	t.Run("restart", func(t *testing.T) {
		s := New(nil)
		s.Start()
		if err := s.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := make(chan error, 1)
		s.AddSchedule("k", &once{at: past}, func(ctx context.Context, _ time.Time) { got <- ctx.Err() })
		started(t, s)
		select {
		case err := <-got:
			if err != nil {
				t.Errorf("got job context error %v after restart, want none", err)
			}
		case <-time.After(wait):
			t.Fatal("job did not run after restart")
		}
	})
}

// TestPanic checks that a panicking job is logged with its key and does not
// kill the process, through the real loop.
func TestPanic(t *testing.T) {
	log, buf := newLog()
	s := New(log)
	ran := make(chan struct{})
	s.AddSchedule("boom", &once{at: at(t, "2026-03-08T08:00:00Z")}, func(context.Context, time.Time) {
		close(ran)
		panic("boom")
	})
	s.Start()
	<-ran
	if err := s.Stop(context.Background()); err != nil { // waits for Recover to finish
		t.Fatal(err)
	}
	for _, want := range []string{`msg="job panicked" component=scheduler key=boom`, `msg="cron: panic"`, "err=boom"} {
		if got := buf.String(); !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
}

// chained wraps a runner in the chain New gives cron, as cron would.
func chained(log *slog.Logger, r runner) cron.Job {
	return cron.NewChain(jobWrappers(cronLogger{log})...).Then(r)
}

// fixedStart is a runner start that always succeeds with t.
func fixedStart(t time.Time) func() (context.Context, time.Time, bool) {
	return func() (context.Context, time.Time, bool) { return context.Background(), t, true }
}

func TestRunner(t *testing.T) {
	when := at(t, "2026-03-08T08:00:00Z")
	t.Run("panic is recovered", func(t *testing.T) {
		log, buf := newLog()
		job := chained(log, runner{key: "boom", log: log, clock: fakeClock{when}, start: fixedStart(when),
			job: func(context.Context, time.Time) { panic("boom") }})
		job.Run() // must return, not panic
		for _, want := range []string{"job panicked", "key=boom", "cron: panic"} {
			if got := buf.String(); !strings.Contains(got, want) {
				t.Errorf("log lacks %q:\n%s", want, got)
			}
		}
	})
	t.Run("skips while still running", func(t *testing.T) {
		log, buf := newLog()
		var calls atomic.Int32
		began, release, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
		job := chained(log, runner{key: "slow", log: log, clock: fakeClock{when}, start: fixedStart(when),
			job: func(context.Context, time.Time) {
				if calls.Add(1) == 1 {
					close(began)
					<-release
				}
			}})
		go func() { job.Run(); close(done) }()
		<-began
		job.Run() // skipped: returns at once
		close(release)
		<-done
		if got := calls.Load(); got != 1 {
			t.Errorf("got %d calls, want 1", got)
		}
		if got := buf.String(); !strings.Contains(got, "run skipped") {
			t.Errorf("log lacks the skip:\n%s", got)
		}
	})
	t.Run("removed before it began", func(t *testing.T) {
		called := false
		r := runner{key: "gone", log: slog.New(slog.DiscardHandler), clock: fakeClock{when},
			start: func() (context.Context, time.Time, bool) { return nil, time.Time{}, false },
			job:   func(context.Context, time.Time) { called = true }}
		r.Run()
		if called {
			t.Error("job ran after it was removed")
		}
	})
	t.Run("late start is logged", func(t *testing.T) {
		log, buf := newLog()
		var got time.Time
		r := runner{key: "late", log: log, clock: fakeClock{when.Add(5 * time.Minute)}, start: fixedStart(when),
			job: func(_ context.Context, at time.Time) { got = at }}
		r.Run()
		if !got.Equal(when) {
			t.Errorf("got %v, want %v", got, when)
		}
		if out := buf.String(); !strings.Contains(out, "job started late") || !strings.Contains(out, "late=5m0s") {
			t.Errorf("log lacks the late start:\n%s", out)
		}
	})
}
