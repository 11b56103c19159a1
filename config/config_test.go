package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/scheduler"
)

// Fake tokens of the right shapes. They are not real and never were.
const (
	fakeDiscordToken = "MTAxMDEwMTAx.GhIjKl.abc_DEF-123"
	fakeBotToken     = "xoxb-0000-fake"
	fakeAppToken     = "xapp-1-fake"
)

// house returns a valid console [[house]] block; kv pairs replace or add
// top-level house keys, with values written as raw TOML.
func house(kv ...string) string {
	keys := []string{"name", "timezone", "platform", "channel", "operators"}
	vals := map[string]string{
		"name":      `"Maple House"`,
		"timezone":  `"America/Chicago"`,
		"platform":  `"console"`,
		"channel":   `"house"`,
		"operators": `["you"]`,
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if _, ok := vals[kv[i]]; !ok {
			keys = append(keys, kv[i])
		}
		vals[kv[i]] = kv[i+1]
	}
	var b strings.Builder
	b.WriteString("\n[[house]]\n")
	for _, k := range keys {
		if v := vals[k]; v != "-" {
			fmt.Fprintf(&b, "%s = %s\n", k, v)
		}
	}
	return b.String()
}

// discordHouse is a valid Discord house with its credentials.
func discordHouse(kv ...string) string {
	base := []string{"platform", `"discord"`, "guild", `"111"`, "channel", `"222"`, "operators", `["333"]`}
	return fmt.Sprintf("[discord]\ntoken = %q\napplication_id = \"444\"\n", fakeDiscordToken) + house(append(base, kv...)...)
}

// slackHouse is a valid Slack house with its credentials.
func slackHouse(kv ...string) string {
	base := []string{"platform", `"slack"`, "channel", `"C0001"`, "operators", `["U0001"]`}
	return fmt.Sprintf("[slack]\nbot_token = %q\napp_token = %q\n", fakeBotToken, fakeAppToken) + house(append(base, kv...)...)
}

// testOptions reads the environment with getenv and checks cron specs with
// the scheduler's parser, as cmd does.
func testOptions(getenv func(string) string) Options {
	return Options{Getenv: getenv, CheckCron: func(spec string, loc *time.Location) error {
		_, err := scheduler.Parse(spec, loc)
		return err
	}}
}

func mustParse(t *testing.T, doc string) *Config {
	t.Helper()
	c, err := parse([]byte(doc), testOptions(nil))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, doc)
	}
	return c
}

