package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Socket Mode envelope types.
const (
	TypeEventsAPI     = "events_api"
	TypeSlashCommands = "slash_commands"
	TypeInteractive   = "interactive"
)

// debugHost is the host the fake names in debug_info.
const debugHost = "applink-slacktest"

// Envelope is a Socket Mode envelope to push with Send. Only Type and
// Payload are required.
type Envelope struct {
	// EnvelopeID is generated when empty.
	EnvelopeID             string
	Type                   string
	Payload                json.RawMessage
	AcceptsResponsePayload bool
	// RetryAttempt and RetryReason let a test push an envelope that looks
	// like a redelivery from the start.
	RetryAttempt int
	RetryReason  string
}

// Sent describes an envelope the fake pushed (or queued, when no socket was
// open), with the ids a test needs afterwards.
type Sent struct {
	EnvelopeID string
	Type       string
	// EventID is the event_id of an events_api envelope.
	EventID string
	// TS is the ts of a message event.
	TS string
	// TriggerID and ResponseURL are those of a slash command or interaction.
	TriggerID   string
	ResponseURL string
	// ViewID is the view of a view_submission, or of a block action in a view.
	ViewID  string
	Payload json.RawMessage
}

// Ack is an acknowledgement the client sent for an envelope.
type Ack struct {
	// EnvelopeID is the id the client acked.
	EnvelopeID string
	// FirstEnvelopeID is the id of the first delivery of the same envelope.
	// Redeliveries of events_api envelopes carry new envelope ids.
	FirstEnvelopeID string
	// Type is the envelope type, or "" when the fake never sent the id.
	Type string
	// Attempt is the retry_attempt of the delivery acked. Slash commands and
	// interactions keep one envelope id across redeliveries, so for them it
	// is the latest attempt sent before the ack.
	Attempt int
	// Payload is the ack's payload, or nil when it had none.
	Payload json.RawMessage
	// Known reports whether the fake sent this envelope id.
	Known bool
	// Duplicate reports that another delivery of the envelope had been
	// acked already.
	Duplicate bool
	// Conn is the number of the connection the ack came on (from 1).
	Conn int
	At   time.Time
}

// DecodePayload unmarshals the ack's payload into v.
func (a Ack) DecodePayload(v any) error {
	if len(a.Payload) == 0 {
		return fmt.Errorf("slacktest: ack of %s has no payload", a.EnvelopeID)
	}
	if err := json.Unmarshal(a.Payload, v); err != nil {
		return fmt.Errorf("slacktest: decode ack payload of %s: %w", a.EnvelopeID, err)
	}
	return nil
}

// Delivery is one write of an envelope to a socket.
type Delivery struct {
	EnvelopeID      string
	FirstEnvelopeID string
	Type            string
	Attempt         int
	RetryReason     string
	Conn            int
	At              time.Time
}

// envelope is an envelope the fake tracks until it is acked or runs out of
// retries.
type envelope struct {
	ids     []string // envelope id of each attempt; slash and interactive reuse one
	typ     string
	payload json.RawMessage
	accepts bool
	attempt int
	reason  string
	acked   bool
	expired bool
	timer   *time.Timer
}

// currentID is the envelope id of the latest attempt.
func (e *envelope) currentID() string { return e.ids[len(e.ids)-1] }

// wsConn is one open Socket Mode connection.
type wsConn struct {
	n    int
	ws   *websocket.Conn
	out  chan []byte // text frames for the writer; never closed
	done chan struct{}
	once sync.Once
	// draining is set, under Server.mu, once a disconnect was sent: no new
	// envelopes go to the connection.
	draining bool
	grace    *time.Timer
}

