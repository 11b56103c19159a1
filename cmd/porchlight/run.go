package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"github.com/porchlight/porchlight/adapters/console"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/config"
	"github.com/porchlight/porchlight/storage"
)

// envConfig names the config file when --config is not given.
const envConfig = "PORCHLIGHT_CONFIG"

// loadConfig loads and validates the config named by --config, printing
// every problem. ok is false when the command must stop with exitUsage.
func loadConfig(e env, path string) (*config.Config, bool) {
	path = orEnvConfig(e, path)
	if path == "" {
		e.usageError("--config FILE (or " + envConfig + ") is required")
		return nil, false
	}
	cfg, err := config.Load(path, configOptions(e.getenv))
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		e.usageError("%v", err) // the error names the file
		return nil, false
	}
	if w := cfg.PermWarning(path); w != "" {
		fmt.Fprintf(e.stderr, "porchlight %s: warning: %s\n", e.name, w)
	}
	return cfg, true
}

// configCmd parses the flags of a command that takes --config FILE, besides
// whatever else fs defines, and no other arguments, then loads and
// validates the config and its houses. When ok is false the command stops
// with code.
// orEnvConfig is the config file a command was given: path, from its
// --config flag, or else $PORCHLIGHT_CONFIG.
func orEnvConfig(e env, path string) string {
	if path == "" {
		return e.getenv(envConfig)
	}
	return path
}

// configFile is the config file of a command whose flags configCmd parsed.
func configFile(e env, fs *flag.FlagSet) string {
	return orEnvConfig(e, fs.Lookup("config").Value.String())
}

func configCmd(e env, fs *flag.FlagSet) (cfg *config.Config, houses []*bot.House, code int, ok bool) {
	return configCmdArgs(e, fs, false)
}

// configCmdArgs is configCmd for a command that may take arguments besides
// its flags (args true), which it checks itself.
func configCmdArgs(e env, fs *flag.FlagSet, args bool) (cfg *config.Config, houses []*bot.House, code int, ok bool) {
	path := fs.String("config", "", "the TOML config `FILE`")
	if code, ok := parse(fs, e); !ok {
		return nil, nil, code, false
	}
	if !args && fs.NArg() > 0 {
		return nil, nil, e.unexpected(fs), false
	}
	cfg, ok = loadConfig(e, *path)
	if !ok {
		return nil, nil, exitUsage, false
	}
	houses, err := cfg.Houses()
	if err != nil {
		return nil, nil, e.usageError("%v", err), false
	}
	return cfg, houses, exitOK, true
}

func cmdRun(ctx context.Context, e env) int {
	fs := flags(e, "run", "--config FILE", "Run the bot: connect to the platforms the houses use, post scheduled\ncheck-ins and deliver the outbox. Stops cleanly on SIGINT or SIGTERM.")
	cfg, houses, code, ok := configCmd(e, fs)
	if !ok {
		return code
	}
	log, err := newLogger(e.stderr, string(cfg.Log.Level), string(cfg.Log.Format))
	if err != nil {
		return e.usageError("%v", err)
	}
	clock, err := testClock(e.getenv, houses)
	if err != nil {
		return e.usageError("%v", err)
	}
	adapters, err := buildAdapters(cfg, houses, e, log)
	if err != nil {
		return e.usageError("%v", err)
	}
	opts := appOptions{dbPath: cfg.Storage.Path, houses: houses, log: log, adapters: adapters, httpListen: cfg.HTTP.Listen,
		backups: backups{dir: cfg.Storage.BackupDir, keep: cfg.Storage.BackupKeep, spec: cfg.Storage.BackupSchedule}}
	if clock != nil {
		// Only the end-to-end tests set it: see EnvTestClock.
		opts.clock, opts.manualJobs = clock, true
	}
	a, err := newApp(ctx, opts)
	if err != nil {
		log.Error("start failed", "err", err)
		return exitRuntime
	}
	for _, w := range cfg.Warnings() {
		log.Warn("config", "warning", w)
	}
	if clock != nil {
		log.Warn("test clock in use: jobs run only when stdin says \":advance\"", "env", EnvTestClock)
		go driveTestClock(ctx, e.stdin, clock, a.bot, log)
	}
	log.Info("porchlight running", "version", version(), "houses", len(houses), "adapters", len(adapters))
	if err := a.serve(ctx); err != nil {
		log.Error("stopped with error", "err", err)
		return exitRuntime
	}
	return exitOK
}

