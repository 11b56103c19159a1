package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/porchlight/porchlight/bot"
)

const welcomeCols = `member_id, house_id, started_at, step, next_at, skipped_at`

func scanWelcome(s scanner) (*bot.Welcome, error) {
	var w bot.Welcome
	var started, next, skipped sql.NullInt64
	if err := s.Scan(&w.MemberID, &w.HouseID, &started, &w.Step, &next, &skipped); err != nil {
		return nil, err
	}
	w.StartedAt, w.NextAt, w.SkippedAt = timeOf(started), timeOf(next), timeOf(skipped)
	return &w, nil
}

// StartWelcome stores w, once per member.
func (t *tx) StartWelcome(ctx context.Context, w *bot.Welcome) (bool, error) {
	res, err := t.q.ExecContext(ctx, `INSERT INTO newcomer_welcomes (`+welcomeCols+`) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		w.MemberID, w.HouseID, w.StartedAt.Unix(), w.Step, unixOrNull(w.NextAt), unixOrNull(w.SkippedAt))
	if err != nil {
		return false, wrap("start welcome", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrap("start welcome", err)
}

// WelcomeOf returns a member's welcome, or bot.ErrNotFound.
func (t *tx) WelcomeOf(ctx context.Context, memberID int64) (*bot.Welcome, error) {
	w, err := scanWelcome(t.q.QueryRowContext(ctx, `SELECT `+welcomeCols+` FROM newcomer_welcomes WHERE member_id = ?`, memberID))
	return w, wrap("welcome", err)
}

// SaveWelcome saves w's step, next time and skip.
func (t *tx) SaveWelcome(ctx context.Context, w *bot.Welcome) error {
	_, err := t.q.ExecContext(ctx, `UPDATE newcomer_welcomes SET step = ?, next_at = ?, skipped_at = ? WHERE member_id = ?`,
		w.Step, unixOrNull(w.NextAt), unixOrNull(w.SkippedAt), w.MemberID)
	return wrap("save welcome", err)
}

// DueWelcomes lists welcomes with a step due at now, through the index on
// next_at.
func (t *tx) DueWelcomes(ctx context.Context, now time.Time) ([]*bot.Welcome, error) {
	return queryAll(ctx, t, "due welcomes", scanWelcome, `SELECT `+welcomeCols+` FROM newcomer_welcomes
		WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY next_at, member_id`, now.Unix())
}
