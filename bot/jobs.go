package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Schedules answers questions about cron specs in a time zone. The
// scheduler package implements it; bot cannot import it.
type Schedules interface {
	// Next returns the first scheduled time after t.
	Next(spec string, loc *time.Location, after time.Time) (time.Time, error)
	// Missed returns the scheduled times after last and at or before now.
	Missed(spec string, loc *time.Location, last, now time.Time) ([]time.Time, error)
}

// JobSpec is a recurring job the scheduler must run for the core.
type JobSpec struct {
	// Name is the job's key, such as "checkin.open/0". Together with the
	// house and the scheduled time it keys each run.
	Name string
	// House is the house the job is for; nil for the global tick.
	House *House
	// Spec is the cron spec, in the house's time zone.
	Spec string
}

// JobTick is the global job that sends due reminders and closes rounds. It
// is idempotent by state, so it is not keyed.
const JobTick = "tick"

// TickSpec is how often the tick runs.
const TickSpec = "@every 30s"

// errSkipRun, returned by a job, records its run as skipped but commits
// whatever the job wrote.
var errSkipRun = errors.New("run skipped")

// Jobs lists every recurring job of every house, plus the tick.
func (b *Bot) Jobs() []JobSpec {
	var out []JobSpec
	for _, h := range b.houses {
		for i, spec := range h.Checkin.Schedules {
			out = append(out, JobSpec{Name: checkinJob(i), House: h, Spec: spec})
		}
		for _, j := range b.houseJobs {
			if spec := j.spec(h); spec != "" {
				out = append(out, JobSpec{Name: j.name, House: h, Spec: spec})
			}
		}
	}
	return append(out, JobSpec{Name: JobTick, Spec: TickSpec})
}

// houseJob is a recurring per-house job a feature registers.
type houseJob struct {
	name string
	spec func(h *House) string
	run  jobFunc
	// chunk, when set, does the job's bulk work before run, one bounded
	// step per transaction, so that a long job never holds the writer for
	// long: RunJob calls it again while it reports more. A crash between
	// steps repeats them, so each must be idempotent by the state it
	// changes. The step that reports no more runs in the keyed
	// transaction, before run, which then records the occurrence.
	chunk func(r *Request, at time.Time) (more bool, err error)
	// prepare, when set, does the job's reading and rendering before the
	// keyed write transaction: it reads in a read transaction (houseView),
	// renders outside any, and returns the write step, which RunJob runs
	// in place of run. The writer is then held only to write what was
	// made. What prepare read may be a moment old when written; a job
	// with prepare must be content with that (the digest reports a week
	// that has ended).
	prepare func(ctx context.Context, h *House, at, now time.Time, log *slog.Logger) (jobFunc, error)
}

// jobFor returns the job for a name: a check-in schedule's, or one a
// feature registered.
func (b *Bot) jobFor(name string) (houseJob, bool) {
	if rest, ok := strings.CutPrefix(name, JobCheckinOpen+"/"); ok {
		i, err := strconv.Atoi(rest)
		if err != nil {
			return houseJob{}, false
		}
		return houseJob{name: name, run: func(r *Request, at time.Time) error { return b.openRound(r, i, at) }}, true
	}
	for _, j := range b.houseJobs {
		if j.name == name {
			return j, true
		}
	}
	return houseJob{}, false
}

