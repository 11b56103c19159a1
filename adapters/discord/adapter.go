// Package discord connects Porchlight to Discord through the gateway
// websocket and the REST API, with the discordgo client. It translates
// Discord interactions, messages and member events to neutral bot events,
// and bot messages to Discord messages, components and modals. It holds no
// product logic.
//
// Every REST call and the gateway lookup go to Config.APIBase through the
// session's HTTP client, so tests and proxies can point the adapter at a
// fake (discordgo's endpoint variables are fixed at init and cannot be
// changed).
package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/porchlight/porchlight/adapters/kit"
	"github.com/porchlight/porchlight/backoff"
	"github.com/porchlight/porchlight/bot"
)

// Platform is the value of Platform() and of a house's platform key.
const Platform = "discord"

// DefaultAPIBase is Discord's own base URL.
const DefaultAPIBase = "https://discord.com"

// formLimit is how many inputs a Discord modal holds.
const formLimit = 5

// Config is what the adapter needs to connect.
type Config struct {
	// Token is the bot token, without the "Bot " prefix.
	Token string
	// ApplicationID is the application's id, for command registration and
	// follow-ups. Empty means the id READY reports.
	ApplicationID string
	// APIBase is where REST calls and the gateway lookup go; empty means
	// DefaultAPIBase.
	APIBase string
	// MessageContent asks for the privileged MESSAGE_CONTENT intent, which
	// is needed only to read replies to prompts in house channels.
	MessageContent bool
	// GlobalCommands registers the commands globally (they take up to an
	// hour to appear) instead of in each guild of Guilds (instant).
	GlobalCommands bool
	// Guilds are the servers the houses live in; commands are registered
	// in each unless GlobalCommands is set.
	Guilds []string
	// HouseChannels maps a guild id to its house channel, so that member
	// events, which carry no channel, can name the house. A guild with more
	// than one house is left out.
	HouseChannels map[string]string
	// HTTPClient, when set, carries every REST call; its transport is
	// wrapped to reach APIBase.
	HTTPClient *http.Client
	// Dialer, when set, dials the gateway websocket.
	Dialer *websocket.Dialer
	// Commands is the core's command registry, for naming commands in text
	// before Run has the core's own (the outbox may send first); Run
	// replaces it with the handler's.
	Commands []*bot.Command
	// GlobalRate is how many REST requests a second the adapter makes at
	// most, under Discord's global limit of 50; zero means
	// DefaultGlobalRate.
	GlobalRate float64
	// HandshakeTimeout bounds each gateway handshake (dial, HELLO,
	// IDENTIFY or RESUME, READY); discordgo's Open has no timeout of its
	// own. Zero means 20 s.
	HandshakeTimeout time.Duration
}

// Adapter is the Discord adapter. It implements bot.Adapter and bot.Editor.
type Adapter struct {
	cfg     Config
	log     *slog.Logger
	session *discordgo.Session

	// ackWithin is how long an interaction waits for the core before it is
	// answered as deferred; Discord allows 3 s in all.
	ackWithin time.Duration
	// seen remembers interaction and message ids, so that a delivery
	// replayed after a resume is handled once.
	seen *kit.SeenSet
	// parts remembers how far split messages got, so an outbox retry does
	// not post the parts Discord already took again.
	parts *kit.Parts
	// channels caches what is known about channels (threads' parents),
	// for channelTTL and at most channelLimit of them: a channel forgotten
	// is looked up again, a thread forgotten is found again when starting
	// it answers that it exists.
	channels *kit.TTLMap[channelInfo]
	// stash holds what a button cannot carry in its 100-character custom
	// id: forms to open on a press, long choice ids.
	stash *stash
	// connected is true from READY or RESUMED until the gateway drops.
	connected atomic.Bool
	// threadsRefused and eventsRefused log once that the bot may not start
	// threads, or create scheduled events.
	threadsRefused, eventsRefused sync.Once

	mu sync.Mutex
	// appID and botUser are learned from READY when not configured.
	appID   string
	botUser string
	// dms caches the DM channel of each user.
	dms kit.DMChannels
	// queue hands each user's events to the core in arrival order.
	queue *kit.UserQueue
	// conns are gateway connections whose handshake is not done yet; their
	// deadline is cleared once READY or RESUMED arrives.
	conns []*handshakeConn
	// intents are the gateway intents asked for.
	intents discordgo.Intent
	// handler is the core, set by Run.
	handler bot.Handler
	// runCtx is Run's context, for handlers discordgo calls.
	runCtx context.Context
	// inflight counts events being handled, so Run can wait for them;
	// closing stops new ones from starting (under mu, so that Add never
	// races with Wait).
	inflight sync.WaitGroup
	closing  bool
}