// close drops the connection at once, without a close frame, as a network
// failure would.
func (c *wsConn) close() {
	c.once.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

// outBuffer is how many frames may wait for a connection's writer.
const outBuffer = 1024

// writeTimeout bounds each websocket write.
const writeTimeout = 5 * time.Second

// appsConnectionsOpen hands out a one-use websocket URL on the fake.
func (s *Server) appsConnectionsOpen(Call) answer {
	ticket := s.uuidLocked()
	s.tickets[ticket] = true
	u := "ws" + strings.TrimPrefix(s.http.URL, "http") + "/link/?ticket=" + ticket + "&app_id=" + s.cfg.AppID
	return okAnswer(map[string]any{"url": u})
}

// serveSocket upgrades a ticket from apps.connections.open to a Socket Mode
// connection.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	valid := s.tickets[ticket]
	delete(s.tickets, ticket) // a ticket is good for one connection
	closed := s.closed
	s.mu.Unlock()
	if !valid || closed {
		http.Error(w, "invalid ticket", http.StatusUnauthorized)
		return
	}

	// Slack accepts any Origin; slack-go sends https://api.slack.com.
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		s.log.Warn("websocket upgrade failed", "err", err)
		return
	}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.connCount++
	c := &wsConn{n: s.connCount, ws: ws, out: make(chan []byte, outBuffer), done: make(chan struct{})}
	s.conns = append(s.conns, c)
	c.out <- rawJSON(map[string]any{
		"type":            "hello",
		"num_connections": len(s.conns),
		"debug_info": map[string]any{
			"host": debugHost, "build_number": 1, "approximate_connection_time": 18060,
		},
		"connection_info": map[string]any{"app_id": s.cfg.AppID},
	})
	// Envelopes pushed while no socket was open go out after the hello.
	queued := s.queue
	s.queue = nil
	for _, e := range queued {
		s.deliverLocked(e)
	}
	s.wg.Add(3)
	s.notifyLocked()
	s.mu.Unlock()
	s.log.Debug("socket connected", "conn", c.n)

	go s.runWriter(c)
	go s.runPinger(c)
	s.runReader(c) // the handler goroutine reads until the socket ends
}

// runWriter writes queued frames to one connection.
func (s *Server) runWriter(c *wsConn) {
	defer s.wg.Done()
	for {
		select {
		case <-c.done:
			return
		case frame := <-c.out:
			_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
			if err := c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
				c.close()
				return
			}
		}
	}
}

// runPinger sends websocket PINGs, without which slack-go reconnects.
// WriteControl may run alongside the writer.
func (s *Server) runPinger(c *wsConn) {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.PingInterval)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-c.done:
			return
		case <-t.C:
			s.mu.Lock()
			paused := s.pingsPaused
			s.mu.Unlock()
			if paused {
				continue
			}
			payload := fmt.Appendf(nil, "ping-%d", n)
			if err := c.ws.WriteControl(websocket.PingMessage, payload, time.Now().Add(writeTimeout)); err != nil {
				c.close()
				return
			}
		}
	}
}

// runReader reads acks until the connection ends, then forgets it.
func (s *Server) runReader(c *wsConn) {
	defer s.wg.Done()
	c.ws.SetPongHandler(func(string) error {
		s.mu.Lock()
		s.pongs++
		s.notifyLocked()
		s.mu.Unlock()
		return nil
	})
	for {
		_, frame, err := c.ws.ReadMessage()
		if err != nil {
			break
		}
		var msg struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := json.Unmarshal(frame, &msg); err != nil || msg.EnvelopeID == "" {
			s.log.Warn("unreadable frame from client", "conn", c.n)
			continue
		}
		s.recordAck(c, msg.EnvelopeID, msg.Payload)
	}
	c.close()
	s.mu.Lock()
	for i, o := range s.conns {
		if o == c {
			s.conns = append(s.conns[:i], s.conns[i+1:]...)
			break
		}
	}
	if c.grace != nil {
		c.grace.Stop()
	}
	s.notifyLocked()
	s.mu.Unlock()
	s.log.Debug("socket closed", "conn", c.n)
}

// recordAck records an ack and stops the envelope's redelivery.
func (s *Server) recordAck(c *wsConn, id string, payload json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := Ack{EnvelopeID: id, Conn: c.n, At: time.Now()}
	if len(payload) > 0 && string(payload) != "null" {
		a.Payload = append(json.RawMessage(nil), payload...)
	}
	if e, ok := s.envelopes[id]; ok {
		a.Known, a.Type, a.FirstEnvelopeID = true, e.typ, e.ids[0]
		a.Attempt = e.attempt
		if len(e.ids) > 1 {
			for i, eid := range e.ids {
				if eid == id {
					a.Attempt = i
				}
			}
		}
		a.Duplicate = e.acked
		e.acked = true
		if e.timer != nil {
			e.timer.Stop()
		}
	}
	s.acks = append(s.acks, a)
	s.notifyLocked()
	s.log.Debug("ack", "envelope_id", id, "known", a.Known)
}

