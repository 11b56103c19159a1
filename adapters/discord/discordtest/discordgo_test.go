package discordtest_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/porchlight/porchlight/adapters/discord/discordtest"
)

// newSession returns a real discordgo session pointed at the fake.
func newSession(t *testing.T, f *discordtest.Server) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New(f.Token())
	if err != nil {
		t.Fatal(err)
	}
	s.Client = f.HTTPClient()
	s.Dialer = f.Dialer()
	s.SyncEvents = true
	s.LogLevel = -1 // quiet: reconnect tests provoke expected errors
	return s
}

// open opens the gateway with a deadline (discordgo's Open has none) and
// closes it when the test ends. Close sleeps 1 s, so tests share sessions.
func open(t *testing.T, s *discordgo.Session) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- s.Open() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
	case <-time.After(discordtest.MustWait):
		t.Fatal("Open did not return in time")
	}
	t.Cleanup(func() { _ = s.Close() })
}

// restError returns the Discord error code and HTTP status of err.
func restError(t *testing.T, err error) (code, status int) {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T), want *discordgo.RESTError", err, err)
	}
	if re.Message != nil {
		code = re.Message.Code
	}
	return code, re.Response.StatusCode
}

// receive waits for a handler to pass on a value.
func receive[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(discordtest.MustWait):
		var zero T
		t.Fatalf("no %T in time", zero)
		return zero
	}
}

