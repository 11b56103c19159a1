package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// ResidentCheckins lists a member's rounds in [from, to) that they answered
// or missed, with the mood only where visibleSQL lets v read the answer.
func (t *tx) ResidentCheckins(ctx context.Context, memberID int64, from, to time.Time, v bot.Viewer) ([]bot.ResidentCheckin, error) {
	const what = "resident check-ins"
	rows, err := t.q.QueryContext(ctx, `SELECT r.id, r.scheduled_for, a.id IS NOT NULL, COALESCE(m.status, ''), COALESCE(a.reach_out, 0),
			COALESCE(a.id IS NOT NULL AND `+visibleSQL+`, 0) AS visible,
			CASE WHEN a.id IS NOT NULL AND `+visibleSQL+` THEN COALESCE(a.mood, 0) ELSE 0 END
		FROM checkin_rounds r
		LEFT JOIN checkin_answers a ON a.round_id = r.id AND a.member_id = :member
		LEFT JOIN checkin_misses m ON m.round_id = r.id AND m.member_id = :member
		WHERE r.house_id = (SELECT house_id FROM members WHERE id = :member)
			AND r.scheduled_for >= :from AND r.scheduled_for < :to
			AND (a.id IS NOT NULL OR m.member_id IS NOT NULL)
		ORDER BY r.scheduled_for, r.id`,
		viewerArgs(v, sql.Named("member", memberID), sql.Named("from", from.Unix()), sql.Named("to", to.Unix()))...)
	if err != nil {
		return nil, wrap(what, err)
	}
	defer rows.Close()
	var out []bot.ResidentCheckin
	for rows.Next() {
		var c bot.ResidentCheckin
		var at int64
		var miss string
		if err := rows.Scan(&c.RoundID, &at, &c.Answered, &miss, &c.ReachOut, &c.Visible, &c.Mood); err != nil {
			return nil, wrap(what, err)
		}
		c.ScheduledFor, c.Miss = time.Unix(at, 0).UTC(), bot.MissStatus(miss)
		out = append(out, c)
	}
	return out, wrap(what, rows.Err())
}
