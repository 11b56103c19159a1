package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/porchlight/porchlight/bot"
)

const meetingCols = `id, house_id, member_id, day, kind, mode, note, logged_at, updated_at, redacted_at`

func scanMeeting(s scanner) (*bot.Meeting, error) {
	var m bot.Meeting
	var logged, updated, redacted sql.NullInt64
	if err := s.Scan(&m.ID, &m.HouseID, &m.MemberID, &m.Day, &m.Kind, &m.Mode, &m.Note, &logged, &updated, &redacted); err != nil {
		return nil, err
	}
	m.LoggedAt, m.UpdatedAt = timeOf(logged), timeOf(updated)
	m.Redacted = redacted.Valid
	return &m, nil
}

// SaveMeeting inserts (ID 0) or updates a meeting. An update keeps the
// meeting's house, member and logging time.
func (t *tx) SaveMeeting(ctx context.Context, m *bot.Meeting) error {
	var redacted any
	if m.Redacted {
		redacted = m.UpdatedAt.Unix()
	}
	if m.ID == 0 {
		err := t.q.QueryRowContext(ctx, `INSERT INTO meetings (house_id, member_id, day, kind, mode, note, logged_at, updated_at, redacted_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			m.HouseID, m.MemberID, m.Day, m.Kind, m.Mode, m.Note, m.LoggedAt.Unix(), m.UpdatedAt.Unix(), redacted).Scan(&m.ID)
		return wrap("save meeting", err)
	}
	_, err := t.q.ExecContext(ctx, `UPDATE meetings SET day = ?, kind = ?, mode = ?, note = ?, updated_at = ?, redacted_at = ? WHERE id = ?`,
		m.Day, m.Kind, m.Mode, m.Note, m.UpdatedAt.Unix(), redacted, m.ID)
	return wrap("save meeting", err)
}

// OwnMeeting returns a meeting of memberID's; bot.ErrNotFound for anyone
// else's.
func (t *tx) OwnMeeting(ctx context.Context, id, memberID int64) (*bot.Meeting, error) {
	m, err := scanMeeting(t.q.QueryRowContext(ctx, `SELECT `+meetingCols+` FROM meetings WHERE id = ? AND member_id = ?`, id, memberID))
	return m, wrap("meeting", err)
}

// DeleteMeeting deletes a meeting of memberID's.
func (t *tx) DeleteMeeting(ctx context.Context, id, memberID int64) error {
	res, err := t.q.ExecContext(ctx, `DELETE FROM meetings WHERE id = ? AND member_id = ?`, id, memberID)
	if err != nil {
		return wrap("delete meeting", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return wrap("delete meeting", errOr(err, sql.ErrNoRows))
	}
	return nil
}

// errOr returns err, or fallback when err is nil.
func errOr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

// MemberMeetings lists a member's meetings dated in [fromDay, toDay).
func (t *tx) MemberMeetings(ctx context.Context, memberID int64, fromDay, toDay string) ([]*bot.Meeting, error) {
	return queryAll(ctx, t, "member meetings", scanMeeting, `SELECT `+meetingCols+` FROM meetings
		WHERE member_id = ? AND day >= ? AND day < ? ORDER BY day, id`, memberID, fromDay, toDay)
}

// MeetingCounts counts a house's meetings dated in [fromDay, toDay), per
// member. It reads no kind or note.
func (t *tx) MeetingCounts(ctx context.Context, houseID int64, fromDay, toDay string) (map[int64]int, error) {
	return t.countsByMember(ctx, "meeting counts", `SELECT member_id, COUNT(*) FROM meetings
		WHERE house_id = ? AND day >= ? AND day < ? GROUP BY member_id`, houseID, fromDay, toDay)
}

// countsByMember runs a query of (member id, count) rows into a map.
func (t *tx) countsByMember(ctx context.Context, what, query string, args ...any) (map[int64]int, error) {
	type count struct {
		id int64
		n  int
	}
	rows, err := queryAll(ctx, t, what, func(s scanner) (count, error) {
		var c count
		return c, s.Scan(&c.id, &c.n)
	}, query, args...)
	out := make(map[int64]int, len(rows))
	for _, c := range rows {
		out[c.id] = c.n
	}
	return out, err
}

// redactMeetingNotesSQL redacts a batch of a house's meetings logged
// before a time, found through meetings_to_redact, which redacted rows
// leave.
const redactMeetingNotesSQL = `UPDATE meetings SET note = '', redacted_at = ? WHERE id IN (
		SELECT id FROM meetings WHERE house_id = ? AND redacted_at IS NULL AND logged_at < ? ORDER BY logged_at, id LIMIT ?)`

// RedactMeetingNotes removes the notes of up to limit meetings of a house
// logged before before, oldest first.
func (t *tx) RedactMeetingNotes(ctx context.Context, houseID int64, before, at time.Time, limit int) (int, error) {
	return t.changed(ctx, "redact meeting notes", redactMeetingNotesSQL, at.Unix(), houseID, before.Unix(), limit)
}

// exportHouseLife adds a member's meetings, chore turns and swap requests,
// and newcomer welcome to their export.
func (t *tx) exportHouseLife(ctx context.Context, memberID int64, d *bot.MemberData) error {
	var err error
	if d.Meetings, err = queryAll(ctx, t, "export meetings", scanMeeting, `SELECT `+meetingCols+` FROM meetings
		WHERE member_id = ? ORDER BY day, id`, memberID); err != nil {
		return err
	}
	if d.Meetings == nil {
		d.Meetings = []*bot.Meeting{}
	}
	scanRecord := func(s scanner) (bot.ExportedRecord, error) {
		var rec bot.ExportedRecord
		var at int64
		err := s.Scan(&rec.What, &at, &rec.Status)
		rec.At = time.Unix(at, 0).UTC()
		return rec, err
	}
	if d.ChoreTurns, err = queryAll(ctx, t, "export chore turns", scanRecord, `
		SELECT name, scheduled_for, status || CASE WHEN swapped_from IS NULL THEN '' ELSE ', taken over from a housemate' END
			FROM chore_assignments WHERE member_id = ?
		UNION ALL
		SELECT 'asked to swap ' || a.name, s.created_at, CASE s.status WHEN 'taken' THEN 'a housemate took it' ELSE 'nobody took it' END
			FROM chore_swaps s JOIN chore_assignments a ON a.id = s.assignment_id WHERE s.from_member = ?
		ORDER BY 2, 1`, memberID, memberID); err != nil {
		return err
	}
	if d.ChoreTurns == nil {
		d.ChoreTurns = []bot.ExportedRecord{}
	}
	w, err := t.WelcomeOf(ctx, memberID)
	switch {
	case err == nil:
		status := fmt.Sprintf("%d of the welcome notes sent", w.Step)
		if !w.SkippedAt.IsZero() {
			status += ", the rest skipped"
		}
		d.Welcome = &bot.ExportedRecord{What: "newcomer welcome", At: w.StartedAt, Status: status}
	case !errors.Is(err, bot.ErrNotFound):
		return err
	}
	return nil
}
