package discord

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/discord/discordtest"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/bot/bottest"
)

// waitFor bounds every wait; the fake answers in milliseconds, so it only
// matters when something is broken.
const waitFor = 10 * time.Second // generous: discordgo reconnects on its own schedule, and CI runs packages in parallel

// The fake's ids, under shorter names. No real people.
const (
	guild   = discordtest.GuildID
	general = discordtest.ChannelGeneral
	robin   = discordtest.UserRobin
	sam     = discordtest.UserSam
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

// quiet checks that the core got no further event: it sends a marker DM
// from Sam after whatever must be ignored and expects that first.
func (h *handler) quiet(t *testing.T, hs *harness) {
	t.Helper()
	if _, err := hs.f.DispatchMessage(discordtest.IncomingMessage{UserID: sam, InDM: true, Content: "marker"}); err != nil {
		t.Fatal(err)
	}
	ev := h.next(t)
	if ev.Kind != bot.EventDM || ev.Text != "marker" {
		t.Fatalf("the core got a %s event from %s, want none before the marker", ev.Kind, ev.User.ID)
	}
}

// harness is a fake Discord with the adapter running against it.
type harness struct {
	f  *discordtest.Server
	ad *Adapter
	h  *handler
}

// noop is a command function for registries in tests.
func noop(*bot.Request) (bot.Response, error) { return bot.Response{}, nil }

// testCommands is a small registry shaped like the core's.
func testCommands() []*bot.Command {
	return []*bot.Command{
		{Name: "checkin", Description: "Answer the open check-in", Run: noop, Subs: []*bot.Command{
			{Name: "pause", Description: "Pause prompts", Run: noop, Options: []bot.Option{{Name: "until", Description: "YYYY-MM-DD", Type: bot.OptString, Required: true, Rest: true, MaxLen: 40}}},
			{Name: "answers", Description: "Answers of a day", Run: noop, Options: []bot.Option{{Name: "date", Type: bot.OptString}}},
		}},
		{Name: "partner", Description: "Pair two residents", Run: noop, Options: []bot.Option{
			{Name: "note", Description: "Why", Type: bot.OptString},
			{Name: "a", Description: "First", Type: bot.OptUser, Required: true},
			{Name: "weeks", Description: "How long", Type: bot.OptInt},
			{Name: "notify", Description: "Tell them", Type: bot.OptBool},
		}},
		{Name: "help", Description: "What I can do", Run: noop},
	}
}

// start runs an adapter against a new fake until the test ends. tweak, if
// set, adjusts the config before the adapter is made, and adjust the
// adapter before it runs.
func start(t *testing.T, fcfg discordtest.Config, tweak func(*Config), adjust func(*Adapter)) *harness {
	t.Helper()
	if fcfg.RouteLimits == nil {
		// These tests post many messages to one channel at once, which
		// Discord's per-channel limits would slow to one every second;
		// the rate-limit tests (ratelimit_test.go) keep the real ones.
		fcfg.RouteLimits = map[string]discordtest.RouteLimit{}
	}
	f := discordtest.NewServer(t, fcfg)
	cfg := Config{
		Token: f.Token(), ApplicationID: discordtest.AppID, APIBase: f.URL(),
		Guilds: []string{guild}, HouseChannels: map[string]string{guild: general},
		HandshakeTimeout: 5 * time.Second,
	}
	if tweak != nil {
		tweak(&cfg)
	}
	ad, err := New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if adjust != nil {
		adjust(ad)
	}
	hs := &harness{f: f, ad: ad, h: newHandler()}
	hs.h.Cmds = testCommands()
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
	hs.ready(t)
	return hs
}

// ready waits until the adapter has its session and knows who it is.
func (hs *harness) ready(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		hs.ad.mu.Lock()
		self := hs.ad.botUser
		hs.ad.mu.Unlock()
		if self != "" && hs.f.Connected() > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the adapter did not connect")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// ctxFor returns a context that ends with the test or after waitFor.
func ctxFor(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), waitFor)
	t.Cleanup(cancel)
	return c
}

// callback waits for the answer to an interaction.
func (hs *harness) callback(t *testing.T, id string) discordtest.Call {
	t.Helper()
	return hs.f.MustCall(t, func(c discordtest.Call) bool {
		return c.Route == discordtest.RouteInteractionCallback && c.Params["interaction_id"] == id
	})
}

// wire is the shape of message bodies the adapter sends, for assertions.
type wire struct {
	Type int `json:"type"`
	Data struct {
		Content    string    `json:"content"`
		Flags      int       `json:"flags"`
		CustomID   string    `json:"custom_id"`
		Title      string    `json:"title"`
		Components []wireRow `json:"components"`
	} `json:"data"`
	Content         string    `json:"content"`
	Flags           int       `json:"flags"`
	Components      []wireRow `json:"components"`
	AllowedMentions *struct {
		Parse []string `json:"parse"`
	} `json:"allowed_mentions"`
	MessageReference *struct {
		MessageID string `json:"message_id"`
	} `json:"message_reference"`
}

type wireRow struct {
	Type int `json:"type"`
	// Components are an action row's; Label, Description and Component a
	// modal Label's.
	Components  []wireComponent `json:"components"`
	Label       string          `json:"label"`
	Description string          `json:"description"`
	Component   *wireComponent  `json:"component"`
}

// wireComponent is a button, select or text input as sent.
type wireComponent struct {
	Type        int    `json:"type"`
	CustomID    string `json:"custom_id"`
	Label       string `json:"label"`
	Style       int    `json:"style"`
	Value       string `json:"value"`
	Placeholder string `json:"placeholder"`
	Required    bool   `json:"required"`
	MaxLength   int    `json:"max_length"`
	Options     []struct {
		Label   string `json:"label"`
		Value   string `json:"value"`
		Default bool   `json:"default"`
	} `json:"options"`
}

// decode reads a call's body as wire.
func decode(t *testing.T, c discordtest.Call) wire {
	t.Helper()
	var w wire
	if err := json.Unmarshal(c.Body, &w); err != nil {
		t.Fatalf("decode call %d: %v: %s", c.Seq, err, c.Body)
	}
	return w
}

// customIDs lists the custom ids of rows.
func customIDs(rows []wireRow) []string {
	var out []string
	for _, r := range rows {
		for _, c := range r.Components {
			out = append(out, c.CustomID)
		}
	}
	return out
}
