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

// EventsBefore reports whether a delivery recorded before the given time
// is remembered; one probe of processed_events_by_time.
func (t *tx) EventsBefore(ctx context.Context, before time.Time) (bool, error) {
	var found bool
	err := t.q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM processed_events WHERE received_at < ?)`, before.Unix()).Scan(&found)
	return found, wrap("events before", err)
}

// PruneEvents forgets deliveries recorded before the given time.
func (t *tx) PruneEvents(ctx context.Context, before time.Time) error {
	_, err := t.q.ExecContext(ctx, `DELETE FROM processed_events WHERE received_at < ?`, before.Unix())
	return wrap("prune events", err)
}
