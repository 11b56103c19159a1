package monitor

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func scrape(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	b, err := io.ReadAll(rec.Result().Body)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Code, string(b)
}

func wantLines(t *testing.T, body string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(body, l+"\n") {
			t.Errorf("metrics lack %q", l)
		}
	}
}

func TestMetrics(t *testing.T) {
	stats := Stats{OutboxPending: 3, OutboxOldestPending: 90 * time.Second, OutboxFailed: 1, CrisisUnacked: 2, CrisisOldestUnacked: time.Hour}
	m := New(Build{Version: "v1.2.3", Revision: "abc", GoVersion: "go1.26.8"}, func(context.Context) (Stats, error) { return stats, nil })
	up := true
	m.AddAdapter("slack", func() bool { return up })
	m.Sent("slack", "dm")
	m.Sent("slack", "dm")
	m.PlatformError("slack", "429")
	m.Inbound("slack", "command", 30*time.Millisecond)
	due := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	m.JobDone("Maple House/checkin.open/0", due, due.Add(1500*time.Millisecond))

	code, body := scrape(t, m.Handler(), "/metrics")
	if code != 200 {
		t.Fatalf("/metrics = %d", code)
	}
	wantLines(t, body,
		`porchlight_build_info{goversion="go1.26.8",revision="abc",version="v1.2.3"} 1`,
		`porchlight_adapter_connected{platform="slack"} 1`,
		`porchlight_messages_sent_total{kind="dm",platform="slack"} 2`,
		`porchlight_platform_errors_total{code="429",platform="slack"} 1`,
		`porchlight_inbound_events_total{kind="command",platform="slack"} 1`,
		`porchlight_handler_seconds_bucket{le="0.05"} 1`,
		`porchlight_job_last_success_timestamp_seconds{job="Maple House/checkin.open/0"} 1.7966340015e+09`,
		`porchlight_job_lag_seconds{job="Maple House/checkin.open/0"} 1.5`,
		`porchlight_outbox_pending 3`,
		`porchlight_outbox_oldest_pending_seconds 90`,
		`porchlight_outbox_failed 1`,
		`porchlight_crisis_alerts_unacknowledged 2`,
		`porchlight_crisis_alert_oldest_unacknowledged_seconds 3600`,
		`porchlight_database_up 1`,
	)
	up = false
	_, body = scrape(t, m.Handler(), "/metrics")
	wantLines(t, body, `porchlight_adapter_connected{platform="slack"} 0`)
}

// TestMetricsWhenTheDatabaseFails: a scrape that cannot read the database
// says so and reports no backlog at all, never an empty one.
func TestMetricsWhenTheDatabaseFails(t *testing.T) {
	m := New(Build{}, func(context.Context) (Stats, error) { return Stats{}, errors.New("disk I/O error") })
	_, body := scrape(t, m.Handler(), "/metrics")
	wantLines(t, body, "porchlight_database_up 0")
	for _, absent := range []string{"porchlight_outbox_pending ", "porchlight_crisis_alerts_unacknowledged "} {
		if strings.Contains(body, absent) {
			t.Errorf("metrics hold %q from a database that did not answer", absent)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	m := New(Build{}, nil)
	dbErr := error(nil)
	m.AddCheck("database", func(context.Context) error { return dbErr })
	connected := true
	m.AddAdapter("discord", func() bool { return connected })
	m.AddCheck("slow", func(ctx context.Context) error {
		if _, ok := ctx.Deadline(); !ok {
			return errors.New("no deadline")
		}
		return nil
	})
	h := m.Handler()
	if code, body := scrape(t, h, "/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, body := scrape(t, h, "/readyz"); code != 200 || body != "ok\n" {
		t.Errorf("/readyz = %d %q, want ready", code, body)
	}
	connected, dbErr = false, errors.New("database is locked\n(SQLITE_BUSY)")
	code, body := scrape(t, h, "/readyz")
	if code != 503 || body != "database: database is locked (SQLITE_BUSY)\ndiscord: not connected to the platform\n" {
		t.Errorf("/readyz = %d %q, want 503 with one line per failed check", code, body)
	}
	if code, body := scrape(t, h, "/healthz"); code != 200 {
		t.Errorf("/healthz while not ready = %d %q, want 200: the process lives", code, body)
	}
	if code, _ := scrape(t, h, "/nothing"); code != 404 {
		t.Errorf("/nothing = %d, want 404", code)
	}
}

func TestNilMonitorRecordsNothing(t *testing.T) {
	var m *Monitor
	m.Sent("discord", "dm")
	m.PlatformError("discord", "500")
	m.Inbound("discord", "dm", time.Second)
	m.JobDone("job", time.Now(), time.Now())
}

func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	m := New(Build{}, nil)
	addr, done, err := Serve(ctx, "127.0.0.1:0", m.Handler(), discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr.String() + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve ended with %v, want nil", err)
	}
	if _, _, err := Serve(context.Background(), "127.0.0.1:notaport", m.Handler(), discardLogger()); err == nil {
		t.Error("a bad address was accepted")
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
