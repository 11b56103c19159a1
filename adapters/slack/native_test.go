package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/slack/slacktest"
	"github.com/porchlight/porchlight/bot"
)

// openedView returns the view a views.* or views.publish call answered.
func openedView(t *testing.T, c slacktest.Call) map[string]any {
	t.Helper()
	if !c.OK() {
		t.Fatalf("%s refused: %s", c.Method, c.Response)
	}
	var resp struct {
		View map[string]any `json:"view"`
	}
	if err := json.Unmarshal(c.Response, &resp); err != nil {
		t.Fatal(err)
	}
	return resp.View
}

// elementsByBlock maps each input block's id to its element.
func elementsByBlock(view map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	blocks, _ := view["blocks"].([]any)
	for _, b := range blocks {
		block, _ := b.(map[string]any)
		if el, ok := block["element"].(map[string]any); ok {
			id, _ := block["block_id"].(string)
			out[id] = el
		}
	}
	return out
}

func TestNativeInputs(t *testing.T) {
	hs := start(t, slacktest.Config{}, nil)
	picked := time.Date(2026, 12, 4, 18, 30, 0, 0, time.UTC)
	form := bot.Form{ID: "activity:new", Title: "New activity", Fields: []bot.Field{
		{ID: "title", Kind: bot.KindText, Label: "What is it?", MaxLen: 80, Required: true, Placeholder: "Movie night"},
		{ID: "when", Kind: bot.KindDateTime, Label: "When?", MaxLen: 40, Required: true, Value: bot.DateTimeValue(picked)},
		{ID: "length", Kind: bot.KindChoice, Label: "How long?", Options: []string{"30m", "45m", "1h", "90m", "2h", "3h"}, Value: "2h"},
		{ID: "capacity", Kind: bot.KindNumber, Label: "How many can come?", Min: 1, Max: 1000, Help: "Leave it empty for no limit."},
		{ID: "until", Kind: bot.KindDate, Label: "Until", Value: "2026-12-24"},
		{ID: "mood", Kind: bot.KindScale, Label: "Mood", Min: 1, Max: 5, Required: true},
		{ID: "reach_out", Kind: bot.KindYesNo, Label: "Someone to reach out?", Value: "no"},
	}}
	hs.h.answer(func(ev bot.Event) bot.Response {
		switch ev.Kind {
		case bot.EventCommand:
			return bot.Response{Form: &form}
		case bot.EventForm:
			return bot.Reply("Posted.")
		}
		return bot.Response{}
	})
	must[slacktest.Sent](t)(hs.srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-activity", Text: "add", UserID: mentor, ChannelID: house}))
	hs.h.next(t)
	view := openedView(t, must[slacktest.Call](t)(hs.srv.WaitForCall(ctxFor(t), slacktest.Method("views.open"))))
	els := elementsByBlock(view)
	for id, typ := range map[string]string{"title": "plain_text_input", "when": "datetimepicker", "length": "static_select",
		"capacity": "number_input", "until": "datepicker", "mood": "radio_buttons", "reach_out": "radio_buttons"} {
		if els[id]["type"] != typ {
			t.Errorf("%s is a %v, want a %s", id, els[id]["type"], typ)
		}
	}
	if n := els["when"]["initial_date_time"]; n != float64(picked.Unix()) {
		t.Errorf("when starts at %v, want %d", n, picked.Unix())
	}
	if c := els["capacity"]; c["min_value"] != "1" || c["max_value"] != "1000" || c["is_decimal_allowed"] != false {
		t.Errorf("capacity = %v", c)
	}
	if els["until"]["initial_date"] != "2026-12-24" {
		t.Errorf("until = %v", els["until"])
	}
	if p, _ := els["title"]["placeholder"].(map[string]any); p["text"] != "Movie night" {
		t.Errorf("title placeholder = %v", els["title"]["placeholder"])
	}
	if !strings.Contains(string(must[slacktest.Call](t)(hs.srv.WaitForCall(ctxFor(t), slacktest.Method("views.open"))).Param("view")), "Leave it empty for no limit.") {
		t.Error("the capacity's help is not its hint")
	}

	// Submitted in Slack's shapes, each comes back as the core's value.
	id, _ := view["id"].(string)
	must[slacktest.Sent](t)(hs.srv.SendViewSubmission(slacktest.ViewSubmission{UserID: mentor, ViewID: id, Values: map[string]map[string]slacktest.Value{
		"title":     {"value": {Value: "Bowling"}},
		"when":      {"value": {SelectedDateTime: picked.Add(time.Hour).Unix()}},
		"length":    {"value": {SelectedOption: &slacktest.Option{Value: "90m"}}},
		"capacity":  {"value": {Value: "12"}},
		"until":     {"value": {SelectedDate: "2026-12-31"}},
		"mood":      {"value": {SelectedOption: &slacktest.Option{Value: "4"}}},
		"reach_out": {"value": {SelectedOption: &slacktest.Option{Value: "yes"}}},
	}}))
	ev := hs.h.next(t)
	if ev.Kind != bot.EventForm {
		t.Fatalf("event = %+v", ev)
	}
	got := ev.Form.Values
	want := map[string]string{"title": "Bowling", "when": bot.DateTimeValue(picked.Add(time.Hour)), "length": "90m",
		"capacity": "12", "until": "2026-12-31", "mood": "4", "reach_out": "yes"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	// An input left empty comes as null in its shape, and as "" here.
	must[slacktest.Sent](t)(hs.srv.SendViewSubmission(slacktest.ViewSubmission{UserID: mentor, ViewID: id, Values: map[string]map[string]slacktest.Value{
		"title": {"value": {Value: "Bowling"}},
	}}))
	got = hs.h.next(t).Form.Values
	if got["when"] != "" || got["capacity"] != "" || got["until"] != "" {
		t.Errorf("empty inputs = %v", got)
	}
}

func TestExpiredTrigger(t *testing.T) {
	hs := start(t, slacktest.Config{}, nil)
	form := bot.Form{ID: "pause:self", Title: "Pause check-ins", Fields: []bot.Field{{ID: "until", Kind: bot.KindDate, Label: "Until", Required: true}}}
	hs.h.answer(func(ev bot.Event) bot.Response {
		if !ev.FormButtons || ev.FormLimit == 0 {
			t.Errorf("event %+v: a Slack interaction can open forms, and offers them as buttons when late", ev)
		}
		return bot.Response{Form: &form, FormAction: "form:draft:7"}
	})
	// The core was slow: by the time it answers, Slack has let the
	// trigger go.
	const trigger = "1000000001.1.expired"
	hs.srv.ExpireTrigger(trigger)
	must[slacktest.Sent](t)(hs.srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-checkin", Text: "pause", UserID: robin, ChannelID: house, TriggerID: trigger}))
	hs.h.next(t)
	open := must[slacktest.Call](t)(hs.srv.WaitForCall(ctxFor(t), slacktest.Method("views.open")))
	if open.APIError() != "expired_trigger_id" {
		t.Fatalf("views.open = %s, want expired_trigger_id", open.Response)
	}
	reply := must[slacktest.Call](t)(hs.srv.WaitForCall(ctxFor(t), slacktest.Method(slacktest.MethodResponseURL)))
	action := findAction(reply.Param("blocks"), "form:draft:7")
	if action == "" || !strings.Contains(reply.Param("text"), "form") {
		t.Fatalf("reply = %q %s, want a button that opens the form again", reply.Param("text"), reply.Param("blocks"))
	}
	// The button comes back with a fresh trigger, and the form opens.
	must[slacktest.Sent](t)(hs.srv.SendBlockActions(slacktest.BlockActions{UserID: robin, ChannelID: house, Actions: []slacktest.Action{{ActionID: action}}}))
	if ev := hs.h.next(t); ev.Kind != bot.EventAction || ev.Action.ID != "form:draft:7" {
		t.Fatalf("press = %+v", ev)
	}
	calls := must[[]slacktest.Call](t)(hs.srv.WaitForCalls(ctxFor(t), 2, slacktest.Method("views.open")))
	openedView(t, calls[1])
}

// findAction returns the action id in blocks JSON whose id is want after
// the adapter's index prefix.
func findAction(blocks, want string) string {
	var list []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
		} `json:"elements"`
	}
	_ = json.Unmarshal([]byte(blocks), &list)
	for _, b := range list {
		for _, e := range b.Elements {
			if decodeActionID(e.ActionID) == want {
				return e.ActionID
			}
		}
	}
	return ""
}

func TestDisplayNames(t *testing.T) {
	t.Run("looked up once", func(t *testing.T) {
		hs := start(t, slacktest.Config{}, nil)
		hs.srv.AddUser(slacktest.User{ID: robin, Name: "robin", RealName: "Robin Example", DisplayName: "Rob"})
		hs.srv.AddUser(slacktest.User{ID: sam, Name: "sam", RealName: "Sam Example"})
		for _, c := range []struct{ user, want string }{{robin, "Rob"}, {sam, "Sam Example"}, {mentor, "morgan"}, {robin, "Rob"}} {
			must[slacktest.Sent](t)(hs.srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-help", UserID: c.user, ChannelID: house}))
			if ev := hs.h.next(t); ev.User.Name != c.want {
				t.Errorf("%s is named %q, want %q", c.user, ev.User.Name, c.want)
			}
		}
		if n := len(hs.srv.CallsTo("users.info")); n != 3 {
			t.Errorf("users.info calls = %d, want 3 (one per person)", n)
		}
	})
	t.Run("without users:read", func(t *testing.T) {
		scopes := []string{"commands", "chat:write", "im:write", "im:history"}
		hs := start(t, slacktest.Config{Scopes: scopes}, nil)
		hs.srv.AddUser(slacktest.User{ID: robin, Name: "robin", DisplayName: "Rob"})
		for range 2 {
			must[slacktest.Sent](t)(hs.srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-help", UserID: robin, ChannelID: house}))
			if ev := hs.h.next(t); ev.User.Name != "robin" {
				t.Errorf("name = %q, want the handle", ev.User.Name)
			}
		}
		calls := hs.srv.CallsTo("users.info")
		if len(calls) != 1 || calls[0].APIError() != "missing_scope" {
			t.Errorf("users.info calls = %v, want one missing_scope", calls)
		}
	})
}

// sampleHome is a page with every part filled in.
func sampleHome(houses int) bot.Home {
	chicago, _ := time.LoadLocation("America/Chicago")
	at := time.Date(2026, 11, 20, 19, 0, 0, 0, chicago)
	var h bot.Home
	for i := range houses {
		h.Houses = append(h.Houses, bot.HomeHouse{
			Name: fmt.Sprintf("Maple House %d", i), Location: chicago, Role: bot.RoleResident | bot.RoleMentor, Joined: true,
			Round: &bot.Round{ID: 3, ClosesAt: at}, NextCheckin: at.Add(24 * time.Hour), Streak: 4, Partner: "Sam <friend>",
			Activities: []bot.HomeActivity{{ID: 9, Title: "Movie night", Place: "Living room", StartsAt: at, RSVP: "going"}},
			Staff: &bot.HomeStaff{Week: bot.HomeWeek{From: at.AddDate(0, 0, -4), Rounds: 4, Answers: 15, Missed: 2, Residents: 5},
				Alerts: []bot.HomeAlert{{Name: "Casey", Kind: bot.AlertReachOut, At: at, Choice: bot.Choice{ID: "crisisack:5", Label: "I'm on it"}}}},
			Choices: []bot.Choice{{ID: "checkin:open:3", Label: "Check in", Style: bot.StylePrimary}, {ID: "home:pause", Label: "Pause check-ins"}, {ID: "home:resources", Label: "Crisis resources"}},
		})
	}
	return h
}

func TestAppHome(t *testing.T) {
	hs := start(t, slacktest.Config{}, nil)
	// The harness's core builds pages once it runs; a refresh sent before
	// then is retried.
	hs.h.Homes = func(platform, user string) (bot.Home, error) {
		if platform != Platform {
			return bot.Home{}, errors.New("wrong platform")
		}
		if user == sam {
			return bot.Home{}, nil
		}
		return sampleHome(1), nil
	}
	published := func(n int) []slacktest.Call {
		t.Helper()
		return must[[]slacktest.Call](t)(hs.srv.WaitForCalls(ctxFor(t), n, slacktest.Method("views.publish")))
	}

	// Opening the Home tab publishes the member's page.
	must[slacktest.Sent](t)(hs.srv.SendEvent(map[string]any{"type": "app_home_opened", "user": robin, "channel": "D0ROBIN", "tab": "home", "event_ts": "1.2"}))
	call := published(1)[0]
	if call.Param("user_id") != robin {
		t.Errorf("published for %q", call.Param("user_id"))
	}
	unescape := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace
	view := unescape(call.Param("view"))
	for _, want := range []string{`"type":"home"`, "Maple House 0", "4 check-ins answered in a row", "Sam &lt;friend&gt;", "Movie night", "you: going",
		"15 answers", "Casey", "|checkin:open:3", "|home:pause", "|home:resources", "|crisisack:5", "<!date^"} {
		if !strings.Contains(view, want) {
			t.Errorf("home lacks %q: %s", want, view)
		}
	}
	// The Messages tab needs nothing.
	hs.srv.SendEvent(map[string]any{"type": "app_home_opened", "user": robin, "channel": "D0ROBIN", "tab": "messages", "event_ts": "1.3"})
	// Someone with no house gets a welcome that names the join command.
	hs.srv.SendEvent(map[string]any{"type": "app_home_opened", "user": sam, "channel": "D0SAM", "tab": "home", "event_ts": "1.4"})
	if v := published(2)[1].Param("view"); !strings.Contains(v, "/porch-join") {
		t.Errorf("welcome = %s", v)
	}
	hs.h.none(t, hs)
	if n := len(hs.srv.CallsTo("views.publish")); n != 2 {
		t.Errorf("views.publish calls = %d, want 2", n)
	}

	// A refresh from the outbox publishes the page again.
	if _, err := hs.ad.Send(context.Background(), bot.Outgoing{Target: bot.Target{Kind: bot.TargetHome, User: robin}}); err != nil {
		t.Fatal(err)
	}
	published(3)

	// A button on the page reaches the core as an action from nowhere in
	// particular; the reply goes by DM.
	hs.h.answer(func(ev bot.Event) bot.Response { return bot.Reply("Welcome back!") })
	var homeView struct {
		View struct {
			ID string `json:"id"`
		} `json:"view"`
	}
	if err := json.Unmarshal(call.Response, &homeView); err != nil {
		t.Fatal(err)
	}
	must[slacktest.Sent](t)(hs.srv.SendBlockActions(slacktest.BlockActions{UserID: robin, ViewID: homeView.View.ID, Actions: []slacktest.Action{{ActionID: "1|home:resume"}}}))
	ev := hs.h.next(t)
	if ev.Kind != bot.EventAction || ev.Action.ID != "home:resume" || ev.Channel != "" || ev.DM || ev.FormLimit == 0 {
		t.Errorf("press = %+v", ev)
	}
	dm := hs.srv.DMChannel(robin)
	must[slacktest.Call](t)(hs.srv.WaitForCall(ctxFor(t), func(c slacktest.Call) bool {
		return c.Method == "chat.postMessage" && c.Param("channel") == dm && c.Param("text") == "Welcome back!"
	}))
}

func TestAppHomeLimits(t *testing.T) {
	a := New(Config{CommandPrefix: DefaultCommandPrefix}, nil)
	v := a.homeView(sampleHome(30))
	if n := len(v.Blocks.BlockSet); n > maxHomeBlocks || n == 0 {
		t.Fatalf("blocks = %d, want 1..%d", n, maxHomeBlocks)
	}
	// Every block id is unique, as Slack requires.
	raw, _ := json.Marshal(v)
	var view struct {
		Blocks []struct {
			BlockID string `json:"block_id"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &view); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, b := range view.Blocks {
		if b.BlockID != "" && seen[b.BlockID] {
			t.Errorf("block id %q twice", b.BlockID)
		}
		seen[b.BlockID] = true
	}
	// Before Run, there is no core to build pages from: retry later.
	var re *bot.RetryError
	if _, err := a.Send(context.Background(), bot.Outgoing{Target: bot.Target{Kind: bot.TargetHome, User: robin}}); !errors.As(err, &re) {
		t.Errorf("refresh before Run = %v, want a RetryError", err)
	}
}

// TestAppHomeTabOff: an app whose manifest has no Home tab gets not_enabled
// from views.publish. The refresh fails for good rather than being
// retried, the adapter stops offering home pages, asks Slack no more, and
// tells the operator once how to turn the tab on.
func TestAppHomeTabOff(t *testing.T) {
	var logs bytes.Buffer
	var logMu sync.Mutex
	hs := start(t, slacktest.Config{HomeTabOff: true}, func(a *Adapter) {
		a.log = slog.New(slog.NewTextHandler(lockedWriter{&logMu, &logs}, nil))
	})
	if !hs.ad.HomePages() {
		t.Fatal("HomePages before Slack said anything = false")
	}
	refresh := bot.Outgoing{Target: bot.Target{Kind: bot.TargetHome, User: robin}}
	for i := range 3 {
		_, err := hs.ad.Send(context.Background(), refresh)
		var re *bot.RetryError
		if !errors.Is(err, bot.ErrUndeliverable) || errors.As(err, &re) || bot.PlatformCode(err) != "not_enabled" {
			t.Errorf("refresh %d = %v (code %q), want undeliverable with code not_enabled", i, err, bot.PlatformCode(err))
		}
	}
	if hs.ad.HomePages() {
		t.Error("HomePages after not_enabled = true")
	}
	if n := len(hs.srv.CallsTo("views.publish")); n != 1 {
		t.Errorf("views.publish calls = %d, want 1: the adapter remembers the tab is off", n)
	}
	logMu.Lock()
	defer logMu.Unlock()
	if n := strings.Count(logs.String(), "Home tab is off"); n != 1 || !strings.Contains(logs.String(), "manifest") {
		t.Errorf("log = %q, want one warning that names the manifest", logs.String())
	}
}

// lockedWriter serialises writes to a buffer shared with a test.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
