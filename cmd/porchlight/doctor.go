package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/config"
	"github.com/porchlight/porchlight/scheduler"
	"github.com/porchlight/porchlight/storage"
)

// report is porchlight doctor's report: sections of lines, each a check
// that passed, warns or failed, or a plain fact. It is written to a
// buffer and printed whole, with every token scrubbed from it first.
type report struct {
	b            bytes.Buffer
	fails, warns int
}

// Line marks: a check that passed, one worth a look, one that failed, a
// plain fact, and how to fix what the line above says.
const (
	markOK   = "ok  "
	markWarn = "WARN"
	markFail = "FAIL"
	markInfo = "    "
	markFix  = "      ->"
)

func (r *report) section(title string) { fmt.Fprintf(&r.b, "\n%s\n", title) }

func (r *report) line(mark, format string, args ...any) {
	fmt.Fprintf(&r.b, "  %s %s\n", mark, fmt.Sprintf(format, args...))
}

func (r *report) ok(format string, args ...any)   { r.line(markOK, format, args...) }
func (r *report) info(format string, args ...any) { r.line(markInfo, format, args...) }

func (r *report) warn(format string, args ...any) {
	r.warns++
	r.line(markWarn, format, args...)
}

func (r *report) fail(format string, args ...any) {
	r.fails++
	r.line(markFail, format, args...)
}

// fix says how to fix what the line before says.
func (r *report) fix(format string, args ...any) {
	fmt.Fprintf(&r.b, "%s %s\n", markFix, fmt.Sprintf(format, args...))
}

// doctor is one run of porchlight doctor: what it checks, and against
// what.
type doctor struct {
	r       report
	cfgPath string
	cfg     *config.Config
	// houses are the config's houses, nil when the config is invalid.
	houses []*bot.House
	now    time.Time
	// running is true when the lock file names a process that runs.
	running bool
}

const doctorAbout = `Print one report on this Porchlight: its version, the config (problems, file mode,
where each token comes from, never the token), the database (integrity, schema
version, who holds it, the outbox backlog and failed messages, unacknowledged
crisis alerts), the backups, and each house's next scheduled runs in its own time
zone. With --online it also asks the platforms whether each token is valid and
whether the bot has the scopes and channel permissions it needs, and names each
one missing with how to grant it.

The report holds no token and nobody's messages: paste it whole into a support
request. It reads the database without changing it, and works beside a running
bot. Exit status: 0 when every check passes (warnings allowed), 1 when one fails.`

func cmdDoctor(ctx context.Context, e env) int {
	fs := flags(e, "doctor", "--config FILE [--online]", doctorAbout)
	path := fs.String("config", "", "the TOML config `FILE`")
	online := fs.Bool("online", false, "also check the tokens, scopes and channel permissions with the platforms")
	if code, ok := parse(fs, e); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return e.unexpected(fs)
	}
	if *path = orEnvConfig(e, *path); *path == "" {
		return e.usageError("--config FILE (or " + envConfig + ") is required")
	}
	if _, err := os.Stat(*path); err != nil {
		return e.usageError("config: %v", err)
	}
	d := &doctor{cfgPath: *path, now: time.Now()}
	d.r.b.WriteString("Porchlight doctor report, " + d.now.UTC().Format("2006-01-02 15:04:05 MST") + "\n")
	d.r.b.WriteString("It holds no tokens and nobody's messages: paste it whole into a support request.\n")
	d.checkBuild()
	if d.checkConfig(e.getenv) {
		d.checkDatabase(ctx)
		d.checkBackups()
		d.checkSchedules()
		if *online {
			d.checkOnline(ctx)
		}
	}
	d.r.section("Summary")
	switch {
	case d.r.fails > 0:
		d.r.line(markFail, "%s failed, %s", count(d.r.fails, "check"), count(d.r.warns, "warning"))
	default:
		d.r.line(markOK, "every check passed, %s", count(d.r.warns, "warning"))
	}
	if !*online {
		d.r.info("the platforms were not asked; add --online to check the tokens and permissions")
	}
	out := scrub(d.r.b.String(), d.secrets())
	if _, err := fmt.Fprint(e.stdout, out); err != nil {
		return e.fail(err)
	}
	if d.r.fails > 0 {
		return exitRuntime
	}
	return exitOK
}