// Bounds of the channel cache: a day is a thread's archive time
// (threadArchive), and 50,000 channels and threads is a few days' threads
// of thousands of houses.
const (
	channelTTL   = 24 * time.Hour
	channelLimit = 50_000
)

// channelInfo is what the adapter needs to know of a channel.
type channelInfo struct {
	thread bool
	parent string
	guild  string
}

// New returns an adapter; nothing connects until Run.
func New(cfg Config, log *slog.Logger) (*Adapter, error) {
	cfg.Token = strings.TrimSpace(cfg.Token)
	if cfg.Token == "" {
		return nil, errors.New("discord: a bot token is required")
	}
	if cfg.APIBase == "" {
		cfg.APIBase = DefaultAPIBase
	}
	base, err := url.Parse(strings.TrimSuffix(cfg.APIBase, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("discord: api base %q is not an http(s) URL", cfg.APIBase)
	}
	if cfg.HandshakeTimeout <= 0 {
		cfg.HandshakeTimeout = 20 * time.Second
	}
	if cfg.GlobalRate <= 0 {
		cfg.GlobalRate = DefaultGlobalRate
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	token := cfg.Token
	if !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, fmt.Errorf("discord: new session: %w", err)
	}
	a := &Adapter{
		cfg:       cfg,
		log:       log.With("component", "discord"),
		session:   s,
		ackWithin: 2 * time.Second,
		seen:      kit.NewSeenSet(30 * time.Minute),
		parts:     kit.NewParts(kit.PartsTTL, kit.PartsLimit),
		stash:     newStash(stashTTL),
		appID:     cfg.ApplicationID,
		channels:  kit.NewTTLMap[channelInfo](channelTTL, channelLimit),
		runCtx:    context.Background(),
	}
	a.dms = kit.DMChannels{Platform: "discord", Open: a.openDM}
	a.queue = &kit.UserQueue{Log: a.log}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = kit.NewHTTPClient(30 * time.Second)
	}
	client := *hc
	client.Transport = newGlobalPace(cfg.GlobalRate, &rebase{base: base, next: hc.Transport})
	s.Client = &client
	// The outbox retries with backoff and rate-limit waits of its own, and
	// an interaction cannot wait: discordgo's unbounded sleep-and-retry on
	// 429 and its retries of 502 are turned off, so every failure comes
	// back at once as an error.
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 0
	s.ShouldReconnectOnError = true
	s.LogLevel = -1 // discordgo logs payloads at higher levels; the adapter logs ids
	s.SyncEvents = false
	if s.State != nil {
		// The state is kept only for channels and threads (a reply's
		// thread parent); members, roles and presences would hold
		// personal data in memory for nothing.
		st := s.State
		st.TrackEmojis, st.TrackMembers, st.TrackThreadMembers = false, false, false
		st.TrackRoles, st.TrackVoice, st.TrackPresences = false, false, false
	}
	d := websocket.DefaultDialer
	if cfg.Dialer != nil {
		d = cfg.Dialer
	}
	s.Dialer = a.deadlineDialer(d)
	a.intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMembers | discordgo.IntentsDirectMessages
	if cfg.MessageContent {
		a.intents |= discordgo.IntentsGuildMessages | discordgo.IntentsMessageContent
	}
	s.Identify.Intents = a.intents
	a.addHandlers()
	return a, nil
}

// Platform returns "discord".
func (a *Adapter) Platform() string { return Platform }

// Session returns the discordgo session, for tests and tools.
func (a *Adapter) Session() *discordgo.Session { return a.session }

