package discordtest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// The fake's default world. Snowflakes are numeric strings, as on Discord,
// so code that parses them (for example for their timestamp) works.
const (
	// DefaultToken is the bot token the fake expects when Config.Token is
	// empty. discordgo sends it verbatim as the Authorization header.
	DefaultToken = "Bot discordtest-token"
	// AppID is the application id; as for every modern bot application it
	// is also the bot user's id.
	AppID = "1100000000000000001"
	// BotName is the bot user's username.
	BotName = "porchlight"
	// GuildID is the one guild the bot is in.
	GuildID = "1200000000000000001"
	// ChannelGeneral is a guild text channel.
	ChannelGeneral = "1300000000000000001"
	// ChannelThread is a public thread in ChannelGeneral.
	ChannelThread = "1300000000000000002"
	// UserRobin and UserSam are guild members.
	UserRobin = "1400000000000000001"
	UserSam   = "1400000000000000002"
	// RoleMentor is a guild role that Robin has.
	RoleMentor = "1500000000000000001"
)

// Discord channel types used by the fake.
const (
	ChannelTypeGuildText    = 0
	ChannelTypeDM           = 1
	ChannelTypePublicThread = 11
)

// Gateway intents the fake enforces on dispatches.
const (
	IntentGuilds         = 1 << 0
	IntentGuildMembers   = 1 << 1
	IntentGuildMessages  = 1 << 9
	IntentDirectMessages = 1 << 12
	IntentMessageContent = 1 << 15
)

// discordEpoch is the first millisecond of 2015, the zero of snowflakes.
const discordEpoch = 1420070400000

// defaultHeartbeat is the interval Discord really announces.
const defaultHeartbeat = 41250 * time.Millisecond

// Config adjusts the fake. The zero value is a working default.
type Config struct {
	// Token is the exact Authorization value REST calls and IDENTIFY must
	// carry; empty means DefaultToken.
	Token string
	// HeartbeatInterval is announced in HELLO; zero means Discord's 41.25 s.
	// Tests of heartbeat failure set it low.
	HeartbeatInterval time.Duration
	// DisallowedIntents are privileged intents not enabled for the app in
	// the developer portal: an IDENTIFY asking for any of them is closed
	// with code 4014, as Discord does.
	DisallowedIntents int
	// Now stamps messages and members; nil means time.Now.
	Now func() time.Time
	// NonceWindow is how long a message created with a nonce and
	// enforce_nonce stays its nonce's answer: within it, a create with the
	// same nonce in the same channel returns that message instead of
	// creating another. Discord documents only "the past few minutes";
	// zero means DefaultNonceWindow.
	NonceWindow time.Duration
	// GlobalLimit is how many requests with the bot token the fake takes
	// in any one second of real time, as Discord's global rate limit
	// does; beyond it, it answers 429 with "global": true and the
	// X-RateLimit-Global header. Zero means Discord's 50; negative turns
	// the limit off.
	GlobalLimit int
	// RouteLimits are the per-route limits (see RouteLimit), by route
	// constant; nil means DefaultRouteLimits, and a route not in them gets
	// DefaultRouteLimit (so an empty map leaves only that generous one).
	// A limit of zero turns a route's limit off.
	RouteLimits map[string]RouteLimit
	// Latency delays every REST answer, as a network round trip would, for
	// benchmarks of a client's concurrency.
	Latency time.Duration
}

// DefaultGlobalLimit is Discord's global rate limit: 50 requests a
// second per bot, whatever the route.
const DefaultGlobalLimit = 50

// DefaultNonceWindow is the fake's nonce window when Config.NonceWindow is
// zero: short, so that no test leans on Discord remembering a nonce for
// long.
const DefaultNonceWindow = 2 * time.Minute

// User is a Discord user known to the fake.
type User struct {
	ID         string
	Username   string
	GlobalName string
	Bot        bool
	// Locale is the language of the user's Discord app, which their
	// interactions carry; empty means en-US.
	Locale string
}

// Guild is a guild the bot is in.
type Guild struct {
	ID      string
	Name    string
	OwnerID string
}

// Channel is a guild channel, thread or DM channel.
type Channel struct {
	ID      string
	Type    int
	GuildID string
	Name    string
	// ParentID is a thread's channel.
	ParentID string
	// RecipientID is the other user of a DM channel.
	RecipientID string
}

