package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/porchlight/porchlight/backoff"
)

// Job is called with the exact scheduled time of the run, in the location
// of its schedule (08:00:00 house time, not the moment the goroutine
// started), so the caller can key the run by it. ctx is cancelled when Stop
// returns.
type Job func(ctx context.Context, scheduledFor time.Time)

// Clock lets tests inject time. SystemClock is the real one.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Option changes how New builds a Scheduler.
type Option func(*Scheduler)

// WithClock sets the clock used by Next and to tell how late a run starts.
// robfig's own loop always follows the real clock.
func WithClock(c Clock) Option { return func(s *Scheduler) { s.clock = c } }

// lateAfter is how late a run may start before it is logged as late, as
// after a machine wakes from sleep.
const lateAfter = time.Minute

// Scheduler runs keyed jobs on cron schedules. Jobs may be added, replaced
// and removed while it runs. A run is skipped while the previous run of the
// same job is still going, and a panicking job is logged, not fatal.
type Scheduler struct {
	log   *slog.Logger
	clock Clock
	cron  *cron.Cron

	mu      sync.Mutex
	entries map[string]*entry
	ctx     context.Context // jobs' context, made by Start
	cancel  context.CancelFunc
	running bool // between Start and Stop
}

// entry is one registered job.
type entry struct {
	sched cron.Schedule
	id    cron.EntryID // guarded by Scheduler.mu
}

// New returns a stopped Scheduler that logs through logger (nil discards).
func New(logger *slog.Logger, opts ...Option) *Scheduler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Scheduler{
		log:     logger.With("component", "scheduler"),
		clock:   SystemClock{},
		entries: map[string]*entry{},
	}
	for _, o := range opts {
		o(s)
	}
	l := cronLogger{s.log}
	s.cron = cron.New(
		cron.WithParser(cron.NewParser(parseOptions)),
		cron.WithLocation(time.UTC), // schedules carry their own location
		cron.WithLogger(l),
		cron.WithChain(jobWrappers(l)...),
	)
	return s
}

// jobWrappers is the chain every job runs in. Skip is outermost so that a
// skipped run never reaches Recover, and Recover is needed because robfig v3
// recovers nothing by default: one panicking job would kill the process.
func jobWrappers(l cron.Logger) []cron.JobWrapper {
	return []cron.JobWrapper{cron.SkipIfStillRunning(l), cron.Recover(l)}
}

// Add registers job under key on spec read in loc (see Parse), replacing any
// job with the same key.
func (s *Scheduler) Add(key, spec string, loc *time.Location, job Job) error {
	sched, err := Parse(spec, loc)
	if err != nil {
		return fmt.Errorf("scheduler: add %s: %w", key, err)
	}
	return s.AddSchedule(key, sched, job)
}

// AddSchedule is Add for a schedule already parsed (or any cron.Schedule).
// The job receives the times sched.Next returned; Parse's schedules return
// them in their location.
func (s *Scheduler) AddSchedule(key string, sched cron.Schedule, job Job) error {
	switch {
	case key == "":
		return errors.New("scheduler: add: empty key")
	case sched == nil || job == nil:
		return fmt.Errorf("scheduler: add %s: nil schedule or job", key)
	}
	e := &entry{sched: sched}
	r := runner{key: key, job: job, log: s.log, clock: s.clock}
	r.start = func() (context.Context, time.Time, bool) { return s.begin(e) }
	// Holding mu until e.id is set makes a run that fires at once wait in
	// begin for its id.
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.entries[key]; ok {
		s.cron.Remove(old.id) // robfig has no update call
	}
	e.id = s.cron.Schedule(sched, r)
	s.entries[key] = e
	return nil
}

// Remove unregisters the job under key, if any. A run of it that has fired
// but not yet started does not run.
func (s *Scheduler) Remove(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[key]; ok {
		s.cron.Remove(e.id)
		delete(s.entries, key)
	}
}

// Keys returns the registered keys, sorted.
func (s *Scheduler) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.entries))
	for k := range s.entries {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Next returns when the job under key next fires after the clock's now, and
// false if there is no such job or run.
func (s *Scheduler) Next(key string) (time.Time, bool) {
	s.mu.Lock()
	e, ok := s.entries[key]
	s.mu.Unlock()
	if !ok {
		return time.Time{}, false
	}
	t := e.sched.Next(s.clock.Now())
	return t, !t.IsZero()
}

// Start starts firing jobs in the background; it does nothing if already
// started. It may be called again after Stop.
func (s *Scheduler) Start() {
	s.mu.Lock()
	if s.ctx == nil || s.ctx.Err() != nil {
		s.ctx, s.cancel = context.WithCancel(context.Background())
	}
	s.running = true
	s.mu.Unlock()
	s.cron.Start()
}

// Running reports whether the scheduler fires jobs: Start was called and
// Stop was not, since.
func (s *Scheduler) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}

