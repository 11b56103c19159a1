package slack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/slack/slacktest"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/bot/bottest"
	"github.com/porchlight/porchlight/outbox"
)

// blocksOf decodes a call's blocks parameter.
func blocksOf(t *testing.T, c slacktest.Call) []map[string]any {
	t.Helper()
	var blocks []map[string]any
	if err := c.DecodeParam("blocks", &blocks); err != nil {
		t.Fatal(err)
	}
	return blocks
}

func TestSend(t *testing.T) {
	hs := start(t, slacktest.Config{}, nil)
	ctx := ctxFor(t)
	at := time.Date(2026, 3, 14, 18, 0, 0, 0, time.UTC)

	t.Run("channel post with buttons and a date", func(t *testing.T) {
		text := "*Check-in time* 🌱 Open until " + bot.FormatTime(bot.SourceLang(), at, time.UTC) + ". <@U0003> & friends <!channel>"
		ref, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: house},
			Message: bot.Message{Text: text, Choices: []bot.Choice{{ID: "checkin:open:1", Label: "Check in", Style: bot.StylePrimary}}}})
		if err != nil {
			t.Fatal(err)
		}
		msgs := hs.srv.Messages(house)
		if len(msgs) != 1 || ref != (bot.MessageRef{Channel: house, ID: msgs[0].TS}) {
			t.Fatalf("ref %+v, messages %+v", ref, msgs)
		}
		want := fmt.Sprintf("*Check-in time* 🌱 Open until <!date^%d^{date_short_pretty} {time}|Sat 14 Mar 18:00 UTC>. <@U0003> &amp; friends &lt;!channel&gt;", at.Unix())
		if msgs[0].Text != want {
			t.Errorf("text = %q\nwant %q", msgs[0].Text, want)
		}
		call := hs.srv.CallsTo("chat.postMessage")[0]
		blocks := blocksOf(t, call)
		if len(blocks) != 2 || blocks[0]["type"] != "section" || blocks[1]["type"] != "actions" {
			t.Fatalf("blocks = %v", blocks)
		}
		btn := blocks[1]["elements"].([]any)[0].(map[string]any)
		if btn["action_id"] != "0|checkin:open:1" || btn["style"] != "primary" {
			t.Errorf("button = %v", btn)
		}
	})
	t.Run("thread reply", func(t *testing.T) {
		parent := hs.srv.Messages(house)[0].TS
		if _, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: house}, Thread: bot.MessageRef{Channel: house, ID: parent},
			Message: bot.Message{Text: "*Robin* checked in. 💚"}}); err != nil {
			t.Fatal(err)
		}
		msgs := hs.srv.Messages(house)
		if last := msgs[len(msgs)-1]; last.ThreadTS != parent {
			t.Errorf("thread_ts = %q, want %q", last.ThreadTS, parent)
		}
	})
	t.Run("dm opens the conversation once", func(t *testing.T) {
		for range 2 {
			if _, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: sam}, Message: bot.Message{Text: "Welcome!"}}); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(hs.srv.CallsTo("conversations.open")); n != 1 {
			t.Errorf("conversations.open called %d times, want 1", n)
		}
		if msgs := hs.srv.Messages(hs.srv.DMChannel(sam)); len(msgs) != 2 {
			t.Errorf("%d messages in the DM, want 2", len(msgs))
		}
	})
	t.Run("ephemeral", func(t *testing.T) {
		if _, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetEphemeral, Channel: house, User: robin}, Message: bot.Message{Text: "Only you see this."}}); err != nil {
			t.Fatal(err)
		}
		msgs := hs.srv.Messages(house)
		if last := msgs[len(msgs)-1]; !last.Ephemeral || last.VisibleTo != robin {
			t.Errorf("message = %+v", last)
		}
	})
	t.Run("edit", func(t *testing.T) {
		ref := bot.MessageRef{Channel: house, ID: hs.srv.Messages(house)[0].TS}
		if err := hs.ad.Edit(ctx, ref, bot.Message{Text: "Check-in closed. 5 checked in."}); err != nil {
			t.Fatal(err)
		}
		m := hs.srv.Messages(house)[0]
		if !m.Edited || m.Text != "Check-in closed. 5 checked in." || strings.Contains(string(m.Blocks), "actions") {
			t.Errorf("edited message = %+v blocks %s", m, m.Blocks)
		}
		// Send with Edit set edits too.
		if _, err := hs.ad.Send(ctx, bot.Outgoing{Edit: ref, Message: bot.Message{Text: "6 checked in."}}); err != nil {
			t.Fatal(err)
		}
		if m := hs.srv.Messages(house)[0]; m.Text != "6 checked in." {
			t.Errorf("text = %q", m.Text)
		}
	})
	t.Run("long text and many choices", func(t *testing.T) {
		line := strings.Repeat("word ", 99) + "end\n" // 500 characters
		var choices []bot.Choice
		for i := range 11 {
			choices = append(choices, bot.Choice{ID: "form:answer", Label: fmt.Sprint(i), Value: fmt.Sprint(i)})
		}
		before := len(hs.srv.CallsTo("chat.postMessage"))
		_, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: house},
			Message: bot.Message{Text: strings.Repeat(line, 14) + strings.Repeat("x", 80), Choices: choices}})
		if err != nil {
			t.Fatal(err)
		}
		calls := hs.srv.CallsTo("chat.postMessage")[before:]
		if len(calls) != 1 {
			t.Fatalf("%d posts, want 1", len(calls))
		}
		blocks := blocksOf(t, calls[0])
		// 7080 characters: three sections, then one select for eleven values.
		if len(blocks) != 4 {
			t.Fatalf("%d blocks, want 4", len(blocks))
		}
		for _, b := range blocks[:3] {
			if n := len([]rune(b["text"].(map[string]any)["text"].(string))); n > 3000 {
				t.Errorf("section of %d characters", n)
			}
		}
		sel := blocks[3]["elements"].([]any)[0].(map[string]any)
		if sel["type"] != "static_select" || len(sel["options"].([]any)) != 11 {
			t.Errorf("select = %v", sel)
		}
	})
	t.Run("more than 50 blocks", func(t *testing.T) {
		before := len(hs.srv.CallsTo("chat.postMessage"))
		text := strings.Repeat(strings.Repeat("y", 2999)+"\n", 55)
		ref, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: house},
			Message: bot.Message{Text: text, Choices: []bot.Choice{{ID: "a:b", Label: strings.Repeat("L", 100)}}}})
		if err != nil {
			t.Fatal(err)
		}
		calls := hs.srv.CallsTo("chat.postMessage")[before:]
		if len(calls) != 2 {
			t.Fatalf("%d posts, want 2", len(calls))
		}
		if !calls[0].OK() || !calls[1].OK() {
			t.Errorf("posts refused: %v %v", calls[0], calls[1])
		}
		first, second := blocksOf(t, calls[0]), blocksOf(t, calls[1])
		if len(first) != 50 || len(second) != 6 || second[5]["type"] != "actions" {
			t.Errorf("blocks %d + %d", len(first), len(second))
		}
		var resp struct {
			TS string `json:"ts"`
		}
		json.Unmarshal(calls[0].Response, &resp)
		if ref.ID != resp.TS {
			t.Errorf("ref %q, want the first part %q", ref.ID, resp.TS)
		}
	})
	t.Run("file", func(t *testing.T) {
		data := []byte("\x89PNG fake chart")
		if _, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: mentor},
			Message: bot.Message{Text: "Weekly digest", Attachment: &bot.Attachment{Name: "mood.png", ContentType: "image/png", Data: data}}}); err != nil {
			t.Fatal(err)
		}
		files := hs.srv.Files()
		if len(files) != 1 {
			t.Fatalf("%d files, want 1", len(files))
		}
		f := files[0]
		if !f.Completed || string(f.Data) != string(data) || f.Channel != hs.srv.DMChannel(mentor) || !strings.Contains(string(f.Blocks), `"text":"Weekly digest"`) {
			t.Errorf("file = %+v", f)
		}
	})
}

