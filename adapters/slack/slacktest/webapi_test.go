package slacktest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/slack/slacktest"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

func TestAuthTest(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	got, err := newAPI(srv).AuthTest()
	if err != nil {
		t.Fatal(err)
	}
	if got.UserID != "U0BOT" || got.TeamID != "T0001" || got.BotID != "B0001" {
		t.Errorf("auth.test = %+v", got)
	}
}

func TestPostMessage(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	api := newAPI(srv)

	ch, ts, err := api.PostMessage("C0001", slack.MsgOptionText("Chores are up", false))
	if err != nil {
		t.Fatal(err)
	}
	if ch != "C0001" || ts == "" {
		t.Fatalf("PostMessage = %q %q", ch, ts)
	}
	_, reply, err := api.PostMessage("C0001", slack.MsgOptionText("Done", false), slack.MsgOptionTS(ts))
	if err != nil {
		t.Fatal(err)
	}
	if reply <= ts {
		t.Errorf("reply ts %q is not after parent %q", reply, ts)
	}

	calls := srv.CallsTo("chat.postMessage")
	if len(calls) != 2 {
		t.Fatalf("chat.postMessage calls = %d, want 2", len(calls))
	}
	c := calls[1]
	if c.Token != srv.BotToken() || c.Encoding != "form" {
		t.Errorf("token sent %q encoding %q, want the bot token as a form", c.Token, c.Encoding)
	}
	if got, want := c.Param("thread_ts"), ts; got != want {
		t.Errorf("thread_ts = %q, want %q", got, want)
	}
	msgs := srv.Messages("C0001")
	if len(msgs) != 2 || msgs[1].ThreadTS != ts || msgs[1].User != "U0BOT" {
		t.Errorf("messages = %+v", msgs)
	}

	// A user id as the channel posts to the DM, as in Slack.
	ch, _, err = api.PostMessage("U0001", slack.MsgOptionText("Hi Robin", false))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ch, srv.DMChannel("U0001"); got != want {
		t.Errorf("posting to a user landed in %q, want DM %q", got, want)
	}
}

func TestPostMessageErrors(t *testing.T) {
	srv := newServer(t, slacktest.Config{Unlimited: true}) // many posts to one channel
	api := newAPI(srv)
	tooMany := make([]slack.Block, 51)
	for i := range tooMany {
		tooMany[i] = slack.NewDividerBlock()
	}
	tests := []struct {
		name    string
		channel string
		opts    []slack.MsgOption
		want    string
	}{
		{"no channel", "", []slack.MsgOption{slack.MsgOptionText("x", false)}, "channel_not_found"},
		{"no text", "C0001", nil, "no_text"},
		{"too long", "C0001", []slack.MsgOption{slack.MsgOptionText(strings.Repeat("a", 40001), false)}, "msg_too_long"},
		{"too many blocks", "C0001", []slack.MsgOption{slack.MsgOptionBlocks(tooMany...)}, "invalid_blocks"},
		{"long section", "C0001", []slack.MsgOption{slack.MsgOptionBlocks(slack.NewSectionBlock(
			slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("a", 3001), false, false), nil, nil))}, "invalid_blocks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := api.PostMessage(tt.channel, tt.opts...)
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v, want %s", err, tt.want)
			}
		})
	}
}

func TestEphemeralUpdateDelete(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	api := newAPI(srv)

	ts, err := api.PostEphemeral("C0001", "U0001", slack.MsgOptionText("Only you", false))
	if err != nil || ts == "" {
		t.Fatalf("PostEphemeral = %q, %v", ts, err)
	}
	if got := srv.Messages("C0001"); len(got) != 1 || !got[0].Ephemeral || got[0].VisibleTo != "U0001" {
		t.Errorf("ephemeral message = %+v", got)
	}

	_, posted, err := api.PostMessage("C0001", slack.MsgOptionText("Old", false))
	if err != nil {
		t.Fatal(err)
	}
	_, uts, text, err := api.UpdateMessage("C0001", posted, slack.MsgOptionText("New", false))
	if err != nil {
		t.Fatal(err)
	}
	if uts != posted || text != "New" {
		t.Errorf("UpdateMessage = %q %q, want %q New", uts, text, posted)
	}
	if _, _, _, err := api.UpdateMessage("C0001", "1.000001", slack.MsgOptionText("x", false)); err == nil || err.Error() != "message_not_found" {
		t.Errorf("update of an unknown message: err = %v, want message_not_found", err)
	}
	if _, _, err := api.DeleteMessage("C0001", posted); err != nil {
		t.Fatal(err)
	}
	if got, want := len(srv.Messages("C0001")), 1; got != want {
		t.Errorf("messages after delete = %d, want %d", got, want)
	}
}

