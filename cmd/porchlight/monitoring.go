package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/config"
	"github.com/porchlight/porchlight/health"
	"github.com/porchlight/porchlight/monitor"
	"github.com/porchlight/porchlight/storage"
)

// stuckAfter is how long a message may wait in the outbox before /readyz
// calls the outbox stuck: well beyond a fan-out paced by rate limits, and
// beyond the first few retries of a platform outage.
const stuckAfter = 10 * time.Minute

// newMonitor builds the metrics and readiness checks of an app that is
// about to serve. The checks read what serve starts: the database, each
// connected adapter, the scheduler, the outbox.
func newMonitor(db *storage.DB, clock bot.Clock, status *health.Status) *monitor.Monitor {
	m := monitor.New(buildInfo(), func(ctx context.Context) (monitor.Stats, error) {
		s, err := db.Stats(ctx)
		if err != nil {
			return monitor.Stats{}, err
		}
		now := clock.Now()
		return monitor.Stats{
			OutboxPending: s.OutboxPending, OutboxOldestPending: age(now, s.OutboxOldestPending), OutboxFailed: s.OutboxFailed,
			CrisisUnacked: s.CrisisUnacked, CrisisOldestUnacked: age(now, s.CrisisOldestUnacked),
		}, nil
	})
	m.AddCheck("database", db.Ping)
	watchDatabase(m, db)
	// The parts the health status holds failing: the outbox, a job, a
	// damaged database. Their class, never their errors' text.
	m.AddCheck("degraded", func(context.Context) error {
		var parts []string
		for _, p := range status.Problems() {
			parts = append(parts, fmt.Sprintf("%s failing (%s) since %s, %d time(s)", p.Component, p.Class, p.Since.UTC().Format(time.RFC3339), p.Failures))
		}
		if len(parts) > 0 {
			return errors.New(strings.Join(parts, "; "))
		}
		return nil
	})
	m.AddCheck("outbox", func(ctx context.Context) error {
		s, err := db.Stats(ctx)
		if err != nil {
			return errors.New("cannot read the outbox")
		}
		if a := age(clock.Now(), s.OutboxOldestPending); a > stuckAfter {
			return fmt.Errorf("stuck: the oldest of %d pending messages has waited %s", s.OutboxPending, a.Round(time.Second))
		}
		return nil
	})
	return m
}

// age is how long ago t was, zero for a zero t.
func age(now, t time.Time) time.Duration {
	if t.IsZero() {
		return 0
	}
	return max(now.Sub(t), 0)
}

// buildInfo describes this binary for porchlight_build_info.
func buildInfo() monitor.Build {
	return monitor.Build{Version: Version, Revision: revision(), GoVersion: runtime.Version()}
}

// meteredHandler counts the events the adapters deliver and times the
// core's handling of each.
type meteredHandler struct {
	bot.Handler
	m *monitor.Monitor
}

func (h meteredHandler) Handle(ctx context.Context, ev bot.Event) bot.Response {
	start := time.Now()
	resp := h.Handler.Handle(ctx, ev)
	h.m.Inbound(ev.Platform, ev.Kind.String(), time.Since(start))
	return resp
}

// meteredHomeHandler is a meteredHandler whose core builds home pages: an
// adapter finds the ability by type assertion (bot.HomeSource), so the
// wrapper must keep it visible.
type meteredHomeHandler struct {
	meteredHandler
	bot.HomeSource
}

// meteredCore wraps h for m, keeping its HomeSource ability.
func meteredCore(m *monitor.Monitor, h bot.Handler) bot.Handler {
	base := meteredHandler{Handler: h, m: m}
	if src, ok := h.(bot.HomeSource); ok {
		return meteredHomeHandler{meteredHandler: base, HomeSource: src}
	}
	return base
}

// meteredAdapter counts what the outbox sender delivers through an
// adapter, and the platform's refusals by code.
type meteredAdapter struct {
	bot.Adapter
	m *monitor.Monitor
}

func (a meteredAdapter) Send(ctx context.Context, out bot.Outgoing) (bot.MessageRef, error) {
	ref, err := a.Adapter.Send(ctx, out)
	a.record(string(out.Target.Kind), err)
	return ref, err
}

