// Package storagetest opens real, throwaway Porchlight databases for tests
// of other packages.
package storagetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/porchlight/porchlight/storage"
)

// Open returns a migrated database in a fresh file under tb.TempDir(),
// closed when the test ends. It fails the test if the database cannot be
// opened.
func Open(tb testing.TB, opts ...storage.Option) *storage.DB {
	tb.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(tb.TempDir(), "porchlight.db"), opts...)
	if err != nil {
		tb.Fatalf("storagetest: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("storagetest: %v", err)
		}
	})
	return db
}
