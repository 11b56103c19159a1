package slacktest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/porchlight/porchlight/adapters/slack/slacktest"
	"github.com/slack-go/slack"
)

// sameShape compares two decoded JSON values by their keys and value kinds,
// recursively, and appends each difference to diffs. A null on either side
// matches anything, and "blocks" are not compared below the top: they are
// the app's own content.
func sameShape(path string, want, got any, diffs *[]string) {
	if want == nil || got == nil {
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: want an object, got %T", path, got))
			return
		}
		for k := range w {
			if _, ok := g[k]; !ok {
				*diffs = append(*diffs, "missing "+path+"/"+k)
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				*diffs = append(*diffs, "extra "+path+"/"+k)
			}
		}
		for k, wv := range w {
			if gv, ok := g[k]; ok && k != "blocks" {
				sameShape(path+"/"+k, wv, gv, diffs)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: want an array, got %T", path, got))
			return
		}
		if len(w) > 0 && len(g) > 0 {
			sameShape(path+"/0", w[0], g[0], diffs)
		}
	default:
		if fmt.Sprintf("%T", want) != fmt.Sprintf("%T", got) {
			*diffs = append(*diffs, fmt.Sprintf("%s: want %T, got %T", path, want, got))
		}
	}
}

// checkShape fails the test unless frame has the shape of the fixture.
func checkShape(t *testing.T, fixture string, frame []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("fixture %s: %v", fixture, err)
	}
	if err := json.Unmarshal(frame, &got); err != nil {
		t.Fatalf("frame: %v", err)
	}
	var diffs []string
	sameShape("", want, got, &diffs)
	sort.Strings(diffs)
	for _, d := range diffs {
		t.Errorf("%s: %s", fixture, d)
	}
}

// TestFrameShapes reads the fake's frames with a bare websocket client and
// checks them against the fixtures in testdata.
func TestFrameShapes(t *testing.T) {
	srv := newServer(t, slacktest.Config{PingInterval: 10 * time.Millisecond, DisconnectGrace: 200 * time.Millisecond})
	srv.AddUser(slacktest.User{ID: "U0001", Name: "robin"})
	api := newAPI(srv)
	_, wsURL, err := api.StartSocketModeContext(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// Slack takes any Origin.
	conn, _, err := websocket.DefaultDialer.Dial(wsURL, http.Header{"Origin": {"https://example.invalid"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	var pings atomic.Int32
	conn.SetPingHandler(func(data string) error {
		pings.Add(1)
		return conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	read := func() []byte {
		t.Helper()
		_ = conn.SetReadDeadline(time.Now().Add(waitFor))
		_, frame, err := conn.ReadMessage()
		if err != nil {
			t.Fatalf("read frame: %v", err)
		}
		return frame
	}
	ackRaw := func(frame []byte, wantID string) {
		t.Helper()
		var env struct {
			EnvelopeID string `json:"envelope_id"`
		}
		if err := json.Unmarshal(frame, &env); err != nil || env.EnvelopeID != wantID {
			t.Fatalf("frame envelope_id = %q (%v), want %q", env.EnvelopeID, err, wantID)
		}
		if err := conn.WriteJSON(map[string]any{"envelope_id": wantID}); err != nil {
			t.Fatal(err)
		}
	}

	checkShape(t, "hello.json", read())

	// A bot message with buttons, for block_actions to point at.
	_, msgTS, err := api.PostMessage("C0001", slack.MsgOptionText("Chores", false), slack.MsgOptionBlocks(
		slack.NewActionBlock("chore", slack.NewButtonBlockElement("done", "dishes",
			slack.NewTextBlockObject(slack.PlainTextType, "Done", true, false)))))
	if err != nil {
		t.Fatal(err)
	}
	// A modal, for view_submission to point at.
	view, err := api.OpenView("1.1.a", slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           slack.NewTextBlockObject(slack.PlainTextType, "Check in", true, false),
		Submit:          slack.NewTextBlockObject(slack.PlainTextType, "Send", true, false),
		CallbackID:      "checkin",
		PrivateMetadata: "house=H1",
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewInputBlock("mood",
			slack.NewTextBlockObject(slack.PlainTextType, "Mood", true, false), nil,
			slack.NewPlainTextInputBlockElement(nil, "mood_input"))}},
	})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		fixture string
		send    func() (slacktest.Sent, error)
	}{
		{"events_api/message.im.json", func() (slacktest.Sent, error) {
			return srv.SendEvent(slacktest.MessageEvent{User: "U0001", Channel: "D0001", Text: "hello"})
		}},
		{"events_api/message.channels.thread_reply.json", func() (slacktest.Sent, error) {
			return srv.SendEvent(slacktest.MessageEvent{User: "U0001", Channel: "C0001", Text: "done", ThreadTS: "1700000000.000001", ParentUserID: "U0002"})
		}},
		{"events_api/member_joined_channel.json", func() (slacktest.Sent, error) {
			return srv.SendEvent(slacktest.MemberJoinedChannel{User: "U0002", Channel: "C0001", Inviter: "U0001"})
		}},
		{"events_api/member_left_channel.json", func() (slacktest.Sent, error) {
			return srv.SendEvent(slacktest.MemberLeftChannel{User: "U0002", Channel: "C0001"})
		}},
		{"slash_commands.json", func() (slacktest.Sent, error) {
			return srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-checkin", Text: "good", UserID: "U0001", ChannelID: "C0001"})
		}},
		{"interactive/block_actions.json", func() (slacktest.Sent, error) {
			return srv.SendBlockActions(slacktest.BlockActions{
				UserID: "U0001", ChannelID: "C0001", MessageTS: msgTS,
				Actions: []slacktest.Action{{ActionID: "done", BlockID: "chore", Value: "dishes", Text: "Done"}},
			})
		}},
		{"interactive/view_submission.json", func() (slacktest.Sent, error) {
			return srv.SendViewSubmission(slacktest.ViewSubmission{
				UserID: "U0001", ViewID: view.ID,
				Values: map[string]map[string]slacktest.Value{"mood": {"mood_input": {Value: "tired"}}},
			})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			sent, err := tt.send()
			if err != nil {
				t.Fatal(err)
			}
			frame := read()
			checkShape(t, tt.fixture, frame)
			ackRaw(frame, sent.EnvelopeID)
			if _, err := srv.WaitForAck(ctx(t), sent.EnvelopeID); err != nil {
				t.Fatal(err)
			}
		})
	}

	if got, want := srv.Disconnect("refresh_requested"), 1; got != want {
		t.Fatalf("Disconnect told %d connections, want %d", got, want)
	}
	checkShape(t, "disconnect.json", read())
	// The fake closes the socket after the grace period; PINGs keep coming
	// until then.
	_ = conn.SetReadDeadline(time.Now().Add(waitFor))
	if _, _, err := conn.ReadMessage(); err == nil {
		t.Errorf("socket still open after the disconnect grace period")
	}
	if pings.Load() == 0 {
		t.Errorf("no websocket PING received")
	}
	if got := srv.Acks(); len(got) != len(tests) || slices.ContainsFunc(got, func(a slacktest.Ack) bool { return !a.Known }) {
		t.Errorf("acks = %+v, want %d known acks", got, len(tests))
	}
}