func TestSendErrors(t *testing.T) {
	hs := start(t, slacktest.Config{}, nil)
	ctx := ctxFor(t)
	post := bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: house}, Message: bot.Message{Text: "hello"}}
	tests := []struct {
		name    string
		method  string
		fault   slacktest.Fault
		out     bot.Outgoing
		after   time.Duration
		retry   bool
		undeliv bool
	}{
		{"rate limited", "chat.postMessage", slacktest.RateLimited(7 * time.Second), post, 7 * time.Second, true, false},
		{"server error", "chat.postMessage", slacktest.HTTPError(http.StatusServiceUnavailable), post, 0, true, false},
		{"HTTP 400", "chat.postMessage", slacktest.HTTPError(http.StatusBadRequest), post, 0, false, true},
		{"HTTP 404", "chat.postMessage", slacktest.HTTPError(http.StatusNotFound), post, 0, false, true},
		{"HTTP 413", "chat.postMessage", slacktest.HTTPError(http.StatusRequestEntityTooLarge), post, 0, false, true},
		{"HTTP 401 is the token, not the message", "chat.postMessage", slacktest.HTTPError(http.StatusUnauthorized), post, 0, false, false},
		{"internal_error", "chat.postMessage", slacktest.APIError("internal_error"), post, 0, true, false},
		{"channel_not_found", "chat.postMessage", slacktest.APIError("channel_not_found"), post, 0, false, true},
		{"not_in_channel", "chat.postMessage", slacktest.APIError("not_in_channel"), post, 0, false, true},
		{"is_archived", "chat.postMessage", slacktest.APIError("is_archived"), post, 0, false, true},
		{"cannot_dm_bot", "conversations.open", slacktest.APIError("cannot_dm_bot"), bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: "U0NEW1"}, Message: bot.Message{Text: "hi"}}, 0, false, true},
		{"user_not_found", "chat.postEphemeral", slacktest.APIError("user_not_found"), bot.Outgoing{Target: bot.Target{Kind: bot.TargetEphemeral, Channel: house, User: robin}, Message: bot.Message{Text: "hi"}}, 0, false, true},
		{"upload rate limited", "files.getUploadURLExternal", slacktest.RateLimited(3 * time.Second), bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: house}, Message: bot.Message{Attachment: &bot.Attachment{Name: "c.png", Data: []byte("x")}}}, 3 * time.Second, true, false},
		{"edit rate limited", "chat.update", slacktest.RateLimited(2 * time.Second), bot.Outgoing{Edit: bot.MessageRef{Channel: house, ID: "1.1"}, Message: bot.Message{Text: "x"}}, 2 * time.Second, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs.srv.Inject(tc.method, 1, tc.fault)
			_, err := hs.ad.Send(ctx, tc.out)
			if err == nil {
				t.Fatal("no error")
			}
			var re *bot.RetryError
			if got := errors.As(err, &re); got != tc.retry {
				t.Errorf("retry error = %v (%v), want %v", got, err, tc.retry)
			} else if got && re.After != tc.after {
				t.Errorf("retry after %v, want %v", re.After, tc.after)
			}
			if got := errors.Is(err, bot.ErrUndeliverable); got != tc.undeliv {
				t.Errorf("undeliverable = %v (%v), want %v", got, err, tc.undeliv)
			}
			// Metrics count failures by the platform's own answer.
			want := map[string]string{"rate limited": "429", "server error": "503", "upload rate limited": "429", "edit rate limited": "429"}[tc.name]
			if want == "" {
				want = tc.name
				if f := strings.Fields(tc.name); f[0] == "HTTP" {
					want = f[1] // "HTTP 401 is the token…"
				}
			}
			if got := bot.PlatformCode(err); got != want {
				t.Errorf("platform code = %q, want %q", got, want)
			}
		})
	}
}