// Stop stops firing and waits for running jobs to finish or ctx to end,
// whichever comes first; then it cancels the jobs' context, so jobs still
// running after ctx ends are told to give up. It returns ctx's error if ctx
// ended first.
func (s *Scheduler) Stop(ctx context.Context) error {
	done := s.cron.Stop()
	s.mu.Lock()
	cancel := s.cancel
	s.running = false
	s.mu.Unlock()
	if cancel != nil {
		defer cancel()
	}
	select {
	case <-done.Done():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("scheduler: stop: %w", ctx.Err())
	}
}

// begin returns the context and scheduled time of the run of e that has
// just fired, and false if e was removed first.
//
// robfig's Job.Run takes no arguments, and cron's loop starts the job's
// goroutine before it records the run in Entry.Prev and asks the schedule
// for the next time, so neither the entry nor a value kept by the schedule
// can be read safely from the job. cron.Entry, though, is answered by the
// loop itself between wake-ups, after Prev is set for the run that started
// this goroutine: it is race-free and exact. Only if this goroutine were held
// up longer than the schedule's interval would it see a later run's time.
func (s *Scheduler) begin(e *entry) (context.Context, time.Time, bool) {
	s.mu.Lock()
	id, ctx := e.id, s.ctx
	s.mu.Unlock()
	got := s.cron.Entry(id)
	if !got.Valid() || got.Prev.IsZero() {
		return nil, time.Time{}, false
	}
	return ctx, got.Prev, true
}

// runner is the cron.Job of one entry.
type runner struct {
	key   string
	job   Job
	log   *slog.Logger
	clock Clock
	// start returns the run's context and scheduled time; false means the
	// job was removed before the run began.
	start func() (context.Context, time.Time, bool)
}

// Run runs the job once, for the time it was scheduled for.
func (r runner) Run() {
	ctx, at, ok := r.start()
	if !ok {
		r.log.Debug("job removed before its run began", "key", r.key)
		return
	}
	if late := r.clock.Now().Sub(at); late > lateAfter {
		r.log.Warn("job started late", "key", r.key, "scheduled_for", at, "late", late.Round(time.Second))
	}
	// cron.Recover logs the panic but cannot tell which job it was.
	finished := false
	defer func() {
		if !finished {
			r.log.Error("job panicked", "key", r.key, "scheduled_for", at)
		}
	}()
	r.job(ctx, at)
	finished = true
}

// cronLogger adapts slog to cron.Logger. robfig logs every wake-up at Info,
// so its routine messages go to Debug; a skipped run is worth a warning.
type cronLogger struct{ l *slog.Logger }

// Info logs routine cron messages at Debug, and skips at Warn.
func (c cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" {
		c.l.Warn("cron: run skipped, the previous run is still going", kv...)
		return
	}
	c.l.Debug("cron: "+msg, kv...)
}

// Error logs cron errors, such as a recovered panic, at Error.
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append([]any{"err", err}, kv...)...)
}

// Retry says how to run a job again after it fails: after a jittered
// backoff (backoff.Delay from Base up to Limit), until it succeeds, its
// context ends or Attempts calls are spent. Only a job that is safe to run
// twice, such as a run keyed by its scheduled time, should be retried.
type Retry struct {
	// Attempts is the most calls of one run, the first included; less than
	// one means one.
	Attempts    int
	Base, Limit time.Duration
	// Log receives a warning for each failure and an error for the last.
	Log *slog.Logger
	// Sleep waits between calls; nil is backoff.Sleep. Tests inject one
	// that records the wait and returns at once.
	Sleep func(ctx context.Context, d time.Duration) bool
}

// Job makes a Job of fn that retries fn as r says. key names the job in
// the log; errors are logged, never their values' text beyond err.
func (r Retry) Job(key string, fn func(ctx context.Context, scheduledFor time.Time) error) Job {
	sleep := r.Sleep
	if sleep == nil {
		sleep = backoff.Sleep
	}
	log := r.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(ctx context.Context, at time.Time) {
		for attempt := 1; ; attempt++ {
			err := fn(ctx, at)
			if err == nil {
				return
			}
			if attempt >= r.Attempts || ctx.Err() != nil {
				log.Error("job failed", "key", key, "scheduled_for", at, "attempts", attempt, "err", err)
				return
			}
			wait := backoff.Delay(attempt, r.Base, r.Limit)
			log.Warn("job failed; retrying", "key", key, "scheduled_for", at, "attempt", attempt, "wait", wait, "err", err)
			if !sleep(ctx, wait) {
				log.Error("job failed; stopped before its retry", "key", key, "scheduled_for", at, "attempts", attempt, "err", err)
				return
			}
		}
	}
}
