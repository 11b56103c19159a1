package discordtest_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/porchlight/porchlight/adapters/discord/discordtest"
)

var update = flag.Bool("update", false, "rewrite testdata fixtures from the fake's dispatches")

// fixtureToken replaces the random interaction token in fixtures.
const fixtureToken = "aW50ZXJhY3Rpb246Zml4dHVyZQ"

// fixtureCases produce each fixture: one dispatch on a fresh fake with a
// fixed clock, so ids and timestamps are the same on every run.
var fixtureCases = []struct {
	name     string
	dispatch func(*discordtest.Server) error
}{
	{"READY", func(*discordtest.Server) error { return nil }},
	{"GUILD_CREATE", func(*discordtest.Server) error { return nil }},
	{"INTERACTION_CREATE.command.guild", func(f *discordtest.Server) error {
		_, err := f.DispatchCommand(discordtest.Command{Name: "checkin", Options: []discordtest.Option{
			{Name: "mood", Type: discordtest.OptionInteger, Value: 4},
			{Name: "note", Type: discordtest.OptionString, Value: "Slept well"},
		}})
		return err
	}},
	{"INTERACTION_CREATE.command.dm", func(f *discordtest.Server) error {
		_, err := f.DispatchCommand(discordtest.Command{Name: "checkin", UserID: discordtest.UserSam, InDM: true})
		return err
	}},
	{"INTERACTION_CREATE.command.subcommand_user", func(f *discordtest.Server) error {
		_, err := f.DispatchCommand(discordtest.Command{Name: "partner", Options: []discordtest.Option{
			{Name: "pair", Type: discordtest.OptionSubCommand, Options: []discordtest.Option{
				{Name: "member", Type: discordtest.OptionUser, Value: discordtest.UserSam},
			}},
		}})
		return err
	}},
	{"INTERACTION_CREATE.component.button", func(f *discordtest.Server) error {
		_, err := f.DispatchComponent(discordtest.ComponentPress{CustomID: "checkin:open:42", ChannelID: discordtest.ChannelThread})
		return err
	}},
	{"INTERACTION_CREATE.component.select_dm", func(f *discordtest.Server) error {
		_, err := f.DispatchComponent(discordtest.ComponentPress{
			CustomID: "activity:rsvp:7", ComponentType: discordtest.ComponentStringSelect,
			Values: []string{"going"}, UserID: discordtest.UserSam, InDM: true,
		})
		return err
	}},
	{"INTERACTION_CREATE.modal_submit", func(f *discordtest.Server) error {
		_, err := f.DispatchModalSubmit(discordtest.ModalSubmit{CustomID: "checkin:answer:42", Values: []discordtest.TextValue{
			{CustomID: "mood", Value: "4"}, {CustomID: "note", Value: "Slept well"},
		}})
		return err
	}},
	{"MESSAGE_CREATE.guild", func(f *discordtest.Server) error {
		_, err := f.DispatchMessage(discordtest.IncomingMessage{Content: "Movie night is on!"})
		return err
	}},
	{"MESSAGE_CREATE.thread_mention", func(f *discordtest.Server) error {
		_, err := f.DispatchMessage(discordtest.IncomingMessage{ChannelID: discordtest.ChannelThread, Content: "help", MentionBot: true})
		return err
	}},
	{"MESSAGE_CREATE.dm", func(f *discordtest.Server) error {
		_, err := f.DispatchMessage(discordtest.IncomingMessage{UserID: discordtest.UserSam, InDM: true, Content: "doing ok"})
		return err
	}},
	{"GUILD_MEMBER_ADD", func(f *discordtest.Server) error {
		return f.DispatchMemberAdd(discordtest.GuildID, discordtest.User{ID: "1400000000000000003", Username: "jordan", GlobalName: "Jordan"})
	}},
	{"GUILD_MEMBER_REMOVE", func(f *discordtest.Server) error {
		return f.DispatchMemberRemove(discordtest.GuildID, discordtest.UserSam)
	}},
}

// fixedNow is the fake's clock for fixtures.
func fixedNow() time.Time { return time.Date(2025, 3, 14, 18, 30, 0, 0, time.UTC) }