func TestRateLimitRetriedThroughOutbox(t *testing.T) {
	hs := start(t, slacktest.Config{}, nil)
	ctx := ctxFor(t)
	now := time.Date(2026, 3, 14, 18, 0, 0, 0, time.UTC)
	clock := bottest.NewClock(now)
	st := bottest.NewOutbox(
		&bot.OutboxMessage{ID: 1, Platform: "slack", Status: bot.OutboxPending, NextAt: now,
			Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: house}, Message: bot.Message{Text: "Check-in time"}}},
		&bot.OutboxMessage{ID: 2, Platform: "slack", Status: bot.OutboxPending, NextAt: now,
			Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: "C0GONE"}, Message: bot.Message{Text: "lost"}}},
	)
	sender := outbox.NewSender(st, clock, nil, hs.ad)
	// The first post (message 1) is rate limited, the second (message 2)
	// goes to a channel that does not exist.
	hs.srv.Inject("chat.postMessage", 1, slacktest.RateLimited(30*time.Second))
	hs.srv.Inject("chat.postMessage", 1, slacktest.APIError("channel_not_found"))

	if n, err := sender.Flush(ctx); err != nil || n != 0 {
		t.Fatalf("first pass sent %d, err %v; want 0 (rate limited)", n, err)
	}
	first := st.Message(1)
	if first.Status != bot.OutboxPending || first.Attempts != 0 || !first.NextAt.Equal(now.Add(30*time.Second)) {
		t.Errorf("after 429: %+v, want pending until +30s, no attempt counted", first)
	}
	if gone := st.Message(2); gone.Status != bot.OutboxFailed {
		t.Errorf("channel_not_found message status %q, want failed", gone.Status)
	}
	clock.Advance(29 * time.Second)
	if n, _ := sender.Flush(ctx); n != 0 {
		t.Errorf("sent %d before Retry-After passed", n)
	}
	clock.Advance(time.Second)
	if n, err := sender.Flush(ctx); err != nil || n != 1 {
		t.Fatalf("retry sent %d, err %v; want 1", n, err)
	}
	msgs := hs.srv.Messages(house)
	if len(msgs) != 1 || msgs[0].Text != "Check-in time" {
		t.Fatalf("messages = %+v", msgs)
	}
	if got := st.Message(1); got.Status != bot.OutboxSent || got.Ref != (bot.MessageRef{Channel: house, ID: msgs[0].TS}) {
		t.Errorf("sent message = %+v", got)
	}
}

