package storage

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
// message to this recipient pending?" walks the index of pending rows, not
// the outbox's history.
func TestDueOrderPerRecipientUsesIndex(t *testing.T) {
	got := queryPlan(t, dueSQL, time.Now().Unix(), 50)
	if !strings.Contains(got, "outbox_pending_by_recipient") {
		t.Errorf("plan = %q, want the NOT EXISTS to use outbox_pending_by_recipient", got)
	}
	if strings.Contains(got, "SCAN p") || strings.Contains(got, "SCAN outbox") {
		t.Errorf("plan = %q, want no scan of the outbox", got)
	}
}
