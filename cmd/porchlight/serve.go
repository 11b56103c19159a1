package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/health"
	"github.com/porchlight/porchlight/monitor"
	"github.com/porchlight/porchlight/outbox"
	"github.com/porchlight/porchlight/render"
	"github.com/porchlight/porchlight/scheduler"
	"github.com/porchlight/porchlight/storage"
)

// app is a wired bot: storage, core, scheduler, outbox sender and adapters.
type app struct {
	db       *storage.DB
	bot      *bot.Bot
	sched    *scheduler.Scheduler
	sender   *outbox.Sender
	adapters []bot.Adapter
	log      *slog.Logger
	// mon serves health and metrics on httpListen; nil when that is off.
	mon        *monitor.Monitor
	httpListen string
	clock      bot.Clock
	// backups are the nightly backups; a zero dir turns them off.
	backups backups
	// health is what is failing now: the outbox, a job, a damaged
	// database. The operations issue's /readyz reads it.
	health *health.Status
	// manualJobs leaves the wall-clock scheduler stopped: the demo runs
	// the jobs itself, on its own clock, through Bot.CatchUp.
	manualJobs bool
	// manualSend leaves the sender's loop stopped: a scripted demo
	// flushes the outbox itself after each line, so that its transcript
	// does not depend on when a background pass happens to run.
	manualSend bool
}

// appOptions says how to build an app.
type appOptions struct {
	dbPath   string
	houses   []*bot.House
	clock    bot.Clock
	log      *slog.Logger
	adapters []bot.Adapter
	demo     bool
	// manualJobs, manualSend: see app.
	manualJobs, manualSend bool
	// httpListen is [http] listen: where to serve health and metrics;
	// empty for nowhere.
	httpListen string
	// backups are [storage] backup_dir, backup_keep and backup_schedule.
	backups backups
}

// homePlatforms lists the platforms whose adapter shows members a home page
// (bot.HomePages), for the core to queue refreshes of those pages.
func homePlatforms(adapters []bot.Adapter) []string {
	var out []string
	for _, ad := range adapters {
		if hp, ok := ad.(bot.HomePages); ok && hp.HomePages() {
			out = append(out, ad.Platform())
		}
	}
	return out
}

// newApp opens storage, builds the core and registers the jobs. It does not
// start anything yet.
//
// The database is opened exclusively (storage.Exclusive): a second bot on
// the same file stops the start with an error that says who holds it.
// After an unclean stop (or before a migration) it is checked first, and a
// damaged file stops the start with an error that says how to restore;
// after a clean stop serve checks it in the background instead
// (storage.CheckIntegrityAfterUncleanStop), so that the start does not
// read the whole history.
func newApp(ctx context.Context, o appOptions) (*app, error) {
	if o.clock == nil {
		o.clock = bot.SystemClock{}
	}
	db, err := storage.Open(ctx, o.dbPath, storage.Exclusive(), storage.CheckIntegrityAfterUncleanStop())
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	status := newHealth(o.log, o.clock)
	b, err := bot.New(bot.Config{Store: corruptionWatch{Store: db, health: status}, Clock: o.clock, Logger: o.log, Houses: o.houses, Schedules: scheduler.Specs{}, Demo: o.demo, Chart: render.DigestChart, DigestText: render.DigestText,
		HomePlatforms: homePlatforms(o.adapters)})
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := b.Start(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a := &app{db: db, bot: b, adapters: o.adapters, log: o.log, health: status, sched: scheduler.New(o.log), manualJobs: o.manualJobs, manualSend: o.manualSend,
		httpListen: o.httpListen, clock: o.clock, backups: o.backups}
	sendVia := o.adapters
	if o.httpListen != "" {
		a.mon = newMonitor(db, o.clock, status)
		sendVia = nil
		for _, ad := range o.adapters {
			sendVia = append(sendVia, metered(a.mon, ad))
		}
	}
	a.sender = outbox.NewSender(db, o.clock, o.log, sendVia...)
	a.sender.OnUndeliverable = b.Undeliverable
	a.sender.Health = status
	// Several sends at once. The adapters keep their platform's limits
	// for every request they make: the Discord adapter paces all its REST
	// calls under the global limit of 50 a second, and discordgo keeps
	// each route's bucket from the X-RateLimit headers; the Slack adapter
	// paces each method by its tier and chat.postMessage per channel. A
	// 429 that still comes back is waited out without counting as a
	// failed attempt. The console has no latency to hide, and its
	// transcript keeps the order in which messages were queued.
	a.sender.Concurrency = outbox.DefaultConcurrency
	for _, ad := range o.adapters {
		if ad.Platform() == "console" {
			a.sender.Concurrency = 1
		}
	}
	b.OnCommit(a.sender.Wake)
	// A failed run is retried: runs are keyed by their scheduled time, so a
	// retry never doubles one, and a busy database or a full disk for a
	// minute does not drop a check-in until the next restart's catch-up.
	// A run waiting for its retry at shutdown holds the scheduler's stop
	// until its 10 s timeout ends the wait; the next start's catch-up runs
	// it, keyed, so nothing is lost.
	retry := scheduler.Retry{Attempts: 6, Base: 10 * time.Second, Limit: 5 * time.Minute, Log: o.log.With("component", "scheduler")}
	if o.backups.dir != "" {
		if err := a.addBackups(o.backups, retry); err != nil {
			db.Close()
			return nil, fmt.Errorf("schedule %s: %w", backupJob, err)
		}
	}
	for _, j := range b.Jobs() {
		j := j
		loc := time.UTC
		key := j.Name
		if j.House != nil {
			loc = j.House.Location
			key = j.House.Name + "/" + j.Name
		}
		part := "job " + key
		err := a.sched.Add(key, j.Spec, loc, retry.Job(key, func(ctx context.Context, at time.Time) error {
			err := b.RunJob(ctx, j.Name, j.House, at)
			switch {
			case err == nil:
				status.OK(part)
				a.mon.JobDone(key, at, o.clock.Now())
			case ctx.Err() == nil:
				status.Fail(part, err)
			}
			return err
		}))
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("schedule %s: %w", key, err)
		}
	}
	return a, nil
}

