package slacktest_test

import (
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/slack/slacktest"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

func TestHello(t *testing.T) {
	h := start(t, slacktest.Config{})
	ev := h.next(t, socketmode.EventTypeHello)
	if got, want := ev.Request.ConnectionInfo.AppID, "A0001"; got != want {
		t.Errorf("hello app_id = %q, want %q", got, want)
	}
	if got, want := ev.Request.NumConnections, 1; got != want {
		t.Errorf("hello num_connections = %d, want %d", got, want)
	}
	if ev.Request.DebugInfo.Host == "" {
		t.Errorf("hello has no debug_info.host")
	}
	calls := h.srv.CallsTo("apps.connections.open")
	if len(calls) != 1 {
		t.Fatalf("apps.connections.open calls = %d, want 1", len(calls))
	}
	if got, want := calls[0].Token, h.srv.AppToken(); got != want {
		t.Errorf("apps.connections.open token = %q, want the app token", got)
	}
	if got, want := h.srv.Connections(), 1; got != want {
		t.Errorf("Connections() = %d, want %d", got, want)
	}
}

func TestEventsAPI(t *testing.T) {
	h := start(t, slacktest.Config{})
	h.next(t, socketmode.EventTypeHello)
	dm := h.srv.DMChannel("U0001")

	tests := []struct {
		name  string
		event any
		check func(t *testing.T, inner any)
	}{
		{
			name:  "message.im",
			event: slacktest.MessageEvent{User: "U0001", Channel: dm, Text: "hello"},
			check: func(t *testing.T, inner any) {
				m, ok := inner.(*slackevents.MessageEvent)
				if !ok {
					t.Fatalf("inner event is %T, want *slackevents.MessageEvent", inner)
				}
				if m.Text != "hello" || m.ChannelType != "im" || m.Channel != dm || m.User != "U0001" {
					t.Errorf("got text %q type %q channel %q user %q, want hello im %s U0001", m.Text, m.ChannelType, m.Channel, m.User, dm)
				}
			},
		},
		{
			name:  "thread reply in channel",
			event: slacktest.MessageEvent{User: "U0001", Channel: "C0001", Text: "done", ThreadTS: "1700000000.000001"},
			check: func(t *testing.T, inner any) {
				m := inner.(*slackevents.MessageEvent)
				if got, want := m.ThreadTimeStamp, "1700000000.000001"; got != want {
					t.Errorf("thread_ts = %q, want %q", got, want)
				}
				if got, want := m.ChannelType, "channel"; got != want {
					t.Errorf("channel_type = %q, want %q", got, want)
				}
			},
		},
		{
			name:  "member_joined_channel",
			event: slacktest.MemberJoinedChannel{User: "U0002", Channel: "C0001"},
			check: func(t *testing.T, inner any) {
				m, ok := inner.(*slackevents.MemberJoinedChannelEvent)
				if !ok {
					t.Fatalf("inner event is %T, want *slackevents.MemberJoinedChannelEvent", inner)
				}
				if m.User != "U0002" || m.Channel != "C0001" || m.ChannelType != "C" {
					t.Errorf("got user %q channel %q type %q", m.User, m.Channel, m.ChannelType)
				}
			},
		},
		{
			name:  "member_left_channel",
			event: slacktest.MemberLeftChannel{User: "U0002", Channel: "G0001"},
			check: func(t *testing.T, inner any) {
				m, ok := inner.(*slackevents.MemberLeftChannelEvent)
				if !ok {
					t.Fatalf("inner event is %T, want *slackevents.MemberLeftChannelEvent", inner)
				}
				if m.User != "U0002" || m.ChannelType != "G" {
					t.Errorf("got user %q type %q", m.User, m.ChannelType)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent, err := h.srv.SendEvent(tt.event)
			if err != nil {
				t.Fatal(err)
			}
			ev := h.next(t, socketmode.EventTypeEventsAPI)
			if got, want := ev.Request.EnvelopeID, sent.EnvelopeID; got != want {
				t.Errorf("envelope_id = %q, want %q", got, want)
			}
			api := ev.Data.(slackevents.EventsAPIEvent)
			cb := api.Data.(*slackevents.EventsAPICallbackEvent)
			if got, want := cb.EventID, sent.EventID; got != want {
				t.Errorf("event_id = %q, want %q", got, want)
			}
			tt.check(t, api.InnerEvent.Data)
			if err := h.client.Ack(*ev.Request); err != nil {
				t.Fatal(err)
			}
			ack, err := h.srv.WaitForAck(ctx(t), sent.EnvelopeID)
			if err != nil {
				t.Fatal(err)
			}
			if !ack.Known || ack.Payload != nil || ack.Type != slacktest.TypeEventsAPI {
				t.Errorf("ack = %+v, want a known events_api ack without payload", ack)
			}
		})
	}
	if got, want := len(h.srv.Messages(dm)), 1; got != want {
		t.Errorf("messages recorded in the DM = %d, want %d", got, want)
	}
}

func TestSlashCommandAckPayload(t *testing.T) {
	h := start(t, slacktest.Config{})
	h.srv.AddUser(slacktest.User{ID: "U0001", Name: "robin"})
	sent, err := h.srv.SendSlashCommand(slacktest.SlashCommand{
		Command: "/porch-checkin", Text: "good", UserID: "U0001", ChannelID: "C0001",
	})
	if err != nil {
		t.Fatal(err)
	}
	ev := h.next(t, socketmode.EventTypeSlashCommand)
	cmd := ev.Data.(slack.SlashCommand)
	if cmd.Command != "/porch-checkin" || cmd.Text != "good" || cmd.UserID != "U0001" || cmd.UserName != "robin" || cmd.ChannelID != "C0001" {
		t.Errorf("slash command = %+v", cmd)
	}
	if cmd.TriggerID != sent.TriggerID || cmd.ResponseURL != sent.ResponseURL || cmd.ResponseURL == "" {
		t.Errorf("trigger %q url %q, want %q %q", cmd.TriggerID, cmd.ResponseURL, sent.TriggerID, sent.ResponseURL)
	}
	if !ev.Request.AcceptsResponsePayload {
		t.Errorf("slash command envelope does not accept a response payload")
	}
	if err := h.client.Ack(*ev.Request, map[string]any{"text": "Checked in."}); err != nil {
		t.Fatal(err)
	}
	ack, err := h.srv.WaitForAck(ctx(t), sent.EnvelopeID)
	if err != nil {
		t.Fatal(err)
	}
	var reply struct {
		Text string `json:"text"`
	}
	if err := ack.DecodePayload(&reply); err != nil {
		t.Fatal(err)
	}
	if got, want := reply.Text, "Checked in."; got != want {
		t.Errorf("ack payload text = %q, want %q", got, want)
	}
}

func TestViewSubmissionAckErrors(t *testing.T) {
	h := start(t, slacktest.Config{})
	h.next(t, socketmode.EventTypeHello)
	// Open a modal the way an adapter would, from a slash command's trigger.
	slash, err := h.srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-checkin", UserID: "U0001", ChannelID: "C0001"})
	if err != nil {
		t.Fatal(err)
	}
	modal := slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           slack.NewTextBlockObject(slack.PlainTextType, "Check in", false, false),
		Submit:          slack.NewTextBlockObject(slack.PlainTextType, "Send", false, false),
		CallbackID:      "checkin",
		PrivateMetadata: "house=H1",
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("mood", slack.NewTextBlockObject(slack.PlainTextType, "Mood", false, false), nil,
				slack.NewPlainTextInputBlockElement(nil, "mood_input")),
		}},
	}
	opened, err := h.api.OpenView(slash.TriggerID, modal)
	if err != nil {
		t.Fatalf("OpenView: %v", err)
	}
	if _, err := h.api.OpenView(slash.TriggerID, modal); err == nil || err.Error() != "exchanged_trigger_id" {
		t.Errorf("second OpenView with one trigger: err = %v, want exchanged_trigger_id", err)
	}

	sent, err := h.srv.SendViewSubmission(slacktest.ViewSubmission{
		UserID: "U0001", ViewID: opened.ID,
		Values: map[string]map[string]slacktest.Value{"mood": {"mood_input": {Value: "tired"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ev := h.next(t, socketmode.EventTypeInteractive)
	cb := ev.Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeViewSubmission {
		t.Fatalf("interaction type = %q, want view_submission", cb.Type)
	}
	if cb.View.ID != opened.ID || cb.View.CallbackID != "checkin" || cb.View.PrivateMetadata != "house=H1" {
		t.Errorf("view id %q callback %q metadata %q", cb.View.ID, cb.View.CallbackID, cb.View.PrivateMetadata)
	}
	if got, want := cb.View.State.Values["mood"]["mood_input"].Value, "tired"; got != want {
		t.Errorf("state value = %q, want %q", got, want)
	}
	if err := h.client.Ack(*ev.Request, slack.NewErrorsViewSubmissionResponse(map[string]string{"mood": "Say a bit more."})); err != nil {
		t.Fatal(err)
	}
	ack, err := h.srv.WaitForAck(ctx(t), sent.EnvelopeID)
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
	}
	if err := ack.DecodePayload(&resp); err != nil {
		t.Fatal(err)
	}
	if resp.ResponseAction != "errors" || resp.Errors["mood"] != "Say a bit more." {
		t.Errorf("ack payload = %+v, want errors for mood", resp)
	}
}

func TestBlockActions(t *testing.T) {
	h := start(t, slacktest.Config{})
	h.next(t, socketmode.EventTypeHello)
	_, ts, err := h.api.PostMessage("C0001", slack.MsgOptionText("Chores", false))
	if err != nil {
		t.Fatal(err)
	}
	sent, err := h.srv.SendBlockActions(slacktest.BlockActions{
		UserID: "U0001", ChannelID: "C0001", MessageTS: ts,
		Actions: []slacktest.Action{
			{ActionID: "done", BlockID: "chore", Value: "dishes"},
			{ActionID: "pick", SelectedOption: &slacktest.Option{Value: "mon", Text: "Monday"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ev := h.next(t, socketmode.EventTypeInteractive)
	cb := ev.Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeBlockActions {
		t.Fatalf("interaction type = %q, want block_actions", cb.Type)
	}
	acts := cb.ActionCallback.BlockActions
	if len(acts) != 2 {
		t.Fatalf("block actions = %d, want 2", len(acts))
	}
	if acts[0].ActionID != "done" || acts[0].BlockID != "chore" || acts[0].Value != "dishes" {
		t.Errorf("first action = %+v", acts[0])
	}
	if got, want := acts[1].SelectedOption.Value, "mon"; got != want {
		t.Errorf("selected option = %q, want %q", got, want)
	}
	if cb.Container.MessageTs != ts || cb.Channel.ID != "C0001" || cb.Message.Text != "Chores" {
		t.Errorf("container ts %q channel %q message %q", cb.Container.MessageTs, cb.Channel.ID, cb.Message.Text)
	}
	if cb.ResponseURL != sent.ResponseURL {
		t.Errorf("response_url = %q, want %q", cb.ResponseURL, sent.ResponseURL)
	}
	if err := h.client.Ack(*ev.Request); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.WaitForAck(ctx(t), sent.EnvelopeID); err != nil {
		t.Fatal(err)
	}

	// A reply through the response_url replaces the original message.
	_, _, err = h.api.PostMessage("", slack.MsgOptionReplaceOriginal(cb.ResponseURL), slack.MsgOptionText("Chores: dishes done", false))
	if err != nil {
		t.Fatalf("response_url post: %v", err)
	}
	call, err := h.srv.WaitForCall(ctx(t), slacktest.Method(slacktest.MethodResponseURL))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := call.Param("replace_original"), "true"; got != want {
		t.Errorf("replace_original = %q, want %q", got, want)
	}
	msgs := h.srv.Messages("C0001")
	if len(msgs) != 1 || msgs[0].Text != "Chores: dishes done" || !msgs[0].Edited {
		t.Errorf("messages after replace = %+v", msgs)
	}
}

func TestLateAckIsRedelivered(t *testing.T) {
	h := start(t, slacktest.Config{AckTimeout: 100 * time.Millisecond})
	h.next(t, socketmode.EventTypeHello)

	t.Run("events_api gets a new envelope id", func(t *testing.T) {
		sent, err := h.srv.SendEvent(slacktest.MessageEvent{User: "U0001", Channel: "D0001", Text: "hi"})
		if err != nil {
			t.Fatal(err)
		}
		first := h.next(t, socketmode.EventTypeEventsAPI)
		if got := first.Request.RetryAttempt; got != 0 {
			t.Fatalf("first retry_attempt = %d, want 0", got)
		}
		// No ack: the fake redelivers.
		second := h.next(t, socketmode.EventTypeEventsAPI)
		if got, want := second.Request.RetryAttempt, 1; got != want {
			t.Errorf("redelivery retry_attempt = %d, want %d", got, want)
		}
		if got, want := second.Request.RetryReason, "timeout"; got != want {
			t.Errorf("redelivery retry_reason = %q, want %q", got, want)
		}
		if second.Request.EnvelopeID == sent.EnvelopeID {
			t.Errorf("redelivery kept envelope id %q", sent.EnvelopeID)
		}
		cb := second.Data.(slackevents.EventsAPIEvent).Data.(*slackevents.EventsAPICallbackEvent)
		if got, want := cb.EventID, sent.EventID; got != want {
			t.Errorf("redelivery event_id = %q, want %q", got, want)
		}
		if err := h.client.Ack(*second.Request); err != nil {
			t.Fatal(err)
		}
		ack, err := h.srv.WaitForAck(ctx(t), sent.EnvelopeID)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ack.Attempt, 1; got != want {
			t.Errorf("acked attempt = %d, want %d", got, want)
		}
		if got, want := ack.FirstEnvelopeID, sent.EnvelopeID; got != want {
			t.Errorf("ack first envelope = %q, want %q", got, want)
		}
	})

	t.Run("slash command keeps its envelope id", func(t *testing.T) {
		sent, err := h.srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-help", UserID: "U0001", ChannelID: "C0001"})
		if err != nil {
			t.Fatal(err)
		}
		h.next(t, socketmode.EventTypeSlashCommand)
		second := h.next(t, socketmode.EventTypeSlashCommand)
		if second.Request.EnvelopeID != sent.EnvelopeID || second.Request.RetryAttempt != 1 {
			t.Errorf("redelivery id %q attempt %d, want %q 1", second.Request.EnvelopeID, second.Request.RetryAttempt, sent.EnvelopeID)
		}
		if err := h.client.Ack(*second.Request); err != nil {
			t.Fatal(err)
		}
		if _, err := h.srv.WaitForAck(ctx(t), sent.EnvelopeID); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("expires after MaxRetries", func(t *testing.T) {
		sent, err := h.srv.SendEvent(slacktest.MemberJoinedChannel{User: "U0003", Channel: "C0001"})
		if err != nil {
			t.Fatal(err)
		}
		for want := range 4 {
			ev := h.next(t, socketmode.EventTypeEventsAPI)
			if got := ev.Request.RetryAttempt; got != want {
				t.Fatalf("delivery %d retry_attempt = %d", want, got)
			}
		}
		if err := h.srv.WaitForExpiry(ctx(t), sent.EnvelopeID); err != nil {
			t.Fatal(err)
		}
		ds := h.srv.Deliveries()
		n := 0
		for _, d := range ds {
			if d.FirstEnvelopeID == sent.EnvelopeID {
				n++
			}
		}
		if got, want := n, 4; got != want {
			t.Errorf("deliveries = %d, want %d (one plus three retries)", got, want)
		}
	})
}

func TestQueuedUntilConnected(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	sent, err := srv.SendEvent(slacktest.MessageEvent{User: "U0001", Channel: "D0001", Text: "early"})
	if err != nil {
		t.Fatal(err)
	}
	h := startOn(t, srv)
	h.next(t, socketmode.EventTypeHello)
	ev := h.next(t, socketmode.EventTypeEventsAPI)
	if got, want := ev.Request.EnvelopeID, sent.EnvelopeID; got != want {
		t.Errorf("envelope_id = %q, want %q", got, want)
	}
}

func TestReconnects(t *testing.T) {
	h := start(t, slacktest.Config{})
	h.next(t, socketmode.EventTypeHello)

	if got, want := h.srv.Disconnect("refresh_requested"), 1; got != want {
		t.Fatalf("Disconnect told %d connections, want %d", got, want)
	}
	if err := h.srv.WaitForConnections(ctx(t), 2); err != nil {
		t.Fatal(err)
	}
	h.next(t, socketmode.EventTypeHello)
	if got, want := len(h.srv.CallsTo("apps.connections.open")), 2; got != want {
		t.Errorf("apps.connections.open calls = %d, want %d", got, want)
	}

	if got := h.srv.DropConnections(); got < 1 {
		t.Fatalf("DropConnections closed %d connections", got)
	}
	if err := h.srv.WaitForConnections(ctx(t), 3); err != nil {
		t.Fatal(err)
	}
	h.next(t, socketmode.EventTypeHello)

	// The new connection carries envelopes.
	sent, err := h.srv.SendEvent(slacktest.MessageEvent{User: "U0001", Channel: "D0001", Text: "still here"})
	if err != nil {
		t.Fatal(err)
	}
	ev := h.next(t, socketmode.EventTypeEventsAPI)
	if err := h.client.Ack(*ev.Request); err != nil {
		t.Fatal(err)
	}
	ack, err := h.srv.WaitForAck(ctx(t), sent.EnvelopeID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ack.Conn, 3; got != want {
		t.Errorf("ack came on connection %d, want %d", got, want)
	}
}

func TestPings(t *testing.T) {
	// The client gives up after 300 ms without a PING; the fake pings
	// every 20 ms.
	h := start(t, slacktest.Config{PingInterval: 20 * time.Millisecond}, socketmode.OptionPingInterval(300*time.Millisecond))
	h.next(t, socketmode.EventTypeHello)

	// 40 pongs take about 800 ms: more than two of the client's checks.
	if err := h.srv.WaitForPongs(ctx(t), 40); err != nil {
		t.Fatal(err)
	}
	if got, want := h.srv.Connections(), 1; got != want {
		t.Fatalf("connections while pinging = %d, want %d", got, want)
	}

	// Without PINGs the client times out and reconnects.
	h.srv.PausePings(true)
	if err := h.srv.WaitForConnections(ctx(t), 2); err != nil {
		t.Fatal(err)
	}
	h.srv.PausePings(false)
}
