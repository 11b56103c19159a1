// Package config reads Porchlight's TOML configuration: it applies the
// defaults and the token environment variables, validates every key and
// names the key of each problem, and converts the houses into the core's
// bot.House. Only cmd imports it.
package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
)

// Environment variables that override keys of the config file: the
// tokens, so that secrets can stay out of it, and the settings a container
// or service manager sets per deployment. PORCHLIGHT_CONFIG, the file's
// path, is read by cmd.
const (
	EnvDiscordToken  = "PORCHLIGHT_DISCORD_TOKEN"
	EnvSlackBotToken = "PORCHLIGHT_SLACK_BOT_TOKEN"
	EnvSlackAppToken = "PORCHLIGHT_SLACK_APP_TOKEN"
	EnvDB            = "PORCHLIGHT_DB"
	EnvLogLevel      = "PORCHLIGHT_LOG_LEVEL"
	EnvLogFormat     = "PORCHLIGHT_LOG_FORMAT"
	EnvHTTPListen    = "PORCHLIGHT_HTTP_LISTEN"
)

// Secret is a token. It prints, logs and encodes as "[redacted]", so a
// config can be shown or logged whole without leaking it; use string(s)
// where the real value is needed.
type Secret string

const redacted = "[redacted]"

// String hides the secret from fmt's %v and %s.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString hides the secret from fmt's %#v.
func (s Secret) GoString() string { return strconv.Quote(s.String()) }

// MarshalText hides the secret from encoders (TOML, JSON).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Config is the whole configuration file. Load fills it with defaults
// first, so every key the file leaves out has its documented value.
type Config struct {
	Log     Log     `toml:"log"`
	Storage Storage `toml:"storage"`
	HTTP    HTTP    `toml:"http"`
	Discord Discord `toml:"discord"`
	Slack   Slack   `toml:"slack"`
	House   []House `toml:"house"`

	// fromEnv maps keys ("discord.token") to the environment variable
	// that set them, so errors can say where a value came from.
	fromEnv map[string]string
	// fileTokens is true when the file itself holds a token, even one the
	// environment overrides: that is what PermWarning is about.
	fileTokens bool
	// cron is Options.CheckCron, kept for Validate.
	cron CronChecker
	// invalid holds, by key, what a typed value found wrong with its text
	// when it was decoded; the value kept its default. Validate reports
	// these where it checks the key, in order with every other problem.
	invalid map[string]string
}

// CronChecker checks a cron spec exactly as the scheduler will read it in
// loc, and returns an error that says what is wrong. The config package
// imports no cron library: cmd passes the scheduler's own parser in, so a
// spec that validates is a spec that runs.
type CronChecker func(spec string, loc *time.Location) error

// Options are what loading needs besides the file.
type Options struct {
	// Getenv reads the token environment variables; nil reads none.
	Getenv func(string) string
	// CheckCron checks cron specs. It is required.
	CheckCron CronChecker
}

// errNoCronChecker is a wiring bug, not a problem of the file.
var errNoCronChecker = errors.New("config: no cron checker (Options.CheckCron) to validate the schedules with")

// Log is the [log] table.
type Log struct {
	// Level is debug, info, warn or error.
	Level LogLevel `toml:"level"`
	// Format is text or json.
	Format LogFormat `toml:"format"`
}

// Storage is the [storage] table.
type Storage struct {
	// Path is the SQLite database file.
	Path string `toml:"path"`
	// RetentionDays is how long free text is kept before it is redacted.
	RetentionDays int `toml:"retention_days"`
	// BackupDir turns on nightly backups into this directory; empty is
	// off.
	BackupDir string `toml:"backup_dir"`
	// BackupKeep is how many nightly backups are kept.
	BackupKeep int `toml:"backup_keep"`
	// BackupSchedule is when the nightly backup runs, a cron spec in UTC.
	BackupSchedule string `toml:"backup_schedule"`
}

// HTTP is the [http] table: the optional listener for health checks and
// metrics.
type HTTP struct {
	// Listen is host:port, such as "127.0.0.1:9090"; empty turns the
	// listener off.
	Listen string `toml:"listen"`
}

// Discord is the [discord] table.
type Discord struct {
	// Token is the bot token, without the "Bot " prefix.
	Token Secret `toml:"token"`
	// ApplicationID is the application's snowflake, for command registration.
	ApplicationID string `toml:"application_id"`
	// APIBase is where the REST API and gateway lookup live; tests and
	// proxies point it elsewhere.
	APIBase string `toml:"api_base"`
	// MessageContent asks for the privileged MESSAGE_CONTENT intent, needed
	// only to read thread replies in house channels.
	MessageContent bool `toml:"message_content"`
	// GlobalCommands registers commands globally instead of per guild.
	GlobalCommands bool `toml:"global_commands"`
	// ScheduledEvents mirrors activities to the server's Events (Guild
	// Scheduled Events); on by default.
	ScheduledEvents bool `toml:"scheduled_events"`
}

