package kit_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/porchlight/porchlight/adapters/kit"
	"github.com/porchlight/porchlight/bot"
)

func TestPartsResumeAfterAFailedPart(t *testing.T) {
	var p kit.Parts
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