// serve runs the adapters, the scheduler and the sender until ctx ends or an
// adapter stops (the console stops at end of input). It shuts down in order:
// adapters, scheduler, a final outbox flush, storage.
func (a *app) serve(ctx context.Context) error {
	if err := a.bot.CatchUp(ctx); err != nil {
		a.log.Error("catch-up incomplete", "err", err)
	}
	if a.backups.dir != "" {
		if err := a.catchUpBackup(ctx, a.backups); err != nil {
			a.log.Error("catch-up backup failed", "err", err)
		}
	}
	var handler bot.Handler = a.bot
	if a.mon != nil {
		handler = meteredCore(a.mon, a.bot)
		if err := a.serveMonitor(ctx); err != nil {
			a.db.Close()
			return err
		}
	}
	// The integrity check the start skipped after a clean stop, beside
	// the running bot; it ends before the database closes.
	checkCtx, stopCheck := context.WithCancel(context.Background())
	defer stopCheck()
	checkDone := make(chan struct{})
	go func() {
		defer close(checkDone)
		if !a.db.Checked() {
			a.checkIntegrity(checkCtx)
		}
	}()
	adCtx, stopAdapters := context.WithCancel(ctx)
	defer stopAdapters()
	var wg sync.WaitGroup
	errc := make(chan error, len(a.adapters))
	for _, ad := range a.adapters {
		wg.Add(1)
		go func(ad bot.Adapter) {
			defer wg.Done()
			errc <- a.run(adCtx, ad, handler)
		}(ad)
	}
	sendCtx, stopSender := context.WithCancel(context.Background())
	senderDone := make(chan struct{})
	go func() {
		defer close(senderDone)
		if !a.manualSend {
			a.sender.Run(sendCtx)
		}
	}()
	if !a.manualJobs {
		a.sched.Start()
	}

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	a.log.Info("shutting down")
	stopAdapters()
	wg.Wait()
	stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.sched.Stop(stopCtx); err != nil {
		a.log.Warn("scheduler did not stop in time", "err", err)
	}
	stopSender()
	<-senderDone
	if _, err := a.sender.Flush(stopCtx); err != nil {
		a.log.Warn("final outbox flush incomplete", "err", err)
	}
	stopCheck()
	<-checkDone
	if err := a.db.Close(); err != nil {
		runErr = errors.Join(runErr, fmt.Errorf("close database: %w", err))
	}
	return runErr
}

