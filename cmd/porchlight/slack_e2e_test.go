package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/slack/slacktest"
	"github.com/porchlight/porchlight/bot"
)

// findActionID returns the first action_id in blocks JSON that ends with
// "|"+suffix (the adapter numbers its elements) or equals it.
func findActionID(blocks string, pattern string) string {
	re := regexp.MustCompile(`"action_id":"((?:[0-9]+\|)?` + pattern + `)"`)
	if m := re.FindStringSubmatch(blocks); m != nil {
		return m[1]
	}
	return ""
}

func TestSlackEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	const (
		house = "C0HOUSE"
		robin = "U0001"
		sam   = "U0002"
	)
	srv := slacktest.New(slacktest.Config{Unlimited: true}) // the test clock stands still while a 429 waits; limits: adapters/slack pace_test.go
	t.Cleanup(srv.Close)
	srv.AddUser(slacktest.User{ID: robin, Name: "robin"})
	srv.AddUser(slacktest.User{ID: sam, Name: "sam"})

	dir := t.TempDir()
	dbPath := filepath.Join(dir, "porchlight.db")
	cfgPath := filepath.Join(dir, "porchlight.toml")
	config := fmt.Sprintf(`
[storage]
path = %q

[log]
level = "debug"

[slack]
api_url = %q

[[house]]
name = "Maple House"
timezone = "America/Chicago"
platform = "slack"
channel = %q
operators = ["U0OPER"]

[house.checkin]
schedule = [%q]
window = "1h"
reminder_after = "30m"
`, dbPath, srv.APIURL(), house, e2eCheckin)
	if err := os.WriteFile(cfgPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}

	logs, stop, advance := startPorchlight(t, cfgPath, "PORCHLIGHT_SLACK_BOT_TOKEN="+srv.BotToken(), "PORCHLIGHT_SLACK_APP_TOKEN="+srv.AppToken())
	if err := srv.WaitForConnections(e2eCtx(t), 1); err != nil {
		t.Fatal(err)
	}

	// /porch-join: the consent text comes back privately in the ack.
	join, err := srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-join", UserID: robin, ChannelID: house})
	if err != nil {
		t.Fatal(err)
	}
	ack, err := srv.WaitForAck(e2eCtx(t), join.EnvelopeID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ack.Payload), "Do you agree?") {
		t.Fatalf("join ack = %s, want the consent text", ack.Payload)
	}
	agree := findActionID(string(ack.Payload), "join:accept")
	if agree == "" {
		t.Fatalf("no agree button in %s", ack.Payload)
	}
	press, err := srv.SendBlockActions(slacktest.BlockActions{UserID: robin, ChannelID: house, Actions: []slacktest.Action{{ActionID: agree}}})
	if err != nil {
		t.Fatal(err)
	}
	welcome, err := srv.WaitForCall(e2eCtx(t), func(c slacktest.Call) bool {
		return c.Method == slacktest.MethodResponseURL && strings.Contains(c.Param("text"), "Welcome")
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitForAck(e2eCtx(t), press.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	_ = welcome

	// No check-in is due on the test clock yet. Moved past 14:00, the
	// scheduled check-in prompt appears in the house channel.
	for _, c := range srv.CallsTo("chat.postMessage") {
		if strings.Contains(c.Param("blocks"), "checkin:open:") {
			t.Fatalf("a check-in prompt before its time: %s", c.Param("blocks"))
		}
	}
	advance(2 * time.Minute)
	post, err := srv.WaitForCall(e2eCtx(t), func(c slacktest.Call) bool {
		return c.Method == "chat.postMessage" && c.OK() && c.Param("channel") == house &&
			findActionID(c.Param("blocks"), `checkin:open:[0-9]+`) != ""
	})
	if err != nil {
		t.Fatal(err)
	}
	openID := findActionID(post.Param("blocks"), `checkin:open:[0-9]+`)
	var posted struct {
		TS string `json:"ts"`
	}
	if err := json.Unmarshal(post.Response, &posted); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(post.Param("text"), "<!date^") {
		t.Errorf("prompt %q has no Slack date", post.Param("text"))
	}
	roundID, _ := strconv.ParseInt(openID[strings.LastIndex(openID, ":")+1:], 10, 64)

	// Robin presses "Check in": a modal opens.
	srv.SendBlockActions(slacktest.BlockActions{UserID: robin, ChannelID: house, MessageTS: posted.TS, Actions: []slacktest.Action{{ActionID: openID, Text: "Check in"}}})
	open, err := srv.WaitForCall(e2eCtx(t), slacktest.Method("views.open"))
	if err != nil {
		t.Fatal(err)
	}
	if !open.OK() {
		t.Fatalf("views.open refused: %s", open.Response)
	}
	var opened struct {
		View struct {
			ID string `json:"id"`
		} `json:"view"`
	}
	if err := json.Unmarshal(open.Response, &opened); err != nil {
		t.Fatal(err)
	}

	// Robin submits it and gets a private confirmation.
	radio := func(v string) map[string]slacktest.Value {
		return map[string]slacktest.Value{"value": {Type: "radio_buttons", SelectedOption: &slacktest.Option{Value: v}}}
	}
	submit, err := srv.SendViewSubmission(slacktest.ViewSubmission{UserID: robin, ViewID: opened.View.ID, Values: map[string]map[string]slacktest.Value{
		bot.QMood:       radio("4"),
		"win":           {"value": {Value: "Went to a meeting"}},
		"hard":          {"value": {}},
		bot.QReachOut:   radio("no"),
		bot.QVisibility: radio("private"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	ack, err = srv.WaitForAck(e2eCtx(t), submit.EnvelopeID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ack.Payload), `"clear"`) {
		t.Fatalf("submission ack = %s, want clear", ack.Payload)
	}
	confirm, err := srv.WaitForCall(e2eCtx(t), func(c slacktest.Call) bool {
		return c.Method == "chat.postEphemeral" && c.Param("user") == robin && strings.Contains(c.Param("text"), "checked in")
	})
	if err != nil {
		t.Fatal(err)
	}
	if confirm.Param("channel") != house {
		t.Errorf("confirmation in %q, want the house channel", confirm.Param("channel"))
	}

	// Sam joins and checks in by DM, a conversation. A line of danger in
	// the middle gets the crisis reply, privately, with its buttons; the
	// next line answers the next question, and the check-in completes.
	join, err = srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-join", UserID: sam, ChannelID: house})
	if err != nil {
		t.Fatal(err)
	}
	ack, err = srv.WaitForAck(e2eCtx(t), join.EnvelopeID)
	if err != nil {
		t.Fatal(err)
	}
	press, err = srv.SendBlockActions(slacktest.BlockActions{UserID: sam, ChannelID: house, Actions: []slacktest.Action{{ActionID: findActionID(string(ack.Payload), "join:accept")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitForAck(e2eCtx(t), press.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitForCall(e2eCtx(t), func(c slacktest.Call) bool {
		return c.Method == slacktest.MethodResponseURL && strings.Contains(c.Param("text"), "Welcome to Maple House, sam")
	}); err != nil {
		t.Fatalf("Sam did not join: %v", err)
	}
	samDM := srv.DMChannel(sam)
	// dmReply waits for the bot's DM to Sam holding want.
	dmReply := func(want string) slacktest.Call {
		t.Helper()
		c, err := srv.WaitForCall(e2eCtx(t), func(c slacktest.Call) bool {
			return c.Method == "chat.postMessage" && c.OK() && c.Param("channel") == samDM && strings.Contains(c.Param("text"), want)
		})
		if err != nil {
			t.Fatalf("no DM to Sam holding %q: %v", want, err)
		}
		return c
	}
	for _, step := range dmCheckinWithDanger {
		if _, err := srv.SendEvent(slacktest.MessageEvent{User: sam, Channel: samDM, Text: step.say}); err != nil {
			t.Fatal(err)
		}
		dmReply(step.want)
	}
	offer := dmReply("Would you like someone from the house to reach out?")
	if findActionID(offer.Param("blocks"), `crisis:alert:[0-9]+`) == "" {
		t.Errorf("the crisis reply has no offer button: %s", offer.Param("blocks"))
	}

	// The answers are in the database, and neither they nor a token are in
	// the debug log.
	stop()
	checkE2EAnswers(t, logs.String(), dbPath, "slack", robin, sam, roundID, srv.BotToken(), srv.AppToken())
}