// Send pushes a raw envelope to the newest open connection, or queues it
// until one opens. The fake redelivers it if no ack comes in time.
func (s *Server) Send(env Envelope) (Sent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sendLocked(env, Sent{})
}

// sendLocked starts tracking env and delivers it; sent carries the ids the
// caller already knows. The caller holds s.mu.
func (s *Server) sendLocked(env Envelope, sent Sent) (Sent, error) {
	if s.closed {
		return Sent{}, fmt.Errorf("slacktest: send %s: server closed", env.Type)
	}
	if env.Type == "" || len(env.Payload) == 0 {
		return Sent{}, fmt.Errorf("slacktest: send: envelope needs a type and a payload")
	}
	if env.EnvelopeID == "" {
		env.EnvelopeID = s.uuidLocked()
	}
	if _, dup := s.envelopes[env.EnvelopeID]; dup {
		return Sent{}, fmt.Errorf("slacktest: send: envelope id %s already used", env.EnvelopeID)
	}
	e := &envelope{
		ids: []string{env.EnvelopeID}, typ: env.Type, payload: env.Payload,
		accepts: env.AcceptsResponsePayload, attempt: env.RetryAttempt, reason: env.RetryReason,
	}
	s.envelopes[env.EnvelopeID] = e
	s.deliverLocked(e)
	sent.EnvelopeID, sent.Type, sent.Payload = env.EnvelopeID, env.Type, env.Payload
	return sent, nil
}

// deliverLocked writes the current attempt of e to the newest connection
// that is not draining, or queues it. The caller holds s.mu.
func (s *Server) deliverLocked(e *envelope) {
	var c *wsConn
	for i := len(s.conns) - 1; i >= 0; i-- {
		if !s.conns[i].draining {
			c = s.conns[i]
			break
		}
	}
	if c == nil {
		s.queue = append(s.queue, e)
		return
	}
	frame := rawJSON(map[string]any{
		"envelope_id":              e.currentID(),
		"type":                     e.typ,
		"payload":                  e.payload,
		"accepts_response_payload": e.accepts,
		"retry_attempt":            e.attempt,
		"retry_reason":             e.reason,
	})
	select {
	case c.out <- frame:
	default:
		s.queue = append(s.queue, e) // the writer is far behind; try later
		return
	}
	s.deliveries = append(s.deliveries, Delivery{
		EnvelopeID: e.currentID(), FirstEnvelopeID: e.ids[0], Type: e.typ,
		Attempt: e.attempt, RetryReason: e.reason, Conn: c.n, At: time.Now(),
	})
	if s.cfg.AckTimeout > 0 {
		attempt := e.attempt
		e.timer = time.AfterFunc(s.cfg.AckTimeout, func() { s.ackLate(e, attempt) })
	}
	s.notifyLocked()
	s.log.Debug("envelope sent", "envelope_id", e.currentID(), "type", e.typ, "attempt", e.attempt, "conn", c.n)
}

// ackLate redelivers e when the ack of its attempt did not come in time.
// Redeliveries of events_api envelopes get a new envelope id (the event_id
// stays), so an adapter must dedupe events by event_id; slash commands and
// interactions keep their envelope id. Slack does not document which ids a
// redelivery carries; these are the stricter choices.
func (s *Server) ackLate(e *envelope, attempt int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || e.acked || e.attempt != attempt {
		return
	}
	if e.attempt >= s.cfg.MaxRetries {
		e.expired = true
		s.notifyLocked()
		return
	}
	e.attempt++
	e.reason = s.cfg.RetryReason
	if e.typ == TypeEventsAPI {
		id := s.uuidLocked()
		e.ids = append(e.ids, id)
		s.envelopes[id] = e
	}
	s.deliverLocked(e)
}

// Acks returns every ack received, in order.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.acks...)
}

