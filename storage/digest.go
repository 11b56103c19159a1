package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// MembersBetween lists a house's members whose membership overlaps
// [from, to).
func (t *tx) MembersBetween(ctx context.Context, houseID int64, from, to time.Time) ([]*bot.Member, error) {
	return t.queryMembers(ctx, "members between", `SELECT `+memberCols+` FROM members
		WHERE house_id = ? AND joined_at < ? AND (left_at IS NULL OR left_at >= ?) ORDER BY joined_at, id`,
		houseID, to.Unix(), from.Unix())
}

// RoundResponders lists the members who answered a round.
func (t *tx) RoundResponders(ctx context.Context, roundID int64) ([]int64, error) {
	return t.ids(ctx, "round responders", `SELECT member_id FROM checkin_answers WHERE round_id = ? ORDER BY member_id`, roundID)
}

// RoundMisses lists a round's misses.
func (t *tx) RoundMisses(ctx context.Context, roundID int64) ([]bot.Miss, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT member_id, status FROM checkin_misses WHERE round_id = ? ORDER BY member_id`, roundID)
	if err != nil {
		return nil, wrap("round misses", err)
	}
	defer rows.Close()
	var out []bot.Miss
	for rows.Next() {
		var m bot.Miss
		var status string
		if err := rows.Scan(&m.MemberID, &status); err != nil {
			return nil, wrap("round misses", err)
		}
		m.Status = bot.MissStatus(status)
		out = append(out, m)
	}
	return out, wrap("round misses", rows.Err())
}

// aggregateAnswersSQL is AggregateAnswers' one query: a trend week's
// answers and misses, read from checkin_trend (migration 0027), which
// holds every column of them the trend reads clustered by house and time,
// so that a week of a house is a few neighbouring pages whatever else the
// history holds. Aliased a, so that hiddenMoodSQL reads its columns; a miss
// has no mood. A skipped round's answers and misses count in neither the
// answered nor the expected check-ins: its id is looked up among the
// week's skipped rounds, through checkin_rounds_by_status.
var aggregateAnswersSQL = `WITH skipped AS (SELECT id FROM checkin_rounds
		WHERE house_id = :house AND scheduled_for >= :from AND scheduled_for < :to AND status = 'skipped')
	SELECT COUNT(CASE WHEN a.kind = 'answer' THEN 1 END), COALESCE(SUM(a.mood), 0), COUNT(a.mood),
		COUNT(DISTINCT CASE WHEN a.mood IS NOT NULL THEN a.member_id END),
		COUNT(DISTINCT CASE WHEN ` + hiddenMoodSQL + ` THEN a.member_id END),
		COUNT(DISTINCT CASE WHEN ` + hiddenMoodSQL + ` THEN a.mood END),
		COUNT(CASE WHEN a.kind = 'answer' AND a.round_id NOT IN skipped THEN 1 END),
		COUNT(CASE WHEN a.kind = 'miss' AND a.miss_status = 'missed' AND a.round_id NOT IN skipped THEN 1 END)
	FROM checkin_trend a
	WHERE a.house_id = :house AND a.scheduled_for >= :from AND a.scheduled_for < :to`

// hiddenMoodSQL is a mood the viewer may not read (visibleSQL decides).
const hiddenMoodSQL = `a.mood IS NOT NULL AND NOT ` + visibleSQL

// AggregateAnswers sums a house's answers to rounds scheduled in [from, to),
// says how many residents' moods, and how many different mood values, v may
// not read (visibleSQL decides), and counts the check-ins answered and
// expected, in one query.
//
// In a read transaction, the query runs once for each set of its
// parameters: the weekly digest asks for the same eight weeks for each of
// a house's readers, and readers whose visibility is the same (staff with
// no membership in the house, operators and mentors alike) bind the same
// values (viewerArgs), so the later ones take the first one's answer from
// the same snapshot.
func (t *tx) AggregateAnswers(ctx context.Context, houseID int64, from, to time.Time, v bot.Viewer) (bot.AnswerAggregate, error) {
	args := viewerArgs(v, sql.Named("house", houseID), sql.Named("from", from.Unix()), sql.Named("to", to.Unix()))
	key := aggregateKey{house: houseID, from: from.Unix(), to: to.Unix()}
	copy(key.viewer[:], args)
	if a, ok := t.snapshot.aggregate(key); ok {
		return a, nil
	}
	var a bot.AnswerAggregate
	var missed int
	err := t.q.QueryRowContext(ctx, aggregateAnswersSQL, args...).
		Scan(&a.Answers, &a.MoodSum, &a.MoodCount, &a.MoodResidents, &a.HiddenResidents, &a.HiddenMoodValues, &a.Answered, &missed)
	a.Expected = a.Answered + missed
	if err == nil {
		t.snapshot.keepAggregate(key, a)
	}
	return a, wrap("aggregate answers", err)
}

// aggregateKey is what AggregateAnswers binds: the house, the window, and
// visibleSQL's parameters as viewerArgs makes them (comparable values).
type aggregateKey struct {
	house, from, to int64
	viewer          [3]any
}

// aggregate is the result kept for key, if m is a read transaction's.
func (m *snapshotMemo) aggregate(key aggregateKey) (bot.AnswerAggregate, bool) {
	if m == nil {
		return bot.AnswerAggregate{}, false
	}
	a, ok := m.aggregates[key]
	return a, ok
}

// keepAggregate keeps a result for key, if m is a read transaction's.
func (m *snapshotMemo) keepAggregate(key aggregateKey, a bot.AnswerAggregate) {
	if m == nil {
		return
	}
	if m.aggregates == nil {
		m.aggregates = map[aggregateKey]bot.AnswerAggregate{}
	}
	m.aggregates[key] = a
}

// ReachOutRequests counts requests for someone to reach out, per member.
func (t *tx) ReachOutRequests(ctx context.Context, houseID int64, from, to time.Time) (map[int64]int, error) {
	return t.countsByMember(ctx, "reach-out requests", `SELECT a.member_id, COUNT(*) FROM checkin_answers a JOIN checkin_rounds r ON r.id = a.round_id
		WHERE r.house_id = ? AND r.scheduled_for >= ? AND r.scheduled_for < ? AND a.reach_out = 1 GROUP BY a.member_id`, houseID, from.Unix(), to.Unix())
}

// CrisisAlertsBetween lists a house's crisis alerts created in [from, to).
func (t *tx) CrisisAlertsBetween(ctx context.Context, houseID int64, from, to time.Time) ([]*bot.CrisisAlert, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT `+alertCols+` FROM crisis_alerts WHERE house_id = ? AND created_at >= ? AND created_at < ? ORDER BY id`,
		houseID, from.Unix(), to.Unix())
	if err != nil {
		return nil, wrap("crisis alerts", err)
	}
	defer rows.Close()
	var out []*bot.CrisisAlert
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, wrap("crisis alerts", err)
		}
		out = append(out, a)
	}
	return out, wrap("crisis alerts", rows.Err())
}

