package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	slackgo "github.com/slack-go/slack"

	"github.com/porchlight/porchlight/adapters/discord"
	"github.com/porchlight/porchlight/adapters/slack"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/config"
)

// onlineTimeout bounds all of doctor --online's calls to the platforms.
const onlineTimeout = 30 * time.Second

// checkOnline asks each platform the houses use whether the tokens work
// and the bot has what it needs in each house channel.
func (d *doctor) checkOnline(ctx context.Context) {
	if d.houses == nil {
		d.r.section("Platforms")
		d.r.info("not asked: fix the config first")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, onlineTimeout)
	defer cancel()
	used := platformsOf(d.houses)
	if slices.Contains(used, string(config.PlatformDiscord)) {
		d.checkDiscord(ctx)
	}
	if slices.Contains(used, string(config.PlatformSlack)) {
		d.checkSlack(ctx)
	}
	if !slices.Contains(used, string(config.PlatformDiscord)) && !slices.Contains(used, string(config.PlatformSlack)) {
		d.r.section("Platforms")
		d.r.info("no house is on Discord or Slack: nothing to ask")
	}
}

// housesOn returns the houses on one platform.
func (d *doctor) housesOn(p config.Platform) []*bot.House {
	var out []*bot.House
	for _, h := range d.houses {
		if h.Platform == string(p) {
			out = append(out, h)
		}
	}
	return out
}

// checkDiscord reads the bot user (GET users/@me) and, for each Discord
// house, the bot's permissions in the house channel, through discordgo.
func (d *doctor) checkDiscord(ctx context.Context) {
	c := d.cfg.Discord
	d.r.section("Discord (asked online, " + orDefault(c.APIBase, discord.DefaultAPIBase) + ")")
	if c.Token == "" {
		d.r.fail("no token to check: set %s", config.EnvDiscordToken)
		return
	}
	ad, err := discord.New(discord.Config{Token: string(c.Token), ApplicationID: c.ApplicationID, APIBase: c.APIBase}, nil)
	if err != nil {
		d.r.fail("%v", err)
		return
	}
	s := ad.Session()
	opt := discordgo.WithContext(ctx)
	me, err := s.User("@me", opt)
	if err != nil {
		if discordStatus(err) == http.StatusUnauthorized {
			d.r.fail("the token was refused (401 Unauthorized): it is wrong, or was reset")
			d.r.fix("on the developer portal's Bot page choose Reset Token, and set %s to the new one (without \"Bot \")", config.EnvDiscordToken)
		} else {
			d.r.fail("could not ask Discord: %v", err)
			d.r.fix("check the network, and [discord] api_base if it is set")
		}
		return
	}
	d.r.ok("token valid: the bot is %s (user id %s)", me.Username, me.ID)
	for _, h := range d.housesOn(config.PlatformDiscord) {
		d.checkDiscordChannel(s, opt, me.ID, h)
	}
}

// checkDiscordChannel checks the bot's permissions in a house's channel
// against those the invite asks for (discordPermissions).
func (d *doctor) checkDiscordChannel(s *discordgo.Session, opt discordgo.RequestOption, botID string, h *bot.House) {
	ch, err := s.Channel(h.Channel, opt)
	if guild := d.guildOf(h); err == nil && guild != "" && ch.GuildID != guild {
		d.r.fail("house %q: channel %s is in server %s, not in the house's guild %s", h.Name, h.Channel, ch.GuildID, guild)
		d.r.fix("copy the ids again (Developer Mode, then right-click: Copy Server ID, Copy Channel ID)")
		return
	}
	var perms int64
	if err == nil {
		perms, err = s.UserChannelPermissions(botID, h.Channel, opt)
	}
	if err != nil {
		d.discordChannelProblem(h, err)
		return
	}
	var missing, why []string
	for _, p := range discordPermissions {
		if perms&(1<<p.bit) == 0 {
			missing = append(missing, p.name)
			why = append(why, p.name+": "+p.why)
		}
	}
	name := h.Channel
	if ch.Name != "" {
		name = "#" + ch.Name + " (" + h.Channel + ")"
	}
	if len(missing) == 0 {
		d.r.ok("house %q: in %s the bot has every permission it needs", h.Name, name)
		return
	}
	d.r.fail("house %q: in %s the bot lacks %s", h.Name, name, strings.Join(missing, ", "))
	for _, w := range why {
		d.r.fix("%s", w)
	}
	d.r.fix("give the bot's role these permissions in the channel (Edit Channel, then Permissions), or invite it again with the link from porchlight discord invite-url --config %s", d.cfgPath)
}

