package storage

import (
	"context"
	"time"
)

// A member flag is a table of member ids, (member_id PRIMARY KEY, at): a
// row means on. The tables are fixed here, never taken from input.
type memberFlag string

const (
	flagMilestoneShare memberFlag = "milestone_shares"
	flagPingsOff       memberFlag = "partner_pings_off"
)

// setMemberFlag turns a member's flag on (keeping the first time it was
// set) or off.
func (t *tx) setMemberFlag(ctx context.Context, table memberFlag, memberID int64, on bool, at time.Time) error {
	var err error
	if on {
		_, err = t.q.ExecContext(ctx, `INSERT INTO `+string(table)+` (member_id, at) VALUES (?, ?) ON CONFLICT DO NOTHING`, memberID, at.Unix())
	} else {
		_, err = t.q.ExecContext(ctx, `DELETE FROM `+string(table)+` WHERE member_id = ?`, memberID)
	}
	return err
}

// memberFlag reports whether a member's flag is on.
func (t *tx) memberFlag(ctx context.Context, table memberFlag, memberID int64) (bool, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+string(table)+` WHERE member_id = ?`, memberID).Scan(&n)
	return n > 0, err
}
