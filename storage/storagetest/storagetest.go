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
// opened. Its commits are not flushed to disk (storage.RelaxedSync): a
// test's database need not survive a power cut, and the flushes were much
// of the tests' time (the bot package's took 17 s without them, about 30
// with); storage's own tests of flushing open their databases themselves.
func Open(tb testing.TB, opts ...storage.Option) *storage.DB {
	tb.Helper()
	opts = append([]storage.Option{storage.RelaxedSync()}, opts...)
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
