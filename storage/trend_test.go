package storage_test

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// trendOracleSQL is the trend's aggregate as it was before checkin_trend
// (migration 0027): the answers and misses found round by round. Whatever
// the triggers keep, AggregateAnswers must give what this gives.
const trendOracleSQL = `SELECT COUNT(*), COALESCE(SUM(a.mood), 0), COUNT(a.mood),
		COUNT(DISTINCT CASE WHEN a.mood IS NOT NULL THEN a.member_id END),
		COUNT(DISTINCT CASE WHEN a.mood IS NOT NULL AND NOT (` + oracleVisible + `) THEN a.member_id END),
		COUNT(DISTINCT CASE WHEN a.mood IS NOT NULL AND NOT (` + oracleVisible + `) THEN a.mood END),
		COUNT(CASE WHEN r.status <> 'skipped' THEN 1 END),
		(SELECT COUNT(*) FROM checkin_misses m JOIN checkin_rounds mr ON mr.id = m.round_id
			WHERE mr.house_id = :house AND mr.scheduled_for >= :from AND mr.scheduled_for < :to
				AND mr.status <> 'skipped' AND m.status = 'missed')
	FROM checkin_rounds r JOIN checkin_answers a ON a.round_id = r.id
	WHERE r.house_id = :house AND r.scheduled_for >= :from AND r.scheduled_for < :to`

const oracleVisible = `(:viewer_member <> 0 AND a.member_id = :viewer_member)
	OR (:viewer_staff AND a.visibility = 'mentors')
	OR (:viewer_in_house AND a.visibility = 'house' AND a.share_held = 0)`

// trendDriftSQL lists the rows checkin_trend and its sources disagree on,
// both ways: a copy missing, left behind or out of date.
const trendDriftSQL = `WITH want AS (
		SELECT r.house_id, r.scheduled_for, a.round_id, a.member_id, 'answer' AS kind, a.mood, a.visibility, a.share_held, NULL AS miss_status
		FROM checkin_answers a JOIN checkin_rounds r ON r.id = a.round_id
		UNION ALL
		SELECT r.house_id, r.scheduled_for, m.round_id, m.member_id, 'miss', NULL, NULL, NULL, m.status
		FROM checkin_misses m JOIN checkin_rounds r ON r.id = m.round_id),
	have AS (SELECT house_id, scheduled_for, round_id, member_id, kind, mood, visibility, share_held, miss_status FROM checkin_trend)
	SELECT COUNT(*) FROM (SELECT * FROM want EXCEPT SELECT * FROM have UNION ALL SELECT * FROM have EXCEPT SELECT * FROM want)`