// guildOf returns the configured guild of a house, "" when none is set.
func (d *doctor) guildOf(h *bot.House) string {
	for _, c := range d.cfg.House {
		if c.Name == h.Name {
			return c.Guild
		}
	}
	return ""
}

// discordChannelProblem reports why a house channel could not be read.
func (d *doctor) discordChannelProblem(h *bot.House, err error) {
	var re *discordgo.RESTError
	code := 0
	if errors.As(err, &re) && re.Message != nil {
		code = re.Message.Code
	}
	switch code {
	case discordgo.ErrCodeUnknownChannel:
		d.r.fail("house %q: channel %s does not exist (or was deleted)", h.Name, h.Channel)
		d.r.fix("copy the house channel's id again (Developer Mode, then right-click the channel: Copy Channel ID)")
	case discordgo.ErrCodeUnknownGuild, discordgo.ErrCodeUnknownMember:
		d.r.fail("house %q: the bot is not in the server of channel %s", h.Name, h.Channel)
		d.r.fix("invite it with the link from porchlight discord invite-url --config %s", d.cfgPath)
	case discordgo.ErrCodeMissingAccess:
		d.r.fail("house %q: the bot cannot see channel %s", h.Name, h.Channel)
		d.r.fix("add the bot (or its role) to the channel with View Channels, or invite it again with porchlight discord invite-url --config %s", d.cfgPath)
	default:
		d.r.fail("house %q: could not read channel %s: %v", h.Name, h.Channel, err)
	}
}