// Slack is the [slack] table.
type Slack struct {
	// BotToken (xoxb-) calls the Web API.
	BotToken Secret `toml:"bot_token"`
	// AppToken (xapp-) opens Socket Mode connections.
	AppToken Secret `toml:"app_token"`
	// APIURL is the Web API base, with a trailing slash.
	APIURL string `toml:"api_url"`
	// CommandPrefix is put before every slash command name, because Slack
	// commands share one namespace per workspace.
	CommandPrefix string `toml:"command_prefix"`
	// ThreadReplies reads replies in the threads of check-in prompts as
	// answers; only then does the manifest ask for the channel-history
	// scopes.
	ThreadReplies bool `toml:"thread_replies"`
}

// House is one [[house]].
type House struct {
	Name        string   `toml:"name"`
	Timezone    TimeZone `toml:"timezone"`
	Platform    Platform `toml:"platform"`
	Guild       string   `toml:"guild"`
	Channel     string   `toml:"channel"`
	Operators   []string `toml:"operators"`
	Mentors     []string `toml:"mentors"`
	ConsentText string   `toml:"consent_text"`
	// Locale is the house's language: group posts, and the private
	// messages of residents who have not chosen their own (/language).
	Locale string `toml:"locale"`
	// QuietHours is when partner pings about missed check-ins wait.
	QuietHours QuietHours `toml:"quiet_hours"`

	Checkin    Checkin    `toml:"checkin"`
	Partners   Partners   `toml:"partners"`
	Digest     Digest     `toml:"digest"`
	Activities Activities `toml:"activities"`
	Milestones Milestones `toml:"milestones"`
	Crisis     Crisis     `toml:"crisis"`

	// House life: meetings, newcomers and chores (houselife.go).
	MeetingsPerWeek int      `toml:"meetings_per_week"`
	MeetingKinds    []string `toml:"meeting_kinds"`
	MeetingReminder string   `toml:"meeting_reminder"`
	MentorsOnDuty   []string `toml:"mentors_on_duty"`
	Chores          bool     `toml:"chores"`
	ChoreSummary    string   `toml:"chore_summary"`
	Chore           []Chore  `toml:"chore"`
}

// Checkin is [house.checkin].
type Checkin struct {
	Schedule          []string   `toml:"schedule"`
	Window            Duration   `toml:"window"`
	ReminderAfter     Duration   `toml:"reminder_after"`
	DefaultVisibility Visibility `toml:"default_visibility"`
	SkipDates         []string   `toml:"skip_dates"`
	Questions         []Question `toml:"questions"`
}

// Question is one [[house.checkin.questions]]. It is the file's form of a
// bot.Field: the core's types carry no TOML tags, and a field's prefilled
// value is the bot's business, not the file's.
type Question struct {
	ID       string        `toml:"id"`
	Kind     bot.FieldKind `toml:"kind"`
	Label    string        `toml:"label"`
	Options  []string      `toml:"options"`
	Min      int           `toml:"min"`
	Max      int           `toml:"max"`
	MaxLen   int           `toml:"max_len"`
	Required bool          `toml:"required"`
}

// field converts the question to the core's form field.
func (q Question) field() bot.Field {
	return bot.Field{
		ID: q.ID, Kind: q.Kind, Label: q.Label, Options: append([]string(nil), q.Options...),
		Min: q.Min, Max: q.Max, MaxLen: q.MaxLen, Required: q.Required,
	}
}

// Partners is [house.partners].
type Partners struct {
	Rotate            string `toml:"rotate"`
	Nudge             string `toml:"nudge"`
	AvoidRepeatRounds int    `toml:"avoid_repeat_rounds"`
}

// Digest is [house.digest].
type Digest struct {
	Schedule string `toml:"schedule"`
	Mentors  bool   `toml:"mentors"`
	Combined bool   `toml:"combined"`
}

// Activities is [house.activities].
type Activities struct {
	ReminderBefore Duration `toml:"reminder_before"`
}

// Milestones is [house.milestones].
type Milestones struct {
	Morning   string `toml:"morning"`
	ExtraDays []int  `toml:"extra_days"`
}

// Crisis is [house.crisis].
type Crisis struct {
	Resources     []string `toml:"resources"`
	Alert         Alert    `toml:"alert"`
	EscalateAfter Duration `toml:"escalate_after"`
	// ExtraPhrases and ExtraRelapsePhrases are the house's own additions to
	// the screener for each level; IgnorePhrases are phrases that must
	// never count (a local idiom). Plain words, not patterns.
	ExtraPhrases        []string `toml:"extra_phrases"`
	ExtraRelapsePhrases []string `toml:"extra_relapse_phrases"`
	IgnorePhrases       []string `toml:"ignore_phrases"`
}

