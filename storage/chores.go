package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/porchlight/porchlight/bot"
)

const turnCols = `id, house_id, chore, name, member_id, scheduled_for, status, assigned_at, done_at, swapped_from`

func scanTurn(s scanner) (*bot.ChoreAssignment, error) {
	var a bot.ChoreAssignment
	var sched, assigned, done, from sql.NullInt64
	if err := s.Scan(&a.ID, &a.HouseID, &a.Chore, &a.Name, &a.MemberID, &sched, &a.Status, &assigned, &done, &from); err != nil {
		return nil, err
	}
	a.ScheduledFor, a.AssignedAt, a.DoneAt, a.SwappedFrom = timeOf(sched), timeOf(assigned), timeOf(done), from.Int64
	return &a, nil
}

// ChoreTallies returns a house's tallies of a chore, by member.
func (t *tx) ChoreTallies(ctx context.Context, houseID int64, chore string) (map[int64]bot.ChoreTally, error) {
	ts, err := queryAll(ctx, t, "chore tallies", func(s scanner) (bot.ChoreTally, error) {
		var c bot.ChoreTally
		var last sql.NullInt64
		err := s.Scan(&c.MemberID, &c.Turns, &last)
		c.Last = timeOf(last)
		return c, err
	}, `SELECT member_id, turns, last_at FROM chore_tallies WHERE house_id = ? AND chore = ?`, houseID, chore)
	out := make(map[int64]bot.ChoreTally, len(ts))
	for _, c := range ts {
		out[c.MemberID] = c
	}
	return out, err
}

// SetChoreTally stores a member's tally of a chore.
func (t *tx) SetChoreTally(ctx context.Context, houseID int64, chore string, c bot.ChoreTally) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO chore_tallies (house_id, chore, member_id, turns, last_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (house_id, chore, member_id) DO UPDATE SET turns = excluded.turns, last_at = excluded.last_at`,
		houseID, chore, c.MemberID, c.Turns, unixOrNull(c.Last))
	return wrap("set chore tally", err)
}

// LapseChore marks a chore's open turns lapsed.
func (t *tx) LapseChore(ctx context.Context, houseID int64, chore string) error {
	_, err := t.q.ExecContext(ctx, `UPDATE chore_assignments SET status = 'lapsed' WHERE house_id = ? AND chore = ? AND status = 'open'`, houseID, chore)
	return wrap("lapse chore", err)
}

// CreateChoreAssignment stores a and sets a.ID.
func (t *tx) CreateChoreAssignment(ctx context.Context, a *bot.ChoreAssignment) error {
	err := t.q.QueryRowContext(ctx, `INSERT INTO chore_assignments (house_id, chore, name, member_id, scheduled_for, status, assigned_at, done_at, swapped_from)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.HouseID, a.Chore, a.Name, a.MemberID, a.ScheduledFor.Unix(), a.Status, a.AssignedAt.Unix(), unixOrNull(a.DoneAt), idOrNull(a.SwappedFrom)).Scan(&a.ID)
	return wrap("create chore turn", err)
}

// ChoreAssignmentByID returns a turn, or bot.ErrNotFound.
func (t *tx) ChoreAssignmentByID(ctx context.Context, id int64) (*bot.ChoreAssignment, error) {
	a, err := scanTurn(t.q.QueryRowContext(ctx, `SELECT `+turnCols+` FROM chore_assignments WHERE id = ?`, id))
	return a, wrap("chore turn", err)
}

// UpdateChoreAssignment saves a's member, status, done time and swap.
func (t *tx) UpdateChoreAssignment(ctx context.Context, a *bot.ChoreAssignment) error {
	_, err := t.q.ExecContext(ctx, `UPDATE chore_assignments SET member_id = ?, status = ?, done_at = ?, swapped_from = ? WHERE id = ?`,
		a.MemberID, a.Status, unixOrNull(a.DoneAt), idOrNull(a.SwappedFrom), a.ID)
	return wrap("update chore turn", err)
}

// OpenChoreAssignments lists a house's open turns, oldest first.
func (t *tx) OpenChoreAssignments(ctx context.Context, houseID int64) ([]*bot.ChoreAssignment, error) {
	return queryAll(ctx, t, "open chore turns", scanTurn, `SELECT `+turnCols+` FROM chore_assignments
		WHERE house_id = ? AND status = 'open' ORDER BY scheduled_for, id`, houseID)
}

// ChoreAssignmentsBetween lists a house's turns scheduled in [from, to).
func (t *tx) ChoreAssignmentsBetween(ctx context.Context, houseID int64, from, to time.Time) ([]*bot.ChoreAssignment, error) {
	return queryAll(ctx, t, "chore turns between", scanTurn, `SELECT `+turnCols+` FROM chore_assignments
		WHERE house_id = ? AND scheduled_for >= ? AND scheduled_for < ? ORDER BY scheduled_for, id`, houseID, from.Unix(), to.Unix())
}

const swapCols = `id, assignment_id, from_member, status, created_at, taken_by, taken_at`

func scanSwap(s scanner) (*bot.ChoreSwap, error) {
	var w bot.ChoreSwap
	var created, by, taken sql.NullInt64
	if err := s.Scan(&w.ID, &w.AssignmentID, &w.FromMember, &w.Status, &created, &by, &taken); err != nil {
		return nil, err
	}
	w.CreatedAt, w.TakenBy, w.TakenAt = timeOf(created), by.Int64, timeOf(taken)
	return &w, nil
}

// CreateChoreSwap stores s; bot.ErrDuplicate when the turn already has an
// open request.
func (t *tx) CreateChoreSwap(ctx context.Context, s *bot.ChoreSwap) error {
	err := t.q.QueryRowContext(ctx, `INSERT INTO chore_swaps (assignment_id, from_member, status, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		s.AssignmentID, s.FromMember, s.Status, s.CreatedAt.Unix()).Scan(&s.ID)
	return wrap("create chore swap", err)
}

// ChoreSwapByID returns a swap request, or bot.ErrNotFound.
func (t *tx) ChoreSwapByID(ctx context.Context, id int64) (*bot.ChoreSwap, error) {
	s, err := scanSwap(t.q.QueryRowContext(ctx, `SELECT `+swapCols+` FROM chore_swaps WHERE id = ?`, id))
	return s, wrap("chore swap", err)
}

// TakeChoreSwap records the first acceptance only.
func (t *tx) TakeChoreSwap(ctx context.Context, id, by int64, at time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE chore_swaps SET status = 'taken', taken_by = ?, taken_at = ? WHERE id = ? AND status = 'open'`, by, at.Unix(), id)
	if err != nil {
		return false, wrap("take chore swap", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrap("take chore swap", err)
}
