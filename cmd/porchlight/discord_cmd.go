package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"

	"github.com/porchlight/porchlight/adapters/discord"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/config"
)

// discordPermission is one bot permission the invite asks for, with why.
type discordPermission struct {
	name string
	bit  uint
	why  string
}

// discordPermissions are the minimum permissions the bot needs in a house
// channel and its server, each for something it does. Everything else
// works through interactions, which need none. Files (the digest chart,
// a data export) go only by direct message, where server permissions do
// not apply, so Attach Files is not asked for; nor is Read Message
// History, since shared answers go in threads rather than as replies.
var discordPermissions = []discordPermission{
	{"View Channels", 10, "see the house channel, to post in it and to read replies to prompts"},
	{"Send Messages", 11, "post check-in prompts, activities and RSVP counts in the house channel"},
	{"Create Public Threads", 35, "start a thread on a check-in prompt for the answers shared with the house, and on an activity's post for talking about it"},
	{"Send Messages in Threads", 38, "post shared answers in the check-in's thread"},
	{"Create Events", 44, "mirror activities to the server's Events tab ([discord] scheduled_events); it edits only the events it made"},
}

// discordPermissionBits is the permissions integer of the invite.
func discordPermissionBits() uint64 {
	var n uint64
	for _, p := range discordPermissions {
		n |= 1 << p.bit
	}
	return n
}

// discordInviteURL is the OAuth2 URL that adds the bot to a server with
// the bot and applications.commands scopes and the minimum permissions.
// With one guild it preselects that server.
func discordInviteURL(appID, guild string) string {
	q := url.Values{}
	q.Set("client_id", appID)
	q.Set("scope", "bot applications.commands")
	q.Set("permissions", strconv.FormatUint(discordPermissionBits(), 10))
	if guild != "" {
		q.Set("guild_id", guild)
		q.Set("disable_guild_select", "true")
	}
	return discord.DefaultAPIBase + "/oauth2/authorize?" + q.Encode()
}

// cmdDiscord runs "porchlight discord SUBCOMMAND". Its one subcommand,
// invite-url, prints the URL that adds the bot to a server.
func cmdDiscord(ctx context.Context, e env) int {
	return runSubcommands(ctx, e, "invite-url --config FILE", "Discord tools.",
		subcommand{"invite-url", "print the OAuth2 URL that adds the bot to your server", cmdDiscordInvite})
}

func cmdDiscordInvite(_ context.Context, e env) int {
	about := "Print the OAuth2 URL that adds the bot to a Discord server, with the scopes\n" +
		"\"bot\" and \"applications.commands\" (slash commands) and the minimum permissions:\n\n"
	for _, p := range discordPermissions {
		about += fmt.Sprintf("  %-22s %s\n", p.name, p.why)
	}
	about += fmt.Sprintf("\n(permissions integer %d). The bot needs no administrator or moderation\n"+
		"rights: buttons, forms and private replies go through interactions, which need\n"+
		"none. [discord] application_id is read from the config; with one Discord house\n"+
		"the URL preselects its server. Open the URL as someone who can manage the server.", discordPermissionBits())
	fs := flags(e, "discord invite-url", "--config FILE", about)
	path := fs.String("config", "", "the TOML config `FILE`, for [discord] application_id")
	if code, ok := parse(fs, e); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return e.unexpected(fs)
	}
	if *path == "" {
		return e.usageError("--config FILE is required")
	}
	// The invite comes before the bot runs: problems other than the
	// application id (a missing token) are let pass.
	cfg, err := config.Load(*path, configOptions(e.getenv))
	var ce *config.Error
	if err != nil && (cfg == nil || !errors.As(err, &ce) || hasProblem(ce, "discord.application_id")) {
		return e.usageError("%v", err)
	}
	app := cfg.Discord.ApplicationID
	if !config.IsSnowflake(app) {
		return e.usageError("set [discord] application_id to the Application ID from the developer portal (General Information)")
	}
	guilds, _ := discordGuilds(cfg)
	guild := ""
	if len(guilds) == 1 {
		guild = guilds[0]
	}
	if _, err := fmt.Fprintln(e.stdout, discordInviteURL(app, guild)); err != nil {
		return e.fail(err)
	}
	return exitOK
}

// discordGuilds lists the guilds of the Discord houses, once each, and
// maps each guild with exactly one house to that house's channel.
func discordGuilds(cfg *config.Config) ([]string, map[string]string) {
	var guilds []string
	channels := map[string]string{}
	count := map[string]int{}
	for _, h := range cfg.House {
		if h.Platform != config.PlatformDiscord || h.Guild == "" {
			continue
		}
		if count[h.Guild] == 0 {
			guilds = append(guilds, h.Guild)
		}
		count[h.Guild]++
		channels[h.Guild] = h.Channel
	}
	for g, n := range count {
		if n > 1 {
			delete(channels, g)
		}
	}
	return guilds, channels
}

// newDiscordAdapter builds the Discord adapter from the [discord] table,
// whose token the environment may override (PORCHLIGHT_DISCORD_TOKEN);
// Validate has checked it. Commands are registered in every guild of the
// Discord houses, or globally with [discord] global_commands.
func newDiscordAdapter(cfg *config.Config, log *slog.Logger) (bot.Adapter, error) {
	d := cfg.Discord
	if d.Token == "" {
		return nil, fmt.Errorf("discord: discord.token (or %s) is required", config.EnvDiscordToken)
	}
	guilds, channels := discordGuilds(cfg)
	ad, err := discord.New(discord.Config{
		Token: string(d.Token), ApplicationID: d.ApplicationID, APIBase: d.APIBase,
		MessageContent: d.MessageContent, GlobalCommands: d.GlobalCommands,
		Guilds: guilds, HouseChannels: channels, Commands: bot.AllCommands(),
	}, log)
	if err != nil {
		return nil, err
	}
	return ad, nil
}
