package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// agreementCols are an agreement's columns; boundaryCol is added only by
// the queries that take a reader who is one of the two sides.
const agreementCols = `id, house_id, mentor_id, mentee_id, every_weeks, mode, weekday, at_clock, status, proposed_by, replaces,
	created_at, agreed_at, ended_at, end_reason, next_contact_at, redacted_at`

func scanAgreement(s scanner, withBoundaries bool) (*bot.Agreement, error) {
	var a bot.Agreement
	var weekday int
	var replaces, created, agreed, ended, next, redacted sql.NullInt64
	dest := []any{&a.ID, &a.HouseID, &a.MentorID, &a.MenteeID, &a.EveryWeeks, &a.Mode, &weekday, &a.Clock, &a.Status, &a.ProposedBy, &replaces,
		&created, &agreed, &ended, &a.EndReason, &next, &redacted}
	if withBoundaries {
		dest = append(dest, &a.Boundaries)
	}
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	a.Weekday, a.Replaces = time.Weekday(weekday), replaces.Int64
	a.CreatedAt, a.AgreedAt, a.EndedAt, a.NextContact = timeOf(created), timeOf(agreed), timeOf(ended), timeOf(next)
	a.Redacted = redacted.Valid
	return &a, nil
}

func (t *tx) queryAgreements(ctx context.Context, what string, withBoundaries bool, query string, args ...any) ([]*bot.Agreement, error) {
	scan := func(s scanner) (*bot.Agreement, error) { return scanAgreement(s, withBoundaries) }
	return queryAll(ctx, t, what, scan, query, args...)
}

// CreateAgreement stores a and sets a.ID.
func (t *tx) CreateAgreement(ctx context.Context, a *bot.Agreement) error {
	err := t.q.QueryRowContext(ctx, `INSERT INTO mentor_agreements (house_id, mentor_id, mentee_id, every_weeks, mode, weekday, at_clock, boundaries,
		status, proposed_by, replaces, created_at, agreed_at, ended_at, end_reason, next_contact_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.HouseID, a.MentorID, a.MenteeID, a.EveryWeeks, a.Mode, int(a.Weekday), a.Clock, a.Boundaries,
		a.Status, a.ProposedBy, idOrNull(a.Replaces), a.CreatedAt.Unix(), unixOrNull(a.AgreedAt), unixOrNull(a.EndedAt), a.EndReason, unixOrNull(a.NextContact)).Scan(&a.ID)
	return wrap("create agreement", err)
}

// UpdateAgreement saves a's status, dates, end reason and next contact.
func (t *tx) UpdateAgreement(ctx context.Context, a *bot.Agreement) error {
	return wrap("update agreement", oneRow(t.q.ExecContext(ctx, `UPDATE mentor_agreements SET status = ?, agreed_at = ?, ended_at = ?, end_reason = ?,
		next_contact_at = ? WHERE id = ?`, a.Status, unixOrNull(a.AgreedAt), unixOrNull(a.EndedAt), a.EndReason, unixOrNull(a.NextContact), a.ID)))
}

// AgreementByID returns an agreement without its boundaries.
func (t *tx) AgreementByID(ctx context.Context, id int64) (*bot.Agreement, error) {
	a, err := scanAgreement(t.q.QueryRowContext(ctx, `SELECT `+agreementCols+` FROM mentor_agreements WHERE id = ?`, id), false)
	return a, wrap("agreement", err)
}

// AgreementsFor lists the reader's proposed and active agreements, as
// either side, with their boundaries: the reader is in the WHERE clause.
func (t *tx) AgreementsFor(ctx context.Context, reader int64) ([]*bot.Agreement, error) {
	return t.queryAgreements(ctx, "agreements for", true, `SELECT `+agreementCols+`, boundaries FROM mentor_agreements
		WHERE (mentor_id = ?1 OR mentee_id = ?1) AND status IN ('proposed', 'active') ORDER BY created_at, id`, reader)
}

// AgreementsOfMentee lists a mentee's proposed and active agreements,
// without boundaries.
func (t *tx) AgreementsOfMentee(ctx context.Context, menteeID int64) ([]*bot.Agreement, error) {
	return t.queryAgreements(ctx, "agreements of mentee", false, `SELECT `+agreementCols+` FROM mentor_agreements
		WHERE mentee_id = ? AND status IN ('proposed', 'active') ORDER BY created_at, id`, menteeID)
}

// DueAgreements lists active agreements whose next contact is due by
// before.
func (t *tx) DueAgreements(ctx context.Context, before time.Time) ([]*bot.Agreement, error) {
	return t.queryAgreements(ctx, "due agreements", false, `SELECT `+agreementCols+` FROM mentor_agreements
		WHERE status = 'active' AND next_contact_at <= ? ORDER BY next_contact_at, id`, before.Unix())
}

const contactCols = `id, agreement_id, house_id, due_at, reminded_at, asked_at, outcome, answered_by, answered_at`

func scanContact(s scanner) (*bot.MentorContact, error) {
	var c bot.MentorContact
	var due, reminded, asked, by, answered sql.NullInt64
	if err := s.Scan(&c.ID, &c.AgreementID, &c.HouseID, &due, &reminded, &asked, &c.Outcome, &by, &answered); err != nil {
		return nil, err
	}
	c.DueAt, c.RemindedAt, c.AskedAt, c.AnsweredAt = timeOf(due), timeOf(reminded), timeOf(asked), timeOf(answered)
	c.AnsweredBy = by.Int64
	return &c, nil
}

func (t *tx) queryContacts(ctx context.Context, what, query string, args ...any) ([]*bot.MentorContact, error) {
	return queryAll(ctx, t, what, scanContact, query, args...)
}

// CreateContact stores c and sets c.ID.
func (t *tx) CreateContact(ctx context.Context, c *bot.MentorContact) error {
	if c.Outcome == "" {
		c.Outcome = bot.ContactPending
	}
	err := t.q.QueryRowContext(ctx, `INSERT INTO mentor_contacts (agreement_id, house_id, due_at, reminded_at, asked_at, outcome)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		c.AgreementID, c.HouseID, c.DueAt.Unix(), unixOrNull(c.RemindedAt), unixOrNull(c.AskedAt), c.Outcome).Scan(&c.ID)
	return wrap("create contact", err)
}

