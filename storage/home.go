package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// The queries behind a member's home page (bot/home.go), and the queue of
// its refreshes.

// QueueHome adds m, a refresh of one user's home page, unless a refresh of
// that home is pending already; then the pending one is moved to m.NextAt
// if that is sooner. A refresh builds the page when it is sent, so the
// pending one shows every change committed before it goes: changes close
// together cost one refresh.
func (t *tx) QueueHome(ctx context.Context, m *bot.OutboxMessage) error {
	if m.Out.Target.Kind != bot.TargetHome || m.Out.Target.User == "" {
		return errors.New("queue home: the target must be a user's home")
	}
	var id int64
	var next sql.NullInt64
	err := t.q.QueryRowContext(ctx, pendingHomeSQL, m.Platform, string(bot.TargetHome), m.Out.Target.Channel, m.Out.Target.User).Scan(&id, &next)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err := t.Enqueue(ctx, m)
		return err
	case err != nil:
		return wrap("queue home", err)
	}
	if next.Valid && next.Int64 <= m.NextAt.Unix() {
		return nil
	}
	// A refresh waiting out a failure (attempts > 0) keeps the sender's
	// backoff: a rate limit is not to be hurried.
	_, err = t.q.ExecContext(ctx, `UPDATE outbox SET next_at = ? WHERE id = ? AND attempts = 0`, m.NextAt.Unix(), id)
	return wrap("queue home", err)
}

// pendingHomeSQL finds the pending refresh of a user's home: the head of
// the user's home lane in outbox_pending_by_recipient, which holds only
// pending rows, so the cost follows neither the outbox nor the user's
// history.
const pendingHomeSQL = `SELECT id, next_at FROM outbox
	WHERE platform = ? AND target_kind = ? AND target_channel = ? AND target_user = ? AND status = 'pending' LIMIT 1`

// AnswerStreak counts a member's answers since their latest missed
// check-in. Rounds missed while paused do not break it. It reads the
// member's own rows only, through the by-member indexes.
func (t *tx) AnswerStreak(ctx context.Context, memberID int64) (int, error) {
	var n int
	err := t.q.QueryRowContext(ctx, answerStreakSQL, memberID, memberID, string(bot.MissMissed)).Scan(&n)
	return n, wrap("answer streak", err)
}

const answerStreakSQL = `SELECT COUNT(*) FROM checkin_answers a JOIN checkin_rounds r ON r.id = a.round_id
	WHERE a.member_id = ?
	AND r.scheduled_for > COALESCE((SELECT MAX(r2.scheduled_for) FROM checkin_misses mi
		JOIN checkin_rounds r2 ON r2.id = mi.round_id WHERE mi.member_id = ? AND mi.status = ?), -1)`

// openAlertsSQL reads a house's alerts since a time through
// crisis_alerts_by_house, leaving out those withdrawn by erasure and, for
// a reader who only sees escalations, those not escalated.
const openAlertsSQL = `SELECT ` + alertCols + ` FROM crisis_alerts
	WHERE house_id = ? AND created_at >= ? AND acked_at IS NULL AND user_id <> ?
	AND (? = 0 OR escalated_at IS NOT NULL)
	ORDER BY created_at DESC, id DESC LIMIT ?`

// OpenCrisisAlerts lists a house's unacknowledged alerts created at or
// after since, newest first, at most limit: never one withdrawn by
// erasure, and with escalatedOnly only those sent on to the operators.
func (t *tx) OpenCrisisAlerts(ctx context.Context, houseID int64, since time.Time, escalatedOnly bool, limit int) ([]*bot.CrisisAlert, error) {
	rows, err := t.q.QueryContext(ctx, openAlertsSQL, houseID, since.Unix(), bot.ErasedUser, escalatedOnly, limit)
	if err != nil {
		return nil, wrap("open crisis alerts", err)
	}
	defer rows.Close()
	var out []*bot.CrisisAlert
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, wrap("open crisis alerts", err)
		}
		out = append(out, a)
	}
	return out, wrap("open crisis alerts", rows.Err())
}
