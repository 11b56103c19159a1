package discord

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/discord/discordtest"
	"github.com/porchlight/porchlight/bot"
)

// TestSendKeepsDiscordsLimits checks, through discordgo against a fake
// that enforces Discord's limits, that the adapter keeps them: a burst to
// one channel waits out the channel's bucket as the X-RateLimit headers
// describe it, a burst to many channels stays under the global limit,
// and neither gets a single 429. Every message lands exactly once, a
// channel's in the order sent.
func TestSendKeepsDiscordsLimits(t *testing.T) {
	t.Parallel()
	t.Run("a burst to one channel", func(t *testing.T) {
		t.Parallel()
		// Discord's 5 in 5 s, shortened so the test takes a second.
		limits := map[string]discordtest.RouteLimit{
			discordtest.RouteCreateMessage: {Limit: 3, Window: 300 * time.Millisecond},
			discordtest.RouteEditMessage:   {Limit: 3, Window: 300 * time.Millisecond},
		}
		hs := start(t, discordtest.Config{RouteLimits: limits}, nil, nil)
		ctx := ctxFor(t)
		var refs []bot.MessageRef
		for i := range 10 {
			ref, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general},
				Key: fmt.Sprintf("k%02d", i), Message: bot.Message{Text: strconv.Itoa(i)}})
			if err != nil {
				t.Fatalf("send %d: %v", i, err)
			}
			refs = append(refs, ref)
		}
		for i, ref := range refs[:6] {
			if err := hs.ad.Edit(ctx, ref, bot.Message{Text: "edited " + strconv.Itoa(i)}); err != nil {
				t.Fatalf("edit %d: %v", i, err)
			}
		}
		if n := hs.f.RateLimited(); n != 0 {
			t.Errorf("the fake answered %d requests 429, want none", n)
		}
		msgs := hs.f.Messages(general)
		if len(msgs) != 10 {
			t.Fatalf("%d messages in the channel, want 10", len(msgs))
		}
		for i, m := range msgs {
			want := strconv.Itoa(i)
			if i < 6 {
				want = "edited " + want
			}
			if m.Content != want {
				t.Errorf("message %d = %q, want %q (in the order sent)", i, m.Content, want)
			}
		}
	})
	t.Run("a burst to many channels", func(t *testing.T) {
		t.Parallel()
		// Discord's global 50 a second, scaled down with the pace so the
		// test takes three seconds: 20 channels at 7 a second, which
		// leaves the pace's slack for a loaded machine's jitter.
		hs := start(t, discordtest.Config{GlobalLimit: 10}, func(c *Config) { c.GlobalRate = 7 }, nil)
		ctx := ctxFor(t)
		const n = 20
		var wg sync.WaitGroup
		errs := make(chan error, n)
		work := make(chan int)
		for range 8 { // the sender's concurrency
			wg.Go(func() {
				for i := range work {
					ch := strconv.Itoa(1300000000000001000 + i)
					_, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: ch},
						Key: fmt.Sprintf("k%02d", i), Message: bot.Message{Text: "check-in"}})
					errs <- err
				}
			})
		}
		for i := range n {
			hs.f.AddChannel(discordtest.Channel{ID: strconv.Itoa(1300000000000001000 + i), Type: discordtest.ChannelTypeGuildText, GuildID: guild, Name: "house-" + strconv.Itoa(i)})
		}
		for i := range n {
			work <- i
		}
		close(work)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got := hs.f.RateLimited(); got != 0 {
			t.Errorf("the fake answered %d requests 429, want none", got)
		}
		for i := range n {
			if got := len(hs.f.Messages(strconv.Itoa(1300000000000001000 + i))); got != 1 {
				t.Errorf("channel %d has %d messages, want 1", i, got)
			}
		}
	})
	t.Run("a 429 is a rate limit to wait out, not a failure", func(t *testing.T) {
		t.Parallel()
		hs := start(t, discordtest.Config{}, nil, nil)
		hs.f.FailNext(discordtest.RouteCreateMessage, 1, discordtest.RateLimited(700*time.Millisecond, false))
		_, err := hs.ad.Send(ctxFor(t), bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Key: "k1", Message: bot.Message{Text: "hi"}})
		var retry *bot.RetryError
		if !errors.As(err, &retry) || !retry.RateLimit || retry.After != 700*time.Millisecond {
			t.Fatalf("err = %v; want a rate limit to wait 700 ms", err)
		}
		if got := len(hs.f.Messages(general)); got != 0 {
			t.Errorf("%d messages after the 429, want none", got)
		}
	})
}
