package storage

import (
	"context"
	"database/sql/driver"
	"path/filepath"
	"testing"

	"modernc.org/sqlite"
)

// TestConnKeepsPreparedStatements checks that a connection hands out the
// same prepared statement for the same SQL once it is closed (returned),
// and a statement of its own while it is in use.
func TestConnKeepsPreparedStatements(t *testing.T) {
	ctx := context.Background()
	c, err := cachingConnector{dsn: filepath.Join(t.TempDir(), "cache.db"), drv: &sqlite.Driver{}}.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	conn := c.(*cachingConn)
	const q = `SELECT 1`
	first, err := conn.PrepareContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	// In use: the same SQL gets a statement of its own, not cached.
	second, err := conn.PrepareContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if second == first {
		t.Fatal("a statement in use was handed out again")
	}
	if _, ok := second.(*cachedStmt); ok {
		t.Error("the second, concurrent statement was cached too")
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := conn.PrepareContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Error("a returned statement was prepared again, not reused")
	}
	rows, err := again.(driver.StmtQueryContext).QueryContext(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	dest := make([]driver.Value, 1)
	if err := rows.Next(dest); err != nil || dest[0] != int64(1) {
		t.Errorf("row = %v, %v; want 1", dest[0], err)
	}
	rows.Close()
	again.Close()
}

// TestSameQueryInsideItsOwnRows runs a query again, through database/sql
// and on the same connection (one transaction), while its own rows are
// open: the inner run must not disturb the outer.
func TestSameQueryInsideItsOwnRows(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "nested.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const q = `SELECT value FROM json_each('[1, 2, 3]') WHERE value >= ? ORDER BY value`
	for range 2 { // the second time from the cache
		tx, err := db.read.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := tx.QueryContext(ctx, q, 1)
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for rows.Next() {
			var v, inner int
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			if err := tx.QueryRowContext(ctx, q, 3).Scan(&inner); err != nil || inner != 3 {
				t.Fatalf("inner = %d, %v; want 3", inner, err)
			}
			got = append(got, v)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		tx.Rollback()
		if len(got) != 3 || got[0] != 1 || got[2] != 3 {
			t.Errorf("outer rows = %v, want [1 2 3]", got)
		}
	}
}