// UpdateContact saves c's reminder, ask and outcome.
func (t *tx) UpdateContact(ctx context.Context, c *bot.MentorContact) error {
	return wrap("update contact", oneRow(t.q.ExecContext(ctx, `UPDATE mentor_contacts SET reminded_at = ?, asked_at = ?, outcome = ?, answered_by = ?,
		answered_at = ? WHERE id = ?`, unixOrNull(c.RemindedAt), unixOrNull(c.AskedAt), c.Outcome, idOrNull(c.AnsweredBy), unixOrNull(c.AnsweredAt), c.ID)))
}

// ContactByID returns a contact, or bot.ErrNotFound.
func (t *tx) ContactByID(ctx context.Context, id int64) (*bot.MentorContact, error) {
	c, err := scanContact(t.q.QueryRowContext(ctx, `SELECT `+contactCols+` FROM mentor_contacts WHERE id = ?`, id))
	return c, wrap("contact", err)
}

// ContactsToAsk lists pending, unasked contacts due by before.
func (t *tx) ContactsToAsk(ctx context.Context, before time.Time) ([]*bot.MentorContact, error) {
	return t.queryContacts(ctx, "contacts to ask", `SELECT `+contactCols+` FROM mentor_contacts
		WHERE asked_at IS NULL AND outcome = 'pending' AND due_at <= ? ORDER BY due_at, id`, before.Unix())
}

