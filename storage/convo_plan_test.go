package storage

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestPruneConversationsUsesIndex checks that the tick's prune walks the
// index on started_at rather than the whole table.
func TestPruneConversationsUsesIndex(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.read.QueryContext(ctx, `EXPLAIN QUERY PLAN `+pruneConvosSQL, 0, 10)
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
	got := strings.Join(plan, "; ")
	if !strings.Contains(got, "conversations_by_start") {
		t.Errorf("plan = %q, want it to use conversations_by_start", got)
	}
}
