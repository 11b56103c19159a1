// Package slacktest is a fake Slack for tests. It serves the Web API methods
// Porchlight uses and a Socket Mode websocket, and speaks the real wire formats,
// so that the real slack-go client (slack and slack/socketmode) runs against it
// unchanged.
//
// Point a client at it with
//
//	api := slack.New(srv.BotToken(),
//		slack.OptionAPIURL(srv.APIURL()),
//		slack.OptionAppLevelToken(srv.AppToken()))
//	client := socketmode.New(api)
//
// The fake records every Web API call (see [Call]) and every Socket Mode ack
// (see [Ack]), pushes envelopes (see [Server.SendEvent],
// [Server.SendSlashCommand], [Server.SendBlockActions],
// [Server.SendViewSubmission]), redelivers envelopes whose ack is late, and
// can inject rate limits and errors (see [Server.Inject]).
//
// Every Wait method takes a context. When the context has no deadline the
// fake applies [Config.WaitTimeout], so a test that waits for something that
// never happens fails instead of hanging.
//
// Unlike slack-go's own slacktest package, which speaks RTM, this fake speaks
// Socket Mode and serves views.* and conversations.open.
package slacktest

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Config sets the identity and timing of a fake. The zero value is usable:
// every empty field gets the default named in its comment.
type Config struct {
	// BotToken is the bot token (xoxb-) the Web API methods accept.
	// Default "xoxb-0001-test-bot".
	BotToken string
	// AppToken is the app-level token (xapp-) that apps.connections.open
	// accepts. Default "xapp-1-A0001-test-app".
	AppToken string
	// TeamID is the workspace id. Default "T0001".
	TeamID string
	// TeamDomain is the workspace domain. Default "porchlight-test".
	TeamDomain string
	// TeamName is the workspace name auth.test reports. Default "Porchlight Test".
	TeamName string
	// AppID is the app id sent in hello and in payloads. Default "A0001".
	AppID string
	// BotUserID is the bot's user id. Default "U0BOT".
	BotUserID string
	// BotName is the bot's user name. Default "porchlight".
	BotName string
	// BotID is the bot id (B...) on the bot's messages. Default "B0001".
	BotID string

	// PingInterval is how often the fake sends a websocket PING on each
	// connection. slack-go reconnects when no PING arrives within its own
	// ping interval (30 s by default). Default 1 s.
	PingInterval time.Duration
	// AckTimeout is how long the fake waits for an envelope's ack before it
	// redelivers it. Slack waits 3 s. Zero means 3 s; a negative value turns
	// redelivery off.
	AckTimeout time.Duration
	// MaxRetries is how many times an unacked envelope is redelivered.
	// Default 3, as Slack does.
	MaxRetries int
	// RetryReason is the retry_reason of a redelivery. Default "timeout".
	RetryReason string
	// DisconnectGrace is how long a connection sent a "disconnect" message
	// stays open before the fake closes it, if the client has not closed it
	// first. Default 2 s.
	DisconnectGrace time.Duration

	// Scopes are the bot token's scopes. A Web API call that needs one the
	// token lacks gets Slack's missing_scope error, naming the scope
	// needed (neededScopeLocked). Every answer to the bot token names them
	// in the X-OAuth-Scopes header, as Slack's do. Default: every scope the
	// fake knows (AllScopes).
	Scopes []string
	// HomeTabOff is an app whose manifest does not turn the Home tab on
	// (features.app_home.home_tab_enabled): views.publish answers
	// not_enabled, as Slack does.
	HomeTabOff bool
	// Now, when set, gives message timestamps their time, so that
	// conversations.history's oldest and latest bounds mean what they mean
	// on Slack; each timestamp is still later than the one before. Nil
	// counts timestamps from a fixed base (1700000000) instead.
	Now func() time.Time

	// Unlimited turns Slack's rate limits off (see MethodTiers), for
	// tests that post faster than Slack allows to test something else.
	Unlimited bool

	// WaitTimeout bounds every Wait method whose context has no deadline.
	// Default 5 s.
	WaitTimeout time.Duration
	// Logger receives ids and method names, never message text or tokens.
	// Default: discard.
	Logger *slog.Logger
}

