package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/slack/slacktest"
	"github.com/porchlight/porchlight/bot"
)

func TestSlashCommand(t *testing.T) {
	hs := start(t, slacktest.Config{}, nil)
	hs.h.answer(func(bot.Event) bot.Response {
		return bot.Response{Messages: []bot.Message{
			{Text: "Here is what I keep.", Choices: []bot.Choice{{ID: "join:accept", Label: "I agree", Style: bot.StylePrimary}, {ID: "join:decline", Label: "Not now"}}},
			{Text: "And a second message."},
		}}
	})
	sent := must[slacktest.Sent](t)(hs.srv.SendSlashCommand(slacktest.SlashCommand{
		Command: "/porch-checkin", Text: "pause <@U0002|sam> &lt;soon&gt; &amp; more", UserID: robin, ChannelID: house,
	}))

	ev := hs.h.next(t)
	if ev.Kind != bot.EventCommand || ev.Command == nil {
		t.Fatalf("got %s event, want a command", ev.Kind)
	}
	if got, want := ev.Command.Name, "checkin"; got != want {
		t.Errorf("command name = %q, want %q", got, want)
	}
	if got, want := ev.Command.Raw, "pause <@U0002> <soon> & more"; got != want {
		t.Errorf("raw = %q, want %q", got, want)
	}
	// The escaped mention's name is kept for replies that name the person.
	if got := ev.Command.Names; len(got) != 1 || got["U0002"] != "sam" {
		t.Errorf("names = %v, want sam's", got)
	}
	if ev.ID != sent.EnvelopeID || ev.Platform != "slack" || ev.User.ID != robin || ev.User.Name != "robin" ||
		ev.Channel != house || ev.DM || ev.FormLimit != 100 || ev.Workspace != "T0001" {
		t.Errorf("event = %+v", ev)
	}

	ack := must[slacktest.Ack](t)(hs.srv.WaitForAck(ctxFor(t), sent.EnvelopeID))
	var payload struct {
		ResponseType string            `json:"response_type"`
		Text         string            `json:"text"`
		Blocks       []json.RawMessage `json:"blocks"`
	}
	if err := ack.DecodePayload(&payload); err != nil {
		t.Fatal(err)
	}
	if payload.ResponseType != "ephemeral" || payload.Text != "Here is what I keep." || len(payload.Blocks) != 2 {
		t.Errorf("ack payload = %s", ack.Payload)
	}
	if !strings.Contains(string(ack.Payload), `"action_id":"0|join:accept"`) || !strings.Contains(string(ack.Payload), `"style":"primary"`) {
		t.Errorf("ack payload has no agree button: %s", ack.Payload)
	}
	// The second message goes by response_url, privately.
	call := must[slacktest.Call](t)(hs.srv.WaitForCall(ctxFor(t), slacktest.Method(slacktest.MethodResponseURL)))
	if got := call.Param("text"); got != "And a second message." || call.Param("response_type") != "ephemeral" {
		t.Errorf("response_url text = %q, type %q", got, call.Param("response_type"))
	}
}

