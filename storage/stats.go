package storage

import (
	"context"
	"database/sql"
	"time"
)

// Stats is what monitoring reads from the database at each scrape.
type Stats struct {
	OutboxPending int
	// OutboxOldestPending is when the oldest pending message was
	// written; zero when none is pending.
	OutboxOldestPending time.Time
	OutboxFailed        int
	// CrisisUnacked counts danger alerts (a resident's own and the
	// screener's) that no mentor or operator has acknowledged, escalated
	// or not; CrisisOldestUnacked is when the oldest was raised.
	CrisisUnacked       int
	CrisisOldestUnacked time.Time
}

// Stats reads the outbox backlog and the unacknowledged crisis alerts.
// Each count walks only the rows it counts (the outbox's status index),
// so its cost follows the backlog, not the history kept.
func (db *DB) Stats(ctx context.Context) (Stats, error) {
	var s Stats
	var oldest, oldestAlert sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM outbox WHERE status = 'pending'),
		(SELECT MIN(created_at) FROM outbox WHERE status = 'pending'),
		(SELECT COUNT(*) FROM outbox WHERE `+failedOpen+`),
		(SELECT COUNT(*) FROM crisis_alerts WHERE acked_at IS NULL AND kind IN ('danger', 'auto')),
		(SELECT MIN(created_at) FROM crisis_alerts WHERE acked_at IS NULL AND kind IN ('danger', 'auto'))`).
		Scan(&s.OutboxPending, &oldest, &s.OutboxFailed, &s.CrisisUnacked, &oldestAlert)
	if err != nil {
		return Stats{}, wrap("stats", err)
	}
	s.OutboxOldestPending, s.CrisisOldestUnacked = timeOf(oldest), timeOf(oldestAlert)
	return s, nil
}

// Ping checks that the database answers a read.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return wrap("ping", db.read.QueryRowContext(ctx, `SELECT 1`).Scan(&one))
}

// History counts the rows that grow with the history kept.
type History struct {
	Outbox, Answers, Rounds int
}

// History counts the outbox's messages, the check-in answers and the
// rounds, for the benchmarks' account of the database they ran on. It
// counts whole tables: it is not for a running bot.
func (db *DB) History(ctx context.Context) (History, error) {
	var h History
	err := db.read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM outbox), (SELECT COUNT(*) FROM checkin_answers), (SELECT COUNT(*) FROM checkin_rounds)`).
		Scan(&h.Outbox, &h.Answers, &h.Rounds)
	return h, wrap("history", err)
}
