package discordtest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/porchlight/porchlight/adapters/discord/discordtest"
)

// TestGlobalRateLimit checks that the fake, like Discord, takes only so
// many of the bot's requests in a second (Discord's 50; 5 here) and
// answers the rest 429 as Discord does for its global limit: a JSON body
// with "global": true and retry_after, and the X-RateLimit-Global,
// X-RateLimit-Scope and Retry-After headers. The requests are raw, since
// discordgo would wait out the limit by itself.
func TestGlobalRateLimit(t *testing.T) {
	f := discordtest.NewServer(t, discordtest.Config{GlobalLimit: 5})
	c := f.HTTPClient()
	taken, limited := 0, 0
	for range 12 {
		req, err := http.NewRequest(http.MethodPost, discordgo.EndpointChannelMessages(discordtest.ChannelGeneral), strings.NewReader(`{"content":"hello"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", f.Token())
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Global     bool    `json:"global"`
			RetryAfter float64 `json:"retry_after"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusOK:
			taken++
		case resp.StatusCode == http.StatusTooManyRequests:
			limited++
			if err != nil || !body.Global || body.RetryAfter <= 0 || body.RetryAfter > 1 {
				t.Errorf("429 body = %+v, %v; want global with retry_after in (0, 1] s", body, err)
			}
			for k, want := range map[string]string{"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global", "Retry-After": "1"} {
				if got := resp.Header.Get(k); got != want {
					t.Errorf("429 header %s = %q, want %q", k, got, want)
				}
			}
		default:
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	// The 12 requests take well under a second on any machine this runs
	// on; should they take longer, fewer are limited, never more taken.
	if taken > 5 || limited == 0 {
		t.Errorf("taken %d, globally limited %d; want at most 5 taken and the rest limited", taken, limited)
	}
	if got := f.GlobalRateLimited(); got != limited {
		t.Errorf("GlobalRateLimited = %d, want %d", got, limited)
	}
}

// TestRouteRateLimit checks that the fake keeps a bucket per route and
// channel as Discord does: every answer carries the bucket's
// X-RateLimit-Limit, -Remaining, -Reset, -Reset-After and -Bucket; past its
// limit the bucket answers 429 with "global": false, scope user and the
// wait until its window ends; another channel has a bucket of its own.
func TestRouteRateLimit(t *testing.T) {
	f := discordtest.NewServer(t, discordtest.Config{})
	c := f.HTTPClient()
	post := func(channel string) (*http.Response, map[string]any) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, discordgo.EndpointChannelMessages(channel), strings.NewReader(`{"content":"hello"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", f.Token())
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp, body
	}
	var bucket string
	for i := range 5 {
		resp, _ := post(discordtest.ChannelGeneral)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("post %d: status %d, want 200", i, resp.StatusCode)
		}
		h := resp.Header
		if got, want := h.Get("X-RateLimit-Remaining"), fmt.Sprint(4-i); got != want || h.Get("X-RateLimit-Limit") != "5" {
			t.Errorf("post %d: limit %q remaining %q, want 5 and %s", i, h.Get("X-RateLimit-Limit"), got, want)
		}
		if after, err := strconv.ParseFloat(h.Get("X-RateLimit-Reset-After"), 64); err != nil || after <= 0 || after > 5 {
			t.Errorf("post %d: reset after %q, want in (0, 5] s", i, h.Get("X-RateLimit-Reset-After"))
		}
		if h.Get("X-RateLimit-Reset") == "" || h.Get("X-RateLimit-Bucket") == "" {
			t.Errorf("post %d: no reset or bucket header: %v", i, h)
		}
		bucket = h.Get("X-RateLimit-Bucket")
	}
	resp, body := post(discordtest.ChannelGeneral)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("sixth post: status %d, want 429", resp.StatusCode)
	}
	if body["global"] != false || body["message"] == nil {
		t.Errorf("429 body = %v, want a message and global false", body)
	}
	if ra, _ := body["retry_after"].(float64); ra <= 0 || ra > 5 {
		t.Errorf("retry_after = %v, want in (0, 5] s", body["retry_after"])
	}
	for k, want := range map[string]string{"X-RateLimit-Scope": "user", "X-RateLimit-Remaining": "0", "X-RateLimit-Bucket": bucket} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("429 header %s = %q, want %q", k, got, want)
		}
	}
	if resp.Header.Get("Retry-After") == "" || resp.Header.Get("X-RateLimit-Global") != "" {
		t.Errorf("429 headers %v: want Retry-After and no X-RateLimit-Global", resp.Header)
	}
	if resp, _ := post(discordtest.ChannelThread); resp.StatusCode != http.StatusOK {
		t.Errorf("another channel: status %d, want 200 (a bucket of its own)", resp.StatusCode)
	}
	if got := f.RateLimited(); got != 1 {
		t.Errorf("RateLimited = %d, want 1", got)
	}
	if got := len(f.Messages(discordtest.ChannelGeneral)); got != 5 {
		t.Errorf("%d messages, want the 5 taken", got)
	}
}