// Default returns a config with every default and no house.
func Default() *Config {
	return &Config{
		Log:     Log{Level: "info", Format: "text"},
		Storage: Storage{Path: "porchlight.db", RetentionDays: 180, BackupKeep: 7, BackupSchedule: "0 3 * * *"},
		Discord: Discord{APIBase: "https://discord.com", ScheduledEvents: true},
		Slack:   Slack{APIURL: "https://slack.com/api/", CommandPrefix: "porch-"},
	}
}

// DefaultHouse returns a house with every default and no identity. Each
// call returns fresh slices, because the decoder writes into them.
func DefaultHouse() House {
	return House{
		Checkin: Checkin{
			Schedule:          []string{"0 9 * * *"},
			Window:            mustDuration("4h"),
			ReminderAfter:     mustDuration("2h"),
			DefaultVisibility: Visibility(bot.VisMentors),
		},
		Partners:   Partners{Nudge: "0 18 * * *", AvoidRepeatRounds: 3},
		Digest:     Digest{Schedule: "0 8 * * 1"},
		Activities: Activities{ReminderBefore: mustDuration("60m")},
		Milestones: Milestones{Morning: "09:00"},
		Crisis:     Crisis{Resources: bot.DefaultCrisisResources(), Alert: AlertAsk, EscalateAfter: mustDuration("15m")},
		QuietHours: mustQuietHours(DefaultQuietHours),

		MeetingKinds:    bot.DefaultMeetingKinds(),
		MeetingReminder: "0 18 * * 3",
		Chores:          true,
		ChoreSummary:    "0 19 * * 0",
	}
}

// DefaultQuietHours is a house's quiet_hours unless it sets its own.
const DefaultQuietHours = "22:00-08:00"

// setDefaults makes a house decoded from an array of tables start from
// DefaultHouse.
func (h *House) setDefaults() { *h = DefaultHouse() }

// Load reads the config file at path, applies defaults and the token
// environment variables (read with opts.Getenv), and validates the result.
// Every problem is reported at once, in a *Error; the config is returned
// along with it when the file could be decoded, so a command that needs
// only part of it can decide what to overlook.
func Load(path string, opts Options) (*Config, error) {
	if opts.CheckCron == nil {
		return nil, errNoCronChecker
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := parse(data, opts)
	var ce *Error
	if errors.As(err, &ce) {
		ce.File = path
	} else if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return c, err
}

// parse is Load without the file. It returns the config even when it is
// invalid, along with the error, unless the file is not TOML at all.
func parse(data []byte, opts Options) (*Config, error) {
	var root map[string]toml.Primitive
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&root)
	if err != nil {
		return nil, err // a toml.ParseError: the file is not TOML
	}
	c := Default()
	c.cron = opts.CheckCron
	d := newDecoder(md)
	d.fields("", root, reflect.ValueOf(c).Elem())
	c.invalid = d.invalid
	c.fileTokens = c.Discord.Token != "" || c.Slack.BotToken != "" || c.Slack.AppToken != ""
	// Values of the wrong type leave their keys at the defaults, which
	// validation would then misjudge; they are reported alone.
	if len(d.types.list) > 0 {
		return c, &Error{Problems: append(d.types.list, d.unknownProblems()...)}
	}
	// Unknown keys are reported together with every other problem, so one
	// run of check-config lists all there is to fix.
	probs := d.unknownProblems()
	c.applyEnv(opts.Getenv)
	err = c.Validate()
	if len(probs) == 0 {
		return c, err
	}
	var ce *Error
	if errors.As(err, &ce) {
		probs = append(probs, ce.Problems...)
	} else if err != nil {
		return c, err
	}
	return c, &Error{Problems: probs}
}

// applyEnv lets the environment override the tokens and the deployment
// settings. A value from the environment replaces the file's, and what
// decoding found wrong with the file's; Validate checks it like any other
// and names the variable.
func (c *Config) applyEnv(getenv func(string) string) {
	if getenv == nil {
		return
	}
	set := func(key, env string, store func(string)) {
		// None of these values holds spaces; a trailing newline from an
		// env file is trimmed rather than reported.
		if v := strings.TrimSpace(getenv(env)); v != "" {
			store(v)
			if c.fromEnv == nil {
				c.fromEnv = map[string]string{}
			}
			c.fromEnv[key] = env
			delete(c.invalid, key)
		}
	}
	set("discord.token", EnvDiscordToken, func(v string) { c.Discord.Token = Secret(v) })
	set("slack.bot_token", EnvSlackBotToken, func(v string) { c.Slack.BotToken = Secret(v) })
	set("slack.app_token", EnvSlackAppToken, func(v string) { c.Slack.AppToken = Secret(v) })
	set("storage.path", EnvDB, func(v string) { c.Storage.Path = v })
	set("log.level", EnvLogLevel, func(v string) { c.Log.Level = LogLevel(v) })
	set("log.format", EnvLogFormat, func(v string) { c.Log.Format = LogFormat(v) })
	set("http.listen", EnvHTTPListen, func(v string) { c.HTTP.Listen = v })
}

