package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// roundCols are the columns scanRound reads, in order.
const roundCols = `id, house_id, schedule, scheduled_for, opened_at, remind_at, closes_at, status, reminded_at, closed_at, prompt_outbox_id`

func scanRound(s scanner) (*bot.Round, error) {
	var r bot.Round
	var status string
	var sched, opened, remind, closes, reminded, closed, prompt sql.NullInt64
	if err := s.Scan(&r.ID, &r.HouseID, &r.Schedule, &sched, &opened, &remind, &closes, &status, &reminded, &closed, &prompt); err != nil {
		return nil, err
	}
	r.Status = bot.RoundStatus(status)
	r.ScheduledFor, r.OpenedAt, r.RemindAt, r.ClosesAt = timeOf(sched), timeOf(opened), timeOf(remind), timeOf(closes)
	r.RemindedAt, r.ClosedAt = timeOf(reminded), timeOf(closed)
	r.Prompt = prompt.Int64
	return &r, nil
}

// queryRounds runs a query selecting roundCols.
func (t *tx) queryRounds(ctx context.Context, what, query string, args ...any) ([]*bot.Round, error) {
	rows, err := t.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(what, err)
	}
	defer rows.Close()
	out := []*bot.Round{}
	for rows.Next() {
		r, err := scanRound(rows)
		if err != nil {
			return nil, wrap(what, err)
		}
		out = append(out, r)
	}
	return out, wrap(what, rows.Err())
}

