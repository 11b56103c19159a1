package bot

import (
	"regexp"
	"strings"

	"github.com/porchlight/porchlight/i18n"
)

// Command names differ by platform: Slack's carry a prefix (/porch-checkin),
// because a workspace shares one set of slash commands; Discord's are bare,
// but a command that runs bare and also has subcommands is invoked with a
// stand-in subcommand (/checkin now). So the core never writes a command
// name into text: it writes Cmd("checkin pause"), a neutral marker, and
// each adapter renders markers with its platform's Naming, as it renders
// FormatTime markers. A text stored in the outbox stays neutral, so it is
// right on whichever platform, and with whichever prefix, it goes out.

// cmdMarker matches the markers Cmd writes: a command name and an optional
// subcommand name.
var cmdMarker = regexp.MustCompile(`\{\{cmd:([a-z0-9][-a-z0-9_]*)(?: ([a-z0-9][-a-z0-9_]*))?\}\}`)

// Cmd embeds a command in message text as a neutral marker: path is the
// registry name, with a subcommand after a space ("checkin", "checkin
// pause"). Adapters render it with their Naming. A test checks that every
// Cmd in the core names a registered command.
func Cmd(path string) string { return cmdMarkerOf(path) }

// cmdMarkerOf is Cmd for a path taken from the registry itself (usages,
// refusals), which is registered by construction.
func cmdMarkerOf(path string) string { return i18n.CmdMarker(path) }

// Naming is how a platform spells the registry's commands.
type Naming struct {
	// Prefix goes before every command name (Slack's command_prefix).
	Prefix string
	// BareSub is the subcommand that stands for running a command bare
	// when it also has subcommands (Discord's "now"); empty where a
	// command with subcommands runs bare as typed (Slack, the console).
	BareSub string
	// Commands is the registry, which says which commands have
	// subcommands; only needed with BareSub.
	Commands []*Command
}

// Name is the invocation of a command path on the platform, such as
// "/porch-checkin pause" or "/checkin now".
func (n Naming) Name(path string) string {
	name, sub, _ := strings.Cut(path, " ")
	s := "/" + n.Prefix + name
	if sub != "" {
		return s + " " + sub
	}
	if n.BareSub != "" {
		for _, c := range n.Commands {
			if c.Name == name && c.Run != nil && len(c.Subs) > 0 && c.Sub(n.BareSub) == nil {
				return s + " " + n.BareSub
			}
		}
	}
	return s
}

// Render replaces every Cmd marker in text by the platform's name for it.
func (n Naming) Render(text string) string {
	if !strings.Contains(text, "{{cmd:") {
		return text
	}
	return cmdMarker.ReplaceAllStringFunc(text, func(m string) string {
		sub := cmdMarker.FindStringSubmatch(m)
		path := sub[1]
		if sub[2] != "" {
			path += " " + sub[2]
		}
		return n.Name(path)
	})
}

// CommandPaths lists the command paths text holds markers for, in order.
func CommandPaths(text string) []string {
	var out []string
	for _, sub := range cmdMarker.FindAllStringSubmatch(text, -1) {
		path := sub[1]
		if sub[2] != "" {
			path += " " + sub[2]
		}
		out = append(out, path)
	}
	return out
}

// typedCommand finds a command as a reader sees it in rendered text: a
// slash at the start or after a space, quote, bracket or emphasis mark, a
// name, and the word after it. URLs and paths ("a/b") have no such slash.
var typedCommand = regexp.MustCompile(`(?:^|[\s("“'‘*_])/([a-z][-a-z0-9_]*)(?: ([a-z][-a-z0-9_]*))?`)

// TypedCommands lists the commands rendered text names, each as its name
// and the word after it (a subcommand, or not), for the checks that every
// command a text names exists on the platform it is read on.
func TypedCommands(text string) [][2]string {
	var out [][2]string
	for _, m := range typedCommand.FindAllStringSubmatch(text, -1) {
		out = append(out, [2]string{m[1], m[2]})
	}
	return out
}

// PlainText renders text for a reader with no platform: times as their
// fallback, commands by their bare names (the console's spelling).
func PlainText(text string) string { return Naming{}.Render(PlainTimes(text)) }
