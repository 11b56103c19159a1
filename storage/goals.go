package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/porchlight/porchlight/bot"
)

const goalCols = `id, house_id, member_id, text, status, shared, created_at, done_at, redacted_at`

func scanGoal(s scanner) (*bot.Goal, error) {
	var g bot.Goal
	var created, done, redacted sql.NullInt64
	if err := s.Scan(&g.ID, &g.HouseID, &g.MemberID, &g.Text, &g.Status, &g.Shared, &created, &done, &redacted); err != nil {
		return nil, err
	}
	g.CreatedAt, g.DoneAt, g.Redacted = timeOf(created), timeOf(done), redacted.Valid
	return &g, nil
}

func (t *tx) queryGoals(ctx context.Context, what, query string, args ...any) ([]*bot.Goal, error) {
	return queryAll(ctx, t, what, scanGoal, query, args...)
}

// AddGoal stores g and sets g.ID.
func (t *tx) AddGoal(ctx context.Context, g *bot.Goal) error {
	err := t.q.QueryRowContext(ctx, `INSERT INTO goals (house_id, member_id, text, status, shared, created_at, done_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		g.HouseID, g.MemberID, g.Text, g.Status, g.Shared, g.CreatedAt.Unix(), unixOrNull(g.DoneAt)).Scan(&g.ID)
	return wrap("add goal", err)
}

// UpdateGoal saves g's status, sharing and done time.
func (t *tx) UpdateGoal(ctx context.Context, g *bot.Goal) error {
	return wrap("update goal", oneRow(t.q.ExecContext(ctx, `UPDATE goals SET status = ?, shared = ?, done_at = ? WHERE id = ?`,
		g.Status, g.Shared, unixOrNull(g.DoneAt), g.ID)))
}

// DeleteGoal deletes a goal; its checks go with it.
func (t *tx) DeleteGoal(ctx context.Context, id int64) error {
	return wrap("delete goal", oneRow(t.q.ExecContext(ctx, `DELETE FROM goals WHERE id = ?`, id)))
}

// GoalByID returns a goal, or bot.ErrNotFound.
func (t *tx) GoalByID(ctx context.Context, id int64) (*bot.Goal, error) {
	g, err := scanGoal(t.q.QueryRowContext(ctx, `SELECT `+goalCols+` FROM goals WHERE id = ?`, id))
	return g, wrap("goal", err)
}

// OwnGoals lists a member's goals, active ones first.
func (t *tx) OwnGoals(ctx context.Context, memberID int64) ([]*bot.Goal, error) {
	return t.queryGoals(ctx, "own goals", `SELECT `+goalCols+` FROM goals WHERE member_id = ?
		ORDER BY status = 'active' DESC, created_at, id`, memberID)
}

// ActiveGoals lists a house's active goals of active members.
func (t *tx) ActiveGoals(ctx context.Context, houseID int64) ([]*bot.Goal, error) {
	return t.queryGoals(ctx, "active goals", `SELECT `+prefixCols("g", goalCols)+` FROM goals g JOIN members m ON m.id = g.member_id
		WHERE g.house_id = ? AND g.status = 'active' AND m.status = 'active' ORDER BY g.member_id, g.created_at, g.id`, houseID)
}

// GoalCadence returns a member's chosen cadence in weeks, 1 by default.
func (t *tx) GoalCadence(ctx context.Context, memberID int64) (int, error) {
	var weeks int
	err := t.q.QueryRowContext(ctx, `SELECT every_weeks FROM goal_settings WHERE member_id = ?`, memberID).Scan(&weeks)
	if errors.Is(err, sql.ErrNoRows) {
		return 1, nil
	}
	return weeks, wrap("goal cadence", err)
}

// SetGoalCadence stores a member's cadence.
func (t *tx) SetGoalCadence(ctx context.Context, memberID int64, weeks int, at time.Time) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO goal_settings (member_id, every_weeks, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (member_id) DO UPDATE SET every_weeks = excluded.every_weeks, updated_at = excluded.updated_at`, memberID, weeks, at.Unix())
	return wrap("set goal cadence", err)
}

// LastGoalAsk returns the latest scheduled ask about a member's goals.
func (t *tx) LastGoalAsk(ctx context.Context, memberID int64) (time.Time, error) {
	var at sql.NullInt64
	err := t.q.QueryRowContext(ctx, `SELECT MAX(c.asked_for) FROM goal_checks c JOIN goals g ON g.id = c.goal_id WHERE g.member_id = ?`, memberID).Scan(&at)
	return timeOf(at), wrap("last goal ask", err)
}

const goalCheckCols = `id, goal_id, asked_for, asked_at, rating, note, answered_at, redacted_at`

func scanGoalCheck(s scanner) (*bot.GoalCheck, error) {
	var c bot.GoalCheck
	var askedFor, asked, rating, answered, redacted sql.NullInt64
	if err := s.Scan(&c.ID, &c.GoalID, &askedFor, &asked, &rating, &c.Note, &answered, &redacted); err != nil {
		return nil, err
	}
	c.AskedFor, c.AskedAt, c.AnsweredAt = timeOf(askedFor), timeOf(asked), timeOf(answered)
	c.Rating, c.Redacted = int(rating.Int64), redacted.Valid
	return &c, nil
}

