package discordtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// MustWait bounds how long the Must helpers wait for the client. It is
// generous on purpose: discordgo reconnects on its own schedule (a second,
// then more), and a loaded CI machine runs packages in parallel. A passing
// test never waits it out.
const MustWait = 15 * time.Second

// Gateway opcodes.
const (
	OpDispatch       = 0
	OpHeartbeat      = 1
	OpIdentify       = 2
	OpPresenceUpdate = 3
	OpResume         = 6
	OpReconnect      = 7
	OpRequestMembers = 8
	OpInvalidSession = 9
	OpHello          = 10
	OpHeartbeatACK   = 11
)

// replayLimit bounds a session's replay buffer, like Discord's own (which
// is time-bound); a test never gets near it.
const replayLimit = 10000

// GatewayFrame is one gateway frame, in either direction.
type GatewayFrame struct {
	// Conn numbers the websocket connection from 1.
	Conn int
	// FromClient is true for frames the client sent.
	FromClient bool
	// Op is the opcode, or -1 for events the fake records about the
	// connection itself: a close it sent (Type "CLOSE <code> <reason>") and
	// a drop (Type "DROP").
	Op int
	// Seq and Type are set on dispatches (op 0).
	Seq  int64
	Type string
	Data json.RawMessage
}

// ClientOp matches frames the client sent with an opcode.
func ClientOp(op int) func(GatewayFrame) bool {
	return func(f GatewayFrame) bool { return f.FromClient && f.Op == op }
}

// ServerEvent matches dispatches of one type the fake sent.
func ServerEvent(eventType string) func(GatewayFrame) bool {
	return func(f GatewayFrame) bool { return !f.FromClient && f.Op == OpDispatch && f.Type == eventType }
}

// frame is a gateway payload on the wire.
type frame struct {
	Op   int             `json:"op"`
	Data json.RawMessage `json:"d"`
	Seq  *int64          `json:"s"`
	Type *string         `json:"t"`
}

// gwSession is a gateway session: what RESUME continues.
type gwSession struct {
	id      string
	intents int
	seq     int64
	replay  []frame // dispatches sent or buffered, oldest first
	conn    *gwConn // nil while disconnected
	dead    bool    // cannot be resumed
}

// gwConn is one websocket connection.
type gwConn struct {
	id      int
	ws      *websocket.Conn
	session *gwSession // guarded by Server.mu

	qmu    sync.Mutex
	queue  [][]byte
	wake   chan struct{}
	closed chan struct{}
	once   sync.Once
}

// send queues a frame. Writes happen on the connection's writer goroutine,
// so a dispatch never blocks on the network while holding the server lock.
func (c *gwConn) send(b []byte) {
	c.qmu.Lock()
	c.queue = append(c.queue, b)
	c.qmu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// kill closes the TCP connection without a close frame, as a network
// failure or a Discord-side drop looks to the client.
func (c *gwConn) kill() {
	c.once.Do(func() {
		close(c.closed)
		_ = c.ws.NetConn().Close()
	})
}

// writer drains the queue until the connection dies.
func (c *gwConn) writer() {
	for {
		select {
		case <-c.closed:
			return
		case <-c.wake:
		}
		for {
			c.qmu.Lock()
			q := c.queue
			c.queue = nil
			c.qmu.Unlock()
			if len(q) == 0 {
				break
			}
			for _, b := range q {
				_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
				if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
					c.kill()
					return
				}
			}
		}
	}
}

// serveGateway upgrades GET /gateway/?v=9&encoding=json and runs the
// connection until it ends.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	refuse := s.refuseGateway
	s.mu.Unlock()
	if refuse {
		// As during an outage: the upgrade is answered with an error.
		http.Error(w, "gateway unavailable", http.StatusServiceUnavailable)
		return
	}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.NetConn().Close()
		return
	}
	s.nextConn++
	c := &gwConn{id: s.nextConn, ws: ws, wake: make(chan struct{}, 1), closed: make(chan struct{})}
	s.conns[c.id] = c
	s.wg.Add(2) // writer and this reader
	defer s.wg.Done()
	go func() {
		defer s.wg.Done()
		c.writer()
	}()
	if q := r.URL.Query(); q.Get("encoding") != "json" || q.Get("v") != "9" {
		s.closeWithLocked(c, 4012, "Invalid API version")
		s.mu.Unlock()
		s.reader(c)
		return
	}
	s.sendLocked(c, OpHello, map[string]any{
		"heartbeat_interval": s.cfg.HeartbeatInterval.Milliseconds(),
		"_trace":             []string{`["gateway-discordtest",{"micros":0.0}]`},
	})
	s.mu.Unlock()
	s.reader(c)
}