// count says "1 check" or "3 checks".
func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func (d *doctor) checkBuild() {
	d.r.section("Porchlight")
	d.r.info("version  porchlight %s", version())
	d.r.info("system   %s/%s, %d CPUs", runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
}

// checkConfig reports the config. It returns false when the file cannot
// be read as a config at all, and nothing else can be checked.
func (d *doctor) checkConfig(getenv func(string) string) bool {
	abs, err := filepath.Abs(d.cfgPath)
	if err != nil {
		abs = d.cfgPath
	}
	d.r.section("Config " + abs)
	cfg, err := config.Load(d.cfgPath, configOptions(getenv))
	if cfg == nil {
		d.r.fail("%v", err)
		d.r.fix("fix the file; porchlight check-config --config %s lists every problem", d.cfgPath)
		return false
	}
	d.cfg = cfg
	if err == nil {
		d.houses, err = cfg.Houses()
	}
	if err != nil {
		var problems []config.Problem
		if ce, ok := err.(*config.Error); ok {
			problems = ce.Problems
		}
		if len(problems) == 0 {
			d.r.fail("%v", err)
		}
		for _, p := range problems {
			d.r.fail("%s", p)
		}
		d.r.fix("porchlight check-config --config %s lists them too; the checks below use the defaults for what is wrong", d.cfgPath)
	} else {
		d.r.ok("valid: %s on %s", count(len(d.houses), "house"), strings.Join(platformsOf(d.houses), ", "))
	}
	for _, w := range cfg.Warnings() {
		d.r.warn("%s", w)
	}
	if st, err := os.Stat(d.cfgPath); err == nil && runtime.GOOS != "windows" {
		switch w, mode := cfg.PermWarning(d.cfgPath), st.Mode().Perm(); {
		case w != "":
			d.r.warn("%s", w)
		case mode&0o077 != 0:
			d.r.ok("file mode %#o (others may read it, but it holds no tokens)", mode)
		default:
			d.r.ok("file mode %#o", mode)
		}
	}
	used := cfg.Platforms()
	d.token("discord.token", cfg.Discord.Token, has(used, config.PlatformDiscord))
	d.token("slack.bot_token", cfg.Slack.BotToken, has(used, config.PlatformSlack))
	d.token("slack.app_token", cfg.Slack.AppToken, has(used, config.PlatformSlack))
	if cfg.HTTP.Listen != "" {
		d.r.info("http.listen %s: /healthz, /readyz and /metrics (porchlight healthcheck --config %s --ready asks it)", cfg.HTTP.Listen, d.cfgPath)
	} else {
		d.r.info("http.listen off: no health or metrics listener")
	}
	d.r.info("log %s, %s, on standard error", cfg.Log.Level, cfg.Log.Format)
	return true
}

// has reports whether list holds p.
func has(list []string, p config.Platform) bool {
	for _, s := range list {
		if s == string(p) {
			return true
		}
	}
	return false
}

// token says where a token comes from, never what it is.
func (d *doctor) token(key string, v config.Secret, needed bool) {
	switch {
	case v != "" && d.cfg.EnvSource(key) != "":
		d.r.info("%s: set (from %s)", key, d.cfg.EnvSource(key))
	case v != "":
		d.r.info("%s: set in the file", key)
	case needed:
		d.r.fail("%s: missing, and a house needs it", key)
	default:
		d.r.info("%s: not set (no house needs it)", key)
	}
}

// secrets are the tokens the report must never show.
func (d *doctor) secrets() []string {
	if d.cfg == nil {
		return nil
	}
	return []string{string(d.cfg.Discord.Token), string(d.cfg.Slack.BotToken), string(d.cfg.Slack.AppToken)}
}

// scrub removes every token, and every long part of one, from text: an
// error from a platform or a library that echoed one must not carry it
// into a report people paste in public.
func scrub(text string, secrets []string) string {
	var parts []string
	for _, s := range secrets {
		s = strings.TrimSpace(strings.TrimPrefix(s, "Bot "))
		if s == "" {
			continue
		}
		parts = append(parts, s)
		for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '-' }) {
			if len(p) >= 8 {
				parts = append(parts, p)
			}
		}
	}
	for _, p := range parts {
		text = strings.ReplaceAll(text, p, "[redacted]")
	}
	return text
}

