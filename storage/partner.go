package storage

import (
	"context"
	"database/sql"
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
func (t *tx) RecordNudge(ctx context.Context, pairID int64, day string, at time.Time) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO partner_nudges (pair_id, day, at) VALUES (?, ?, ?)`, pairID, day, at.Unix())
	return wrap("record nudge", err)
}

// RecordContact records a pair's first contact of a day.
func (t *tx) RecordContact(ctx context.Context, pairID int64, day string, memberID int64, at time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `INSERT INTO partner_contacts (pair_id, day, member_id, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
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

// RecordPing stores a ping.
func (t *tx) RecordPing(ctx context.Context, p *bot.PartnerPing) error {
	err := t.q.QueryRowContext(ctx, `INSERT INTO partner_pings (house_id, pair_id, about, kind, at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		p.HouseID, idOrNull(p.PairID), idOrNull(p.About), p.Kind, p.At.Unix()).Scan(&p.ID)
	return wrap("record ping", err)
}

// PingByID returns a ping, or bot.ErrNotFound.
func (t *tx) PingByID(ctx context.Context, id int64) (*bot.PartnerPing, error) {
	var p bot.PartnerPing
	var pair, about, at, answered sql.NullInt64
	err := t.q.QueryRowContext(ctx, `SELECT id, house_id, pair_id, about, kind, at, answered_at FROM partner_pings WHERE id = ?`, id).
		Scan(&p.ID, &p.HouseID, &pair, &about, &p.Kind, &at, &answered)
	if err != nil {
		return nil, wrap("ping", err)
	}
	p.PairID, p.About, p.At, p.AnsweredAt = pair.Int64, about.Int64, timeOf(at), timeOf(answered)
	return &p, nil
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

// PartnerStats counts a house's partner activity in [from, to).
func (t *tx) PartnerStats(ctx context.Context, houseID int64, from, to time.Time) (bot.PartnerStats, error) {
	var s bot.PartnerStats
	f, u := from.Unix(), to.Unix()
	queries := []struct {
		dst  *int
		sql  string
		args []any
	}{
		{&s.Pairs, `SELECT COUNT(*) FROM partner_pairs WHERE house_id = ? AND formed_at < ? AND (ended_at IS NULL OR ended_at >= ?)`, []any{houseID, u, f}},
		{&s.Nudges, `SELECT COUNT(*) FROM partner_nudges n JOIN partner_pairs p ON p.id = n.pair_id WHERE p.house_id = ? AND n.at >= ? AND n.at < ?`, []any{houseID, f, u}},
		{&s.Contacts, `SELECT COUNT(*) FROM partner_contacts c JOIN partner_pairs p ON p.id = c.pair_id WHERE p.house_id = ? AND c.at >= ? AND c.at < ?`, []any{houseID, f, u}},
		{&s.Pings, `SELECT COUNT(*) FROM partner_pings WHERE house_id = ? AND at >= ? AND at < ?`, []any{houseID, f, u}},
		{&s.PingsAnswered, `SELECT COUNT(*) FROM partner_pings WHERE house_id = ? AND at >= ? AND at < ? AND answered_at IS NOT NULL`, []any{houseID, f, u}},
		{&s.PingsOff, `SELECT COUNT(*) FROM partner_pings_off o JOIN members m ON m.id = o.member_id WHERE m.house_id = ? AND m.status = 'active'`, []any{houseID}},
	}
	for _, q := range queries {
		if err := t.q.QueryRowContext(ctx, q.sql, q.args...).Scan(q.dst); err != nil {
			return s, wrap("partner stats", err)
		}
	}
	return s, nil
}