// WaitForAck returns the first ack of the envelope sent with envelopeID,
// counting acks of its redeliveries.
func (s *Server) WaitForAck(ctx context.Context, envelopeID string) (Ack, error) {
	var got Ack
	cond := func() bool {
		target := s.envelopes[envelopeID]
		for _, a := range s.acks {
			if a.EnvelopeID == envelopeID || (target != nil && s.envelopes[a.EnvelopeID] == target) {
				got = a
				return true
			}
		}
		return false
	}
	seen := func() string {
		ids := make([]string, len(s.acks))
		for i, a := range s.acks {
			ids[i] = a.EnvelopeID
		}
		return "acks " + trimmed(ids)
	}
	err := s.wait(ctx, "ack of "+envelopeID, cond, seen)
	return got, err
}

// Deliveries returns every write of an envelope to a socket, in order.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// WaitForDeliveries returns the first n deliveries that match accepts,
// waiting until there are that many.
func (s *Server) WaitForDeliveries(ctx context.Context, n int, match func(Delivery) bool) ([]Delivery, error) {
	var got []Delivery
	cond := func() bool {
		got = got[:0]
		for _, d := range s.deliveries {
			if match(d) {
				got = append(got, d)
				if len(got) == n {
					return true
				}
			}
		}
		return false
	}
	if err := s.wait(ctx, fmt.Sprintf("%d matching deliveries", n), cond, nil); err != nil {
		return nil, err
	}
	return append([]Delivery(nil), got...), nil
}

// Expired reports whether the envelope sent with envelopeID ran out of
// redeliveries without an ack.
func (s *Server) Expired(envelopeID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.envelopes[envelopeID]
	return ok && e.expired
}

// WaitForExpiry waits until the envelope sent with envelopeID has run out
// of redeliveries without an ack.
func (s *Server) WaitForExpiry(ctx context.Context, envelopeID string) error {
	return s.wait(ctx, "expiry of "+envelopeID, func() bool {
		e, ok := s.envelopes[envelopeID]
		return ok && e.expired
	}, nil)
}

// Disconnect sends {"type":"disconnect","reason":reason} on every open
// connection, as Slack does before it rotates a socket ("warning",
// "refresh_requested", "link_disabled"). No new envelopes go to those
// connections; each is closed after Config.DisconnectGrace unless the client
// closes it first. It returns how many connections were told.
func (s *Server) Disconnect(reason string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	frame := rawJSON(map[string]any{
		"type":       "disconnect",
		"reason":     reason,
		"debug_info": map[string]any{"host": debugHost},
	})
	n := 0
	for _, c := range s.conns {
		if c.draining {
			continue
		}
		c.draining = true
		select {
		case c.out <- frame:
		default:
		}
		c.grace = time.AfterFunc(s.cfg.DisconnectGrace, c.close)
		n++
	}
	s.notifyLocked()
	return n
}

// DropConnections closes every open socket abruptly, with no close frame, as
// a network failure would. It returns how many it closed.
func (s *Server) DropConnections() int {
	s.mu.Lock()
	conns := append([]*wsConn(nil), s.conns...)
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
	return len(conns)
}

// Connections returns how many websocket connections the fake has
// accepted so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connCount
}

// OpenConnections returns how many websocket connections are open now.
func (s *Server) OpenConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// WaitForConnections waits until the fake has accepted at least n
// connections in all, and sent each its hello.
func (s *Server) WaitForConnections(ctx context.Context, n int) error {
	return s.wait(ctx, fmt.Sprintf("%d connections", n), func() bool { return s.connCount >= n },
		func() string { return fmt.Sprintf("%d connections", s.connCount) })
}

// PausePings stops (true) or resumes (false) the websocket PINGs, to test
// how a client handles a silent server.
func (s *Server) PausePings(paused bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pingsPaused = paused
}

// Pongs returns how many PONGs clients sent back.
func (s *Server) Pongs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pongs
}

// WaitForPongs waits until clients have sent back at least n PONGs.
func (s *Server) WaitForPongs(ctx context.Context, n int) error {
	return s.wait(ctx, fmt.Sprintf("%d pongs", n), func() bool { return s.pongs >= n },
		func() string { return fmt.Sprintf("%d pongs", s.pongs) })
}
