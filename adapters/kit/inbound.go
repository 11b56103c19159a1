package kit

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// Helpers the platform adapters share for inbound events: remembering
// delivery ids, and handing each user's events to the core one at a time.

// SeenSet remembers delivery ids for a while, so an adapter can drop a
// platform's redelivery before it reaches the core. (The core dedupes too,
// by Event.ID in the database; this saves the round trip.) It holds at
// most 100,000 ids, far more than a house sends in any ttl.
type SeenSet struct{ ids *TTLMap[struct{}] }

// NewSeenSet returns a set that remembers ids for ttl.
func NewSeenSet(ttl time.Duration) *SeenSet {
	return &SeenSet{ids: NewTTLMap[struct{}](ttl, 100_000)}
}

// FirstSight records id and reports whether it was new.
func (s *SeenSet) FirstSight(id string, now time.Time) bool {
	if _, seen := s.ids.Get(id, now); seen {
		return false
	}
	s.ids.Put(id, struct{}{}, now)
	return true
}

// UserQueue hands each user's events to the core in the order they
// arrived, one at a time, while different users' events run in parallel.
// Platform SDKs call handlers on goroutines of their own, so without it two
// quick answers in a conversation could reach the core out of order.
type UserQueue struct {
	// Log records a panic in the core, by event id only.
	Log *slog.Logger

	mu    sync.Mutex
	tails map[string]chan struct{}
}

// Handle takes ev's place in its user's line at once (call it in arrival
// order), then, on its own goroutine, waits for the user's previous event,
// runs the core, and sends the response on the returned channel. If ctx
// ends first it sends an empty response; a panic in the core becomes an
// apology.
func (q *UserQueue) Handle(ctx context.Context, h bot.Handler, ev bot.Event) <-chan bot.Response {
	q.mu.Lock()
	if q.tails == nil {
		q.tails = map[string]chan struct{}{}
	}
	prev := q.tails[ev.User.ID]
	mine := make(chan struct{})
	q.tails[ev.User.ID] = mine
	q.mu.Unlock()

	done := make(chan bot.Response, 1)
	go func() {
		defer func() {
			q.mu.Lock()
			close(mine)
			if q.tails[ev.User.ID] == mine {
				delete(q.tails, ev.User.ID)
			}
			q.mu.Unlock()
		}()
		defer func() {
			if p := recover(); p != nil {
				if q.Log != nil {
					q.Log.Error("core panicked on an event", "event", ev.ID, "kind", ev.Kind.String(), "panic", fmt.Sprint(p))
				}
				// The core gave nothing, not even the actor's language.
				done <- bot.Response{Messages: []bot.Message{{Text: Lang("").T("adapter.error")}}}
			}
		}()
		if prev != nil {
			select {
			case <-prev:
			case <-ctx.Done():
				done <- bot.Response{}
				return
			}
		}
		done <- h.Handle(ctx, ev)
	}()
	return done
}