func (a meteredAdapter) record(kind string, err error) {
	switch {
	case err == nil:
		a.m.Sent(a.Platform(), kind)
	case ctxDone(err):
	default:
		code := bot.PlatformCode(err)
		if code == "" {
			code = "other"
		}
		a.m.PlatformError(a.Platform(), code)
	}
}

func ctxDone(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// meteredEditor is a meteredAdapter whose adapter can edit messages: the
// sender finds the ability by type assertion, so it must stay visible.
type meteredEditor struct {
	meteredAdapter
	ed bot.Editor
}

func (a meteredEditor) Edit(ctx context.Context, ref bot.MessageRef, msg bot.Message) error {
	err := a.ed.Edit(ctx, ref, msg)
	a.record("edit", err)
	return err
}

// metered wraps ad for m, keeping its Editor ability.
func metered(m *monitor.Monitor, ad bot.Adapter) bot.Adapter {
	base := meteredAdapter{Adapter: ad, m: m}
	if ed, ok := ad.(bot.Editor); ok {
		return meteredEditor{meteredAdapter: base, ed: ed}
	}
	return base
}

// healthURL is the URL of path on the listener at addr, dialling the
// loopback address when addr listens on every interface.
func healthURL(addr, path string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("http.listen %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + path, nil
}

// probe asks url and reports an error unless it answers 200 within
// timeout.
func probe(ctx context.Context, url string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", url, resp.Status)
	}
	return nil
}

// revision is the VCS revision the binary was built from, "" when the
// build did not record one.
func revision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			return s.Value
		}
	}
	return ""
}

func cmdHealthcheck(ctx context.Context, e env) int {
	fs := flags(e, "healthcheck", "[--addr HOST:PORT | --config FILE] [--ready]",
		"Ask a running bot's health listener whether it is alive (/healthz) or, with\n--ready, ready (/readyz). Exits 0 when it is, 1 when not: for Docker's\nHEALTHCHECK and service managers. The address is --addr, else\n"+config.EnvHTTPListen+", else the config's [http] listen.")
	addr := fs.String("addr", "", "the listener's `HOST:PORT`")
	path := fs.String("config", "", "the TOML config `FILE` whose [http] listen to ask")
	ready := fs.Bool("ready", false, "ask /readyz instead of /healthz")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for an answer")
	if code, ok := parse(fs, e); !ok {
		return code
	}
	a := *addr
	if a == "" {
		a = e.getenv(config.EnvHTTPListen)
	}
	if a == "" && (*path != "" || e.getenv(envConfig) != "") {
		cfg, ok := loadConfig(e, *path)
		if !ok {
			return exitUsage
		}
		a = cfg.HTTP.Listen
	}
	if a == "" {
		fmt.Fprintln(e.stderr, "porchlight healthcheck: no listener to ask: give --addr, set "+config.EnvHTTPListen+", or --config a file with [http] listen")
		return exitUsage
	}
	endpoint := "/healthz"
	if *ready {
		endpoint = "/readyz"
	}
	url, err := healthURL(a, endpoint)
	if err != nil {
		fmt.Fprintf(e.stderr, "porchlight healthcheck: %v\n", err)
		return exitUsage
	}
	if err := probe(ctx, url, *timeout); err != nil {
		fmt.Fprintf(e.stderr, "porchlight healthcheck: %v\n", err)
		return exitRuntime
	}
	fmt.Fprintln(e.stdout, "ok")
	return exitOK
}

// watchDatabase shows the write-ahead log in the metrics: its size, and
// the checkpoints that failed or emptied it. A WAL that keeps growing means
// checkpoints cannot finish (a reader that never ends, a full disk).
func watchDatabase(m *monitor.Monitor, db *storage.DB) {
	m.GaugeFunc("porchlight_database_wal_bytes", "Size of the database's write-ahead log file.", func() float64 {
		return float64(db.CheckpointStats().WALBytes)
	})
	m.CounterFunc("porchlight_database_checkpoint_failures_total", "Checkpoints of the write-ahead log that failed (each is logged).", func() float64 {
		return float64(db.CheckpointStats().Failures)
	})
	m.CounterFunc("porchlight_database_wal_truncations_total", "Times the write-ahead log was emptied after writes that never paused let it grow past 64 MiB.", func() float64 {
		return float64(db.CheckpointStats().Truncations)
	})
}
