package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/porchlight/porchlight/bot"
)

const activityCols = `id, house_id, series_id, title, place, details, starts_at, ends_at, capacity, repeat, status, created_by, created_at, post_outbox_id, reminded_at, started_at, ended_at, event_outbox_id`

func scanActivity(s scanner) (*bot.Activity, error) {
	var a bot.Activity
	var series, post, starts, ends, created, reminded, started, ended, event sql.NullInt64
	if err := s.Scan(&a.ID, &a.HouseID, &series, &a.Title, &a.Place, &a.Details, &starts, &ends, &a.Capacity, &a.Repeat, &a.Status,
		&a.CreatedBy, &created, &post, &reminded, &started, &ended, &event); err != nil {
		return nil, err
	}
	a.SeriesID, a.Post, a.Event = series.Int64, post.Int64, event.Int64
	a.StartsAt, a.EndsAt, a.CreatedAt = timeOf(starts), timeOf(ends), timeOf(created)
	a.RemindedAt, a.StartedAt, a.EndedAt = timeOf(reminded), timeOf(started), timeOf(ended)
	return &a, nil
}

func (t *tx) queryActivities(ctx context.Context, what, query string, args ...any) ([]*bot.Activity, error) {
	rows, err := t.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(what, err)
	}
	defer rows.Close()
	var out []*bot.Activity
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			return nil, wrap(what, err)
		}
		out = append(out, a)
	}
	return out, wrap(what, rows.Err())
}

func activityArgs(a *bot.Activity) []any {
	return []any{a.HouseID, idOrNull(a.SeriesID), a.Title, a.Place, a.Details, unixOrNull(a.StartsAt), unixOrNull(a.EndsAt), a.Capacity, a.Repeat, a.Status,
		a.CreatedBy, unixOrNull(a.CreatedAt), idOrNull(a.Post), unixOrNull(a.RemindedAt), unixOrNull(a.StartedAt), unixOrNull(a.EndedAt), idOrNull(a.Event)}
}

// CreateActivity stores a and sets a.ID.
func (t *tx) CreateActivity(ctx context.Context, a *bot.Activity) error {
	err := t.q.QueryRowContext(ctx, `INSERT INTO activities (house_id, series_id, title, place, details, starts_at, ends_at, capacity, repeat, status,
		created_by, created_at, post_outbox_id, reminded_at, started_at, ended_at, event_outbox_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		activityArgs(a)...).Scan(&a.ID)
	return wrap("create activity", err)
}

// UpdateActivity saves a's fields.
func (t *tx) UpdateActivity(ctx context.Context, a *bot.Activity) error {
	_, err := t.q.ExecContext(ctx, `UPDATE activities SET house_id = ?, series_id = ?, title = ?, place = ?, details = ?, starts_at = ?, ends_at = ?,
		capacity = ?, repeat = ?, status = ?, created_by = ?, created_at = ?, post_outbox_id = ?, reminded_at = ?, started_at = ?, ended_at = ?, event_outbox_id = ? WHERE id = ?`,
		append(activityArgs(a), a.ID)...)
	return wrap("update activity", err)
}

// ActivityByID returns an activity, or bot.ErrNotFound.
func (t *tx) ActivityByID(ctx context.Context, id int64) (*bot.Activity, error) {
	a, err := scanActivity(t.q.QueryRowContext(ctx, `SELECT `+activityCols+` FROM activities WHERE id = ?`, id))
	return a, wrap("activity", err)
}

// UpcomingActivities lists a house's scheduled activities not ended by now.
func (t *tx) UpcomingActivities(ctx context.Context, houseID int64, now time.Time) ([]*bot.Activity, error) {
	return t.queryActivities(ctx, "upcoming activities", `SELECT `+activityCols+` FROM activities
		WHERE house_id = ? AND status = 'scheduled' AND ends_at > ? ORDER BY starts_at, id`, houseID, now.Unix())
}

// PendingActivities lists scheduled, unended activities starting by before.
// Cancelled and skipped ones are left out: they are never ended, so they
// would otherwise stay in the tick's list for ever.
func (t *tx) PendingActivities(ctx context.Context, before time.Time) ([]*bot.Activity, error) {
	return t.queryActivities(ctx, "pending activities", `SELECT `+activityCols+` FROM activities
		WHERE ended_at IS NULL AND status = 'scheduled' AND starts_at <= ? ORDER BY starts_at, id`, before.Unix())
}

// ActivitiesBetween lists a house's activities starting in [from, to).
func (t *tx) ActivitiesBetween(ctx context.Context, houseID int64, from, to time.Time) ([]*bot.Activity, error) {
	return t.queryActivities(ctx, "activities between", `SELECT `+activityCols+` FROM activities
		WHERE house_id = ? AND starts_at >= ? AND starts_at < ? ORDER BY starts_at, id`, houseID, from.Unix(), to.Unix())
}

// SetRSVP stores a member's answer.
func (t *tx) SetRSVP(ctx context.Context, v bot.RSVP) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO activity_rsvps (activity_id, member_id, status, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (activity_id, member_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
		v.ActivityID, v.MemberID, v.Status, v.UpdatedAt.UnixNano())
	return wrap("rsvp", err)
}

// RSVPs lists an activity's answers, oldest change first.
func (t *tx) RSVPs(ctx context.Context, activityID int64) ([]bot.RSVP, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT activity_id, member_id, status, updated_at FROM activity_rsvps WHERE activity_id = ? ORDER BY updated_at, member_id`, activityID)
	if err != nil {
		return nil, wrap("rsvps", err)
	}
	defer rows.Close()
	var out []bot.RSVP
	for rows.Next() {
		var v bot.RSVP
		var at int64
		if err := rows.Scan(&v.ActivityID, &v.MemberID, &v.Status, &at); err != nil {
			return nil, wrap("rsvps", err)
		}
		v.UpdatedAt = time.Unix(0, at).UTC()
		out = append(out, v)
	}
	return out, wrap("rsvps", rows.Err())
}

// RecordAttendance records that a member came, once.
func (t *tx) RecordAttendance(ctx context.Context, activityID, memberID int64, source string, at time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `INSERT INTO activity_attendance (activity_id, member_id, source, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		activityID, memberID, source, at.Unix())
	if err != nil {
		return false, wrap("attendance", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrap("attendance", err)
}

// Attendance lists the members recorded as having come.
func (t *tx) Attendance(ctx context.Context, activityID int64) ([]int64, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT member_id FROM activity_attendance WHERE activity_id = ? ORDER BY at, member_id`, activityID)
	if err != nil {
		return nil, wrap("attendance", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, wrap("attendance", err)
		}
		out = append(out, id)
	}
	return out, wrap("attendance", rows.Err())
}