// reader handles the client's frames until the connection ends.
func (s *Server) reader(c *gwConn) {
	defer func() {
		c.kill()
		s.mu.Lock()
		delete(s.conns, c.id)
		if c.session != nil && c.session.conn == c {
			c.session.conn = nil
		}
		s.mu.Unlock()
	}()
	for {
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) && (ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseGoingAway) {
				// Discord ends the session on a 1000 or 1001 close.
				s.mu.Lock()
				if c.session != nil {
					c.session.dead = true
				}
				s.mu.Unlock()
			}
			return
		}
		var f frame
		if err := json.Unmarshal(b, &f); err != nil {
			s.mu.Lock()
			s.closeWithLocked(c, 4002, "Error while decoding payload.")
			s.mu.Unlock()
			return
		}
		s.mu.Lock()
		s.recordFrameLocked(GatewayFrame{Conn: c.id, FromClient: true, Op: f.Op, Data: f.Data})
		s.handleFrameLocked(c, f)
		s.mu.Unlock()
	}
}

// handleFrameLocked answers one client frame.
func (s *Server) handleFrameLocked(c *gwConn, f frame) {
	switch f.Op {
	case OpHeartbeat:
		s.beats++
		if s.ackBeats {
			s.sendLocked(c, OpHeartbeatACK, nil)
		}
	case OpIdentify:
		s.identifyLocked(c, f.Data)
	case OpResume:
		s.resumeLocked(c, f.Data)
	case OpPresenceUpdate, OpRequestMembers:
		// Recorded; nothing to answer.
	default:
		s.closeWithLocked(c, 4001, "Unknown opcode.")
	}
}

// identifyLocked starts a new session on the connection and sends READY
// followed by one GUILD_CREATE per guild, as Discord does.
func (s *Server) identifyLocked(c *gwConn, data json.RawMessage) {
	var id struct {
		Token   string `json:"token"`
		Intents int    `json:"intents"`
	}
	if err := json.Unmarshal(data, &id); err != nil {
		s.closeWithLocked(c, 4002, "Error while decoding payload.")
		return
	}
	if c.session != nil && !c.session.dead {
		s.closeWithLocked(c, 4005, "Already authenticated.")
		return
	}
	if id.Token != s.cfg.Token {
		s.closeWithLocked(c, 4004, "Authentication failed.")
		return
	}
	if id.Intents&s.cfg.DisallowedIntents != 0 {
		s.closeWithLocked(c, 4014, "Disallowed intent(s).")
		return
	}
	sess := &gwSession{id: randomHex(16), intents: id.Intents, conn: c}
	s.sessions[sess.id] = sess
	c.session = sess

	guilds := make([]any, 0, len(s.guilds))
	for _, g := range s.guilds {
		guilds = append(guilds, map[string]any{"id": g.ID, "unavailable": true})
	}
	bot := s.userJSONLocked(AppID)
	bot["verified"] = true
	bot["mfa_enabled"] = false
	bot["email"] = nil
	s.dispatchToLocked(sess, "READY", map[string]any{
		"v":                       9,
		"user":                    bot,
		"user_settings":           map[string]any{},
		"guilds":                  guilds,
		"guild_join_requests":     []any{},
		"relationships":           []any{},
		"private_channels":        []any{},
		"presences":               []any{},
		"sessions":                []any{},
		"session_id":              sess.id,
		"session_type":            "normal",
		"resume_gateway_url":      s.GatewayURL(),
		"shard":                   []int{0, 1},
		"application":             map[string]any{"id": AppID, "flags": 565248},
		"geo_ordered_rtc_regions": []string{"us-east", "us-central"},
		"_trace":                  []string{`["gateway-discordtest",{"micros":0.0}]`},
	})
	if id.Intents&IntentGuilds != 0 {
		for _, g := range s.guilds {
			s.dispatchToLocked(sess, "GUILD_CREATE", s.guildJSONLocked(g))
		}
	}
}

// resumeLocked continues a session: it replays the dispatches after the
// client's sequence, then sends RESUMED. A session that cannot be resumed
// gets op 9 with d=false, and discordgo identifies again.
func (s *Server) resumeLocked(c *gwConn, data json.RawMessage) {
	var r struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		s.closeWithLocked(c, 4002, "Error while decoding payload.")
		return
	}
	if r.Token != s.cfg.Token {
		s.closeWithLocked(c, 4004, "Authentication failed.")
		return
	}
	sess, known := s.sessions[r.SessionID]
	if !known || sess.dead || r.Seq > sess.seq || (len(sess.replay) > 0 && *sess.replay[0].Seq > r.Seq+1) {
		s.sendLocked(c, OpInvalidSession, false)
		return
	}
	if old := sess.conn; old != nil && old != c {
		old.session = nil
		old.kill()
	}
	sess.conn = c
	c.session = sess
	for _, f := range sess.replay {
		if *f.Seq > r.Seq {
			s.writeFrameLocked(c, f)
		}
	}
	s.dispatchToLocked(sess, "RESUMED", map[string]any{"_trace": []string{`["gateway-discordtest",{"micros":0.0}]`}})
}

