package slack

import (
	"strings"
	"testing"
	"time"

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
	got := formatText("Closes " + bot.FormatTime(at, time.UTC) + ".")
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
	out, err := Manifest(cmds, ManifestOptions{CommandPrefix: DefaultCommandPrefix})
	if err != nil {
		t.Fatal(err)
	}
	y := string(out)
	for _, want := range []string{
		`    - command: "/porch-checkin"`,
		`      usage_hint: "pause | resume"`,
		`    - command: "/porch-partner"`,
		`      description: "Pair \"two\" residents: \u003ca\u003e \u0026 \u003cb\u003e"`,
		`      usage_hint: "\u003ca\u003e [b]"`,
		"      should_escape: true",
		"  socket_mode_enabled: true",
		"  interactivity:\n    is_enabled: true",
		"      - chat:write # ",
		"      - im:history # ",
		"      - message.im\n",
		"      - member_joined_channel\n",
		"    messages_tab_enabled: true",
	} {
		if !strings.Contains(y, want) {
			t.Errorf("manifest lacks %q:\n%s", want, y)
		}
	}
	if strings.Contains(y, "\t") {
		t.Errorf("manifest has tabs, which YAML forbids")
	}
	t.Run("prefix", func(t *testing.T) {
		out, _ := Manifest(cmds, ManifestOptions{CommandPrefix: "ph-", Name: "House Bot"})
		if !strings.Contains(string(out), `"/ph-checkin"`) || !strings.Contains(string(out), `name: "House Bot"`) {
			t.Errorf("manifest:\n%s", out)
		}
	})
	t.Run("bare names", func(t *testing.T) {
		out, _ := Manifest(cmds, ManifestOptions{})
		if !strings.Contains(string(out), `"/checkin"`) {
			t.Errorf("manifest:\n%s", out)
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
	want := "    - command: \"/porch-history\"\n      description: \"House Mentors: a resident's recent weeks, sent to you privately\"\n      usage_hint: \"\\u003cresident\\u003e [weeks]\"\n      should_escape: true\n"
	if !strings.Contains(string(out), want) {
		t.Errorf("manifest lacks /porch-history:\n%s", out)
	}
}
