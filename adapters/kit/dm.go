package kit

import (
	"context"
	"fmt"
	"sync"

	"github.com/porchlight/porchlight/bot"
)

// DMChannels caches the direct-message channel of each user, so an adapter
// opens it once per user and process. Both platforms give a stable channel
// for a user's DMs, and a house has tens of members, so the cache needs no
// expiry.
type DMChannels struct {
	// Platform names the adapter in errors ("discord", "slack").
	Platform string
	// Open asks the platform for the user's DM channel and returns its id;
	// its errors are returned as they are, so it classifies them itself.
	Open func(ctx context.Context, user string) (string, error)

	mu  sync.Mutex
	ids map[string]string
}

// Get returns the user's DM channel, opening it the first time. A DM
// without a user can never be delivered (bot.ErrUndeliverable).
func (d *DMChannels) Get(ctx context.Context, user string) (string, error) {
	if user == "" {
		return "", fmt.Errorf("%s: DM without a user: %w", d.Platform, bot.ErrUndeliverable)
	}
	d.mu.Lock()
	ch, ok := d.ids[user]
	d.mu.Unlock()
	if ok {
		return ch, nil
	}
	ch, err := d.Open(ctx, user)
	if err != nil {
		return "", err
	}
	d.mu.Lock()
	if d.ids == nil {
		d.ids = map[string]string{}
	}
	d.ids[user] = ch
	d.mu.Unlock()
	return ch, nil
}
