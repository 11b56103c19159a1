// Package monitor serves what an operator's monitoring reads, on an
// optional listener: liveness (/healthz), readiness (/readyz) and
// Prometheus metrics (/metrics).
//
// Labels never carry a member's id, name or text: they are platforms,
// message kinds, error codes and job names.
package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Build describes the running binary, for porchlight_build_info.
type Build struct {
	Version, Revision, GoVersion string
}

// Stats is what the database says at a scrape: the outbox backlog and the
// crisis alerts nobody has acknowledged.
type Stats struct {
	OutboxPending int
	// OutboxOldestPending is the age of the oldest pending message; zero
	// when none is pending.
	OutboxOldestPending time.Duration
	OutboxFailed        int
	CrisisUnacked       int
	// CrisisOldestUnacked is the age of the oldest unacknowledged alert;
	// zero when there is none.
	CrisisOldestUnacked time.Duration
}

// Check is one condition of readiness. Fn returns nil when it holds, or
// an error whose text is a short reason, safe to show anyone who can reach
// the listener (no tokens, no member data).
type Check struct {
	Name string
	Fn   func(ctx context.Context) error
}

// Monitor holds the metrics and the readiness checks. The zero value is
// not usable; build one with New. A nil *Monitor is valid for every
// recording method and records nothing, so callers need no checks when
// monitoring is off.
type Monitor struct {
	reg *prometheus.Registry

	messagesSent   *prometheus.CounterVec
	platformErrors *prometheus.CounterVec
	inboundEvents  *prometheus.CounterVec
	handlerSeconds prometheus.Histogram
	jobLastSuccess *prometheus.GaugeVec
	jobLag         *prometheus.GaugeVec

	mu     sync.Mutex
	checks []Check
}

// New returns a monitor whose scrapes read stats (which may be nil) with
// a bounded context.
func New(b Build, stats func(ctx context.Context) (Stats, error)) *Monitor {
	m := &Monitor{
		reg: prometheus.NewRegistry(),
		messagesSent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "porchlight_messages_sent_total", Help: "Messages the platform accepted, by kind (channel, dm, ephemeral, edit).",
		}, []string{"platform", "kind"}),
		platformErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "porchlight_platform_errors_total", Help: "Failed platform calls, by HTTP status or error class (429 included).",
		}, []string{"platform", "code"}),
		inboundEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "porchlight_inbound_events_total", Help: "Events received from the platforms, by kind.",
		}, []string{"platform", "kind"}),
		handlerSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "porchlight_handler_seconds", Help: "Time the core took to handle one inbound event, commit included.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
		jobLastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "porchlight_job_last_success_timestamp_seconds", Help: "When each scheduled job last finished without error (Unix time).",
		}, []string{"job"}),
		jobLag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "porchlight_job_lag_seconds", Help: "How long after its scheduled time each job's last run finished.",
		}, []string{"job"}),
	}
	info := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "porchlight_build_info", Help: "The running build; always 1.",
	}, []string{"version", "revision", "goversion"})
	info.WithLabelValues(b.Version, b.Revision, b.GoVersion).Set(1)
	m.reg.MustRegister(info, m.messagesSent, m.platformErrors, m.inboundEvents,
		m.handlerSeconds, m.jobLastSuccess, m.jobLag,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if stats != nil {
		m.reg.MustRegister(&statsCollector{stats: stats})
	}
	return m
}

// AddCheck adds a readiness condition.
func (m *Monitor) AddCheck(name string, fn func(ctx context.Context) error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.checks = append(m.checks, Check{Name: name, Fn: fn})
}

// AddAdapter watches whether platform's adapter is connected: it becomes
// porchlight_adapter_connected{platform} and a readiness check.
func (m *Monitor) AddAdapter(platform string, connected func() bool) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "porchlight_adapter_connected", Help: "1 while the platform adapter is connected, else 0.",
		ConstLabels: prometheus.Labels{"platform": platform},
	}, func() float64 {
		if connected() {
			return 1
		}
		return 0
	}))
	m.AddCheck(platform, func(context.Context) error {
		if !connected() {
			return errors.New("not connected to the platform")
		}
		return nil
	})
}

// GaugeFunc adds a gauge read by fn at each scrape.
func (m *Monitor) GaugeFunc(name, help string, fn func() float64) {
	if m != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, fn))
	}
}

// CounterFunc adds a counter read by fn at each scrape.
func (m *Monitor) CounterFunc(name, help string, fn func() float64) {
	if m != nil {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, fn))
	}
}