// Problem is one thing wrong with a config.
type Problem struct {
	// Key is the TOML path, such as "house[0].checkin.schedule[1]".
	Key string
	// Msg says what is wrong and, where it helps, what is accepted. It never
	// contains a token.
	Msg string
}

func (p Problem) String() string { return p.Key + ": " + p.Msg }

// Error lists every problem found in a config.
type Error struct {
	// File is the config file, when known.
	File     string
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config")
	if e.File != "" {
		b.WriteString(" " + e.File)
	}
	if len(e.Problems) == 1 {
		b.WriteString(": " + e.Problems[0].String())
		return b.String()
	}
	fmt.Fprintf(&b, ": %d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

// problems collects Problems during decoding and validation.
type problems struct {
	list []Problem
	// invalid are the problems found decoding typed values, by key, not
	// yet reported.
	invalid map[string]string
}

func (ps *problems) add(key, format string, args ...any) {
	ps.list = append(ps.list, Problem{Key: key, Msg: fmt.Sprintf(format, args...)})
}

// decoded reports the problem found decoding the typed value at key, if
// there was one, and says whether the value may be checked further.
func (ps *problems) decoded(key string) bool {
	msg, ok := ps.invalid[key]
	if !ok {
		return true
	}
	delete(ps.invalid, key)
	ps.add(key, "%s", msg)
	return false
}

// value reports what is wrong with the typed value v at key: what decoding
// it found or, for a value set in Go, what its check finds. It says
// whether the value is good.
func (ps *problems) value(key string, v checker) bool {
	if !ps.decoded(key) {
		return false
	}
	if err := v.check(); err != nil {
		ps.add(key, "%v", err)
		return false
	}
	return true
}

// Patterns of platform ids. They are deliberately loose on length: test
// fakes use short ids, and the platforms do not promise lengths.
var (
	snowflakeRe  = regexp.MustCompile(`^[0-9]{1,20}$`)
	slackUserRe  = regexp.MustCompile(`^[UW][A-Z0-9]+$`)
	slackChanRe  = regexp.MustCompile(`^[CG][A-Z0-9]+$`)
	consoleIDRe  = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	base64urlRe  = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	prefixRe     = regexp.MustCompile(`^[a-z0-9_-]*$`)
	questionIDRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	clockRe      = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// Validate checks the whole config and reports every problem, each naming
// its key, in a *Error. Tokens are checked for shape only and never
// appear in messages.
func (c *Config) Validate() error {
	if c.cron == nil {
		return errNoCronChecker
	}
	var ps problems
	ps.invalid = maps.Clone(c.invalid)
	c.validateGlobal(&ps)
	if len(c.House) == 0 {
		ps.add("house", "at least one [[house]] is required")
	}
	names := map[string]int{}
	channels := map[string]int{}
	uses := map[string]int{}
	for i := range c.House {
		h := &c.House[i]
		key := fmt.Sprintf("house[%d]", i)
		c.validateHouse(&ps, key, h)
		if h.Name != "" {
			n := strings.ToLower(strings.TrimSpace(h.Name))
			if j, ok := names[n]; ok {
				ps.add(key+".name", "%q is already the name of house[%d]", h.Name, j)
			} else {
				names[n] = i
			}
		}
		if h.Channel != "" {
			ch := string(h.Platform) + "\x00" + h.Channel
			if j, ok := channels[ch]; ok {
				ps.add(key+".channel", "house[%d] already uses this channel", j)
			} else {
				channels[ch] = i
			}
		}
		if _, ok := uses[string(h.Platform)]; !ok {
			uses[string(h.Platform)] = i
		}
	}
	// A platform some house lives on needs its credentials.
	if i, ok := uses[PlatformDiscord]; ok {
		if c.Discord.Token == "" {
			ps.add("discord.token", "required by house[%d] (platform = %q); set it here or in %s", i, PlatformDiscord, EnvDiscordToken)
		}
		if c.Discord.ApplicationID == "" {
			ps.add("discord.application_id", "required by house[%d] (platform = %q)", i, PlatformDiscord)
		}
	}
	if i, ok := uses[PlatformSlack]; ok {
		if c.Slack.BotToken == "" {
			ps.add("slack.bot_token", "required by house[%d] (platform = %q); set it here or in %s", i, PlatformSlack, EnvSlackBotToken)
		}
		if c.Slack.AppToken == "" {
			ps.add("slack.app_token", "required by house[%d] (platform = %q); set it here or in %s", i, PlatformSlack, EnvSlackAppToken)
		}
	}
	// A value that failed to decode but whose key Validate never checks
	// would be lost; none should be, and it is still reported.
	for _, k := range slices.Sorted(maps.Keys(ps.invalid)) {
		ps.add(k, "%s", ps.invalid[k])
	}
	if len(ps.list) > 0 {
		return &Error{Problems: ps.list}
	}
	return nil
}

// EnvSource returns the environment variable that set key
// ("discord.token"), or "" when the value is the file's or the default.
func (c *Config) EnvSource(key string) string { return c.fromEnv[key] }

// sourceKey names a key and, when the environment set it, the variable.
func (c *Config) sourceKey(key string) string {
	if env := c.fromEnv[key]; env != "" {
		return key + " (from " + env + ")"
	}
	return key
}

func (c *Config) validateGlobal(ps *problems) {
	ps.value(c.sourceKey("log.level"), c.Log.Level)
	ps.value(c.sourceKey("log.format"), c.Log.Format)
	if strings.TrimSpace(c.Storage.Path) == "" {
		ps.add("storage.path", "must not be empty")
	}
	if msg := checkListen(c.HTTP.Listen); msg != "" {
		ps.add(c.sourceKey("http.listen"), "%s", msg)
	}
	if c.Storage.RetentionDays < 1 {
		ps.add("storage.retention_days", "must be at least 1, got %d", c.Storage.RetentionDays)
	}
	if c.Storage.BackupKeep < 1 {
		ps.add("storage.backup_keep", "must be at least 1, got %d", c.Storage.BackupKeep)
	}
	if c.Storage.BackupDir != "" {
		c.checkCron(ps, "storage.backup_schedule", c.Storage.BackupSchedule)
	}

	if c.Discord.Token != "" {
		if msg := checkDiscordToken(string(c.Discord.Token)); msg != "" {
			ps.add(c.sourceKey("discord.token"), "%s", msg)
		}
	}
	if id := c.Discord.ApplicationID; id != "" && !IsSnowflake(id) {
		ps.add("discord.application_id", "%q is not a Discord id (digits only)", id)
	}
	if msg := checkURL(c.Discord.APIBase); msg != "" {
		ps.add("discord.api_base", "%s", msg)
	}

	if msg := checkSlackToken(string(c.Slack.BotToken), "xoxb-", "a bot token"); msg != "" {
		ps.add(c.sourceKey("slack.bot_token"), "%s", msg)
	}
	if msg := checkSlackToken(string(c.Slack.AppToken), "xapp-", "an app-level token"); msg != "" {
		ps.add(c.sourceKey("slack.app_token"), "%s", msg)
	}
	if msg := checkURL(c.Slack.APIURL); msg != "" {
		ps.add("slack.api_url", "%s", msg)
	} else if !strings.HasSuffix(c.Slack.APIURL, "/") {
		ps.add("slack.api_url", "must end with \"/\"")
	}
	if !prefixRe.MatchString(c.Slack.CommandPrefix) {
		ps.add("slack.command_prefix", "%q may only hold lowercase letters, digits, \"-\" and \"_\"", c.Slack.CommandPrefix)
	}
}

// checkListen returns what is wrong with a listen address, or "" for a
// good one or none.
func checkListen(addr string) string {
	if addr == "" {
		return ""
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Sprintf("%q is not host:port, such as \"127.0.0.1:9090\" (or \":9090\" for every interface)", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Sprintf("%q: the port must be a number from 0 to 65535", addr)
	}
	if host != "" && net.ParseIP(host) == nil && strings.ContainsAny(host, " /") {
		return fmt.Sprintf("%q: %q is not a host name or IP address", addr, host)
	}
	return ""
}

// checkDiscordToken returns what is wrong with a Discord bot token, or "".
// The message never quotes the token.
func checkDiscordToken(t string) string {
	if strings.HasPrefix(strings.ToLower(t), "bot ") {
		return `must not start with "Bot "; give the bare token and Porchlight adds the prefix`
	}
	if strings.ContainsAny(t, " \t\r\n") {
		return "must not contain spaces"
	}
	parts := strings.Split(t, ".")
	if len(parts) != 3 {
		return "does not look like a bot token (three parts separated by dots)"
	}
	for _, p := range parts {
		if !base64urlRe.MatchString(p) {
			return "does not look like a bot token (three parts separated by dots)"
		}
	}
	return ""
}

// checkSlackToken returns what is wrong with a Slack token, or "". An empty
// token is fine here; Validate checks that used platforms have theirs.
func checkSlackToken(t, prefix, what string) string {
	switch {
	case t == "":
		return ""
	case !strings.HasPrefix(t, prefix):
		return fmt.Sprintf("must be %s starting with %q", what, prefix)
	case strings.ContainsAny(t, " \t\r\n"):
		return "must not contain spaces"
	}
	return ""
}

func IsSnowflake(s string) bool {
	if !snowflakeRe.MatchString(s) {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// checkURL returns what is wrong with an API base URL, or "".
func checkURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("%q is not an absolute http or https URL", s)
	}
	return ""
}

// checkUserID returns what is wrong with a platform user id, or "".
func checkUserID(platform, id string) string {
	switch platform {
	case PlatformDiscord:
		if !IsSnowflake(id) {
			return fmt.Sprintf("%q is not a Discord user id (digits only)", id)
		}
	case PlatformSlack:
		if !slackUserRe.MatchString(id) {
			return fmt.Sprintf("%q is not a Slack user id (U… or W…)", id)
		}
	default:
		if !consoleIDRe.MatchString(id) {
			return fmt.Sprintf("%q is not a console user id (letters, digits, \".\", \"-\", \"_\")", id)
		}
	}
	return ""
}

func (c *Config) validateHouse(ps *problems, key string, h *House) {
	if strings.TrimSpace(h.Name) == "" {
		ps.add(key+".name", "is required")
	}
	ps.value(key+".timezone", h.Timezone)
	if h.Locale != "" && !i18n.Default().Has(h.Locale) {
		ps.add(key+".locale", "%q is not a language Porchlight speaks (one of %s)", h.Locale, strings.Join(i18n.Default().Languages(), ", "))
	}
	platformOK := ps.value(key+".platform", h.Platform)
	switch {
	case h.Platform == PlatformDiscord && h.Guild == "" && !c.Discord.GlobalCommands:
		ps.add(key+".guild", "is required for a Discord house unless [discord] global_commands = true")
	case h.Platform == PlatformDiscord && h.Guild != "" && !IsSnowflake(h.Guild):
		ps.add(key+".guild", "%q is not a Discord server id (digits only)", h.Guild)
	case h.Platform != PlatformDiscord && platformOK && h.Guild != "":
		ps.add(key+".guild", "is only used with platform = %q", PlatformDiscord)
	}
	switch {
	case h.Channel == "":
		ps.add(key+".channel", "is required")
	case h.Platform == PlatformDiscord && !IsSnowflake(h.Channel):
		ps.add(key+".channel", "%q is not a Discord channel id (digits only)", h.Channel)
	case h.Platform == PlatformSlack && !slackChanRe.MatchString(h.Channel):
		ps.add(key+".channel", "%q is not a Slack channel id (C… or G…)", h.Channel)
	}
	if platformOK {
		for i, id := range h.Operators {
			if msg := checkUserID(string(h.Platform), id); msg != "" {
				ps.add(fmt.Sprintf("%s.operators[%d]", key, i), "%s", msg)
			}
		}
		for i, id := range h.Mentors {
			if msg := checkUserID(string(h.Platform), id); msg != "" {
				ps.add(fmt.Sprintf("%s.mentors[%d]", key, i), "%s", msg)
			}
		}
	}
	c.validateCheckin(ps, key+".checkin", &h.Checkin)
	c.validatePartners(ps, key+".partners", &h.Partners)
	if h.Digest.Schedule != "" {
		c.checkCron(ps, key+".digest.schedule", h.Digest.Schedule)
	}
	ps.value(key+".activities.reminder_before", h.Activities.ReminderBefore)
	if !clockRe.MatchString(h.Milestones.Morning) {
		ps.add(key+".milestones.morning", "%q is not a time of day as HH:MM (24-hour)", h.Milestones.Morning)
	}
	for i, d := range h.Milestones.ExtraDays {
		if d < 1 {
			ps.add(fmt.Sprintf("%s.milestones.extra_days[%d]", key, i), "must be a positive number of days, got %d", d)
		}
	}
	validateCrisis(ps, key+".crisis", &h.Crisis)
	ps.value(key+".quiet_hours", h.QuietHours)
	c.validateHouseLife(ps, key, h)
}

func (c *Config) validateCheckin(ps *problems, key string, ci *Checkin) {
	if len(ci.Schedule) == 0 {
		ps.add(key+".schedule", "needs at least one cron spec (default [\"0 9 * * *\"])")
	}
	for i, s := range ci.Schedule {
		c.checkCron(ps, fmt.Sprintf("%s.schedule[%d]", key, i), s)
	}
	wok := ps.value(key+".window", ci.Window)
	rok := ps.value(key+".reminder_after", ci.ReminderAfter)
	if wok && rok && ci.ReminderAfter.Duration() >= ci.Window.Duration() {
		ps.add(key+".reminder_after", "%s must be shorter than window (%s)", ci.ReminderAfter, ci.Window)
	}
	ps.value(key+".default_visibility", ci.DefaultVisibility)
	for i, d := range ci.SkipDates {
		if t, err := time.Parse(time.DateOnly, d); err != nil || t.Format(time.DateOnly) != d {
			ps.add(fmt.Sprintf("%s.skip_dates[%d]", key, i), "%q is not a date as YYYY-MM-DD", d)
		}
	}
	ids := map[string]int{}
	for i, cq := range ci.Questions {
		q := cq.field()
		qkey := fmt.Sprintf("%s.questions[%d]", key, i)
		if err := bot.CheckField(q); err != nil {
			ps.add(qkey, "%v", err)
		}
		if q.ID != "" && !questionIDRe.MatchString(q.ID) {
			ps.add(qkey+".id", "%q must start with a lowercase letter and hold only a-z, 0-9 and \"_\" (at most 40)", q.ID)
		}
		if j, ok := ids[q.ID]; ok && q.ID != "" {
			ps.add(qkey+".id", "%q is already the id of questions[%d]", q.ID, j)
		} else {
			ids[q.ID] = i
		}
		checkSpecialQuestion(ps, qkey, q)
	}
}

// checkSpecialQuestion checks the questions whose ids the core reads.
func checkSpecialQuestion(ps *problems, key string, q bot.Field) {
	switch q.ID {
	case bot.QMood:
		if q.Kind != bot.KindScale {
			ps.add(key+".kind", "the %q question must be a scale", q.ID)
		}
	case bot.QReachOut, bot.QShareMood:
		if q.Kind != bot.KindYesNo {
			ps.add(key+".kind", "the %q question must be yesno", q.ID)
		}
	case bot.QVisibility:
		if q.Kind != bot.KindChoice {
			ps.add(key+".kind", "the %q question must be a choice", q.ID)
		}
		for j, o := range q.Options {
			if !bot.Visibility(o).Valid() {
				ps.add(fmt.Sprintf("%s.options[%d]", key, j), "%q is not one of private, mentors, house", o)
			}
		}
	}
}

func (c *Config) validatePartners(ps *problems, key string, p *Partners) {
	if p.Rotate != "" {
		c.checkCron(ps, key+".rotate", p.Rotate)
	}
	if p.Nudge != "" {
		c.checkCron(ps, key+".nudge", p.Nudge)
	}
	if p.AvoidRepeatRounds < 0 {
		ps.add(key+".avoid_repeat_rounds", "must be 0 or more, got %d", p.AvoidRepeatRounds)
	}
}

func validateCrisis(ps *problems, key string, cr *Crisis) {
	if len(cr.Resources) == 0 {
		ps.add(key+".resources", "must list at least one resource (leave the key out for the defaults)")
	}
	for i, r := range cr.Resources {
		if strings.TrimSpace(r) == "" {
			ps.add(fmt.Sprintf("%s.resources[%d]", key, i), "must not be empty")
		}
	}
	ps.value(key+".alert", cr.Alert)
	ps.value(key+".escalate_after", cr.EscalateAfter)
	for _, list := range []struct {
		name    string
		phrases []string
	}{{"extra_phrases", cr.ExtraPhrases}, {"extra_relapse_phrases", cr.ExtraRelapsePhrases}, {"ignore_phrases", cr.IgnorePhrases}} {
		for i, p := range list.phrases {
			if err := bot.CheckPhrase(p); err != nil {
				ps.add(fmt.Sprintf("%s.%s[%d]", key, list.name, i), "%v", err)
			}
		}
	}
}

// Warnings lists what is valid but probably not what the operator wants,
// each naming its key. check-config prints them; run logs them.
func (c *Config) Warnings() []string {
	var out []string
	for i, h := range c.House {
		if !usTimeZone(string(h.Timezone)) && slices.Equal(h.Crisis.Resources, bot.DefaultCrisisResources()) {
			out = append(out, fmt.Sprintf("house[%d].crisis.resources: the house's time zone %q is outside the US, but it lists no crisis resources of its own, so residents in crisis would be shown US lines (988, 911); list your local lines", i, h.Timezone))
		}
	}
	return out
}

// usTimeZone reports whether an IANA zone is in the US or its territories,
// where the default resources (988, 911) work.
func usTimeZone(name string) bool {
	if strings.HasPrefix(name, "US/") {
		return true
	}
	return slices.Contains([]string{
		"America/New_York", "America/Detroit", "America/Kentucky/Louisville", "America/Kentucky/Monticello",
		"America/Indiana/Indianapolis", "America/Indiana/Vincennes", "America/Indiana/Winamac", "America/Indiana/Marengo",
		"America/Indiana/Petersburg", "America/Indiana/Vevay", "America/Chicago", "America/Indiana/Tell_City",
		"America/Indiana/Knox", "America/Menominee", "America/North_Dakota/Center", "America/North_Dakota/New_Salem",
		"America/North_Dakota/Beulah", "America/Denver", "America/Boise", "America/Phoenix", "America/Los_Angeles",
		"America/Anchorage", "America/Juneau", "America/Sitka", "America/Metlakatla", "America/Yakutat", "America/Nome",
		"America/Adak", "Pacific/Honolulu", "America/Puerto_Rico", "America/St_Thomas", "America/Indianapolis",
		"America/Louisville", "America/Fort_Wayne", "America/Knox_IN", "Navajo", "America/Shiprock",
	}, name)
}

// checkCron checks a cron spec with the scheduler's parser. Validation
// reads it in UTC: whether a spec is well formed does not depend on the
// zone, and a house's zone may itself be the problem.
func (c *Config) checkCron(ps *problems, key, spec string) {
	if err := c.cron(spec, time.UTC); err != nil {
		ps.add(key, "%v", err)
	}
}

// Houses converts the houses to the core's form: time zones loaded,
// durations parsed, default questions filled in. It validates first, so it
// never converts a config that Validate rejects.
func (c *Config) Houses() ([]*bot.House, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	out := make([]*bot.House, 0, len(c.House))
	for i := range c.House {
		h, err := c.House[i].toBot(c.Storage.RetentionDays)
		if err != nil {
			return nil, fmt.Errorf("house[%d]: %w", i, err)
		}
		h.Activities.CalendarEvents = h.Platform == string(PlatformDiscord) && c.Discord.ScheduledEvents
		out = append(out, h)
	}
	return out, nil
}

func (h *House) toBot(retention int) (*bot.House, error) {
	loc, err := h.Timezone.Location()
	if err != nil {
		return nil, fmt.Errorf("timezone: %w", err)
	}
	vis := bot.Visibility(h.Checkin.DefaultVisibility)
	// A house without questions of its own keeps none here: the bot asks
	// its default questions, in each reader's language.
	var qs []bot.Field
	for _, q := range h.Checkin.Questions {
		qs = append(qs, q.field())
	}
	for i := range qs {
		if qs[i].ID == bot.QVisibility {
			qs[i].Value = string(vis)
		}
	}
	out := &bot.House{
		Name:      strings.TrimSpace(h.Name),
		Platform:  string(h.Platform),
		Workspace: h.Guild,
		Channel:   h.Channel,
		Location:  loc,
		Operators: append([]string(nil), h.Operators...),
		Mentors:   append([]string(nil), h.Mentors...),
		Checkin: bot.CheckinConfig{
			Schedules:         append([]string(nil), h.Checkin.Schedule...),
			Window:            h.Checkin.Window.Duration(),
			ReminderAfter:     h.Checkin.ReminderAfter.Duration(),
			Questions:         qs,
			DefaultVisibility: vis,
			SkipDates:         append([]string(nil), h.Checkin.SkipDates...),
		},
		Partners: bot.PartnersConfig{
			Rotate:            h.Partners.Rotate,
			Nudge:             h.Partners.Nudge,
			AvoidRepeatRounds: h.Partners.AvoidRepeatRounds,
		},
		Digest: bot.DigestConfig{
			Schedule: h.Digest.Schedule,
			Mentors:  h.Digest.Mentors,
			Combined: h.Digest.Combined,
		},
		Activities: bot.ActivitiesConfig{ReminderBefore: h.Activities.ReminderBefore.Duration()},
		Milestones: bot.MilestonesConfig{
			Morning:   h.Milestones.Morning,
			ExtraDays: append([]int(nil), h.Milestones.ExtraDays...),
		},
		Crisis: bot.CrisisConfig{
			Resources:     append([]string(nil), h.Crisis.Resources...),
			AlertAlways:   h.Crisis.Alert == AlertAlways,
			EscalateAfter: h.Crisis.EscalateAfter.Duration(),
			Phrases: bot.ScreenPhrases{
				Danger:  append([]string(nil), h.Crisis.ExtraPhrases...),
				Relapse: append([]string(nil), h.Crisis.ExtraRelapsePhrases...),
				Ignore:  append([]string(nil), h.Crisis.IgnorePhrases...),
			},
		},
		ConsentText:   h.ConsentText,
		Locale:        cmp.Or(h.Locale, i18n.Source),
		RetentionDays: retention,
		QuietHours:    h.QuietHours.QuietHours(),
	}
	h.houseLifeToBot(out)
	return out, nil
}

// Platforms lists the platforms the houses use, each once, in order of
// first use.
func (c *Config) Platforms() []string {
	var out []string
	for _, h := range c.House {
		if !contains(out, string(h.Platform)) {
			out = append(out, string(h.Platform))
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// String renders the effective config as TOML with the tokens redacted, for
// check-config and debugging.
func (c *Config) String() string {
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(c); err != nil {
		return "config: " + err.Error()
	}
	return b.String()
}

// PermWarning returns a warning when the config file at path holds tokens
// and is readable by group or others, or "" when all is well (or the mode
// cannot tell, as on Windows).
func (c *Config) PermWarning(path string) string {
	if runtime.GOOS == "windows" || !c.fileTokens {
		return ""
	}
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	if mode := fi.Mode().Perm(); mode&0o077 != 0 {
		return fmt.Sprintf("config %s holds tokens and is readable by others (mode %#o); run chmod 600 %s, or move the tokens to %s, %s and %s",
			path, mode, path, EnvDiscordToken, EnvSlackBotToken, EnvSlackAppToken)
	}
	return ""
}