// guildJSONLocked is a GUILD_CREATE payload.
func (s *Server) guildJSONLocked(g Guild) map[string]any {
	var channels, threads, members []any
	for _, id := range sortedKeys(s.channels) {
		c := s.channels[id]
		if c.GuildID != g.ID {
			continue
		}
		if c.Type == ChannelTypePublicThread {
			threads = append(threads, s.channelJSONLocked(c))
		} else {
			channels = append(channels, s.channelJSONLocked(c))
		}
	}
	joined := time.Time{}
	for _, key := range sortedKeys(s.members) {
		m := s.members[key]
		if m.GuildID != g.ID {
			continue
		}
		members = append(members, s.memberJSONLocked(m, true, false))
		if m.UserID == AppID {
			joined = m.JoinedAt
		}
	}
	if joined.IsZero() {
		joined = s.cfg.Now()
	}
	return map[string]any{
		"id":                            g.ID,
		"name":                          g.Name,
		"icon":                          nil,
		"owner_id":                      g.OwnerID,
		"joined_at":                     timestamp(joined),
		"large":                         false,
		"unavailable":                   false,
		"member_count":                  len(members),
		"members":                       nonNil(members),
		"channels":                      nonNil(channels),
		"threads":                       nonNil(threads),
		"roles":                         []any{map[string]any{"id": g.ID, "name": "@everyone", "permissions": strconv.FormatInt(s.everyone, 10), "position": 0, "color": 0, "hoist": false, "managed": false, "mentionable": false, "flags": 0}, map[string]any{"id": RoleMentor, "name": "House Mentor", "permissions": strconv.FormatInt(everyonePerms, 10), "position": 1, "color": 0, "hoist": false, "managed": false, "mentionable": true, "flags": 0}},
		"emojis":                        []any{},
		"stickers":                      []any{},
		"features":                      []any{},
		"presences":                     []any{},
		"voice_states":                  []any{},
		"stage_instances":               []any{},
		"guild_scheduled_events":        []any{},
		"verification_level":            1,
		"default_message_notifications": 1,
		"explicit_content_filter":       2,
		"mfa_level":                     0,
		"nsfw_level":                    0,
		"premium_tier":                  0,
		"system_channel_id":             nil,
		"system_channel_flags":          0,
		"rules_channel_id":              nil,
		"preferred_locale":              "en-US",
		"afk_channel_id":                nil,
		"afk_timeout":                   300,
		"application_id":                nil,
		"description":                   nil,
		"banner":                        nil,
		"splash":                        nil,
		"discovery_splash":              nil,
		"vanity_url_code":               nil,
	}
}

// sortedKeys returns a map's keys in order, so payloads are stable.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// nonNil turns a nil slice into an empty JSON array.
func nonNil(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

// sendLocked queues a non-dispatch frame.
func (s *Server) sendLocked(c *gwConn, op int, d any) {
	raw, _ := json.Marshal(d)
	s.writeFrameLocked(c, frame{Op: op, Data: raw})
}

// writeFrameLocked records and queues a frame on a connection.
func (s *Server) writeFrameLocked(c *gwConn, f frame) {
	b, _ := json.Marshal(f)
	gf := GatewayFrame{Conn: c.id, Op: f.Op, Data: f.Data}
	if f.Seq != nil {
		gf.Seq = *f.Seq
	}
	if f.Type != nil {
		gf.Type = *f.Type
	}
	s.recordFrameLocked(gf)
	c.send(b)
}

// dispatchToLocked numbers a dispatch in a session, keeps it for replay and
// sends it if the session is connected.
func (s *Server) dispatchToLocked(sess *gwSession, eventType string, d any) {
	raw, _ := json.Marshal(d)
	sess.seq++
	seq, t := sess.seq, eventType
	f := frame{Op: OpDispatch, Data: raw, Seq: &seq, Type: &t}
	sess.replay = append(sess.replay, f)
	if len(sess.replay) > replayLimit {
		sess.replay = sess.replay[len(sess.replay)-replayLimit:]
	}
	if sess.conn != nil {
		s.writeFrameLocked(sess.conn, f)
	}
}

// closeWithLocked sends a close frame with a gateway close code, then drops
// the connection.
func (s *Server) closeWithLocked(c *gwConn, code int, text string) {
	s.recordFrameLocked(GatewayFrame{Conn: c.id, Op: -1, Type: fmt.Sprintf("CLOSE %d %s", code, text)})
	msg := websocket.FormatCloseMessage(code, text)
	if s.closed {
		c.kill()
	} else {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
			c.kill()
		}()
	}
	if c.session != nil && c.session.conn == c {
		c.session.conn = nil
	}
}