// checkIntegrity runs the database's integrity check while the bot
// serves (storage.DB.QuickCheck). Damage marks the "database" part of the
// health status failing, which logs it with the advice to restore and
// fails /readyz; the bot keeps working on what it can read, refusing
// nothing it has acknowledged, and the next start refuses the file until
// it is restored. A check that cannot run (the disk, a shutdown) is
// logged and left to the next start.
func (a *app) checkIntegrity(ctx context.Context) {
	start := time.Now()
	err := a.db.QuickCheck(ctx)
	switch {
	case err == nil:
		a.log.Info("database integrity check passed", "took", time.Since(start).Round(time.Millisecond))
	case errors.Is(err, storage.ErrCorrupt):
		a.health.Fail("database", err)
	case ctx.Err() == nil:
		a.log.Warn("database integrity check could not run; the next start runs it again", "class", storage.ErrorClass(err), "err", err)
	}
}

// run runs one adapter and turns a panic into an error, so one platform
// cannot take the process down without the shutdown order.
func (a *app) run(ctx context.Context, ad bot.Adapter, h bot.Handler) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s adapter panicked: %v", ad.Platform(), p)
		}
	}()
	if err := ad.Run(ctx, h); err != nil && ctx.Err() == nil {
		return fmt.Errorf("%s adapter: %w", ad.Platform(), err)
	}
	return nil
}

// serveMonitor starts the health and metrics listener, with a readiness
// check per connected adapter and one for the scheduler. The listener
// stops when ctx ends.
func (a *app) serveMonitor(ctx context.Context) error {
	if a.backups.dir != "" {
		a.watchBackups(a.backups)
	}
	for _, ad := range a.adapters {
		if c, ok := ad.(bot.Connectivity); ok {
			a.mon.AddAdapter(ad.Platform(), c.Connected)
		}
	}
	if !a.manualJobs {
		a.mon.AddCheck("scheduler", func(context.Context) error {
			if !a.sched.Running() {
				return errors.New("not running")
			}
			return nil
		})
	}
	_, _, err := monitor.Serve(ctx, a.httpListen, a.mon.Handler(), a.log.With("component", "http"))
	return err
}

// newHealth returns the process's health status: it names database
// failures by their SQLite class, and logs with each what an operator does
// about it.
func newHealth(log *slog.Logger, clock bot.Clock) *health.Status {
	advice := map[string]string{
		storage.ClassCorrupt:  `the database file is damaged: stop porchlight and restore your latest backup with porchlight restore (README: "Restoring a backup")`,
		storage.ClassFull:     "the disk is full: free some space; porchlight retries and resumes on its own",
		storage.ClassBusy:     "another program holds the database's write lock; porchlight retries on its own",
		storage.ClassIO:       "the operating system failed a read or write of the database: check the disk",
		storage.ClassReadOnly: "porchlight cannot write the database file or its directory: check their owner and mode",
	}
	return health.New(log, health.Options{Classify: storage.ErrorClass, Advice: advice, Now: clock.Now})
}

// corruptionWatch is the core's store, watched for damage: a read or write
// that finds the database damaged marks the "database" part of the health
// status failing, with the restore advice, and the event or job that hit
// it fails and is logged as ever. Damage does not heal, so nothing marks
// the part well again; the next start's integrity check refuses the file
// until it is restored. Other failures are the outbox's and the jobs' to
// report, where a success can tell their recovery.
type corruptionWatch struct {
	bot.Store
	health *health.Status
}

// Update runs the store's Update and reports damage.
func (w corruptionWatch) Update(ctx context.Context, fn func(bot.Tx) error) error {
	return w.watch(w.Store.Update(ctx, fn))
}

// View runs the store's View and reports damage.
func (w corruptionWatch) View(ctx context.Context, fn func(bot.Tx) error) error {
	return w.watch(w.Store.View(ctx, fn))
}

func (w corruptionWatch) watch(err error) error {
	if storage.ErrorClass(err) == storage.ClassCorrupt {
		w.health.Fail("database", err)
	}
	return err
}

// newLogger builds the process logger. Handlers never see message text or
// tokens: the code logs ids only.
func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: use text or json", format)
}