// normalize replaces values that are random per run.
func normalize(t *testing.T, raw json.RawMessage) []byte {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if _, ok := v["token"]; ok {
		v["token"] = fixtureToken
	}
	if _, ok := v["session_id"]; ok {
		v["session_id"] = "0123456789abcdef0123456789abcdef"
		v["resume_gateway_url"] = "wss://gateway-us-east1-b.discord.gg"
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestFixtures checks that testdata holds exactly what the fake dispatches
// (run with -update to rewrite it).
func TestFixtures(t *testing.T) {
	for _, tc := range fixtureCases {
		t.Run(tc.name, func(t *testing.T) {
			f := discordtest.NewServer(t, discordtest.Config{Now: fixedNow})
			c := dialRaw(t, f)
			ready := c.identify(f.Token(), allIntents)
			guild := c.next("GUILD_CREATE")
			var got rawFrame
			switch tc.name {
			case "READY":
				got = ready
			case "GUILD_CREATE":
				got = guild
			default:
				if err := tc.dispatch(f); err != nil {
					t.Fatal(err)
				}
				got = c.next(discordtest.FixtureEvent(tc.name))
			}
			b := normalize(t, got.Data)
			path := filepath.Join("testdata", tc.name+".json")
			if *update {
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := discordtest.Fixture(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, want) {
				t.Errorf("dispatched payload differs from %s (run go test -update to accept):\n got %s\nwant %s", path, b, want)
			}
		})
	}
	t.Run("every file has a case", func(t *testing.T) {
		cases := map[string]bool{}
		for _, tc := range fixtureCases {
			cases[tc.name] = true
		}
		for _, name := range discordtest.Fixtures() {
			if !cases[name] {
				t.Errorf("testdata/%s.json has no fixture case", name)
			}
		}
	})
}

// TestFixturesDecode decodes every fixture with discordgo's own event types,
// which reject wrongly typed fields (numeric snowflakes, numeric
// permissions, bad timestamps), and checks the fields adapters rely on.
func TestFixturesDecode(t *testing.T) {
	decoders := map[string]func() any{
		"READY":               func() any { return &discordgo.Ready{} },
		"GUILD_CREATE":        func() any { return &discordgo.GuildCreate{} },
		"INTERACTION_CREATE":  func() any { return &discordgo.InteractionCreate{} },
		"MESSAGE_CREATE":      func() any { return &discordgo.MessageCreate{} },
		"GUILD_MEMBER_ADD":    func() any { return &discordgo.GuildMemberAdd{} },
		"GUILD_MEMBER_REMOVE": func() any { return &discordgo.GuildMemberRemove{} },
	}
	checks := map[string]func(t *testing.T, v any){
		"READY": func(t *testing.T, v any) {
			r := v.(*discordgo.Ready)
			if r.User.ID != discordtest.AppID || !r.User.Bot || r.SessionID == "" || len(r.Guilds) != 1 {
				t.Errorf("ready = user %+v session %q guilds %d", r.User, r.SessionID, len(r.Guilds))
			}
		},
		"GUILD_CREATE": func(t *testing.T, v any) {
			g := v.(*discordgo.GuildCreate)
			if g.ID != discordtest.GuildID || len(g.Channels) != 1 || len(g.Threads) != 1 || g.JoinedAt.IsZero() || g.Roles[0].Permissions == 0 {
				t.Errorf("guild = %s, %d channels, %d threads, joined %v", g.ID, len(g.Channels), len(g.Threads), g.JoinedAt)
			}
		},
		"INTERACTION_CREATE.command.guild": func(t *testing.T, v any) {
			i := v.(*discordgo.InteractionCreate)
			d := i.ApplicationCommandData()
			if i.Member == nil || i.Member.User == nil || i.Member.User.ID != discordtest.UserRobin || i.User != nil {
				t.Fatalf("guild interaction: member %+v user %+v, want member.user Robin and no user", i.Member, i.User)
			}
			if i.Member.Permissions == 0 || i.AppPermissions == 0 || i.GuildID != discordtest.GuildID {
				t.Errorf("permissions %d app %d guild %q", i.Member.Permissions, i.AppPermissions, i.GuildID)
			}
			if d.Name != "checkin" || option(d.Options, "mood").IntValue() != 4 || option(d.Options, "note").StringValue() != "Slept well" {
				t.Errorf("data = %+v", d)
			}
		},
		"INTERACTION_CREATE.command.dm": func(t *testing.T, v any) {
			i := v.(*discordgo.InteractionCreate)
			if i.Member != nil || i.User == nil || i.User.ID != discordtest.UserSam || i.GuildID != "" {
				t.Errorf("DM interaction: member %+v user %+v guild %q, want user Sam only", i.Member, i.User, i.GuildID)
			}
		},
		"INTERACTION_CREATE.command.subcommand_user": func(t *testing.T, v any) {
			d := v.(*discordgo.InteractionCreate).ApplicationCommandData()
			sub := option(d.Options, "pair")
			if sub == nil || option(sub.Options, "member").Value != discordtest.UserSam || d.Resolved == nil || d.Resolved.Users[discordtest.UserSam] == nil {
				t.Errorf("subcommand data = %+v", d)
			}
		},
		"INTERACTION_CREATE.component.button": func(t *testing.T, v any) {
			i := v.(*discordgo.InteractionCreate)
			d := i.MessageComponentData()
			if d.CustomID != "checkin:open:42" || d.ComponentType != discordgo.ButtonComponent || i.Message == nil || i.ChannelID != discordtest.ChannelThread {
				t.Errorf("component = %+v message %v channel %s", d, i.Message, i.ChannelID)
			}
		},
		"INTERACTION_CREATE.component.select_dm": func(t *testing.T, v any) {
			i := v.(*discordgo.InteractionCreate)
			d := i.MessageComponentData()
			if len(d.Values) != 1 || d.Values[0] != "going" || i.User == nil {
				t.Errorf("select = %+v user %v", d, i.User)
			}
		},
		"INTERACTION_CREATE.modal_submit": func(t *testing.T, v any) {
			// discordgo v0.28.1 cannot decode a modal submit holding
			// Labels; it keeps the interaction's own fields, which the
			// adapter uses, and the adapter reads the data from the raw
			// event. This check holds the fake to Discord's shape.
			i := v.(*discordgo.InteractionCreate)
			if i.ID == "" || i.Type != discordgo.InteractionModalSubmit || i.Token == "" || i.Member == nil {
				t.Fatalf("interaction fields = %+v", i.Interaction)
			}
		},
		"MESSAGE_CREATE.guild": func(t *testing.T, v any) {
			m := v.(*discordgo.MessageCreate)
			if m.GuildID != discordtest.GuildID || m.Member == nil || m.Author.ID != discordtest.UserRobin || m.Content == "" || m.Timestamp.IsZero() {
				t.Errorf("guild message = %+v", m.Message)
			}
		},
		"MESSAGE_CREATE.thread_mention": func(t *testing.T, v any) {
			m := v.(*discordgo.MessageCreate)
			if m.ChannelID != discordtest.ChannelThread || len(m.Mentions) != 1 || m.Mentions[0].ID != discordtest.AppID {
				t.Errorf("thread message = %+v", m.Message)
			}
		},
		"MESSAGE_CREATE.dm": func(t *testing.T, v any) {
			m := v.(*discordgo.MessageCreate)
			if m.GuildID != "" || m.Member != nil || m.Author.ID != discordtest.UserSam {
				t.Errorf("DM = %+v", m.Message)
			}
		},
		"GUILD_MEMBER_ADD": func(t *testing.T, v any) {
			m := v.(*discordgo.GuildMemberAdd)
			if m.GuildID != discordtest.GuildID || m.User.GlobalName != "Jordan" || m.JoinedAt.IsZero() {
				t.Errorf("member add = %+v", m.Member)
			}
		},
		"GUILD_MEMBER_REMOVE": func(t *testing.T, v any) {
			m := v.(*discordgo.GuildMemberRemove)
			if m.GuildID != discordtest.GuildID || m.User.ID != discordtest.UserSam {
				t.Errorf("member remove = %+v", m.Member)
			}
		},
	}
	for _, name := range discordtest.Fixtures() {
		t.Run(name, func(t *testing.T) {
			raw, err := discordtest.Fixture(name)
			if err != nil {
				t.Fatal(err)
			}
			newv, ok := decoders[discordtest.FixtureEvent(name)]
			if !ok {
				t.Fatalf("no decoder for %s", name)
			}
			v := newv()
			err = json.Unmarshal(raw, v)
			if name == "INTERACTION_CREATE.modal_submit" {
				// Labels (type 18) are newer than discordgo v0.28.1.
				if err == nil || !strings.Contains(err.Error(), "unknown component type: 18") {
					t.Errorf("decoding a submit with Labels: err = %v, want discordgo's unknown component type 18", err)
				}
				var p struct {
					Data struct {
						CustomID   string `json:"custom_id"`
						Components []struct {
							Type      int `json:"type"`
							Component struct {
								Type     int      `json:"type"`
								CustomID string   `json:"custom_id"`
								Value    string   `json:"value"`
								Values   []string `json:"values"`
							} `json:"component"`
						} `json:"components"`
					} `json:"data"`
				}
				if err := json.Unmarshal(raw, &p); err != nil {
					t.Fatal(err)
				}
				c := p.Data.Components
				if p.Data.CustomID != "checkin:answer:42" || len(c) != 2 || c[0].Type != 18 || c[0].Component.Type != 4 ||
					c[1].Component.CustomID != "note" || c[1].Component.Value != "Slept well" {
					t.Errorf("modal submit = %+v", p.Data)
				}
			} else if err != nil {
				t.Fatalf("discordgo cannot decode %s: %v", name, err)
			}
			check, ok := checks[name]
			if !ok {
				t.Fatalf("no check for %s", name)
			}
			check(t, v)
		})
	}
}

// option finds a command option by name (discordgo v0.28 has no GetOption),
// or nil.
func option(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) *discordgo.ApplicationCommandInteractionDataOption {
	for _, o := range opts {
		if o.Name == name {
			return o
		}
	}
	return nil
}
