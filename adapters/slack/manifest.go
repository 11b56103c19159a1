package slack

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	slackgo "github.com/slack-go/slack"

	"github.com/porchlight/porchlight/bot"
)

// Scope is a bot token scope the app asks for, with why it is needed.
type Scope struct {
	Name string
	Why  string
}

// Features are the optional features that need scopes or events of their
// own; the manifest asks for those only when they are on.
type Features struct {
	// ThreadReplies reads replies in the threads of check-in prompts in
	// the house channel ([slack] thread_replies): channels:history and
	// groups:history, message.channels and message.groups.
	ThreadReplies bool
}

// BotScopes are the bot scopes Porchlight needs with features f: the
// minimum, plus what f turns on. The manifest and the setup guide list
// them from here.
func BotScopes(f Features) []Scope {
	scopes := []Scope{
		{"commands", "receive the slash commands"},
		{"chat:write", "post check-in prompts, thread replies, ephemeral replies and edits (chat.postMessage, chat.postEphemeral, chat.update)"},
		{"im:write", "open a direct message with a resident (conversations.open)"},
		{"im:history", "read direct messages sent to the bot (message.im), for answers by DM; and, after a crash mid-send, look in the DM for the bot's own message before sending it again (conversations.history)"},
	}
	// The house channel's history is read only to look for the bot's own
	// message after a crash mid-send, so that nothing is posted twice
	// (conversations.history, conversations.replies). The app subscribes
	// to the channel's messages (message.channels, message.groups) only
	// with thread replies on: without it, the house's conversation never
	// reaches the bot.
	channel, private := "after a crash mid-send, look in a public house channel for the bot's own message before posting it again (conversations.history, conversations.replies)", "the same for a private house channel"
	if f.ThreadReplies {
		channel = "read thread replies to the bot's prompts in a public house channel (message.channels; the group chat itself is ignored), and " + channel
		private += " (message.groups)"
	}
	scopes = append(scopes, Scope{"channels:history", channel}, Scope{"groups:history", private})
	return append(scopes,
		Scope{"channels:read", "learn when members join or leave a public house channel (member_joined_channel, member_left_channel)"},
		Scope{"groups:read", "the same for a private house channel"},
		Scope{"users:read", "show people by their display name (users.info)"},
		Scope{"files:write", "upload digest charts (files.getUploadURLExternal, files.completeUploadExternal)"},
	)
}

// BotEvents are the events the app subscribes to with features f.
// app_home_opened needs no scope.
func BotEvents(f Features) []string {
	events := []string{"app_home_opened", "member_joined_channel", "member_left_channel", "message.im"}
	if f.ThreadReplies {
		events = append(events, "message.channels", "message.groups")
	}
	return events
}

// ManifestOptions names the app in its manifest and says which optional
// features it needs.
type ManifestOptions struct {
	// Name is the app and bot name; empty means "Porchlight".
	Name string
	// CommandPrefix is put before every command; empty means bare names.
	CommandPrefix string
	// Features are the optional features turned on.
	Features Features
}

// slashName is what Slack accepts as a command name.
var slashName = regexp.MustCompile(`^/[a-z0-9][-a-z0-9_]{0,30}$`)

// Manifest returns a Slack app manifest for the commands, as indented
// JSON (which is also valid YAML: Slack's "From a manifest" dialog takes
// either): Socket Mode on, the slash commands with the prefix,
// interactivity, the Home tab, the bot events and the minimum bot scopes
// for the features. Create the app from it at api.slack.com/apps.
//
// The manifest is in English, the catalogue's source language: Slack has
// no way to translate an app's name, description or slash commands, so
// every workspace member sees them as written here. What the bot says
// follows each resident's language instead (Message.Lang).
func Manifest(cmds []*bot.Command, o ManifestOptions) ([]byte, error) {
	if o.Name == "" {
		o.Name = "Porchlight"
	}
	m := slackgo.Manifest{
		// Version 1 is the manifest of a Socket Mode app (version 2 is
		// for workflow apps). encoding/json writes the struct even when
		// empty, so it is said.
		Metadata: slackgo.ManifestMetadata{MajorVersion: 1, MinorVersion: 1},
		Display: slackgo.Display{
			Name:            clipRunes(o.Name, 35),
			Description:     "Peer-support check-ins for recovery homes",
			BackgroundColor: "#2f4f4f",
		},
		Features: slackgo.Features{
			// The Home tab shows each member their page; the Messages tab
			// is where DMs with the bot happen.
			AppHome: slackgo.AppHome{HomeTabEnabled: true, MessagesTabEnabled: true},
			BotUser: slackgo.BotUser{DisplayName: clipRunes(o.Name, 80), AlwaysOnline: true},
		},
		Settings: slackgo.Settings{
			EventSubscriptions: &slackgo.EventSubscriptions{BotEvents: BotEvents(o.Features)},
			Interactivity:      &slackgo.Interactivity{IsEnabled: true},
			SocketModeEnabled:  true,
		},
	}
	naming := Naming(o.CommandPrefix)
	for _, c := range cmds {
		name := "/" + o.CommandPrefix + c.Name
		if !slashName.MatchString(name) {
			return nil, fmt.Errorf("slack manifest: %q is not a valid Slack command name (at most 32 characters, lowercase); use a shorter command_prefix", name)
		}
		m.Features.SlashCommands = append(m.Features.SlashCommands, slackgo.ManifestSlashCommand{
			Command:     name,
			Description: clipRunes(naming.Render(c.Describe(bot.SourceLang())), 100),
			UsageHint:   clipRunes(usageHint(c), 100),
			// Escaped, user mentions arrive as <@U123|name>, so user
			// options get ids rather than display names.
			ShouldEscape: true,
		})
	}
	for _, s := range BotScopes(o.Features) {
		m.OAuthConfig.Scopes.Bot = append(m.OAuthConfig.Scopes.Bot, s.Name)
	}
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("slack manifest: %w", err)
	}
	return append(out, '\n'), nil
}

// usageHint shows a command's arguments: its subcommands or its options.
func usageHint(c *bot.Command) string {
	if len(c.Subs) > 0 {
		names := make([]string, len(c.Subs))
		for i, s := range c.Subs {
			names[i] = s.Name
		}
		return strings.Join(names, " | ")
	}
	var parts []string
	for _, o := range c.Options {
		if o.Required {
			parts = append(parts, "<"+o.Name+">")
		} else {
			parts = append(parts, "["+o.Name+"]")
		}
	}
	return strings.Join(parts, " ")
}
