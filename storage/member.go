package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// memberCols are the columns scanMember reads, in order.
const memberCols = `id, house_id, platform, user_id, name, status, joined_at, consent_at, left_at, paused_until, paused_by, pause_reason, locale`

func scanMember(s scanner) (*bot.Member, error) {
	var m bot.Member
	var status string
	var joined, consent, left, paused sql.NullInt64
	if err := s.Scan(&m.ID, &m.HouseID, &m.Platform, &m.UserID, &m.Name, &status, &joined, &consent, &left, &paused, &m.PausedBy, &m.PauseReason, &m.Locale); err != nil {
		return nil, err
	}
	m.Status = bot.MemberStatus(status)
	m.JoinedAt, m.ConsentAt, m.LeftAt, m.PausedUntil = timeOf(joined), timeOf(consent), timeOf(left), timeOf(paused)
	return &m, nil
}

// queryMembers runs a query selecting memberCols.
func (t *tx) queryMembers(ctx context.Context, what, query string, args ...any) ([]*bot.Member, error) {
	rows, err := t.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(what, err)
	}
	defer rows.Close()
	out := []*bot.Member{}
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, wrap(what, err)
		}
		out = append(out, m)
	}
	return out, wrap(what, rows.Err())
}

// MemberByUser returns a house's member by platform user id, whatever their
// status; ErrNotFound if they never joined.
func (t *tx) MemberByUser(ctx context.Context, houseID int64, userID string) (*bot.Member, error) {
	m, err := scanMember(t.q.QueryRowContext(ctx, `SELECT `+memberCols+` FROM members WHERE house_id = ? AND user_id = ?`, houseID, userID))
	if err != nil {
		return nil, wrap("member by user", err)
	}
	return m, nil
}

// MemberByID returns a member; ErrNotFound if there is none.
func (t *tx) MemberByID(ctx context.Context, id int64) (*bot.Member, error) {
	m, err := scanMember(t.q.QueryRowContext(ctx, `SELECT `+memberCols+` FROM members WHERE id = ?`, id))
	if err != nil {
		return nil, wrap("member by id", err)
	}
	return m, nil
}

// MembershipsOf lists the active memberships of a platform user, in the
// order they joined.
func (t *tx) MembershipsOf(ctx context.Context, platform, userID string) ([]*bot.Member, error) {
	return t.queryMembers(ctx, "memberships", `SELECT `+memberCols+` FROM members
		WHERE platform = ? AND user_id = ? AND status = ? ORDER BY joined_at, id`,
		platform, userID, string(bot.MemberActive))
}

