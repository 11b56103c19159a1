package kit

import (
	"sync"
	"time"
)

// TTLMap holds values for a while, and at most a number of them: the one
// expiring memory the adapters keep (delivery ids seen, what long custom
// ids stand for). An entry older than the ttl is gone; when the map is
// full, the oldest entries make room. It is safe for concurrent use.
type TTLMap[V any] struct {
	mu    sync.Mutex
	ttl   time.Duration
	limit int
	m     map[string]ttlEntry[V]
	// order holds keys oldest first, for pruning and for making room;
	// keys whose entry was replaced or deleted are skipped.
	order []ttlKey
}

type ttlEntry[V any] struct {
	v  V
	at time.Time
}

type ttlKey struct {
	k  string
	at time.Time
}

// NewTTLMap returns a map that keeps each value for ttl, and at most limit
// values.
func NewTTLMap[V any](ttl time.Duration, limit int) *TTLMap[V] {
	return &TTLMap[V]{ttl: ttl, limit: max(limit, 1), m: map[string]ttlEntry[V]{}}
}

// Put stores v under k at now.
func (t *TTLMap[V]) Put(k string, v V, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.prune(now)
	for len(t.m) >= t.limit && len(t.order) > 0 {
		t.dropOldest()
	}
	if len(t.order) >= 2*t.limit {
		t.compact()
	}
	t.m[k] = ttlEntry[V]{v: v, at: now}
	t.order = append(t.order, ttlKey{k, now})
}

// Delete forgets the value under k.
func (t *TTLMap[V]) Delete(k string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, k)
}

// Get returns the value under k, if it is there and younger than the ttl.
func (t *TTLMap[V]) Get(k string, now time.Time) (V, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.m[k]
	if !ok || now.Sub(e.at) > t.ttl {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Len is the number of values held, expired ones included until pruned.
func (t *TTLMap[V]) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.m)
}

// prune drops the entries older than the ttl, oldest first.
func (t *TTLMap[V]) prune(now time.Time) {
	for len(t.order) > 0 && now.Sub(t.order[0].at) > t.ttl {
		t.dropOldest()
	}
}

// compact drops from order the keys whose entry was replaced or deleted
// since, so that keys stored again and again, or deleted, do not grow it
// past the limit.
func (t *TTLMap[V]) compact() {
	live := t.order[:0]
	for _, o := range t.order {
		if e, ok := t.m[o.k]; ok && e.at.Equal(o.at) {
			live = append(live, o)
		}
	}
	clear(t.order[len(live):])
	t.order = live
}

// dropOldest removes the oldest key, unless it was stored again since.
func (t *TTLMap[V]) dropOldest() {
	o := t.order[0]
	t.order = t.order[1:]
	if e, ok := t.m[o.k]; ok && e.at.Equal(o.at) {
		delete(t.m, o.k)
	}
}