func TestOpenConversation(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	api := newAPI(srv)
	ch, noOp, already, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U0001"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ch.ID, "D") || noOp || already {
		t.Errorf("first open = %q noOp %v already %v", ch.ID, noOp, already)
	}
	again, _, already, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U0001"}, ReturnIM: true})
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != ch.ID || !already || !again.IsIM || again.User != "U0001" {
		t.Errorf("second open = %+v already %v", again, already)
	}
	if got, want := srv.DMChannel("U0001"), ch.ID; got != want {
		t.Errorf("DMChannel = %q, want %q", got, want)
	}
	call := srv.CallsTo("conversations.open")[0]
	if call.Encoding != "form" || call.Param("users") != "U0001" {
		t.Errorf("conversations.open sent encoding %q users %q", call.Encoding, call.Param("users"))
	}
}

func TestUsersInfo(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	srv.AddUser(slacktest.User{ID: "U0001", Name: "robin", RealName: "Robin", TZ: "America/Chicago", TZOffset: -18000})
	api := newAPI(srv)
	u, err := api.GetUserInfo("U0001")
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "robin" || u.RealName != "Robin" || u.TZ != "America/Chicago" || u.TZOffset != -18000 || u.Locale != "en-US" {
		t.Errorf("user = %+v", u)
	}
	if _, err := api.GetUserInfo("U9999"); err == nil || err.Error() != "user_not_found" {
		t.Errorf("unknown user: err = %v, want user_not_found", err)
	}
}

func TestViews(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	api := newAPI(srv)
	title := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	modal := slack.ModalViewRequest{Type: slack.VTModal, Title: title("Check in"), CallbackID: "checkin", ExternalID: "ext-1"}

	opened, err := api.OpenView("T1", modal)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(opened.ID, "V") || opened.CallbackID != "checkin" || opened.Hash == "" {
		t.Errorf("opened view = %+v", opened.View)
	}
	call := srv.CallsTo("views.open")[0]
	if call.Encoding != "json" || call.Token != srv.BotToken() || call.Param("trigger_id") != "T1" {
		t.Errorf("views.open sent encoding %q trigger %q", call.Encoding, call.Param("trigger_id"))
	}
	var sentView map[string]any
	if err := call.DecodeParam("view", &sentView); err != nil || sentView["callback_id"] != "checkin" {
		t.Errorf("view param = %v, %v", sentView, err)
	}

	modal.Title = title("Thanks")
	updated, err := api.UpdateView(modal, "", opened.Hash, opened.ID)
	if err != nil {
		t.Fatal(err)
	}
	if updated.ID != opened.ID || updated.Title.Text != "Thanks" || updated.Hash == opened.Hash {
		t.Errorf("updated view = %+v", updated.View)
	}
	if _, err := api.UpdateView(modal, "", opened.Hash, opened.ID); err == nil || err.Error() != "hash_conflict" {
		t.Errorf("update with a stale hash: err = %v, want hash_conflict", err)
	}
	if _, err := api.UpdateView(modal, "ext-1", "", ""); err != nil {
		t.Errorf("update by external_id: %v", err)
	}
	if _, err := api.UpdateView(modal, "", "", "V404"); err == nil || err.Error() != "not_found" {
		t.Errorf("update of an unknown view: err = %v, want not_found", err)
	}

	long := modal
	long.ExternalID = ""
	long.Title = title("A title far too long for Slack")
	_, err = api.OpenView("T2", long)
	var resp slack.SlackErrorResponse
	if !errors.As(err, &resp) || resp.Err != "invalid_arguments" || len(resp.ResponseMetadata.Messages) == 0 {
		t.Errorf("long title: err = %#v, want invalid_arguments with messages", err)
	}
	if got, want := len(srv.Views()), 1; got != want {
		t.Errorf("views = %d, want %d", got, want)
	}
}