// Sent counts a message the platform accepted.
func (m *Monitor) Sent(platform, kind string) {
	if m != nil {
		m.messagesSent.WithLabelValues(platform, kind).Inc()
	}
}

// PlatformError counts a failed platform call; code is an HTTP status
// ("429", "503") or an error class ("network", "undeliverable").
func (m *Monitor) PlatformError(platform, code string) {
	if m != nil {
		m.platformErrors.WithLabelValues(platform, code).Inc()
	}
}

// Inbound counts an event from a platform and the time the core took.
func (m *Monitor) Inbound(platform, kind string, took time.Duration) {
	if m == nil {
		return
	}
	m.inboundEvents.WithLabelValues(platform, kind).Inc()
	m.handlerSeconds.Observe(took.Seconds())
}

// JobDone records a scheduled run of job, due at due, that finished
// without error at done.
func (m *Monitor) JobDone(job string, due, done time.Time) {
	if m == nil {
		return
	}
	m.jobLastSuccess.WithLabelValues(job).Set(float64(done.UnixNano()) / 1e9)
	m.jobLag.WithLabelValues(job).Set(max(done.Sub(due), 0).Seconds())
}

// Handler serves /healthz, /readyz and /metrics.
func (m *Monitor) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		failed := m.Ready(r.Context())
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if len(failed) == 0 {
			fmt.Fprintln(w, "ok")
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		for _, f := range failed {
			fmt.Fprintln(w, f)
		}
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	return mux
}

// checkTimeout bounds each readiness check, so /readyz answers within a
// scrape's patience even when the database is stuck.
const checkTimeout = 2 * time.Second

// Ready runs every check and returns "name: reason" for each that failed,
// sorted by name; none when the process is ready.
func (m *Monitor) Ready(ctx context.Context) []string {
	m.mu.Lock()
	checks := append([]Check(nil), m.checks...)
	m.mu.Unlock()
	var failed []string
	for _, c := range checks {
		cctx, cancel := context.WithTimeout(ctx, checkTimeout)
		err := c.Fn(cctx)
		cancel()
		if err != nil {
			failed = append(failed, c.Name+": "+oneLine(err.Error()))
		}
	}
	sort.Strings(failed)
	return failed
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Serve listens on addr and serves h until ctx ends. It returns once the
// listener is bound, with a channel that reports how serving ended.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger) (net.Addr, <-chan error, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("http listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
	done := make(chan error, 1)
	go func() {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		done <- err
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			log.Warn("http listener did not stop cleanly", "err", err)
		}
	}()
	log.Info("health and metrics listening", "addr", ln.Addr().String())
	return ln.Addr(), done, nil
}

// statsCollector reads Stats at each scrape.
type statsCollector struct {
	stats func(ctx context.Context) (Stats, error)
}

var (
	descPending = prometheus.NewDesc("porchlight_outbox_pending", "Messages waiting to be sent.", nil, nil)
	descOldest  = prometheus.NewDesc("porchlight_outbox_oldest_pending_seconds", "Age of the oldest message waiting to be sent; 0 when none is.", nil, nil)
	descFailed  = prometheus.NewDesc("porchlight_outbox_failed", "Messages that will not be sent without an operator (porchlight outbox list).", nil, nil)
	descUnacked = prometheus.NewDesc("porchlight_crisis_alerts_unacknowledged", "Crisis alerts no mentor or operator has acknowledged.", nil, nil)
	descCrisis  = prometheus.NewDesc("porchlight_crisis_alert_oldest_unacknowledged_seconds", "Age of the oldest unacknowledged crisis alert; 0 when there is none.", nil, nil)
	descUp      = prometheus.NewDesc("porchlight_database_up", "1 when the last scrape could read the database, else 0.", nil, nil)
)

func (c *statsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descPending, descOldest, descFailed, descUnacked, descCrisis, descUp} {
		ch <- d
	}
}

func (c *statsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), checkTimeout)
	defer cancel()
	s, err := c.stats(ctx)
	if err != nil {
		// The gauges are left out rather than reported as zero: an empty
		// backlog must never be read from a database that did not answer.
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(descPending, prometheus.GaugeValue, float64(s.OutboxPending))
	ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, s.OutboxOldestPending.Seconds())
	ch <- prometheus.MustNewConstMetric(descFailed, prometheus.GaugeValue, float64(s.OutboxFailed))
	ch <- prometheus.MustNewConstMetric(descUnacked, prometheus.GaugeValue, float64(s.CrisisUnacked))
	ch <- prometheus.MustNewConstMetric(descCrisis, prometheus.GaugeValue, s.CrisisOldestUnacked.Seconds())
}
