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
	// manualJobs leaves the wall-clock scheduler stopped: the demo runs
	// the jobs itself, on its own clock, through Bot.CatchUp.
	manualJobs bool
}

// appOptions says how to build an app.
type appOptions struct {
	dbPath   string
	houses   []*bot.House
	clock    bot.Clock
	log      *slog.Logger
	adapters []bot.Adapter
	demo     bool
	// manualJobs: see app.manualJobs.
	manualJobs bool
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
func newApp(ctx context.Context, o appOptions) (*app, error) {
	if o.clock == nil {
		o.clock = bot.SystemClock{}
	}
	db, err := storage.Open(ctx, o.dbPath)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	b, err := bot.New(bot.Config{Store: db, Clock: o.clock, Logger: o.log, Houses: o.houses, Schedules: scheduler.Specs{}, Demo: o.demo, Chart: renderChart, DigestText: render.DigestText,
		HomePlatforms: homePlatforms(o.adapters)})
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := b.Start(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a := &app{db: db, bot: b, adapters: o.adapters, log: o.log, sched: scheduler.New(o.log), manualJobs: o.manualJobs, httpListen: o.httpListen, clock: o.clock, backups: o.backups}
	sendVia := o.adapters
	if o.httpListen != "" {
		a.mon = newMonitor(db, o.clock)
		sendVia = nil
		for _, ad := range o.adapters {
			sendVia = append(sendVia, metered(a.mon, ad))
		}
	}
	a.sender = outbox.NewSender(db, o.clock, o.log, sendVia...)
	a.sender.OnUndeliverable = b.Undeliverable
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
		err := a.sched.Add(key, j.Spec, loc, retry.Job(key, func(ctx context.Context, at time.Time) error {
			if err := b.RunJob(ctx, j.Name, j.House, at); err != nil {
				return err
			}
			a.mon.JobDone(key, at, o.clock.Now())
			return nil
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
		handler = meteredHandler{Handler: a.bot, m: a.mon}
		if err := a.serveMonitor(ctx); err != nil {
			a.db.Close()
			return err
		}
	}
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
		a.sender.Run(sendCtx)
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
	if err := a.db.Close(); err != nil {
		runErr = errors.Join(runErr, fmt.Errorf("close database: %w", err))
	}
	return runErr
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