// CreateRound inserts a round and sets r.ID; ErrDuplicate if the house
// already has a round for that schedule and time.
func (t *tx) CreateRound(ctx context.Context, r *bot.Round) error {
	var id int64
	err := t.q.QueryRowContext(ctx, `INSERT INTO checkin_rounds
		(house_id, schedule, scheduled_for, opened_at, remind_at, closes_at, status, reminded_at, closed_at, prompt_outbox_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.HouseID, r.Schedule, unixOrNull(r.ScheduledFor), unixOrNull(r.OpenedAt), unixOrNull(r.RemindAt), unixOrNull(r.ClosesAt),
		string(r.Status), unixOrNull(r.RemindedAt), unixOrNull(r.ClosedAt), idOrNull(r.Prompt)).Scan(&id)
	if err != nil {
		return wrap("create round", err)
	}
	r.ID = id
	return nil
}

// UpdateRound saves a round's status, prompt and timestamps; its key
// (house, schedule, scheduled time) never changes. ErrNotFound if there is
// no such round.
func (t *tx) UpdateRound(ctx context.Context, r *bot.Round) error {
	res, err := t.q.ExecContext(ctx, `UPDATE checkin_rounds SET
		opened_at = ?, remind_at = ?, closes_at = ?, status = ?, reminded_at = ?, closed_at = ?, prompt_outbox_id = ?
		WHERE id = ?`,
		unixOrNull(r.OpenedAt), unixOrNull(r.RemindAt), unixOrNull(r.ClosesAt), string(r.Status),
		unixOrNull(r.RemindedAt), unixOrNull(r.ClosedAt), idOrNull(r.Prompt), r.ID)
	return wrap("update round", oneRow(res, err))
}

// RoundByID returns a round; ErrNotFound if there is none.
func (t *tx) RoundByID(ctx context.Context, id int64) (*bot.Round, error) {
	r, err := scanRound(t.q.QueryRowContext(ctx, `SELECT `+roundCols+` FROM checkin_rounds WHERE id = ?`, id))
	if err != nil {
		return nil, wrap("round by id", err)
	}
	return r, nil
}

// OpenRounds lists a house's open rounds, newest first.
func (t *tx) OpenRounds(ctx context.Context, houseID int64) ([]*bot.Round, error) {
	return t.queryRounds(ctx, "open rounds", `SELECT `+roundCols+` FROM checkin_rounds
		WHERE house_id = ? AND status = 'open' ORDER BY scheduled_for DESC, id DESC`, houseID)
}

// RoundsBetween lists a house's rounds scheduled in [from, to), oldest
// first, whatever their status.
func (t *tx) RoundsBetween(ctx context.Context, houseID int64, from, to time.Time) ([]*bot.Round, error) {
	return t.queryRounds(ctx, "rounds between", `SELECT `+roundCols+` FROM checkin_rounds
		WHERE house_id = ? AND scheduled_for >= ? AND scheduled_for < ? ORDER BY scheduled_for, id`,
		houseID, from.Unix(), to.Unix())
}

// DueRounds lists the open rounds of every house that should close at now,
// or that still owe their reminder at now, the first to close first. (The
// order lets SQLite walk the partial index of open rounds.)
func (t *tx) DueRounds(ctx context.Context, now time.Time) ([]*bot.Round, error) {
	return t.queryRounds(ctx, "due rounds", `SELECT `+roundCols+` FROM checkin_rounds
		WHERE status = 'open' AND (closes_at <= ?1 OR (reminded_at IS NULL AND remind_at <= ?1))
		ORDER BY closes_at, id`, now.Unix())
}

// answerCols are the columns scanAnswer reads, in order.
const answerCols = `id, round_id, member_id, mood, reach_out, visibility, values_json, source, answered_at, updated_at, redacted_at, share_outbox_id, share_held`

func scanAnswer(s scanner) (*bot.Answer, error) {
	var a bot.Answer
	var mood, answered, updated, redacted, share sql.NullInt64
	var vis, vals string
	if err := s.Scan(&a.ID, &a.RoundID, &a.MemberID, &mood, &a.ReachOut, &vis, &vals, &a.Source, &answered, &updated, &redacted, &share, &a.ShareHeld); err != nil {
		return nil, err
	}
	a.Mood = int(mood.Int64)
	a.Visibility = bot.Visibility(vis)
	if err := json.Unmarshal([]byte(vals), &a.Values); err != nil {
		return nil, fmt.Errorf("answer %d values: %w", a.ID, err)
	}
	a.AnsweredAt, a.UpdatedAt = timeOf(answered), timeOf(updated)
	a.Redacted = redacted.Valid
	a.Share = share.Int64
	return &a, nil
}

// queryAnswers runs a query selecting answerCols.
func (t *tx) queryAnswers(ctx context.Context, what, query string, args ...any) ([]*bot.Answer, error) {
	rows, err := t.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(what, err)
	}
	defer rows.Close()
	out := []*bot.Answer{}
	for rows.Next() {
		a, err := scanAnswer(rows)
		if err != nil {
			return nil, wrap(what, err)
		}
		out = append(out, a)
	}
	return out, wrap(what, rows.Err())
}

// SaveAnswer inserts the member's answer in the round, or replaces the one
// they gave before (there is at most one per member per round), and sets
// a.ID. A Mood of 0 is stored as no mood. Marking an answer Redacted keeps
// the time it was first redacted.
func (t *tx) SaveAnswer(ctx context.Context, a *bot.Answer) error {
	vals := a.Values
	if vals == nil {
		vals = map[string]string{}
	}
	b, err := json.Marshal(vals)
	if err != nil {
		return fmt.Errorf("save answer: %w", err)
	}
	var mood any
	if a.Mood != 0 {
		mood = a.Mood
	}
	// redacted_at records when; the core only says whether.
	var redacted any
	if a.Redacted {
		redacted = a.UpdatedAt.Unix()
	}
	var id int64
	err = t.q.QueryRowContext(ctx, `INSERT INTO checkin_answers
		(round_id, member_id, mood, reach_out, visibility, values_json, source, answered_at, updated_at, redacted_at, share_outbox_id, share_held)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (round_id, member_id) DO UPDATE SET
			mood = excluded.mood, reach_out = excluded.reach_out, visibility = excluded.visibility,
			values_json = excluded.values_json, source = excluded.source,
			answered_at = excluded.answered_at, updated_at = excluded.updated_at,
			redacted_at = CASE WHEN excluded.redacted_at IS NULL THEN NULL
				ELSE COALESCE(checkin_answers.redacted_at, excluded.redacted_at) END,
			share_outbox_id = excluded.share_outbox_id, share_held = excluded.share_held
		RETURNING id`,
		a.RoundID, a.MemberID, mood, a.ReachOut, string(a.Visibility), string(b), a.Source,
		unixOrNull(a.AnsweredAt), unixOrNull(a.UpdatedAt), redacted, idOrNull(a.Share), a.ShareHeld).Scan(&id)
	if err != nil {
		return wrap("save answer", err)
	}
	a.ID = id
	return nil
}

// AnswerOf returns the member's own answer in a round; ErrNotFound if none.
func (t *tx) AnswerOf(ctx context.Context, roundID, memberID int64) (*bot.Answer, error) {
	a, err := scanAnswer(t.q.QueryRowContext(ctx, `SELECT `+answerCols+` FROM checkin_answers
		WHERE round_id = ? AND member_id = ?`, roundID, memberID))
	if err != nil {
		return nil, wrap("answer of", err)
	}
	return a, nil
}

// visibleSQL is the one rule of who may read an answer, over
// checkin_answers aliased a, with the parameters viewerArgs gives. Every
// read of answers for a reader (a round's listing, a resident's history,
// what the digest may average) goes through it:
//
//   - everyone sees their own answer (v.MemberID; 0 matches nothing);
//   - staff (mentors, operators) also see answers shared with mentors;
//   - anyone in the house (residents and staff) also sees answers shared
//     with the house;
//   - guests see nothing else, and nobody sees another's private answer;
//   - a house-visible answer whose share is held (its words raised a
//     concern) is the resident's own until they choose what to do with it.
const visibleSQL = `((:viewer_member <> 0 AND a.member_id = :viewer_member)
	OR (:viewer_staff AND a.visibility = 'mentors')
	OR (:viewer_in_house AND a.visibility = 'house' AND a.share_held = 0))`

// viewerArgs are visibleSQL's parameters for v, followed by more.
func viewerArgs(v bot.Viewer, more ...any) []any {
	return append([]any{sql.Named("viewer_member", v.MemberID), sql.Named("viewer_staff", v.Role.Has(bot.Staff)),
		sql.Named("viewer_in_house", v.Role.Has(bot.Members))}, more...)
}

// RoundAnswers returns the answers of a round that v may read, in the order
// they were given. The rule is visibleSQL, in the WHERE clause, so no
// caller can get more by mistake. The caller must make sure v's roles are
// roles in the round's house.
func (t *tx) RoundAnswers(ctx context.Context, roundID int64, v bot.Viewer) ([]*bot.Answer, error) {
	return t.queryAnswers(ctx, "round answers", `SELECT `+answerCols+` FROM checkin_answers a
		WHERE a.round_id = :round AND `+visibleSQL+`
		ORDER BY a.answered_at, a.id`, viewerArgs(v, sql.Named("round", roundID))...)
}

// CountAnswers counts all answers of a round, private ones included.
func (t *tx) CountAnswers(ctx context.Context, roundID int64) (int, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM checkin_answers WHERE round_id = ?`, roundID).Scan(&n)
	return n, wrap("count answers", err)
}

