package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// The operator's side of the outbox: the failed messages, counted, listed,
// retried or dropped (`porchlight outbox`). Nothing here reads a payload:
// an operator sees what a message was and why it failed, never its text.

// OutboxEntry is an outbox message as the operator's list shows it.
type OutboxEntry struct {
	ID      int64
	HouseID int64
	// Platform and TargetKind say where it was going (not to whom).
	Platform   string
	TargetKind bot.TargetKind
	// Kind is what the message is, empty when unknown.
	Kind      bot.MsgKind
	CreatedAt time.Time
	Attempts  int
	// Status is "failed", or "dropped" for a failed message an operator
	// dropped.
	Status string
	// Reason is why it failed: a platform's error or the sender's, never
	// the message's text.
	Reason string
}

// StatusDropped is the status OutboxEntry shows for a dropped message. In
// the table it is a failed message with dropped_at set.
const StatusDropped = "dropped"

// ErrNotFailed is returned by RetryOutbox and DropOutbox for a message that
// is not failed (it is pending or sent).
var ErrNotFailed = errors.New("not a failed message")

// FailedOutbox lists the failed messages waiting for an operator, oldest
// first; with dropped, the dropped ones too.
func (db *DB) FailedOutbox(ctx context.Context, dropped bool) ([]OutboxEntry, error) {
	q := failedOutboxSQL
	if dropped {
		q = allFailedOutboxSQL
	}
	rows, err := db.read.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("failed outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxEntry
	for rows.Next() {
		var e OutboxEntry
		var target, kind string
		var created, droppedAt sql.NullInt64
		if err := rows.Scan(&e.ID, &e.HouseID, &e.Platform, &target, &kind, &created, &e.Attempts, &droppedAt, &e.Reason); err != nil {
			return nil, fmt.Errorf("failed outbox: %w", err)
		}
		e.TargetKind, e.Kind, e.CreatedAt = bot.TargetKind(target), bot.MsgKind(kind), timeOf(created)
		e.Status = bot.OutboxFailed
		if droppedAt.Valid {
			e.Status = StatusDropped
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// failedOutboxSQL lists the failed messages not dropped, allFailedOutboxSQL
// all the failed ones, both through outbox_failed: neither reads the sent
// messages.
const (
	failedOutboxCols = `SELECT id, COALESCE(house_id, 0), platform, target_kind, kind, created_at, attempts, dropped_at, last_error
		FROM outbox WHERE `
	failedOutboxSQL    = failedOutboxCols + failedOpen + ` ORDER BY id`
	allFailedOutboxSQL = failedOutboxCols + `status = 'failed' ORDER BY id`
)

// failedOpen selects the failed messages nobody has handled yet (not
// dropped), through the index of failed rows, outbox_failed.
const failedOpen = `status = 'failed' AND dropped_at IS NULL`

// OutboxFailed counts the failed messages not dropped: poison rows and
// messages a platform refused, waiting for an operator. It is the counter
// for monitoring.
func (db *DB) OutboxFailed(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE `+failedOpen).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count failed: %w", err)
	}
	return n, nil
}

// RetryOutbox makes failed (or dropped) messages pending again, due at now
// with their attempts reset, and audits each as "outbox.retry" by actor.
// All or nothing: if any id is unknown (bot.ErrNotFound) or not failed
// (ErrNotFailed), nothing changes and the error names it.
func (db *DB) RetryOutbox(ctx context.Context, ids []int64, now time.Time, actor string) error {
	return db.settleFailed(ctx, ids, now, actor, "outbox.retry",
		`UPDATE outbox SET status = 'pending', attempts = 0, next_at = ?2, last_error = '', dropped_at = NULL WHERE id = ?1`)
}

// DropOutbox marks failed messages dropped: they leave the list of failed
// messages and are never sent; retention prunes them like any other. Each
// is audited as "outbox.drop" by actor. All or nothing, as RetryOutbox.
func (db *DB) DropOutbox(ctx context.Context, ids []int64, now time.Time, actor string) error {
	return db.settleFailed(ctx, ids, now, actor, "outbox.drop",
		`UPDATE outbox SET dropped_at = ?2 WHERE id = ?1`)
}

// settleFailed runs update (?1 the id, ?2 now) on each failed message of
// ids and audits it, in one transaction.
func (db *DB) settleFailed(ctx context.Context, ids []int64, now time.Time, actor, action, update string) error {
	return db.inWrite(ctx, func(q querier) error {
		for _, id := range ids {
			var status string
			var house sql.NullInt64
			err := q.QueryRowContext(ctx, `SELECT status, house_id FROM outbox WHERE id = ?`, id).Scan(&status, &house)
			if err != nil {
				return wrap(fmt.Sprintf("outbox %d", id), err)
			}
			if status != bot.OutboxFailed {
				return fmt.Errorf("outbox %d is %s: %w", id, status, ErrNotFailed)
			}
			if _, err := q.ExecContext(ctx, update, id, now.Unix()); err != nil {
				return wrap(fmt.Sprintf("outbox %d", id), err)
			}
			if err := (&tx{q: q}).Audit(ctx, bot.AuditEntry{At: now, HouseID: house.Int64, Actor: actor, Action: action,
				Subject: fmt.Sprintf("outbox:%d", id)}); err != nil {
				return err
			}
		}
		return nil
	})
}
