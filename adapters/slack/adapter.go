// Package slack connects Porchlight to Slack through Socket Mode, with the
// slack-go client. It translates Slack payloads to neutral bot events and bot
// messages to Block Kit, and holds no product logic.
//
// The app-level token (xapp-) opens the socket through
// apps.connections.open; every Web API call uses the bot token (xoxb-). Both
// go to Config.APIURL, so tests and proxies can point the adapter at a fake.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/porchlight/porchlight/adapters/kit"
	"github.com/porchlight/porchlight/backoff"
	"github.com/porchlight/porchlight/bot"
)

// Platform is the value of Platform() and of a house's platform key.
const Platform = "slack"

// DefaultAPIURL is Slack's Web API base URL.
const DefaultAPIURL = "https://slack.com/api/"

// DefaultCommandPrefix is put before every command name on Slack, where
// slash commands share one namespace per workspace.
const DefaultCommandPrefix = "porch-"

// Config is what the adapter needs to connect.
type Config struct {
	// BotToken (xoxb-) authenticates Web API calls.
	BotToken string
	// AppToken (xapp-, scope connections:write) opens the Socket Mode
	// connection.
	AppToken string
	// APIURL is the Web API base URL; empty means DefaultAPIURL. A trailing
	// slash is added when missing.
	APIURL string
	// CommandPrefix is put before command names ("porch-" makes
	// /porch-checkin) and stripped on the way in; empty means bare names.
	// The config defaults it to DefaultCommandPrefix.
	CommandPrefix string
	// ThreadReplies hands replies in the threads of the bot's messages in
	// channels to the core; off, channel messages are never read (and
	// the manifest does not subscribe to them).
	ThreadReplies bool
	// ChannelRate is how many chat.postMessage calls a second the adapter
	// makes to one channel; zero means Slack's one. Every other method is
	// paced by its tier (pace.go).
	ChannelRate float64
	// HTTPClient is used for every HTTP request when set.
	HTTPClient *http.Client
}

// webAPI is the part of the slack-go Web API client the adapter uses. It is
// narrow so that the calls the adapter depends on are visible in one place.
type webAPI interface {
	AuthTestContext(ctx context.Context) (*slackgo.AuthTestResponse, error)
	PostMessageContext(ctx context.Context, channelID string, options ...slackgo.MsgOption) (string, string, error)
	PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slackgo.MsgOption) (string, error)
	UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slackgo.MsgOption) (string, string, string, error)
	OpenConversationContext(ctx context.Context, params *slackgo.OpenConversationParameters) (*slackgo.Channel, bool, bool, error)
	OpenViewContext(ctx context.Context, triggerID string, view slackgo.ModalViewRequest) (*slackgo.ViewResponse, error)
	UploadFileContext(ctx context.Context, params slackgo.UploadFileParameters) (*slackgo.FileSummary, error)
	GetConversationHistoryContext(ctx context.Context, params *slackgo.GetConversationHistoryParameters) (*slackgo.GetConversationHistoryResponse, error)
	GetConversationRepliesContext(ctx context.Context, params *slackgo.GetConversationRepliesParameters) ([]slackgo.Message, bool, string, error)
	GetUserInfoContext(ctx context.Context, user string, options ...slackgo.GetUserInfoOption) (*slackgo.User, error)
	PublishViewContext(ctx context.Context, req slackgo.PublishViewContextRequest) (*slackgo.ViewResponse, error)
}

// Adapter is the Slack adapter. It implements bot.Adapter and bot.Editor.
type Adapter struct {
	cfg    Config
	log    *slog.Logger
	client *slackgo.Client
	api    webAPI
	http   *http.Client

	// ackWithin is how long an envelope waits for the core before it is
	// acked without a reply; Slack allows 3 s in all.
	ackWithin time.Duration
	// seen remembers delivery ids, so redeliveries are handled once.
	seen *kit.SeenSet
	// parts remembers how far split messages got, so an outbox retry
	// does not post the parts Slack already took again.
	parts *kit.Parts
	// names keeps display names looked up with users.info (names.go);
	// warnedScope says the missing users:read scope was logged once.
	names       *kit.TTLMap[string]
	warnedScope atomic.Bool

	mu sync.Mutex
	// botUser is the bot's own user id, learned from auth.test, so that
	// its own messages are ignored.
	botUser string
	// homeSrc builds home pages: the Handler given to Run, when it can.
	homeSrc bot.HomeSource
	// homeLocks keeps each user's pages in order (home.go).
	homeLocks homeLocks
	// homeOff says Slack answered not_enabled to views.publish: the app's
	// manifest has no Home tab, so no page is published until a restart.
	homeOff atomic.Bool
	// dms caches the DM channel of each user.
	dms kit.DMChannels
	// queue hands each user's events to the core in arrival order.
	queue *kit.UserQueue
	// inflight counts events being handled, so Run can wait for them.
	inflight sync.WaitGroup
	// connected is true while a Socket Mode connection is up.
	connected atomic.Bool
}

