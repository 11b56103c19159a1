package kit

import (
	"context"
	"errors"
	"testing"

	"github.com/porchlight/porchlight/bot"
)

func TestDMChannelsOpensOncePerUser(t *testing.T) {
	opened := map[string]int{}
	fail := errors.New("platform down")
	var failNext bool
	d := &DMChannels{Platform: "test", Open: func(_ context.Context, user string) (string, error) {
		if failNext {
			return "", fail
		}
		opened[user]++
		return "D-" + user, nil
	}}
	ctx := context.Background()
	for range 3 {
		if ch, err := d.Get(ctx, "u1"); err != nil || ch != "D-u1" {
			t.Fatalf("Get(u1) = %q, %v", ch, err)
		}
	}
	if opened["u1"] != 1 {
		t.Errorf("u1's DM opened %d times, want once", opened["u1"])
	}
	failNext = true
	if _, err := d.Get(ctx, "u2"); !errors.Is(err, fail) {
		t.Errorf("a failed open returned %v, want the platform's error", err)
	}
	failNext = false
	if ch, err := d.Get(ctx, "u2"); err != nil || ch != "D-u2" {
		t.Errorf("after a failed open, Get(u2) = %q, %v; a failure must not be cached", ch, err)
	}
	if _, err := d.Get(ctx, ""); !errors.Is(err, bot.ErrUndeliverable) {
		t.Errorf("a DM without a user returned %v, want bot.ErrUndeliverable", err)
	}
}
