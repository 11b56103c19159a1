package discordtest_test

import (
	"encoding/json"
	"net/http"
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