// Connected reports whether a Socket Mode connection is up now
// (bot.Connectivity).
func (a *Adapter) Connected() bool { return a.connected.Load() }

// New returns an adapter; nothing connects until Run.
func New(cfg Config, log *slog.Logger) *Adapter {
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/"
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = kit.NewHTTPClient(30 * time.Second)
	}
	client := slackgo.New(cfg.BotToken,
		slackgo.OptionAPIURL(cfg.APIURL),
		slackgo.OptionAppLevelToken(cfg.AppToken),
		slackgo.OptionHTTPClient(hc))
	log = log.With("component", "slack")
	a := &Adapter{
		cfg:       cfg,
		log:       log,
		client:    client,
		api:       newPaced(client, cfg.ChannelRate),
		http:      hc,
		ackWithin: 2500 * time.Millisecond,
		seen:      kit.NewSeenSet(15 * time.Minute),
		parts:     kit.NewParts(kit.PartsTTL, kit.PartsLimit),
		names:     kit.NewTTLMap[string](nameTTL, nameLimit),
		queue:     &kit.UserQueue{Log: log},
	}
	a.dms = kit.DMChannels{Platform: "slack", Open: a.openDM}
	return a
}

// Platform returns "slack".
func (a *Adapter) Platform() string { return Platform }

// CommandPrefix returns the prefix put before command names on Slack.
func (a *Adapter) CommandPrefix() string { return a.cfg.CommandPrefix }

// Run connects through Socket Mode and delivers events to h until ctx ends.
// slack-go reconnects by itself after a "disconnect" message or a dropped
// socket; Run only returns early when the tokens are refused.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	if err := a.learnIdentity(ctx); err != nil {
		return err
	}
	if src, ok := h.(bot.HomeSource); ok {
		a.mu.Lock()
		a.homeSrc = src
		a.mu.Unlock()
	}
	sm := socketmode.New(a.client, socketmode.OptionLog(discardLogger{}))
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		a.read(runCtx, sm, h)
	}()

	err := a.runSocket(runCtx, sm)
	a.connected.Store(false)
	cancel()
	<-readerDone
	// Let events already taken finish; their acks go nowhere now, and
	// unacked envelopes are redelivered to the next connection.
	a.inflight.Wait()
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// learnIdentity asks auth.test who the bot is. A refused token is fatal; a
// network problem is not, since the socket loop retries on its own.
func (a *Adapter) learnIdentity(ctx context.Context) error {
	resp, err := a.api.AuthTestContext(ctx)
	if err != nil {
		var se slackgo.SlackErrorResponse
		if errors.As(err, &se) && fatalAuth(se.Err) {
			return fmt.Errorf("slack: bot token refused: %s", se.Err)
		}
		a.log.Warn("auth.test failed; continuing", "err", err)
		return nil
	}
	a.mu.Lock()
	a.botUser = resp.UserID
	a.mu.Unlock()
	a.log.Info("slack identity", "bot_user", resp.UserID, "team", resp.TeamID)
	return nil
}

func fatalAuth(code string) bool {
	switch code {
	case "invalid_auth", "not_authed", "account_inactive", "token_revoked", "not_allowed_token_type":
		return true
	}
	return false
}

