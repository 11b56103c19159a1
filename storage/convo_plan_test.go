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

// wantPlan checks that SQLite's plan for query uses index.
func wantPlan(t *testing.T, query, index string, args ...any) {
	t.Helper()
	if got := queryPlan(t, query, args...); !strings.Contains(got, index) {
		t.Errorf("plan = %q, want it to use %s", got, index)
	}
}