// TestSplitMessageRetryPostsEachPartOnce: a message too long for one Slack
// message goes out in parts; when a later part is rate limited, the outbox
// retry posts only the parts Slack has not taken yet.
func TestSplitMessageRetryPostsEachPartOnce(t *testing.T) {
	hs := start(t, slacktest.Config{}, nil)
	ctx := ctxFor(t)
	now := time.Date(2026, 3, 14, 18, 0, 0, 0, time.UTC)
	clock := bottest.NewClock(now)
	var lines []string
	for i := range maxBlocks + 1 { // one section a line: two messages
		lines = append(lines, fmt.Sprintf("line %02d %s", i, strings.Repeat("x", maxSectionText-10)))
	}
	st := bottest.NewOutbox(&bot.OutboxMessage{ID: 1, Platform: "slack", Status: bot.OutboxPending, NextAt: now,
		Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: house}, Message: bot.Message{Text: strings.Join(lines, "\n")}}})
	sender := outbox.NewSender(st, clock, nil, hs.ad)
	hs.srv.Inject("chat.postMessage", 1, slacktest.Pass())
	hs.srv.Inject("chat.postMessage", 1, slacktest.RateLimited(5*time.Second))
	if n, err := sender.Flush(ctx); err != nil || n != 0 {
		t.Fatalf("first pass sent %d, err %v; want 0 (second part rate limited)", n, err)
	}
	clock.Advance(5 * time.Second)
	if n, err := sender.Flush(ctx); err != nil || n != 1 {
		t.Fatalf("retry sent %d, err %v; want 1", n, err)
	}
	msgs := hs.srv.Messages(house)
	if len(msgs) != 2 {
		t.Fatalf("messages in the channel = %d, want the 2 parts once each", len(msgs))
	}
	if got := st.Message(1); got.Ref.ID != msgs[0].TS {
		t.Errorf("ref = %+v, want the first part's ts %s", got.Ref, msgs[0].TS)
	}
}

