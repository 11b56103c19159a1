package slack

import (
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/porchlight/porchlight/adapters/slack/slacktest"
	"github.com/porchlight/porchlight/bot"
)

// TestSendKeepsSlacksLimits checks, through slack-go against a fake that
// enforces Slack's limits, that the adapter keeps them: posts to one
// channel go at about one a second, in order, and a burst to many
// channels from the sender's eight goroutines goes at once; neither gets
// a 429, and every message lands exactly once.
func TestSendKeepsSlacksLimits(t *testing.T) {
	hs := startLimited(t, slacktest.Config{}, Config{}, nil)
	ctx := ctxFor(t)
	const many = 20
	var wg sync.WaitGroup
	errs := make(chan error, many+4)
	wg.Go(func() {
		for i := range 4 {
			_, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: house},
				Key: fmt.Sprintf("h%d", i), Message: bot.Message{Text: strconv.Itoa(i)}})
			errs <- err
		}
	})
	work := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range work {
				_, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: fmt.Sprintf("C1%04d", i)},
					Key: fmt.Sprintf("k%d", i), Message: bot.Message{Text: "check-in"}})
				errs <- err
			}
		})
	}
	for i := range many {
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
	if got := hs.srv.RateLimited(); got != 0 {
		t.Errorf("the fake answered %d calls 429, want none", got)
	}
	var inHouse []string
	perChannel := map[string]int{}
	for _, c := range hs.srv.CallsTo("chat.postMessage") {
		if ch := c.Param("channel"); ch == house {
			inHouse = append(inHouse, c.Param("text"))
		} else {
			perChannel[ch]++
		}
	}
	if fmt.Sprint(inHouse) != "[0 1 2 3]" {
		t.Errorf("house channel got %v, want [0 1 2 3] in order", inHouse)
	}
	for i := range many {
		if n := perChannel[fmt.Sprintf("C1%04d", i)]; n != 1 {
			t.Errorf("channel %d got %d posts, want 1", i, n)
		}
	}
}
