package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/outbox"
	"github.com/porchlight/porchlight/render"
	"github.com/porchlight/porchlight/scheduler"
	"github.com/porchlight/porchlight/storage"
)

// Version keys cached histories. Bump it when Generate changes what it
// writes, so that a stale cache is not measured.
const Version = 3

// World is a core, its store and its sender on a database, with the
// houses of a Spec and a settable clock. The sender is not running:
// callers Flush it, so that a run is deterministic.
type World struct {
	Spec    Spec
	DB      *storage.DB
	Clock   *Clock
	Bot     *bot.Bot
	Sender  *outbox.Sender
	Adapter *Adapter
	Houses  []*bot.House
	Events  *Events
	// wakes counts the core's wake-ups of the sender (bot.OnCommit), so
	// that a run flushes it only when something was enqueued.
	wakes atomic.Int64
	// store counts the core's write transactions.
	store *countingStore
}

// countingStore is the core's store, counting its write transactions and
// the time they held the writer.
type countingStore struct {
	*storage.DB
	updates atomic.Int64
	held    atomic.Int64 // nanoseconds inside write transactions
	longest atomic.Int64 // nanoseconds of the longest one
}

func (s *countingStore) Update(ctx context.Context, fn func(bot.Tx) error) error {
	s.updates.Add(1)
	var start time.Time
	// The hold counts from the transaction's start, once the writer is
	// ours, to the end of the commit.
	defer func() {
		if start.IsZero() {
			return
		}
		d := int64(time.Since(start))
		s.held.Add(d)
		for {
			l := s.longest.Load()
			if d <= l || s.longest.CompareAndSwap(l, d) {
				break
			}
		}
	}()
	return s.DB.Update(ctx, func(tx bot.Tx) error {
		start = time.Now()
		return fn(tx)
	})
}