// RunJob runs one occurrence of a house job, scheduled for at, in one
// transaction keyed by (job, house, at): a second call for the same key does
// nothing, so a restart never doubles a run; nor does a call for an
// occurrence older than the job's last recorded run.
func (b *Bot) RunJob(ctx context.Context, name string, h *House, at time.Time) error {
	if name == JobTick {
		return b.Tick(ctx)
	}
	job, ok := b.jobFor(name)
	if !ok || h == nil {
		return fmt.Errorf("unknown job %q", name)
	}
	now := b.clock.Now()
	log := b.log.With("job", name, "house", h.ID, "scheduled_for", at.UTC())
	if job.chunk != nil || job.prepare != nil {
		// Check the key first, so that a repeated run does not redo the
		// work done outside the keyed transaction.
		done, err := b.ran(ctx, job, h, at)
		if err != nil {
			return fmt.Errorf("job %s: %w", name, err)
		}
		if done {
			log.Debug("job already ran")
			return nil
		}
	}
	write := job.run
	if job.prepare != nil {
		var err error
		if write, err = job.prepare(ctx, h, at, now, log); err != nil {
			return fmt.Errorf("job %s: %w", name, err)
		}
	}
	// A job with chunk steps runs them each in a transaction of its own
	// while they report more; the last one, which found its work done,
	// commits with the run's record, so an ordinary night is one write.
	for more := true; more; {
		more = false
		err := b.houseTx(ctx, h, now, log, func(r *Request) error {
			// This occurrence, or a later one, ran already. The key says so
			// for this one until retention prunes its record (pruneRuns);
			// the job's latest record, never pruned, says so always.
			switch done, err := ranSince(ctx, r.Tx, name, h.ID, at); {
			case err != nil:
				return fmt.Errorf("last run: %w", err)
			case done:
				return errSkip
			}
			if job.chunk != nil {
				var err error
				if more, err = job.chunk(r, at); err != nil || more {
					return err
				}
			}
			status := RunDone
			if err := write(r, at); errors.Is(err, errSkipRun) {
				status = RunSkipped
			} else if err != nil {
				return err
			}
			err := r.Tx.RecordRun(ctx, Run{Job: name, HouseID: h.ID, ScheduledFor: at, Status: status, At: now})
			if errors.Is(err, ErrDuplicate) {
				return errSkip
			}
			return err
		})
		switch {
		case errors.Is(err, errSkip):
			log.Debug("job already ran")
			return nil
		case err != nil:
			return fmt.Errorf("job %s: %w", name, err)
		}
	}
	return nil
}

// ran reports whether a job's occurrence at at, or a later one, was
// recorded already, in a read transaction.
func (b *Bot) ran(ctx context.Context, job houseJob, h *House, at time.Time) (done bool, err error) {
	err = b.store.View(ctx, func(tx Tx) error {
		done, err = ranSince(ctx, tx, job.name, h.ID, at)
		return err
	})
	return done, err
}