// discordStatus is the HTTP status of a discordgo REST error, or 0.
func discordStatus(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// scopeRecorder is the HTTP client doctor gives slack-go: it keeps the
// X-OAuth-Scopes header of the answers, where Slack names the token's
// scopes and which slack-go does not expose.
type scopeRecorder struct {
	client *http.Client
	mu     sync.Mutex
	scopes []string
	seen   bool
}

// Do implements slack-go's HTTP client.
func (r *scopeRecorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.client.Do(req)
	if err == nil {
		if v, ok := resp.Header[http.CanonicalHeaderKey("X-OAuth-Scopes")]; ok {
			r.mu.Lock()
			r.seen, r.scopes = true, nil
			for _, s := range strings.Split(strings.Join(v, ","), ",") {
				if s = strings.TrimSpace(s); s != "" {
					r.scopes = append(r.scopes, s)
				}
			}
			r.mu.Unlock()
		}
	}
	return resp, err
}

// granted returns the scopes the last answer named, and whether one did.
func (r *scopeRecorder) granted() ([]string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.scopes, r.seen
}

// checkSlack checks the bot token (auth.test) and its scopes, the app
// token (apps.connections.open) and, for each Slack house, that the bot is
// in the house channel (conversations.info), through slack-go.
func (d *doctor) checkSlack(ctx context.Context) {
	c := d.cfg.Slack
	api := orDefault(c.APIURL, slackgo.APIURL)
	d.r.section("Slack (asked online, " + api + ")")
	if c.BotToken == "" {
		d.r.fail("no bot token to check: set %s", config.EnvSlackBotToken)
		return
	}
	rec := &scopeRecorder{client: &http.Client{Timeout: onlineTimeout}}
	client := slackgo.New(string(c.BotToken), slackgo.OptionAPIURL(api), slackgo.OptionHTTPClient(rec))
	me, err := client.AuthTestContext(ctx)
	if err != nil {
		switch slackCode(err) {
		case "invalid_auth", "account_inactive", "token_revoked", "not_authed":
			d.r.fail("the bot token was refused (%s)", slackCode(err))
			d.r.fix("copy the Bot User OAuth Token (xoxb-) again from the app's OAuth & Permissions page into %s", config.EnvSlackBotToken)
		case "not_allowed_token_type":
			d.r.fail("the bot token is not a bot token (not_allowed_token_type): the two tokens may be swapped")
			d.r.fix("%s takes the xoxb- token, %s the xapp- one", config.EnvSlackBotToken, config.EnvSlackAppToken)
		default:
			d.r.fail("could not ask Slack: %v", err)
			d.r.fix("check the network, and [slack] api_url if it is set")
		}
		return
	}
	d.r.ok("bot token valid: the bot is @%s (%s) in workspace %s", me.User, me.UserID, me.Team)
	d.checkSlackScopes(rec)
	d.checkSlackAppToken(ctx, api)
	for _, h := range d.housesOn(config.PlatformSlack) {
		d.checkSlackChannel(ctx, client, me.User, h)
	}
}

// checkSlackScopes compares the scopes Slack named with the manifest's.
func (d *doctor) checkSlackScopes(rec *scopeRecorder) {
	granted, seen := rec.granted()
	if !seen {
		d.r.warn("Slack did not name the bot token's scopes, so they were not checked")
		return
	}
	needed := slack.BotScopes(slack.Features{ThreadReplies: d.cfg.Slack.ThreadReplies})
	var missing []slack.Scope
	for _, s := range needed {
		if !slices.Contains(granted, s.Name) {
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 {
		d.r.ok("the bot token has every scope the bot needs (%d)", len(needed))
		return
	}
	for _, s := range missing {
		d.r.fail("the bot token lacks the scope %s, to %s", s.Name, s.Why)
	}
	d.r.fix("add them on the app's OAuth & Permissions page (Bot Token Scopes), or update the app from porchlight slack manifest --config %s, then reinstall the app to the workspace", d.cfgPath)
}

// checkSlackAppToken asks for a Socket Mode connection with the app
// token, as the bot does when it starts, and does not open it.
func (d *doctor) checkSlackAppToken(ctx context.Context, api string) {
	if d.cfg.Slack.AppToken == "" {
		d.r.fail("no app token to check: set %s", config.EnvSlackAppToken)
		return
	}
	app := slackgo.New("", slackgo.OptionAPIURL(api), slackgo.OptionAppLevelToken(string(d.cfg.Slack.AppToken)),
		slackgo.OptionHTTPClient(&http.Client{Timeout: onlineTimeout}))
	if _, _, err := app.StartSocketModeContext(ctx); err != nil {
		d.r.fail("the app token was refused for Socket Mode (%s)", slackCode(err))
		d.r.fix("generate an app-level token with connections:write (Basic Information, App-Level Tokens) into %s, and check Socket Mode is on", config.EnvSlackAppToken)
		return
	}
	d.r.ok("app token valid: Socket Mode would connect")
}

// checkSlackChannel checks that the bot is a member of a house's channel.
func (d *doctor) checkSlackChannel(ctx context.Context, client *slackgo.Client, botName string, h *bot.House) {
	ch, err := client.GetConversationInfoContext(ctx, &slackgo.GetConversationInfoInput{ChannelID: h.Channel})
	invite := fmt.Sprintf("type /invite @%s in the house channel", botName)
	switch {
	case slackCode(err) == "channel_not_found":
		d.r.fail("house %q: channel %s not found: a wrong id, or a private channel the bot is not in", h.Name, h.Channel)
		d.r.fix("%s, and check the id (the channel's About tab, at the bottom)", invite)
	case slackCode(err) == "missing_scope":
		d.r.fail("house %q: could not read channel %s: the token lacks channels:read or groups:read (see above)", h.Name, h.Channel)
	case err != nil:
		d.r.fail("house %q: could not read channel %s: %v", h.Name, h.Channel, err)
	case !ch.IsMember:
		d.r.fail("house %q: the bot is not in #%s (%s), so it cannot post there", h.Name, ch.Name, h.Channel)
		d.r.fix("%s", invite)
	default:
		d.r.ok("house %q: the bot is in #%s (%s)", h.Name, ch.Name, h.Channel)
	}
}

// slackCode is the error code of a Slack Web API answer ("invalid_auth"),
// or the error's text.
func slackCode(err error) string {
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// orDefault returns v, or def when v is empty.
func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
