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

// PruneRuns deletes up to limit of a house's recorded runs scheduled
// before before, but never a job's latest, and returns how many it
// deleted. Only the latest is read (LastRun answers catch-up and whether
// an occurrence ran, which it did if a later one did); the others would
// only grow the file.
func (t *tx) PruneRuns(ctx context.Context, houseID int64, before time.Time, limit int) (int, error) {
	return t.changed(ctx, "prune runs", pruneRunsSQL, houseID, before.Unix(), limit)
}

// pruneRunsSQL deletes up to ?3 runs of house ?1 scheduled before ?2 that
// a later run of the same job follows: the house's old runs through
// scheduled_runs_by_house, each one's follower through the key.
const pruneRunsSQL = `DELETE FROM scheduled_runs WHERE (job, house_id, scheduled_for) IN (
	SELECT s.job, s.house_id, s.scheduled_for FROM scheduled_runs s
	WHERE s.house_id = ?1 AND s.scheduled_for < ?2
		AND EXISTS (SELECT 1 FROM scheduled_runs l WHERE l.job = s.job AND l.house_id = s.house_id AND l.scheduled_for > s.scheduled_for)
	LIMIT ?3)`
