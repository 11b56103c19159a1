package slacktest_test

import (
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/porchlight/porchlight/adapters/slack/slacktest"
)

// TestRateLimits checks that the fake keeps Slack's limits as slack-go sees
// them: chat.postMessage takes a short burst to one channel, then answers
// HTTP 429 with Retry-After (a *slack.RateLimitedError), while another
// channel is not held back; a Tier 3 method takes its burst, then 429s
// too; and the fake counts its 429s.
func TestRateLimits(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	api := newAPI(srv)
	post := func(ch string) error {
		_, _, err := api.PostMessage(ch, slack.MsgOptionText("hello", false))
		return err
	}
	for i := range slacktest.PostMessagePerChannel.Burst {
		if err := post("C0001"); err != nil {
			t.Fatalf("post %d to one channel: %v", i, err)
		}
	}
	var rl *slack.RateLimitedError
	if err := post("C0001"); !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Fatalf("post past the burst = %v; want a rate limit with Retry-After 1 s", err)
	}
	if err := post("C0002"); err != nil {
		t.Errorf("another channel: %v, want it taken", err)
	}
	limited := 1
	for i := range slacktest.Tier3.Burst + 1 {
		_, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U0001"}})
		switch {
		case i < slacktest.Tier3.Burst && err != nil:
			t.Fatalf("conversations.open %d: %v", i, err)
		case i == slacktest.Tier3.Burst:
			if !errors.As(err, &rl) || rl.RetryAfter <= 0 {
				t.Fatalf("conversations.open past its tier's burst = %v; want a rate limit", err)
			}
			limited++
		}
	}
	if got := srv.RateLimited(); got != limited {
		t.Errorf("RateLimited = %d, want %d", got, limited)
	}
}