// manifestScopes are the bot scopes the manifest asks for.
func manifestScopes() []string {
	var out []string
	for _, s := range BotScopes(Features{}) {
		out = append(out, s.Name)
	}
	return out
}

// TestResendInDoubtFindsTheEarlierPost: every post of an outbox message
// carries its key as metadata; when the message is in doubt (its earlier
// attempt may have landed), a new process looks for it in the
// conversation's history, with no scope beyond the manifest's, and posts
// only what is not there.
func TestResendInDoubtFindsTheEarlierPost(t *testing.T) {
	clock := bottest.NewClock(time.Date(2026, 11, 17, 20, 0, 0, 0, time.UTC))
	hs := start(t, slacktest.Config{Now: clock.Now, Scopes: manifestScopes()}, nil)
	ctx := ctxFor(t)
	// restarted is a new adapter on the same fake: no memory of the parts
	// the first one posted.
	restarted := func() *Adapter {
		return New(Config{BotToken: hs.srv.BotToken(), AppToken: hs.srv.AppToken(), APIURL: hs.srv.APIURL()}, nil)
	}
	var lines []string
	for i := range maxBlocks + 1 { // two parts
		lines = append(lines, fmt.Sprintf("line %02d %s", i, strings.Repeat("x", maxSectionText-10)))
	}
	long := strings.Join(lines, "\n")
	chart := &bot.Attachment{Name: "checkins-week.png", ContentType: "image/png", Data: []byte("png")}

	cases := []struct {
		name string
		out  bot.Outgoing
		// landed is how many Slack calls of the first attempt get through
		// before it fails (a later part, or the upload).
		failing string
		landed  int
		where   func() string
		want    int // messages in the end
	}{
		{"DM, both parts landed", bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: sam}, Message: bot.Message{Text: long}}, "", 0,
			func() string { return hs.srv.DMChannel(sam) }, 2},
		{"channel, one part of two landed", bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: house}, Message: bot.Message{Text: long}}, "chat.postMessage", 1,
			func() string { return house }, 2},
		{"file share landed", bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: mentor}, Message: bot.Message{Text: "Your weekly digest", Attachment: chart}}, "", 0,
			func() string { return hs.srv.DMChannel(mentor) }, 1},
		{"text landed, upload did not", bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: robin}, Message: bot.Message{Text: long, Attachment: chart}}, "files.completeUploadExternal", 0,
			func() string { return hs.srv.DMChannel(robin) }, 3},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := tc.out
			out.Key = fmt.Sprintf("%020d", i)
			attempt := clock.Now()
			if tc.failing != "" {
				hs.srv.Inject(tc.failing, tc.landed, slacktest.Pass())
				hs.srv.Inject(tc.failing, 1, slacktest.HTTPError(503))
			}
			first, err := hs.ad.Send(ctx, out)
			if (err != nil) != (tc.failing != "") {
				t.Fatalf("first attempt: %v", err)
			}
			clock.Advance(2 * time.Minute)
			out.InDoubtSince = attempt
			ref, err := restarted().Send(ctx, out)
			if err != nil {
				t.Fatal(err)
			}
			msgs := hs.srv.Messages(tc.where())
			if len(msgs) != tc.want {
				t.Fatalf("messages = %d, want %d: the earlier attempt's posts once each", len(msgs), tc.want)
			}
			if ref.ID != msgs[0].TS && !(tc.failing == "" && ref.ID == first.ID) {
				t.Errorf("ref = %+v, want the first part's ts %s", ref, msgs[0].TS)
			}
			for _, m := range msgs {
				if len(m.FileIDs) == 0 && !strings.Contains(string(m.Metadata), out.Key) {
					t.Errorf("message %s has metadata %s, want the key", m.TS, m.Metadata)
				}
			}
		})
	}

	t.Run("a thread reply is looked for in the thread", func(t *testing.T) {
		parent, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: house}, Message: bot.Message{Text: "Check-in is open"}, Key: "parent"})
		if err != nil {
			t.Fatal(err)
		}
		reply := bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: house}, Thread: parent, Message: bot.Message{Text: "Robin checked in"}, Key: "reply"}
		if _, err := hs.ad.Send(ctx, reply); err != nil {
			t.Fatal(err)
		}
		reply.InDoubtSince = clock.Now()
		before := len(hs.srv.CallsTo("chat.postMessage"))
		if _, err := restarted().Send(ctx, reply); err != nil {
			t.Fatal(err)
		}
		if got := len(hs.srv.CallsTo("chat.postMessage")) - before; got != 0 || len(hs.srv.CallsTo("conversations.replies")) == 0 {
			t.Errorf("posts = %d, replies lookups = %d; want the reply found in the thread", got, len(hs.srv.CallsTo("conversations.replies")))
		}
	})

	t.Run("a message not in doubt is not looked for", func(t *testing.T) {
		before := len(hs.srv.CallsTo("conversations.history"))
		if _, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: house}, Message: bot.Message{Text: "hi"}, Key: "fresh"}); err != nil {
			t.Fatal(err)
		}
		if got := len(hs.srv.CallsTo("conversations.history")) - before; got != 0 {
			t.Errorf("history lookups = %d, want none", got)
		}
	})

	t.Run("a rate-limited lookup is retried, not skipped", func(t *testing.T) {
		hs.srv.Inject("conversations.history", 1, slacktest.RateLimited(2*time.Second))
		before := len(hs.srv.CallsTo("chat.postMessage"))
		_, err := restarted().Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: house}, Message: bot.Message{Text: "hi"}, Key: "limited", InDoubtSince: clock.Now()})
		var re *bot.RetryError
		if !errors.As(err, &re) || re.After != 2*time.Second || len(hs.srv.CallsTo("chat.postMessage")) != before {
			t.Errorf("Send = %v, posts %d; want a retry after 2s and no post", err, len(hs.srv.CallsTo("chat.postMessage"))-before)
		}
	})
}

