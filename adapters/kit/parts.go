package kit

import (
	"time"

	"github.com/porchlight/porchlight/bot"
)

// Parts remembers how far a multi-part send got. A platform limit can make
// one outbox message several posts; when a later post fails and the outbox
// retries, the parts the platform already took must not be posted again.
// Adapters keep one Parts and send every split message through it.
//
// The memory is the process's: a crash between two parts can still repeat
// the first ones after a restart. That is the rare case; a retry after a
// rate limit is the common one. It is bounded too: a message whose send
// never succeeds (the outbox gave up on it, or its member was erased)
// leaves its progress for PartsTTL, and at most PartsLimit messages are
// remembered, the oldest failures making room. A retry of a forgotten
// message starts over from its first part.
type Parts struct {
	done *TTLMap[partsDone]
}

// Bounds of what Parts remembers: a day outlasts the outbox's retries of
// one message, and ten thousand messages part-sent at once is far more
// than a deployment has in flight.
const (
	PartsTTL   = 24 * time.Hour
	PartsLimit = 10_000
)

// NewParts returns a Parts that remembers a message's progress for ttl,
// and at most limit messages.
func NewParts(ttl time.Duration, limit int) *Parts {
	return &Parts{done: NewTTLMap[partsDone](ttl, limit)}
}

type partsDone struct {
	n     int            // parts sent
	first bot.MessageRef // the first part's ref, where threads and edits attach
}

// Send posts parts n of a message, in order, calling send(i) for each part
// not yet sent under key, and returns the first part's ref. A failure
// returns the error and keeps the progress for the next try; success forgets
// the key. An empty key (a message not from the outbox) is not tracked.
func (p *Parts) Send(key string, n int, send func(i int) (bot.MessageRef, error)) (bot.MessageRef, error) {
	var d partsDone
	if key != "" {
		d, _ = p.done.Get(key, time.Now())
	}
	for i := d.n; i < n; i++ {
		ref, err := send(i)
		if err != nil {
			if key != "" && d.n > 0 {
				p.done.Put(key, d, time.Now())
			}
			return d.first, err
		}
		if d.first.IsZero() {
			d.first = ref
		}
		d.n = i + 1
	}
	if key != "" {
		p.done.Delete(key)
	}
	return d.first, nil
}
