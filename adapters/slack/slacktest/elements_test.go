package slacktest_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/adapters/slack/slacktest"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// openRaw opens a modal whose one input block holds the element given as
// JSON, and returns Slack's error and messages ("" when it opened).
func openRaw(t *testing.T, api *slack.Client, element string) (string, []string) {
	t.Helper()
	var el map[string]any
	if err := json.Unmarshal([]byte(element), &el); err != nil {
		t.Fatal(err)
	}
	view := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject(slack.PlainTextType, "Form", false, false)}
	view.Blocks.BlockSet = []slack.Block{rawBlock{"type": "input", "block_id": "f", "label": map[string]any{"type": "plain_text", "text": "Field"}, "element": el}}
	_, err := api.OpenView("T-elements", view)
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err, se.ResponseMetadata.Messages
	}
	if err != nil {
		t.Fatal(err)
	}
	return "", nil
}

// rawBlock is a block given as a map, for shapes slack-go would not build.
type rawBlock map[string]any

func (rawBlock) BlockType() slack.MessageBlockType { return "input" }
func (b rawBlock) ID() string                      { s, _ := b["block_id"].(string); return s }

func TestElementShapes(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	api := newAPI(srv)
	opts := func(n int) string {
		var o []string
		for i := range n {
			o = append(o, `{"text":{"type":"plain_text","text":"o"},"value":"v`+strings.Repeat("x", i)+`"}`)
		}
		return "[" + strings.Join(o, ",") + "]"
	}
	for _, c := range []struct {
		name, element, wantMsg string
	}{
		{"text", `{"type":"plain_text_input","action_id":"value","max_length":500,"placeholder":{"type":"plain_text","text":"Movie night"}}`, ""},
		{"text too long", `{"type":"plain_text_input","action_id":"value","max_length":3001}`, "max_length"},
		{"placeholder too long", `{"type":"plain_text_input","action_id":"value","placeholder":{"type":"plain_text","text":"` + strings.Repeat("p", 151) + `"}}`, "placeholder"},
		{"number", `{"type":"number_input","action_id":"value","is_decimal_allowed":false,"min_value":"1","max_value":"1000","initial_value":"12"}`, ""},
		{"number without is_decimal_allowed", `{"type":"number_input","action_id":"value"}`, "is_decimal_allowed"},
		{"number as a JSON number", `{"type":"number_input","action_id":"value","is_decimal_allowed":false,"min_value":1}`, "min_value"},
		{"decimal where whole", `{"type":"number_input","action_id":"value","is_decimal_allowed":false,"initial_value":"2.5"}`, "initial_value"},
		{"min above max", `{"type":"number_input","action_id":"value","is_decimal_allowed":true,"min_value":"5","max_value":"1"}`, "min_value"},
		{"date", `{"type":"datepicker","action_id":"value","initial_date":"2026-12-24"}`, ""},
		{"bad date", `{"type":"datepicker","action_id":"value","initial_date":"24/12/2026"}`, "initial_date"},
		{"time", `{"type":"timepicker","action_id":"value","initial_time":"19:30","timezone":"America/Chicago"}`, ""},
		{"bad time", `{"type":"timepicker","action_id":"value","initial_time":"7pm"}`, "initial_time"},
		{"bad zone", `{"type":"timepicker","action_id":"value","timezone":"Mars/Base"}`, "timezone"},
		{"date and time", `{"type":"datetimepicker","action_id":"value","initial_date_time":1795222800}`, ""},
		{"date and time in ms", `{"type":"datetimepicker","action_id":"value","initial_date_time":1795222800000}`, "initial_date_time"},
		{"date and time with a placeholder", `{"type":"datetimepicker","action_id":"value","placeholder":{"type":"plain_text","text":"when"}}`, "placeholder"},
		{"radio", `{"type":"radio_buttons","action_id":"value","options":` + opts(5) + `,"initial_option":{"text":{"type":"plain_text","text":"o"},"value":"v"}}`, ""},
		{"radio of eleven", `{"type":"radio_buttons","action_id":"value","options":` + opts(11) + `}`, "no more than 10"},
		{"select", `{"type":"static_select","action_id":"value","options":` + opts(100) + `}`, ""},
		{"select of 101", `{"type":"static_select","action_id":"value","options":` + opts(101) + `}`, "no more than 100"},
		{"initial option not offered", `{"type":"static_select","action_id":"value","options":` + opts(2) + `,"initial_option":{"text":{"type":"plain_text","text":"o"},"value":"nope"}}`, "initial_option"},
		{"button in an input", `{"type":"button","action_id":"value","text":{"type":"plain_text","text":"Go"}}`, "not an input element"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, msgs := openRaw(t, api, c.element)
			switch {
			case c.wantMsg == "" && code != "":
				t.Errorf("refused: %s %v", code, msgs)
			case c.wantMsg != "" && (code != "invalid_arguments" || !strings.Contains(strings.Join(msgs, " "), c.wantMsg)):
				t.Errorf("got %q %v, want invalid_arguments naming %q", code, msgs, c.wantMsg)
			}
		})
	}
}

