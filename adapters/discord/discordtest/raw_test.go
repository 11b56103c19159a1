package discordtest_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/porchlight/porchlight/adapters/discord/discordtest"
)

// rawFrame is a gateway frame as a bare client sees it.
type rawFrame struct {
	Op   int             `json:"op"`
	Data json.RawMessage `json:"d"`
	Seq  *int64          `json:"s"`
	Type *string         `json:"t"`
}

// typ returns the frame's event type, or "".
func (f rawFrame) typ() string {
	if f.Type == nil {
		return ""
	}
	return *f.Type
}

// seq returns the frame's sequence, or 0.
func (f rawFrame) seq() int64 {
	if f.Seq == nil {
		return 0
	}
	return *f.Seq
}

// rawClient is a minimal gateway client, to test the protocol without
// discordgo's own behaviour (and its 1 s Close).
type rawClient struct {
	t  *testing.T
	ws *websocket.Conn
}

// dialRaw connects to the fake's gateway the way discordgo does.
func dialRaw(t *testing.T, f *discordtest.Server) *rawClient {
	t.Helper()
	ws, _, err := f.Dialer().Dial(f.GatewayURL()+"/?v=9&encoding=json", nil)
	if err != nil {
		t.Fatalf("dial gateway: %v", err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	return &rawClient{t: t, ws: ws}
}

// read returns the next frame, failing the test after 5 s.
func (c *rawClient) read() rawFrame {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("read frame: %v", err)
	}
	var f rawFrame
	if err := json.Unmarshal(b, &f); err != nil {
		c.t.Fatalf("decode frame %s: %v", b, err)
	}
	return f
}

// readErr returns the error that ends the connection.
func (c *rawClient) readErr() error {
	c.t.Helper()
	for {
		_ = c.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, _, err := c.ws.ReadMessage(); err != nil {
			return err
		}
	}
}

// write sends a frame.
func (c *rawClient) write(op int, d any) {
	c.t.Helper()
	if err := c.ws.WriteJSON(map[string]any{"op": op, "d": d}); err != nil {
		c.t.Fatalf("write op %d: %v", op, err)
	}
}

// next reads until a dispatch of eventType.
func (c *rawClient) next(eventType string) rawFrame {
	c.t.Helper()
	for {
		f := c.read()
		if f.Op == discordtest.OpDispatch && f.typ() == eventType {
			return f
		}
	}
}

// identify reads HELLO, identifies with intents and returns READY.
func (c *rawClient) identify(token string, intents int) rawFrame {
	c.t.Helper()
	if h := c.read(); h.Op != discordtest.OpHello {
		c.t.Fatalf("first frame op %d, want %d", h.Op, discordtest.OpHello)
	}
	c.write(discordtest.OpIdentify, map[string]any{
		"token": token, "intents": intents,
		"properties": map[string]string{"os": "linux", "browser": "raw", "device": "raw"},
	})
	return c.next("READY")
}

// allIntents is every intent the fake knows, privileged ones included.
const allIntents = discordtest.IntentGuilds | discordtest.IntentGuildMembers | discordtest.IntentGuildMessages |
	discordtest.IntentDirectMessages | discordtest.IntentMessageContent

func TestGatewayProtocol(t *testing.T) {
	t.Run("hello, identify, ready, guild create, heartbeat ack", func(t *testing.T) {
		f := discordtest.NewServer(t, discordtest.Config{HeartbeatInterval: 1234 * time.Millisecond})
		c := dialRaw(t, f)
		h := c.read()
		var hello struct {
			Interval int `json:"heartbeat_interval"`
		}
		if err := json.Unmarshal(h.Data, &hello); err != nil || h.Op != discordtest.OpHello || hello.Interval != 1234 {
			t.Fatalf("hello = op %d %s (%v), want op 10 with heartbeat_interval 1234", h.Op, h.Data, err)
		}
		c.write(discordtest.OpIdentify, map[string]any{"token": f.Token(), "intents": discordtest.IntentGuilds})
		ready := c.read()
		if got, want := ready.typ(), "READY"; got != want || ready.seq() != 1 {
			t.Fatalf("after identify got %q seq %d, want %q seq 1", got, ready.seq(), want)
		}
		if g := c.read(); g.typ() != "GUILD_CREATE" || g.seq() != 2 {
			t.Fatalf("after READY got %q seq %d, want GUILD_CREATE seq 2", g.typ(), g.seq())
		}
		c.write(discordtest.OpHeartbeat, 2)
		if ack := c.read(); ack.Op != discordtest.OpHeartbeatACK {
			t.Fatalf("heartbeat answer op %d, want %d", ack.Op, discordtest.OpHeartbeatACK)
		}
		if got, want := f.Heartbeats(), 1; got != want {
			t.Errorf("Heartbeats() = %d, want %d", got, want)
		}
	})

	closes := []struct {
		name    string
		token   string
		intents int
		cfg     discordtest.Config
		code    int
	}{
		{"bad token", "Bot wrong", discordtest.IntentGuilds, discordtest.Config{}, 4004},
		{"disallowed intent", "", discordtest.IntentMessageContent, discordtest.Config{DisallowedIntents: discordtest.IntentMessageContent}, 4014},
	}
	for _, tc := range closes {
		t.Run("close "+tc.name, func(t *testing.T) {
			f := discordtest.NewServer(t, tc.cfg)
			c := dialRaw(t, f)
			c.read() // HELLO
			token := tc.token
			if token == "" {
				token = f.Token()
			}
			c.write(discordtest.OpIdentify, map[string]any{"token": token, "intents": tc.intents})
			err := c.readErr()
			if !websocket.IsCloseError(err, tc.code) {
				t.Fatalf("connection ended with %v, want close code %d", err, tc.code)
			}
		})
	}

	t.Run("resume replays missed dispatches then RESUMED", func(t *testing.T) {
		f := discordtest.NewServer(t, discordtest.Config{})
		c := dialRaw(t, f)
		ready := c.identify(f.Token(), allIntents)
		var r struct {
			SessionID string `json:"session_id"`
		}
		_ = json.Unmarshal(ready.Data, &r)
		first, err := f.DispatchMessage(discordtest.IncomingMessage{Content: "one"})
		if err != nil {
			t.Fatal(err)
		}
		seen := c.next("MESSAGE_CREATE")
		f.DropConnections()
		if got := f.Connected(); got != 0 {
			t.Fatalf("Connected() after drop = %d, want 0", got)
		}
		missed, err := f.DispatchMessage(discordtest.IncomingMessage{Content: "two", InDM: true})
		if err != nil {
			t.Fatalf("dispatch while disconnected: %v", err)
		}

		c2 := dialRaw(t, f)
		c2.read() // HELLO
		c2.write(discordtest.OpResume, map[string]any{"token": f.Token(), "session_id": r.SessionID, "seq": seen.seq()})
		replayed := c2.read()
		var m struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(replayed.Data, &m)
		if replayed.typ() != "MESSAGE_CREATE" || m.ID != missed || replayed.seq() != seen.seq()+1 {
			t.Fatalf("first frame after resume = %q seq %d id %s, want MESSAGE_CREATE seq %d id %s",
				replayed.typ(), replayed.seq(), m.ID, seen.seq()+1, missed)
		}
		if m.ID == first {
			t.Fatalf("replayed the message the client had already seen")
		}
		if res := c2.read(); res.typ() != "RESUMED" {
			t.Fatalf("after replay got %q, want RESUMED", res.typ())
		}
		if got := f.Connected(); got != 1 {
			t.Errorf("Connected() after resume = %d, want 1", got)
		}
	})

	t.Run("resume of unknown session gets op 9 false", func(t *testing.T) {
		f := discordtest.NewServer(t, discordtest.Config{})
		c := dialRaw(t, f)
		c.read()
		c.write(discordtest.OpResume, map[string]any{"token": f.Token(), "session_id": "nope", "seq": 3})
		got := c.read()
		if got.Op != discordtest.OpInvalidSession || string(got.Data) != "false" {
			t.Fatalf("answer = op %d d %s, want op 9 d false", got.Op, got.Data)
		}
	})

	t.Run("intents filter dispatches", func(t *testing.T) {
		f := discordtest.NewServer(t, discordtest.Config{})
		c := dialRaw(t, f)
		c.identify(f.Token(), discordtest.IntentGuilds|discordtest.IntentGuildMessages)
		if err := f.DispatchMemberAdd(discordtest.GuildID, discordtest.User{ID: "1400000000000000009", Username: "jordan"}); err == nil {
			t.Errorf("GUILD_MEMBER_ADD without GUILD_MEMBERS intent: got nil error, want one")
		}
		if _, err := f.DispatchMessage(discordtest.IncomingMessage{InDM: true, Content: "hi"}); err == nil {
			t.Errorf("DM MESSAGE_CREATE without DIRECT_MESSAGES intent: got nil error, want one")
		}
		if _, err := f.DispatchMessage(discordtest.IncomingMessage{Content: "secret"}); err != nil {
			t.Fatal(err)
		}
		var m struct {
			Content string `json:"content"`
		}
		_ = json.Unmarshal(c.next("MESSAGE_CREATE").Data, &m)
		if m.Content != "" {
			t.Errorf("guild content without MESSAGE_CONTENT = %q, want blank", m.Content)
		}
		if _, err := f.DispatchMessage(discordtest.IncomingMessage{Content: "hello", MentionBot: true}); err != nil {
			t.Fatal(err)
		}
		_ = json.Unmarshal(c.next("MESSAGE_CREATE").Data, &m)
		if want := "<@" + discordtest.AppID + "> hello"; m.Content != want {
			t.Errorf("mention content = %q, want %q", m.Content, want)
		}
	})
}

// clock is a settable clock for Config.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestInteractionRules checks Discord's interaction rules that adapters
// must respect: response windows, response types and modal limits.
func TestInteractionRules(t *testing.T) {
	clk := &clock{now: fixedNow()}
	f := discordtest.NewServer(t, discordtest.Config{Now: clk.Now})
	c := dialRaw(t, f)
	c.identify(f.Token(), allIntents)
	s := newSession(t, f) // REST only: no Open, no Close

	// command dispatches a slash command and returns it as discordgo sees it.
	command := func(t *testing.T) *discordgo.Interaction {
		t.Helper()
		in, err := f.DispatchCommand(discordtest.Command{Name: "checkin"})
		if err != nil {
			t.Fatal(err)
		}
		return &discordgo.Interaction{ID: in.ID, Token: in.Token, AppID: discordtest.AppID}
	}
	message := &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "ok"},
	}
	followup := &discordgo.WebhookParams{Content: "later"}

	cases := []struct {
		name   string
		run    func(t *testing.T) error
		code   int
		status int
	}{
		{"response after 3 s", func(t *testing.T) error {
			in := command(t)
			clk.Advance(3100 * time.Millisecond)
			return s.InteractionRespond(in, message)
		}, 10062, 404},
		{"expired by the test", func(t *testing.T) error {
			in := command(t)
			f.ExpireInteraction(in.ID)
			return s.InteractionRespond(in, message)
		}, 10062, 404},
		{"wrong token", func(t *testing.T) error {
			in := command(t)
			in.Token = "bad"
			return s.InteractionRespond(in, message)
		}, 10062, 404},
		{"follow-up before the response", func(t *testing.T) error {
			_, err := s.FollowupMessageCreate(command(t), true, followup)
			return err
		}, 10015, 404},
		{"follow-up after 15 min", func(t *testing.T) error {
			in := command(t)
			if err := s.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
				t.Fatal(err)
			}
			clk.Advance(16 * time.Minute)
			_, err := s.FollowupMessageCreate(in, true, followup)
			return err
		}, 50027, 401},
		{"update type on a slash command", func(t *testing.T) error {
			return s.InteractionRespond(command(t), &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: &discordgo.InteractionResponseData{Content: "x"}})
		}, 50035, 400},
		{"empty message response", func(t *testing.T) error {
			return s.InteractionRespond(command(t), &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{}})
		}, 50006, 400},
		{"modal title over 45", func(t *testing.T) error {
			return s.InteractionRespond(command(t), &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
				CustomID: "m", Title: strings.Repeat("t", 46),
				Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{CustomID: "a", Label: "A", Style: discordgo.TextInputShort}}}},
			}})
		}, 50035, 400},
		{"modal with six inputs", func(t *testing.T) error {
			var rows []discordgo.MessageComponent
			for i := range 6 {
				rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{CustomID: strconv.Itoa(i), Label: "A", Style: discordgo.TextInputShort}}})
			}
			return s.InteractionRespond(command(t), &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
				CustomID: "m", Title: "Check-in", Components: rows,
			}})
		}, 50035, 400},
		{"edit @original of a modal response", func(t *testing.T) error {
			in := command(t)
			err := s.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
				CustomID: "m", Title: "Check-in",
				Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{CustomID: "a", Label: "A", Style: discordgo.TextInputShort}}}},
			}})
			if err != nil {
				t.Fatal(err)
			}
			text := "x"
			_, err = s.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: &text})
			return err
		}, 10008, 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, status := restError(t, tc.run(t))
			if code != tc.code || status != tc.status {
				t.Errorf("got %d/%d, want %d/%d", code, status, tc.code, tc.status)
			}
		})
	}

	t.Run("deferred response, then @original edit and follow-up edit", func(t *testing.T) {
		in := command(t)
		err := s.InteractionRespond(in, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
		})
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(10 * time.Second) // past 3 s: edits use the follow-up window
		text := "Saved."
		m, err := s.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: &text})
		if err != nil {
			t.Fatal(err)
		}
		if m.Content != text || m.Flags != discordgo.MessageFlagsEphemeral {
			t.Errorf("@original = %+v", m)
		}
		fu, err := s.FollowupMessageCreate(in, true, followup)
		if err != nil {
			t.Fatal(err)
		}
		more := "later, edited"
		if _, err := s.FollowupMessageEdit(in, fu.ID, &discordgo.WebhookEdit{Content: &more}); err != nil {
			t.Fatal(err)
		}
		st, _ := f.InteractionState(in.ID)
		if len(st.Followups) != 1 || st.Followups[0] != fu.ID {
			t.Errorf("followups = %v, want [%s]", st.Followups, fu.ID)
		}
		if got, _ := f.Message(fu.ID); got.Content != more {
			t.Errorf("follow-up content = %q, want %q", got.Content, more)
		}
	})
}