// SaveMember inserts (ID 0) or updates a member and sets m.ID. Inserting a
// second membership of the same user in a house is ErrDuplicate; updating
// a member that does not exist is ErrNotFound.
func (t *tx) SaveMember(ctx context.Context, m *bot.Member) error {
	args := []any{m.HouseID, m.Platform, m.UserID, m.Name, string(m.Status),
		unixOrNull(m.JoinedAt), unixOrNull(m.ConsentAt), unixOrNull(m.LeftAt), unixOrNull(m.PausedUntil), m.PausedBy, m.PauseReason, m.Locale}
	if m.ID == 0 {
		var id int64
		err := t.q.QueryRowContext(ctx, `INSERT INTO members
			(house_id, platform, user_id, name, status, joined_at, consent_at, left_at, paused_until, paused_by, pause_reason, locale)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, args...).Scan(&id)
		if err != nil {
			return wrap("insert member", err)
		}
		m.ID = id
		return nil
	}
	res, err := t.q.ExecContext(ctx, `UPDATE members SET
		house_id = ?, platform = ?, user_id = ?, name = ?, status = ?,
		joined_at = ?, consent_at = ?, left_at = ?, paused_until = ?, paused_by = ?, pause_reason = ?, locale = ?
		WHERE id = ?`, append(args, m.ID)...)
	return wrap("update member", oneRow(res, err))
}

// Members lists a house's active members, ordered by join time.
func (t *tx) Members(ctx context.Context, houseID int64) ([]*bot.Member, error) {
	return t.queryMembers(ctx, "members", `SELECT `+memberCols+` FROM members
		WHERE house_id = ? AND status = ? ORDER BY joined_at, id`,
		houseID, string(bot.MemberActive))
}

// roleName is the stored name of a single role bit.
func roleName(r bot.Role) string {
	switch r {
	case bot.RoleGuest:
		return "guest"
	case bot.RoleResident:
		return "resident"
	case bot.RoleMentor:
		return "mentor"
	case bot.RoleOperator:
		return "operator"
	}
	return ""
}

// namesOf returns the stored names of every role in r.
func namesOf(r bot.Role) []string {
	var out []string
	for bit := bot.RoleGuest; bit != 0 && bit <= bot.RoleOperator; bit <<= 1 {
		if r.Has(bit) {
			out = append(out, roleName(bit))
		}
	}
	return out
}

// roleNamed returns the role stored as name.
func roleNamed(name string) (bot.Role, bool) {
	for bit := bot.RoleGuest; bit != 0 && bit <= bot.RoleOperator; bit <<= 1 {
		if roleName(bit) == name {
			return bit, true
		}
	}
	return 0, false
}

// GrantedHouses lists the houses where a user holds a role granted in
// chat, by id (roles_by_user).
func (t *tx) GrantedHouses(ctx context.Context, userID string) ([]int64, error) {
	return t.ids(ctx, "granted houses", grantedHousesSQL, userID)
}

const grantedHousesSQL = `SELECT DISTINCT house_id FROM roles WHERE user_id = ? ORDER BY house_id`

// GrantedRoles returns the roles granted in chat to a user in a house, 0 if
// none.
func (t *tx) GrantedRoles(ctx context.Context, houseID int64, userID string) (bot.Role, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT role FROM roles WHERE house_id = ? AND user_id = ?`, houseID, userID)
	if err != nil {
		return 0, wrap("granted roles", err)
	}
	defer rows.Close()
	var r bot.Role
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return 0, wrap("granted roles", err)
		}
		role, ok := roleNamed(name)
		if !ok {
			return 0, fmt.Errorf("granted roles: unknown role %q", name)
		}
		r |= role
	}
	return r, wrap("granted roles", rows.Err())
}

// RoleHolders lists, by user id, the users granted any of the roles in
// role in a house.
func (t *tx) RoleHolders(ctx context.Context, houseID int64, role bot.Role) ([]string, error) {
	names := namesOf(role)
	if len(names) == 0 {
		return nil, errors.New("role holders: no role given")
	}
	args := []any{houseID}
	for _, n := range names {
		args = append(args, n)
	}
	rows, err := t.q.QueryContext(ctx, `SELECT DISTINCT user_id FROM roles
		WHERE house_id = ? AND role IN (`+placeholders(len(names))+`) ORDER BY user_id`, args...)
	if err != nil {
		return nil, wrap("role holders", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, wrap("role holders", err)
		}
		out = append(out, u)
	}
	return out, wrap("role holders", rows.Err())
}

// SetGrantedRole grants (on) or revokes every role in role. Granting a role
// already held keeps the first grant's author and time; revoking one not
// held does nothing.
func (t *tx) SetGrantedRole(ctx context.Context, houseID int64, userID string, role bot.Role, on bool, by string, at time.Time) error {
	names := namesOf(role)
	if len(names) == 0 {
		return errors.New("set role: no role given")
	}
	for _, n := range names {
		var err error
		if on {
			_, err = t.q.ExecContext(ctx, `INSERT INTO roles (house_id, user_id, role, granted_by, granted_at)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, houseID, userID, n, by, unixOrNull(at))
		} else {
			_, err = t.q.ExecContext(ctx, `DELETE FROM roles WHERE house_id = ? AND user_id = ? AND role = ?`, houseID, userID, n)
		}
		if err != nil {
			return wrap("set role", err)
		}
	}
	return nil
}