// AnswerContact records the first answer only.
func (t *tx) AnswerContact(ctx context.Context, id int64, outcome string, by int64, at time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE mentor_contacts SET outcome = ?, answered_by = ?, answered_at = ? WHERE id = ? AND outcome = 'pending'`,
		outcome, idOrNull(by), at.Unix(), id)
	if err != nil {
		return false, wrap("answer contact", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrap("answer contact", err)
}

// ContactsOf lists an agreement's contacts due in [from, to).
func (t *tx) ContactsOf(ctx context.Context, agreementID int64, from, to time.Time) ([]*bot.MentorContact, error) {
	return t.queryContacts(ctx, "contacts of", `SELECT `+contactCols+` FROM mentor_contacts
		WHERE agreement_id = ? AND due_at >= ? AND due_at < ? ORDER BY due_at, id`, agreementID, from.Unix(), to.Unix())
}

// MentoringStats counts a house's agreements in force during [from, to)
// and its contacts due then.
func (t *tx) MentoringStats(ctx context.Context, houseID int64, from, to time.Time) (bot.MentoringStats, error) {
	var s bot.MentoringStats
	err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM mentor_agreements
		WHERE house_id = ? AND agreed_at < ? AND status IN ('active', 'ended') AND (ended_at IS NULL OR ended_at >= ?)`,
		houseID, to.Unix(), from.Unix()).Scan(&s.Agreements)
	if err != nil {
		return s, wrap("mentoring stats", err)
	}
	err = t.q.QueryRowContext(ctx, `SELECT COUNT(*),
		COALESCE(SUM(outcome = 'happened'), 0), COALESCE(SUM(outcome = 'missed'), 0),
		COALESCE(SUM(outcome = 'rescheduled'), 0), COALESCE(SUM(outcome = 'pending'), 0)
		FROM mentor_contacts WHERE house_id = ? AND due_at >= ? AND due_at < ? AND outcome <> 'skipped'`,
		houseID, from.Unix(), to.Unix()).Scan(&s.Contacts, &s.Happened, &s.Missed, &s.Rescheduled, &s.Unanswered)
	return s, wrap("mentoring stats", err)
}

// redactBoundariesSQL redacts a batch of a house's agreements ended
// before a time, found through mentor_agreements_to_redact, which
// redacted rows leave.
const redactBoundariesSQL = `UPDATE mentor_agreements SET boundaries = '', redacted_at = ?2 WHERE id IN (
		SELECT id FROM mentor_agreements WHERE house_id = ?1 AND status = 'ended' AND redacted_at IS NULL AND ended_at < ?2 ORDER BY ended_at LIMIT ?3)`

// RedactBoundaries empties the boundaries of a house's agreements that
// ended before before.
func (t *tx) RedactBoundaries(ctx context.Context, houseID int64, before time.Time, limit int) (int, error) {
	return t.changed(ctx, "redact boundaries", redactBoundariesSQL, houseID, before.Unix(), limit)
}

// exportMentoring lists a member's agreements, as either side, with their
// terms, boundaries and contacts, but not who the other side is: that is
// the other person's data too.
func (t *tx) exportMentoring(ctx context.Context, memberID int64) ([]bot.ExportedAgreement, error) {
	as, err := t.queryAgreements(ctx, "export agreements", true, `SELECT `+agreementCols+`, boundaries FROM mentor_agreements
		WHERE mentor_id = ?1 OR mentee_id = ?1 ORDER BY created_at, id`, memberID)
	if err != nil {
		return nil, err
	}
	out := []bot.ExportedAgreement{}
	for _, a := range as {
		e := bot.ExportedAgreement{Role: "mentee", EveryWeeks: a.EveryWeeks, Mode: a.Mode, Day: a.Weekday.String(), Time: a.Clock,
			Boundaries: a.Boundaries, Status: a.Status, CreatedAt: a.CreatedAt, AgreedAt: a.AgreedAt, EndedAt: a.EndedAt, Contacts: []bot.ExportedRecord{}}
		if a.MentorID == memberID {
			e.Role = "mentor"
		}
		cs, err := t.queryContacts(ctx, "export contacts", `SELECT `+contactCols+` FROM mentor_contacts WHERE agreement_id = ? ORDER BY due_at`, a.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			e.Contacts = append(e.Contacts, bot.ExportedRecord{What: "contact", At: c.DueAt, Status: c.Outcome})
		}
		out = append(out, e)
	}
	return out, nil
}
