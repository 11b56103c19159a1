package main

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/bot/bottest"
	"github.com/porchlight/porchlight/config"
	"github.com/porchlight/porchlight/monitor"
)

// TestConfigFromEnvironment: PORCHLIGHT_CONFIG stands in for --config.
func TestConfigFromEnvironment(t *testing.T) {
	good, _ := writeConfig(t, "")
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"check-config"}, strings.NewReader(""), &out, &errOut, func(k string) string {
		if k == envConfig {
			return good
		}
		return ""
	})
	if code != exitOK || !strings.Contains(out.String(), "is valid") {
		t.Errorf("check-config with %s = %d %q %q", envConfig, code, out.String(), errOut.String())
	}
}

func TestHealthcheckUsage(t *testing.T) {
	noListener, _ := writeConfig(t, "")
	for _, tt := range []struct {
		args []string
		env  map[string]string
		code int
		want string
	}{
		{nil, nil, exitUsage, "no listener to ask"},
		{[]string{"--config", noListener}, nil, exitUsage, "no listener to ask"},
		{[]string{"--addr", "9090"}, nil, exitUsage, "http.listen"},
		// Nothing listens on port 1: a runtime failure, not a usage error.
		{nil, map[string]string{config.EnvHTTPListen: "127.0.0.1:1"}, exitRuntime, "127.0.0.1:1/healthz"},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), append([]string{"healthcheck"}, tt.args...), strings.NewReader(""), &out, &errOut, func(k string) string { return tt.env[k] })
		if code != tt.code || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("healthcheck %v %v = %d %q, want %d and %q", tt.args, tt.env, code, errOut.String(), tt.code, tt.want)
		}
	}
}

func TestHealthURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:9090": "http://127.0.0.1:9090/readyz",
		":9090":          "http://127.0.0.1:9090/readyz",
		"0.0.0.0:9090":   "http://127.0.0.1:9090/readyz",
		"[::]:9090":      "http://127.0.0.1:9090/readyz",
		"[::1]:9090":     "http://[::1]:9090/readyz",
		"porch.lan:9090": "http://porch.lan:9090/readyz",
	} {
		if got, err := healthURL(addr, "/readyz"); err != nil || got != want {
			t.Errorf("healthURL(%q) = %q, %v; want %q", addr, got, err, want)
		}
	}
}

// TestMeteredAdapterKeepsAbilities: wrapping an adapter for metrics keeps
// it an Editor exactly when it was one, and counts sends and failures.
func TestMeteredAdapterKeepsAbilities(t *testing.T) {
	m := monitor.New(monitor.Build{}, nil)
	ed := bottest.NewAdapter("test")
	if _, ok := metered(m, ed).(bot.Editor); !ok {
		t.Error("a wrapped Editor is no longer an Editor")
	}
	if _, ok := metered(m, sendOnly{ed}).(bot.Editor); ok {
		t.Error("a wrapped adapter that cannot edit became an Editor")
	}
	failing := metered(m, failingAdapter{sendOnly{ed}})
	out := bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: "U1"}}
	var retry *bot.RetryError
	if _, err := failing.Send(context.Background(), out); !errors.As(err, &retry) {
		t.Fatalf("send error = %v, want the adapter's RetryError through the wrapper", err)
	}
	if _, err := metered(m, ed).Send(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{`porchlight_platform_errors_total{code="429",platform="test"} 1`, `porchlight_messages_sent_total{kind="dm",platform="test"} 1`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// sendOnly hides every ability but Adapter's.
type sendOnly struct{ bot.Adapter }

type failingAdapter struct{ bot.Adapter }

func (failingAdapter) Send(context.Context, bot.Outgoing) (bot.MessageRef, error) {
	return bot.MessageRef{}, bot.WithPlatformCode("429", &bot.RetryError{Err: errors.New("slow down")})
}

// TestMeteredCoreKeepsHomeSource: wrapping the core for metrics keeps it a
// bot.HomeSource exactly when it was one, so Slack's App Home still finds
// its pages with monitoring on, and still counts the events it handles.
func TestMeteredCoreKeepsHomeSource(t *testing.T) {
	m := monitor.New(monitor.Build{}, nil)
	core := bottest.NewCore()
	core.Homes = func(platform, user string) (bot.Home, error) {
		return bot.Home{Houses: []bot.HomeHouse{{Name: "Maple House"}}}, nil
	}
	src, ok := meteredCore(m, core).(bot.HomeSource)
	if !ok {
		t.Fatal("the wrapped core is no longer a HomeSource")
	}
	if h, err := src.Home(context.Background(), "slack", "U1"); err != nil || len(h.Houses) != 1 {
		t.Errorf("Home through the wrapper = %+v, %v", h, err)
	}
	if _, ok := meteredCore(m, handleOnly{core}).(bot.HomeSource); ok {
		t.Error("a wrapped core that builds no pages became a HomeSource")
	}
	meteredCore(m, core).Handle(context.Background(), bot.Event{Platform: "slack", Kind: bot.EventCommand})
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if !strings.Contains(rec.Body.String(), `platform="slack"`) {
		t.Errorf("the wrapped core's events are not counted:\n%s", rec.Body.String())
	}
}

// handleOnly hides every ability but Handler's.
type handleOnly struct{ bot.Handler }
