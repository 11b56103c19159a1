package storage

import (
	"context"
	"fmt"

	"github.com/porchlight/porchlight/bot"
)

// Audit writes an audit row. A HouseID of 0 is stored as no house.
func (t *tx) Audit(ctx context.Context, e bot.AuditEntry) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO audit (at, house_id, actor, action, subject) VALUES (?, ?, ?, ?, ?)`,
		unixOrNull(e.At), idOrNull(e.HouseID), e.Actor, e.Action, e.Subject)
	return wrap("audit", err)
}

// CountAudit counts the audit rows with the given action, for tests and
// operator checks.
func (db *DB) CountAudit(ctx context.Context, action string) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit WHERE action = ?`, action).Scan(&n); err != nil {
		return 0, fmt.Errorf("count audit: %w", err)
	}
	return n, nil
}