func TestUploadFile(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	api := newAPI(srv)
	content := "week,chores\n1,4\n"
	f, err := api.UploadFile(slack.UploadFileParameters{
		Filename: "report.csv", FileSize: len(content), Content: content,
		Title: "Weekly report", Channel: "C0001", ThreadTimestamp: "1700000000.000001",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(f.ID, "F") || f.Title != "Weekly report" {
		t.Errorf("uploaded = %+v", f)
	}
	var methods []string
	for _, c := range srv.Calls() {
		methods = append(methods, c.Method)
	}
	if got, want := strings.Join(methods, " "), "files.getUploadURLExternal upload files.completeUploadExternal"; got != want {
		t.Errorf("calls = %q, want %q", got, want)
	}
	files := srv.Files()
	if len(files) != 1 || string(files[0].Data) != content || !files[0].Completed || files[0].Channel != "C0001" || files[0].ThreadTS != "1700000000.000001" {
		t.Errorf("files = %+v", files)
	}
	if msgs := srv.Messages("C0001"); len(msgs) != 1 || len(msgs[0].FileIDs) != 1 {
		t.Errorf("file share message = %+v", msgs)
	}
}

func TestResponseURL(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	api := newAPI(srv)
	url := srv.NewResponseURL()
	for i := range 5 {
		if _, _, err := api.PostMessage("", slack.MsgOptionResponseURL(url, slack.ResponseTypeEphemeral), slack.MsgOptionText("ok", false)); err != nil {
			t.Fatalf("post %d: %v", i+1, err)
		}
	}
	_, _, err := api.PostMessage("", slack.MsgOptionResponseURL(url, slack.ResponseTypeEphemeral), slack.MsgOptionText("ok", false))
	var code slack.StatusCodeError
	if !errors.As(err, &code) || code.Code != http.StatusNotFound {
		t.Errorf("sixth post: err = %v, want a 404", err)
	}
	if err := slack.PostWebhook(srv.NewResponseURL(), &slack.WebhookMessage{Text: "via webhook"}); err != nil {
		t.Errorf("PostWebhook: %v", err)
	}
	calls := srv.CallsTo(slacktest.MethodResponseURL)
	if got, want := len(calls), 7; got != want {
		t.Fatalf("response_url calls = %d, want %d", got, want)
	}
	if got, want := calls[0].Param("response_type"), "ephemeral"; got != want {
		t.Errorf("response_type = %q, want %q", got, want)
	}
}

func TestTokens(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	tests := []struct {
		name   string
		bot    string
		app    string
		method string
		want   string
	}{
		{"app token on chat", "xapp-1-A0001-test-app", "", "chat.postMessage", "not_allowed_token_type"},
		{"bot token on connections", "", "xoxb-0001-test-bot", "apps.connections.open", "not_allowed_token_type"},
		{"wrong bot token", "xoxb-wrong", "", "chat.postMessage", "invalid_auth"},
		{"wrong app token", "", "xapp-wrong", "apps.connections.open", "invalid_auth"},
		{"no app token", "", "", "apps.connections.open", "not_authed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := slack.New(tt.bot, slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken(tt.app))
			var err error
			if tt.method == "chat.postMessage" {
				_, _, err = api.PostMessage("C0001", slack.MsgOptionText("x", false))
			} else {
				_, _, err = api.StartSocketModeContext(t.Context())
			}
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v, want %s", err, tt.want)
			}
		})
	}
}

