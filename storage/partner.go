package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// queryPairs loads pairs and their members. query selects id, house_id,
// how, rotation, formed_at, ended_at.
func (t *tx) queryPairs(ctx context.Context, what, query string, args ...any) ([]*bot.Pair, error) {
	rows, err := t.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(what, err)
	}
	var out []*bot.Pair
	for rows.Next() {
		var p bot.Pair
		var formed, ended sql.NullInt64
		if err := rows.Scan(&p.ID, &p.HouseID, &p.How, &p.Rotation, &formed, &ended); err != nil {
			rows.Close()
			return nil, wrap(what, err)
		}
		p.FormedAt, p.EndedAt = timeOf(formed), timeOf(ended)
		out = append(out, &p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap(what, err)
	}
	for _, p := range out {
		if p.Members, err = t.pairMembers(ctx, p.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *tx) pairMembers(ctx context.Context, pairID int64) ([]int64, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT member_id FROM partner_members WHERE pair_id = ? ORDER BY member_id`, pairID)
	if err != nil {
		return nil, wrap("pair members", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, wrap("pair members", err)
		}
		ids = append(ids, id)
	}
	return ids, wrap("pair members", rows.Err())
}

const pairCols = `p.id, p.house_id, p.how, p.rotation, p.formed_at, p.ended_at`

// CurrentPairs lists a house's pairs that have not ended, oldest first.
func (t *tx) CurrentPairs(ctx context.Context, houseID int64) ([]*bot.Pair, error) {
	return t.queryPairs(ctx, "current pairs", `SELECT `+pairCols+` FROM partner_pairs p WHERE p.house_id = ? AND p.ended_at IS NULL ORDER BY p.id`, houseID)
}

// PairOf returns a member's current pair, or bot.ErrNotFound.
func (t *tx) PairOf(ctx context.Context, memberID int64) (*bot.Pair, error) {
	ps, err := t.queryPairs(ctx, "pair of", `SELECT `+pairCols+` FROM partner_pairs p JOIN partner_members pm ON pm.pair_id = p.id
		WHERE pm.member_id = ? AND p.ended_at IS NULL ORDER BY p.id DESC LIMIT 1`, memberID)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, bot.ErrNotFound
	}
	return ps[0], nil
}

// PairByID returns a pair, or bot.ErrNotFound.
func (t *tx) PairByID(ctx context.Context, id int64) (*bot.Pair, error) {
	ps, err := t.queryPairs(ctx, "pair", `SELECT `+pairCols+` FROM partner_pairs p WHERE p.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, bot.ErrNotFound
	}
	return ps[0], nil
}

// CreatePair stores p and its members.
func (t *tx) CreatePair(ctx context.Context, p *bot.Pair) error {
	if len(p.Members) < 2 {
		return fmt.Errorf("create pair: %d members", len(p.Members))
	}
	err := t.q.QueryRowContext(ctx, `INSERT INTO partner_pairs (house_id, how, rotation, formed_at) VALUES (?, ?, ?, ?) RETURNING id`,
		p.HouseID, p.How, p.Rotation, p.FormedAt.Unix()).Scan(&p.ID)
	if err != nil {
		return wrap("create pair", err)
	}
	for _, m := range p.Members {
		if _, err := t.q.ExecContext(ctx, `INSERT INTO partner_members (pair_id, member_id) VALUES (?, ?)`, p.ID, m); err != nil {
			return wrap("create pair member", err)
		}
	}
	return nil
}

// EndPair ends a pair.
func (t *tx) EndPair(ctx context.Context, pairID int64, at time.Time) error {
	_, err := t.q.ExecContext(ctx, `UPDATE partner_pairs SET ended_at = ? WHERE id = ? AND ended_at IS NULL`, at.Unix(), pairID)
	return wrap("end pair", err)
}

// RemoveFromPair takes one member out of a pair.
func (t *tx) RemoveFromPair(ctx context.Context, pairID, memberID int64) error {
	_, err := t.q.ExecContext(ctx, `DELETE FROM partner_members WHERE pair_id = ? AND member_id = ?`, pairID, memberID)
	return wrap("remove from pair", err)
}

// LastRotation is the house's highest rotation number.
func (t *tx) LastRotation(ctx context.Context, houseID int64) (int, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT COALESCE(MAX(rotation), 0) FROM partner_pairs WHERE house_id = ?`, houseID).Scan(&n)
	return n, wrap("last rotation", err)
}

// RotationPairs lists pairs formed by rotations after the given one.
func (t *tx) RotationPairs(ctx context.Context, houseID int64, after int) ([]*bot.Pair, error) {
	return t.queryPairs(ctx, "rotation pairs", `SELECT `+pairCols+` FROM partner_pairs p
		WHERE p.house_id = ? AND p.how = 'rotation' AND p.rotation > ? ORDER BY p.id`, houseID, after)
}

// AddAvoid records a "do not pair" couple; adding it twice is not an error.
func (t *tx) AddAvoid(ctx context.Context, houseID, a, b int64, by string, at time.Time) error {
	if a > b {
		a, b = b, a
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO partner_avoid (house_id, member_a, member_b, added_by, added_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, houseID, a, b, by, at.Unix())
	return wrap("add avoid", err)
}

// Avoids lists a house's "do not pair" couples.
func (t *tx) Avoids(ctx context.Context, houseID int64) ([][2]int64, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT member_a, member_b FROM partner_avoid WHERE house_id = ?`, houseID)
	if err != nil {
		return nil, wrap("avoids", err)
	}
	defer rows.Close()
	var out [][2]int64
	for rows.Next() {
		var c [2]int64
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			return nil, wrap("avoids", err)
		}
		out = append(out, c)
	}
	return out, wrap("avoids", rows.Err())
}

