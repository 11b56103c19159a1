package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/discord/discordtest"
	"github.com/porchlight/porchlight/adapters/slack/slacktest"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/config"
	"github.com/porchlight/porchlight/storage"
)

// The restart tests stop the porchlight process in the middle of a DM
// check-in and start a new one on the same database and the same fake
// platform: the resident's next DM answers the next question, because the
// form in progress is stored with each answer.

// dmBeforeRestart and dmAfterRestart are one DM check-in cut in two by a
// restart, with the reply each line should get.
var (
	dmBeforeRestart = []struct{ say, want string }{
		{"hi", "(1/5)"},
		{"4", "(2/5)"},
	}
	dmAfterRestart = []struct{ say, want string }{
		{"Went to group", "(3/5)"},
		{"skip", "(4/5)"},
		{"no", "(5/5)"},
		{"private", "you're checked in"},
	}
)

// restartConfig writes a config for one house on platform, with check-ins
// opening at 14:00 (the test clock starts at 13:58), and returns its path
// and the database's.
func restartConfig(t *testing.T, platformSection, houseLines string) (cfgPath, dbPath string) {
	t.Helper()
	dir := t.TempDir()
	dbPath = filepath.Join(dir, "porchlight.db")
	cfgPath = filepath.Join(dir, "porchlight.toml")
	config := fmt.Sprintf(`
[storage]
path = %q

[log]
level = "debug"

%s

[[house]]
name = "Maple House"
timezone = "America/Chicago"
%s

[house.checkin]
schedule = ["0 14 * * *"]
window = "1h"
reminder_after = "30m"
`, dbPath, platformSection, houseLines)
	if err := os.WriteFile(cfgPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfgPath, dbPath
}

// checkRestartedCheckin checks that the logs hold no answer and that the
// database holds the whole check-in, both halves of it.
func checkRestartedCheckin(t *testing.T, dbPath, platform, user string, logs ...*syncBuffer) {
	t.Helper()
	for _, l := range logs {
		if strings.Contains(l.String(), "Went to group") {
			t.Error("the log holds an answer")
		}
	}
	db, err := storage.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	err = db.View(ctx, func(tx bot.Tx) error {
		ms, err := tx.MembershipsOf(ctx, platform, user)
		if err != nil || len(ms) != 1 {
			return fmt.Errorf("memberships = %d, %v", len(ms), err)
		}
		hist, err := tx.MemberHistory(ctx, ms[0].ID, 10)
		if err != nil {
			return err
		}
		if len(hist) != 1 || hist[0].Mood != 4 || hist[0].Values["win"] != "Went to group" || hist[0].Values["hard"] != "" || hist[0].Visibility != bot.VisPrivate {
			return fmt.Errorf("answers = %+v, want the check-in from both sides of the restart", hist)
		}
		if _, err := tx.Conversation(ctx, platform, user, time.Time{}); !errors.Is(err, bot.ErrNotFound) {
			return fmt.Errorf("a form in progress is left after the check-in")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// discordRestart is one Discord house on the fake, shared by the
// processes of a restart test, with Sam as the resident.
type discordRestart struct {
	t               *testing.T
	f               *discordtest.Server
	cfgPath, dbPath string
}

func newDiscordRestart(t *testing.T, houseLines ...string) *discordRestart {
	f := discordtest.NewServer(t, discordtest.Config{Token: "Bot " + fakeDiscordToken})
	cfgPath, dbPath := restartConfig(t,
		fmt.Sprintf("[discord]\napplication_id = %q\napi_base = %q", discordtest.AppID, f.URL()),
		fmt.Sprintf("platform = \"discord\"\nguild = %q\nchannel = %q\noperators = [\"1400000000000000009\"]\n%s", discordtest.GuildID, discordtest.ChannelGeneral, strings.Join(houseLines, "\n")))
	return &discordRestart{t: t, f: f, cfgPath: cfgPath, dbPath: dbPath}
}

// start starts the n-th porchlight process and waits until it has
// registered its commands, which it does once its gateway session is ready.
func (d *discordRestart) start(n int) (logs *syncBuffer, stop func(), advance func(time.Duration)) {
	d.t.Helper()
	logs, stop, advance = startPorchlight(d.t, d.cfgPath, config.EnvDiscordToken+"="+fakeDiscordToken)
	if _, err := d.f.WaitCalls(e2eCtx(d.t), n, func(c discordtest.Call) bool {
		return c.Route == discordtest.RouteGuildCommands && c.Status == 200
	}); err != nil {
		d.t.Fatal(err)
	}
	return logs, stop, advance
}

// answer waits for the bot's answer to interaction id.
func (d *discordRestart) answer(id string) discordBody {
	d.t.Helper()
	c, err := d.f.WaitCall(e2eCtx(d.t), func(c discordtest.Call) bool {
		return c.Route == discordtest.RouteInteractionCallback && c.Params["interaction_id"] == id
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return decodeDiscord(d.t, c)
}

// press presses the button customID as Sam and returns the bot's answer.
func (d *discordRestart) press(customID string) discordBody {
	d.t.Helper()
	p, err := d.f.DispatchComponent(discordtest.ComponentPress{CustomID: customID, UserID: discordtest.UserSam})
	if err != nil {
		d.t.Fatal(err)
	}
	return d.answer(p.ID)
}

// joinAndOpenRound has Sam join, then advances the clock (13:58 at start)
// to the 14:00 round and returns its prompt in the house channel.
func (d *discordRestart) joinAndOpenRound(advance func(time.Duration)) discordBody {
	d.t.Helper()
	join, err := d.f.DispatchCommand(discordtest.Command{Name: "join", UserID: discordtest.UserSam})
	if err != nil {
		d.t.Fatal(err)
	}
	consent := d.answer(join.ID)
	if w := d.press(consent.customID(consent.Data.Components, "join:accept")); !strings.Contains(w.Data.Content, "Welcome") {
		d.t.Fatalf("agree answer = %q, want a welcome", w.Data.Content)
	}
	advance(2 * time.Minute)
	var prompt discordBody
	if _, err := d.f.WaitCall(e2eCtx(d.t), func(c discordtest.Call) bool {
		return c.Route == discordtest.RouteCreateMessage && c.Status == 200 && c.Params["channel_id"] == discordtest.ChannelGeneral &&
			json.Unmarshal(c.Body, &prompt) == nil && prompt.customID(prompt.Components, `checkin:open:[0-9]+`) != ""
	}); err != nil {
		d.t.Fatal(err)
	}
	return prompt
}

func TestDiscordRestartMidDMCheckin(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	sam := discordtest.UserSam
	d := newDiscordRestart(t)
	samDM := d.f.DMChannel(sam)
	// dm sends Sam's line and waits for the bot's DM holding want.
	dm := func(say, want string) {
		t.Helper()
		if _, err := d.f.DispatchMessage(discordtest.IncomingMessage{UserID: sam, InDM: true, Content: say}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.f.WaitCall(e2eCtx(t), func(c discordtest.Call) bool {
			return c.Route == discordtest.RouteCreateMessage && c.Params["channel_id"] == samDM && strings.Contains(string(c.Body), want)
		}); err != nil {
			t.Fatalf("said %q: no DM to Sam holding %q: %v", say, want, err)
		}
	}

	logs1, stop1, advance1 := d.start(1)
	d.joinAndOpenRound(advance1)
	for _, step := range dmBeforeRestart {
		dm(step.say, step.want)
	}

	// The process stops between two answers, and a new one starts.
	stop1()
	logs2, stop2, advance2 := d.start(2)
	// The new process's clock starts at 13:58 again: bring it past the
	// round's opening (which stays keyed: it does not open twice).
	advance2(4 * time.Minute)
	for _, step := range dmAfterRestart {
		dm(step.say, step.want)
	}
	stop2()
	checkRestartedCheckin(t, d.dbPath, "discord", sam, logs1, logs2)
}

// TestDiscordFixMyAnswersAfterRestart submits the activity form (two modal
// pages) with a time the core cannot read, stops the process, and presses
// "Fix my answers" in a new one: the form reopens, paged again, with what
// was typed, because the core kept it. (The check-in form's answers are
// selects and bounded text, which Discord's client checks before sending.)
func TestDiscordFixMyAnswersAfterRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	sam := discordtest.UserSam
	d := newDiscordRestart(t, fmt.Sprintf("mentors = [%q]", sam))
	logs1, stop1, _ := d.start(1)
	add, err := d.f.DispatchCommand(discordtest.Command{Name: "activity", UserID: sam, Options: []discordtest.Option{{Name: "add", Type: discordtest.OptionSubCommand}}})
	if err != nil {
		t.Fatal(err)
	}
	modal := d.answer(add.ID)
	if modal.Type != 9 || modal.Data.CustomID != "activity:new" {
		t.Fatalf("/activity add answer = type %d id %q, want the activity modal", modal.Type, modal.Data.CustomID)
	}
	submit := func(values ...discordtest.TextValue) discordBody {
		t.Helper()
		sub, err := d.f.DispatchModalSubmit(discordtest.ModalSubmit{CustomID: "activity:new", UserID: sam, Values: values})
		if err != nil {
			t.Fatal(err)
		}
		return d.answer(sub.ID)
	}
	saved := submit(discordtest.TextValue{CustomID: "title", Value: "Cooked dinner for the house"}, discordtest.TextValue{CustomID: "when", Value: "someday soon"})
	d.press(saved.customID(saved.Data.Components, "form:continue"))
	refused := submit(discordtest.TextValue{CustomID: "capacity", Value: "6"}, discordtest.TextValue{CustomID: "repeat", Value: "weekly"})
	fix := refused.customID(refused.Data.Components, `form:draft:[0-9]+`)
	if fix == "" {
		t.Fatalf("refusal = %q %+v, want a durable Fix my answers button", refused.Data.Content, refused.Data.Components)
	}

	stop1()
	logs2, stop2, _ := d.start(2)
	reopened := d.press(fix)
	stop2()
	if reopened.Type != 9 || reopened.Data.CustomID != modal.Data.CustomID || len(reopened.Data.Components) != 5 {
		t.Fatalf("fix answer = type %d id %q %q, want the first page of the activity modal again", reopened.Type, reopened.Data.CustomID, reopened.Data.Content)
	}
	typed := map[string]string{}
	for _, l := range reopened.Data.Components {
		if l.Component != nil {
			typed[l.Component.CustomID] = l.Component.Value
		}
	}
	if typed["when"] != "someday soon" || typed["title"] != "Cooked dinner for the house" {
		t.Errorf("reopened values = %v, want what was typed", typed)
	}
	for _, l := range []*syncBuffer{logs1, logs2} {
		if strings.Contains(l.String(), "Cooked dinner") {
			t.Error("the log holds an answer")
		}
	}
}

func TestSlackRestartMidDMCheckin(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	const (
		house = "C0HOUSE"
		sam   = "U0002"
	)
	srv := slacktest.New(slacktest.Config{Unlimited: true}) // the test clock stands still while a 429 waits; limits: adapters/slack pace_test.go
	t.Cleanup(srv.Close)
	srv.AddUser(slacktest.User{ID: sam, Name: "sam"})
	cfgPath, dbPath := restartConfig(t,
		fmt.Sprintf("[slack]\napi_url = %q", srv.APIURL()),
		fmt.Sprintf("platform = \"slack\"\nchannel = %q\noperators = [\"U0OPER\"]", house))
	env := []string{"PORCHLIGHT_SLACK_BOT_TOKEN=" + srv.BotToken(), "PORCHLIGHT_SLACK_APP_TOKEN=" + srv.AppToken()}
	samDM := srv.DMChannel(sam)
	// dm sends Sam's line and waits for the bot's DM holding want.
	dm := func(say, want string) {
		t.Helper()
		if _, err := srv.SendEvent(slacktest.MessageEvent{User: sam, Channel: samDM, Text: say}); err != nil {
			t.Fatal(err)
		}
		if _, err := srv.WaitForCall(e2eCtx(t), func(c slacktest.Call) bool {
			return c.Method == "chat.postMessage" && c.OK() && c.Param("channel") == samDM && strings.Contains(c.Param("text"), want)
		}); err != nil {
			t.Fatalf("said %q: no DM to Sam holding %q: %v", say, want, err)
		}
	}

	logs1, stop1, advance1 := startPorchlight(t, cfgPath, env...)
	if err := srv.WaitForConnections(e2eCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	join, err := srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-join", UserID: sam, ChannelID: house})
	if err != nil {
		t.Fatal(err)
	}
	ack, err := srv.WaitForAck(e2eCtx(t), join.EnvelopeID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.SendBlockActions(slacktest.BlockActions{UserID: sam, ChannelID: house, Actions: []slacktest.Action{{ActionID: findActionID(string(ack.Payload), "join:accept")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitForCall(e2eCtx(t), func(c slacktest.Call) bool {
		return c.Method == slacktest.MethodResponseURL && strings.Contains(c.Param("text"), "Welcome to Maple House, sam")
	}); err != nil {
		t.Fatalf("Sam did not join: %v", err)
	}
	// 14:00 on the test clock: the round opens, once its prompt is in the
	// house channel.
	advance1(2 * time.Minute)
	if _, err := srv.WaitForCall(e2eCtx(t), func(c slacktest.Call) bool {
		return c.Method == "chat.postMessage" && c.OK() && c.Param("channel") == house && findActionID(c.Param("blocks"), `checkin:open:[0-9]+`) != ""
	}); err != nil {
		t.Fatal(err)
	}
	for _, step := range dmBeforeRestart {
		dm(step.say, step.want)
	}

	// The process stops between two answers, and a new one starts.
	stop1()
	logs2, stop2, advance2 := startPorchlight(t, cfgPath, env...)
	if err := srv.WaitForConnections(e2eCtx(t), 2); err != nil {
		t.Fatal(err)
	}
	advance2(4 * time.Minute) // past the round's opening, as in the first process
	for _, step := range dmAfterRestart {
		dm(step.say, step.want)
	}
	stop2()
	checkRestartedCheckin(t, dbPath, "slack", sam, logs1, logs2)
}