// PairsBetween lists a house's pairs that existed during [from, to).
func (t *tx) PairsBetween(ctx context.Context, houseID int64, from, to time.Time) ([]*bot.Pair, error) {
	return t.queryPairs(ctx, "pairs between", pairsBetweenSQL+` ORDER BY id`, houseID, to.Unix(), from.Unix())
}

// pairsBetweenSQL selects the pairs of house ?1 that existed during
// [?3, ?2): those formed before the end and still open, and those that
// ended since the start. Each half is a range of partner_pairs_by_end, so
// the digest reads the week's pairs, not every pair the house ever had (an
// OR of the two would read all of them).
const pairsBetweenSQL = `SELECT ` + pairCols + ` FROM partner_pairs p
		WHERE p.house_id = ?1 AND p.ended_at IS NULL AND p.formed_at < ?2
	UNION ALL SELECT ` + pairCols + ` FROM partner_pairs p
		WHERE p.house_id = ?1 AND p.ended_at >= ?3 AND p.formed_at < ?2`

// PairContactDays counts the days in [fromDay, toDay) a pair connected.
func (t *tx) PairContactDays(ctx context.Context, pairID int64, fromDay, toDay string) (int, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM partner_contacts WHERE pair_id = ? AND day >= ? AND day < ?`, pairID, fromDay, toDay).Scan(&n)
	return n, wrap("pair contacts", err)
}

// ids runs a query selecting one integer column.
func (t *tx) ids(ctx context.Context, what, query string, args ...any) ([]int64, error) {
	rows, err := t.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(what, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, wrap(what, err)
		}
		out = append(out, id)
	}
	return out, wrap(what, rows.Err())
}
