package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/porchlight/porchlight/bot"
)

const alertCols = `id, house_id, user_id, name, kind, created_at, acked_at, acked_by, escalated_at`

func scanAlert(s scanner) (*bot.CrisisAlert, error) {
	var a bot.CrisisAlert
	var kind string
	var created, acked, escalated sql.NullInt64
	if err := s.Scan(&a.ID, &a.HouseID, &a.UserID, &a.Name, &kind, &created, &acked, &a.AckedBy, &escalated); err != nil {
		return nil, err
	}
	a.Kind = bot.AlertKind(kind)
	a.CreatedAt, a.AckedAt, a.EscalatedAt = timeOf(created), timeOf(acked), timeOf(escalated)
	return &a, nil
}

// CreateCrisisAlert inserts a and sets a.ID. An empty Kind is stored as
// bot.AlertDanger.
func (t *tx) CreateCrisisAlert(ctx context.Context, a *bot.CrisisAlert) error {
	if a.Kind == "" {
		a.Kind = bot.AlertDanger
	}
	err := t.q.QueryRowContext(ctx, `INSERT INTO crisis_alerts (house_id, user_id, name, kind, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		a.HouseID, a.UserID, a.Name, string(a.Kind), a.CreatedAt.Unix()).Scan(&a.ID)
	return wrap("create crisis alert", err)
}

// OpenCrisisAlert returns a resident's latest unacknowledged alert in a
// house created at or after since; bot.ErrNotFound if there is none.
func (t *tx) OpenCrisisAlert(ctx context.Context, houseID int64, userID string, since time.Time) (*bot.CrisisAlert, error) {
	a, err := scanAlert(t.q.QueryRowContext(ctx, `SELECT `+alertCols+` FROM crisis_alerts
		WHERE house_id = ? AND user_id = ? AND created_at >= ? AND acked_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1`,
		houseID, userID, since.Unix()))
	if err != nil {
		return nil, wrap("open crisis alert", err)
	}
	return a, nil
}

// CrisisAlertByID returns an alert, or bot.ErrNotFound.
func (t *tx) CrisisAlertByID(ctx context.Context, id int64) (*bot.CrisisAlert, error) {
	a, err := scanAlert(t.q.QueryRowContext(ctx, `SELECT `+alertCols+` FROM crisis_alerts WHERE id = ?`, id))
	return a, wrap("crisis alert", err)
}

// AckCrisisAlert records the first acknowledgement only.
func (t *tx) AckCrisisAlert(ctx context.Context, id int64, by string, at time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE crisis_alerts SET acked_at = ?, acked_by = ? WHERE id = ? AND acked_at IS NULL`, at.Unix(), by, id)
	if err != nil {
		return false, wrap("ack crisis alert", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrap("ack crisis alert", err)
}

// DueEscalations lists every house's open alerts created at or before
// before, except those whose resident erased their data (erasure withdrew
// them). It walks crisis_alerts_open, which holds only the open alerts.
func (t *tx) DueEscalations(ctx context.Context, before time.Time) ([]*bot.CrisisAlert, error) {
	rows, err := t.q.QueryContext(ctx, dueEscalationsSQL, before.Unix(), bot.ErasedUser)
	if err != nil {
		return nil, wrap("due escalations", err)
	}
	defer rows.Close()
	var out []*bot.CrisisAlert
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, wrap("due escalations", err)
		}
		out = append(out, a)
	}
	return out, wrap("due escalations", rows.Err())
}

// dueEscalationsSQL selects the open alerts of every house created at or
// before ?1, except the erased resident's (?2).
const dueEscalationsSQL = `SELECT ` + alertCols + ` FROM crisis_alerts
	WHERE acked_at IS NULL AND escalated_at IS NULL AND created_at <= ?1 AND user_id <> ?2 ORDER BY created_at, id`

