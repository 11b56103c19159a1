package storage

import (
	"context"
	"fmt"
)

// SetMaxPageCount sets PRAGMA max_page_count on db's write connection,
// which every write uses and which stays open, and returns the limit in
// force: SQLite raises a limit below the file's size to that size, so
// SetMaxPageCount(db, 1) makes the file as full as it is now.
func SetMaxPageCount(db *DB, n int64) (int64, error) {
	var got int64
	err := db.write.QueryRowContext(context.Background(), fmt.Sprintf(`PRAGMA max_page_count = %d`, n)).Scan(&got)
	return got, err
}
