package discord

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/porchlight/porchlight/backoff"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
)

// bareSub is the subcommand Discord needs for a command that runs on its
// own and also has subcommands ("/checkin" and "/checkin pause"): Discord
// cannot invoke a command with subcommands bare, so "/checkin now" stands
// for "/checkin". The adapter maps it back to the bare command.
const bareSub = "now"

// Discord's limits on application commands.
const (
	maxDescription = 100 // characters in a command or option description
	maxChoices     = 25  // choices of one option
	maxChoiceName  = 100 // characters of a choice's name
	maxOptionLen   = 6000
)

// ApplicationCommands builds Discord application command definitions from
// the core's registry: typed options with their choices and length limits,
// one level of subcommands, and required options before optional ones as
// Discord demands. Names and descriptions are in English, Discord's
// default, with their translations for the Discord locales of each other
// language of the catalogue (name_localizations and
// description_localizations), which Discord shows people whose app is in
// that language. Whatever a person's app shows, an interaction carries
// the default names, which the core reads.
func ApplicationCommands(cmds []*bot.Command) []*discordgo.ApplicationCommand {
	out := make([]*discordgo.ApplicationCommand, 0, len(cmds))
	t := translator{naming: Naming(cmds), locales: DiscordLocales()}
	for _, c := range cmds {
		names, descs := t.command(c)
		ac := &discordgo.ApplicationCommand{
			Type:                     discordgo.ChatApplicationCommand,
			Name:                     c.Name,
			NameLocalizations:        &names,
			Description:              t.describe(bot.SourceLang(), c.Describe, c.Name),
			DescriptionLocalizations: &descs,
			DefaultMemberPermissions: memberPermissions(c),
		}
		if len(c.Subs) == 0 {
			ac.Options = t.options(c.Options)
		} else {
			if c.Run != nil && c.Sub(bareSub) == nil {
				// "now" is Discord's own word, with no translation; the
				// description is the bare command's.
				ac.Options = append(ac.Options, &discordgo.ApplicationCommandOption{
					Type: discordgo.ApplicationCommandOptionSubCommand, Name: bareSub,
					Description: ac.Description, DescriptionLocalizations: descs, Options: t.options(c.Options),
				})
			}
			for _, s := range c.Subs {
				names, descs := t.command(s)
				ac.Options = append(ac.Options, &discordgo.ApplicationCommandOption{
					Type: discordgo.ApplicationCommandOptionSubCommand, Name: s.Name, NameLocalizations: names,
					Description: t.describe(bot.SourceLang(), s.Describe, s.Name), DescriptionLocalizations: descs,
					Options: t.options(s.Options),
				})
			}
		}
		out = append(out, ac)
	}
	return out
}

// DiscordLocales maps each Discord locale to the catalogue's language for
// it, for every language but English, Discord's default: Spanish is es-ES
// and es-419. A language added to the catalogue gets its Discord locales
// here with no change.
func DiscordLocales() map[discordgo.Locale]bot.Lang {
	cat := i18n.Default()
	out := map[discordgo.Locale]bot.Lang{}
	for loc := range discordgo.Locales {
		if code := cat.Match(string(loc)); loc != discordgo.Unknown && code != i18n.Source {
			out[loc] = cat.Lang(code)
		}
	}
	return out
}

// translator writes command names and descriptions in each locale.
type translator struct {
	// naming renders command markers in descriptions as Discord names
	// them (by their default names, which Discord takes typed).
	naming  bot.Naming
	locales map[discordgo.Locale]bot.Lang
}

// describe is a valid description in l, from the catalogue's describe.
func (t translator) describe(l bot.Lang, describe func(bot.Lang) string, name string) string {
	return description(t.naming.Render(describe(l)), name)
}