// rebase sends requests for discord.com to the configured base URL, keeping
// the path, so that a proxy or a fake receives every REST call.
type rebase struct {
	base *url.URL
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (rb *rebase) RoundTrip(r *http.Request) (*http.Response, error) {
	next := rb.next
	if next == nil {
		next = http.DefaultTransport
	}
	host := r.URL.Hostname()
	if host != "discord.com" && host != "discordapp.com" {
		return next.RoundTrip(r)
	}
	r2 := r.Clone(r.Context())
	r2.URL.Scheme = rb.base.Scheme
	r2.URL.Host = rb.base.Host
	r2.URL.Path = strings.TrimSuffix(rb.base.Path, "/") + r.URL.Path
	r2.Host = rb.base.Host
	return next.RoundTrip(r2)
}

// deadlineDialer returns a copy of d whose connections carry a deadline
// until their handshake completes. discordgo's Open (called by Run and by
// discordgo's own reconnect loop) reads HELLO and READY without any
// timeout; with the deadline, a gateway that accepts and then stalls makes
// Open fail instead of hanging forever.
func (a *Adapter) deadlineDialer(d *websocket.Dialer) *websocket.Dialer {
	dd := *d
	base := d.NetDialContext
	if base == nil {
		nd := &net.Dialer{Timeout: a.cfg.HandshakeTimeout}
		base = nd.DialContext
	}
	dd.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := base(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		hc := &handshakeConn{Conn: c, limit: time.Now().Add(a.cfg.HandshakeTimeout)}
		_ = hc.SetDeadline(time.Time{})
		a.mu.Lock()
		a.conns = append(a.conns, hc)
		a.mu.Unlock()
		return hc, nil
	}
	if dd.HandshakeTimeout == 0 {
		dd.HandshakeTimeout = a.cfg.HandshakeTimeout
	}
	return &dd
}

// handshakeDone clears the deadline of connections whose handshake ended.
func (a *Adapter) handshakeDone() {
	a.mu.Lock()
	conns := a.conns
	a.conns = nil
	a.mu.Unlock()
	for _, c := range conns {
		c.release()
	}
}

// handshakeConn is a gateway connection that keeps a deadline until its
// handshake is done. The websocket library clears deadlines once the HTTP
// upgrade is through; this keeps the limit in force until READY.
type handshakeConn struct {
	net.Conn
	mu    sync.Mutex
	done  bool
	limit time.Time
}

// SetDeadline sets t, but no later than the handshake limit while the
// handshake lasts.
func (c *handshakeConn) SetDeadline(t time.Time) error { return c.bounded(t, c.Conn.SetDeadline) }

// SetReadDeadline is SetDeadline for reads.
func (c *handshakeConn) SetReadDeadline(t time.Time) error {
	return c.bounded(t, c.Conn.SetReadDeadline)
}

// bounded applies t through set, capped at the handshake limit while the
// handshake lasts. The lock is held across set so that release cannot
// clear the deadline between the check and the call.
func (c *handshakeConn) bounded(t time.Time, set func(time.Time) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.done && (t.IsZero() || t.After(c.limit)) {
		t = c.limit
	}
	return set(t)
}

// release ends the handshake limit.
func (c *handshakeConn) release() {
	c.mu.Lock()
	c.done = true
	c.mu.Unlock()
	_ = c.Conn.SetDeadline(time.Time{})
}

// Run connects to the gateway, registers the commands and delivers events
// to h until ctx ends. discordgo reconnects and resumes by itself; Run only
// returns early when Discord refuses the token or the intents.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	a.mu.Lock()
	a.handler = h
	a.runCtx = ctx
	a.mu.Unlock()

	if err := a.open(ctx); err != nil {
		return err
	}
	defer func() {
		// Close sleeps a second in discordgo; events already taken finish
		// first so their replies still go out.
		a.mu.Lock()
		a.closing = true
		a.mu.Unlock()
		a.inflight.Wait()
		a.connected.Store(false)
		_ = a.session.Close()
	}()
	if err := a.register(ctx, h.Commands()); err != nil {
		a.log.Error("command registration failed; existing commands stay as they were", "err", err)
	}
	<-ctx.Done()
	return nil
}

// open makes the first gateway connection, retrying with backoff. A refused
// token is fatal; refused privileged intents drop the member events (the
// Server Members intent) with a warning, then are fatal.
func (a *Adapter) open(ctx context.Context) error {
	wait, attempt := backoff.Delay(1, time.Second, time.Minute), 1
	for {
		err := a.openOnce(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			switch ce.Code {
			case 4004:
				return errors.New("discord: the bot token was refused (close 4004); check [discord] token")
			case 4014:
				if a.intents&discordgo.IntentsGuildMembers != 0 {
					a.log.Warn("the Server Members intent is not enabled in the developer portal; member join and leave events are off")
					a.intents &^= discordgo.IntentsGuildMembers
					a.session.Identify.Intents = a.intents
					continue
				}
				return errors.New("discord: the Message Content intent is not enabled in the developer portal (close 4014); enable it or set [discord] message_content = false")
			case 4010, 4011, 4012, 4013:
				return fmt.Errorf("discord: gateway refused the connection: %w", err)
			}
		}
		var re *discordgo.RESTError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized {
			return errors.New("discord: the bot token was refused (401); check [discord] token")
		}
		a.log.Warn("gateway connection failed; retrying", "err", err, "wait", wait)
		if !backoff.Sleep(ctx, wait) {
			return nil
		}
		attempt++
		wait = backoff.Delay(attempt, time.Second, time.Minute)
	}
}