func TestValidConfigs(t *testing.T) {
	tests := []struct {
		name, doc string
	}{
		{"console", house()},
		{"discord", discordHouse()},
		{"discord global commands without guild", "[discord]\nglobal_commands = true\n" + strings.Replace(discordHouse("guild", "-"), "[discord]\n", "", 1)},
		{"slack", slackHouse()},
		{"slack empty prefix", "[slack]\ncommand_prefix = \"\"\n" + strings.Replace(slackHouse(), "[slack]\n", "", 1)},
		{"descriptors and empty optional schedules", house() + "[house.checkin]\nschedule = [\"@daily\", \"30 7 * * 1-5\"]\n[house.partners]\nnudge = \"\"\nrotate = \"0 10 * * 0\"\navoid_repeat_rounds = 0\n[house.digest]\nschedule = \"\"\n"},
		{"two houses", house() + house("name", `"Oak House"`, "channel", `"oak"`)},
		{"custom questions", house() + `
[[house.checkin.questions]]
id = "mood"
kind = "scale"
label = "How are you?"
min = 0
max = 10
required = true
[[house.checkin.questions]]
id = "visibility"
kind = "choice"
label = "Who sees this?"
options = ["private", "house"]
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustParse(t, tt.doc)
		})
	}
}

// TestValidateProblems has one row per kind of problem. Each asserts that
// the error names the key, in TOML path form.
func TestValidateProblems(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"log level", "[log]\nlevel = \"loud\"\n" + house(), `log.level: "loud" is not one of`},
		{"log format", "[log]\nformat = \"xml\"\n" + house(), "log.format:"},
		{"storage path", "[storage]\npath = \"\"\n" + house(), "storage.path:"},
		{"retention", "[storage]\nretention_days = 0\n" + house(), "storage.retention_days: must be at least 1"},
		{"retention type", "[storage]\nretention_days = \"long\"\n" + house(), "storage.retention_days"},
		{"discord Bot prefix", "[discord]\ntoken = \"Bot " + fakeDiscordToken + "\"\n" + house(), `discord.token: must not start with "Bot "`},
		{"discord token shape", "[discord]\ntoken = \"not-a-token\"\n" + house(), "discord.token: does not look like a bot token"},
		{"discord token spaces", "[discord]\ntoken = \"a.b. c\"\n" + house(), "discord.token: must not contain spaces"},
		{"application id", "[discord]\napplication_id = \"porchlight\"\n" + house(), "discord.application_id:"},
		{"api base", "[discord]\napi_base = \"discord.com\"\n" + house(), "discord.api_base:"},
		{"slack bot token", "[slack]\nbot_token = \"xoxp-123\"\n" + house(), `slack.bot_token: must be a bot token starting with "xoxb-"`},
		{"slack app token", "[slack]\napp_token = \"xoxb-123\"\n" + house(), "slack.app_token:"},
		{"slack api url", "[slack]\napi_url = \"https://slack.com/api\"\n" + house(), `slack.api_url: must end with "/"`},
		{"slack api url scheme", "[slack]\napi_url = \"ftp://slack.com/api/\"\n" + house(), "slack.api_url:"},
		{"slack prefix", "[slack]\ncommand_prefix = \"Porch!\"\n" + house(), "slack.command_prefix:"},
		{"no house", "[log]\nlevel = \"info\"\n", "house: at least one [[house]]"},
		{"name missing", house("name", "-"), "house[0].name: is required"},
		{"name duplicate", house() + house("name", `"maple house"`, "channel", `"other"`), "house[1].name:"},
		{"timezone missing", house("timezone", "-"), "house[0].timezone: is required"},
		{"timezone unknown", house("timezone", `"Mars/Olympus"`), `house[0].timezone: unknown time zone "Mars/Olympus"`},
		{"timezone local", house("timezone", `"Local"`), "house[0].timezone:"},
		{"locale unknown", house("locale", `"klingon"`), `house[0].locale: "klingon" is not a language Porchlight speaks (one of en, es)`},
		{"crisis phrase with no words", house() + "[house.crisis]\nextra_phrases = [\"going to the quarry\", \"?!\"]\n", `house[0].crisis.extra_phrases[1]: "?!" has no words to match`},
		{"crisis relapse phrase", house() + "[house.crisis]\nextra_relapse_phrases = [\"  \"]\n", "house[0].crisis.extra_relapse_phrases[0]:"},
		{"crisis ignore phrase too long", house() + "[house.crisis]\nignore_phrases = [\"" + strings.Repeat("word ", 50) + "\"]\n", "house[0].crisis.ignore_phrases[0]: is longer than 200 characters"},
		{"platform missing", house("platform", "-"), "house[0].platform: is required"},
		{"platform unknown", house("platform", `"irc"`), `house[0].platform: "irc" is not one of`},
		{"guild missing", discordHouse("guild", "-"), "house[0].guild: is required"},
		{"guild not snowflake", discordHouse("guild", `"my-server"`), "house[0].guild:"},
		{"guild on console", house("guild", `"111"`), "house[0].guild: is only used"},
		{"channel missing", house("channel", "-"), "house[0].channel: is required"},
		{"channel discord", discordHouse("channel", `"#general"`), "house[0].channel:"},
		{"channel slack", slackHouse("channel", `"general"`), "house[0].channel:"},
		{"channel duplicate", house() + house("name", `"Oak"`), "house[1].channel: house[0] already uses"},
		{"operator slack", slackHouse("operators", `["robin"]`), "house[0].operators[0]:"},
		{"mentor discord", discordHouse("mentors", `["555", "Robin#1"]`), "house[0].mentors[1]:"},
		{"mentor console", house("mentors", `["two words"]`), "house[0].mentors[0]:"},
		{"discord needs token", strings.Replace(discordHouse(), "token = \""+fakeDiscordToken+"\"\n", "", 1), "discord.token: required by house[0]"},
		{"discord needs app id", strings.Replace(discordHouse(), "application_id = \"444\"\n", "", 1), "discord.application_id: required by house[0]"},
		{"slack needs bot token", strings.Replace(slackHouse(), "bot_token = \""+fakeBotToken+"\"\n", "", 1), "slack.bot_token: required by house[0]"},
		{"slack needs app token", strings.Replace(slackHouse(), "app_token = \""+fakeAppToken+"\"\n", "", 1), "slack.app_token: required by house[0]"},
		{"cron spec", house() + "[house.checkin]\nschedule = [\"0 9 * * *\", \"61 * * * *\"]\n", `house[0].checkin.schedule[1]: bad cron spec "61 * * * *":`},
		{"cron TZ prefix", house() + "[house.checkin]\nschedule = [\"TZ=UTC\"]\n", "house[0].checkin.schedule[0]: bad cron spec"},
		{"cron CRON_TZ prefix", house() + "[house.checkin]\nschedule = [\"CRON_TZ=Europe/Paris 0 9 * * *\"]\n", "the house's time zone applies"},
		{"schedule empty", house() + "[house.checkin]\nschedule = []\n", "house[0].checkin.schedule: needs at least one"},
		{"window", house() + "[house.checkin]\nwindow = \"4 hours\"\n", "house[0].checkin.window:"},
		{"window zero", house() + "[house.checkin]\nwindow = \"0s\"\n", "house[0].checkin.window: must be longer than zero"},
		{"reminder after window", house() + "[house.checkin]\nwindow = \"1h\"\nreminder_after = \"90m\"\n", "house[0].checkin.reminder_after: 90m must be shorter than window"},
		{"default visibility", house() + "[house.checkin]\ndefault_visibility = \"public\"\n", "house[0].checkin.default_visibility:"},
		{"skip date", house() + "[house.checkin]\nskip_dates = [\"2026-12-25\", \"25/12/2026\"]\n", "house[0].checkin.skip_dates[1]:"},
		{"question check", house() + "[[house.checkin.questions]]\nid = \"note\"\nkind = \"text\"\nlabel = \"Anything else?\"\n", "house[0].checkin.questions[0]: max_len must be"},
		{"question kind", house() + "[[house.checkin.questions]]\nid = \"note\"\nkind = \"essay\"\nlabel = \"Anything else?\"\n", `house[0].checkin.questions[0]: kind "essay"`},
		{"question id shape", house() + "[[house.checkin.questions]]\nid = \"Big Note\"\nkind = \"yesno\"\nlabel = \"Okay?\"\n", "house[0].checkin.questions[0].id:"},
		{"question id duplicate", house() + "[[house.checkin.questions]]\nid = \"ok\"\nkind = \"yesno\"\nlabel = \"Okay?\"\n[[house.checkin.questions]]\nid = \"ok\"\nkind = \"yesno\"\nlabel = \"Sure?\"\n", `house[0].checkin.questions[1].id: "ok" is already`},
		{"mood must be scale", house() + "[[house.checkin.questions]]\nid = \"mood\"\nkind = \"yesno\"\nlabel = \"Okay?\"\n", "house[0].checkin.questions[0].kind:"},
		{"visibility options", house() + "[[house.checkin.questions]]\nid = \"visibility\"\nkind = \"choice\"\nlabel = \"Who?\"\noptions = [\"private\", \"mentors\", \"everyone\"]\n", "house[0].checkin.questions[0].options[2]:"},
		{"partners rotate", house() + "[house.partners]\nrotate = \"weekly\"\n", "house[0].partners.rotate: bad cron spec"},
		{"partners nudge", house() + "[house.partners]\nnudge = \"0 25 * * *\"\n", "house[0].partners.nudge: bad cron spec"},
		{"partners avoid", house() + "[house.partners]\navoid_repeat_rounds = -1\n", "house[0].partners.avoid_repeat_rounds:"},
		{"digest schedule", house() + "[house.digest]\nschedule = \"0 8 * * 8\"\n", "house[0].digest.schedule: bad cron spec"},
		{"activities reminder", house() + "[house.activities]\nreminder_before = \"an hour\"\n", "house[0].activities.reminder_before:"},
		{"milestones morning", house() + "[house.milestones]\nmorning = \"9am\"\n", "house[0].milestones.morning:"},
		{"milestones extra days", house() + "[house.milestones]\nextra_days = [45, 0]\n", "house[0].milestones.extra_days[1]:"},
		{"crisis resources empty", house() + "[house.crisis]\nresources = []\n", "house[0].crisis.resources: must list"},
		{"crisis resource blank", house() + "[house.crisis]\nresources = [\"Call 988\", \" \"]\n", "house[0].crisis.resources[1]:"},
		{"crisis alert", house() + "[house.crisis]\nalert = \"never\"\n", `house[0].crisis.alert: "never"`},
		{"crisis escalate", house() + "[house.crisis]\nescalate_after = \"soon\"\n", "house[0].crisis.escalate_after:"},
		{"quiet hours shape", house("quiet_hours", `"10pm-8am"`), `house[0].quiet_hours: "10pm-8am" is not a span`},
		{"quiet hours empty span", house("quiet_hours", `"22:00-22:00"`), "house[0].quiet_hours: \"22:00-22:00\" starts and ends at the same time"},
		{"quiet hours not a string", house("quiet_hours", `22`), "house[0].quiet_hours"},
		{"second house", house() + house("name", `"Oak"`, "channel", `"oak"`) + "[house.checkin]\nwindow = \"x\"\n", "house[1].checkin.window:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse([]byte(tt.doc), testOptions(nil))
			if err == nil {
				t.Fatalf("no error; want one naming %q\n%s", tt.want, tt.doc)
			}
			if got := err.Error(); !strings.Contains(got, tt.want) {
				t.Errorf("error = %q\nwant it to contain %q", got, tt.want)
			}
			for _, tok := range []string{fakeDiscordToken, fakeBotToken, fakeAppToken, "xoxp-123"} {
				if strings.Contains(err.Error(), tok) {
					t.Errorf("error %q leaks a token", err)
				}
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	doc := "[log]\nlevel = \"loud\"\n[storage]\nretention_days = 0\n" +
		house("timezone", `"Nowhere/Town"`) + "[house.checkin]\nschedule = [\"bad\", \"0 9 * * *\", \"also bad\"]\n"
	_, err := parse([]byte(doc), testOptions(nil))
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v; want a *Error", err)
	}
	var got []string
	for _, p := range ce.Problems {
		got = append(got, p.Key)
	}
	want := []string{"log.level", "storage.retention_days", "house[0].timezone", "house[0].checkin.schedule[0]", "house[0].checkin.schedule[2]"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problem keys = %q, want %q", got, want)
	}
	if !strings.Contains(err.Error(), "5 problems") {
		t.Errorf("error = %q; want it to count 5 problems", err)
	}
}

func TestUnknownKeys(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"top level", "colour = \"blue\"\n" + house(), []string{"colour"}},
		{"in a table", "[storage]\nretension_days = 30\n" + house(), []string{"storage.retension_days"}},
		{"unknown table once", "[metrics]\nport = 9090\nhost = \"x\"\n" + house(), []string{"metrics"}},
		{"in the second house", house() + house("name", `"Oak"`, "channel", `"oak"`, "chanel", `"x"`), []string{"house[1].chanel"}},
		{"in a house sub-table", house() + house("name", `"Oak"`, "channel", `"oak"`) + "[house.checkin]\nwindw = \"1h\"\n", []string{"house[1].checkin.windw"}},
		{"in a question", house() + "[[house.checkin.questions]]\nid = \"ok\"\nkind = \"yesno\"\nlabel = \"Okay?\"\nvalue = \"yes\"\n", []string{"house[0].checkin.questions[0].value"}},
		{"several, in the order written", "[metrics]\nport = 1\n[storage]\nzzz = 1\naaa = 2\n" + house("chanel", `"x"`), []string{"metrics", "storage.zzz", "storage.aaa", "house[0].chanel"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse([]byte(tt.doc), testOptions(nil))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v; want a *Error", err)
			}
			var got []string
			for _, p := range ce.Problems {
				if p.Msg != "unknown key" {
					t.Errorf("problem %q is not an unknown key", p)
				}
				got = append(got, p.Key)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("unknown keys = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLoadConfigFile(t *testing.T) {
	t.Run("missing file", func(t *testing.T) {
		_, err := Load(filepath.Join(t.TempDir(), "nope.toml"), testOptions(nil))
		if err == nil || !strings.Contains(err.Error(), "nope.toml") {
			t.Errorf("err = %v; want it to name the file", err)
		}
	})
	t.Run("syntax error", func(t *testing.T) {
		path := writeFile(t, "[log\nlevel = 1\n", 0o600)
		_, err := Load(path, testOptions(nil))
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("err = %v; want a syntax error naming the file", err)
		}
	})
	t.Run("problems name the file", func(t *testing.T) {
		path := writeFile(t, "[log]\nlevel = \"loud\"\n"+house(), 0o600)
		_, err := Load(path, testOptions(nil))
		if err == nil || !strings.HasPrefix(err.Error(), "config "+path+": log.level") {
			t.Errorf("err = %v; want it to start with the file and key", err)
		}
	})
}

func writeFile(t *testing.T, doc string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "porchlight.toml")
	if err := os.WriteFile(path, []byte(doc), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // umask may have narrowed it
		t.Fatal(err)
	}
	return path
}

func TestEnvOverridesTokens(t *testing.T) {
	noTokens := strings.Replace(discordHouse(), "token = \""+fakeDiscordToken+"\"\n", "", 1)
	envToken := "ZW52.ZW52.ZW52"
	env := func(vals map[string]string) func(string) string {
		return func(k string) string { return vals[k] }
	}
	t.Run("env supplies missing tokens", func(t *testing.T) {
		doc := noTokens + "\n[slack]\n"
		c, err := parse([]byte(doc), testOptions(env(map[string]string{
			EnvDiscordToken:  envToken + "\n",
			EnvSlackBotToken: fakeBotToken,
			EnvSlackAppToken: fakeAppToken,
		})))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(c.Discord.Token), envToken; got != want {
			t.Errorf("discord token = %q, want %q (trimmed)", got, want)
		}
		if got, want := string(c.Slack.BotToken), fakeBotToken; got != want {
			t.Errorf("slack bot token = %q, want %q", got, want)
		}
		if got, want := string(c.Slack.AppToken), fakeAppToken; got != want {
			t.Errorf("slack app token = %q, want %q", got, want)
		}
	})
	t.Run("env wins over the file", func(t *testing.T) {
		c, err := parse([]byte(discordHouse()), testOptions(env(map[string]string{EnvDiscordToken: envToken})))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(c.Discord.Token), envToken; got != want {
			t.Errorf("discord token = %q, want %q", got, want)
		}
		if got := c.EnvSource("discord.token"); got != EnvDiscordToken {
			t.Errorf("EnvSource(discord.token) = %q, want %q", got, EnvDiscordToken)
		}
	})
	t.Run("empty env leaves the file alone", func(t *testing.T) {
		c, err := parse([]byte(discordHouse()), testOptions(env(nil)))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(c.Discord.Token), fakeDiscordToken; got != want {
			t.Errorf("discord token = %q, want %q", got, want)
		}
		if got := c.EnvSource("discord.token"); got != "" {
			t.Errorf("EnvSource(discord.token) = %q for the file's token, want none", got)
		}
	})
	t.Run("bad env token names the variable", func(t *testing.T) {
		_, err := parse([]byte(noTokens), testOptions(env(map[string]string{EnvDiscordToken: "Bot " + envToken})))
		want := "discord.token (from PORCHLIGHT_DISCORD_TOKEN): must not start with"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v; want it to contain %q", err, want)
		}
		if err != nil && strings.Contains(err.Error(), envToken) {
			t.Errorf("error %q leaks the token", err)
		}
	})
	t.Run("Load reads env", func(t *testing.T) {
		path := writeFile(t, noTokens, 0o600)
		c, err := Load(path, testOptions(env(map[string]string{EnvDiscordToken: envToken})))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(c.Discord.Token), envToken; got != want {
			t.Errorf("discord token = %q, want %q", got, want)
		}
	})
}

func TestEnvOverridesSettings(t *testing.T) {
	env := func(vals map[string]string) func(string) string {
		return func(k string) string { return vals[k] }
	}
	t.Run("env sets database, log and listener", func(t *testing.T) {
		doc := discordHouse() + "\n[log]\nlevel = \"loud\"\n"
		c, err := parse([]byte(doc), testOptions(env(map[string]string{
			EnvDB: "/var/lib/porchlight/porchlight.db", EnvLogLevel: "debug", EnvLogFormat: "json", EnvHTTPListen: ":9090\n",
		})))
		if err != nil {
			t.Fatalf("the environment's good level replaces the file's bad one: %v", err)
		}
		if c.Storage.Path != "/var/lib/porchlight/porchlight.db" || c.Log.Level != "debug" || c.Log.Format != "json" || c.HTTP.Listen != ":9090" {
			t.Errorf("config = %+v %+v %+v", c.Storage, c.Log, c.HTTP)
		}
	})
	t.Run("bad env values name the variable", func(t *testing.T) {
		_, err := parse([]byte(discordHouse()), testOptions(env(map[string]string{EnvLogFormat: "xml", EnvHTTPListen: "9090"})))
		for _, want := range []string{
			`log.format (from PORCHLIGHT_LOG_FORMAT): "xml" is not one of text, json`,
			`http.listen (from PORCHLIGHT_HTTP_LISTEN): "9090" is not host:port`,
		} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v; want it to contain %q", err, want)
			}
		}
	})
	t.Run("listen addresses", func(t *testing.T) {
		for addr, ok := range map[string]bool{
			"": true, "127.0.0.1:9090": true, ":9090": true, "[::1]:9090": true, "localhost:0": true,
			"9090": false, "127.0.0.1:http": false, "127.0.0.1:70000": false, "a b:9090": false,
		} {
			_, err := parse([]byte(discordHouse()+fmt.Sprintf("\n[http]\nlisten = %q\n", addr)), testOptions(env(nil)))
			if got := err == nil; got != ok {
				t.Errorf("listen %q: err = %v, want ok %v", addr, err, ok)
			} else if err != nil && !strings.Contains(err.Error(), "http.listen: ") {
				t.Errorf("listen %q: err = %v, want it to name http.listen", addr, err)
			}
		}
	})
}

func TestExampleConfig(t *testing.T) {
	c, err := Load("../config.example.toml", testOptions(func(string) string { return "" }))
	if err != nil {
		t.Fatalf("the shipped example must validate: %v", err)
	}
	if got, want := c.Platforms(), []string{PlatformConsole}; !reflect.DeepEqual(got, want) {
		t.Errorf("platforms = %q, want %q: the example must start the console adapter", got, want)
	}
	houses, err := c.Houses()
	if err != nil {
		t.Fatal(err)
	}
	if len(houses) != 1 {
		t.Fatalf("houses = %d, want 1", len(houses))
	}
	h := houses[0]
	if h.Platform != "console" || h.Channel != "house" || !h.IsOperator("you") {
		t.Errorf("house = %s on %s #%s, operators %q; want a console house in #house run by \"you\"", h.Name, h.Platform, h.Channel, h.Operators)
	}
	// The documented defaults in the example are the built-in ones.
	def := mustParse(t, house())
	dh, err := def.Houses()
	if err != nil {
		t.Fatal(err)
	}
	h.Name, dh[0].Name = "", ""
	if !reflect.DeepEqual(h, dh[0]) {
		t.Errorf("example house differs from the defaults:\n got %+v\nwant %+v", h, dh[0])
	}
	if got, want := c.Storage, def.Storage; got != want {
		t.Errorf("example storage = %+v, want the defaults %+v", got, want)
	}
	if got, want := c.Slack, def.Slack; got != want {
		t.Errorf("example slack = %+v, want the defaults %+v", got, want)
	}
	if got, want := c.Discord, def.Discord; got != want {
		t.Errorf("example discord = %+v, want the defaults %+v", got, want)
	}
}

func TestHousesConversion(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		c := mustParse(t, house())
		hs, err := c.Houses()
		if err != nil {
			t.Fatal(err)
		}
		h := hs[0]
		if h.Location == nil || h.Location.String() != "America/Chicago" {
			t.Errorf("location = %v, want America/Chicago", h.Location)
		}
		if h.Locale != "en" {
			t.Errorf("locale = %q, want en by default", h.Locale)
		}
		if got, want := h.Checkin.Schedules, []string{"0 9 * * *"}; !reflect.DeepEqual(got, want) {
			t.Errorf("schedules = %q, want %q", got, want)
		}
		if h.Checkin.Window != 4*time.Hour || h.Checkin.ReminderAfter != 2*time.Hour {
			t.Errorf("window, reminder = %s, %s; want 4h, 2h", h.Checkin.Window, h.Checkin.ReminderAfter)
		}
		// No questions of its own: the bot asks the default ones in each
		// reader's language, with the default visibility preselected.
		if len(h.Checkin.Questions) != 0 || h.Checkin.DefaultVisibility != bot.VisMentors {
			t.Errorf("questions, visibility = %+v, %q; want none of the house's own, mentors", h.Checkin.Questions, h.Checkin.DefaultVisibility)
		}
		if got, want := h.Crisis.Resources, bot.DefaultCrisisResources(); !reflect.DeepEqual(got, want) {
			t.Errorf("resources = %q, want %q", got, want)
		}
		if h.Crisis.AlertAlways || h.Crisis.EscalateAfter != 15*time.Minute {
			t.Errorf("crisis = %+v; want ask, 15m", h.Crisis)
		}
		if h.Activities.ReminderBefore != time.Hour {
			t.Errorf("activities reminder = %s, want 1h", h.Activities.ReminderBefore)
		}
		if got, want := h.Partners, (bot.PartnersConfig{Nudge: "0 18 * * *", AvoidRepeatRounds: 3}); got != want {
			t.Errorf("partners = %+v, want %+v", got, want)
		}
		if got, want := h.Digest, (bot.DigestConfig{Schedule: "0 8 * * 1"}); got != want {
			t.Errorf("digest = %+v, want %+v", got, want)
		}
		if h.Milestones.Morning != "09:00" || h.RetentionDays != 180 {
			t.Errorf("morning, retention = %q, %d; want 09:00, 180", h.Milestones.Morning, h.RetentionDays)
		}
		if got, want := h.QuietHours, (bot.QuietHours{Start: 22 * 60, End: 8 * 60, Set: true}); got != want {
			t.Errorf("quiet hours = %+v, want %+v (22:00-08:00)", got, want)
		}
	})
	t.Run("quiet hours", func(t *testing.T) {
		for doc, want := range map[string]bot.QuietHours{
			house("quiet_hours", `"off"`):         {},
			house("quiet_hours", `""`):            {},
			house("quiet_hours", `"13:30-15:00"`): {Start: 13*60 + 30, End: 15 * 60, Set: true},
		} {
			c, err := parse([]byte(doc), testOptions(nil))
			if err != nil {
				t.Fatalf("%s: %v", doc, err)
			}
			hs, err := c.Houses()
			if err != nil {
				t.Fatal(err)
			}
			if got := hs[0].QuietHours; got != want {
				t.Errorf("%s: quiet hours = %+v, want %+v", doc, got, want)
			}
		}
	})
	t.Run("custom", func(t *testing.T) {
		doc := "[storage]\nretention_days = 30\n" + discordHouse("mentors", `["555"]`, "consent_text", `"Our words."`) + `
[house.checkin]
schedule = ["0 8 * * *", "0 20 * * *"]
window = "90m"
reminder_after = "45m"
default_visibility = "private"
skip_dates = ["2026-12-25"]
[[house.checkin.questions]]
id = "mood"
kind = "scale"
label = "How are you?"
min = 1
max = 3
options = ["meh", "ok", "good"]
required = true
[[house.checkin.questions]]
id = "visibility"
kind = "choice"
label = "Who sees this?"
options = ["private", "mentors"]
[house.partners]
avoid_repeat_rounds = 0
[house.crisis]
resources = ["Samaritans: 116 123"]
alert = "always"
escalate_after = "5m"
[house.milestones]
morning = "07:30"
extra_days = [45, 120]
`
		c := mustParse(t, doc)
		hs, err := c.Houses()
		if err != nil {
			t.Fatal(err)
		}
		h := hs[0]
		if h.Workspace != "111" || h.Channel != "222" || !h.IsOperator("333") || !h.IsConfigMentor("555") || h.ConsentText != "Our words." {
			t.Errorf("identity = %+v", h)
		}
		if h.RetentionDays != 30 || h.Checkin.Window != 90*time.Minute || h.Checkin.ReminderAfter != 45*time.Minute {
			t.Errorf("retention, window, reminder = %d, %s, %s", h.RetentionDays, h.Checkin.Window, h.Checkin.ReminderAfter)
		}
		if len(h.Checkin.Questions) != 2 || h.Checkin.Questions[1].Value != "private" || h.Checkin.Questions[0].Value != "" {
			t.Errorf("questions = %+v; want 2, the visibility one preselecting private", h.Checkin.Questions)
		}
		if h.Partners.AvoidRepeatRounds != 0 {
			t.Errorf("avoid_repeat_rounds = %d, want an explicit 0 kept", h.Partners.AvoidRepeatRounds)
		}
		if !h.Crisis.AlertAlways || h.Crisis.EscalateAfter != 5*time.Minute || len(h.Crisis.Resources) != 1 {
			t.Errorf("crisis = %+v", h.Crisis)
		}
		if got, want := h.Milestones.ExtraDays, []int{45, 120}; !reflect.DeepEqual(got, want) {
			t.Errorf("extra days = %v, want %v", got, want)
		}
	})
	t.Run("each house has its own defaults", func(t *testing.T) {
		c := mustParse(t, house()+"[house.checkin]\nschedule = [\"0 7 * * *\"]\n"+house("name", `"Oak"`, "channel", `"oak"`))
		if got, want := c.House[1].Checkin.Schedule, []string{"0 9 * * *"}; !reflect.DeepEqual(got, want) {
			t.Errorf("second house schedule = %q, want the default %q", got, want)
		}
	})
	t.Run("invalid config", func(t *testing.T) {
		c := mustParse(t, house())
		c.House[0].Timezone = "Nowhere/Town"
		if _, err := c.Houses(); err == nil {
			t.Error("Houses converted an invalid config")
		}
	})
}

func TestTokensNeverPrint(t *testing.T) {
	doc := discordHouse() + "\n[slack]\nbot_token = \"" + fakeBotToken + "\"\napp_token = \"" + fakeAppToken + "\"\n"
	c := mustParse(t, doc)
	outputs := map[string]string{
		"String":    c.String(),
		"%v":        fmt.Sprintf("%v", c),
		"%+v value": fmt.Sprintf("%+v", *c),
		"%#v":       fmt.Sprintf("%#v", *c),
		"discord":   fmt.Sprintf("%+v", c.Discord),
		"slack":     fmt.Sprintf("%#v", c.Slack),
	}
	for name, out := range outputs {
		for _, tok := range []string{fakeDiscordToken, fakeBotToken, fakeAppToken} {
			if strings.Contains(out, tok) {
				t.Errorf("%s leaks a token:\n%s", name, out)
			}
		}
	}
	if !strings.Contains(c.String(), `token = "[redacted]"`) {
		t.Errorf("String() = %s\nwant the token shown as [redacted]", c.String())
	}
	if !strings.Contains(c.String(), `application_id = "444"`) {
		t.Errorf("String() = %s\nwant the rest of the config shown", c.String())
	}
}

func TestPermWarning(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes do not apply")
	}
	withToken := discordHouse()
	noToken := house()
	tests := []struct {
		name string
		doc  string
		mode os.FileMode
		env  string
		want bool
	}{
		{"token, world readable", withToken, 0o644, "", true},
		{"token, group readable", withToken, 0o640, "", true},
		{"token, private", withToken, 0o600, "", false},
		{"no token, world readable", noToken, 0o644, "", false},
		{"token only from env", strings.Replace(withToken, "token = \""+fakeDiscordToken+"\"\n", "", 1), 0o644, fakeDiscordToken, false},
		{"token in file, overridden by env", withToken, 0o644, fakeDiscordToken, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.doc, tt.mode)
			c, err := Load(path, testOptions(func(k string) string {
				if k == EnvDiscordToken {
					return tt.env
				}
				return ""
			}))
			if err != nil {
				t.Fatal(err)
			}
			got := c.PermWarning(path)
			if (got != "") != tt.want {
				t.Errorf("PermWarning = %q, want a warning: %v", got, tt.want)
			}
			if got != "" && (!strings.Contains(got, "chmod 600") || strings.Contains(got, fakeDiscordToken)) {
				t.Errorf("PermWarning = %q; want advice and no token", got)
			}
		})
	}
}

func TestTypeErrors(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"global", "[storage]\nretention_days = \"long\"\n" + house(), "storage.retention_days: is a TOML string; want integer (line 2)"},
		{"house", house() + house("name", "5", "channel", `"oak"`), "house[1].name: is a TOML integer; want string (line 10)"},
		{"house sub-table", house() + "[house.checkin]\nschedule = \"0 9 * * *\"\n", "house[0].checkin.schedule: is a TOML string; want array (line 9)"},
		{"boolean", "[discord]\nglobal_commands = \"yes\"\n" + house(), "discord.global_commands: is a TOML string; want boolean (line 2)"},
		{"array element", house("operators", `["you", 5]`), "house[0].operators[1]: is a TOML integer; want string (line 7)"},
		{"table", "log = \"debug\"\n" + house(), "log: is a TOML string; want table (line 1)"},
		{"array of tables for a table", "[[storage]]\npath = \"x.db\"\n" + house(), "storage: is a TOML array; want table (line 1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse([]byte(tt.doc), testOptions(nil))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v; want a *Error", err)
			}
			if len(ce.Problems) != 1 || ce.Problems[0].String() != tt.want {
				t.Errorf("problems = %q, want only %q", ce.Problems, tt.want)
			}
		})
	}
}

// A house outside the US that keeps the US resources is warned about by
// name; its own resources, or a US time zone, silence the warning.
func TestCrisisResourcesWarning(t *testing.T) {
	tests := []struct {
		name, doc string
		warn      bool
	}{
		{"US zone, defaults", house(), false},
		{"Puerto Rico, defaults", house("timezone", `"America/Puerto_Rico"`), false},
		{"UK, defaults", house("timezone", `"Europe/London"`), true},
		{"Mexico, defaults", house("timezone", `"America/Mexico_City"`), true},
		{"UK, own lines", house("timezone", `"Europe/London"`) + "[house.crisis]\nresources = [\"Samaritans: call 116 123\", \"Emergencies: 999\"]\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parse([]byte(tt.doc), testOptions(nil))
			if err != nil {
				t.Fatal(err)
			}
			got := c.Warnings()
			if tt.warn != (len(got) == 1) {
				t.Fatalf("Warnings() = %q, want a warning: %v", got, tt.warn)
			}
			if tt.warn && !strings.HasPrefix(got[0], "house[0].crisis.resources:") {
				t.Errorf("warning %q does not name house[0].crisis.resources", got[0])
			}
		})
	}
}

// A house's own phrases reach the core's screener.
func TestHouseCrisisPhrases(t *testing.T) {
	doc := house() + "[house.crisis]\nextra_phrases = [\"going to the quarry\"]\nextra_relapse_phrases = [\"hit the corner\"]\nignore_phrases = [\"dying to see\"]\n"
	c, err := parse([]byte(doc), testOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	hs, err := c.Houses()
	if err != nil {
		t.Fatal(err)
	}
	want := bot.ScreenPhrases{Danger: []string{"going to the quarry"}, Relapse: []string{"hit the corner"}, Ignore: []string{"dying to see"}}
	if got := hs[0].Crisis.Phrases; !reflect.DeepEqual(got, want) {
		t.Errorf("Crisis.Phrases = %+v, want %+v", got, want)
	}
}

// TestScheduledEvents checks [discord] scheduled_events: on by default for
// Discord houses only, off when set false.
func TestScheduledEvents(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      bool
	}{
		{"discord by default", discordHouse(), true},
		{"discord turned off", strings.Replace(discordHouse(), "[discord]\n", "[discord]\nscheduled_events = false\n", 1), false},
		{"console", house(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs, err := mustParse(t, tc.doc).Houses()
			if err != nil {
				t.Fatal(err)
			}
			if got := hs[0].Activities.CalendarEvents; got != tc.want {
				t.Errorf("calendar events = %v, want %v", got, tc.want)
			}
		})
	}
}