// RecordNudge records a pair's nudge for a day; bot.ErrDuplicate if done.
// The row carries the pair's house, for PartnerStats.
func (t *tx) RecordNudge(ctx context.Context, pairID int64, day string, at time.Time) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO partner_nudges (pair_id, day, at, house_id)
		VALUES (?1, ?2, ?3, (SELECT house_id FROM partner_pairs WHERE id = ?1))`, pairID, day, at.Unix())
	return wrap("record nudge", err)
}

// RecordContact records a pair's first contact of a day. The row carries
// the pair's house, for PartnerStats.
func (t *tx) RecordContact(ctx context.Context, pairID int64, day string, memberID int64, at time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `INSERT INTO partner_contacts (pair_id, day, member_id, at, house_id)
		VALUES (?1, ?2, ?3, ?4, (SELECT house_id FROM partner_pairs WHERE id = ?1)) ON CONFLICT DO NOTHING`,
		pairID, day, memberID, at.Unix())
	if err != nil {
		return false, wrap("record contact", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrap("record contact", err)
}

// Contacted reports whether a pair connected on a day.
func (t *tx) Contacted(ctx context.Context, pairID int64, day string) (bool, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM partner_contacts WHERE pair_id = ? AND day = ?`, pairID, day).Scan(&n)
	return n > 0, wrap("contacted", err)
}

// pingCols are the columns scanPing reads, in order.
const pingCols = `id, house_id, pair_id, about, kind, at, answered_at, due_at, sent_at, dropped_at, misses`

func scanPing(s scanner) (*bot.PartnerPing, error) {
	var p bot.PartnerPing
	var pair, about, at, answered, due, sent, dropped sql.NullInt64
	if err := s.Scan(&p.ID, &p.HouseID, &pair, &about, &p.Kind, &at, &answered, &due, &sent, &dropped, &p.Misses); err != nil {
		return nil, err
	}
	p.PairID, p.About, p.At, p.AnsweredAt = pair.Int64, about.Int64, timeOf(at), timeOf(answered)
	p.DueAt, p.SentAt, p.DroppedAt = timeOf(due), timeOf(sent), timeOf(dropped)
	return &p, nil
}