// Member is a user's membership of a guild.
type Member struct {
	GuildID  string
	UserID   string
	Nick     string
	Roles    []string
	JoinedAt time.Time
}

// Server is a running fake Discord. All methods are safe for concurrent use.
type Server struct {
	cfg  Config
	tb   testing.TB
	http *httptest.Server
	wg   sync.WaitGroup // gateway connection goroutines

	mu         sync.Mutex
	closed     bool
	lastID     int64
	users      map[string]User
	guilds     []Guild
	channels   map[string]*Channel
	members    map[string]*Member // key guildID/userID
	dms        map[string]string  // recipient id -> DM channel id
	messages   map[string]*Message
	msgOrder   []string
	inters     map[string]*interaction
	commands   map[string][]map[string]any // scope ("" or guild id) -> definitions
	cmdIDs     map[string]string           // scope/name -> stable command id
	events     map[string]*ScheduledEvent
	eventOrder []string
	calls      []Call
	faults     []*faultRule
	// recent holds the real times of the bot's requests in the last
	// second, for the global rate limit.
	recent     []time.Time
	globalHits int
	// buckets are the per-route rate-limit windows, by route and major
	// parameters; routeHits counts the requests they refused.
	buckets       map[string]*bucketState
	routeHits     int
	frames        []GatewayFrame
	conns         map[int]*gwConn
	sessions      map[string]*gwSession
	nextConn      int
	ackBeats      bool
	refuseGateway bool
	everyone      int64 // @everyone's permission bits
	beats         int
	changed       chan struct{} // closed and replaced whenever a record is added
}

// NewServer starts a fake Discord and stops it when the test ends.
func NewServer(tb testing.TB, cfg Config) *Server {
	tb.Helper()
	if cfg.Token == "" {
		cfg.Token = DefaultToken
	}
	if cfg.HeartbeatInterval <= 0 {
		cfg.HeartbeatInterval = defaultHeartbeat
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NonceWindow <= 0 {
		cfg.NonceWindow = DefaultNonceWindow
	}
	if cfg.RouteLimits == nil {
		cfg.RouteLimits = DefaultRouteLimits
	}
	s := &Server{
		cfg:      cfg,
		tb:       tb,
		users:    map[string]User{},
		channels: map[string]*Channel{},
		members:  map[string]*Member{},
		dms:      map[string]string{},
		messages: map[string]*Message{},
		inters:   map[string]*interaction{},
		commands: map[string][]map[string]any{},
		cmdIDs:   map[string]string{},
		events:   map[string]*ScheduledEvent{},
		conns:    map[int]*gwConn{},
		sessions: map[string]*gwSession{},
		ackBeats: true,
		everyone: everyonePerms,
		changed:  make(chan struct{}),
		buckets:  map[string]*bucketState{},
	}
	s.seed()
	s.http = httptest.NewServer(s.routes())
	tb.Cleanup(s.Close)
	return s
}

// seed creates the default world: the bot, one guild with a channel and a
// thread, and two members.
func (s *Server) seed() {
	joined := s.cfg.Now().UTC().Add(-30 * 24 * time.Hour).Truncate(time.Second)
	s.users[AppID] = User{ID: AppID, Username: BotName, Bot: true}
	s.users[UserRobin] = User{ID: UserRobin, Username: "robin", GlobalName: "Robin"}
	s.users[UserSam] = User{ID: UserSam, Username: "sam", GlobalName: "Sam"}
	s.guilds = []Guild{{ID: GuildID, Name: "Maple House", OwnerID: UserRobin}}
	s.channels[ChannelGeneral] = &Channel{ID: ChannelGeneral, Type: ChannelTypeGuildText, GuildID: GuildID, Name: "general"}
	s.channels[ChannelThread] = &Channel{ID: ChannelThread, Type: ChannelTypePublicThread, GuildID: GuildID, Name: "check-ins", ParentID: ChannelGeneral}
	s.members[GuildID+"/"+AppID] = &Member{GuildID: GuildID, UserID: AppID, JoinedAt: joined}
	s.members[GuildID+"/"+UserRobin] = &Member{GuildID: GuildID, UserID: UserRobin, Roles: []string{RoleMentor}, JoinedAt: joined}
	s.members[GuildID+"/"+UserSam] = &Member{GuildID: GuildID, UserID: UserSam, JoinedAt: joined}
}

// Close stops the server: it drops every gateway connection, shuts down
// HTTP and waits for the connection goroutines. It is idempotent.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	for _, c := range s.conns {
		c.kill()
	}
	s.mu.Unlock()
	s.http.Close()
	s.wg.Wait()
}