func TestInjectedFaults(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	api := newAPI(srv)
	post := func() error {
		_, _, err := api.PostMessage("C0001", slack.MsgOptionText("x", false))
		return err
	}

	srv.Inject("chat.postMessage", 2, slacktest.RateLimited(2*time.Second))
	for i := range 2 {
		var rl *slack.RateLimitedError
		if err := post(); !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
			t.Fatalf("call %d: err = %v, want RateLimitedError after 2s", i+1, err)
		}
	}
	if err := post(); err != nil {
		t.Fatalf("call after the rate limit: %v", err)
	}

	srv.Inject("chat.postMessage", 1, slacktest.APIError("not_in_channel"))
	if err := post(); err == nil || err.Error() != "not_in_channel" {
		t.Errorf("injected API error: err = %v, want not_in_channel", err)
	}

	srv.Inject("chat.postMessage", 1, slacktest.HTTPError(http.StatusServiceUnavailable))
	var code slack.StatusCodeError
	if err := post(); !errors.As(err, &code) || code.Code != http.StatusServiceUnavailable {
		t.Errorf("injected 503: err = %v", err)
	}

	calls := srv.CallsTo("chat.postMessage")
	var statuses []int
	for _, c := range calls {
		statuses = append(statuses, c.Status)
	}
	want := []int{429, 429, 200, 200, 503}
	if len(statuses) != len(want) {
		t.Fatalf("statuses = %v, want %v", statuses, want)
	}
	for i := range want {
		if statuses[i] != want[i] {
			t.Errorf("statuses = %v, want %v", statuses, want)
			break
		}
	}
	if calls[3].OK() || calls[3].APIError() != "not_in_channel" {
		t.Errorf("call 4 ok %v error %q", calls[3].OK(), calls[3].APIError())
	}
}

func TestHandleAddsMethod(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	srv.Handle("conversations.info", func(c slacktest.Call) any {
		return map[string]any{"ok": true, "channel": map[string]any{"id": c.Param("channel"), "name": "house"}}
	})
	ch, err := newAPI(srv).GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "C0001"})
	if err != nil {
		t.Fatal(err)
	}
	if ch.ID != "C0001" || ch.Name != "house" {
		t.Errorf("conversations.info = %q %q", ch.ID, ch.Name)
	}
}

func TestWaitForCall(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	api := newAPI(srv)
	go func() { _, _, _ = api.PostMessage("C0002", slack.MsgOptionText("later", false)) }()
	c, err := srv.WaitForCall(ctx(t), func(c slacktest.Call) bool {
		return c.Method == "chat.postMessage" && c.Param("channel") == "C0002"
	})
	if err != nil {
		t.Fatal(err)
	}
	if !c.OK() || c.Param("text") != "later" {
		t.Errorf("call = %v text %q", c, c.Param("text"))
	}

	short, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, err := srv.WaitForCall(short, slacktest.Method("views.open")); err == nil {
		t.Errorf("waiting for a call that never comes returned no error")
	}
}

// TestEncodings posts the same methods as form and as JSON, with the token
// in the form or in a Bearer header: the fake takes them all.
func TestEncodings(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	view := `{"type":"modal","title":{"type":"plain_text","text":"Hi"}}`
	tests := []struct {
		name        string
		method      string
		contentType string
		body        string
		bearer      bool
		encoding    string
	}{
		{"postMessage as json", "chat.postMessage", "application/json; charset=utf-8", `{"channel":"C0001","text":"hi","thread_ts":"1.2"}`, true, "json"},
		{"postMessage as form", "chat.postMessage", "application/x-www-form-urlencoded", "channel=C0001&text=hi&token=" + srv.BotToken(), false, "form"},
		{"views.open as form", "views.open", "application/x-www-form-urlencoded", "trigger_id=T9&view=" + url.QueryEscape(view) + "&token=" + srv.BotToken(), false, "form"},
		{"views.open as json", "views.open", "application/json", `{"trigger_id":"T8","view":` + view + `}`, true, "json"},
		{"conversations.open as json", "conversations.open", "application/json", `{"users":"U0001"}`, true, "json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.APIURL()+tt.method, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", tt.contentType)
			if tt.bearer {
				req.Header.Set("Authorization", "Bearer "+srv.BotToken())
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			calls := srv.CallsTo(tt.method)
			c := calls[len(calls)-1]
			if !c.OK() || c.Encoding != tt.encoding || c.Token != srv.BotToken() {
				t.Errorf("call = %v encoding %q bot token %v, want ok, %s, bot token", c, c.Encoding, c.Token == srv.BotToken(), tt.encoding)
			}
		})
	}
}

func TestConnectRetriesAfterError(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	srv.Inject("apps.connections.open", 1, slacktest.HTTPError(http.StatusServiceUnavailable))
	h := startOn(t, srv)
	h.next(t, socketmode.EventTypeHello)
	calls := srv.CallsTo("apps.connections.open")
	if len(calls) != 2 || calls[0].Status != http.StatusServiceUnavailable || !calls[1].OK() {
		t.Errorf("apps.connections.open calls = %v, want a 503 then a success", calls)
	}
}