func TestHomeViews(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	api := newAPI(srv)
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab}
	home.Blocks.BlockSet = []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "Hi", false, false), nil, nil)}
	if _, err := api.PublishView("U0001", home, ""); err != nil {
		t.Fatal(err)
	}
	for range 100 {
		home.Blocks.BlockSet = append(home.Blocks.BlockSet, slack.NewDividerBlock())
	}
	if _, err := api.PublishView("U0001", home, ""); err == nil || err.Error() != "invalid_arguments" {
		t.Errorf("a home of 101 blocks: err = %v, want invalid_arguments", err)
	}
	modal := slack.HomeTabViewRequest{Type: slack.VTModal}
	if _, err := api.PublishView("U0001", modal, ""); err == nil {
		t.Error("views.publish took a modal")
	}
	views := srv.Views()
	if len(views) != 1 || views[0].Type != "home" || views[0].UserID != "U0001" {
		t.Errorf("views = %+v", views)
	}
}

func TestExpireTrigger(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	api := newAPI(srv)
	srv.ExpireTrigger("T-late")
	modal := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject(slack.PlainTextType, "Form", false, false)}
	if _, err := api.OpenView("T-late", modal); err == nil || err.Error() != "expired_trigger_id" {
		t.Errorf("expired trigger: err = %v, want expired_trigger_id", err)
	}
	if _, err := api.OpenView("T-fresh", modal); err != nil {
		t.Errorf("fresh trigger: %v", err)
	}
}

func TestUsersInfoNeedsItsScope(t *testing.T) {
	srv := newServer(t, slacktest.Config{Scopes: []string{"chat:write"}})
	srv.AddUser(slacktest.User{ID: "U0001", Name: "robin"})
	api := newAPI(srv)
	_, err := api.GetUserInfo("U0001")
	if err == nil || err.Error() != "missing_scope" {
		t.Fatalf("users.info without users:read: err = %v, want missing_scope", err)
	}
	var body struct{ Needed, Provided string }
	if err := json.Unmarshal(srv.CallsTo("users.info")[0].Response, &body); err != nil || body.Needed != "users:read" || body.Provided != "chat:write" {
		t.Errorf("missing_scope answer = %+v, %v", body, err)
	}
	if _, _, err := api.PostMessage("C0HOUSE", slack.MsgOptionText("hi", false)); err != nil {
		t.Errorf("chat.postMessage with chat:write: %v", err)
	}
}

func TestSubmissionShapes(t *testing.T) {
	h := start(t, slacktest.Config{})
	view := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject(slack.PlainTextType, "Form", false, false)}
	view.Blocks.BlockSet = []slack.Block{
		slack.NewInputBlock("when", slack.NewTextBlockObject(slack.PlainTextType, "When", false, false), nil, slack.NewDateTimePickerBlockElement("value")),
		slack.NewInputBlock("n", slack.NewTextBlockObject(slack.PlainTextType, "How many", false, false), nil, slack.NewNumberInputBlockElement(nil, "value", false)),
		slack.NewInputBlock("d", slack.NewTextBlockObject(slack.PlainTextType, "Until", false, false), nil, slack.NewDatePickerBlockElement("value")),
	}
	opened, err := h.api.OpenView("T-sub", view)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.SendViewSubmission(slacktest.ViewSubmission{UserID: "U0001", ViewID: opened.ID, Values: map[string]map[string]slacktest.Value{
		"nope": {"value": {Value: "x"}},
	}}); err == nil {
		t.Error("a value for an input the view lacks was sent")
	}
	if _, err := h.srv.SendViewSubmission(slacktest.ViewSubmission{UserID: "U0001", ViewID: opened.ID, Values: map[string]map[string]slacktest.Value{
		"n": {"value": {Type: "plain_text_input", Value: "3"}},
	}}); err == nil {
		t.Error("a value of another element's type was sent")
	}
	if _, err := h.srv.SendViewSubmission(slacktest.ViewSubmission{UserID: "U0001", ViewID: opened.ID, Values: map[string]map[string]slacktest.Value{
		"when": {"value": {SelectedDateTime: 1795222800}},
		"n":    {"value": {Value: "3"}},
	}}); err != nil {
		t.Fatal(err)
	}
	ev := h.next(t, socketmode.EventTypeInteractive)
	cb, ok := ev.Data.(slack.InteractionCallback)
	if !ok {
		t.Fatalf("event data %T", ev.Data)
	}
	vals := cb.View.State.Values
	if got := vals["when"]["value"]; got.Type != "datetimepicker" || got.SelectedDateTime != 1795222800 {
		t.Errorf("when = %+v", got)
	}
	if got := vals["n"]["value"]; got.Type != "number_input" || got.Value != "3" {
		t.Errorf("n = %+v", got)
	}
	if got, ok := vals["d"]["value"]; !ok || got.Type != "datepicker" || got.SelectedDate != "" {
		t.Errorf("the empty date = %+v, %v; want a datepicker with a null date", got, ok)
	}
}

func TestResponseURLBlockLimits(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	url := srv.NewResponseURL()
	var blocks []slack.Block
	for range 51 {
		blocks = append(blocks, slack.NewDividerBlock())
	}
	msg := &slack.WebhookMessage{Text: "too many", Blocks: &slack.Blocks{BlockSet: blocks}}
	if err := slack.PostWebhook(url, msg); err == nil {
		t.Error("51 blocks went through a response_url")
	}
	msg.Blocks.BlockSet = blocks[:50]
	if err := slack.PostWebhook(url, msg); err != nil {
		t.Errorf("50 blocks: %v", err)
	}
}
