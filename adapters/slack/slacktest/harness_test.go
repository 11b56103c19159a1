package slacktest_test

import (
	"context"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/slack/slacktest"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// waitFor bounds every wait in these tests; the fake answers in
// milliseconds, so it only matters when something is broken.
const waitFor = 5 * time.Second

// harness is a fake Slack with a real slack-go Socket Mode client running
// against it.
type harness struct {
	srv    *slacktest.Server
	api    *slack.Client
	client *socketmode.Client
	// events gets every client event except the connection bookkeeping
	// (connecting, connected).
	events chan socketmode.Event
}

// newServer starts a fake that the test closes at its end.
func newServer(t *testing.T, cfg slacktest.Config) *slacktest.Server {
	t.Helper()
	srv := slacktest.New(cfg)
	t.Cleanup(srv.Close)
	return srv
}

// newAPI returns a real slack-go Web API client for srv.
func newAPI(srv *slacktest.Server) *slack.Client {
	return slack.New(srv.BotToken(),
		slack.OptionAPIURL(srv.APIURL()),
		slack.OptionAppLevelToken(srv.AppToken()))
}

// start runs a real socketmode client against a new fake until the test
// ends.
func start(t *testing.T, cfg slacktest.Config, opts ...socketmode.Option) *harness {
	t.Helper()
	return startOn(t, newServer(t, cfg), opts...)
}

// startOn runs a real socketmode client against srv until the test ends.
func startOn(t *testing.T, srv *slacktest.Server, opts ...socketmode.Option) *harness {
	t.Helper()
	h := &harness{srv: srv, api: newAPI(srv), events: make(chan socketmode.Event, 100)}
	h.client = socketmode.New(h.api, opts...)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.client.RunContext(ctx) }()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case ev := <-h.client.Events:
				switch ev.Type {
				case socketmode.EventTypeConnecting, socketmode.EventTypeConnected:
					continue
				}
				select {
				case h.events <- ev:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(waitFor):
			t.Errorf("socketmode client did not stop")
		}
	})
	return h
}

// next returns the next client event of the given type, skipping others.
func (h *harness) next(t *testing.T, typ socketmode.EventType) socketmode.Event {
	t.Helper()
	deadline := time.After(waitFor)
	for {
		select {
		case ev := <-h.events:
			if ev.Type == typ {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s event within %v", typ, waitFor)
		}
	}
}

// ctx returns a context that ends with the test or after waitFor.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), waitFor)
	t.Cleanup(cancel)
	return c
}
