package storage

import (
	"context"
	"time"
)

// MarkEvent records an inbound delivery; ErrDuplicate if it was already
// recorded. The failed insert leaves the transaction usable.
func (t *tx) MarkEvent(ctx context.Context, platform, id string, at time.Time) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO processed_events (platform, event_id, received_at) VALUES (?, ?, ?)`,
		platform, id, unixOrNull(at))
	return wrap("mark event", err)
}

// PruneEvents forgets deliveries recorded before the given time.
func (t *tx) PruneEvents(ctx context.Context, before time.Time) error {
	_, err := t.q.ExecContext(ctx, `DELETE FROM processed_events WHERE received_at < ?`, before.Unix())
	return wrap("prune events", err)
}
