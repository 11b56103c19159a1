package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// SyncHouse inserts or updates the house by name and returns its id. The
// house's first sync time is kept as its creation time; h is not changed.
func (t *tx) SyncHouse(ctx context.Context, h *bot.House, now time.Time) (int64, error) {
	tz := "UTC"
	if h.Location != nil {
		tz = h.Location.String()
	}
	var id int64
	err := t.q.QueryRowContext(ctx, `
		INSERT INTO houses (name, platform, workspace, channel, tz, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET
			platform = excluded.platform, workspace = excluded.workspace,
			channel = excluded.channel, tz = excluded.tz, updated_at = excluded.updated_at
		RETURNING id`,
		h.Name, h.Platform, h.Workspace, h.Channel, tz, unixOrNull(now), unixOrNull(now)).Scan(&id)
	if err != nil {
		return 0, wrap("sync house", err)
	}
	return id, nil
}

// HouseCreated returns when the house was first synced; ErrNotFound if it
// never was.
func (t *tx) HouseCreated(ctx context.Context, houseID int64) (time.Time, error) {
	var at sql.NullInt64
	err := t.q.QueryRowContext(ctx, `SELECT created_at FROM houses WHERE id = ?`, houseID).Scan(&at)
	if err != nil {
		return time.Time{}, wrap("house created", err)
	}
	return timeOf(at), nil
}