// ranSince reports whether tx records a run of job in the house at at or
// later.
func ranSince(ctx context.Context, tx Tx, job string, houseID int64, at time.Time) (bool, error) {
	last, err := tx.LastRun(ctx, job, houseID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil && !last.Before(at), err
}

// CatchUp runs, at start, the jobs missed while the bot was down: each job
// decides whether a late run is still useful or is recorded as skipped.
// Before each missed run, the check-in rounds that fell due by its time are
// closed or reminded, so that what happened is told in order: a round's
// close comes before the next round's prompt. Then it runs the tick, which
// does whatever else is due now.
func (b *Bot) CatchUp(ctx context.Context) error {
	if b.schedules == nil {
		return b.Tick(ctx)
	}
	now := b.clock.Now()
	for _, j := range b.Jobs() {
		if j.House == nil {
			continue
		}
		last, err := b.lastRun(ctx, j)
		if err != nil {
			return err
		}
		times, err := b.schedules.Missed(j.Spec, j.House.Location, last, now)
		if err != nil {
			return fmt.Errorf("catch up %s: %w", j.Name, err)
		}
		for _, t := range times {
			if err := b.stepRounds(ctx, t, now); err != nil {
				return err
			}
			if err := b.RunJob(ctx, j.Name, j.House, t); err != nil {
				return err
			}
		}
	}
	return b.Tick(ctx)
}

// lastRun is the last recorded run of a job, or when the house was first
// set up: runs from before the bot knew the house are not caught up.
func (b *Bot) lastRun(ctx context.Context, j JobSpec) (time.Time, error) {
	var last time.Time
	err := b.store.View(ctx, func(tx Tx) error {
		t, err := tx.LastRun(ctx, j.Name, j.House.ID)
		if errors.Is(err, ErrNotFound) {
			t, err = tx.HouseCreated(ctx, j.House.ID)
		}
		last = t
		return err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("last run of %s: %w", j.Name, err)
	}
	return last, nil
}

// Tick does the time-driven work that is not on a cron spec: reminders and
// closes of check-in rounds, and whatever other features register. Every
// step is idempotent by the state it changes.
func (b *Bot) Tick(ctx context.Context) error {
	now := b.clock.Now()
	errs := []error{b.stepRounds(ctx, now, now)}
	for _, t := range b.tickers {
		errs = append(errs, t(ctx, now))
	}
	errs = append(errs, b.pruneEvents(ctx, now.Add(-eventMemory)))
	return errors.Join(errs...)
}

// stepRounds sends the reminders and closes of the open check-in rounds
// that were due by the time by, at now (by is before now while catching
// up). A round closed by now gets no reminder. Each step is idempotent by
// the state it changes.
func (b *Bot) stepRounds(ctx context.Context, by, now time.Time) error {
	return eachDue(ctx, b, now, "due rounds",
		func(tx Tx) ([]*Round, error) { return tx.DueRounds(ctx, by) },
		func(rd *Round) int64 { return rd.HouseID },
		func(r *Request, rd *Round) error {
			round, err := r.Tx.RoundByID(ctx, rd.ID)
			if err != nil || round.Status != RoundOpen {
				return err
			}
			if !by.Before(round.ClosesAt) {
				return b.closeRound(r, round)
			}
			if round.RemindedAt.IsZero() && !by.Before(round.RemindAt) && now.Before(round.ClosesAt) {
				return b.remind(r, round)
			}
			return nil
		})
}

// pruneEvents forgets the deliveries recorded before before. It reads
// first, so that a tick with nothing to forget takes no write transaction.
func (b *Bot) pruneEvents(ctx context.Context, before time.Time) error {
	var due bool
	if err := b.store.View(ctx, func(tx Tx) (err error) {
		due, err = tx.EventsBefore(ctx, before)
		return err
	}); err != nil || !due {
		return err
	}
	return b.store.Update(ctx, func(tx Tx) error { return tx.PruneEvents(ctx, before) })
}

// eventMemory is how long processed delivery ids are remembered; platforms
// redeliver within minutes.
const eventMemory = 24 * time.Hour

// eachDue reads what is due in one read transaction, then steps each item
// in a transaction of its own, in its house, so that one failure neither
// blocks nor undoes the others. Items of a house removed from the config
// keep their history and are left alone.
func eachDue[T any](ctx context.Context, b *Bot, now time.Time, what string, read func(Tx) ([]T, error), houseOf func(T) int64, step func(*Request, T) error) error {
	var due []T
	if err := b.store.View(ctx, func(tx Tx) error {
		var err error
		due, err = read(tx)
		return err
	}); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	var errs []error
	for _, item := range due {
		h := b.houseByID(houseOf(item))
		if h == nil {
			continue
		}
		errs = append(errs, b.inHouse(ctx, h, now, func(r *Request) error { return step(r, item) }))
	}
	return errors.Join(errs...)
}

// inHouse runs fn in one transaction as the system, for a house.
func (b *Bot) inHouse(ctx context.Context, h *House, now time.Time, fn func(r *Request) error) error {
	return b.houseTx(ctx, h, now, b.log.With("house", h.ID), fn)
}

// houseView runs fn in one read transaction as the system, for a house.
func (b *Bot) houseView(ctx context.Context, h *House, now time.Time, log *slog.Logger, fn func(r *Request) error) error {
	return b.store.View(ctx, func(tx Tx) error {
		return fn(&Request{Ctx: ctx, Tx: tx, Now: now, Log: log, House: h, bot: b})
	})
}

// houseTx runs fn in one write transaction as the system, for a house,
// logging to log, and wakes the sender after the commit if fn enqueued a
// message.
func (b *Bot) houseTx(ctx context.Context, h *House, now time.Time, log *slog.Logger, fn func(r *Request) error) error {
	var r *Request
	err := b.store.Update(ctx, func(tx Tx) error {
		r = &Request{Ctx: ctx, Tx: tx, Now: now, Log: log, House: h, bot: b}
		return fn(r)
	})
	if err == nil {
		b.committedFrom(r)
	}
	return err
}