// TestResendInDoubtTellsSameNamedFilesApart: two houses' digests to one
// mentor carry charts of the same name. The file share an earlier attempt
// left is recognised by the outbox key it carries, not by its name: the
// digest whose upload failed is posted once, the one that landed is not
// posted again.
func TestResendInDoubtTellsSameNamedFilesApart(t *testing.T) {
	var lines []string
	for i := range maxBlocks + 1 { // two parts: the text goes before the file
		lines = append(lines, fmt.Sprintf("line %02d %s", i, strings.Repeat("x", maxSectionText-10)))
	}
	for _, tc := range []struct{ name, text string }{
		{"with the text as the file's comment", "Your weekly digest"},
		{"with the text posted before the file", strings.Join(lines, "\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := bottest.NewClock(time.Date(2026, 11, 17, 20, 0, 0, 0, time.UTC))
			hs := start(t, slacktest.Config{Now: clock.Now, Scopes: manifestScopes()}, nil)
			ctx := ctxFor(t)
			restarted := New(Config{BotToken: hs.srv.BotToken(), AppToken: hs.srv.AppToken(), APIURL: hs.srv.APIURL()}, nil)
			digest := func(house, key string) bot.Outgoing {
				return bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: mentor}, Key: key,
					Message: bot.Message{Text: tc.text, Attachment: &bot.Attachment{Name: "digest-2026-W47.png", ContentType: "image/png", Data: []byte("png " + house)}}}
			}
			a, b := digest("Maple", "digest-maple"), digest("Cedar", "digest-cedar")
			attempt := clock.Now()
			if _, err := hs.ad.Send(ctx, a); err != nil {
				t.Fatal(err)
			}
			hs.srv.Inject("files.completeUploadExternal", 1, slacktest.HTTPError(503))
			if _, err := hs.ad.Send(ctx, b); err == nil {
				t.Fatal("Cedar's first attempt: want the upload's error")
			}
			clock.Advance(2 * time.Minute)
			for _, out := range []bot.Outgoing{a, b} {
				out.InDoubtSince = attempt
				if _, err := restarted.Send(ctx, out); err != nil {
					t.Fatal(err)
				}
			}
			var shared []string
			for _, f := range hs.srv.Files() {
				if f.Completed {
					shared = append(shared, string(f.Data))
				}
			}
			if got, want := fmt.Sprint(shared), "[png Maple png Cedar]"; got != want {
				t.Errorf("files shared = %s, want %s: each chart once", got, want)
			}
		})
	}
}