// Token returns the bot token the fake expects, "Bot " prefix included.
func (s *Server) Token() string { return s.cfg.Token }

// URL returns the fake's base URL (http://127.0.0.1:port).
func (s *Server) URL() string { return s.http.URL }

// GatewayURL returns the websocket URL that GET /api/v9/gateway announces.
// Like Discord's, it has no trailing slash; discordgo adds one.
func (s *Server) GatewayURL() string {
	return "ws" + strings.TrimPrefix(s.http.URL, "http") + "/gateway"
}

// Transport returns a RoundTripper that sends requests for discord.com (and
// its subdomains) to the fake, keeping the path. Requests for any other
// host fail, so a test can never reach the real network by mistake.
func (s *Server) Transport() http.RoundTripper {
	base := &http.Transport{Proxy: nil, ForceAttemptHTTP2: false, MaxIdleConnsPerHost: 8}
	return &rewriter{target: strings.TrimPrefix(s.http.URL, "http://"), base: base}
}

// HTTPClient returns an http.Client using Transport, for discordgo's
// Session.Client.
func (s *Server) HTTPClient() *http.Client {
	return &http.Client{Transport: s.Transport(), Timeout: 10 * time.Second}
}

// Dialer returns a websocket dialer for discordgo's Session.Dialer. The
// default dialer works too (the gateway URL is on loopback, which
// proxies skip); this one also bounds the handshake.
func (s *Server) Dialer() *websocket.Dialer {
	return &websocket.Dialer{HandshakeTimeout: 5 * time.Second}
}

// rewriter redirects Discord hosts to the fake.
type rewriter struct {
	target string
	base   http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (rw *rewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	host := r.URL.Hostname()
	discord := host == "discord.com" || strings.HasSuffix(host, ".discord.com") || host == "discordapp.com"
	if !discord && r.URL.Host != rw.target {
		return nil, fmt.Errorf("discordtest: refusing request to non-Discord host %q", host)
	}
	r2 := r.Clone(r.Context())
	r2.URL.Scheme = "http"
	r2.URL.Host = rw.target
	r2.Host = rw.target
	return rw.base.RoundTrip(r2)
}

// AddUser adds or replaces a user.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// AddMember adds or replaces a guild member; the user must have been added.
func (s *Server) AddMember(m Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.JoinedAt.IsZero() {
		m.JoinedAt = s.cfg.Now().UTC()
	}
	s.members[m.GuildID+"/"+m.UserID] = &m
}

// RemoveMember removes a guild member.
func (s *Server) RemoveMember(guildID, userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.members, guildID+"/"+userID)
}

// AddChannel adds or replaces a channel or thread.
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[c.ID] = &c
	if c.Type == ChannelTypeDM && c.RecipientID != "" {
		s.dms[c.RecipientID] = c.ID
	}
}

// DMChannel returns the id of the DM channel with a user, creating it as
// POST /users/@me/channels would.
func (s *Server) DMChannel(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dmChannelLocked(userID)
}

func (s *Server) dmChannelLocked(userID string) string {
	if id, ok := s.dms[userID]; ok {
		return id
	}
	id := s.newIDLocked()
	s.channels[id] = &Channel{ID: id, Type: ChannelTypeDM, RecipientID: userID}
	s.dms[userID] = id
	return id
}

// newIDLocked returns a fresh snowflake: milliseconds since 2015 in the top
// bits, made strictly increasing so ids sort by creation.
func (s *Server) newIDLocked() string {
	id := (s.cfg.Now().UnixMilli() - discordEpoch) << 22
	if id <= s.lastID {
		id = s.lastID + 1
	}
	s.lastID = id
	return strconv.FormatInt(id, 10)
}

// randomHex returns n random bytes hex-encoded, for session ids.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // documented never to return an error
	return hex.EncodeToString(b)
}

// errClosed is returned by controls used after Close.
var errClosed = errors.New("discordtest: server closed")
