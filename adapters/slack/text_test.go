package slack

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/porchlight/porchlight/bot"
)

func TestInboundText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"<@U0002|sam>", "<@U0002>"},
		{"pair <@U0002|sam> with <@W0003|morgan>", "pair <@U0002> with <@W0003>"},
		{"<@U0002>", "<@U0002>"},
		{"a &lt;b&gt; &amp;amp;", "a <b> &amp;"},
		{"<#C0001|house>", "<#C0001|house>"},
	}
	for _, tc := range tests {
		if got := inboundText(tc.in); got != tc.want {
			t.Errorf("inboundText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEscapeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"no specials", "no specials"},
		{"a & b < c > d", "a &amp; b &lt; c &gt; d"},
		{"hi <@U0001>!", "hi <@U0001>!"},
		{"<!channel> <!here>", "&lt;!channel&gt; &lt;!here&gt;"},
		{"<http://evil.example|click>", "&lt;http://evil.example|click&gt;"},
		{"see <#C0001> & <@U0002>", "see <#C0001> &amp; <@U0002>"},
	}
	for _, tc := range tests {
		if got := escapeText(tc.in); got != tc.want {
			t.Errorf("escapeText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFormatTime(t *testing.T) {
	at := time.Date(2026, 1, 2, 15, 4, 0, 0, time.UTC)
	got := formatText("Closes " + bot.FormatTime(bot.SourceLang(), at, time.UTC) + ".")
	want := "Closes <!date^1767366240^{date_short_pretty} {time}|Fri 2 Jan 15:04 UTC>."
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestActionIDs(t *testing.T) {
	tests := []struct{ in, want string }{
		{encodeActionID(0, "join:accept"), "join:accept"},
		{encodeActionID(12, "form:answer"), "form:answer"},
		{"checkin:open:4", "checkin:open:4"},
		{"3|a|b", "a|b"},
	}
	for _, tc := range tests {
		if got := decodeActionID(tc.in); got != tc.want {
			t.Errorf("decodeActionID(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestManifest(t *testing.T) {
	noop := func(*bot.Request) (bot.Response, error) { return bot.Response{}, nil }
	cmds := []*bot.Command{
		{Name: "checkin", Description: "Answer the open check-in", Run: noop, Subs: []*bot.Command{
			{Name: "pause", Description: "Pause", Run: noop}, {Name: "resume", Description: "Resume", Run: noop}}},
		{Name: "partner", Description: `Pair "two" residents: <a> & <b>`, Run: noop, Options: []bot.Option{
			{Name: "a", Type: bot.OptUser, Required: true}, {Name: "b", Type: bot.OptUser}}},
	}
	read := func(t *testing.T, o ManifestOptions) slackgo.Manifest {
		t.Helper()
		out, err := Manifest(cmds, o)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), "\t") {
			t.Errorf("manifest has tabs, which YAML forbids")
		}
		var m slackgo.Manifest
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("manifest is not JSON: %v\n%s", err, out)
		}
		return m
	}
	m := read(t, ManifestOptions{CommandPrefix: DefaultCommandPrefix})
	want := []slackgo.ManifestSlashCommand{
		{Command: "/porch-checkin", Description: "Answer the open check-in", UsageHint: "pause | resume", ShouldEscape: true},
		{Command: "/porch-partner", Description: `Pair "two" residents: <a> & <b>`, UsageHint: "<a> [b]", ShouldEscape: true},
	}
	if !reflect.DeepEqual(m.Features.SlashCommands, want) {
		t.Errorf("slash commands = %+v, want %+v", m.Features.SlashCommands, want)
	}
	if !m.Settings.SocketModeEnabled || m.Settings.Interactivity == nil || !m.Settings.Interactivity.IsEnabled {
		t.Errorf("settings = %+v, want Socket Mode and interactivity", m.Settings)
	}
	if !m.Features.AppHome.HomeTabEnabled || !m.Features.AppHome.MessagesTabEnabled || m.Display.Name != "Porchlight" || m.Metadata.MajorVersion != 1 {
		t.Errorf("features = %+v, display = %+v, metadata = %+v", m.Features.AppHome, m.Display, m.Metadata)
	}
	scopes, events := strings.Join(m.OAuthConfig.Scopes.Bot, " "), strings.Join(m.Settings.EventSubscriptions.BotEvents, " ")
	for _, s := range []string{"commands", "chat:write", "im:write", "im:history", "users:read", "channels:read", "files:write"} {
		if !slices.Contains(m.OAuthConfig.Scopes.Bot, s) {
			t.Errorf("scopes %q lack %s", scopes, s)
		}
	}
	for _, e := range []string{"app_home_opened", "message.im", "member_joined_channel", "member_left_channel"} {
		if !slices.Contains(m.Settings.EventSubscriptions.BotEvents, e) {
			t.Errorf("events %q lack %s", events, e)
		}
	}
	// Without thread replies, the channels' messages never reach the bot;
	// their history is read only to find the bot's own message after a
	// crash (Delivery guarantees).
	if strings.Contains(events, "message.channels") || strings.Contains(events, "message.groups") {
		t.Errorf("channel messages without thread replies: %q", events)
	}
	t.Run("thread replies", func(t *testing.T) {
		m := read(t, ManifestOptions{Features: Features{ThreadReplies: true}})
		for _, s := range []string{"channels:history", "groups:history"} {
			if !slices.Contains(m.OAuthConfig.Scopes.Bot, s) {
				t.Errorf("scopes %v lack %s", m.OAuthConfig.Scopes.Bot, s)
			}
		}
		for _, e := range []string{"message.channels", "message.groups"} {
			if !slices.Contains(m.Settings.EventSubscriptions.BotEvents, e) {
				t.Errorf("events %v lack %s", m.Settings.EventSubscriptions.BotEvents, e)
			}
		}
	})
	t.Run("prefix", func(t *testing.T) {
		m := read(t, ManifestOptions{CommandPrefix: "ph-", Name: "House Bot"})
		if m.Features.SlashCommands[0].Command != "/ph-checkin" || m.Display.Name != "House Bot" || m.Features.BotUser.DisplayName != "House Bot" {
			t.Errorf("manifest = %+v", m)
		}
	})
	t.Run("bare names", func(t *testing.T) {
		if m := read(t, ManifestOptions{}); m.Features.SlashCommands[0].Command != "/checkin" {
			t.Errorf("commands = %+v", m.Features.SlashCommands)
		}
	})
	t.Run("too long", func(t *testing.T) {
		if _, err := Manifest(cmds, ManifestOptions{CommandPrefix: strings.Repeat("p", 30)}); err == nil {
			t.Error("no error for a 40-character command name")
		}
	})
}

// TestManifestHistory: /history from the real registry is declared with
// the prefix and its arguments, with escaping on so the resident arrives
// as <@U123|name>.
func TestManifestHistory(t *testing.T) {
	out, err := Manifest(bot.AllCommands(), ManifestOptions{CommandPrefix: DefaultCommandPrefix})
	if err != nil {
		t.Fatal(err)
	}
	var m slackgo.Manifest
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	for _, c := range m.Features.SlashCommands {
		if c.Command == "/porch-history" {
			if c.Description != "House Mentors: a resident's recent weeks, sent to you privately" || c.UsageHint != "<resident> [weeks]" || !c.ShouldEscape {
				t.Errorf("/porch-history = %+v", c)
			}
			return
		}
	}
	t.Errorf("manifest lacks /porch-history:\n%s", out)
}
