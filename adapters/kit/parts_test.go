package kit_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/kit"
	"github.com/porchlight/porchlight/bot"
)

func TestPartsResumeAfterAFailedPart(t *testing.T) {
	p := kit.NewParts(kit.PartsTTL, kit.PartsLimit)
	var posted []int
	failAt := 2
	send := func(i int) (bot.MessageRef, error) {
		if i == failAt {
			failAt = -1 // fails once
			return bot.MessageRef{}, errors.New("rate limited")
		}
		posted = append(posted, i)
		return bot.MessageRef{Channel: "C1", ID: fmt.Sprint("m", i)}, nil
	}
	if _, err := p.Send("outbox:7", 4, send); err == nil {
		t.Fatal("first try: want the part's error")
	}
	ref, err := p.Send("outbox:7", 4, send)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(posted), "[0 1 2 3]"; got != want {
		t.Errorf("parts posted = %s, want %s (each once)", got, want)
	}
	if ref.ID != "m0" {
		t.Errorf("ref = %+v, want the first part's", ref)
	}
	// Done keys are forgotten: the same key sends in full again.
	posted = nil
	if _, err := p.Send("outbox:7", 2, send); err != nil || len(posted) != 2 {
		t.Errorf("after success: posted %v, err %v; want both parts", posted, err)
	}
	// Untracked sends start over.
	posted, failAt = nil, 1
	p.Send("", 2, send)
	p.Send("", 2, send)
	if got, want := fmt.Sprint(posted), "[0 0 1]"; got != want {
		t.Errorf("untracked parts posted = %s, want %s", got, want)
	}
}

// A message whose send never succeeds does not stay in memory for good:
// past the limit, the oldest progress makes room, and that message's next
// try starts over.
func TestPartsForgetsTheOldestPastTheLimit(t *testing.T) {
	p := kit.NewParts(time.Hour, 2)
	var posted []string
	sendFailingAt := func(key string, fail int) func(int) (bot.MessageRef, error) {
		return func(i int) (bot.MessageRef, error) {
			if i == fail {
				return bot.MessageRef{}, errors.New("rate limited")
			}
			posted = append(posted, fmt.Sprint(key, i))
			return bot.MessageRef{Channel: "C1", ID: fmt.Sprint(key, i)}, nil
		}
	}
	for _, key := range []string{"a", "b", "c"} {
		if _, err := p.Send(key, 3, sendFailingAt(key, 1)); err == nil {
			t.Fatalf("%s: want the part's error", key)
		}
	}
	posted = nil
	// c and b are remembered and resume; a, the oldest, starts over.
	for _, key := range []string{"c", "b", "a"} {
		if _, err := p.Send(key, 3, sendFailingAt(key, -1)); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := fmt.Sprint(posted), "[c1 c2 b1 b2 a0 a1 a2]"; got != want {
		t.Errorf("parts posted = %s, want %s", got, want)
	}
}
