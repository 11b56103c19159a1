package slacktest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/slack/slacktest"
)

// callRaw posts form fields to a Web API method, as slack-go does, and
// decodes the answer.
func callRaw(t *testing.T, srv *slacktest.Server, method string, form url.Values) map[string]any {
	t.Helper()
	form.Set("token", srv.BotToken())
	resp, err := http.PostForm(srv.APIURL()+method, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// texts lists the "text" of each message of a history answer, and the
// metadata's key where there is one ("text[key]").
func texts(answer map[string]any) []string {
	var out []string
	msgs, _ := answer["messages"].([]any)
	for _, m := range msgs {
		msg := m.(map[string]any)
		s := msg["text"].(string)
		if md, ok := msg["metadata"].(map[string]any); ok {
			s += "[" + md["event_payload"].(map[string]any)["key"].(string) + "]"
		}
		out = append(out, s)
	}
	return out
}

// TestMetadataAndHistory checks on the wire that the fake keeps message
// metadata as Slack does: chat.postMessage stores it, and
// conversations.history and conversations.replies return it only with
// include_all_metadata; history holds a channel's top-level messages,
// newest first, within oldest and latest, and replies a thread.
func TestMetadataAndHistory(t *testing.T) {
	now := time.Date(2026, 11, 17, 20, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	srv := newServer(t, slacktest.Config{Now: clock, Unlimited: true}) // many posts to one channel
	post := func(text, key, thread string) string {
		t.Helper()
		form := url.Values{"channel": {"C0001"}, "text": {text}}
		if key != "" {
			form.Set("metadata", `{"event_type":"porchlight_outbox","event_payload":{"key":"`+key+`","part":0}}`)
		}
		if thread != "" {
			form.Set("thread_ts", thread)
		}
		a := callRaw(t, srv, "chat.postMessage", form)
		if a["ok"] != true {
			t.Fatalf("post %q: %v", text, a)
		}
		return a["ts"].(string)
	}
	first := post("one", "k1", "")
	if !strings.HasPrefix(first, "1794945600.") {
		t.Errorf("ts %s, want the clock's time", first)
	}
	advance(time.Minute)
	second := post("two", "", "")
	post("reply", "k3", first)
	advance(time.Minute)
	post("three", "k4", "")

	all := callRaw(t, srv, "conversations.history", url.Values{"channel": {"C0001"}, "include_all_metadata": {"1"}})
	if got := strings.Join(texts(all), " "); got != "three[k4] two one[k1]" {
		t.Errorf("history with metadata = %s, want the top-level messages newest first, with their keys", got)
	}
	bare := callRaw(t, srv, "conversations.history", url.Values{"channel": {"C0001"}})
	if got := strings.Join(texts(bare), " "); got != "three two one" {
		t.Errorf("history without include_all_metadata = %s, want no metadata", got)
	}
	since := callRaw(t, srv, "conversations.history", url.Values{"channel": {"C0001"}, "oldest": {second}, "include_all_metadata": {"true"}})
	if got := strings.Join(texts(since), " "); got != "three[k4]" {
		t.Errorf("history after %s = %s, want only the later message", second, got)
	}
	paged := callRaw(t, srv, "conversations.history", url.Values{"channel": {"C0001"}, "limit": {"2"}})
	next := paged["response_metadata"].(map[string]any)["next_cursor"].(string)
	rest := callRaw(t, srv, "conversations.history", url.Values{"channel": {"C0001"}, "limit": {"2"}, "cursor": {next}})
	if paged["has_more"] != true || strings.Join(texts(rest), " ") != "one" || rest["has_more"] != false {
		t.Errorf("pages = %v then %v", texts(paged), texts(rest))
	}
	thread := callRaw(t, srv, "conversations.replies", url.Values{"channel": {"C0001"}, "ts": {first}, "include_all_metadata": {"1"}})
	if got := strings.Join(texts(thread), " "); got != "one[k1] reply[k3]" {
		t.Errorf("replies = %s, want the parent then the reply, with keys", got)
	}

	t.Run("bad metadata is refused", func(t *testing.T) {
		for md, want := range map[string]string{
			`{"event_type":"x"`:                               "invalid_metadata_format",
			`{"event_payload":{"key":"k"}}`:                   "invalid_metadata_schema",
			`{"event_type":"bad type","event_payload":{}}`:    "invalid_metadata_schema",
			`{"event_type":"porchlight","event_payload":"k"}`: "invalid_metadata_schema",
		} {
			a := callRaw(t, srv, "chat.postMessage", url.Values{"channel": {"C0001"}, "text": {"x"}, "metadata": {md}})
			if a["error"] != want {
				t.Errorf("metadata %s: %v, want %s", md, a, want)
			}
		}
	})
}

// TestScopes checks that the fake enforces the token's scopes: history
// needs the scope of the conversation's type, and the error names it.
func TestScopes(t *testing.T) {
	srv := newServer(t, slacktest.Config{Scopes: []string{"chat:write", "im:write", "channels:history"}})
	dm := srv.DMChannel("U0001")
	group := callRaw(t, srv, "conversations.open", url.Values{"users": {"U0001,U0002"}})
	for _, tc := range []struct {
		method, channel, needed string
	}{
		{"conversations.history", "C0001", ""},
		{"conversations.history", dm, "im:history"},
		{"conversations.history", "G0001", "groups:history"},
		{"conversations.open", "", "mpim:write"},
		{"files.getUploadURLExternal", "", "files:write"},
	} {
		form := url.Values{"channel": {tc.channel}, "filename": {"a.png"}, "length": {"1"}}
		if tc.method == "conversations.open" {
			form.Set("users", "U0001,U0002")
		}
		a := callRaw(t, srv, tc.method, form)
		switch {
		case tc.needed == "" && a["ok"] != true:
			t.Errorf("%s %s = %v, want ok", tc.method, tc.channel, a)
		case tc.needed != "" && (a["error"] != "missing_scope" || a["needed"] != tc.needed || a["provided"] != "chat:write,im:write,channels:history"):
			t.Errorf("%s %s = %v, want missing_scope needing %s", tc.method, tc.channel, a, tc.needed)
		}
	}
	if group["error"] != "missing_scope" {
		t.Errorf("group DM open = %v, want missing_scope", group)
	}
}
