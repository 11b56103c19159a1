package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/slack/slacktest"
)

// viewOf returns the id and the input elements (by block id) of the view a
// views.open or views.publish call answered.
func viewOf(t *testing.T, c slacktest.Call) (string, map[string]string) {
	t.Helper()
	if !c.OK() {
		t.Fatalf("%s refused: %s", c.Method, c.Response)
	}
	var resp struct {
		View struct {
			ID     string `json:"id"`
			Blocks []struct {
				BlockID string `json:"block_id"`
				Element struct {
					Type string `json:"type"`
				} `json:"element"`
			} `json:"blocks"`
		} `json:"view"`
	}
	if err := json.Unmarshal(c.Response, &resp); err != nil {
		t.Fatal(err)
	}
	types := map[string]string{}
	for _, b := range resp.View.Blocks {
		types[b.BlockID] = b.Element.Type
	}
	return resp.View.ID, types
}

// TestSlackFormsAndHomeEndToEnd runs the binary against the Slack fake and
// submits the registry's forms other than the check-in (which
// TestSlackEndToEnd submits) through Slack's native inputs: a House
// Mentor's new activity, and a resident's pause from the App Home, whose
// page follows the change. Monitoring is on ([http] listen), as in most
// deployments: the core the adapter gets is then wrapped for metrics, and
// must still build the home pages.
func TestSlackFormsAndHomeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	const (
		house  = "C0HOUSE"
		robin  = "U0001"
		mentor = "U0MENT"
	)
	srv := slacktest.New(slacktest.Config{Unlimited: true}) // the test clock stands still while a 429 waits; limits: adapters/slack pace_test.go
	t.Cleanup(srv.Close)
	srv.AddUser(slacktest.User{ID: robin, Name: "robin", RealName: "Robin Example", DisplayName: "Rob"})
	srv.AddUser(slacktest.User{ID: mentor, Name: "morgan"})

	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "porchlight.toml")
	config := fmt.Sprintf(`
[storage]
path = %q

[http]
listen = "127.0.0.1:0"

[slack]
api_url = %q

[[house]]
name = "Maple House"
timezone = "America/Chicago"
platform = "slack"
channel = %q
operators = ["U0OPER"]
mentors = [%q]

[house.checkin]
schedule = [%q]
`, filepath.Join(dir, "porchlight.db"), srv.APIURL(), house, mentor, e2eCheckin)
	if err := os.WriteFile(cfgPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, advance := startPorchlight(t, cfgPath, "PORCHLIGHT_SLACK_BOT_TOKEN="+srv.BotToken(), "PORCHLIGHT_SLACK_APP_TOKEN="+srv.AppToken())
	if err := srv.WaitForConnections(e2eCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	wait := func(what string, match func(slacktest.Call) bool) slacktest.Call {
		t.Helper()
		c, err := srv.WaitForCall(e2eCtx(t), match)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return c
	}
	nth := func(n int, method string) slacktest.Call {
		t.Helper()
		calls, err := srv.WaitForCalls(e2eCtx(t), n, slacktest.Method(method))
		if err != nil {
			t.Fatalf("%d calls to %s: %v", n, method, err)
		}
		return calls[n-1]
	}

	// Robin joins, and is welcomed by the display name Slack shows.
	join, _ := srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-join", UserID: robin, ChannelID: house})
	ack, err := srv.WaitForAck(e2eCtx(t), join.EnvelopeID)
	if err != nil {
		t.Fatal(err)
	}
	srv.SendBlockActions(slacktest.BlockActions{UserID: robin, ChannelID: house, Actions: []slacktest.Action{{ActionID: findActionID(string(ack.Payload), "join:accept")}}})
	wait("welcome", func(c slacktest.Call) bool {
		return c.Method == slacktest.MethodResponseURL && strings.Contains(c.Param("text"), "Welcome to Maple House, Rob!")
	})

	// The House Mentor posts an activity through the form: a date and
	// time picker, a number input and selects.
	srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-activity", Text: "add", UserID: mentor, ChannelID: house})
	viewID, types := viewOf(t, nth(1, "views.open"))
	for block, typ := range map[string]string{"title": "plain_text_input", "when": "datetimepicker", "duration": "static_select", "capacity": "number_input", "repeat": "radio_buttons"} {
		if types[block] != typ {
			t.Errorf("activity form: %s is a %q, want %s", block, types[block], typ)
		}
	}
	friday := time.Date(2026, 11, 20, 19, 0, 0, 0, e2eCheckinAt(t).Location())
	sub, err := srv.SendViewSubmission(slacktest.ViewSubmission{UserID: mentor, ViewID: viewID, Values: map[string]map[string]slacktest.Value{
		"title":    {"value": {Value: "Bowling"}},
		"when":     {"value": {SelectedDateTime: friday.Unix()}},
		"duration": {"value": {SelectedOption: &slacktest.Option{Value: "90m"}}},
		"capacity": {"value": {Value: "8"}},
		"repeat":   {"value": {SelectedOption: &slacktest.Option{Value: "none"}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if ack, err := srv.WaitForAck(e2eCtx(t), sub.EnvelopeID); err != nil || !strings.Contains(string(ack.Payload), `"clear"`) {
		t.Fatalf("activity submission ack = %s, %v", ack.Payload, err)
	}
	wait("the activity post", func(c slacktest.Call) bool {
		return c.Method == "chat.postMessage" && c.Param("channel") == house && strings.Contains(c.Param("text"), "Bowling") &&
			strings.Contains(c.Param("text"), fmt.Sprintf("<!date^%d^", friday.Unix()))
	})

	// Robin opens the App Home: the activity and a Pause button.
	srv.SendEvent(map[string]any{"type": "app_home_opened", "user": robin, "channel": srv.DMChannel(robin), "tab": "home", "event_ts": "1.1"})
	home := nth(1, "views.publish")
	if home.Param("user_id") != robin || !strings.Contains(home.Param("view"), "Bowling") || !strings.Contains(home.Param("view"), "Next check-in") {
		t.Fatalf("Robin's home = %s", home.Param("view"))
	}
	homeID, _ := viewOf(t, home)
	pause := findActionID(home.Param("view"), "home:pause")
	if pause == "" {
		t.Fatalf("no Pause button on %s", home.Param("view"))
	}

	// Pause opens a form with a date picker; the answer comes by DM.
	srv.SendBlockActions(slacktest.BlockActions{UserID: robin, ViewID: homeID, Actions: []slacktest.Action{{ActionID: pause}}})
	pauseView, types := viewOf(t, nth(2, "views.open"))
	if types["until"] != "datepicker" {
		t.Fatalf("pause form = %v, want a datepicker", types)
	}
	sub, err = srv.SendViewSubmission(slacktest.ViewSubmission{UserID: robin, ViewID: pauseView, Values: map[string]map[string]slacktest.Value{
		"until": {"value": {SelectedDate: "2026-12-01"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitForAck(e2eCtx(t), sub.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	dm := srv.DMChannel(robin)
	wait("the pause confirmation", func(c slacktest.Call) bool {
		return c.Method == "chat.postMessage" && c.Param("channel") == dm && strings.Contains(c.Param("text"), "Paused")
	})

	// A moment later the page follows: it says the pause, from the
	// refresh the core queued with the change.
	advance(5 * time.Second)
	refreshed := wait("the refreshed home", func(c slacktest.Call) bool {
		return c.Method == "views.publish" && c.Param("user_id") == robin && strings.Contains(c.Param("view"), "paused until")
	})
	if !strings.Contains(refreshed.Param("view"), "home:resume") {
		t.Errorf("refreshed home has no Resume: %s", refreshed.Param("view"))
	}
}