// RecordPing stores a ping; a zero DueAt is At.
func (t *tx) RecordPing(ctx context.Context, p *bot.PartnerPing) error {
	if p.DueAt.IsZero() {
		p.DueAt = p.At
	}
	err := t.q.QueryRowContext(ctx, `INSERT INTO partner_pings (house_id, pair_id, about, kind, at, due_at, sent_at, misses)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.HouseID, idOrNull(p.PairID), idOrNull(p.About), p.Kind, p.At.Unix(), p.DueAt.Unix(), unixOrNull(p.SentAt), p.Misses).Scan(&p.ID)
	return wrap("record ping", err)
}

// PingByID returns a ping, or bot.ErrNotFound.
func (t *tx) PingByID(ctx context.Context, id int64) (*bot.PartnerPing, error) {
	p, err := scanPing(t.q.QueryRowContext(ctx, `SELECT `+pingCols+` FROM partner_pings WHERE id = ?`, id))
	if err != nil {
		return nil, wrap("ping", err)
	}
	return p, nil
}

// WaitingPing returns the ping about a member that waits for the end of
// quiet hours, or bot.ErrNotFound.
func (t *tx) WaitingPing(ctx context.Context, about int64) (*bot.PartnerPing, error) {
	p, err := scanPing(t.q.QueryRowContext(ctx, `SELECT `+pingCols+` FROM partner_pings
		WHERE about = ? AND sent_at IS NULL AND dropped_at IS NULL ORDER BY due_at, id LIMIT 1`, about))
	if err != nil {
		return nil, wrap("waiting ping", err)
	}
	return p, nil
}

// MissedPingBetween reports whether a ping about a member's missed
// check-in went out, or is due, in [from, to).
func (t *tx) MissedPingBetween(ctx context.Context, about int64, from, to time.Time) (bool, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM partner_pings
		WHERE about = ? AND kind = 'missed' AND dropped_at IS NULL AND due_at >= ? AND due_at < ?`, about, from.Unix(), to.Unix()).Scan(&n)
	return n > 0, wrap("missed ping between", err)
}

// duePingsSQL asks for the waiting pings due at or before a time; its
// WHERE is the partial index partner_pings_waiting's, so the tick reads
// only waiting pings, however many were ever sent.
const duePingsSQL = `SELECT ` + pingCols + ` FROM partner_pings
	WHERE sent_at IS NULL AND dropped_at IS NULL AND due_at <= ? ORDER BY due_at, id`

// DuePings lists the waiting pings of every house due at or before now,
// through the partial index of waiting pings.
func (t *tx) DuePings(ctx context.Context, now time.Time) ([]*bot.PartnerPing, error) {
	rows, err := t.q.QueryContext(ctx, duePingsSQL, now.Unix())
	if err != nil {
		return nil, wrap("due pings", err)
	}
	defer rows.Close()
	var out []*bot.PartnerPing
	for rows.Next() {
		p, err := scanPing(rows)
		if err != nil {
			return nil, wrap("due pings", err)
		}
		out = append(out, p)
	}
	return out, wrap("due pings", rows.Err())
}

// SettlePing records that a waiting ping went out, saying misses misses
// in a row (sent), or was dropped; a settled ping stays as it was.
func (t *tx) SettlePing(ctx context.Context, id int64, sent bool, misses int, at time.Time) error {
	q := `UPDATE partner_pings SET dropped_at = ? WHERE id = ? AND sent_at IS NULL AND dropped_at IS NULL`
	args := []any{at.Unix(), id}
	if sent {
		q = `UPDATE partner_pings SET sent_at = ?, misses = ? WHERE id = ? AND sent_at IS NULL AND dropped_at IS NULL`
		args = []any{at.Unix(), misses, id}
	}
	_, err := t.q.ExecContext(ctx, q, args...)
	return wrap("settle ping", err)
}