// MarkEscalated records that the operators were alerted.
func (t *tx) MarkEscalated(ctx context.Context, id int64, at time.Time) error {
	_, err := t.q.ExecContext(ctx, `UPDATE crisis_alerts SET escalated_at = ? WHERE id = ?`, at.Unix(), id)
	return wrap("mark escalated", err)
}

// MembersNamed lists a house's members, current and former, whose display
// name is name, ignoring ASCII case, oldest first.
func (t *tx) MembersNamed(ctx context.Context, houseID int64, name string) ([]*bot.Member, error) {
	return t.queryMembers(ctx, "members named", `SELECT `+memberCols+` FROM members
		WHERE house_id = ? AND name = ? COLLATE NOCASE ORDER BY id`, houseID, name)
}

// ExportMember returns everything stored about a member: the profile, every
// answer (whatever its visibility: it is the member's own), the rounds they
// missed, the roles granted to them and their form in progress in the house
// (expired or not: it is stored until the tick prunes it).
func (t *tx) ExportMember(ctx context.Context, memberID int64) (*bot.MemberData, error) {
	m, err := t.MemberByID(ctx, memberID)
	if err != nil {
		return nil, err
	}
	d := &bot.MemberData{Member: m, Answers: []*bot.Answer{}, Misses: []time.Time{}, Roles: []string{}}
	rows, err := t.q.QueryContext(ctx, `SELECT `+answerCols+` FROM checkin_answers WHERE member_id = ? ORDER BY answered_at, id`, memberID)
	if err != nil {
		return nil, wrap("export answers", err)
	}
	for rows.Next() {
		a, err := scanAnswer(rows)
		if err != nil {
			rows.Close()
			return nil, wrap("export answers", err)
		}
		d.Answers = append(d.Answers, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("export answers", err)
	}
	rows, err = t.q.QueryContext(ctx, `SELECT r.scheduled_for FROM checkin_misses mi JOIN checkin_rounds r ON r.id = mi.round_id
		WHERE mi.member_id = ? ORDER BY r.scheduled_for`, memberID)
	if err != nil {
		return nil, wrap("export misses", err)
	}
	for rows.Next() {
		var at sql.NullInt64
		if err := rows.Scan(&at); err != nil {
			rows.Close()
			return nil, wrap("export misses", err)
		}
		d.Misses = append(d.Misses, timeOf(at))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("export misses", err)
	}
	if d.SoberDates, err = t.SoberDates(ctx, memberID); err != nil {
		return nil, err
	}
	if d.MilestonesShared, err = t.MilestoneShare(ctx, memberID); err != nil {
		return nil, err
	}
	if d.PartnerPingsOff, err = t.PingsOff(ctx, memberID); err != nil {
		return nil, err
	}
	if until, err := t.PingMutedUntil(ctx, memberID); err != nil {
		return nil, err
	} else if !until.IsZero() {
		d.PartnerPingsMutedUntil = &until
	}
	records := []struct {
		dst   *[]bot.ExportedRecord
		what  string
		query string
	}{
		{&d.Celebrations, "celebrations", `SELECT label, at, '' FROM milestone_celebrations WHERE member_id = ? ORDER BY at`},
		{&d.Activities, "activities", `SELECT a.title, a.starts_at, v.status || CASE WHEN att.member_id IS NULL THEN '' ELSE ', attended' END
			FROM activity_rsvps v JOIN activities a ON a.id = v.activity_id
			LEFT JOIN activity_attendance att ON att.activity_id = v.activity_id AND att.member_id = v.member_id
			WHERE v.member_id = ? ORDER BY a.starts_at`},
		{&d.Partnerships, "partnerships", `SELECT 'paired (' || p.how || ')', p.formed_at, CASE WHEN p.ended_at IS NULL THEN 'current' ELSE 'ended' END
			FROM partner_members pm JOIN partner_pairs p ON p.id = pm.pair_id WHERE pm.member_id = ? ORDER BY p.formed_at`},
		{&d.ReachOuts, "reach-outs", `SELECT 'asked for someone to reach out', created_at,
			CASE WHEN taken_at IS NULL THEN 'not taken' ELSE 'a House Mentor was on it' END
			FROM reach_outs WHERE member_id = ? ORDER BY created_at, id`},
	}
	for _, rq := range records {
		*rq.dst = []bot.ExportedRecord{}
		rows, err := t.q.QueryContext(ctx, rq.query, memberID)
		if err != nil {
			return nil, wrap("export "+rq.what, err)
		}
		for rows.Next() {
			var rec bot.ExportedRecord
			var at int64
			if err := rows.Scan(&rec.What, &at, &rec.Status); err != nil {
				rows.Close()
				return nil, wrap("export "+rq.what, err)
			}
			rec.At = time.Unix(at, 0).UTC()
			*rq.dst = append(*rq.dst, rec)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, wrap("export "+rq.what, err)
		}
	}
	c, err := scanConvo(t.q.QueryRowContext(ctx, `SELECT `+convoCols+` FROM conversations
		WHERE house_id = ? AND platform = ? AND user_id = ?`, m.HouseID, m.Platform, m.UserID))
	switch err = mapErr(err); {
	case err == nil:
		d.FormInProgress = &bot.FormInProgress{Form: c.FormID, StartedAt: c.StartedAt, Values: c.Values}
	case !errors.Is(err, bot.ErrNotFound):
		return nil, wrap("export form in progress", err)
	}
	if d.FormsKept, err = t.exportFormDrafts(ctx, m); err != nil {
		return nil, err
	}
	if d.MentoringAgreements, err = t.exportMentoring(ctx, memberID); err != nil {
		return nil, err
	}
	if d.Goals, err = t.exportGoals(ctx, memberID); err != nil {
		return nil, err
	}
	if d.GoalCadence, err = t.GoalCadence(ctx, memberID); err != nil {
		return nil, err
	}
	if err := t.exportHouseLife(ctx, memberID, d); err != nil {
		return nil, err
	}
	rows, err = t.q.QueryContext(ctx, `SELECT role FROM roles WHERE house_id = ? AND user_id = ? ORDER BY role`, m.HouseID, m.UserID)
	if err != nil {
		return nil, wrap("export roles", err)
	}
	defer rows.Close()
	for rows.Next() {
		var role string
		if err := rows.Scan(&role); err != nil {
			return nil, wrap("export roles", err)
		}
		d.Roles = append(d.Roles, role)
	}
	return d, wrap("export roles", rows.Err())
}

// EraseMember deletes the member's answers and misses, their granted roles,
// their form in progress and their profile; their pairs, sober dates,
// celebrations, mentoring agreements (either side's) with their contacts,
// and goals with their progress go with the profile, by cascade. Their
// crisis alerts stay as a bare fact, for the digest's counts, and are never
// escalated again. The outbox forgets them (eraseOutbox).
func (t *tx) EraseMember(ctx context.Context, memberID int64) error {
	m, err := t.MemberByID(ctx, memberID)
	if err != nil {
		return err
	}
	if err := t.eraseOutbox(ctx, m); err != nil {
		return err
	}
	for _, q := range []struct {
		what, sql string
		args      []any
	}{
		// The House Mentors' notices of their requests for someone to
		// reach out name them: the edits first (deleting a notice would
		// unlink its edits), then the notices, delivered or not.
		{"erase reach-out notice edits", `DELETE FROM outbox WHERE edit_of IN (SELECT n.outbox_id FROM reach_out_notices n
			JOIN reach_outs q ON q.id = n.reach_out_id WHERE q.member_id = ? AND n.outbox_id IS NOT NULL)`, []any{memberID}},
		{"erase reach-out notices", `DELETE FROM outbox WHERE id IN (SELECT n.outbox_id FROM reach_out_notices n
			JOIN reach_outs q ON q.id = n.reach_out_id WHERE q.member_id = ? AND n.outbox_id IS NOT NULL)`, []any{memberID}},
		{"erase answers", `DELETE FROM checkin_answers WHERE member_id = ?`, []any{memberID}},
		{"erase misses", `DELETE FROM checkin_misses WHERE member_id = ?`, []any{memberID}},
		// A form in progress in the house holds their unfinished answers.
		{"erase form in progress", `DELETE FROM conversations WHERE house_id = ? AND platform = ? AND user_id = ?`, []any{m.HouseID, m.Platform, m.UserID}},
		{"erase kept forms", `DELETE FROM form_drafts WHERE house_id = ? AND platform = ? AND user_id = ?`, []any{m.HouseID, m.Platform, m.UserID}},
		{"erase alerts", `UPDATE crisis_alerts SET user_id = ?, name = 'someone who erased their data' WHERE house_id = ? AND user_id = ?`, []any{bot.ErasedUser, m.HouseID, m.UserID}},
		{"erase roles", `DELETE FROM roles WHERE house_id = ? AND user_id = ?`, []any{m.HouseID, m.UserID}},
		{"erase member", `DELETE FROM members WHERE id = ?`, []any{memberID}},
	} {
		if _, err := t.q.ExecContext(ctx, q.sql, q.args...); err != nil {
			return wrap(q.what, err)
		}
	}
	return nil
}

// erasedOutboxSQL selects the house's outbox rows to a member or about
// them (?1 the house, ?2 their platform user id, ?3 their member id): the
// messages to them, those that name or quote them (outbox_about), and, for
// rows from before outbox_about, their shares and the edits of those.
const erasedOutboxSQL = `WITH hit(id) AS (
		SELECT id FROM outbox WHERE house_id = ?1 AND target_user = ?2
		UNION SELECT ab.outbox_id FROM outbox_about ab JOIN outbox o ON o.id = ab.outbox_id WHERE ab.user_id = ?2 AND o.house_id = ?1
		UNION SELECT share_outbox_id FROM checkin_answers WHERE member_id = ?3 AND share_outbox_id IS NOT NULL
		UNION SELECT o.id FROM outbox o JOIN checkin_answers a ON o.edit_of = a.share_outbox_id WHERE a.member_id = ?3)`

// eraseOutbox makes the outbox forget a member of a house:
//   - the messages not delivered (pending or failed) to them or about them
//     are deleted, and so are the pending edits of those: an erased crisis
//     alert, reach-out, partner ping or share is never sent;
//   - the delivered ones keep only what delivery bookkeeping needs (id,
//     kind, target kind, status, times, and the platform ref that later
//     edits and thread replies attach to): the text is emptied, their user
//     id, the ref of a DM to them and the dedupe key (which can hold ids)
//     are cleared;
//   - outbox_about forgets them.
//
// The copies already on the platform stay there (see the README).
func (t *tx) eraseOutbox(ctx context.Context, m *bot.Member) error {
	args := []any{m.HouseID, m.UserID, m.ID}
	for _, q := range []struct{ what, sql string }{
		{"erase undelivered messages", erasedOutboxSQL + `
			DELETE FROM outbox WHERE status <> 'sent' AND (id IN (SELECT id FROM hit)
				OR edit_of IN (SELECT x.id FROM hit JOIN outbox x ON x.id = hit.id WHERE x.status <> 'sent'))`},
		{"empty delivered messages", erasedOutboxSQL + `
			UPDATE outbox SET
				payload = json_object('target', json_object('kind', target_kind, 'channel', target_channel,
					'user', CASE WHEN target_user = ?2 THEN '' ELSE target_user END), 'text', ''),
				target_user = CASE WHEN target_user = ?2 THEN '' ELSE target_user END,
				ref_channel = CASE WHEN target_user = ?2 THEN '' ELSE ref_channel END,
				ref_id = CASE WHEN target_user = ?2 THEN '' ELSE ref_id END,
				dedupe_key = NULL, last_error = ''
			WHERE id IN (SELECT id FROM hit)`},
		{"erase message subjects", `DELETE FROM outbox_about WHERE user_id = ?2
			AND outbox_id IN (SELECT id FROM outbox WHERE house_id = ?1)`},
	} {
		if _, err := t.q.ExecContext(ctx, q.sql, args...); err != nil {
			return wrap(q.what, err)
		}
	}
	return nil
}

// exportFormDrafts lists the member's forms kept in the house, with what
// they hold.
func (t *tx) exportFormDrafts(ctx context.Context, m *bot.Member) ([]bot.FormInProgress, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT `+formDraftCols+` FROM form_drafts
		WHERE house_id = ? AND platform = ? AND user_id = ? ORDER BY id`, m.HouseID, m.Platform, m.UserID)
	if err != nil {
		return nil, wrap("export kept forms", err)
	}
	defer rows.Close()
	out := []bot.FormInProgress{}
	for rows.Next() {
		d, err := scanFormDraft(rows)
		if err != nil {
			return nil, wrap("export kept forms", err)
		}
		out = append(out, bot.FormInProgress{Form: d.Form.ID, StartedAt: d.CreatedAt, Values: d.Form.Values()})
	}
	return out, wrap("export kept forms", rows.Err())
}

// answersToRedactSQL finds a batch of a house's answers to redact: the
// house's rounds from its redaction mark (?4, redaction_marks) up to the
// time (an answer is never older than its round), then their unredacted
// answers through checkin_answers_unredacted, so that answers redacted on
// earlier nights are not read again, nor the rounds they were in.
func answersToRedactSQL() string {
	return `SELECT ` + prefixCols("a", answerCols) + ` FROM checkin_rounds r
	JOIN checkin_answers a ON a.round_id = r.id
	WHERE r.house_id = ?1 AND r.scheduled_for >= ?4 AND r.scheduled_for < ?2 AND a.redacted_at IS NULL AND a.answered_at < ?2
	ORDER BY a.answered_at, a.id LIMIT ?3`
}

// redactionMarkSQL reads a house's redaction mark; a house without one
// starts at the beginning.
const redactionMarkSQL = `SELECT COALESCE((SELECT rounds_before FROM redaction_marks WHERE house_id = ?), 0)`

// moveRedactionMarkSQL moves a house's redaction mark from ?2 towards the
// time ?3 once nothing before the time is left to redact: to the first
// round from the mark on that is still open or holds an unredacted answer
// (one answered after the time, which a later night redacts), else to the
// time. A mark never moves back.
const moveRedactionMarkSQL = `INSERT INTO redaction_marks (house_id, rounds_before) VALUES (?1, COALESCE(
		(SELECT MIN(r.scheduled_for) FROM checkin_rounds r
		WHERE r.house_id = ?1 AND r.scheduled_for >= ?2 AND r.scheduled_for < ?3
			AND (r.status = 'open' OR EXISTS (SELECT 1 FROM checkin_answers a WHERE a.round_id = r.id AND a.redacted_at IS NULL))),
		?3))
	ON CONFLICT (house_id) DO UPDATE SET rounds_before = MAX(rounds_before, excluded.rounds_before)`

// AnswersToRedact lists a house's unredacted answers given before before,
// from the rounds at or after the house's redaction mark. When it finds
// none, it moves the mark (moveRedactionMarkSQL), so that the next night
// reads only the rounds since: its cost follows the rounds due, not the
// days kept.
func (t *tx) AnswersToRedact(ctx context.Context, houseID int64, before time.Time, limit int) ([]*bot.Answer, error) {
	var mark int64
	if err := t.q.QueryRowContext(ctx, redactionMarkSQL, houseID).Scan(&mark); err != nil {
		return nil, wrap("redaction mark", err)
	}
	rows, err := t.q.QueryContext(ctx, answersToRedactSQL(), houseID, before.Unix(), limit, mark)
	if err != nil {
		return nil, wrap("answers to redact", err)
	}
	defer rows.Close()
	var out []*bot.Answer
	for rows.Next() {
		a, err := scanAnswer(rows)
		if err != nil {
			return nil, wrap("answers to redact", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil || len(out) > 0 {
		return out, wrap("answers to redact", err)
	}
	_, err = t.q.ExecContext(ctx, moveRedactionMarkSQL, houseID, mark, before.Unix())
	return nil, wrap("move redaction mark", err)
}

// PruneEnded clears, in a house, the reasons and authors of pauses over at
// now, the mutes of partner pings over at now, and the requests for
// someone to reach out made before before. It returns how many rows it
// changed.
func (t *tx) PruneEnded(ctx context.Context, houseID int64, before, now time.Time) (int, error) {
	total := 0
	for _, q := range []struct {
		what, sql string
		args      []any
	}{
		{"pause reasons", `UPDATE members SET paused_by = '', pause_reason = ''
			WHERE house_id = ? AND (paused_by <> '' OR pause_reason <> '') AND (paused_until IS NULL OR paused_until <= ?)`, []any{houseID, now.Unix()}},
		{"ping mutes", `DELETE FROM partner_mutes WHERE until <= ? AND member_id IN (SELECT id FROM members WHERE house_id = ?)`, []any{now.Unix(), houseID}},
		{"reach-outs", `DELETE FROM reach_outs WHERE house_id = ? AND created_at < ?`, []any{houseID, before.Unix()}},
	} {
		n, err := t.changed(ctx, "prune "+q.what, q.sql, q.args...)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// PruneOutbox deletes up to limit of a house's sent or failed messages
// created before before, and returns how many it deleted.
func (t *tx) PruneOutbox(ctx context.Context, houseID int64, before time.Time, limit int) (int, error) {
	return t.changed(ctx, "prune outbox", pruneOutboxSQL, houseID, before.Unix(), limit)
}

// pruneOutboxSQL deletes one batch of a house's settled messages older
// than a time. The batch is found through outbox_by_house_time, so its
// cost follows the batch, not the outbox's history.
const pruneOutboxSQL = `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox
	WHERE house_id = ?1 AND created_at < ?2 AND status IN ('sent', 'failed') LIMIT ?3)`

// ClearSentAttachments drops the attachment bytes of up to limit of a
// house's delivered messages, and returns how many it changed. MarkSent
// drops them on delivery; this clears the rows delivered before it did, a
// bounded batch a night (outbox_sent_attachments holds only those rows).
func (t *tx) ClearSentAttachments(ctx context.Context, houseID int64, limit int) (int, error) {
	return t.changed(ctx, "clear sent attachments", clearSentAttachmentsSQL, houseID, limit)
}

// clearSentAttachmentsSQL clears one batch of a house's delivered messages
// that still hold attachment bytes. A payload that is not JSON cannot be
// cleared, and is left out, so that the batch always ends.
const clearSentAttachmentsSQL = `UPDATE outbox SET payload = json_remove(payload, '$.attachment.data')
	WHERE id IN (SELECT id FROM outbox WHERE house_id = ?1 AND status = 'sent' AND ` + hasAttachmentData + `
		AND json_valid(payload) LIMIT ?2)`

// Audits lists audit rows at or after since, oldest first, for the audit
// command. It reads outside any feature transaction.
func (db *DB) Audits(ctx context.Context, since time.Time) ([]bot.AuditRow, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, COALESCE(house_id, 0), actor, action, subject FROM audit WHERE at >= ? ORDER BY at, id`, since.Unix())
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer rows.Close()
	var out []bot.AuditRow
	for rows.Next() {
		var r bot.AuditRow
		var at int64
		if err := rows.Scan(&r.ID, &at, &r.HouseID, &r.Actor, &r.Action, &r.Subject); err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		r.At = time.Unix(at, 0).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// prefixCols qualifies a column list with a table alias: "a.id, a.x".
func prefixCols(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