// CreateGoalCheck stores c and sets c.ID.
func (t *tx) CreateGoalCheck(ctx context.Context, c *bot.GoalCheck) error {
	err := t.q.QueryRowContext(ctx, `INSERT INTO goal_checks (goal_id, house_id, asked_for, asked_at)
		SELECT id, house_id, ?, ? FROM goals WHERE id = ? RETURNING id`, c.AskedFor.Unix(), c.AskedAt.Unix(), c.GoalID).Scan(&c.ID)
	return wrap("create goal check", err)
}

// GoalCheckByID returns a check, or bot.ErrNotFound.
func (t *tx) GoalCheckByID(ctx context.Context, id int64) (*bot.GoalCheck, error) {
	c, err := scanGoalCheck(t.q.QueryRowContext(ctx, `SELECT `+goalCheckCols+` FROM goal_checks WHERE id = ?`, id))
	return c, wrap("goal check", err)
}

// AnswerGoalCheck records a rating (0: none yet, stored as NULL) and,
// when note is not nil, the note.
func (t *tx) AnswerGoalCheck(ctx context.Context, id int64, rating int, note *string, at time.Time) error {
	var value any
	if rating != 0 {
		value = rating
	}
	if note == nil {
		return wrap("answer goal check", oneRow(t.q.ExecContext(ctx, `UPDATE goal_checks SET rating = ?, answered_at = ? WHERE id = ?`, value, at.Unix(), id)))
	}
	return wrap("answer goal check", oneRow(t.q.ExecContext(ctx, `UPDATE goal_checks SET rating = ?, note = ?, answered_at = ?, redacted_at = NULL WHERE id = ?`,
		value, *note, at.Unix(), id)))
}

// GoalProgress returns a member's goals as reader may see them, with their
// checks since since. The visibility is in the query: the member sees all
// of their goals; anyone else sees a goal only if it is shared and they are
// the mentor of the member's active agreement.
func (t *tx) GoalProgress(ctx context.Context, memberID, reader int64, since time.Time) ([]*bot.GoalProgress, error) {
	goals, err := t.queryGoals(ctx, "goal progress", `SELECT `+goalCols+` FROM goals g WHERE g.member_id = ?1 AND (?2 = ?1 OR (g.shared = 1 AND EXISTS (
		SELECT 1 FROM mentor_agreements a WHERE a.mentee_id = ?1 AND a.mentor_id = ?2 AND a.status = 'active')))
		ORDER BY g.status = 'active' DESC, g.created_at, g.id`, memberID, reader)
	if err != nil {
		return nil, err
	}
	out := make([]*bot.GoalProgress, 0, len(goals))
	for _, g := range goals {
		checks, err := t.goalChecks(ctx, g.ID, since)
		if err != nil {
			return nil, err
		}
		out = append(out, &bot.GoalProgress{Goal: g, Checks: checks})
	}
	return out, nil
}

// goalChecks lists a goal's checks asked for since since, newest first.
func (t *tx) goalChecks(ctx context.Context, goalID int64, since time.Time) ([]bot.GoalCheck, error) {
	cs, err := queryAll(ctx, t, "goal checks", scanGoalCheck, `SELECT `+goalCheckCols+` FROM goal_checks
		WHERE goal_id = ? AND asked_for >= ? ORDER BY asked_for DESC, id DESC`, goalID, since.Unix())
	out := make([]bot.GoalCheck, 0, len(cs))
	for _, c := range cs {
		out = append(out, *c)
	}
	return out, err
}

// ResidentsWithGoals counts the members with a goal active during [from, to).
func (t *tx) ResidentsWithGoals(ctx context.Context, houseID int64, from, to time.Time) (int, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT member_id) FROM goals
		WHERE house_id = ? AND created_at < ? AND (status = 'active' OR done_at >= ?)`, houseID, to.Unix(), from.Unix()).Scan(&n)
	return n, wrap("residents with goals", err)
}

// redactGoalsSQL and redactGoalNotesSQL redact a batch of a house's goals
// done, and notes written, before a time, found through the partial
// indexes of the rows not redacted yet (goals_to_redact,
// goal_checks_to_redact), which redacted rows leave.
const (
	redactGoalsSQL = `UPDATE goals SET text = '', redacted_at = ?2 WHERE id IN (
			SELECT id FROM goals WHERE house_id = ?1 AND status = 'done' AND redacted_at IS NULL AND done_at < ?2 ORDER BY done_at LIMIT ?3)`
	redactGoalNotesSQL = `UPDATE goal_checks SET note = '', redacted_at = ?2 WHERE id IN (
			SELECT id FROM goal_checks WHERE house_id = ?1 AND redacted_at IS NULL AND note <> '' AND answered_at < ?2 ORDER BY answered_at LIMIT ?3)`
)

// RedactGoals removes the text of goals done before before and the notes
// written before before, a bounded batch of each.
func (t *tx) RedactGoals(ctx context.Context, houseID int64, before time.Time, limit int) (int, error) {
	total := 0
	for _, q := range []struct{ what, sql string }{
		{"redact goals", redactGoalsSQL},
		{"redact goal notes", redactGoalNotesSQL},
	} {
		n, err := t.changed(ctx, q.what, q.sql, houseID, before.Unix(), limit)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// exportGoals lists all of a member's goals with all their checks.
func (t *tx) exportGoals(ctx context.Context, memberID int64) ([]*bot.GoalProgress, error) {
	return t.GoalProgress(ctx, memberID, memberID, time.Time{})
}