// TestResendInDoubtWithoutHistoryScopeSendsAgain: a workspace that took
// the history scopes away cannot be searched; the message is sent again
// rather than never.
func TestResendInDoubtWithoutHistoryScopeSendsAgain(t *testing.T) {
	hs := start(t, slacktest.Config{Scopes: []string{"chat:write", "im:write"}}, nil)
	out := bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: house}, Message: bot.Message{Text: "hi"}, Key: "k", InDoubtSince: time.Now()}
	if _, err := hs.ad.Send(ctxFor(t), out); err != nil {
		t.Fatal(err)
	}
	calls := hs.srv.CallsTo("conversations.history")
	if len(calls) != 1 || calls[0].APIError() != "missing_scope" || len(hs.srv.Messages(house)) != 1 {
		t.Errorf("history calls %v, messages %d; want a refused lookup, then the post", calls, len(hs.srv.Messages(house)))
	}
}

// TestInDoubtLookupFailureLogsNoChannelID: a lookup that fails for a DM
// logs the kind of conversation, never its id, which leads to the member.
func TestInDoubtLookupFailureLogsNoChannelID(t *testing.T) {
	var logs bytes.Buffer
	var logMu sync.Mutex
	hs := start(t, slacktest.Config{Scopes: []string{"chat:write", "im:write"}}, func(a *Adapter) {
		a.log = slog.New(slog.NewTextHandler(lockedWriter{&logMu, &logs}, nil))
	})
	out := bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: robin}, Message: bot.Message{Text: "hi"}, Key: "k", InDoubtSince: time.Now()}
	ref, err := hs.ad.Send(ctxFor(t), out)
	if err != nil {
		t.Fatal(err)
	}
	if calls := hs.srv.CallsTo("conversations.history"); len(calls) != 1 || calls[0].APIError() != "missing_scope" {
		t.Fatalf("history calls %v, want one refused lookup", calls)
	}
	logMu.Lock()
	defer logMu.Unlock()
	got := logs.String()
	if dm := hs.srv.DMChannel(robin); dm == "" || ref.Channel != dm {
		t.Fatalf("sent to %q, want the DM %q", ref.Channel, dm)
	}
	if strings.Contains(got, ref.Channel) {
		t.Errorf("the log names the DM channel %s:\n%s", ref.Channel, got)
	}
	if !strings.Contains(got, "cannot look for an earlier attempt") || !strings.Contains(got, "channel_kind=dm") || !strings.Contains(got, "code=missing_scope") {
		t.Errorf("the log lacks the failed lookup with its kind and code:\n%s", got)
	}
}