// MemberHistory returns a member's own latest answers, newest first; limit
// <= 0 means all of them.
func (t *tx) MemberHistory(ctx context.Context, memberID int64, limit int) ([]*bot.Answer, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	return t.queryAnswers(ctx, "member history", `SELECT `+answerCols+` FROM checkin_answers
		WHERE member_id = ? ORDER BY answered_at DESC, id DESC LIMIT ?`, memberID, limit)
}

// RecordMiss records why a resident has no answer in a closed round.
// Recording it again replaces the status, so closing is idempotent.
func (t *tx) RecordMiss(ctx context.Context, roundID, memberID int64, status bot.MissStatus) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO checkin_misses (round_id, member_id, status) VALUES (?, ?, ?)
		ON CONFLICT (round_id, member_id) DO UPDATE SET status = excluded.status`, roundID, memberID, string(status))
	return wrap("record miss", err)
}

// Unanswered lists the active, unpaused members of a round's house who
// joined before it opened and have not answered it, in join order. Only
// the reminder's work is read: paused residents and answers are filtered
// in the query.
func (t *tx) Unanswered(ctx context.Context, round *bot.Round, at time.Time) ([]*bot.Member, error) {
	return t.queryMembers(ctx, "unanswered", `SELECT `+memberCols+` FROM members m
		WHERE m.house_id = ? AND m.status = ? AND m.joined_at <= ?
		AND (m.paused_until IS NULL OR m.paused_until <= ?)
		AND NOT EXISTS (SELECT 1 FROM checkin_answers a WHERE a.round_id = ? AND a.member_id = m.id)
		ORDER BY m.joined_at, m.id`,
		round.HouseID, string(bot.MemberActive), round.OpenedAt.Unix(), at.Unix(), round.ID)
}

// MissStreak counts a member's 'missed' misses in rounds scheduled after
// the latest round they answered.
func (t *tx) MissStreak(ctx context.Context, memberID int64) (int, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM checkin_misses mi JOIN checkin_rounds r ON r.id = mi.round_id
		WHERE mi.member_id = ? AND mi.status = ?
		AND r.scheduled_for > COALESCE((SELECT MAX(r2.scheduled_for) FROM checkin_answers a
			JOIN checkin_rounds r2 ON r2.id = a.round_id WHERE a.member_id = ?), -1)`,
		memberID, string(bot.MissMissed), memberID).Scan(&n)
	return n, wrap("miss streak", err)
}
