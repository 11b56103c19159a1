package discordtest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/discord/discordtest"
)

// TestEnforcedNonce checks, on the wire, that the fake deduplicates
// message creates as Discord does with enforce_nonce: the same nonce from
// the same author in the same channel within the window returns the
// earlier message and creates none; without enforce_nonce, in another
// channel or after the window, a nonce dedupes nothing.
func TestEnforcedNonce(t *testing.T) {
	clk := &clock{now: fixedNow()}
	f := discordtest.NewServer(t, discordtest.Config{Now: clk.Now, NonceWindow: time.Minute, RouteLimits: map[string]discordtest.RouteLimit{}})
	dm := f.DMChannel(discordtest.UserSam)

	// create posts a message as JSON and returns the status and answer.
	create := func(t *testing.T, channel string, body map[string]any) (int, map[string]any) {
		t.Helper()
		b, _ := json.Marshal(body)
		return post(t, f, channel, "application/json", b)
	}
	count := func(channel string) int { return len(f.Messages(channel)) }

	status, first := create(t, discordtest.ChannelGeneral, map[string]any{"content": "hello", "nonce": "k1", "enforce_nonce": true})
	if status != 200 || first["nonce"] != "k1" {
		t.Fatalf("create = %d %v, want 200 with the nonce echoed", status, first)
	}
	clk.Advance(59 * time.Second)
	status, again := create(t, discordtest.ChannelGeneral, map[string]any{"content": "hello", "nonce": "k1", "enforce_nonce": true})
	if status != 200 || again["id"] != first["id"] || count(discordtest.ChannelGeneral) != 1 {
		t.Fatalf("repeat within the window = %d, id %v (first %v), %d messages; want the first message and no new one",
			status, again["id"], first["id"], count(discordtest.ChannelGeneral))
	}

	t.Run("without enforce_nonce a nonce dedupes nothing", func(t *testing.T) {
		before := count(discordtest.ChannelGeneral)
		for range 2 {
			if status, _ := create(t, discordtest.ChannelGeneral, map[string]any{"content": "plain", "nonce": "k2"}); status != 200 {
				t.Fatal(status)
			}
		}
		// Nor does an earlier unenforced nonce make a later enforced one
		// return its message.
		if _, m := create(t, discordtest.ChannelGeneral, map[string]any{"content": "plain", "nonce": "k2", "enforce_nonce": true}); m["content"] != "plain" {
			t.Fatal(m)
		}
		if got := count(discordtest.ChannelGeneral) - before; got != 3 {
			t.Errorf("created %d messages, want 3", got)
		}
	})
	t.Run("another channel is another message", func(t *testing.T) {
		_, m := create(t, dm, map[string]any{"content": "hello", "nonce": "k1", "enforce_nonce": true})
		if m["id"] == first["id"] || count(dm) != 1 {
			t.Errorf("same nonce in a DM returned %v, %d DM messages; want a new message", m["id"], count(dm))
		}
	})
	t.Run("a multipart create is deduplicated too", func(t *testing.T) {
		body, ct := multipartMessage(t, `{"content":"chart","nonce":"k3","enforce_nonce":true}`)
		_, a := post(t, f, discordtest.ChannelGeneral, ct, body)
		body, ct = multipartMessage(t, `{"content":"chart","nonce":"k3","enforce_nonce":true}`)
		_, b := post(t, f, discordtest.ChannelGeneral, ct, body)
		if a["id"] == nil || a["id"] != b["id"] {
			t.Errorf("two uploads with one nonce = %v and %v, want one message", a["id"], b["id"])
		}
	})
	t.Run("a deleted message is not posted again", func(t *testing.T) {
		_, m := create(t, discordtest.ChannelGeneral, map[string]any{"content": "oops", "nonce": "k4", "enforce_nonce": true})
		req, _ := http.NewRequest("DELETE", f.URL()+"/api/v9/channels/"+discordtest.ChannelGeneral+"/messages/"+m["id"].(string), nil)
		req.Header.Set("Authorization", f.Token())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		status, e := create(t, discordtest.ChannelGeneral, map[string]any{"content": "oops", "nonce": "k4", "enforce_nonce": true})
		if status != 404 || e["code"] != float64(10008) {
			t.Errorf("repeat of a deleted message = %d %v, want 404 Unknown Message", status, e)
		}
	})
	t.Run("bad nonces are refused", func(t *testing.T) {
		for _, body := range []map[string]any{
			{"content": "x", "nonce": "12345678901234567890123456", "enforce_nonce": true},
			{"content": "x", "nonce": 1.5},
			{"content": "x", "nonce": []any{"a"}},
			{"content": "x", "nonce": "k", "enforce_nonce": "yes"},
		} {
			if status, e := create(t, discordtest.ChannelGeneral, body); status != 400 || e["code"] != float64(50035) {
				t.Errorf("%v = %d %v, want 400 Invalid Form Body", body, status, e)
			}
		}
		if status, _ := create(t, discordtest.ChannelGeneral, map[string]any{"content": "x", "nonce": 12345}); status != 200 {
			t.Errorf("an integer nonce = %d, want 200", status)
		}
	})

	// After the window, Discord has forgotten the nonce: the same create
	// posts a second message.
	clk.Advance(2 * time.Second)
	_, late := create(t, discordtest.ChannelGeneral, map[string]any{"content": "hello", "nonce": "k1", "enforce_nonce": true})
	if late["id"] == first["id"] {
		t.Errorf("repeat after the window returned the first message, want a new one")
	}
}

// post sends a create-message request with the bot's token and decodes the
// answer.
func post(t *testing.T, f *discordtest.Server, channel, contentType string, body []byte) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("POST", f.URL()+"/api/v9/channels/"+channel+"/messages", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", f.Token())
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("answer %d %q: %v", resp.StatusCode, raw, err)
	}
	return resp.StatusCode, out
}

// multipartMessage is a create with payload_json and one file.
func multipartMessage(t *testing.T, payload string) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.WriteField("payload_json", payload); err != nil {
		t.Fatal(err)
	}
	fw, err := w.CreateFormFile("files[0]", "chart.png")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte("png"))
	w.Close()
	return b.Bytes(), w.FormDataContentType()
}
