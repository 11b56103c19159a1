package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/discord/discordtest"
	slackadapter "github.com/porchlight/porchlight/adapters/slack"
	"github.com/porchlight/porchlight/adapters/slack/slacktest"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/scheduler"
	"github.com/porchlight/porchlight/storage"
)

// doctorRun runs porchlight doctor in process with the environment env.
func doctorRun(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), append([]string{"doctor"}, args...), strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

// wantLines checks that the report has each of want, and none of never.
func wantLines(t *testing.T, report string, want, never []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(report, w) {
			t.Errorf("the report does not say %q:\n%s", w, report)
		}
	}
	for _, n := range never {
		if strings.Contains(report, n) {
			t.Errorf("the report says %q:\n%s", n, report)
		}
	}
}

// migrated creates the config's database.
func migrated(t *testing.T, cfg string) {
	t.Helper()
	if code, _, stderr := porchlight(t, "", "migrate", "--config", cfg); code != exitOK {
		t.Fatalf("migrate: exit %d: %s", code, stderr)
	}
}

func TestDoctorHealthy(t *testing.T) {
	backups := filepath.Join(t.TempDir(), "backups")
	cfg, dbPath := writeConfig(t, "\n[house.checkin]\nschedule = [\"0 9 * * *\"]\n")
	// writeConfig's [storage] table gets the backup directory.
	doc, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	doc = bytes.Replace(doc, []byte("[storage]\n"), []byte(fmt.Sprintf("[storage]\nbackup_dir = %q\n", backups)), 1)
	if err := os.WriteFile(cfg, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	migrated(t, cfg)
	// The night's backup, as the bot would have made it.
	sched, err := scheduler.Parse("0 3 * * *", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	last, _ := scheduler.Prev(sched, time.Now())
	db, err := storage.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.BackupRotate(context.Background(), backups, 7, last); err != nil {
		t.Fatal(err)
	}
	db.Close()

	code, out, stderr := doctorRun(t, nil, "--config", cfg)
	if code != exitOK {
		t.Fatalf("exit %d, want 0; stderr %q; report:\n%s", code, stderr, out)
	}
	chicago, _ := time.LoadLocation("America/Chicago")
	next, err := scheduler.Specs{}.Next("0 9 * * *", chicago, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out, []string{
		"porchlight " + version(),
		"valid: 1 house on console",
		"file mode 0600",
		"Database " + dbPath,
		"quick_check: ok",
		"schema version",
		"no porchlight runs on it",
		"outbox: nothing waiting to be sent",
		"outbox: no failed messages",
		"crisis: no unacknowledged alerts",
		"1 backup, the newest porchlight-" + last.Format("20060102T150405Z") + ".db",
		"the newest backup is the last one due",
		`House "Cedar House" (console, channel house, time zone America/Chicago)`,
		"checkin.open/0",
		"next " + next.In(chicago).Format("Mon 2006-01-02 15:04 MST"),
		"every check passed",
	}, []string{markFail})
}

func TestDoctorDamagedDatabase(t *testing.T) {
	cfg, dbPath := writeConfig(t, "")
	damagedOutbox(t, dbPath)
	code, out, _ := doctorRun(t, nil, "--config", cfg)
	if code != exitRuntime {
		t.Fatalf("exit %d, want 1; report:\n%s", code, out)
	}
	wantLines(t, out, []string{markFail + " quick_check:", "porchlight restore --config " + cfg + " BACKUP", "Restoring a backup", "outbox and crisis alerts not read", "1 check failed"}, nil)
}

// TestDoctorBacklog: failed messages and an unacknowledged crisis alert
// fail the report, each with what to do.
func TestDoctorBacklog(t *testing.T) {
	cfg, dbPath := writeConfig(t, "")
	ctx := context.Background()
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	created := time.Now().Add(-3 * time.Hour)
	var ids []int64
	err = db.Update(ctx, func(tx bot.Tx) error {
		h := &bot.House{Name: "Cedar House", Platform: "console", Channel: "house", Location: time.UTC}
		house, err := tx.SyncHouse(ctx, h, created)
		if err != nil {
			return err
		}
		for range 3 {
			id, err := tx.Enqueue(ctx, &bot.OutboxMessage{HouseID: house, Platform: "console", NextAt: created, CreatedAt: created,
				Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: "house"}, Message: bot.Message{Text: "hello"}}})
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return tx.CreateCrisisAlert(ctx, &bot.CrisisAlert{HouseID: house, UserID: "u1", Name: "Robin", CreatedAt: created})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[:2] {
		if err := db.Outbox().MarkFailed(ctx, id, "refused"); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	code, out, _ := doctorRun(t, nil, "--config", cfg)
	if code != exitRuntime {
		t.Fatalf("exit %d, want 1; report:\n%s", code, out)
	}
	wantLines(t, out, []string{
		markWarn + " outbox: 1 waiting to be sent, the oldest for 3h0m0s; they go when the bot runs",
		markFail + " outbox: 2 messages failed",
		"porchlight outbox list --config " + cfg,
		markFail + " crisis: 1 alert(s)",
		"I'm on it",
		"2 checks failed",
	}, []string{"Robin", "hello"})
}

// TestDoctorBesideAHolder: a porchlight holding the database is named; the
// report works beside it without taking the lock.
func TestDoctorBesideAHolder(t *testing.T) {
	cfg, dbPath := writeConfig(t, "")
	held, err := storage.Open(context.Background(), dbPath, storage.Exclusive())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	host, _ := os.Hostname()
	code, out, _ := doctorRun(t, nil, "--config", cfg)
	if code != exitOK {
		t.Fatalf("exit %d, want 0; report:\n%s", code, out)
	}
	wantLines(t, out, []string{fmt.Sprintf("in use by a running porchlight: pid %d on host %s", os.Getpid(), host)}, nil)
}

// TestDoctorAfterACleanStop: the lock file of a porchlight that stopped
// cleanly names no holder but records the stop, and whether the next start
// checks the database first; doctor reports that, not a holder.
func TestDoctorAfterACleanStop(t *testing.T) {
	cfg, dbPath := writeConfig(t, "")
	migrated(t, cfg)
	rec := `{"stopped":"2026-12-01T10:00:00Z","check":true}` + "\n"
	if err := os.WriteFile(storage.LockPath(dbPath), []byte(rec), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ := doctorRun(t, nil, "--config", cfg)
	if code != exitOK {
		t.Fatalf("exit %d, want 0; report:\n%s", code, out)
	}
	wantLines(t, out, []string{
		"no porchlight runs on it: the last one stopped cleanly, at 2026-12-01 10:00:00 UTC",
		"the next start checks the whole database before it runs",
	}, []string{"lock file names", "in use by", "empty or absent"})
}

func TestDoctorUsage(t *testing.T) {
	cfg, _ := writeConfig(t, "")
	for _, args := range [][]string{
		nil,
		{"--config", filepath.Join(t.TempDir(), "nope.toml")},
		{"--config", cfg, "extra"},
		{"--config", cfg, "--bogus"},
	} {
		if code, _, stderr := doctorRun(t, nil, args...); code != exitUsage || !strings.HasPrefix(stderr, "porchlight doctor: ") {
			t.Errorf("%q: exit %d, stderr %q; want 2", args, code, stderr)
		}
	}
	// PORCHLIGHT_CONFIG names the file too.
	if code, out, _ := doctorRun(t, map[string]string{envConfig: cfg}); code != exitOK || !strings.Contains(out, "Config ") {
		t.Errorf("with %s: exit %d:\n%s", envConfig, code, out)
	}
}

// TestDoctorInvalidConfig: problems in the config are failed checks, each
// with its key, and the rest of the report still comes.
func TestDoctorInvalidConfig(t *testing.T) {
	cfg, dbPath := writeConfig(t, "quiet_hours = \"late\"\n")
	code, out, _ := doctorRun(t, nil, "--config", cfg)
	if code != exitRuntime {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	wantLines(t, out, []string{markFail + " house[0].quiet_hours:", "check-config", "Database " + dbPath}, nil)
}

// discordDoctorConfig writes a config with one Discord house on the fake,
// its token in the file too (the environment wins).
func discordDoctorConfig(t *testing.T, f *discordtest.Server) string {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "porchlight.toml")
	doc := fmt.Sprintf(`[storage]
path = %q

[discord]
token = %q
application_id = %q
api_base = %q

[[house]]
name = "Maple House"
timezone = "America/Chicago"
platform = "discord"
guild = %q
channel = %q
`, filepath.Join(dir, "porchlight.db"), fakeDiscordToken, discordtest.AppID, f.URL(), discordtest.GuildID, discordtest.ChannelGeneral)
	if err := os.WriteFile(cfg, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	migrated(t, cfg)
	return cfg
}

// noToken fails the test if the report shows any token, or a long part of
// one.
func noToken(t *testing.T, report string, tokens ...string) {
	t.Helper()
	for _, tok := range tokens {
		for _, part := range append([]string{tok}, strings.FieldsFunc(tok, func(r rune) bool { return r == '.' || r == '-' })...) {
			if len(part) >= 6 && strings.Contains(report, part) {
				t.Errorf("the report shows (part of) a token, %q:\n%s", part, report)
			}
		}
	}
}

func TestDoctorOnlineDiscord(t *testing.T) {
	f := discordtest.NewServer(t, discordtest.Config{Token: "Bot " + fakeDiscordToken})
	cfg := discordDoctorConfig(t, f)
	env := map[string]string{"PORCHLIGHT_DISCORD_TOKEN": fakeDiscordToken}

	code, out, stderr := doctorRun(t, env, "--config", cfg, "--online")
	if code != exitOK {
		t.Fatalf("exit %d, want 0; stderr %q; report:\n%s", code, stderr, out)
	}
	wantLines(t, out, []string{
		"discord.token: set (from PORCHLIGHT_DISCORD_TOKEN)",
		"token valid: the bot is " + discordtest.BotName,
		`house "Maple House": in #`,
		"the bot has every permission it needs",
	}, []string{markFail})
	noToken(t, out, fakeDiscordToken)

	t.Run("a permission taken away", func(t *testing.T) {
		// @everyone, all the bot has, keeps only View Channels and Read
		// Message History.
		f.SetEveryonePermissions(1<<10 | 1<<16)
		defer f.SetEveryonePermissions(1071698660929 | 1<<44)
		code, out, _ := doctorRun(t, env, "--config", cfg, "--online")
		if code != exitRuntime {
			t.Fatalf("exit %d, want 1; report:\n%s", code, out)
		}
		wantLines(t, out, []string{
			"the bot lacks Send Messages, Create Public Threads, Send Messages in Threads, Create Events",
			"porchlight discord invite-url --config " + cfg,
			"Edit Channel",
		}, []string{"lacks View Channels", "Read Message History, "})
		noToken(t, out, fakeDiscordToken)
	})
	t.Run("a wrong token", func(t *testing.T) {
		wrong := "MTk5OTk5OTk5.XyZaBc.wrong_TOKEN-999"
		code, out, _ := doctorRun(t, map[string]string{"PORCHLIGHT_DISCORD_TOKEN": wrong}, "--config", cfg, "--online")
		if code != exitRuntime {
			t.Fatalf("exit %d, want 1; report:\n%s", code, out)
		}
		wantLines(t, out, []string{"the token was refused (401 Unauthorized)", "Reset Token"}, nil)
		noToken(t, out, fakeDiscordToken, wrong)
	})
	t.Run("an unknown channel", func(t *testing.T) {
		doc, _ := os.ReadFile(cfg)
		bad := filepath.Join(t.TempDir(), "bad.toml")
		os.WriteFile(bad, bytes.Replace(doc, []byte(discordtest.ChannelGeneral), []byte("1399999999999999999"), 1), 0o600)
		code, out, _ := doctorRun(t, env, "--config", bad, "--online")
		if code != exitRuntime {
			t.Fatalf("exit %d, want 1; report:\n%s", code, out)
		}
		wantLines(t, out, []string{"channel 1399999999999999999 does not exist", "Copy Channel ID"}, nil)
	})
}

// slackDoctorConfig writes a config with one Slack house on the fake; the
// tokens come from the environment.
func slackDoctorConfig(t *testing.T, srv *slacktest.Server, channel string) (string, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "porchlight.toml")
	doc := fmt.Sprintf(`[storage]
path = %q

[slack]
api_url = %q

[[house]]
name = "Birch House"
timezone = "America/New_York"
platform = "slack"
channel = %q
`, filepath.Join(dir, "porchlight.db"), srv.APIURL(), channel)
	if err := os.WriteFile(cfg, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg, map[string]string{"PORCHLIGHT_SLACK_BOT_TOKEN": srv.BotToken(), "PORCHLIGHT_SLACK_APP_TOKEN": srv.AppToken()}
}

// botScopes are the scopes the manifest asks for.
func botScopes(except ...string) []string {
	var out []string
	for _, s := range slackadapter.BotScopes(slackadapter.Features{}) {
		if !slices.Contains(except, s.Name) {
			out = append(out, s.Name)
		}
	}
	return out
}

func TestDoctorOnlineSlack(t *testing.T) {
	t.Run("everything granted", func(t *testing.T) {
		srv := slacktest.New(slacktest.Config{Scopes: botScopes()})
		t.Cleanup(srv.Close)
		cfg, env := slackDoctorConfig(t, srv, "C0HOUSE")
		code, out, stderr := doctorRun(t, env, "--config", cfg, "--online")
		if code != exitOK {
			t.Fatalf("exit %d, want 0; stderr %q; report:\n%s", code, stderr, out)
		}
		wantLines(t, out, []string{
			"slack.bot_token: set (from PORCHLIGHT_SLACK_BOT_TOKEN)",
			"slack.app_token: set (from PORCHLIGHT_SLACK_APP_TOKEN)",
			"bot token valid: the bot is @porchlight",
			"the bot token has every scope the bot needs",
			"app token valid",
			`house "Birch House": the bot is in #c0house (C0HOUSE)`,
		}, []string{markFail})
		noToken(t, out, srv.BotToken(), srv.AppToken())
	})
	t.Run("a scope missing and the bot outside the channel", func(t *testing.T) {
		srv := slacktest.New(slacktest.Config{Scopes: botScopes("files:write", "im:history")})
		t.Cleanup(srv.Close)
		srv.SetBotMember("C0HOUSE", false)
		cfg, env := slackDoctorConfig(t, srv, "C0HOUSE")
		code, out, _ := doctorRun(t, env, "--config", cfg, "--online")
		if code != exitRuntime {
			t.Fatalf("exit %d, want 1; report:\n%s", code, out)
		}
		wantLines(t, out, []string{
			markFail + " the bot token lacks the scope files:write, to upload digest charts",
			markFail + " the bot token lacks the scope im:history",
			"OAuth & Permissions", "reinstall the app",
			`house "Birch House": the bot is not in #c0house (C0HOUSE)`,
			"type /invite @porchlight in the house channel",
			"3 checks failed",
		}, []string{"lacks the scope chat:write"})
		noToken(t, out, srv.BotToken(), srv.AppToken())
	})
	t.Run("a private channel the bot is not in", func(t *testing.T) {
		srv := slacktest.New(slacktest.Config{})
		t.Cleanup(srv.Close)
		srv.SetBotMember("G0HOUSE", false)
		cfg, env := slackDoctorConfig(t, srv, "G0HOUSE")
		code, out, _ := doctorRun(t, env, "--config", cfg, "--online")
		if code != exitRuntime {
			t.Fatalf("exit %d, want 1; report:\n%s", code, out)
		}
		wantLines(t, out, []string{"channel G0HOUSE not found", "/invite @porchlight"}, nil)
	})
	t.Run("swapped tokens", func(t *testing.T) {
		srv := slacktest.New(slacktest.Config{})
		t.Cleanup(srv.Close)
		cfg, env := slackDoctorConfig(t, srv, "C0HOUSE")
		env["PORCHLIGHT_SLACK_BOT_TOKEN"] = "xoxb-9999-wrong-token"
		code, out, _ := doctorRun(t, env, "--config", cfg, "--online")
		if code != exitRuntime {
			t.Fatalf("exit %d, want 1; report:\n%s", code, out)
		}
		wantLines(t, out, []string{"the bot token was refused (invalid_auth)", "Bot User OAuth Token"}, nil)
		noToken(t, out, "xoxb-9999-wrong-token", srv.AppToken())
	})
}

func TestScrub(t *testing.T) {
	got := scrub("refused MTAxMDEwMTAx.GhIjKl.abcdefghij and xoxb-0001-secretpart; MTAxMDEwMTAx alone", []string{"MTAxMDEwMTAx.GhIjKl.abcdefghij", "xoxb-0001-secretpart", ""})
	want := "refused [redacted] and [redacted]; [redacted] alone"
	if got != want {
		t.Errorf("scrub = %q, want %q", got, want)
	}
}