func TestREST(t *testing.T) {
	f := discordtest.NewServer(t, discordtest.Config{})
	s := newSession(t, f)

	t.Run("gateway URL and current user", func(t *testing.T) {
		gw, err := s.Gateway()
		if err != nil {
			t.Fatal(err)
		}
		if want := f.GatewayURL() + "/"; gw != want {
			t.Errorf("Gateway() = %q, want %q", gw, want)
		}
		u, err := s.User("@me")
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != discordtest.AppID || !u.Bot {
			t.Errorf("User(@me) = %+v, want the bot %s", u, discordtest.AppID)
		}
	})

	t.Run("send, edit and delete a message", func(t *testing.T) {
		m, err := s.ChannelMessageSendComplex(discordtest.ChannelGeneral, &discordgo.MessageSend{
			Content: "Check-in is open",
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "Answer", Style: discordgo.PrimaryButton, CustomID: "checkin:open:1"},
			}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if m.ID == "" || m.ChannelID != discordtest.ChannelGeneral || m.Author.ID != discordtest.AppID || m.Timestamp.IsZero() {
			t.Errorf("sent message = %+v", m)
		}
		if len(m.Components) != 1 {
			t.Errorf("echoed components = %d, want 1", len(m.Components))
		}
		c := f.MustCall(t, discordtest.ByRoute(discordtest.RouteCreateMessage))
		if got, want := c.Field("content"), "Check-in is open"; got != want {
			t.Errorf("recorded content = %v, want %q", got, want)
		}
		if got, want := c.Params["channel_id"], discordtest.ChannelGeneral; got != want {
			t.Errorf("recorded channel_id = %q, want %q", got, want)
		}
		var sent struct {
			Content    string `json:"content"`
			Components []struct {
				Components []struct {
					CustomID string `json:"custom_id"`
				} `json:"components"`
			} `json:"components"`
		}
		if err := c.Decode(&sent); err != nil || sent.Content != "Check-in is open" || sent.Components[0].Components[0].CustomID != "checkin:open:1" {
			t.Errorf("Decode = %+v, %v", sent, err)
		}

		edited, err := s.ChannelMessageEdit(discordtest.ChannelGeneral, m.ID, "Check-in is closed")
		if err != nil {
			t.Fatal(err)
		}
		if edited.Content != "Check-in is closed" || edited.EditedTimestamp == nil {
			t.Errorf("edited = %+v", edited)
		}
		if err := s.ChannelMessageDelete(discordtest.ChannelGeneral, m.ID); err != nil {
			t.Fatal(err)
		}
		if got := len(f.Messages(discordtest.ChannelGeneral)); got != 0 {
			t.Errorf("messages left in channel = %d, want 0", got)
		}
		_, err = s.ChannelMessageEdit(discordtest.ChannelGeneral, m.ID, "again")
		if code, status := restError(t, err); code != 10008 || status != 404 {
			t.Errorf("edit of deleted message = %d/%d, want 10008/404", code, status)
		}
	})

	t.Run("send a file as multipart", func(t *testing.T) {
		m, err := s.ChannelMessageSendComplex(discordtest.ChannelThread, &discordgo.MessageSend{
			Content: "Weekly digest",
			Files:   []*discordgo.File{{Name: "digest.txt", ContentType: "text/plain", Reader: strings.NewReader("3 check-ins")}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Attachments) != 1 || m.Attachments[0].Filename != "digest.txt" || m.Attachments[0].Size != 11 {
			t.Errorf("attachments = %+v", m.Attachments)
		}
		calls := f.CallsTo(discordtest.RouteCreateMessage)
		c := calls[len(calls)-1]
		if len(c.Files) != 1 || c.Files[0].Field != "files[0]" || string(c.Files[0].Data) != "3 check-ins" || c.Field("content") != "Weekly digest" {
			t.Errorf("recorded multipart = files %+v content %v", c.Files, c.Field("content"))
		}
	})

	t.Run("DM channel, channel and member lookups", func(t *testing.T) {
		dm, err := s.UserChannelCreate(discordtest.UserSam)
		if err != nil {
			t.Fatal(err)
		}
		if dm.Type != discordgo.ChannelTypeDM || len(dm.Recipients) != 1 || dm.Recipients[0].ID != discordtest.UserSam {
			t.Errorf("DM channel = %+v", dm)
		}
		again, err := s.UserChannelCreate(discordtest.UserSam)
		if err != nil || again.ID != dm.ID {
			t.Errorf("second UserChannelCreate = %v, %v; want the same channel %s", again, err, dm.ID)
		}
		if _, err := s.ChannelMessageSend(dm.ID, "How are you today?"); err != nil {
			t.Fatal(err)
		}
		th, err := s.Channel(discordtest.ChannelThread)
		if err != nil || th.Type != discordgo.ChannelTypeGuildPublicThread || th.ParentID != discordtest.ChannelGeneral {
			t.Errorf("Channel(thread) = %+v, %v", th, err)
		}
		mem, err := s.GuildMember(discordtest.GuildID, discordtest.UserRobin)
		if err != nil || mem.User.ID != discordtest.UserRobin || len(mem.Roles) != 1 || mem.JoinedAt.IsZero() {
			t.Errorf("GuildMember = %+v, %v", mem, err)
		}
	})

	errs := []struct {
		name   string
		call   func() error
		code   int
		status int
	}{
		{"unknown channel", func() error { _, err := s.ChannelMessageSend("1399999999999999999", "hi"); return err }, 10003, 404},
		{"user id used as channel", func() error { _, err := s.ChannelMessageSend(discordtest.UserRobin, "hi"); return err }, 10003, 404},
		{"empty message", func() error { _, err := s.ChannelMessageSend(discordtest.ChannelGeneral, ""); return err }, 50006, 400},
		{"content over 2000", func() error {
			_, err := s.ChannelMessageSend(discordtest.ChannelGeneral, strings.Repeat("é", 2001))
			return err
		}, 50035, 400},
		{"custom id over 100", func() error {
			_, err := s.ChannelMessageSendComplex(discordtest.ChannelGeneral, &discordgo.MessageSend{
				Content: "x",
				Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.Button{Label: "x", Style: discordgo.PrimaryButton, CustomID: strings.Repeat("a", 101)},
				}}},
			})
			return err
		}, 50035, 400},
		{"unknown member", func() error { _, err := s.GuildMember(discordtest.GuildID, "1499999999999999999"); return err }, 10007, 404},
		{"invalid command name", func() error {
			_, err := s.ApplicationCommandBulkOverwrite(discordtest.AppID, "", []*discordgo.ApplicationCommand{{Name: "Check In", Description: "x"}})
			return err
		}, 50035, 400},
	}
	for _, tc := range errs {
		t.Run("error "+tc.name, func(t *testing.T) {
			code, status := restError(t, tc.call())
			if code != tc.code || status != tc.status {
				t.Errorf("got code %d status %d, want %d %d", code, status, tc.code, tc.status)
			}
		})
	}

	t.Run("wrong token", func(t *testing.T) {
		bad, _ := discordgo.New("Bot wrong")
		bad.Client = f.HTTPClient()
		_, err := bad.User("@me")
		if _, status := restError(t, err); status != http.StatusUnauthorized {
			t.Errorf("status = %d, want 401", status)
		}
	})

	t.Run("bulk overwrite keeps ids per name", func(t *testing.T) {
		defs := []*discordgo.ApplicationCommand{
			{Name: "checkin", Description: "Answer today's check-in"},
			{Name: "partner", Description: "Your accountability partner", Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionUser, Name: "member", Description: "Who", Required: true},
			}},
		}
		first, err := s.ApplicationCommandBulkOverwrite(discordtest.AppID, discordtest.GuildID, defs)
		if err != nil {
			t.Fatal(err)
		}
		second, err := s.ApplicationCommandBulkOverwrite(discordtest.AppID, discordtest.GuildID, defs[:1])
		if err != nil {
			t.Fatal(err)
		}
		if len(first) != 2 || first[0].ID == "" || first[0].GuildID != discordtest.GuildID || first[0].ApplicationID != discordtest.AppID {
			t.Fatalf("first overwrite = %+v", first)
		}
		if len(second) != 1 || second[0].ID != first[0].ID {
			t.Errorf("second overwrite id = %v, want %s", second, first[0].ID)
		}
		if got := f.Commands(discordtest.GuildID); len(got) != 1 || got[0]["name"] != "checkin" {
			t.Errorf("Commands(guild) = %v, want only checkin", got)
		}
		if _, err := s.ApplicationCommandBulkOverwrite(discordtest.AppID, "", defs); err != nil {
			t.Fatalf("global overwrite: %v", err)
		}
		if got := len(f.Commands("")); got != 2 {
			t.Errorf("global commands = %d, want 2", got)
		}
	})

	t.Run("transport refuses other hosts", func(t *testing.T) {
		_, err := f.HTTPClient().Get("https://example.com/")
		if err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Errorf("GET example.com = %v, want a refusal", err)
		}
	})
}

