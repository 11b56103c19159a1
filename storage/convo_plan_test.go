package storage

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestPruneConversationsUsesIndex checks that the tick's prunes walk the
// index on their time rather than the whole table.
func TestPruneConversationsUsesIndex(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for query, index := range map[string]string{pruneConvosSQL: "conversations_by_start", pruneFormDraftsSQL: "form_drafts_by_created"} {
		if got := queryPlan(t, db, query, 0, 10); !strings.Contains(got, index) {
			t.Errorf("plan = %q, want it to use %s", got, index)
		}
	}
}

// queryPlan returns SQLite's plan for query, its steps joined by "; ".
func queryPlan(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.read.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+query, args...)
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
