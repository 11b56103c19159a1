package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// CreateReachOut stores a request for someone to reach out and sets q.ID;
// bot.ErrDuplicate when the member already asked in that round.
func (t *tx) CreateReachOut(ctx context.Context, q *bot.ReachOut) error {
	err := t.q.QueryRowContext(ctx, `INSERT INTO reach_outs (house_id, round_id, member_id, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		q.HouseID, q.RoundID, q.MemberID, q.CreatedAt.Unix()).Scan(&q.ID)
	return wrap("create reach-out", err)
}

// ReachOutByID returns a request, or bot.ErrNotFound.
func (t *tx) ReachOutByID(ctx context.Context, id int64) (*bot.ReachOut, error) {
	var q bot.ReachOut
	var created, taken sql.NullInt64
	err := t.q.QueryRowContext(ctx, `SELECT id, house_id, round_id, member_id, created_at, taken_at, taken_by FROM reach_outs WHERE id = ?`, id).
		Scan(&q.ID, &q.HouseID, &q.RoundID, &q.MemberID, &created, &taken, &q.TakenBy)
	if err != nil {
		return nil, wrap("reach-out", err)
	}
	q.CreatedAt, q.TakenAt = timeOf(created), timeOf(taken)
	return &q, nil
}

// TakeReachOut records the first "I'm on it" only.
func (t *tx) TakeReachOut(ctx context.Context, id int64, by string, at time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE reach_outs SET taken_at = ?, taken_by = ? WHERE id = ? AND taken_at IS NULL`, at.Unix(), by, id)
	if err != nil {
		return false, wrap("take reach-out", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrap("take reach-out", err)
}

// AddReachOutNotice records the outbox id of a House Mentor's notice; a
// second one for the same mentor keeps the first.
func (t *tx) AddReachOutNotice(ctx context.Context, id int64, userID string, outboxID int64) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO reach_out_notices (reach_out_id, user_id, outbox_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		id, userID, idOrNull(outboxID))
	return wrap("add reach-out notice", err)
}

// ReachOutNotices lists a request's notices, by user id.
func (t *tx) ReachOutNotices(ctx context.Context, id int64) ([]bot.ReachOutNotice, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT user_id, outbox_id FROM reach_out_notices WHERE reach_out_id = ? ORDER BY user_id`, id)
	if err != nil {
		return nil, wrap("reach-out notices", err)
	}
	defer rows.Close()
	out := []bot.ReachOutNotice{}
	for rows.Next() {
		var n bot.ReachOutNotice
		var ob sql.NullInt64
		if err := rows.Scan(&n.UserID, &ob); err != nil {
			return nil, wrap("reach-out notices", err)
		}
		n.Outbox = ob.Int64
		out = append(out, n)
	}
	return out, wrap("reach-out notices", rows.Err())
}
