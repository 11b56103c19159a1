package discord

import (
	"context"
	"log/slog"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/porchlight/porchlight/adapters/discord/discordtest"
	"github.com/porchlight/porchlight/bot"
)

// TestDiscordLocales: Spanish is shown to Discord apps in Spain's and
// Latin America's Spanish, and English, Discord's default, is never a
// localisation.
func TestDiscordLocales(t *testing.T) {
	locs := DiscordLocales()
	for _, loc := range []discordgo.Locale{discordgo.SpanishES, discordgo.SpanishLATAM} {
		if l, ok := locs[loc]; !ok || l.Code() != "es" {
			t.Errorf("%s reads %q (present %v), want es", loc, l.Code(), ok)
		}
	}
	for _, loc := range []discordgo.Locale{discordgo.EnglishUS, discordgo.EnglishGB, discordgo.French} {
		if _, ok := locs[loc]; ok {
			t.Errorf("%s has a localisation; the catalogue has no such language but English", loc)
		}
	}
}

// TestRegisteredCommandsAreLocalised registers the real registry with the
// fake, which refuses what Discord refuses in a localisation (a locale
// Discord lacks, a name that is not lower case or longer than 32, a
// description outside 1-100), and checks that every command, subcommand
// and option carries its name and description in both Spanish locales.
func TestRegisteredCommandsAreLocalised(t *testing.T) {
	t.Parallel()
	f := discordtest.NewServer(t, discordtest.Config{})
	ad, err := New(Config{Token: f.Token(), ApplicationID: discordtest.AppID, APIBase: f.URL(), Guilds: []string{guild}}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := ad.register(context.Background(), bot.AllCommands()); err != nil {
		t.Fatalf("register: %v", err)
	}
	defs := f.Commands(guild)
	if len(defs) != len(bot.AllCommands()) {
		t.Fatalf("registered %d commands, want %d", len(defs), len(bot.AllCommands()))
	}
	locales := []string{string(discordgo.SpanishES), string(discordgo.SpanishLATAM)}
	// check checks one command or option and its options, recursively;
	// "now" (a bare command's stand-in) has no name of its own to show.
	var check func(at string, d map[string]any)
	check = func(at string, d map[string]any) {
		at += "/" + d["name"].(string)
		names, _ := d["name_localizations"].(map[string]any)
		descs, _ := d["description_localizations"].(map[string]any)
		for _, loc := range locales {
			if _, ok := names[loc]; !ok && d["name"] != bareSub {
				t.Errorf("%s: no name in %s", at, loc)
			}
			if s, _ := descs[loc].(string); s == "" {
				t.Errorf("%s: no description in %s", at, loc)
			}
		}
		opts, _ := d["options"].([]any)
		for _, o := range opts {
			check(at, o.(map[string]any))
		}
	}
	for _, d := range defs {
		check("", d)
	}
	// /language is translated already: Spanish clients find it as /idioma.
	for _, d := range defs {
		if d["name"] == "language" {
			names := d["name_localizations"].(map[string]any)
			for _, loc := range locales {
				if names[loc] != "idioma" {
					t.Errorf("/language in %s = %v, want idioma", loc, names[loc])
				}
			}
		}
	}
}