// SetPingMute mutes pings about missed check-ins to a member until until;
// a zero until unmutes.
func (t *tx) SetPingMute(ctx context.Context, memberID int64, until, at time.Time) error {
	var err error
	if until.IsZero() {
		_, err = t.q.ExecContext(ctx, `DELETE FROM partner_mutes WHERE member_id = ?`, memberID)
	} else {
		_, err = t.q.ExecContext(ctx, `INSERT INTO partner_mutes (member_id, until, at) VALUES (?, ?, ?)
			ON CONFLICT (member_id) DO UPDATE SET until = excluded.until, at = excluded.at`, memberID, until.Unix(), at.Unix())
	}
	return wrap("set ping mute", err)
}

// PingMutedUntil returns until when a member muted pings about missed
// check-ins, or the zero time.
func (t *tx) PingMutedUntil(ctx context.Context, memberID int64) (time.Time, error) {
	var until sql.NullInt64
	err := t.q.QueryRowContext(ctx, `SELECT until FROM partner_mutes WHERE member_id = ?`, memberID).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, wrap("ping muted until", err)
	}
	return timeOf(until), nil
}

// AnswerPing records the first answer to a ping.
func (t *tx) AnswerPing(ctx context.Context, id int64, at time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE partner_pings SET answered_at = ? WHERE id = ? AND answered_at IS NULL`, at.Unix(), id)
	if err != nil {
		return false, wrap("answer ping", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrap("answer ping", err)
}

// SetPingsOff turns pings about a member off or on.
func (t *tx) SetPingsOff(ctx context.Context, memberID int64, off bool, at time.Time) error {
	return wrap("pings off", t.setMemberFlag(ctx, flagPingsOff, memberID, off, at))
}

// PingsOff reports whether pings about a member are off.
func (t *tx) PingsOff(ctx context.Context, memberID int64) (bool, error) {
	off, err := t.memberFlag(ctx, flagPingsOff, memberID)
	return off, wrap("pings off", err)
}

// partnerNudgesSQL and partnerContactsSQL count a house's partner nudges
// and contacts in a period, through their house's index by time.
const (
	partnerNudgesSQL   = `SELECT COUNT(*) FROM partner_nudges WHERE house_id = ? AND at >= ? AND at < ?`
	partnerContactsSQL = `SELECT COUNT(*) FROM partner_contacts WHERE house_id = ? AND at >= ? AND at < ?`
)

// PartnerStats counts a house's partner activity in [from, to).
func (t *tx) PartnerStats(ctx context.Context, houseID int64, from, to time.Time) (bot.PartnerStats, error) {
	var s bot.PartnerStats
	f, u := from.Unix(), to.Unix()
	queries := []struct {
		dst  *int
		sql  string
		args []any
	}{
		{&s.Pairs, `SELECT COUNT(*) FROM (` + pairsBetweenSQL + `)`, []any{houseID, u, f}},
		// By the house's rows of the period (0023), not every pair's.
		{&s.Nudges, partnerNudgesSQL, []any{houseID, f, u}},
		{&s.Contacts, partnerContactsSQL, []any{houseID, f, u}},
		// Pings that went out: not those waiting for the end of quiet
		// hours, nor those dropped.
		{&s.Pings, `SELECT COUNT(*) FROM partner_pings WHERE house_id = ? AND at >= ? AND at < ? AND sent_at IS NOT NULL`, []any{houseID, f, u}},
		{&s.PingsAnswered, `SELECT COUNT(*) FROM partner_pings WHERE house_id = ? AND at >= ? AND at < ? AND sent_at IS NOT NULL AND answered_at IS NOT NULL`, []any{houseID, f, u}},
		{&s.PingsOff, `SELECT COUNT(*) FROM partner_pings_off o JOIN members m ON m.id = o.member_id WHERE m.house_id = ? AND m.status = 'active'`, []any{houseID}},
	}
	for _, q := range queries {
		if err := t.q.QueryRowContext(ctx, q.sql, q.args...).Scan(q.dst); err != nil {
			return s, wrap("partner stats", err)
		}
	}
	return s, nil
}