// recordFrameLocked keeps a frame for assertions and wakes waiters.
func (s *Server) recordFrameLocked(f GatewayFrame) {
	s.frames = append(s.frames, f)
	s.notifyLocked()
}

// Frames returns every gateway frame so far, both directions, in order.
func (s *Server) Frames() []GatewayFrame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]GatewayFrame(nil), s.frames...)
}

// WaitFrames waits until n frames match and returns the first n.
func (s *Server) WaitFrames(ctx context.Context, n int, match func(GatewayFrame) bool) ([]GatewayFrame, error) {
	return waitMatching(ctx, s, "gateway frames", n, func() []GatewayFrame { return s.frames }, match)
}

// waitMatching waits until n of what items returns (read under s.mu)
// match, and returns the first n; on ctx's end it returns those it saw.
func waitMatching[T any](ctx context.Context, s *Server, what string, n int, items func() []T, match func(T) bool) ([]T, error) {
	for {
		s.mu.Lock()
		var got []T
		for _, it := range items() {
			if match(it) {
				got = append(got, it)
				if len(got) == n {
					s.mu.Unlock()
					return got, nil
				}
			}
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return got, fmt.Errorf("wait for %d %s (saw %d): %w", n, what, len(got), ctx.Err())
		}
	}
}

// WaitFrame returns the first frame that matches, or an error when ctx
// ends first.
func (s *Server) WaitFrame(ctx context.Context, match func(GatewayFrame) bool) (GatewayFrame, error) {
	fs, err := s.WaitFrames(ctx, 1, match)
	if err != nil {
		return GatewayFrame{}, err
	}
	return fs[0], nil
}

// MustFrames is WaitFrames with a MustWait deadline that fails the test on
// timeout.
func (s *Server) MustFrames(tb testing.TB, n int, match func(GatewayFrame) bool) []GatewayFrame {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), MustWait)
	defer cancel()
	fs, err := s.WaitFrames(ctx, n, match)
	if err != nil {
		tb.Fatalf("discordtest: %v", err)
	}
	return fs
}

// Heartbeats returns how many heartbeats (op 1) clients have sent.
func (s *Server) Heartbeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.beats
}

// SetHeartbeatACK turns heartbeat ACKs on or off. Without ACKs discordgo
// treats the connection as a zombie after five intervals and reconnects.
func (s *Server) SetHeartbeatACK(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ackBeats = on
}

// RefuseGateway makes new gateway connections fail (HTTP 503 to the
// upgrade) while on is true, as during an outage; connections already up
// are left alone (DropConnections ends them).
func (s *Server) RefuseGateway(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseGateway = on
}

// SetEveryonePermissions sets the permission bits of the guild's @everyone
// role, which is all the bot has: its member has no other role.
func (s *Server) SetEveryonePermissions(bits int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.everyone = bits
}

// Connected returns how many connections have a live session (READY or
// RESUMED).
func (s *Server) Connected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, sess := range s.sessions {
		if sess.conn != nil && !sess.dead {
			n++
		}
	}
	return n
}

// DropConnections closes every gateway connection without a close frame.
// Sessions stay resumable, and dispatches sent until the client resumes
// are buffered and replayed.
func (s *Server) DropConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		if c.session != nil && c.session.conn == c {
			c.session.conn = nil
		}
		s.recordFrameLocked(GatewayFrame{Conn: c.id, Op: -1, Type: "DROP"})
		c.kill()
	}
}

// Reconnect sends op 7 on every connection: the client should close and
// RESUME on a new connection.
func (s *Server) Reconnect() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		s.sendLocked(c, OpReconnect, nil)
	}
}

// InvalidateSession sends op 9 on every connection with a session and
// detaches the session from it, since discordgo answers any op 9 by
// identifying again on the same connection (and gets a new READY). With
// resumable false the old sessions end; with true they stay resumable.
func (s *Server) InvalidateSession(resumable bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		if c.session == nil {
			continue
		}
		c.session.dead = c.session.dead || !resumable
		c.session.conn = nil
		c.session = nil
		s.sendLocked(c, OpInvalidSession, resumable)
	}
}

// dispatchLocked sends an event to every live session (connected or
// buffering for resume). build returns the payload for a session's
// intents, or false when the session's intents exclude the event. It
// reports how many sessions got it.
func (s *Server) dispatchLocked(eventType string, build func(intents int) (any, bool)) int {
	n := 0
	for _, sess := range s.sessions {
		if sess.dead {
			continue
		}
		d, deliver := build(sess.intents)
		if !deliver {
			continue
		}
		s.dispatchToLocked(sess, eventType, d)
		n++
	}
	return n
}

// errNoSession is returned by dispatch controls when no session would get
// the event.
var errNoSession = errors.New("discordtest: no gateway session receives this event (not identified, or intents exclude it)")
