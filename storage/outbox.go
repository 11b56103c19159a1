package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// Enqueue adds a pending message and returns its id, also setting m.ID and
// m.Status. With a Key that exists already it inserts nothing and returns
// the existing message's id and ErrDuplicate; the transaction stays usable,
// because the conflict is resolved by ON CONFLICT DO NOTHING rather than a
// failed statement. A zero NextAt means "as soon as possible".
func (t *tx) Enqueue(ctx context.Context, m *bot.OutboxMessage) (int64, error) {
	if m.Platform == "" || m.Out.Target.Kind == "" {
		return 0, errors.New("enqueue: message needs a platform and a target kind")
	}
	payload, err := json.Marshal(m.Out)
	if err != nil {
		return 0, fmt.Errorf("enqueue: %w", err)
	}
	var id int64
	err = t.q.QueryRowContext(ctx, `INSERT INTO outbox
		(house_id, platform, target_kind, target_channel, target_user, payload, thread_of, edit_of, dedupe_key, status, next_at, created_at, kind)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)
		ON CONFLICT (dedupe_key) DO NOTHING
		RETURNING id`,
		idOrNull(m.HouseID), m.Platform, string(m.Out.Target.Kind), m.Out.Target.Channel, m.Out.Target.User, string(payload),
		idOrNull(m.ThreadOf), idOrNull(m.EditOf), textOrNull(m.Key), unixOrNull(m.NextAt), unixOrNull(m.CreatedAt), string(m.Kind)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		// The key exists: nothing was inserted, so RETURNING had no row.
		if err := t.q.QueryRowContext(ctx, `SELECT id FROM outbox WHERE dedupe_key = ?`, m.Key).Scan(&id); err != nil {
			return 0, wrap("enqueue", err)
		}
		return id, fmt.Errorf("enqueue %q: %w", m.Key, bot.ErrDuplicate)
	}
	if err != nil {
		return 0, wrap("enqueue", err)
	}
	for _, user := range m.About {
		if user == "" {
			continue
		}
		if _, err := t.q.ExecContext(ctx, `INSERT OR IGNORE INTO outbox_about (outbox_id, user_id) VALUES (?, ?)`, id, user); err != nil {
			return 0, wrap("enqueue about", err)
		}
	}
	m.ID, m.Status = id, bot.OutboxPending
	return id, nil
}

// OutboxRef returns the platform ref of a sent outbox message, a zero ref
// if it is pending or failed, and a zero ref for id 0 (no message).
// ErrNotFound if there is no message with that id.
func (t *tx) OutboxRef(ctx context.Context, id int64) (bot.MessageRef, error) {
	if id == 0 {
		return bot.MessageRef{}, nil
	}
	var status string
	var ref bot.MessageRef
	err := t.q.QueryRowContext(ctx, `SELECT status, ref_channel, ref_id FROM outbox WHERE id = ?`, id).Scan(&status, &ref.Channel, &ref.ID)
	if err != nil {
		return bot.MessageRef{}, wrap("outbox ref", err)
	}
	if status != bot.OutboxSent {
		return bot.MessageRef{}, nil
	}
	return ref, nil
}

// outbox is the sender's side of the outbox. Each call is its own
// transaction on the writer.
type outbox struct{ db *DB }

// Reasons recorded on messages the store itself gives up on.
const (
	reasonEditParentFailed = "edit parent failed"
	reasonEditParentNoRef  = "edit parent was sent without a platform ref"
)