func TestSlashCommandSlowCore(t *testing.T) {
	hs := start(t, slacktest.Config{}, func(a *Adapter) { a.ackWithin = 100 * time.Millisecond })
	release := make(chan struct{})
	hs.h.answer(func(bot.Event) bot.Response {
		<-release
		return bot.Reply("Done at last.")
	})
	sent := must[slacktest.Sent](t)(hs.srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-help", UserID: robin, ChannelID: house}))
	hs.h.next(t)
	ack := must[slacktest.Ack](t)(hs.srv.WaitForAck(ctxFor(t), sent.EnvelopeID))
	if len(ack.Payload) != 0 && string(ack.Payload) != "null" {
		t.Errorf("slow ack payload = %s, want none", ack.Payload)
	}
	close(release)
	call := must[slacktest.Call](t)(hs.srv.WaitForCall(ctxFor(t), slacktest.Method(slacktest.MethodResponseURL)))
	if got, want := call.Param("text"), "Done at last."; got != want {
		t.Errorf("late reply = %q, want %q", got, want)
	}
}

func TestAckWithinDeadline(t *testing.T) {
	// The fake redelivers anything not acked within 3 s, as Slack does.
	hs := start(t, slacktest.Config{}, nil)
	stuck := make(chan struct{})
	t.Cleanup(func() { close(stuck) })
	hs.h.answer(func(bot.Event) bot.Response {
		<-stuck // a core slower than Slack's deadline
		return bot.Reply("late")
	})
	start := time.Now()
	sent := must[slacktest.Sent](t)(hs.srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-help", UserID: robin, ChannelID: house}))
	ack := must[slacktest.Ack](t)(hs.srv.WaitForAck(ctxFor(t), sent.EnvelopeID))
	if d := ack.At.Sub(start); d >= 3*time.Second {
		t.Errorf("acked after %v, want under 3s", d)
	}
	if ack.Attempt != 0 {
		t.Errorf("acked attempt %d, want the first delivery", ack.Attempt)
	}
}

func TestBlockActions(t *testing.T) {
	hs := start(t, slacktest.Config{}, nil)
	hs.h.answer(func(ev bot.Event) bot.Response {
		if ev.Action.ID == "checkin:open:7" {
			return bot.Response{Form: &bot.Form{ID: "checkin:7", Title: "Check-in", Fields: []bot.Field{{ID: "win", Kind: bot.KindText, Label: "A win", MaxLen: 100}}}}
		}
		return bot.Reply("Welcome, Robin!")
	})
	t.Run("button", func(t *testing.T) {
		sent := must[slacktest.Sent](t)(hs.srv.SendBlockActions(slacktest.BlockActions{
			UserID: robin, ChannelID: house, MessageTS: "1700000000.000100",
			Actions: []slacktest.Action{{ActionID: "0|join:accept", Text: "I agree"}},
		}))
		ev := hs.h.next(t)
		if ev.Kind != bot.EventAction || ev.Action == nil {
			t.Fatalf("got %s, want an action", ev.Kind)
		}
		if ev.Action.ID != "join:accept" || ev.Action.Message != (bot.MessageRef{Channel: house, ID: "1700000000.000100"}) {
			t.Errorf("action = %+v", ev.Action)
		}
		if ev.ID != sent.EnvelopeID || ev.User.ID != robin || ev.Channel != house || ev.FormLimit != 100 {
			t.Errorf("event = %+v", ev)
		}
		must[slacktest.Ack](t)(hs.srv.WaitForAck(ctxFor(t), sent.EnvelopeID))
		call := must[slacktest.Call](t)(hs.srv.WaitForCall(ctxFor(t), slacktest.Method(slacktest.MethodResponseURL)))
		if got := call.Param("text"); got != "Welcome, Robin!" {
			t.Errorf("reply = %q", got)
		}
	})
	t.Run("same id, different values", func(t *testing.T) {
		hs.srv.SendBlockActions(slacktest.BlockActions{UserID: robin, ChannelID: "D0001", MessageTS: "1.2",
			Actions: []slacktest.Action{{ActionID: "3|form:answer", Value: "4"}}})
		ev := hs.h.next(t)
		if ev.Action.ID != "form:answer" || ev.Action.Value != "4" || !ev.DM {
			t.Errorf("action = %+v, dm %v", ev.Action, ev.DM)
		}
	})
	t.Run("select", func(t *testing.T) {
		hs.srv.SendBlockActions(slacktest.BlockActions{UserID: robin, ChannelID: house, MessageTS: "1.3",
			Actions: []slacktest.Action{{ActionID: "0|form:answer", SelectedOption: &slacktest.Option{Value: "7", Text: "7"}}}})
		ev := hs.h.next(t)
		if ev.Action.ID != "form:answer" || ev.Action.Value != "7" {
			t.Errorf("action = %+v", ev.Action)
		}
	})
	t.Run("opens a form", func(t *testing.T) {
		sent := must[slacktest.Sent](t)(hs.srv.SendBlockActions(slacktest.BlockActions{UserID: robin, ChannelID: house, MessageTS: "1.4",
			Actions: []slacktest.Action{{ActionID: "0|checkin:open:7"}}}))
		hs.h.next(t)
		call := must[slacktest.Call](t)(hs.srv.WaitForCall(ctxFor(t), slacktest.Method("views.open")))
		if !call.OK() || call.Param("trigger_id") != sent.TriggerID {
			t.Errorf("views.open = %v with trigger %q, want trigger %q", call, call.Param("trigger_id"), sent.TriggerID)
		}
	})
}

func TestModalRoundTrip(t *testing.T) {
	hs := start(t, slacktest.Config{}, nil)
	form := bot.Form{ID: "checkin:42", Title: "Edit your check-in for this week", Submit: "Check in", Fields: []bot.Field{
		{ID: "mood", Kind: bot.KindScale, Label: "How are you doing today?", Min: 1, Max: 5, Options: []string{"rough", "low", "okay", "good", "great"}, Required: true, Value: "4"},
		{ID: "win", Kind: bot.KindText, Label: "A win", MaxLen: 500, Value: "Called my sponsor"},
		{ID: "short", Kind: bot.KindText, Label: "One word", MaxLen: 20},
		{ID: "reach_out", Kind: bot.KindYesNo, Label: "Would you like someone to reach out?", Value: "no"},
		{ID: "visibility", Kind: bot.KindChoice, Label: "Who can see this?", Options: []string{"private", "mentors", "house"}, Required: true, Value: "mentors"},
		{ID: "rating", Kind: bot.KindScale, Label: "Rate 0-10", Min: 0, Max: 10},
	}}
	submissions := 0
	hs.h.answer(func(ev bot.Event) bot.Response {
		switch ev.Kind {
		case bot.EventCommand:
			return bot.Response{Form: &form}
		case bot.EventForm:
			submissions++
			if submissions == 1 {
				return bot.Response{FieldErrors: map[string]string{"mood": "\"How are you doing today?\" takes a number from 1 to 5."}}
			}
			return bot.Reply("✓ Thanks, Robin — you're checked in.")
		}
		return bot.Response{}
	})

	cmd := must[slacktest.Sent](t)(hs.srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-checkin", UserID: robin, ChannelID: house}))
	hs.h.next(t)
	call := must[slacktest.Call](t)(hs.srv.WaitForCall(ctxFor(t), slacktest.Method("views.open")))
	if !call.OK() {
		t.Fatalf("views.open refused: %s", call.Response)
	}
	if call.Param("trigger_id") != cmd.TriggerID {
		t.Errorf("trigger = %q, want %q", call.Param("trigger_id"), cmd.TriggerID)
	}
	var view struct {
		ID    string `json:"id"`
		Title struct {
			Text string `json:"text"`
		} `json:"title"`
		CallbackID      string `json:"callback_id"`
		PrivateMetadata string `json:"private_metadata"`
		Blocks          []struct {
			BlockID  string `json:"block_id"`
			Optional bool   `json:"optional"`
			Element  struct {
				Type          string `json:"type"`
				ActionID      string `json:"action_id"`
				Multiline     bool   `json:"multiline"`
				MaxLength     int    `json:"max_length"`
				InitialValue  string `json:"initial_value"`
				InitialOption *struct {
					Value string `json:"value"`
				} `json:"initial_option"`
				Options []struct {
					Value string `json:"value"`
				} `json:"options"`
			} `json:"element"`
		} `json:"blocks"`
	}
	var resp struct {
		View json.RawMessage `json:"view"`
	}
	if err := json.Unmarshal(call.Response, &resp); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(resp.View, &view); err != nil {
		t.Fatal(err)
	}
	if got := view.Title.Text; len([]rune(got)) > 24 || !strings.HasPrefix(got, "Edit your check-in") {
		t.Errorf("title = %q, want at most 24 characters", got)
	}
	if view.CallbackID != "checkin:42" {
		t.Errorf("callback_id = %q", view.CallbackID)
	}
	type want struct {
		typ       string
		optional  bool
		multiline bool
		maxLen    int
		initial   string
		options   int
	}
	wants := map[string]want{
		"mood":       {typ: "radio_buttons", initial: "4", options: 5},
		"win":        {typ: "plain_text_input", optional: true, multiline: true, maxLen: 500, initial: "Called my sponsor"},
		"short":      {typ: "plain_text_input", optional: true, maxLen: 20},
		"reach_out":  {typ: "radio_buttons", optional: true, initial: "no", options: 2},
		"visibility": {typ: "radio_buttons", initial: "mentors", options: 3},
		"rating":     {typ: "static_select", optional: true, options: 11},
	}
	if len(view.Blocks) != len(wants) {
		t.Fatalf("got %d blocks, want %d", len(view.Blocks), len(wants))
	}
	for _, b := range view.Blocks {
		w := wants[b.BlockID]
		e := b.Element
		initial := e.InitialValue
		if e.InitialOption != nil {
			initial = e.InitialOption.Value
		}
		if e.Type != w.typ || b.Optional != w.optional || e.Multiline != w.multiline || e.MaxLength != w.maxLen || initial != w.initial || len(e.Options) != w.options || e.ActionID != valueAction {
			t.Errorf("block %s = %+v optional %v, want %+v", b.BlockID, e, b.Optional, w)
		}
	}

	values := map[string]map[string]slacktest.Value{
		"mood":       {valueAction: {SelectedOption: &slacktest.Option{Value: "9"}, Type: "radio_buttons"}},
		"win":        {valueAction: {Value: "Went to a meeting"}},
		"short":      {valueAction: {}},
		"reach_out":  {valueAction: {SelectedOption: &slacktest.Option{Value: "no"}, Type: "radio_buttons"}},
		"visibility": {valueAction: {SelectedOption: &slacktest.Option{Value: "house"}, Type: "radio_buttons"}},
		"rating":     {valueAction: {Type: "static_select"}},
	}
	t.Run("field errors keep the modal open", func(t *testing.T) {
		sent := must[slacktest.Sent](t)(hs.srv.SendViewSubmission(slacktest.ViewSubmission{UserID: robin, ViewID: view.ID, Values: values}))
		ev := hs.h.next(t)
		if ev.Kind != bot.EventForm || ev.Form == nil || ev.Form.ID != "checkin:42" {
			t.Fatalf("event = %+v", ev)
		}
		wantVals := map[string]string{"mood": "9", "win": "Went to a meeting", "short": "", "reach_out": "no", "visibility": "house", "rating": ""}
		for k, v := range wantVals {
			if got := ev.Form.Values[k]; got != v {
				t.Errorf("value %s = %q, want %q", k, got, v)
			}
		}
		if ev.Channel != house || ev.FormLimit != 100 {
			t.Errorf("form event channel %q limit %d", ev.Channel, ev.FormLimit)
		}
		ack := must[slacktest.Ack](t)(hs.srv.WaitForAck(ctxFor(t), sent.EnvelopeID))
		var p struct {
			Action string            `json:"response_action"`
			Errors map[string]string `json:"errors"`
		}
		if err := ack.DecodePayload(&p); err != nil {
			t.Fatal(err)
		}
		if p.Action != "errors" || !strings.Contains(p.Errors["mood"], "1 to 5") || len(p.Errors) != 1 {
			t.Errorf("ack = %s", ack.Payload)
		}
	})
	t.Run("success clears and confirms privately", func(t *testing.T) {
		values["mood"] = map[string]slacktest.Value{valueAction: {SelectedOption: &slacktest.Option{Value: "4"}, Type: "radio_buttons"}}
		sent := must[slacktest.Sent](t)(hs.srv.SendViewSubmission(slacktest.ViewSubmission{UserID: robin, ViewID: view.ID, Values: values}))
		hs.h.next(t)
		ack := must[slacktest.Ack](t)(hs.srv.WaitForAck(ctxFor(t), sent.EnvelopeID))
		if !strings.Contains(string(ack.Payload), `"response_action":"clear"`) {
			t.Errorf("ack = %s, want clear", ack.Payload)
		}
		call := must[slacktest.Call](t)(hs.srv.WaitForCall(ctxFor(t), slacktest.Method("chat.postEphemeral")))
		if call.Param("channel") != house || call.Param("user") != robin || !strings.Contains(call.Param("text"), "checked in") {
			t.Errorf("confirmation = %v to %s/%s", call, call.Param("channel"), call.Param("user"))
		}
	})
}

func TestEvents(t *testing.T) {
	hs := start(t, slacktest.Config{}, func(a *Adapter) { a.cfg.ThreadReplies = true })
	hs.h.answer(func(ev bot.Event) bot.Response {
		switch ev.Kind {
		case bot.EventDM:
			return bot.Reply("Hi! Type /help.")
		case bot.EventReply:
			return bot.Reply("Thanks for replying!")
		}
		return bot.Response{}
	})
	dm := hs.srv.DMChannel(robin)

	t.Run("dm", func(t *testing.T) {
		sent := must[slacktest.Sent](t)(hs.srv.SendEvent(slacktest.MessageEvent{User: robin, Channel: dm, Text: "hello &amp; <@U0002>"}))
		ev := hs.h.next(t)
		if ev.Kind != bot.EventDM || !ev.DM || ev.Channel != dm || ev.Text != "hello & <@U0002>" || ev.ID != sent.EventID || ev.FormLimit != 0 {
			t.Errorf("event = %+v", ev)
		}
		call := must[slacktest.Call](t)(hs.srv.WaitForCall(ctxFor(t), func(c slacktest.Call) bool {
			return c.Method == "chat.postMessage" && c.Param("channel") == dm
		}))
		if got := call.Param("text"); got != "Hi! Type /help." {
			t.Errorf("reply = %q", got)
		}
	})
	t.Run("thread reply", func(t *testing.T) {
		hs.srv.SendEvent(slacktest.MessageEvent{User: sam, Channel: house, Text: "doing ok", ThreadTS: "1700000000.000005", ParentUserID: "U0BOT"})
		ev := hs.h.next(t)
		if ev.Kind != bot.EventReply || ev.DM || ev.Text != "doing ok" || ev.Thread != (bot.MessageRef{Channel: house, ID: "1700000000.000005"}) || ev.User.ID != sam {
			t.Errorf("event = %+v", ev)
		}
		call := must[slacktest.Call](t)(hs.srv.WaitForCall(ctxFor(t), slacktest.Method("chat.postEphemeral")))
		if call.Param("user") != sam || call.Param("thread_ts") != "1700000000.000005" {
			t.Errorf("ephemeral reply to %s in thread %s", call.Param("user"), call.Param("thread_ts"))
		}
	})
	t.Run("private channel thread reply", func(t *testing.T) {
		hs.srv.SendEvent(slacktest.MessageEvent{User: sam, Channel: "G0PRIV", Text: "ok", ThreadTS: "1.5"})
		if ev := hs.h.next(t); ev.Kind != bot.EventReply || ev.Channel != "G0PRIV" {
			t.Errorf("event = %+v", ev)
		}
	})
	t.Run("joins and leaves", func(t *testing.T) {
		hs.srv.SendEvent(slacktest.MemberJoinedChannel{User: sam, Channel: house})
		if ev := hs.h.next(t); ev.Kind != bot.EventMemberJoined || ev.User.ID != sam || ev.Channel != house {
			t.Errorf("event = %+v", ev)
		}
		hs.srv.SendEvent(slacktest.MemberLeftChannel{User: sam, Channel: house})
		if ev := hs.h.next(t); ev.Kind != bot.EventMemberLeft || ev.User.ID != sam {
			t.Errorf("event = %+v", ev)
		}
	})
	t.Run("ignored", func(t *testing.T) {
		var ids []string
		for _, ev := range []any{
			slacktest.MessageEvent{User: robin, Channel: house, Text: "group chat is not read"},
			slacktest.MessageEvent{User: robin, Channel: house, Text: "nor threads under people", ThreadTS: "1.7", ParentUserID: sam},
			slacktest.MessageEvent{User: "U0BOT", Channel: dm, Text: "my own message"},
			slacktest.MessageEvent{User: robin, Channel: dm, Text: "edited", Subtype: "message_changed"},
			slacktest.MessageEvent{User: "U0OTHER", Channel: dm, Text: "from a bot", BotID: "B0099", Subtype: "bot_message"},
			slacktest.MemberJoinedChannel{User: "U0BOT", Channel: house},
			map[string]any{"type": "reaction_added", "user": robin},
		} {
			sent := must[slacktest.Sent](t)(hs.srv.SendEvent(ev))
			ids = append(ids, sent.EnvelopeID)
		}
		hs.h.none(t, hs)
		for _, id := range ids {
			must[slacktest.Ack](t)(hs.srv.WaitForAck(ctxFor(t), id))
		}
	})
}

func TestThreadRepliesOff(t *testing.T) {
	hs := start(t, slacktest.Config{}, nil)
	sent := must[slacktest.Sent](t)(hs.srv.SendEvent(slacktest.MessageEvent{User: sam, Channel: house, Text: "doing ok", ThreadTS: "1700000000.000005", ParentUserID: "U0BOT"}))
	hs.h.none(t, hs)
	must[slacktest.Ack](t)(hs.srv.WaitForAck(ctxFor(t), sent.EnvelopeID))
}

func TestRedeliveriesHandledOnce(t *testing.T) {
	// The fake redelivers after 150 ms; the adapter waits up to 1 s for the
	// core, so a slow core makes the fake redeliver.
	hs := start(t, slacktest.Config{AckTimeout: 150 * time.Millisecond}, func(a *Adapter) { a.ackWithin = time.Second })
	gate := make(chan struct{})
	hs.h.answer(func(bot.Event) bot.Response {
		<-gate
		return bot.Response{}
	})
	for _, tc := range []struct {
		name string
		send func() (slacktest.Sent, error)
	}{
		{"event", func() (slacktest.Sent, error) {
			return hs.srv.SendEvent(slacktest.MessageEvent{User: robin, Channel: hs.srv.DMChannel(robin), Text: "hi"})
		}},
		{"slash command", func() (slacktest.Sent, error) {
			return hs.srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-help", UserID: robin, ChannelID: house})
		}},
		{"button", func() (slacktest.Sent, error) {
			return hs.srv.SendBlockActions(slacktest.BlockActions{UserID: robin, ChannelID: house, MessageTS: "1.1", Actions: []slacktest.Action{{ActionID: "0|x:y"}}})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sent := must[slacktest.Sent](t)(tc.send())
			first := hs.h.next(t)
			// Wait until the fake has redelivered, then let the core finish.
			must[[]slacktest.Delivery](t)(hs.srv.WaitForDeliveries(ctxFor(t), 2, func(d slacktest.Delivery) bool {
				return d.FirstEnvelopeID == sent.EnvelopeID
			}))
			gate <- struct{}{}
			must[slacktest.Ack](t)(hs.srv.WaitForAck(ctxFor(t), sent.EnvelopeID))
			hs.h.none(t, hs)
			gate <- struct{}{} // the marker event
			if first.ID == "" {
				t.Errorf("event has no delivery id")
			}
		})
	}
	t.Run("a retry never seen before is handled", func(t *testing.T) {
		payload := json.RawMessage(`{"type":"event_callback","team_id":"T0001","event_id":"Ev9999","event":{"type":"message","user":"U0001","channel":"D0777","channel_type":"im","text":"sent while offline","ts":"1.9"}}`)
		sent := must[slacktest.Sent](t)(hs.srv.Send(slacktest.Envelope{Type: slacktest.TypeEventsAPI, Payload: payload, RetryAttempt: 2, RetryReason: "timeout"}))
		ev := hs.h.next(t)
		gate <- struct{}{}
		if ev.ID != "Ev9999" || ev.Text != "sent while offline" {
			t.Errorf("event = %+v", ev)
		}
		must[slacktest.Ack](t)(hs.srv.WaitForAck(ctxFor(t), sent.EnvelopeID))
		// The same event again, as Slack's next retry, is acked but not handled.
		again := must[slacktest.Sent](t)(hs.srv.Send(slacktest.Envelope{Type: slacktest.TypeEventsAPI, Payload: payload, RetryAttempt: 3}))
		must[slacktest.Ack](t)(hs.srv.WaitForAck(ctxFor(t), again.EnvelopeID))
		hs.h.none(t, hs)
		gate <- struct{}{}
	})
}

func TestReconnect(t *testing.T) {
	// A short ack timeout makes the fake redeliver quickly what went to a
	// dying socket.
	hs := start(t, slacktest.Config{DisconnectGrace: 200 * time.Millisecond, AckTimeout: 300 * time.Millisecond}, nil)
	dm := hs.srv.DMChannel(robin)
	send := func(t *testing.T, text string) {
		t.Helper()
		sent := must[slacktest.Sent](t)(hs.srv.SendEvent(slacktest.MessageEvent{User: robin, Channel: dm, Text: text}))
		if ev := hs.h.next(t); ev.Text != text {
			t.Errorf("got %q, want %q", ev.Text, text)
		}
		must[slacktest.Ack](t)(hs.srv.WaitForAck(ctxFor(t), sent.EnvelopeID))
	}
	send(t, "before")
	t.Run("disconnect message", func(t *testing.T) {
		if n := hs.srv.Disconnect("refresh_requested"); n != 1 {
			t.Fatalf("told %d connections, want 1", n)
		}
		if err := hs.srv.WaitForConnections(ctxFor(t), 2); err != nil {
			t.Fatal(err)
		}
		send(t, "after disconnect")
	})
	t.Run("dropped socket", func(t *testing.T) {
		hs.srv.DropConnections()
		// Sent while the socket is down: queued by Slack, delivered on the
		// next connection, not lost.
		sent := must[slacktest.Sent](t)(hs.srv.SendEvent(slacktest.MessageEvent{User: robin, Channel: dm, Text: "while down"}))
		if err := hs.srv.WaitForConnections(ctxFor(t), 3); err != nil {
			t.Fatal(err)
		}
		if ev := hs.h.next(t); ev.Text != "while down" {
			t.Errorf("got %q", ev.Text)
		}
		must[slacktest.Ack](t)(hs.srv.WaitForAck(ctxFor(t), sent.EnvelopeID))
		send(t, "after drop")
	})
}

func TestViewSubmissionEdges(t *testing.T) {
	hs := start(t, slacktest.Config{}, func(a *Adapter) { a.ackWithin = 100 * time.Millisecond })
	release := make(chan struct{})
	page2 := bot.Form{ID: "checkin:9", Title: "Continued", Fields: []bot.Field{{ID: "hard", Kind: bot.KindText, Label: "What's hard?", MaxLen: 500}}}
	hs.h.answer(func(ev bot.Event) bot.Response {
		switch ev.Form.Values["mode"] {
		case "slow":
			<-release
			return bot.Response{FieldErrors: map[string]string{"mode": "That is not a mode."}}
		case "page":
			return bot.Response{Form: &page2}
		}
		return bot.Response{}
	})
	meta := `{"f":"checkin:9","c":"D0DM1","d":true}`
	t.Run("next page updates the modal", func(t *testing.T) {
		sent := must[slacktest.Sent](t)(hs.srv.SendViewSubmission(slacktest.ViewSubmission{UserID: robin, PrivateMetadata: meta,
			Values: map[string]map[string]slacktest.Value{"mode": {valueAction: {Value: "page"}}}}))
		ev := hs.h.next(t)
		if ev.Form.ID != "checkin:9" || !ev.DM || ev.Channel != "D0DM1" {
			t.Errorf("event = %+v", ev)
		}
		ack := must[slacktest.Ack](t)(hs.srv.WaitForAck(ctxFor(t), sent.EnvelopeID))
		var p struct {
			Action string `json:"response_action"`
			View   struct {
				Type   string `json:"type"`
				Blocks []struct {
					BlockID string `json:"block_id"`
				} `json:"blocks"`
			} `json:"view"`
		}
		if err := ack.DecodePayload(&p); err != nil {
			t.Fatal(err)
		}
		if p.Action != "update" || p.View.Type != "modal" || len(p.View.Blocks) != 1 || p.View.Blocks[0].BlockID != "hard" {
			t.Errorf("ack = %s", ack.Payload)
		}
	})
	t.Run("errors after a late ack go to the DM", func(t *testing.T) {
		sent := must[slacktest.Sent](t)(hs.srv.SendViewSubmission(slacktest.ViewSubmission{UserID: robin, PrivateMetadata: meta,
			Values: map[string]map[string]slacktest.Value{"mode": {valueAction: {Value: "slow"}}}}))
		hs.h.next(t)
		ack := must[slacktest.Ack](t)(hs.srv.WaitForAck(ctxFor(t), sent.EnvelopeID))
		if len(ack.Payload) != 0 {
			t.Errorf("late ack payload = %s, want none", ack.Payload)
		}
		close(release)
		call := must[slacktest.Call](t)(hs.srv.WaitForCall(ctxFor(t), slacktest.Method("chat.postMessage")))
		if call.Param("channel") != "D0DM1" || !strings.Contains(call.Param("text"), "That is not a mode.") {
			t.Errorf("errors message = %q in %s", call.Param("text"), call.Param("channel"))
		}
	})
}

func TestSlashCommandInDM(t *testing.T) {
	hs := start(t, slacktest.Config{}, nil)
	hs.h.answer(func(bot.Event) bot.Response { return bot.Reply("Hello") })
	dm := hs.srv.DMChannel(robin)
	sent := must[slacktest.Sent](t)(hs.srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-help", UserID: robin, ChannelID: dm}))
	ev := hs.h.next(t)
	if !ev.DM || ev.Channel != dm || ev.Command.Name != "help" {
		t.Errorf("event = %+v", ev)
	}
	ack := must[slacktest.Ack](t)(hs.srv.WaitForAck(ctxFor(t), sent.EnvelopeID))
	if !strings.Contains(string(ack.Payload), `"text":"Hello"`) {
		t.Errorf("ack = %s", ack.Payload)
	}
}

func TestRefusedTokens(t *testing.T) {
	srv := slacktest.New(slacktest.Config{})
	t.Cleanup(srv.Close)
	tests := []struct {
		name     string
		bot, app string
	}{
		{"bot token", "xoxb-wrong", srv.AppToken()},
		{"app token", srv.BotToken(), "xapp-wrong"},
		{"swapped", srv.AppToken(), srv.BotToken()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ad := New(Config{BotToken: tc.bot, AppToken: tc.app, APIURL: srv.APIURL()}, nil)
			done := make(chan error, 1)
			go func() { done <- ad.Run(ctxFor(t), newHandler()) }()
			select {
			case err := <-done:
				if err == nil {
					t.Error("Run returned nil, want an error")
				}
			case <-time.After(waitFor):
				t.Fatal("Run kept going with a refused token")
			}
		})
	}
}
