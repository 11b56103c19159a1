package storage

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// queryPlan opens a fresh database and returns SQLite's plan for query,
// its steps joined by "; ".
func queryPlan(t *testing.T, query string, args ...any) string {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.read.QueryContext(ctx, `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "; ")
}

// TestDueOrderPerRecipientUsesIndex checks that Due's "is an earlier
// message in this recipient's lane pending?" walks the index of pending
// rows, by the whole lane, not the outbox's history.
func TestDueOrderPerRecipientUsesIndex(t *testing.T) {
	got := queryPlan(t, dueSQL, time.Now().Unix(), 50)
	if !strings.Contains(got, "outbox_pending_by_recipient (platform=? AND target_kind=? AND target_channel=? AND target_user=? AND id<?)") {
		t.Errorf("plan = %q, want the NOT EXISTS to use outbox_pending_by_recipient by the whole lane", got)
	}
	if strings.Contains(got, "SCAN p") || strings.Contains(got, "SCAN outbox") {
		t.Errorf("plan = %q, want no scan of the outbox", got)
	}
}

// TestFailOrphanedEditsLooksUpParentsByID checks that the Due pass's
// orphaned-edit check walks the pending rows and looks each parent up by
// id, instead of listing every sent message ever kept (the IN (subquery)
// it replaced did, on every pass).
func TestFailOrphanedEditsLooksUpParentsByID(t *testing.T) {
	got := queryPlan(t, orphanedEditsSQL, reasonEditParentFailed, reasonEditParentNoRef)
	if !strings.Contains(got, "SEARCH outbox USING INDEX outbox_due (status=?)") {
		t.Errorf("plan = %q, want the pending rows found through outbox_due", got)
	}
	if !strings.Contains(got, "SEARCH p USING INTEGER PRIMARY KEY") {
		t.Errorf("plan = %q, want each parent looked up by id", got)
	}
	if strings.Contains(got, "LIST SUBQUERY") || strings.Contains(got, "SCAN") {
		t.Errorf("plan = %q, want no list of parents and no scan", got)
	}
}

// TestRetentionQueriesUseIndexes checks that the nightly retention job's
// batches are found through the indexes made for them, so that a night's
// cost follows the rows due, not the history kept.
func TestRetentionQueriesUseIndexes(t *testing.T) {
	before := time.Now().Unix()
	for _, tc := range []struct {
		name, query string
		args        []any
		want        []string
	}{
		{"prune outbox", pruneOutboxSQL, []any{1, before, 500},
			[]string{"outbox_by_house_time (house_id=? AND created_at<?)"}},
		// From the house's redaction mark on, not from its first round.
		{"answers to redact", answersToRedactSQL(), []any{1, before, 500, before - 86400},
			[]string{"checkin_rounds_by_time (house_id=? AND scheduled_for>? AND scheduled_for<?)", "checkin_answers_unredacted (round_id=? AND answered_at<?)"}},
		// The features' own free text, through the indexes of the rows
		// not redacted yet.
		{"goals", redactGoalsSQL, []any{1, before, 500}, []string{"goals_to_redact (house_id=? AND done_at<?)"}},
		{"goal notes", redactGoalNotesSQL, []any{1, before, 500}, []string{"goal_checks_to_redact (house_id=? AND answered_at<?)"}},
		{"meeting notes", redactMeetingNotesSQL, []any{before, 1, before, 500}, []string{"meetings_to_redact (house_id=? AND logged_at<?)"}},
		{"agreements' boundaries", redactBoundariesSQL, []any{1, before, 500}, []string{"mentor_agreements_to_redact (house_id=? AND ended_at<?)"}},
		{"move the redaction mark", moveRedactionMarkSQL, []any{1, before - 86400, before},
			[]string{"checkin_rounds_by_time (house_id=? AND scheduled_for>? AND scheduled_for<?)", "checkin_answers_unredacted (round_id=?)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := queryPlan(t, tc.query, tc.args...)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("plan = %q, want %q", got, w)
				}
			}
			if strings.Contains(got, "SCAN") {
				t.Errorf("plan = %q, want no scan", got)
			}
		})
	}
}

// TestDigestTrendWeekUsesIndexes checks that a week of the digest's trend
// reads the house's week of checkin_trend, by its key (house and time, so
// neighbouring pages, not a page a round among every other house's), and
// the week's skipped rounds alone: a year of history costs what a week
// does.
func TestDigestTrendWeekUsesIndexes(t *testing.T) {
	from := time.Now()
	got := queryPlan(t, aggregateAnswersSQL, viewerArgs(bot.Viewer{Role: bot.RoleOperator},
		sql.Named("house", 1), sql.Named("from", from.Unix()), sql.Named("to", from.AddDate(0, 0, 7).Unix()))...)
	for _, w := range []string{
		"SEARCH a USING PRIMARY KEY (house_id=? AND scheduled_for>? AND scheduled_for<?)",
		"SEARCH checkin_rounds USING COVERING INDEX checkin_rounds_by_status (house_id=? AND status=? AND scheduled_for>? AND scheduled_for<?)",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("plan = %q, want %q", got, w)
		}
	}
	if strings.Contains(got, "SCAN") {
		t.Errorf("plan = %q, want no scan", got)
	}
}

// TestPendingAndFailedQueriesUseTheirPartialIndexes checks that the
// questions about pending or failed messages read those rows alone:
// outbox_due holds only the pending rows (0019), so none of these may
// fall back to a scan of the outbox, which holds every message kept.
func TestPendingAndFailedQueriesUseTheirPartialIndexes(t *testing.T) {
	for _, tc := range []struct {
		name, query string
		args        []any
		want        string
	}{
		{"due", dueSQL, []any{time.Now().Unix(), 50}, "SEARCH o USING INDEX outbox_due (status=?)"},
		{"orphaned edits", orphanedEditsSQL, []any{reasonEditParentFailed, reasonEditParentNoRef}, "SEARCH outbox USING INDEX outbox_due (status=?)"},
		{"pending count", `SELECT COUNT(*) FROM outbox WHERE status = 'pending'`, nil, "SEARCH outbox USING COVERING INDEX outbox_due (status=?)"},
		{"failed, not dropped", failedOutboxSQL, nil, "SCAN outbox USING INDEX outbox_failed"},
		{"failed count", `SELECT COUNT(*) FROM outbox WHERE ` + failedOpen, nil, "SCAN outbox USING INDEX outbox_failed"},
		{"failed, dropped too", allFailedOutboxSQL, nil, "SCAN outbox USING INDEX outbox_failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := queryPlan(t, tc.query, tc.args...)
			if !strings.Contains(got, tc.want) {
				t.Errorf("plan = %q, want %q", got, tc.want)
			}
			// A scan of a partial index reads only its rows; a scan of
			// the table reads every message kept.
			for _, step := range strings.Split(got, "; ") {
				if strings.HasPrefix(step, "SCAN ") && !strings.Contains(step, "USING INDEX outbox_") {
					t.Errorf("plan = %q, want no scan of the outbox", got)
				}
			}
		})
	}
}

// TestOutboxDueHoldsOnlyPendingRows checks the index itself: a sent
// message leaves outbox_due, so that it does not grow with the history.
func TestOutboxDueHoldsOnlyPendingRows(t *testing.T) {
	got := queryPlan(t, `SELECT COUNT(*) FROM outbox WHERE status = 'sent'`)
	if strings.Contains(got, "outbox_due") {
		t.Errorf("plan = %q: the sent rows are read through outbox_due, want it to hold only pending rows", got)
	}
}

// TestPairsBetweenReadsOnlyThePeriodsPairs checks that the digest's pairs
// of a week, and their count, are found through partner_pairs_by_end: the
// open pairs and those ended since the week began, not every pair the
// house ever had.
func TestPairsBetweenReadsOnlyThePeriodsPairs(t *testing.T) {
	now := time.Now().Unix()
	for _, q := range []string{pairsBetweenSQL + ` ORDER BY id`, `SELECT COUNT(*) FROM (` + pairsBetweenSQL + `)`} {
		got := queryPlan(t, q, 1, now, now-7*86400)
		for _, w := range []string{
			"SEARCH p USING INDEX partner_pairs_by_end (house_id=? AND ended_at=?)",
			"SEARCH p USING INDEX partner_pairs_by_end (house_id=? AND ended_at>?)",
		} {
			if !strings.Contains(got, w) {
				t.Errorf("plan = %q, want %q", got, w)
			}
		}
		if strings.Contains(got, "SCAN p") || strings.Contains(got, "partner_pairs_by_rotation") {
			t.Errorf("plan = %q, want no scan and no list of every pair", got)
		}
	}
}

// TestPartnerStatsCountsThePeriodsRows checks that the digest's counts of
// partner nudges and contacts read the house's rows of the week through
// their index by house and time (0023), not every pair the house ever had.
func TestPartnerStatsCountsThePeriodsRows(t *testing.T) {
	now := time.Now().Unix()
	for q, index := range map[string]string{
		partnerNudgesSQL:   "partner_nudges_by_house (house_id=? AND at>? AND at<?)",
		partnerContactsSQL: "partner_contacts_by_house (house_id=? AND at>? AND at<?)",
	} {
		got := queryPlan(t, q, 1, now-7*86400, now)
		if !strings.Contains(got, index) {
			t.Errorf("plan = %q, want %q", got, index)
		}
		if strings.Contains(got, "SCAN") || strings.Contains(got, "partner_pairs") {
			t.Errorf("plan = %q, want no scan and no pairs", got)
		}
	}
}

// TestGrantedHousesReadsTheUsersRoles checks that a home page's "where was
// this person granted a role?" reads their roles by user (0024), not the
// roles of every house.
func TestGrantedHousesReadsTheUsersRoles(t *testing.T) {
	got := queryPlan(t, grantedHousesSQL, "U1")
	if !strings.Contains(got, "roles_by_user (user_id=?)") || strings.Contains(got, "SCAN") {
		t.Errorf("plan = %q, want a search of roles_by_user", got)
	}
}

// TestPruneRunsReadsTheHousesOldRuns checks that the retention job's
// PruneRuns finds a house's old runs by house and time (0025), and each
// one's later run by the key, not every run of every house.
func TestPruneRunsReadsTheHousesOldRuns(t *testing.T) {
	got := queryPlan(t, pruneRunsSQL, 1, time.Now().Unix(), 500)
	if !strings.Contains(got, "scheduled_runs_by_house (house_id=? AND scheduled_for<?)") || !strings.Contains(got, "PRIMARY KEY (job=? AND house_id=? AND scheduled_for>?)") {
		t.Errorf("plan = %q, want the house's runs by time and each one's follower by key", got)
	}
	if strings.Contains(got, "SCAN") {
		t.Errorf("plan = %q, want no scan", got)
	}
}