// withDefaults returns c with every empty field set to its default.
func (c Config) withDefaults() Config {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.BotToken, "xoxb-0001-test-bot")
	def(&c.AppToken, "xapp-1-A0001-test-app")
	def(&c.TeamID, "T0001")
	def(&c.TeamDomain, "porchlight-test")
	def(&c.TeamName, "Porchlight Test")
	def(&c.AppID, "A0001")
	def(&c.BotUserID, "U0BOT")
	def(&c.BotName, "porchlight")
	def(&c.BotID, "B0001")
	def(&c.RetryReason, "timeout")
	if c.PingInterval <= 0 {
		c.PingInterval = time.Second
	}
	if c.AckTimeout == 0 {
		c.AckTimeout = 3 * time.Second
	}
	if c.MaxRetries <= 0 {
		c.MaxRetries = 3
	}
	if c.DisconnectGrace <= 0 {
		c.DisconnectGrace = 2 * time.Second
	}
	if len(c.Scopes) == 0 {
		c.Scopes = AllScopes()
	}
	if c.WaitTimeout <= 0 {
		c.WaitTimeout = 5 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Server is a running fake Slack. All its methods are safe for concurrent use.
type Server struct {
	cfg  Config
	log  *slog.Logger
	http *httptest.Server

	// mu guards everything below. Handlers hold it only while they touch
	// state, never while they write to the network.
	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every state change
	closed  bool
	seq     int   // source of every generated id and timestamp
	lastTS  int64 // the last timestamp handed out, in microseconds

	// Web API.
	calls    []Call
	faults   map[string][]Fault
	handlers map[string]func(Call) any
	users    map[string]User
	dms      map[string]string // user id -> D channel id
	messages []Message
	views    map[string]*View
	files    map[string]*File
	fileTok  map[string]string // upload path token -> file id
	respURLs map[string]*responseURL
	triggers map[string]bool // trigger ids the fake issued -> used
	expired  map[string]bool // trigger ids ExpireTrigger ran out
	outside  map[string]bool // channels the bot is not a member of
	// limits are the rate-limit buckets, by method (and channel for
	// chat.postMessage); limited counts the calls they refused.
	limits  map[string]*rate.Limiter
	limited int

	// Socket Mode.
	tickets     map[string]bool // apps.connections.open tickets not yet used
	conns       []*wsConn
	connCount   int
	pongs       int
	pingsPaused bool
	envelopes   map[string]*envelope // every envelope id of every attempt
	queue       []*envelope          // waiting for a connection
	acks        []Ack
	deliveries  []Delivery
	wg          sync.WaitGroup // connection goroutines
}

// New starts a fake Slack on a loopback port. Call Close when done, for
// example with t.Cleanup(srv.Close).
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:       cfg,
		log:       cfg.Logger.With("component", "slacktest"),
		changed:   make(chan struct{}),
		faults:    map[string][]Fault{},
		limits:    map[string]*rate.Limiter{},
		handlers:  map[string]func(Call) any{},
		users:     map[string]User{},
		dms:       map[string]string{},
		views:     map[string]*View{},
		files:     map[string]*File{},
		fileTok:   map[string]string{},
		respURLs:  map[string]*responseURL{},
		triggers:  map[string]bool{},
		expired:   map[string]bool{},
		outside:   map[string]bool{},
		tickets:   map[string]bool{},
		envelopes: map[string]*envelope{},
	}
	s.users[cfg.BotUserID] = User{ID: cfg.BotUserID, Name: cfg.BotName, RealName: "Porchlight", IsBot: true}

	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/link/", s.serveSocket)
	mux.HandleFunc("/upload/v1/", s.serveUpload)
	mux.HandleFunc("/commands/", s.serveResponseURL)
	mux.HandleFunc("/actions/", s.serveResponseURL)
	s.http = httptest.NewServer(mux)
	return s
}

