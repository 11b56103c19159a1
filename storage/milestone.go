package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// AddSoberDate appends to a member's sober-date history.
func (t *tx) AddSoberDate(ctx context.Context, d *bot.SoberDate) error {
	err := t.q.QueryRowContext(ctx, `INSERT INTO sober_dates (member_id, date, kind, set_at) VALUES (?, ?, ?, ?) RETURNING id`,
		d.MemberID, d.Date, d.Kind, d.SetAt.Unix()).Scan(&d.ID)
	return wrap("add sober date", err)
}

const soberCols = `id, member_id, date, kind, set_at, cleared_at`

func scanSober(s scanner) (*bot.SoberDate, error) {
	var d bot.SoberDate
	var set, cleared sql.NullInt64
	if err := s.Scan(&d.ID, &d.MemberID, &d.Date, &d.Kind, &set, &cleared); err != nil {
		return nil, err
	}
	d.SetAt, d.ClearedAt = timeOf(set), timeOf(cleared)
	return &d, nil
}

// CurrentSoberDate returns the newest uncleared date, or bot.ErrNotFound.
func (t *tx) CurrentSoberDate(ctx context.Context, memberID int64) (*bot.SoberDate, error) {
	d, err := scanSober(t.q.QueryRowContext(ctx, `SELECT `+soberCols+` FROM sober_dates WHERE member_id = ? ORDER BY id DESC LIMIT 1`, memberID))
	if err != nil {
		return nil, wrap("sober date", err)
	}
	if !d.ClearedAt.IsZero() {
		return nil, bot.ErrNotFound
	}
	return d, nil
}

// ClearSoberDate clears the current date.
func (t *tx) ClearSoberDate(ctx context.Context, memberID int64, at time.Time) error {
	_, err := t.q.ExecContext(ctx, `UPDATE sober_dates SET cleared_at = ? WHERE member_id = ? AND cleared_at IS NULL`, at.Unix(), memberID)
	return wrap("clear sober date", err)
}

// SoberDates lists a member's history, oldest first.
func (t *tx) SoberDates(ctx context.Context, memberID int64) ([]*bot.SoberDate, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT `+soberCols+` FROM sober_dates WHERE member_id = ? ORDER BY id`, memberID)
	if err != nil {
		return nil, wrap("sober dates", err)
	}
	defer rows.Close()
	out := []*bot.SoberDate{}
	for rows.Next() {
		d, err := scanSober(rows)
		if err != nil {
			return nil, wrap("sober dates", err)
		}
		out = append(out, d)
	}
	return out, wrap("sober dates", rows.Err())
}

// SetMilestoneShare opts a member in or out of celebrations.
func (t *tx) SetMilestoneShare(ctx context.Context, memberID int64, on bool, at time.Time) error {
	return wrap("milestone share", t.setMemberFlag(ctx, flagMilestoneShare, memberID, on, at))
}

// MilestoneShare reports whether a member opted in.
func (t *tx) MilestoneShare(ctx context.Context, memberID int64) (bool, error) {
	on, err := t.memberFlag(ctx, flagMilestoneShare, memberID)
	return on, wrap("milestone share", err)
}

// RecordCelebration records c once.
func (t *tx) RecordCelebration(ctx context.Context, c *bot.Celebration) (bool, error) {
	res, err := t.q.ExecContext(ctx, `INSERT INTO milestone_celebrations (member_id, house_id, sober_date, milestone, label, shared, at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, c.MemberID, c.HouseID, c.SoberDate, c.Milestone, c.Label, c.Shared, c.At.Unix())
	if err != nil {
		return false, wrap("record celebration", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrap("record celebration", err)
}

// SharedCelebrations lists a house's shared celebrations in [from, to).
func (t *tx) SharedCelebrations(ctx context.Context, houseID int64, from, to time.Time) ([]*bot.Celebration, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT member_id, house_id, sober_date, milestone, label, shared, at FROM milestone_celebrations
		WHERE house_id = ? AND shared = 1 AND at >= ? AND at < ? ORDER BY at`, houseID, from.Unix(), to.Unix())
	if err != nil {
		return nil, wrap("shared celebrations", err)
	}
	defer rows.Close()
	var out []*bot.Celebration
	for rows.Next() {
		var c bot.Celebration
		var at int64
		if err := rows.Scan(&c.MemberID, &c.HouseID, &c.SoberDate, &c.Milestone, &c.Label, &c.Shared, &at); err != nil {
			return nil, wrap("shared celebrations", err)
		}
		c.At = time.Unix(at, 0).UTC()
		out = append(out, &c)
	}
	return out, wrap("shared celebrations", rows.Err())
}