func TestFaults(t *testing.T) {
	t.Run("429 then success, retried by discordgo", func(t *testing.T) {
		f := discordtest.NewServer(t, discordtest.Config{})
		s := newSession(t, f)
		f.FailNext(discordtest.RouteCreateMessage, 1, discordtest.RateLimited(50*time.Millisecond, false))
		var events []*discordgo.RateLimit
		s.AddHandler(func(_ *discordgo.Session, r *discordgo.RateLimit) { events = append(events, r) })
		if _, err := s.ChannelMessageSend(discordtest.ChannelGeneral, "hello"); err != nil {
			t.Fatal(err)
		}
		calls := f.CallsTo(discordtest.RouteCreateMessage)
		if len(calls) != 2 || calls[0].Status != 429 || !calls[0].Fault || calls[1].Status != 200 {
			t.Fatalf("calls = %+v, want a 429 then a 200", calls)
		}
		if len(events) != 1 || events[0].RetryAfter != 50*time.Millisecond {
			t.Errorf("RateLimit events = %+v, want one with 50ms", events)
		}
	})

	t.Run("429 without retry returns RateLimitError with real headers", func(t *testing.T) {
		f := discordtest.NewServer(t, discordtest.Config{})
		s := newSession(t, f)
		s.ShouldRetryOnRateLimit = false
		f.FailNext(discordtest.RouteCreateMessage, 1, discordtest.RateLimited(50*time.Millisecond, false))
		_, err := s.ChannelMessageSend(discordtest.ChannelGeneral, "hello")
		var rl *discordgo.RateLimitError
		if !errors.As(err, &rl) {
			t.Fatalf("error = %v (%T), want *discordgo.RateLimitError", err, err)
		}
		if rl.RetryAfter != 50*time.Millisecond || rl.Message != "You are being rate limited." {
			t.Errorf("RateLimitError = %+v", rl.TooManyRequests)
		}
		if _, err := s.ChannelMessageSend(discordtest.ChannelGeneral, "hello"); err != nil {
			t.Fatalf("after the limit: %v", err)
		}
		c := f.CallsTo(discordtest.RouteCreateMessage)[0]
		if c.Status != 429 {
			t.Fatalf("first call status = %d, want 429", c.Status)
		}
	})

	t.Run("429 headers and body", func(t *testing.T) {
		f := discordtest.NewServer(t, discordtest.Config{})
		f.FailNext(discordtest.RouteCurrentUser, 1, discordtest.RateLimited(1500*time.Millisecond, true))
		req, _ := http.NewRequest("GET", "https://discord.com/api/v9/users/@me", nil)
		req.Header.Set("Authorization", f.Token())
		resp, err := f.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		want := map[string]string{
			"Retry-After": "2", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "1.500",
			"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global", "Content-Type": "application/json",
		}
		for k, v := range want {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("%s = %q, want %q", k, got, v)
			}
		}
		for _, k := range []string{"X-RateLimit-Limit", "X-RateLimit-Reset", "X-RateLimit-Bucket"} {
			if resp.Header.Get(k) == "" {
				t.Errorf("%s missing", k)
			}
		}
	})

	statuses := []struct {
		name   string
		fault  discordtest.Fault
		n      int
		code   int
		status int
		calls  int
	}{
		{"500 is returned", discordtest.ServerError(500), 1, 0, 500, 1},
		{"503 is returned", discordtest.ServerError(503), 1, 0, 503, 1},
		{"502 is retried by discordgo until it gives up", discordtest.ServerError(502), discordtest.Forever, 0, 0, 4},
		{"Discord error code", discordtest.CannotMessageUser(), 1, 50007, 403, 1},
	}
	for _, tc := range statuses {
		t.Run(tc.name, func(t *testing.T) {
			f := discordtest.NewServer(t, discordtest.Config{})
			s := newSession(t, f)
			f.FailNext(discordtest.RouteCreateMessage, tc.n, tc.fault)
			_, err := s.ChannelMessageSend(discordtest.ChannelGeneral, "hello")
			if err == nil {
				t.Fatal("got nil error")
			}
			if tc.status != 0 {
				code, status := restError(t, err)
				if code != tc.code || status != tc.status {
					t.Errorf("got %d/%d, want %d/%d", code, status, tc.code, tc.status)
				}
			}
			if got := len(f.CallsTo(discordtest.RouteCreateMessage)); got != tc.calls {
				t.Errorf("calls = %d, want %d", got, tc.calls)
			}
		})
	}

	t.Run("502 once then success", func(t *testing.T) {
		f := discordtest.NewServer(t, discordtest.Config{})
		s := newSession(t, f)
		f.FailNext(discordtest.RouteCreateMessage, 1, discordtest.ServerError(502))
		if _, err := s.ChannelMessageSend(discordtest.ChannelGeneral, "hello"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("fault on one path only", func(t *testing.T) {
		f := discordtest.NewServer(t, discordtest.Config{})
		s := newSession(t, f)
		sam := f.DMChannel(discordtest.UserSam)
		f.FailPath("POST", "/api/v9/channels/"+sam+"/messages", discordtest.Forever, discordtest.CannotMessageUser())
		for range 2 {
			_, err := s.ChannelMessageSend(sam, "hello")
			if code, _ := restError(t, err); code != 50007 {
				t.Errorf("DM to Sam code = %d, want 50007", code)
			}
		}
		if _, err := s.ChannelMessageSend(f.DMChannel(discordtest.UserRobin), "hello"); err != nil {
			t.Errorf("DM to Robin: %v", err)
		}
		f.ClearFaults()
		if _, err := s.ChannelMessageSend(sam, "hello"); err != nil {
			t.Errorf("after ClearFaults: %v", err)
		}
	})
}

// TestGateway drives one real discordgo session through the gateway's
// life: handshake, heartbeats, events, responses, and every kind of
// reconnect. It shares one session because discordgo's Close sleeps 1 s.
func TestGateway(t *testing.T) {
	f := discordtest.NewServer(t, discordtest.Config{HeartbeatInterval: 100 * time.Millisecond})
	s := newSession(t, f)
	s.Identify.Intents = discordgo.IntentsAllWithoutPrivileged | discordgo.IntentsGuildMembers

	interactions := make(chan *discordgo.InteractionCreate, 16)
	messages := make(chan *discordgo.MessageCreate, 16)
	joins := make(chan *discordgo.GuildMemberAdd, 16)
	readies := make(chan *discordgo.Ready, 16)
	guilds := make(chan *discordgo.GuildCreate, 16)
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.InteractionCreate) { interactions <- e })
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.MessageCreate) { messages <- e })
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.GuildMemberAdd) { joins <- e })
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.Ready) { readies <- e })
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.GuildCreate) { guilds <- e })
	open(t, s)

	ctx := func(t *testing.T) context.Context {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		t.Cleanup(cancel)
		return c
	}

	t.Run("handshake to READY", func(t *testing.T) {
		r := receive(t, readies)
		if r.User.ID != discordtest.AppID || r.SessionID == "" {
			t.Errorf("READY = user %+v session %q", r.User, r.SessionID)
		}
		if g := receive(t, guilds); g.ID != discordtest.GuildID {
			t.Errorf("GUILD_CREATE guild = %s, want %s", g.ID, discordtest.GuildID)
		}
		id := f.MustFrames(t, 1, discordtest.ClientOp(discordtest.OpIdentify))[0]
		if !strings.Contains(string(id.Data), `"token":"`+f.Token()+`"`) {
			t.Errorf("IDENTIFY lacks the token")
		}
		if got := f.Connected(); got != 1 {
			t.Errorf("Connected() = %d, want 1", got)
		}
	})

	t.Run("heartbeats are acknowledged", func(t *testing.T) {
		f.MustFrames(t, 2, discordtest.ClientOp(discordtest.OpHeartbeat))
		f.MustFrames(t, 2, func(g discordtest.GatewayFrame) bool { return !g.FromClient && g.Op == discordtest.OpHeartbeatACK })
		deadline := time.Now().Add(discordtest.MustWait)
		for {
			s.RLock()
			ack := s.LastHeartbeatAck
			s.RUnlock()
			if time.Since(ack) < time.Second {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("LastHeartbeatAck = %v, never recent", ack)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})

	t.Run("slash command: respond, respond again, follow up, edit", func(t *testing.T) {
		sent, err := f.DispatchCommand(discordtest.Command{Name: "checkin", Options: []discordtest.Option{
			{Name: "mood", Type: discordtest.OptionInteger, Value: 4},
		}})
		if err != nil {
			t.Fatal(err)
		}
		ic := receive(t, interactions)
		if ic.ID != sent.ID || ic.Member == nil || ic.Member.User.ID != discordtest.UserRobin {
			t.Fatalf("interaction = %+v", ic.Interaction)
		}
		if got := option(ic.ApplicationCommandData().Options, "mood").IntValue(); got != 4 {
			t.Errorf("mood = %d, want 4", got)
		}
		resp := &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "Thanks for checking in.", Flags: discordgo.MessageFlagsEphemeral},
		}
		if err := s.InteractionRespond(ic.Interaction, resp); err != nil {
			t.Fatal(err)
		}
		c := f.MustCall(t, discordtest.ByRoute(discordtest.RouteInteractionCallback))
		if c.Params["interaction_id"] != sent.ID || c.Status != http.StatusNoContent || c.Field("type") != float64(4) {
			t.Errorf("callback call = %+v", c)
		}
		if st, _ := f.InteractionState(sent.ID); !st.Acknowledged || st.ResponseType != 4 || st.OriginalID == "" {
			t.Errorf("state = %+v", st)
		}
		err = s.InteractionRespond(ic.Interaction, resp)
		if code, status := restError(t, err); code != 40060 || status != 400 {
			t.Errorf("second response = %d/%d, want 40060/400", code, status)
		}
		fu, err := s.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{Content: "One more thing", Flags: discordgo.MessageFlagsEphemeral})
		if err != nil {
			t.Fatal(err)
		}
		if fu.ChannelID != discordtest.ChannelGeneral || fu.Flags != discordgo.MessageFlagsEphemeral {
			t.Errorf("follow-up = %+v", fu)
		}
		text := "Thanks, saved."
		orig, err := s.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{Content: &text})
		if err != nil {
			t.Fatal(err)
		}
		if orig.Content != text || orig.EditedTimestamp == nil {
			t.Errorf("@original = %+v", orig)
		}
	})

	t.Run("DM command carries user, not member", func(t *testing.T) {
		if _, err := f.DispatchCommand(discordtest.Command{Name: "checkin", UserID: discordtest.UserSam, InDM: true}); err != nil {
			t.Fatal(err)
		}
		ic := receive(t, interactions)
		if ic.Member != nil || ic.User == nil || ic.User.ID != discordtest.UserSam || ic.GuildID != "" {
			t.Errorf("DM interaction member %+v user %+v guild %q", ic.Member, ic.User, ic.GuildID)
		}
	})

	t.Run("button, modal and submit", func(t *testing.T) {
		m, err := s.ChannelMessageSendComplex(discordtest.ChannelGeneral, &discordgo.MessageSend{
			Content: "Time to check in",
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "Answer", Style: discordgo.PrimaryButton, CustomID: "checkin:open:9"},
			}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.DispatchComponent(discordtest.ComponentPress{CustomID: "checkin:open:9", MessageID: m.ID, UserID: discordtest.UserSam}); err != nil {
			t.Fatal(err)
		}
		ic := receive(t, interactions)
		if d := ic.MessageComponentData(); d.CustomID != "checkin:open:9" || ic.Message.ID != m.ID {
			t.Fatalf("component = %+v on %v", d, ic.Message.ID)
		}
		err = s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseModal,
			Data: &discordgo.InteractionResponseData{CustomID: "checkin:answer:9", Title: "How are you today?", Components: []discordgo.MessageComponent{
				discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{CustomID: "note", Label: "Anything to share?", Style: discordgo.TextInputParagraph}}},
			}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if st, _ := f.InteractionState(ic.ID); st.ResponseType != 9 || st.Modal["title"] != "How are you today?" {
			t.Errorf("modal state = %+v", st)
		}
		if _, err := f.DispatchModalSubmit(discordtest.ModalSubmit{CustomID: "checkin:answer:9", MessageID: m.ID, UserID: discordtest.UserSam,
			Values: []discordtest.TextValue{{CustomID: "note", Value: "Good day"}}}); err != nil {
			t.Fatal(err)
		}
		sub := receive(t, interactions)
		d := sub.ModalSubmitData()
		in := d.Components[0].(*discordgo.ActionsRow).Components[0].(*discordgo.TextInput)
		if d.CustomID != "checkin:answer:9" || in.Value != "Good day" {
			t.Errorf("submit = %s %+v", d.CustomID, in)
		}
		err = s.InteractionRespond(sub.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Content: "Answered", Components: []discordgo.MessageComponent{}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := f.Message(m.ID); got.Content != "Answered" {
			t.Errorf("updated message content = %q, want Answered", got.Content)
		}
	})

	t.Run("select menu", func(t *testing.T) {
		if _, err := f.DispatchComponent(discordtest.ComponentPress{CustomID: "activity:rsvp:3", ComponentType: discordtest.ComponentStringSelect, Values: []string{"going"}}); err != nil {
			t.Fatal(err)
		}
		ic := receive(t, interactions)
		if d := ic.MessageComponentData(); len(d.Values) != 1 || d.Values[0] != "going" {
			t.Errorf("values = %v", d.Values)
		}
		err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("messages and member events", func(t *testing.T) {
		if _, err := f.DispatchMessage(discordtest.IncomingMessage{Content: "anyone up for a walk?"}); err != nil {
			t.Fatal(err)
		}
		if m := receive(t, messages); m.Content != "" || m.GuildID != discordtest.GuildID {
			t.Errorf("guild message without MESSAGE_CONTENT: content %q guild %q, want blank content", m.Content, m.GuildID)
		}
		if _, err := f.DispatchMessage(discordtest.IncomingMessage{ChannelID: discordtest.ChannelThread, Content: "help", MentionBot: true}); err != nil {
			t.Fatal(err)
		}
		if m := receive(t, messages); m.ChannelID != discordtest.ChannelThread || !strings.HasSuffix(m.Content, "help") {
			t.Errorf("thread mention = %q in %s", m.Content, m.ChannelID)
		}
		if _, err := f.DispatchMessage(discordtest.IncomingMessage{UserID: discordtest.UserSam, InDM: true, Content: "doing ok"}); err != nil {
			t.Fatal(err)
		}
		if m := receive(t, messages); m.Content != "doing ok" || m.GuildID != "" {
			t.Errorf("DM = %q guild %q", m.Content, m.GuildID)
		}
		if err := f.DispatchMemberAdd(discordtest.GuildID, discordtest.User{ID: "1400000000000000003", Username: "jordan"}); err != nil {
			t.Fatal(err)
		}
		if j := receive(t, joins); j.User.ID != "1400000000000000003" || j.GuildID != discordtest.GuildID {
			t.Errorf("member add = %+v", j.Member)
		}
	})

	// lastSeq is the newest dispatch sequence sent to the client.
	lastSeq := func() int64 {
		var seq int64
		for _, fr := range f.Frames() {
			if !fr.FromClient && fr.Op == discordtest.OpDispatch {
				seq = fr.Seq
			}
		}
		return seq
	}

	t.Run("dropped connection: reconnect, RESUME, replay", func(t *testing.T) {
		before := lastSeq()
		f.DropConnections()
		sent, err := f.DispatchCommand(discordtest.Command{Name: "checkin"})
		if err != nil {
			t.Fatal(err)
		}
		ic := receive(t, interactions)
		if ic.ID != sent.ID {
			t.Errorf("replayed interaction %s, want %s", ic.ID, sent.ID)
		}
		res := f.MustFrames(t, 1, discordtest.ClientOp(discordtest.OpResume))[0]
		if !strings.Contains(string(res.Data), `"seq":`+strconv.FormatInt(before, 10)) {
			t.Errorf("RESUME = %s, want seq %d", res.Data, before)
		}
		f.MustFrames(t, 1, discordtest.ServerEvent("RESUMED"))
		if err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
			t.Errorf("respond after resume: %v", err)
		}
	})

	t.Run("op 7 reconnect resumes", func(t *testing.T) {
		resumes := len(filter(f.Frames(), discordtest.ClientOp(discordtest.OpResume)))
		f.Reconnect()
		f.MustFrames(t, resumes+1, discordtest.ClientOp(discordtest.OpResume))
		// Events reach the session once it is live again. discordgo's
		// heartbeat goroutine of the old connection can race its op 7
		// reconnect: a heartbeat written to the closed connection makes it
		// Close() the session's current one, the new connection, with code
		// 1000, which ends the session on Discord, and identify afresh.
		// What was sent meanwhile is lost, as it would be on Discord. So a
		// message goes again until one arrives; the first one, unless the
		// machine is slow enough for that race.
		deadline := time.Now().Add(discordtest.MustWait)
		for i := 0; ; i++ {
			_, err := f.DispatchMessage(discordtest.IncomingMessage{InDM: true, Content: "still there? " + strconv.Itoa(i)})
			if err == nil {
				select {
				case m := <-messages:
					if !strings.HasPrefix(m.Content, "still there? ") {
						t.Fatalf("after op 7 got %q", m.Content)
					}
				case <-time.After(time.Second):
					if time.Now().Before(deadline) {
						continue
					}
					t.Fatal("no message reached discordgo after op 7")
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no session after op 7: %v", err)
			}
			time.Sleep(20 * time.Millisecond) // the session is being identified again
		}
		// The old connection's heartbeat goroutine wakes within one
		// interval of the reconnect: after two heartbeats on the new
		// connection it has, and whatever it did is over before the next
		// step. Messages sent again may arrive late; they are not wanted.
		beats := len(filter(f.Frames(), discordtest.ClientOp(discordtest.OpHeartbeat)))
		f.MustFrames(t, beats+2, discordtest.ClientOp(discordtest.OpHeartbeat))
		drain(messages)
	})

	t.Run("op 9 makes discordgo identify again", func(t *testing.T) {
		identifies := len(filter(f.Frames(), discordtest.ClientOp(discordtest.OpIdentify)))
		drain(readies)
		drain(guilds)
		f.InvalidateSession(false)
		f.MustFrames(t, identifies+1, discordtest.ClientOp(discordtest.OpIdentify))
		r := receive(t, readies)
		if r.SessionID == "" {
			t.Errorf("second READY has no session id")
		}
		receive(t, guilds)
		if _, err := f.DispatchCommand(discordtest.Command{Name: "checkin"}); err != nil {
			t.Fatal(err)
		}
		receive(t, interactions)
	})

	// discordgo answers a zombie connection with Close(), which sends close
	// code 1000, and Discord ends a session closed with 1000: the RESUME
	// that follows gets op 9 and discordgo identifies afresh. Events sent
	// meanwhile are lost, as they would be on Discord.
	t.Run("missing heartbeat ACKs: reconnect, RESUME refused, new READY", func(t *testing.T) {
		resumes := len(filter(f.Frames(), discordtest.ClientOp(discordtest.OpResume)))
		identifies := len(filter(f.Frames(), discordtest.ClientOp(discordtest.OpIdentify)))
		drain(readies)
		f.SetHeartbeatACK(false)
		f.MustFrames(t, resumes+1, discordtest.ClientOp(discordtest.OpResume))
		f.SetHeartbeatACK(true)
		if _, err := f.WaitFrames(ctx(t), identifies+1, discordtest.ClientOp(discordtest.OpIdentify)); err != nil {
			t.Fatal(err)
		}
		receive(t, readies)
		if _, err := f.DispatchCommand(discordtest.Command{Name: "checkin"}); err != nil {
			t.Fatal(err)
		}
		receive(t, interactions)
	})
}

// drain empties ch of what earlier steps left in it.
func drain[T any](ch <-chan T) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

// filter returns the frames that match.
func filter(fs []discordtest.GatewayFrame, match func(discordtest.GatewayFrame) bool) []discordtest.GatewayFrame {
	var out []discordtest.GatewayFrame
	for _, f := range fs {
		if match(f) {
			out = append(out, f)
		}
	}
	return out
}
