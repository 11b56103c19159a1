package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/discord"
	"github.com/porchlight/porchlight/adapters/slack"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/bot/bottest"
	"github.com/porchlight/porchlight/outbox"
	"github.com/porchlight/porchlight/storage"

	slackgo "github.com/slack-go/slack"
)

// platformCommands is what a platform has registered: each command name,
// with the subcommands it must be invoked with (nil when it runs bare).
type platformCommands map[string][]string

// check reports every command text names that the platform does not have:
// an unknown name, or, where the platform needs a subcommand, a missing or
// unknown one.
func (pc platformCommands) check(text string) []string {
	var bad []string
	for _, m := range bot.TypedCommands(text) {
		subs, ok := pc[m[0]]
		switch {
		case !ok:
			bad = append(bad, "/"+m[0])
		case subs != nil && !slices.Contains(subs, m[1]):
			bad = append(bad, strings.TrimSpace("/"+m[0]+" "+m[1])+" (needs one of "+strings.Join(subs, ", ")+")")
		}
	}
	return bad
}

// discordCommands reads what the adapter registers with Discord: a command
// whose options are subcommands can only be invoked with one of them.
func discordCommands(cmds []*bot.Command) platformCommands {
	pc := platformCommands{}
	for _, ac := range discord.ApplicationCommands(cmds) {
		var subs []string
		for _, o := range ac.Options {
			if o.Type == 1 { // SUB_COMMAND
				subs = append(subs, o.Name)
			}
		}
		pc[ac.Name] = subs
	}
	return pc
}

