package storage

import (
	"strings"
	"testing"
)

// TestPruneConversationsUsesIndex checks that the tick's prune walks the
// index on started_at rather than the whole table.
func TestPruneConversationsUsesIndex(t *testing.T) {
	if got := queryPlan(t, pruneConvosSQL, 0, 10); !strings.Contains(got, "conversations_by_start") {
		t.Errorf("plan = %q, want it to use conversations_by_start", got)
	}
}
