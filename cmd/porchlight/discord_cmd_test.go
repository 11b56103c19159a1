package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/config"
)

func TestDiscordInviteCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	house := func(guild string) string {
		return `
[[house]]
name = "Maple House"
timezone = "America/Chicago"
platform = "discord"
guild = "` + guild + `"
channel = "1300000000000000001"
operators = ["1400000000000000009"]

[house.checkin]
schedule = ["0 9 * * *"]
`
	}
	// No token yet: the invite comes before the bot runs.
	one := write("one.toml", "[storage]\npath = \"p.db\"\n\n[discord]\napplication_id = \"1100000000000000001\"\n"+house("1200000000000000001"))
	two := write("two.toml", "[discord]\napplication_id = \"1100000000000000001\"\n"+house("1200000000000000001")+house("1200000000000000002"))
	noApp := write("noapp.toml", house("1200000000000000001"))
	badApp := write("badapp.toml", "[discord]\napplication_id = \"abc\"\n"+house("1200000000000000001"))
	noEnv := func(string) string { return "" }
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"one guild", []string{"discord", "invite-url", "--config", one}, exitOK, []string{
			"https://discord.com/oauth2/authorize?", "client_id=1100000000000000001", "scope=bot+applications.commands",
			"permissions=17901423692800", "guild_id=1200000000000000001", "disable_guild_select=true"}},
		{"two guilds", []string{"discord", "invite-url", "--config", two}, exitOK, []string{"client_id=1100000000000000001"}},
		{"help explains each permission", []string{"discord", "invite-url", "--help"}, exitOK, []string{
			"Usage: porchlight discord invite-url", "applications.commands", "View Channels", "Send Messages", "Create Public Threads", "Send Messages in Threads", "Create Events"}},
		{"no subcommand", []string{"discord"}, exitUsage, nil},
		{"unknown subcommand", []string{"discord", "nope"}, exitUsage, nil},
		{"no config", []string{"discord", "invite-url"}, exitUsage, nil},
		{"missing file", []string{"discord", "invite-url", "--config", filepath.Join(dir, "none.toml")}, exitUsage, nil},
		{"no application id", []string{"discord", "invite-url", "--config", noApp}, exitUsage, nil},
		{"bad application id", []string{"discord", "invite-url", "--config", badApp}, exitUsage, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tc.args, strings.NewReader(""), &out, &errOut, noEnv)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, errOut.String())
			}
			for _, want := range tc.contains {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
			if strings.Contains(out.String(), "Attach Files") || strings.Contains(out.String(), "Read Message History") {
				t.Errorf("the invite asks for a permission nothing uses:\n%s", out.String())
			}
			if tc.name == "two guilds" && strings.Contains(out.String(), "guild_id") {
				t.Errorf("two guilds preselect one: %s", out.String())
			}
			if tc.code == exitOK && !strings.Contains(tc.name, "help") {
				if _, err := url.Parse(strings.TrimSpace(out.String())); err != nil {
					t.Errorf("not a URL: %v", err)
				}
			}
		})
	}
}

func TestNewDiscordAdapter(t *testing.T) {
	cfg := config.Default()
	cfg.Discord.ApplicationID = "1100000000000000001"
	cfg.House = []config.House{
		{Platform: config.PlatformDiscord, Guild: "1200000000000000001", Channel: "1300000000000000001"},
		{Platform: config.PlatformDiscord, Guild: "1200000000000000002", Channel: "1300000000000000002"},
		{Platform: config.PlatformDiscord, Guild: "1200000000000000002", Channel: "1300000000000000003"},
	}
	if _, err := newDiscordAdapter(cfg, slog.New(slog.DiscardHandler)); err == nil {
		t.Error("an adapter without a token")
	}
	cfg.Discord.Token = config.Secret(fakeDiscordToken)
	ad, err := newDiscordAdapter(cfg, slog.New(slog.DiscardHandler))
	if err != nil || ad.Platform() != "discord" {
		t.Fatalf("newDiscordAdapter = %v, %v", ad, err)
	}
	guilds, channels := discordGuilds(cfg)
	if strings.Join(guilds, ",") != "1200000000000000001,1200000000000000002" {
		t.Errorf("guilds = %v", guilds)
	}
	if len(channels) != 1 || channels["1200000000000000001"] != "1300000000000000001" {
		t.Errorf("house channels = %v, want only the guild with one house", channels)
	}
}
