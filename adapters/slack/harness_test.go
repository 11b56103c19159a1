package slack

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/slack/slacktest"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/bot/bottest"
)

// waitFor bounds every wait; the fake answers in milliseconds, so it only
// matters when something is broken.
const waitFor = 5 * time.Second

// The ids of the test workspace. No real people.
const (
	house  = "C0HOUSE"
	robin  = "U0001"
	sam    = "U0002"
	mentor = "U0003"
)

// handler is the fake core (bottest.Core), with the harness's wait.
type handler struct{ *bottest.Core }

func newHandler() *handler { return &handler{bottest.NewCore()} }

// next returns the next event the core got.
func (h *handler) next(t *testing.T) bot.Event {
	t.Helper()
	return h.Next(t, waitFor)
}

// answer sets how the fake core answers.
func (h *handler) answer(f func(bot.Event) bot.Response) { h.Answer(f) }

// none checks that the core got no event; it waits for a marker envelope
// sent after the ones that must be ignored.
func (h *handler) none(t *testing.T, hs *harness) {
	t.Helper()
	if _, err := hs.srv.SendEvent(slacktest.MemberLeftChannel{User: "U0MARK", Channel: house}); err != nil {
		t.Fatal(err)
	}
	ev := h.next(t)
	if ev.User.ID != "U0MARK" {
		t.Fatalf("the core got %s event from %s, want none", ev.Kind, ev.User.ID)
	}
}

// harness is a fake Slack with the adapter running against it.
type harness struct {
	srv *slacktest.Server
	ad  *Adapter
	h   *handler
}

// start runs an adapter against a new fake until the test ends. tweak, if
// set, adjusts the adapter before it runs.
func start(t *testing.T, cfg slacktest.Config, tweak func(*Adapter)) *harness {
	t.Helper()
	// These tests post many messages to one channel at once, which
	// Slack's limits would slow to one a second; the rate-limit tests
	// (pace_test.go) keep them, with startLimited.
	cfg.Unlimited = true
	return startLimited(t, cfg, Config{ChannelRate: 1000}, tweak)
}

// startLimited is start with the fake's rate limits as cfg sets them and
// the adapter configured with acfg (its tokens and URL filled in).
func startLimited(t *testing.T, cfg slacktest.Config, acfg Config, tweak func(*Adapter)) *harness {
	t.Helper()
	srv := slacktest.New(cfg)
	t.Cleanup(srv.Close)
	for _, u := range []slacktest.User{{ID: robin, Name: "robin"}, {ID: sam, Name: "sam"}, {ID: mentor, Name: "morgan"}} {
		srv.AddUser(u)
	}
	acfg.BotToken, acfg.AppToken, acfg.APIURL, acfg.CommandPrefix = srv.BotToken(), srv.AppToken(), srv.APIURL(), DefaultCommandPrefix
	ad := New(acfg, slog.New(slog.DiscardHandler))
	if tweak != nil {
		tweak(ad)
	}
	hs := &harness{srv: srv, ad: ad, h: newHandler()}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ad.Run(ctx, hs.h) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(waitFor):
			t.Errorf("adapter did not stop")
		}
	})
	if err := srv.WaitForConnections(ctxFor(t), 1); err != nil {
		t.Fatal(err)
	}
	return hs
}

// ctxFor returns a context that ends with the test or after waitFor.
func ctxFor(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), waitFor)
	t.Cleanup(cancel)
	return c
}

// must fails the test on err.
func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
