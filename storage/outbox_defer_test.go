package storage_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// TestDeferCountsNoAttempt checks Defer, the sender's answer to a rate
// limit: the message leaves the queue until its wait is over (rounded up
// to a whole second), the message after it to the same recipient waits
// behind it, and it comes back with no attempt counted and the reason
// kept.
func TestDeferCountsNoAttempt(t *testing.T) {
	f := newFixture(t)
	ids := f.enqueue(t, f.postIn("C-1", "first"), f.postIn("C-1", "second"), f.postIn("C-2", "other"))
	ob := f.db.Outbox()
	if err := ob.Defer(f.ctx, ids[0], t0.Add(1500*time.Millisecond), "429 rate limited"); err != nil {
		t.Fatal(err)
	}
	if got, want := texts(f.due(t, t0.Add(time.Second))), []string{"other"}; !slices.Equal(got, want) {
		t.Errorf("due while deferred = %v, want %v (the second waits behind the first)", got, want)
	}
	got := f.due(t, t0.Add(2*time.Second))
	if len(got) == 0 || got[0].Out.Text != "first" || got[0].Attempts != 0 || got[0].LastError != "429 rate limited" {
		t.Fatalf("after the wait = %+v, want first with no attempt and the reason", got)
	}
	if err := ob.Defer(f.ctx, 1<<40, t0, "x"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Defer of a missing message = %v, want ErrNotFound", err)
	}
}