// Close closes every websocket, stops redelivery and shuts the server down.
// It is safe to call more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := append([]*wsConn(nil), s.conns...)
	for _, e := range s.envelopes {
		if e.timer != nil {
			e.timer.Stop()
		}
	}
	s.notifyLocked()
	s.mu.Unlock()

	for _, c := range conns {
		c.close()
	}
	s.wg.Wait()
	s.http.Close()
}

// Config returns the configuration in use, defaults filled in.
func (s *Server) Config() Config { return s.cfg }

// URL returns the base URL of the fake, without a trailing slash.
func (s *Server) URL() string { return s.http.URL }

// APIURL returns the Web API base URL, with the trailing slash that
// slack.OptionAPIURL needs.
func (s *Server) APIURL() string { return s.http.URL + "/api/" }

// BotToken returns the bot token the fake accepts.
func (s *Server) BotToken() string { return s.cfg.BotToken }

// AppToken returns the app-level token the fake accepts for
// apps.connections.open.
func (s *Server) AppToken() string { return s.cfg.AppToken }

// notifyLocked wakes every waiter. The caller holds s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// nextLocked returns the next number of the id sequence. The caller holds s.mu.
func (s *Server) nextLocked() int {
	s.seq++
	return s.seq
}

// baseTime is the Unix second that generated timestamps count from. A fixed
// base keeps ids readable and tests deterministic.
const baseTime = 1700000000

// tsLocked returns a new message timestamp ("1700000000.000042"); each one
// is larger than the last. The caller holds s.mu.
func (s *Server) tsLocked() string {
	n := s.nextLocked()
	us := int64(baseTime)*1e6 + int64(n)
	if s.cfg.Now != nil {
		us = s.cfg.Now().UnixMicro()
	}
	if us <= s.lastTS {
		us = s.lastTS + 1
	}
	s.lastTS = us
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// idLocked returns a new id with the given prefix, such as "V" or "F".
// The caller holds s.mu.
func (s *Server) idLocked(prefix string) string {
	return fmt.Sprintf("%s%08d", prefix, s.nextLocked())
}

// uuidLocked returns a new id shaped like a UUID, as envelope ids and
// apps.connections.open tickets are. The caller holds s.mu.
func (s *Server) uuidLocked() string {
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", s.nextLocked())
}

// triggerIDLocked returns a new trigger id, shaped like Slack's. The
// caller holds s.mu.
func (s *Server) triggerIDLocked() string {
	return fmt.Sprintf("%d.%d.%032x", 1000000000+s.nextLocked(), 1, s.seq)
}

// wait blocks until cond, called with s.mu held, returns true. It fails when
// ctx ends (with WaitTimeout applied if ctx has no deadline) or the server
// closes; what and seen describe the failure.
func (s *Server) wait(ctx context.Context, what string, cond func() bool, seen func() string) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.cfg.WaitTimeout)
		defer cancel()
	}
	for {
		s.mu.Lock()
		ok := cond()
		ch, closed := s.changed, s.closed
		var got string
		if !ok && seen != nil {
			got = seen()
		}
		s.mu.Unlock()
		if ok {
			return nil
		}
		if closed {
			return fmt.Errorf("slacktest: wait for %s: server closed", what)
		}
		select {
		case <-ch:
		case <-ctx.Done():
			if got != "" {
				return fmt.Errorf("slacktest: wait for %s (seen: %s): %w", what, got, ctx.Err())
			}
			return fmt.Errorf("slacktest: wait for %s: %w", what, ctx.Err())
		}
	}
}

// trimmed joins at most the last 20 of items, for failure messages.
func trimmed(items []string) string {
	if len(items) > 20 {
		items = append([]string{"..."}, items[len(items)-20:]...)
	}
	return strings.Join(items, ", ")
}