// runSocket runs the Socket Mode client, starting it again if it gives up
// for anything but refused tokens or the end of ctx.
func (a *Adapter) runSocket(ctx context.Context, sm *socketmode.Client) error {
	wait, attempt := backoff.Delay(1, time.Second, time.Minute), 1
	for {
		err := sm.RunContext(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var se slackgo.SlackErrorResponse
		if (errors.As(err, &se) && fatalAuth(se.Err)) || (err != nil && fatalAuth(err.Error())) {
			return fmt.Errorf("slack: app token refused: %w", err)
		}
		var sc slackgo.StatusCodeError
		if errors.As(err, &sc) && sc.Code == http.StatusNotFound {
			return fmt.Errorf("slack: socket mode not available: %w", err)
		}
		a.log.Warn("socket mode stopped; reconnecting", "err", err, "wait", wait)
		if !backoff.Sleep(ctx, wait) {
			return nil
		}
		attempt++
		wait = backoff.Delay(attempt, time.Second, time.Minute)
	}
}

// read takes every event from the Socket Mode client. It must never block
// for long: a stalled Events channel stalls the connection.
func (a *Adapter) read(ctx context.Context, sm *socketmode.Client, h bot.Handler) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-sm.Events:
			switch ev.Type {
			case socketmode.EventTypeConnected:
				a.connected.Store(true)
				a.log.Info("socket mode connected")
			case socketmode.EventTypeConnecting, socketmode.EventTypeDisconnect:
				a.connected.Store(false)
			case socketmode.EventTypeConnectionError:
				a.connected.Store(false)
				a.log.Warn("socket mode connection failed; retrying")
			case socketmode.EventTypeInvalidAuth:
				a.connected.Store(false)
				a.log.Error("socket mode: app token refused")
			case socketmode.EventTypeErrorBadMessage:
				a.log.Warn("socket mode: unreadable frame")
			case socketmode.EventTypeEventsAPI, socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive:
				if ev.Request != nil {
					a.accept(ctx, sm, h, ev)
				}
			}
		}
	}
}

// acker sends Socket Mode acks; *socketmode.Client implements it.
type acker interface {
	AckCtx(ctx context.Context, envelopeID string, payload any) error
}

// accept dedupes one envelope, translates it and handles it in its own
// goroutine, so that one slow event never delays the acks of others.
func (a *Adapter) accept(ctx context.Context, sm acker, h bot.Handler, ev socketmode.Event) {
	req := *ev.Request
	in, err := a.translate(ev)
	log := a.log.With("envelope", req.EnvelopeID, "type", req.Type, "attempt", req.RetryAttempt)
	if err != nil {
		log.Warn("envelope not understood; acked and dropped", "err", err)
		a.ack(sm, req, nil)
		return
	}
	if in.dedupeKey != "" && !a.seen.FirstSight(in.dedupeKey, time.Now()) {
		log.Info("redelivery already handled; acked", "id", in.dedupeKey)
		a.ack(sm, req, nil)
		return
	}
	if in.ignore {
		a.ack(sm, req, nil)
		return
	}
	if in.kind == kindHome {
		// The page is built and published after the ack; Slack sends the
		// event again the next time the tab is opened, so a failure
		// costs one stale view.
		a.ack(sm, req, nil)
		a.inflight.Add(1)
		go func() {
			defer a.inflight.Done()
			if err := a.publishHome(ctx, in.ev.User.ID); err != nil && ctx.Err() == nil {
				log.Warn("home not published", "code", platformCode(err), "err", err)
			}
		}()
		return
	}
	done := a.queue.Handle(ctx, named{a, h}, in.ev)
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Done()
		a.process(ctx, sm, req, in, done)
	}()
}

// process runs one event through the core and answers Slack: in the ack
// when the core is back within ackWithin, otherwise with an empty ack now
// and the reply through the Web API when it comes.
func (a *Adapter) process(ctx context.Context, sm acker, req socketmode.Request, in inbound, done <-chan bot.Response) {
	timer := time.NewTimer(a.ackWithin)
	defer timer.Stop()
	select {
	case resp := <-done:
		if ctx.Err() != nil {
			return // shutting down: no ack, so Slack redelivers
		}
		a.respond(ctx, sm, &req, in, resp)
	case <-timer.C:
		a.log.Info("core slow; acked before the reply", "envelope", req.EnvelopeID, "kind", in.ev.Kind.String())
		a.ack(sm, req, nil)
		resp := <-done
		if ctx.Err() != nil {
			return
		}
		a.respond(ctx, sm, nil, in, resp)
	case <-ctx.Done():
	}
}

// ack acknowledges an envelope, with payload when it is not nil. It never
// blocks for long: slack-go queues acks for the socket's writer, which is
// gone while reconnecting or after shutdown, and a late ack is worthless.
func (a *Adapter) ack(sm acker, req socketmode.Request, payload any) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := sm.AckCtx(ctx, req.EnvelopeID, payload); err != nil {
		a.log.Warn("ack failed", "envelope", req.EnvelopeID, "err", err)
	}
}

// discardLogger silences slack-go's own logger; the adapter logs what
// matters, without payloads.
type discardLogger struct{}

func (discardLogger) Output(int, string) error { return nil }