// platformsOf lists the platforms the houses use, once each.
func platformsOf(houses []*bot.House) []string {
	seen := map[string]bool{}
	var out []string
	for _, h := range houses {
		if !seen[h.Platform] {
			seen[h.Platform] = true
			out = append(out, h.Platform)
		}
	}
	return out
}

// buildAdapters makes one adapter per platform the houses use.
func buildAdapters(cfg *config.Config, houses []*bot.House, e env, log *slog.Logger) ([]bot.Adapter, error) {
	var out []bot.Adapter
	for _, p := range platformsOf(houses) {
		switch p {
		case "console":
			ch := ""
			for _, h := range houses {
				if h.Platform == "console" {
					ch = h.Channel
					break
				}
			}
			out = append(out, console.New(e.stdin, e.stdout, console.Options{Channel: ch, Users: []bot.User{{ID: "you", Name: "You"}}}))
		case "discord":
			ad, err := newDiscordAdapter(cfg, log)
			if err != nil {
				return nil, err
			}
			out = append(out, ad)
		case "slack":
			ad, err := newSlackAdapter(cfg, log)
			if err != nil {
				return nil, err
			}
			out = append(out, ad)
		default:
			return nil, fmt.Errorf("platform %q is not available in this build", p)
		}
	}
	return out, nil
}

func cmdCheckConfig(_ context.Context, e env) int {
	fs := flags(e, "check-config", "--config FILE", "Validate a config file and print every problem, each naming its key.")
	cfg, houses, code, ok := configCmd(e, fs)
	if !ok {
		return code
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintf(e.stdout, "warning: %s\n", w)
	}
	fmt.Fprintf(e.stdout, "%s is valid: %d house(s) on %v.\n", fs.Lookup("config").Value, len(houses), platformsOf(houses))
	return exitOK
}

func cmdMigrate(ctx context.Context, e env) int {
	fs := flags(e, "migrate", "--config FILE", "Create the database, or apply pending migrations to it, and exit. Like run, it\nrefuses a database another porchlight is using, and a damaged one.")
	cfg, _, code, ok := configCmd(e, fs)
	if !ok {
		return code
	}
	db, err := storage.Open(ctx, cfg.Storage.Path, storage.Exclusive(), storage.CheckIntegrity())
	if err != nil {
		return e.fail(err)
	}
	defer db.Close()
	v, err := db.Version(ctx)
	if err != nil {
		return e.fail(err)
	}
	fmt.Fprintf(e.stdout, "%s is at schema version %d.\n", cfg.Storage.Path, v)
	return exitOK
}

func cmdBackup(ctx context.Context, e env) int {
	fs := flags(e, "backup", "--config FILE OUT", "Copy the live database to OUT (VACUUM INTO), readable only by you (mode 0600).\nThe copy is the database as it is: backup never migrates it, so a backup\ntaken before an upgrade keeps the old schema. OUT must not exist yet.")
	cfg, _, code, ok := configCmdArgs(e, fs, true)
	if !ok {
		return code
	}
	if fs.NArg() != 1 {
		return e.usageError("give exactly one OUT file")
	}
	out := fs.Arg(0)
	if err := checkNew(out); err != nil {
		return e.usageError("%v", err)
	}
	// The file as it is: the bot beside it may be an older Porchlight,
	// whose schema this backup must neither change nor refuse.
	if err := storage.BackupOf(ctx, cfg.Storage.Path, out); err != nil {
		return e.fail(err)
	}
	fmt.Fprintf(e.stdout, "Backed up to %s.\n", out)
	return exitOK
}
