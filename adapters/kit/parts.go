package kit

import (
	"sync"

	"github.com/porchlight/porchlight/bot"
)

// Parts remembers how far a multi-part send got. A platform limit can make
// one outbox message several posts; when a later post fails and the outbox
// retries, the parts the platform already took must not be posted again.
// Adapters keep one Parts and send every split message through it.
//
// The memory is the process's: a crash between two parts can still repeat
// the first ones after a restart. That is the rare case; a retry after a
// rate limit is the common one.
type Parts struct {
	mu   sync.Mutex
	done map[string]partsDone
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
	p.mu.Lock()
	d := p.done[key]
	p.mu.Unlock()
	for i := d.n; i < n; i++ {
		ref, err := send(i)
		if err != nil {
			if key != "" {
				p.mu.Lock()
				if p.done == nil {
					p.done = map[string]partsDone{}
				}
				p.done[key] = d
				p.mu.Unlock()
			}
			return d.first, err
		}
		if d.first.IsZero() {
			d.first = ref
		}
		d.n = i + 1
	}
	if key != "" {
		p.mu.Lock()
		delete(p.done, key)
		p.mu.Unlock()
	}
	return d.first, nil
}