func (d *doctor) checkDatabase(ctx context.Context) {
	path := d.cfg.Storage.Path
	if abs, err := filepath.Abs(path); err == nil {
		path = abs // a relative path is read from the working directory
	}
	d.r.section("Database " + path)
	in, err := storage.Inspect(ctx, path)
	if err != nil {
		d.r.fail("cannot read it: %v", err)
		return
	}
	if !in.Exists {
		d.r.info("does not exist yet: porchlight run (or migrate) creates it")
		d.checkLock(path)
		return
	}
	if in.Mode&0o077 != 0 && runtime.GOOS != "windows" {
		d.r.warn("file mode %#o: others may read residents' answers", in.Mode)
		d.r.fix("chmod 600 %s (porchlight run also does it when it starts)", path)
	} else {
		d.r.ok("file mode %#o", in.Mode)
	}
	d.r.info("size %s, write-ahead log %s", bytesize(in.Size), bytesize(in.WALSize))
	if in.Integrity == "ok" {
		d.r.ok("quick_check: ok")
	} else {
		d.r.fail("quick_check: %s", in.Integrity)
		d.r.fix("the database is damaged: stop the bot and restore the newest good backup with porchlight restore --config %s BACKUP (see \"Restoring a backup\" in the README)", d.cfgPath)
	}
	switch {
	case in.Version == in.Known:
		d.r.ok("schema version %d, the one this porchlight knows", in.Version)
	case in.Version > in.Known:
		d.r.fail("schema version %d, newer than this porchlight knows (%d): a newer Porchlight migrated it", in.Version, in.Known)
		d.r.fix("run that newer version, or restore the backup taken before the upgrade (see \"Upgrades\" in the README)")
	case in.Version == 0 && in.Integrity == "ok":
		d.r.warn("no schema yet: porchlight run (or migrate) creates it")
	case in.Integrity == "ok":
		d.r.warn("schema version %d; this porchlight knows %d and migrates it when it starts (or run porchlight migrate)", in.Version, in.Known)
	}
	d.checkLock(path)
	if in.Version != in.Known || in.Integrity != "ok" {
		d.r.info("outbox and crisis alerts not read: the schema is not this version's, or the file is damaged")
		return
	}
	d.checkStats(in.Stats)
}

// checkLock says whether a porchlight runs on the database, from the lock
// file's record, without taking the lock (a bot starting now must get it):
// a holder, the last clean stop, or nothing recorded.
func (d *doctor) checkLock(path string) {
	rec, err := storage.RecordedLock(path)
	h := rec.Holder
	switch {
	case err != nil:
		d.r.warn("lock file: %v", err)
	case h.PID == 0 && !rec.Stopped.IsZero():
		d.r.info("no porchlight runs on it: the last one stopped cleanly, at %s", rec.Stopped.UTC().Format("2006-01-02 15:04:05 MST"))
		if rec.Check {
			d.r.info("the next start checks the whole database before it runs: the last integrity check found damage or did not finish")
		}
	case h.PID == 0:
		d.r.info("no porchlight runs on it (lock file %s empty or absent)", storage.LockPath(path))
	default:
		running, known := h.Running()
		switch {
		case known && running:
			d.running = true
			d.r.info("in use by a running porchlight: %s", h)
		case known:
			d.r.info("no porchlight runs on it: the lock file names %s, which has ended without a clean stop (the system released its lock); the next start checks the whole database before it runs", h)
		default:
			d.r.info("the lock file names %s; from this host it cannot be told whether it still runs", h)
		}
	}
}