// openOnce calls Open with the handshake bounded: the dialer's deadline
// breaks a stalled read, and ctx abandons the wait.
func (a *Adapter) openOnce(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- a.session.Open() }()
	timer := time.NewTimer(a.cfg.HandshakeTimeout + 5*time.Second)
	defer timer.Stop()
	select {
	case err := <-done:
		if err == nil {
			a.handshakeDone()
		}
		return err
	case <-timer.C:
		a.killPending()
		return fmt.Errorf("discord: gateway handshake took longer than %s", a.cfg.HandshakeTimeout)
	case <-ctx.Done():
		a.killPending()
		if err := <-done; err == nil {
			_ = a.session.Close()
		}
		return ctx.Err()
	}
}

// killPending closes connections still in their handshake.
func (a *Adapter) killPending() {
	a.mu.Lock()
	conns := a.conns
	a.conns = nil
	a.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
}

// Connected reports whether the gateway session is up now
// (bot.Connectivity).
func (a *Adapter) Connected() bool { return a.connected.Load() }

// addHandlers installs the gateway event handlers. Each recovers from
// panics, since discordgo does not and a panic would end the process.
func (a *Adapter) addHandlers() {
	s := a.session
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
		defer a.recover("ready")
		a.connected.Store(true)
		a.handshakeDone()
		a.mu.Lock()
		if r.User != nil {
			a.botUser = r.User.ID
		}
		if a.appID == "" && r.Application != nil {
			a.appID = r.Application.ID
		}
		a.mu.Unlock()
		a.log.Info("discord ready", "guilds", len(r.Guilds))
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) {
		defer a.recover("resumed")
		a.connected.Store(true)
		a.handshakeDone()
		a.log.Info("discord session resumed")
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
		a.connected.Store(false)
		a.log.Info("discord gateway disconnected; discordgo reconnects")
	})
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.InteractionCreate) {
		defer a.recover("interaction")
		if e.Interaction == nil || e.Type == discordgo.InteractionModalSubmit {
			return // read from the raw event below
		}
		a.onInteraction(e.Interaction, nil)
	})
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.Event) {
		defer a.recover("modal submit")
		if e.Type == "INTERACTION_CREATE" {
			a.onRawInteraction(e.RawData)
		}
	})
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.MessageCreate) {
		defer a.recover("message")
		a.onMessage(e.Message)
	})
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.GuildMemberAdd) {
		defer a.recover("member add")
		if e.Member != nil && e.User != nil {
			// A join is identified by when it happened, so a replayed
			// GUILD_MEMBER_ADD is handled once; a leave carries no time.
			id := ""
			if !e.JoinedAt.IsZero() {
				id = fmt.Sprintf("join:%s:%s:%d", e.GuildID, e.User.ID, e.JoinedAt.UnixMilli())
			}
			a.onMember(bot.EventMemberJoined, id, e.GuildID, e.User)
		}
	})
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.GuildMemberRemove) {
		defer a.recover("member remove")
		if e.Member != nil && e.User != nil {
			a.onMember(bot.EventMemberLeft, "", e.GuildID, e.User)
		}
	})
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.ChannelDelete) {
		defer a.recover("channel delete")
		a.channels.Delete(e.ID)
	})
}

// recover logs a panic in a handler instead of ending the process.
func (a *Adapter) recover(what string) {
	if p := recover(); p != nil {
		a.log.Error("handler panicked", "handler", what, "panic", fmt.Sprint(p))
	}
}

// state returns the core and Run's context; ok is false before Run.
func (a *Adapter) state() (bot.Handler, context.Context, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.handler, a.runCtx, a.handler != nil
}

// begin counts an event in, unless Run is stopping: an event that arrives
// then is not handled, and Discord's own retry or the user tries again.
func (a *Adapter) begin() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closing {
		return false
	}
	a.inflight.Add(1)
	return true
}

// Naming is how Discord spells the commands of cmds in text: bare names,
// with "now" for a command that also has subcommands (see bareSub).
func Naming(cmds []*bot.Command) bot.Naming {
	return bot.Naming{BareSub: bareSub, Commands: cmds}
}

// naming is Naming for the core's registry.
func (a *Adapter) naming() bot.Naming {
	a.mu.Lock()
	defer a.mu.Unlock()
	cmds := a.cfg.Commands
	if a.handler != nil {
		cmds = a.handler.Commands()
	}
	return Naming(cmds)
}

// applicationID returns the configured or learned application id.
func (a *Adapter) applicationID() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.appID
}