// OpenWorld opens the database at path (creating it if needed) with opts,
// with s's houses, each changed by configure if it is not nil, and the
// clock at now.
func OpenWorld(ctx context.Context, path string, s Spec, now time.Time, configure func(*bot.House), opts ...storage.Option) (*World, error) {
	db, err := storage.Open(ctx, path, opts...)
	if err != nil {
		return nil, err
	}
	w := &World{Spec: s, DB: db, Clock: NewClock(now), Adapter: &Adapter{Name: Platform}, Houses: s.HouseConfigs(), Events: &Events{Platform: Platform, Tag: eventTag(now)},
		store: &countingStore{DB: db}}
	if configure != nil {
		for _, h := range w.Houses {
			configure(h)
		}
	}
	w.Bot, err = bot.New(bot.Config{Store: w.store, Clock: w.Clock, Houses: w.Houses, Schedules: scheduler.Specs{}, DigestText: render.DigestText, Chart: render.DigestChart})
	if err == nil {
		err = w.Bot.Start(ctx)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	w.Bot.OnCommit(func() { w.wakes.Add(1) })
	w.Sender = outbox.NewSender(db, w.Clock, nil, w.Adapter)
	w.Sender.Concurrency = outbox.DefaultConcurrency // as the bot runs it
	return w, nil
}

// Writes counts the core's write transactions so far.
func (w *World) Writes() int64 { return w.store.updates.Load() }

// Held is the time the core's write transactions held the writer so far.
func (w *World) Held() time.Duration { return time.Duration(w.store.held.Load()) }

// LongestHold is the longest time one of the core's write transactions,
// or one of the checkpointer's turns of the writer (storage.WriteStats'
// pauses, which empty the WAL), held the writer so far, and
// ResetLongestHold starts counting again.
func (w *World) LongestHold() time.Duration {
	return max(time.Duration(w.store.longest.Load()), w.DB.WriteStats().LongestPause)
}

// ResetLongestHold forgets the longest hold so far.
func (w *World) ResetLongestHold() {
	w.store.longest.Store(0)
	w.DB.ResetLongestPause()
}

// Wakes counts the core's wake-ups of the sender so far.
func (w *World) Wakes() int64 { return w.wakes.Load() }

// Close closes the database.
func (w *World) Close() error { return w.DB.Close() }

// OpenRounds returns the id of each house's newest open round, by house id.
func (w *World) OpenRounds(ctx context.Context) (map[int64]int64, error) {
	out := map[int64]int64{}
	err := w.DB.View(ctx, func(tx bot.Tx) error {
		for _, h := range w.Houses {
			rs, err := tx.OpenRounds(ctx, h.ID)
			if err != nil {
				return err
			}
			for _, r := range rs {
				out[h.ID] = max(out[h.ID], r.ID)
			}
		}
		return nil
	})
	return out, err
}

// Answer submits the check-in form of round for resident j of house i, as
// a modal's submission does, and fails if the core refused it or dropped
// it unanswered, as it drops a redelivery.
func (w *World) Answer(ctx context.Context, i, j int, round int64, values map[string]string) error {
	h := w.Houses[i]
	resp := w.Bot.Handle(ctx, w.Events.Submit(Resident(i, j), h.Channel, "checkin:"+strconv.FormatInt(round, 10), values))
	switch {
	case len(resp.FieldErrors) > 0 || resp.Reopen != nil:
		return fmt.Errorf("answer of resident %d-%d: refused", i, j)
	case len(resp.Messages) == 0:
		return fmt.Errorf("answer of resident %d-%d: no reply (dropped as a redelivery?)", i, j)
	}
	return nil
}

// Join makes every resident of every house a member.
func (w *World) Join(ctx context.Context) error {
	for i, h := range w.Houses {
		for j := range w.Spec.Residents {
			u := Resident(i, j)
			resp := w.Bot.Handle(ctx, w.Events.Command(u, h.Channel, "join"))
			if len(resp.Messages) == 0 || len(resp.Messages[0].Choices) == 0 {
				return fmt.Errorf("join of %s: no consent choice", u.ID)
			}
			w.Bot.Handle(ctx, w.Events.Press(u, h.Channel, resp.Messages[0].Choices[0].ID))
		}
	}
	return nil
}

// flushIfWoken delivers the outbox if the core woke the sender since seen,
// and returns the new count.
func (w *World) flushIfWoken(ctx context.Context, seen int64) (int64, error) {
	n := w.wakes.Load()
	if n == seen {
		return n, nil
	}
	_, err := w.Sender.Flush(ctx)
	return n, err
}

// answerHours are the hours at which residents answer: most soon after the
// prompt, some later, some after the nudge at 11:00; a tenth never do
// (the nudge, the partner's ping and the mentors' summary follow).
var answerHours = []int{9, 10, 11}

// tickHours are the hours at which the generator runs the tick: the
// prompt's hour (escalations of the morning's reach-outs), the nudge at
// 11:00, the close at 13:00, and the evening's partner pings. The real bot
// ticks every 30 seconds; between these hours those ticks find nothing.
var tickHours = []int{9, 10, 11, 12, 13, 14, 18}

// Generate builds at path s's history by driving the real core, store and
// sender hour by hour on a fake clock: the residents join, then every day
// each house's jobs run at their scheduled times (check-in, partners,
// digest, retention, milestones), the residents answer (mostly to their
// mentors, some to the house, a few asking for someone to reach out, a
// tenth not at all), the tick nudges, closes and escalates, and the outbox
// is delivered to a discarding adapter. The same spec always makes the
// same history. progress, if not nil, hears about each month. The file is
// written with storage.RelaxedSync: a history lost to a power cut is made
// again, and flushing every commit would double the time it takes.
func Generate(ctx context.Context, path string, s Spec, progress io.Writer) error {
	if s.Houses < 1 || s.Residents < 2 || s.Days < 1 {
		return fmt.Errorf("generate %s: need at least 1 house, 2 residents and 1 day", s)
	}
	w, err := OpenWorld(ctx, path, s, Start, nil, storage.RelaxedSync())
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.Join(ctx); err != nil {
		return err
	}
	jobs := w.Bot.Jobs()
	jobs = slices.DeleteFunc(jobs, func(j bot.JobSpec) bool { return j.House == nil })
	next := make([]time.Time, len(jobs))
	specs := scheduler.Specs{}
	for k, j := range jobs {
		if next[k], err = specs.Next(j.Spec, j.House.Location, Start); err != nil {
			return err
		}
	}
	began := time.Now()
	var seen int64
	for d := range s.Days {
		day := Start.AddDate(0, 0, d)
		plans := w.plan(d)
		var rounds map[int64]int64
		for hour := range 24 {
			at := day.Add(time.Duration(hour) * time.Hour)
			// The jobs due before the next hour, in time order.
			for {
				k := -1
				for x := range jobs {
					if next[x].Before(at.Add(time.Hour)) && (k < 0 || next[x].Before(next[k])) {
						k = x
					}
				}
				if k < 0 {
					break
				}
				w.Clock.Set(next[k])
				if err := w.Bot.RunJob(ctx, jobs[k].Name, jobs[k].House, next[k]); err != nil {
					return fmt.Errorf("day %d: %w", d, err)
				}
				if next[k], err = specs.Next(jobs[k].Spec, jobs[k].House.Location, next[k]); err != nil {
					return err
				}
			}
			if slices.Contains(tickHours, hour) {
				w.Clock.Set(at)
				if err := w.Bot.Tick(ctx); err != nil {
					return fmt.Errorf("day %d tick: %w", d, err)
				}
			}
			if slot := slices.Index(answerHours, hour); slot >= 0 {
				if rounds == nil {
					if rounds, err = w.OpenRounds(ctx); err != nil {
						return err
					}
				}
				w.Clock.Set(at.Add(30 * time.Minute))
				for i, h := range w.Houses {
					for j, p := range plans[i] {
						if p.slot != slot || rounds[h.ID] == 0 {
							continue
						}
						if err := w.Answer(ctx, i, j, rounds[h.ID], p.values); err != nil {
							return fmt.Errorf("day %d: %w", d, err)
						}
					}
				}
			}
			if seen, err = w.flushIfWoken(ctx, seen); err != nil {
				return fmt.Errorf("day %d flush: %w", d, err)
			}
		}
		if progress != nil && (d+1)%30 == 0 {
			fmt.Fprintf(progress, "generate %s: day %d of %d, %s\n", s, d+1, s.Days, time.Since(began).Round(time.Second))
		}
	}
	return nil
}

// answerPlan is what one resident does on one day: answer in the slot-th
// answer hour (none: -1), with values.
type answerPlan struct {
	slot   int
	values map[string]string
}

// Fixture text: plain, and never a crisis phrase.
var (
	wins  = []string{"Went to a meeting", "Cooked dinner for the house", "Called my sponsor", "Finished a shift at work", "Walked in the park", ""}
	hards = []string{"", "", "", "Tired today", "Missing family", "Busy week at work"}
)

// plan draws what each resident of each house does on day d, from a seed
// of the house and the day, so that every run draws the same.
func (w *World) plan(d int) [][]answerPlan {
	out := make([][]answerPlan, len(w.Houses))
	for i := range w.Houses {
		rng := rand.New(rand.NewPCG(uint64(i), uint64(d)))
		out[i] = make([]answerPlan, w.Spec.Residents)
		for j := range out[i] {
			p := answerPlan{slot: -1}
			switch x := rng.IntN(10); {
			case x < 5:
				p.slot = 0
			case x < 8:
				p.slot = 1
			case x < 9:
				p.slot = 2
			}
			vis := bot.VisMentors
			switch x := rng.IntN(10); {
			case x < 3:
				vis = bot.VisHouse
			case x < 4:
				vis = bot.VisPrivate
			}
			reach := "no"
			if rng.IntN(50) == 0 {
				reach = "yes"
			}
			p.values = map[string]string{
				bot.QMood: strconv.Itoa(1 + rng.IntN(5)), "win": wins[rng.IntN(len(wins))], "hard": hards[rng.IntN(len(hards))],
				bot.QReachOut: reach, bot.QVisibility: string(vis),
			}
			out[i][j] = p
		}
	}
	return out
}

// DefaultCacheDir is where Cached keeps histories: porchlight-bench in the
// user's cache directory, or in the temporary directory without one.
func DefaultCacheDir() string {
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "porchlight-bench")
	}
	return filepath.Join(os.TempDir(), "porchlight-bench")
}