// checkStats reports the outbox backlog, failed messages and
// unacknowledged crisis alerts.
func (d *doctor) checkStats(s storage.Stats) {
	switch wait := age(d.now, s.OutboxOldestPending); {
	case s.OutboxPending == 0:
		d.r.ok("outbox: nothing waiting to be sent")
	case wait <= stuckAfter:
		d.r.ok("outbox: %d waiting to be sent, the oldest for %s", s.OutboxPending, roughly(wait))
	case d.running:
		d.r.fail("outbox: %d waiting to be sent, the oldest for %s, while the bot runs: it is stuck", s.OutboxPending, roughly(wait))
		d.r.fix("look in the bot's log for the platform's errors (a refused token, rate limits, the network)")
	default:
		d.r.warn("outbox: %d waiting to be sent, the oldest for %s; they go when the bot runs", s.OutboxPending, roughly(wait))
	}
	if s.OutboxFailed > 0 {
		d.r.fail("outbox: %s failed and set aside", count(s.OutboxFailed, "message"))
		d.r.fix("porchlight outbox list --config %s shows them and why; then retry or drop each by id", d.cfgPath)
	} else {
		d.r.ok("outbox: no failed messages")
	}
	if s.CrisisUnacked > 0 {
		d.r.fail("crisis: %d alert(s) no House Mentor or operator has acknowledged, the oldest raised %s ago", s.CrisisUnacked, roughly(age(d.now, s.CrisisOldestUnacked)))
		d.r.fix("a House Mentor or operator presses \"I'm on it\" on the alert in chat, after reaching out")
	} else {
		d.r.ok("crisis: no unacknowledged alerts")
	}
}

func (d *doctor) checkBackups() {
	s := d.cfg.Storage
	d.r.section("Backups")
	if s.BackupDir == "" {
		d.r.warn("nightly backups are off")
		d.r.fix("set [storage] backup_dir (see \"Operations\" in the README), or run porchlight backup from a timer of your own")
		return
	}
	d.r.info("%s, keeping %d, at %q UTC", s.BackupDir, s.BackupKeep, s.BackupSchedule)
	have, err := storage.Backups(s.BackupDir)
	if err != nil {
		d.r.fail("%v", err)
		return
	}
	if len(have) == 0 {
		d.r.warn("no backup yet: the bot makes the first when it starts")
		return
	}
	newest := have[len(have)-1]
	d.r.info("%s, the newest %s (%s, for %s)", count(len(have), "backup"), filepath.Base(newest.Path), bytesize(newest.Size), newest.At.UTC().Format("2006-01-02 15:04 MST"))
	sched, err := scheduler.Parse(s.BackupSchedule, time.UTC)
	if err != nil {
		return // the config check reported it
	}
	if last, ok := scheduler.Prev(sched, d.now); ok && newest.At.Before(last) {
		d.r.warn("the backup due %s is missing: is the bot running?", last.UTC().Format("2006-01-02 15:04 MST"))
	} else {
		d.r.ok("the newest backup is the last one due")
	}
}

// nextRuns is how many next runs of each job the report shows.
const nextRuns = 2

func (d *doctor) checkSchedules() {
	if d.houses == nil {
		return
	}
	jobs := bot.HouseJobs(d.houses)
	specs := scheduler.Specs{}
	for _, h := range d.houses {
		d.r.section(fmt.Sprintf("House %q (%s, channel %s, time zone %s)", h.Name, h.Platform, h.Channel, h.Location))
		for _, j := range jobs {
			if j.House != h {
				continue
			}
			var next []string
			at := d.now
			for range nextRuns {
				t, err := specs.Next(j.Spec, h.Location, at)
				if err != nil || t.IsZero() {
					break
				}
				next = append(next, t.In(h.Location).Format("Mon 2006-01-02 15:04 MST"))
				at = t
			}
			if len(next) == 0 {
				next = []string{"never"}
			}
			d.r.info("%-18s %-14s next %s", j.Name, j.Spec, strings.Join(next, ", then "))
		}
	}
}

// bytesize says a file size for a person: "812 B", "1.4 MB".
func bytesize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "KMGTPE"[exp])
}

// roughly says a duration to the second under a minute, to the minute
// after: "42s", "3h12m0s".
func roughly(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Second).String()
	}
	return d.Round(time.Minute).String()
}