// slackCommands reads the slash commands of the Slack manifest; Slack
// passes everything after the command as text, so none needs a subcommand.
func slackCommands(t *testing.T, cmds []*bot.Command, prefix string) platformCommands {
	t.Helper()
	y, err := slack.Manifest(cmds, slack.ManifestOptions{CommandPrefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	var m slackgo.Manifest
	if err := json.Unmarshal(y, &m); err != nil {
		t.Fatal(err)
	}
	pc := platformCommands{}
	for _, c := range m.Features.SlashCommands {
		pc[strings.TrimPrefix(c.Command, "/")] = nil
	}
	return pc
}

// consoleCommands is the registry as typed on the console.
func consoleCommands(cmds []*bot.Command) platformCommands {
	pc := platformCommands{}
	for _, c := range cmds {
		pc[c.Name] = nil
	}
	return pc
}

// TestCommandNamesOnEveryPlatform plays the texts that name commands (help
// for every role, consent, welcome, hints, refusals and errors, what the
// outbox sends) through a real core on Discord, Slack and the console,
// renders them as each adapter does, and checks that every command they
// name exists on that platform as it is registered there: Discord's
// application commands, the Slack manifest, the console's registry. It
// also renders every command of the registry, so a command added later is
// covered without touching this test.
func TestCommandNamesOnEveryPlatform(t *testing.T) {
	ctx := context.Background()
	cmds := bot.AllCommands()
	const prefix = "porch-"
	platforms := []struct {
		name    string
		naming  bot.Naming
		has     platformCommands
		channel string
	}{
		{"discord", discord.Naming(cmds), discordCommands(cmds), "C-discord"},
		{"slack", slack.Naming(prefix), slackCommands(t, cmds, prefix), "C-slack"},
		{"console", bot.Naming{}, consoleCommands(cmds), "C-console"},
	}
	loc, _ := time.LoadLocation("America/Chicago")
	var houses []*bot.House
	for _, p := range platforms {
		houses = append(houses, &bot.House{Name: p.name + " house", Platform: p.name, Channel: p.channel, Location: loc,
			Operators: []string{"op"}, Checkin: bot.CheckinConfig{Window: 4 * time.Hour, ReminderAfter: 2 * time.Hour}})
	}
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "names.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	clock := bottest.NewClock(time.Date(2026, 11, 16, 9, 0, 0, 0, loc))
	b, err := bot.New(bot.Config{Store: db, Clock: clock, Houses: houses, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}

	for _, p := range platforms {
		t.Run(p.name, func(t *testing.T) {
			var texts []string
			for _, c := range cmds {
				if c.Run != nil {
					texts = append(texts, c.Usage(""))
				}
				texts = append(texts, c.Description)
				for _, s := range c.Subs {
					texts = append(texts, s.Usage(c.Name), s.Description)
				}
			}
			ev := &bottest.Events{Platform: p.name, Channel: p.channel}
			op, guest, res := bot.User{ID: "op", Name: "Olive"}, bot.User{ID: "guest", Name: "Gus"}, bot.User{ID: "res", Name: "Rae"}
			play := func(e bot.Event) { texts = append(texts, bottest.Texts(b.Handle(ctx, e))...) }
			play(ev.Command(guest, "help", ""))
			play(ev.Command(guest, "checkin", ""))
			play(ev.Command(guest, "partner", "pair <@a> <@b>"))
			play(ev.Command(res, "join", ""))
			play(ev.Press(res, "join:decline", ""))
			play(ev.Command(res, "join", ""))
			play(ev.Press(res, "join:accept", ""))
			play(ev.Command(res, "join", ""))
			play(ev.Command(res, "help", ""))
			play(ev.Command(res, "checkin", "dance"))
			play(ev.Command(res, "checkin", "pause until 2020-01-01"))
			play(ev.Command(res, "activity", "list"))
			play(ev.Command(res, "sober-date", "show"))
			play(ev.Command(res, "sober-date", "share maybe"))
			play(ev.Command(res, "partner", "pings sometimes"))
			play(ev.Command(res, "nope", ""))
			play(ev.DM(res, "hello"))
			play(ev.Command(op, "help", ""))
			play(ev.Command(op, "activity", "add \"Movie night\""))
			play(ev.Command(op, "role", ""))
			play(ev.Command(res, "leave", ""))
			joined := bot.Event{ID: "member-" + p.name, Platform: p.name, Kind: bot.EventMemberJoined, User: guest, Channel: p.channel}
			play(joined)
			// What went through the outbox (the welcome DM, prompts).
			rec := bottest.NewAdapter(p.name)
			if _, err := outbox.NewSender(db, clock, nil, rec).Flush(ctx); err != nil {
				t.Fatal(err)
			}
			for _, m := range rec.Sent() {
				texts = append(texts, m.Text)
			}
			named := 0
			for _, text := range texts {
				rendered := p.naming.Render(text)
				if strings.Contains(rendered, "{{cmd:") {
					t.Errorf("a command marker was left in %q", rendered)
				}
				for _, bad := range p.has.check(rendered) {
					t.Errorf("%s has no command %s, named in %q", p.name, bad, clipText(rendered))
				}
				named += len(bot.TypedCommands(rendered))
			}
			if named < len(cmds) {
				t.Fatalf("only %d commands named in %d texts; the scenario did not run", named, len(texts))
			}
		})
	}
}

func clipText(s string) string {
	if r := []rune(s); len(r) > 120 {
		return string(r[:120]) + "…"
	}
	return s
}

// TestCommandCheckCatchesWrongNames proves the check above fails on the
// mistakes it exists for.
func TestCommandCheckCatchesWrongNames(t *testing.T) {
	cmds := bot.AllCommands()
	d, s := discordCommands(cmds), slackCommands(t, cmds, "porch-")
	for _, tc := range []struct {
		pc   platformCommands
		text string
		ok   bool
	}{
		{d, "Use /checkin now.", true},
		{d, "Use /checkin to answer.", false},
		{d, "Use /activity add.", true},
		{d, "Use /porch-help.", false},
		{s, "Use /porch-checkin.", true},
		{s, "Use /checkin.", false},
		{s, "See https://example.org/help and a/b.", true},
	} {
		if got := len(tc.pc.check(tc.text)) == 0; got != tc.ok {
			t.Errorf("check(%q) ok = %v, want %v", tc.text, got, tc.ok)
		}
	}
}
