// Package backoff is the project's one retry delay: exponential, capped,
// and jittered, so that clients retrying after the same outage (the
// outbox sender, the Discord and Slack reconnects, the scheduler's failed
// runs) do not retry in step.
// It imports nothing of the module, so every package may use it.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Delay is the wait before retry number attempt (1 for the first retry):
// base doubled for each earlier attempt, capped at limit, then a random
// point in its upper half. The upper half keeps the growth a caller
// expects while spreading the retries of many clients.
func Delay(attempt int, base, limit time.Duration) time.Duration {
	d := Ceiling(attempt, base, limit)
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(d-half)+1))
}

// Ceiling is the most Delay returns for attempt: base doubled for each
// earlier attempt, capped at limit.
func Ceiling(attempt int, base, limit time.Duration) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := limit
	if attempt < 40 {
		if x := base << (attempt - 1); x > 0 && x < limit {
			d = x
		}
	}
	return d
}

// Sleep waits d, or until ctx ends, and reports whether it waited the whole
// time: false means ctx ended and the caller should stop retrying.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
