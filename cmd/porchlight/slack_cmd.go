package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/porchlight/porchlight/adapters/slack"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/config"
)

// cmdSlack runs "porchlight slack SUBCOMMAND". Its one subcommand,
// manifest, prints the Slack app manifest.
func cmdSlack(ctx context.Context, e env) int {
	return runSubcommands(ctx, e, "manifest [--config FILE] [--name NAME]", "Slack tools.",
		subcommand{"manifest", "print the Slack app manifest (JSON, which Slack also reads as YAML) to create the app from", cmdSlackManifest})
}

func cmdSlackManifest(_ context.Context, e env) int {
	fs := flags(e, "slack manifest", "[--config FILE] [--name NAME]",
		"Print a Slack app manifest (JSON, also valid YAML) generated from Porchlight's commands:\n"+
			"Socket Mode on, the slash commands with the config's [slack] command_prefix (default\n"+
			"\"porch-\"), interactivity, the Home tab, the bot events and the minimum bot scopes for\n"+
			"the features the config turns on ([slack] thread_replies). Create the app from it at\n"+
			"https://api.slack.com/apps (Create New App → From a manifest).")
	path := fs.String("config", "", "the TOML config `FILE`, for [slack] command_prefix and thread_replies")
	name := fs.String("name", "Porchlight", "the app and bot `NAME`")
	if code, ok := parse(fs, e); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return e.unexpected(fs)
	}
	prefix := config.Default().Slack.CommandPrefix
	var features slack.Features
	if *path != "" {
		// Only [slack] command_prefix matters: the manifest comes before the
		// tokens exist, so other problems (missing tokens) are let pass.
		cfg, err := config.Load(*path, configOptions(e.getenv))
		var ce *config.Error
		if err != nil && (cfg == nil || !errors.As(err, &ce) || hasProblem(ce, "slack.command_prefix")) {
			return e.usageError("%v", err)
		}
		prefix = cfg.Slack.CommandPrefix
		features.ThreadReplies = cfg.Slack.ThreadReplies
	}
	out, err := slack.Manifest(bot.AllCommands(), slack.ManifestOptions{Name: *name, CommandPrefix: prefix, Features: features})
	if err != nil {
		return e.usageError("%v", err)
	}
	if _, err := e.stdout.Write(out); err != nil {
		return e.fail(err)
	}
	return exitOK
}

// hasProblem reports whether a config error names key.
func hasProblem(ce *config.Error, key string) bool {
	for _, p := range ce.Problems {
		if p.Key == key {
			return true
		}
	}
	return false
}

// newSlackAdapter builds the Slack adapter from the [slack] table, whose
// tokens the environment may override (PORCHLIGHT_SLACK_BOT_TOKEN,
// PORCHLIGHT_SLACK_APP_TOKEN); Validate has checked them.
func newSlackAdapter(cfg *config.Config, log *slog.Logger) (bot.Adapter, error) {
	s := cfg.Slack
	if s.BotToken == "" || s.AppToken == "" {
		return nil, fmt.Errorf("slack: slack.bot_token and slack.app_token (or %s and %s) are required", config.EnvSlackBotToken, config.EnvSlackAppToken)
	}
	return slack.New(slack.Config{
		BotToken: string(s.BotToken), AppToken: string(s.AppToken), APIURL: s.APIURL, CommandPrefix: s.CommandPrefix,
		ThreadReplies: s.ThreadReplies,
	}, log), nil
}