// localized is the name and description of a command or option, given by
// its NameIn and Describe, in each locale. A name that is not a valid
// Discord name is left out (Discord then shows the default).
func (t translator) localized(nameIn, describe func(bot.Lang) string, name string) (names, descs map[discordgo.Locale]string) {
	names, descs = map[discordgo.Locale]string{}, map[discordgo.Locale]string{}
	for loc, l := range t.locales {
		if n := strings.ToLower(strings.TrimSpace(nameIn(l))); commandName.MatchString(n) {
			names[loc] = n
		}
		descs[loc] = t.describe(l, describe, name)
	}
	return names, descs
}

func (t translator) command(c *bot.Command) (names, descs map[discordgo.Locale]string) {
	return t.localized(c.NameIn, c.Describe, c.Name)
}

// commandName is a valid Discord command or option name in a locale.
var commandName = regexp.MustCompile(`^[-_\p{Ll}\p{Lo}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// Permissions Discord asks of a member before it shows them a command
// (default_member_permissions). Discord knows nothing of House Mentors,
// so a command only staff may run is shown to the members who hold a
// permission that fits: Manage Messages for House Mentors' commands, as
// mentors are the ones who look after the channel, and Manage Server for
// the operators' own. Server admins can change who sees each command in
// Server Settings → Integrations → Porchlight (allow a "House Mentor"
// role, say). It only hides: the core checks every caller's role anyway.
const (
	permManageServer   int64 = 1 << 5
	permManageMessages int64 = 1 << 13
)

// memberPermissions is a command's default_member_permissions: nil (every
// member) when a resident or guest may run it or any of its subcommands.
func memberPermissions(c *bot.Command) *int64 {
	var roles bot.Role
	if c.Run != nil {
		roles |= c.Roles
	}
	for _, s := range c.Subs {
		roles |= s.Roles
	}
	var p int64
	switch {
	case roles == 0 || roles.Has(bot.RoleGuest|bot.RoleResident):
		return nil
	case roles&^bot.OnlyOwners == 0:
		p = permManageServer
	default:
		p = permManageMessages
	}
	return &p
}

// options maps typed options; Discord wants required ones first.
func (t translator) options(opts []bot.Option) []*discordgo.ApplicationCommandOption {
	out := make([]*discordgo.ApplicationCommandOption, 0, len(opts))
	for _, o := range opts {
		names, descs := t.localized(o.NameIn, o.Describe, o.Name)
		d := &discordgo.ApplicationCommandOption{
			Name: strings.ToLower(o.Name), NameLocalizations: names,
			Description: t.describe(bot.SourceLang(), o.Describe, o.Name), DescriptionLocalizations: descs,
			Required: o.Required,
		}
		switch o.Type {
		case bot.OptInt:
			d.Type = discordgo.ApplicationCommandOptionInteger
		case bot.OptUser:
			d.Type = discordgo.ApplicationCommandOptionUser
		case bot.OptBool:
			d.Type = discordgo.ApplicationCommandOptionBoolean
		default:
			d.Type = discordgo.ApplicationCommandOptionString
			d.MaxLength = o.MaxLen
			if d.MaxLength == 0 {
				d.MaxLength = 200
			}
			d.MaxLength = min(d.MaxLength, maxOptionLen)
			for i, ch := range o.Choices {
				if i == maxChoices {
					break // CheckOptions still accepts them typed elsewhere
				}
				// Shown in each reader's language; the value is the code.
				c := &discordgo.ApplicationCommandOptionChoice{Name: clipRunes(o.ChoiceIn(bot.SourceLang(), i), maxChoiceName), Value: ch}
				for loc, l := range t.locales {
					if n := o.ChoiceIn(l, i); n != c.Name {
						if c.NameLocalizations == nil {
							c.NameLocalizations = map[discordgo.Locale]string{}
						}
						c.NameLocalizations[loc] = clipRunes(n, maxChoiceName)
					}
				}
				d.Choices = append(d.Choices, c)
			}
		}
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Required && !out[j].Required })
	return out
}

// description returns a valid description: 1–100 characters.
func description(d, name string) string {
	d = strings.TrimSpace(d)
	if d == "" {
		d = name
	}
	return clipRunes(d, maxDescription)
}

// register bulk-overwrites the commands: globally, or in each configured
// guild. A bulk overwrite replaces the whole set, so registering at every
// start is idempotent and removes commands that no longer exist.
func (a *Adapter) register(ctx context.Context, cmds []*bot.Command) error {
	app := a.applicationID()
	if app == "" {
		return errors.New("discord: no application id (set [discord] application_id)")
	}
	defs := ApplicationCommands(cmds)
	scopes := a.cfg.Guilds
	if a.cfg.GlobalCommands {
		scopes = []string{""}
	}
	var errs []error
	for _, g := range scopes {
		err := registerAttempts(ctx, func() error {
			_, err := a.session.ApplicationCommandBulkOverwrite(app, g, defs, discordgo.WithContext(ctx))
			return err
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("register commands in %s: %w", scopeName(g), err))
			continue
		}
		a.log.Info("commands registered", "scope", scopeName(g), "count", len(defs))
	}
	return errors.Join(errs...)
}

// registerTries is how often a registration is tried when Discord answers
// with a rate limit, server trouble or a network failure.
const registerTries = 5

// registerAttempts runs call until it succeeds, fails for good, or has
// been tried registerTries times: a restart that meets a rate limit (the
// session's REST retries are off, MaxRestRetries) waits Discord's
// Retry-After, or a jittered backoff, instead of leaving the commands as
// they were.
func registerAttempts(ctx context.Context, call func() error) error {
	for try := 1; ; try++ {
		err := call()
		var re *bot.RetryError
		if err == nil || try == registerTries || !errors.As(classify("register commands", err), &re) {
			return err
		}
		wait := re.After
		if wait <= 0 {
			wait = backoff.Delay(try, time.Second, 30*time.Second)
		}
		if !backoff.Sleep(ctx, wait) {
			return err
		}
	}
}

func scopeName(guild string) string {
	if guild == "" {
		return "global"
	}
	return "guild " + guild
}

// commandInput turns slash command data into the core's command input:
// the subcommand split out, options typed as text (users as ids).
func commandInput(d discordgo.ApplicationCommandInteractionData) *bot.CommandInput {
	in := &bot.CommandInput{Name: d.Name, Options: map[string]string{}}
	opts := d.Options
	if len(opts) == 1 && opts[0].Type == discordgo.ApplicationCommandOptionSubCommand {
		in.Sub = opts[0].Name
		opts = opts[0].Options
		if in.Sub == bareSub {
			in.Sub = ""
		}
	}
	var raw []string
	for _, o := range opts {
		v := optionValue(o)
		in.Options[o.Name] = v
		if o.Type == discordgo.ApplicationCommandOptionUser {
			raw = append(raw, "<@"+v+">")
			if name := resolvedName(d.Resolved, v); name != "" {
				if in.Names == nil {
					in.Names = map[string]string{}
				}
				in.Names[v] = name
			}
		} else {
			raw = append(raw, v)
		}
	}
	in.Raw = strings.Join(raw, " ")
	if len(d.Options) == 1 && d.Options[0].Name == bareSub && in.Sub == "" {
		// The core would read the first word of Raw as a subcommand name.
		in.Raw = ""
	}
	return in
}

// resolvedName is the name Discord shows for a user an option named: the
// server nickname, else the display name, else the username; "" when the
// interaction did not resolve them.
func resolvedName(r *discordgo.ApplicationCommandInteractionDataResolved, id string) string {
	if r == nil {
		return ""
	}
	if m := r.Members[id]; m != nil && m.Nick != "" {
		return m.Nick
	}
	if u := r.Users[id]; u != nil {
		if u.GlobalName != "" {
			return u.GlobalName
		}
		return u.Username
	}
	return ""
}

// optionValue renders an option's value as the core reads it.
func optionValue(o *discordgo.ApplicationCommandInteractionDataOption) string {
	switch v := o.Value.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return ""
	}
	return fmt.Sprint(o.Value)
}

// clipRunes shortens s to n characters, ending with "…" when cut.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
