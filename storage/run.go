package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// RecordRun records one run of a scheduled job; ErrDuplicate if that (job,
// house, scheduled time) was already recorded.
func (t *tx) RecordRun(ctx context.Context, r bot.Run) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO scheduled_runs (job, house_id, scheduled_for, status, ran_at) VALUES (?, ?, ?, ?, ?)`,
		r.Job, r.HouseID, unixOrNull(r.ScheduledFor), r.Status, unixOrNull(r.At))
	return wrap("record run", err)
}

// LastRun returns the latest scheduled time recorded for a job and house,
// done or skipped; ErrNotFound if none.
func (t *tx) LastRun(ctx context.Context, job string, houseID int64) (time.Time, error) {
	var last sql.NullInt64
	err := t.q.QueryRowContext(ctx, `SELECT MAX(scheduled_for) FROM scheduled_runs WHERE job = ? AND house_id = ?`, job, houseID).Scan(&last)
	if err == nil && !last.Valid {
		err = sql.ErrNoRows // MAX over no rows is one NULL row
	}
	if err != nil {
		return time.Time{}, wrap("last run", err)
	}
	return timeOf(last), nil
}
