package storage

import (
	"strings"
	"testing"
)

// TestPruneConversationsUsesIndex checks that the tick's prunes walk the
// index on their time rather than the whole table.
func TestPruneConversationsUsesIndex(t *testing.T) {
	wantPlan(t, pruneConvosSQL, "conversations_by_start", 0, 10)
	wantPlan(t, pruneFormDraftsSQL, "form_drafts_by_created", 0, 10)
}

// TestDuePingsUseTheWaitingIndex checks that the tick's question about
// partner pings reads the partial index of waiting pings.
func TestDuePingsUseTheWaitingIndex(t *testing.T) {
	wantPlan(t, duePingsSQL, "partner_pings_waiting", 0)
}

// TestPendingHomeUsesTheUserIndex checks that queueing a refresh of a
// home reads the user's pending home rows, not the outbox, and that a
// home page's own queries read their person's or house's rows by index.
func TestPendingHomeUsesTheUserIndex(t *testing.T) {
	wantPlan(t, pendingHomeSQL, "outbox_pending_by_recipient (platform=? AND target_kind=? AND target_channel=? AND target_user=?)", "slack", "home", "", "U1")
	wantPlan(t, answerStreakSQL, "checkin_answers_by_member", 1, 1, "missed")
	wantPlan(t, answerStreakSQL, "checkin_misses_by_member", 1, 1, "missed")
	wantPlan(t, openAlertsSQL, "crisis_alerts_by_house", 1, 0, "erased", true, 11)
}

// wantPlan checks that SQLite's plan for query uses index.
func wantPlan(t *testing.T, query, index string, args ...any) {
	t.Helper()
	if got := queryPlan(t, query, args...); !strings.Contains(got, index) {
		t.Errorf("plan = %q, want it to use %s", got, index)
	}
}