// TestTrendCopyFollowsAnswersAndMisses writes answers and misses of every
// kind at random (new, edited, visibility and hold changed, erased with
// their member, deleted with their round) and checks after each step that
// checkin_trend holds exactly their copy, and that AggregateAnswers gives
// what the round-by-round query did, for every kind of reader and week.
func TestTrendCopyFollowsAnswersAndMisses(t *testing.T) {
	f := newFixture(t)
	raw := openRaw(t, f.db.Path())
	rng := rand.New(rand.NewPCG(1, 2))
	var members []*bot.Member
	for i := range 6 {
		members = append(members, f.member(t, fmt.Sprintf("U-%d", i), fmt.Sprintf("Resident %d", i)))
	}
	var rounds []*bot.Round
	for d := range 21 {
		r := f.round(t, t0.AddDate(0, 0, d))
		if d%5 == 3 {
			r.Status = bot.RoundSkipped
			update(t, f.db, func(tx bot.Tx) error { return tx.UpdateRound(f.ctx, r) })
		}
		rounds = append(rounds, r)
	}
	visibilities := []bot.Visibility{bot.VisPrivate, bot.VisMentors, bot.VisHouse}
	viewers := []bot.Viewer{{Role: bot.RoleOperator}, {Role: bot.RoleMentor}, {Role: bot.RoleResident}, {}}
	check := func(step string) {
		t.Helper()
		var drift int
		if err := raw.QueryRow(trendDriftSQL).Scan(&drift); err != nil {
			t.Fatal(err)
		}
		if drift != 0 {
			t.Fatalf("after %s: checkin_trend and the answers and misses differ by %d rows", step, drift)
		}
		for w := range 3 {
			from := t0.AddDate(0, 0, 7*w)
			to := from.AddDate(0, 0, 7)
			for _, v := range append(viewers, bot.Viewer{Role: bot.RoleResident, MemberID: members[rng.IntN(len(members))].ID}) {
				var want bot.AnswerAggregate
				var missed int
				err := raw.QueryRow(trendOracleSQL, sql.Named("house", f.house), sql.Named("from", from.Unix()), sql.Named("to", to.Unix()),
					sql.Named("viewer_member", v.MemberID), sql.Named("viewer_staff", v.Role.Has(bot.Staff)), sql.Named("viewer_in_house", v.Role.Has(bot.Members))).
					Scan(&want.Answers, &want.MoodSum, &want.MoodCount, &want.MoodResidents, &want.HiddenResidents, &want.HiddenMoodValues, &want.Answered, &missed)
				if err != nil {
					t.Fatal(err)
				}
				want.Expected = want.Answered + missed
				view(t, f.db, func(tx bot.Tx) error {
					got, err := tx.AggregateAnswers(f.ctx, f.house, from, to, v)
					if err != nil {
						return err
					}
					if got != want {
						t.Errorf("after %s, week %d, viewer %+v: aggregate = %+v, want %+v", step, w, v, got, want)
					}
					return nil
				})
			}
		}
	}
	check("the first rounds")
	for step := range 160 {
		r := rounds[rng.IntN(len(rounds))]
		m := members[rng.IntN(len(members))]
		var what string
		update(t, f.db, func(tx bot.Tx) error {
			switch rng.IntN(4) {
			case 0, 1: // an answer, new or edited
				mood := rng.IntN(6) // 0: none
				a := &bot.Answer{RoundID: r.ID, MemberID: m.ID, Mood: mood, Visibility: visibilities[rng.IntN(3)], ShareHeld: rng.IntN(4) == 0,
					Values: map[string]string{"win": "a walk"}, Source: "form", AnsweredAt: r.ScheduledFor.Add(time.Hour), UpdatedAt: r.ScheduledFor.Add(time.Hour)}
				what = "an answer"
				return tx.SaveAnswer(f.ctx, a)
			case 2: // a miss, new or with another status
				what = "a miss"
				return tx.RecordMiss(f.ctx, r.ID, m.ID, []bot.MissStatus{bot.MissMissed, bot.MissPaused}[rng.IntN(2)])
			default: // an edit of the words alone
				a, err := tx.AnswerOf(f.ctx, r.ID, m.ID)
				if err != nil {
					what = "no edit"
					return nil
				}
				a.Values = map[string]string{"win": "a longer walk"}
				what = "an edit of words"
				return tx.SaveAnswer(f.ctx, a)
			}
		})
		if step%20 == 0 {
			check(fmt.Sprintf("step %d (%s)", step, what))
		}
	}
	check("the random steps")
	// A member erased: their answers and misses go, and their copies.
	update(t, f.db, func(tx bot.Tx) error { return tx.EraseMember(f.ctx, members[0].ID) })
	check("an erasure")
	// A round deleted: its answers and misses go with it (cascade).
	if _, err := raw.Exec(`PRAGMA foreign_keys = ON; DELETE FROM checkin_rounds WHERE id = ?`, rounds[4].ID); err != nil {
		t.Fatal(err)
	}
	var rounds4 int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM checkin_rounds WHERE id = ?`, rounds[4].ID).Scan(&rounds4); err != nil || rounds4 != 0 {
		t.Fatalf("the round was not deleted (%d, %v)", rounds4, err)
	}
	check("a round deleted")
	// A round's house and time, by which its copies are found, never
	// change.
	if _, err := raw.Exec(`UPDATE checkin_rounds SET scheduled_for = scheduled_for + 60 WHERE id = ?`, rounds[5].ID); err == nil {
		t.Error("a round's time changed: its copies in checkin_trend would be lost")
	}
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM checkin_trend WHERE round_id = ? OR member_id = ?`, rounds[4].ID, members[0].ID).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d rows of the deleted round or the erased member left in checkin_trend (%v)", n, err)
	}
}