// Due returns up to limit pending messages whose NextAt is at or before
// now, oldest (lowest id) first; limit <= 0 means no limit.
//
// A message waits while its ThreadOf or EditOf parent is pending. Once the
// parent is sent, Out.Thread or Out.Edit is filled from the parent's ref.
// When the parent failed:
//   - a thread reply is still sent, unthreaded (as a normal post);
//   - an edit cannot be applied, so Due marks it failed with the reason
//     "edit parent failed" (and likewise when the parent was sent with no
//     ref), and the edits of those edits in turn.
func (o outbox) Due(ctx context.Context, now time.Time, limit int) ([]*bot.OutboxMessage, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	var out []*bot.OutboxMessage
	err := o.db.inWrite(ctx, func(q querier) error {
		if err := failOrphanedEdits(ctx, q); err != nil {
			return fmt.Errorf("fail orphaned edits: %w", err)
		}
		var err error
		out, err = dueMessages(ctx, q, now, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("due: %w", err)
	}
	return out, nil
}

// failOrphanedEdits marks failed the pending edits whose parent failed or
// was sent without a ref. Each pass fails the edits of the messages the
// pass before failed; every pass fails at least one pending message, so the
// loop ends.
//
// It runs in every Due pass, so it must cost what is pending, not what was
// ever sent: it walks the pending rows (outbox_due) and looks up each
// edit's parent by id (orphanedEditsSQL).
func failOrphanedEdits(ctx context.Context, q querier) error {
	for {
		res, err := q.ExecContext(ctx, orphanedEditsSQL, reasonEditParentFailed, reasonEditParentNoRef)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
	}
}

// orphanedEditsSQL fails the pending edits whose parent failed (reason ?1)
// or was sent with no ref (?2). The parent is a correlated lookup by
// primary key: an IN (subquery) over the parents would list every sent
// message ever kept, on every pass.
const orphanedEditsSQL = `UPDATE outbox
	SET status = 'failed',
		last_error = CASE WHEN (SELECT p.status FROM outbox p WHERE p.id = outbox.edit_of) = 'failed' THEN ?1 ELSE ?2 END
	WHERE status = 'pending' AND edit_of IS NOT NULL AND EXISTS (SELECT 1 FROM outbox p
		WHERE p.id = outbox.edit_of AND (p.status = 'failed' OR (p.status = 'sent' AND p.ref_id = '')))`

// dueSQL selects the due messages whose parents are settled and that are
// first in line for their recipient, with the parents' refs.
//
// A recipient is a platform's (channel, user) target pair: a channel, a
// DM to a user, an ephemeral to a user in a channel. A message waits while
// an earlier one of the same target kind to the same recipient is pending,
// due or not (waiting for a retry): a later message never overtakes it, and
// a batch holds at most one message per recipient and kind, so a failure in
// the batch cannot be overtaken by a message after it. Kinds are separate
// lanes: a home page refresh queued for later, or a calendar event in
// backoff, never holds back a DM or a post to the same recipient. The NOT
// EXISTS walks outbox_pending_by_recipient, which holds only pending rows:
// its cost does not grow with history.
const dueSQL = `SELECT ` + outboxCols + `,
		COALESCE(t.status, ''), COALESCE(t.ref_channel, ''), COALESCE(t.ref_id, ''),
		COALESCE(e.ref_channel, ''), COALESCE(e.ref_id, '')
	FROM outbox o
	LEFT JOIN outbox t ON t.id = o.thread_of
	LEFT JOIN outbox e ON e.id = o.edit_of
	WHERE o.status = 'pending' AND (o.next_at IS NULL OR o.next_at <= ?)
		AND (t.id IS NULL OR t.status <> 'pending')
		AND (e.id IS NULL OR e.status = 'sent')
		AND NOT EXISTS (SELECT 1 FROM outbox p
			WHERE p.status = 'pending' AND p.platform = o.platform AND p.target_kind = o.target_kind
				AND p.target_channel = o.target_channel AND p.target_user = o.target_user AND p.id < o.id)
	ORDER BY o.id
	LIMIT ?`

// dueMessages runs dueSQL and fills in the parents' refs.
func dueMessages(ctx context.Context, q querier, now time.Time, limit int) ([]*bot.OutboxMessage, error) {
	rows, err := q.QueryContext(ctx, dueSQL, now.Unix(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*bot.OutboxMessage{}
	for rows.Next() {
		var threadStatus string
		var thread, edit bot.MessageRef
		m, err := scanOutbox(rows, &threadStatus, &thread.Channel, &thread.ID, &edit.Channel, &edit.ID)
		if err != nil {
			return nil, err
		}
		// A failed (or ref-less) thread parent leaves Out.Thread as the
		// caller set it: the reply goes out as a normal post.
		if m.ThreadOf != 0 && threadStatus == bot.OutboxSent && !thread.IsZero() {
			m.Out.Thread = thread
		}
		if m.EditOf != 0 {
			m.Out.Edit = edit
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// outboxCols are the columns scanOutbox reads, in order, from the outbox
// aliased as o.
const outboxCols = `o.id, o.house_id, o.platform, o.payload, o.thread_of, o.edit_of, o.dedupe_key, o.status, o.attempts,
	o.next_at, o.created_at, o.sent_at, o.ref_channel, o.ref_id, o.last_error,
	o.target_kind, o.target_channel, o.target_user, o.kind, o.send_key, o.attempted_at`

// scanOutbox reads outboxCols, then extra into further destinations. A
// payload that does not decode does not fail the scan: the message comes
// back Broken, with its target from the columns, so that the sender can
// quarantine it and the rest of the queue goes on.
func scanOutbox(s scanner, extra ...any) (*bot.OutboxMessage, error) {
	var m bot.OutboxMessage
	var house, threadOf, editOf, next, created, sent sql.NullInt64
	var key, sendKey sql.NullString
	var attempted sql.NullInt64
	var payload, kind string
	var target bot.Target
	dest := []any{&m.ID, &house, &m.Platform, &payload, &threadOf, &editOf, &key, &m.Status, &m.Attempts,
		&next, &created, &sent, &m.Ref.Channel, &m.Ref.ID, &m.LastError,
		&target.Kind, &target.Channel, &target.User, &kind, &sendKey, &attempted}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(payload), &m.Out); err != nil {
		// The decoder's message names a position and a type, never the
		// payload's text.
		m.Out = bot.Outgoing{Target: target}
		m.Broken = "payload cannot be decoded: " + err.Error()
	}
	m.Kind = bot.MsgKind(kind)
	m.HouseID, m.ThreadOf, m.EditOf, m.Key = house.Int64, threadOf.Int64, editOf.Int64, key.String
	m.NextAt, m.CreatedAt, m.SentAt = timeOf(next), timeOf(created), timeOf(sent)
	m.SendKey, m.AttemptedAt = sendKey.String, timeOf(attempted)
	return &m, nil
}

// BeginAttempt records that an attempt to send a pending message starts
// at at, before the platform is called. The first attempt makes the
// message's send key: 20 random hex digits, short enough for Discord's
// 25-character nonce, and never the row id, which a database restored from
// an older backup can hand out again. attempted_at keeps the start of the
// earliest attempt with no recorded outcome; BeginAttempt returns the value
// it had, zero when no earlier attempt can have landed. ErrNotFound if the
// message is missing or no longer pending.
func (o outbox) BeginAttempt(ctx context.Context, id int64, at time.Time) (string, time.Time, error) {
	var key string
	var before sql.NullInt64
	err := o.db.inWrite(ctx, func(q querier) error {
		if err := q.QueryRowContext(ctx, `SELECT attempted_at FROM outbox WHERE id = ? AND status = 'pending'`, id).Scan(&before); err != nil {
			return err
		}
		return q.QueryRowContext(ctx, `UPDATE outbox
			SET send_key = COALESCE(send_key, lower(hex(randomblob(10)))), attempted_at = COALESCE(attempted_at, ?)
			WHERE id = ?
			RETURNING send_key`, unixOrNull(at), id).Scan(&key)
	})
	if err != nil {
		return "", time.Time{}, wrap("begin attempt", err)
	}
	return key, timeOf(before), nil
}

// MarkSent records a delivery and the platform ref it produced; the
// message is no longer in doubt. The attachment's bytes (a digest's chart,
// an export) go in the same statement: nothing sends a delivered message
// again, and an edit carries its own payload. Its name and type stay.
// ErrNotFound if there is no such message.
func (o outbox) MarkSent(ctx context.Context, id int64, ref bot.MessageRef, at time.Time) error {
	return o.exec(ctx, "mark sent", `UPDATE outbox
		SET status = 'sent', attempts = attempts + 1, sent_at = ?, ref_channel = ?, ref_id = ?, attempted_at = NULL,
			payload = `+withoutAttachmentData+`
		WHERE id = ?`, unixOrNull(at), ref.Channel, ref.ID, id)
}

// hasAttachmentData says whether an outbox row's payload holds an
// attachment's bytes: bot.Attachment.Data is the payload's only "data"
// key, and a quote in a text is escaped (\"), so no text matches. It is
// the predicate of the index outbox_sent_attachments (0021), word for
// word, so that ClearSentAttachments finds its rows through it.
const hasAttachmentData = `instr(payload, '"data":"') > 0`

// withoutAttachmentData is the payload with its attachment's bytes
// removed. A payload that is not JSON is left as it is: it cannot be
// parsed, and its row is quarantined, not sent.
const withoutAttachmentData = `CASE WHEN ` + hasAttachmentData + ` AND json_valid(payload)
		THEN json_remove(payload, '$.attachment.data') ELSE payload END`

// MarkRetry records a failed attempt, its reason and when to try again,
// rounded up to a whole second: the retry is never due in the second it
// was asked for. The message stays in doubt (attempted_at is kept): a call that failed
// may still have landed, as after a timeout or a 5xx, or may have posted
// the first parts of a split message. ErrNotFound if there is no such
// message.
func (o outbox) MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error {
	return o.exec(ctx, "mark retry", `UPDATE outbox
		SET attempts = attempts + 1, next_at = ?, last_error = ?
		WHERE id = ?`, unixCeilOrNull(next), clipReason(reason), id)
}

// Defer puts off a message's next attempt until next, rounded up to a
// whole second as in MarkRetry, without counting a failed attempt: the
// platform refused the call only to make the bot wait (a rate limit), so
// the message's attempts stay for real failures. ErrNotFound if there is
// no such message.
func (o outbox) Defer(ctx context.Context, id int64, next time.Time, reason string) error {
	return o.exec(ctx, "defer", `UPDATE outbox
		SET next_at = ?, last_error = ?
		WHERE id = ?`, unixCeilOrNull(next), clipReason(reason), id)
}

// MarkFailed gives up on a message. ErrNotFound if there is no such
// message.
func (o outbox) MarkFailed(ctx context.Context, id int64, reason string) error {
	return o.exec(ctx, "mark failed", `UPDATE outbox
		SET status = 'failed', attempts = attempts + 1, last_error = ?
		WHERE id = ?`, clipReason(reason), id)
}

// Pending counts messages not yet sent or failed.
func (o outbox) Pending(ctx context.Context) (int, error) {
	var n int
	if err := o.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE status = 'pending'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("pending: %w", err)
	}
	return n, nil
}

// exec runs one UPDATE of exactly one message in its own transaction.
func (o outbox) exec(ctx context.Context, what, query string, args ...any) error {
	return o.db.inWrite(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, query, args...)
		return wrap(what, oneRow(res, err))
	})
}

// clipReason bounds the stored error text, with no URL or id that names a
// member (bot.SafeReason). Reasons are adapter errors and never contain
// message text.
func clipReason(s string) string {
	const max = 500
	s = bot.SafeReason(s)
	if len(s) > max {
		return strings.ToValidUTF8(s[:max], "")
	}
	return s
}

// OutboxMessage returns one outbox message as stored, whatever its status,
// for tools and tests; ErrNotFound if there is none. Out.Thread and Out.Edit
// are as enqueued, not filled from parents.
func (db *DB) OutboxMessage(ctx context.Context, id int64) (*bot.OutboxMessage, error) {
	m, err := scanOutbox(db.read.QueryRowContext(ctx, `SELECT `+outboxCols+` FROM outbox o WHERE o.id = ?`, id))
	if err != nil {
		return nil, wrap("outbox message", err)
	}
	return m, nil
}