// Cached returns the path of s's history in dir, generating it first if it
// is not there. The file is named by Version and s; it is made under a
// temporary name and renamed when complete, so that an interrupted run
// leaves no half history behind. A history made by an older Porchlight is
// migrated in place. Callers must not write to it: Copy it.
func Cached(ctx context.Context, dir string, s Spec, progress io.Writer) (string, error) {
	path := filepath.Join(dir, fmt.Sprintf("history-v%d-%s.db", Version, s))
	if _, err := os.Stat(path); err == nil {
		return path, migrateCached(ctx, path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if progress != nil {
		fmt.Fprintf(progress, "generating %s (cached in %s)\n", s, dir)
	}
	if err := Generate(ctx, tmp, s, progress); err != nil {
		removeDB(tmp)
		return "", fmt.Errorf("generate %s: %w", s, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		removeDB(tmp)
		return "", err
	}
	return path, nil
}

// Copy copies the database src (closed, so with no WAL) to a new file in
// dir, flushed to disk, and returns its path.
func Copy(src, dir string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	dst := filepath.Join(dir, "bench.db")
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return "", err
	}
	// On disk before anything is measured: commits flush the WAL, and
	// on ext4 the first flushes would otherwise wait for the copy's
	// gigabytes to be written back (the journal orders them first).
	if err := out.Sync(); err != nil {
		out.Close()
		return "", err
	}
	return dst, out.Close()
}

// migrateCached applies to a cached history made by an older Porchlight
// the migrations it lacks, once, rather than in every copy (where the
// start-up figure would time them). It migrates a copy and renames it over
// the history, so that another run copying the history meanwhile copies
// the old file whole.
func migrateCached(ctx context.Context, path string) error {
	old, err := storage.Outdated(ctx, path)
	if err != nil || !old {
		return err
	}
	dir, err := os.MkdirTemp(filepath.Dir(path), "migrate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tmp, err := Copy(path, dir)
	if err != nil {
		return err
	}
	db, err := storage.Open(ctx, tmp)
	if err == nil {
		err = db.Close()
	}
	if err != nil {
		return fmt.Errorf("migrate %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

// removeDB removes a database file and its WAL companions.
func removeDB(path string) {
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(f)
	}
}

// StartWorld starts a world at path as `porchlight run` starts the bot:
// the database opened exclusively, and checked first if the last stop was
// not clean (storage.Exclusive, storage.CheckIntegrityAfterUncleanStop),
// then the core made, started and caught up on the jobs due since its
// last run. The background check that follows a clean stop is not part
// of the start.
func StartWorld(ctx context.Context, path string, s Spec, now time.Time) (*World, error) {
	w, err := OpenWorld(ctx, path, s, now, nil, storage.Exclusive(), storage.CheckIntegrityAfterUncleanStop())
	if err != nil {
		return nil, err
	}
	if err := w.Bot.CatchUp(ctx); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}
