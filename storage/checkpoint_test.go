package storage

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCheckpointsRunBesideTheWriter checks that the writer's commits never
// copy the WAL into the database file themselves (without the
// checkpointer, the file does not grow however much is written), and that
// the checkpointer, woken by commits, does.
func TestCheckpointsRunBesideTheWriter(t *testing.T) {
	ctx := context.Background()
	fill := func(db *DB, from int) {
		t.Helper()
		for i := range 200 {
			err := db.inWrite(ctx, func(q querier) error {
				_, err := q.ExecContext(ctx, `INSERT INTO kids (name) VALUES (?)`, strings.Repeat("x", 4000)+string(rune('a'+(from+i)%26))+strings.Repeat("y", from+i))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	size := func(db *DB) int64 {
		t.Helper()
		st, err := os.Stat(db.path)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}

	db := openWriterDB(t)
	var auto int
	if err := db.write.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("write connection's wal_autocheckpoint = %d, %v; want 0", auto, err)
	}
	// Without the checkpointer, 800 KB of rows stay in the WAL.
	if err := db.ckpt.close(); err != nil {
		t.Fatal(err)
	}
	db.ckpt, db.writer.committed = nil, nil
	before := size(db)
	fill(db, 0)
	if grown := size(db) - before; grown > 100<<10 {
		t.Errorf("the database file grew by %d bytes with no checkpointer: a commit checkpointed", grown)
	}

	// With it, a commit wakes it and the file takes the rows.
	c, err := startCheckpointer(ctx, db.path, db.log)
	if err != nil {
		t.Fatal(err)
	}
	c.every = 0
	db.ckpt, db.writer.committed = c, c.poke
	fill(db, 200)
	deadline := time.Now().Add(10 * time.Second)
	for size(db)-before < 1500<<10 {
		if time.Now().After(deadline) {
			t.Fatalf("the checkpointer ran %d times and the file grew by %d bytes, want the 1.6 MB written", c.runs.Load(), size(db)-before)
		}
		runtime.Gosched()
	}
	if f := c.failures.Load(); f != 0 {
		t.Errorf("%d checkpoints failed", f)
	}
}

// TestWALStaysBoundedUnderSustainedWrites checks that writes that never
// pause, with readers beside them, keep the WAL file small: PASSIVE
// checkpoints alone never let the writer start the WAL again, so it grew
// by every page written (18 GB while generating 100 house-years).
func TestWALStaysBoundedUnderSustainedWrites(t *testing.T) {
	ctx := context.Background()
	db := openWriterDB(t)
	if err := db.ckpt.close(); err != nil {
		t.Fatal(err)
	}
	c, err := startCheckpointer(ctx, db.path, db.log)
	if err != nil {
		t.Fatal(err)
	}
	c.every, c.truncateAt, c.pause = 0, 256, db.writer.pause // 1 MiB
	db.ckpt, db.writer.committed = c, c.poke

	// Readers come and go beside the writer, as the bot's do.
	stop := make(chan struct{})
	readers := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				readers <- nil
				return
			default:
			}
			var n int
			if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM kids`).Scan(&n); err != nil {
				readers <- err
				return
			}
		}
	}()
	const rows = 800 // about 3 MB of rows, twice that of pages
	var largest int64
	for i := range rows {
		err := db.inWrite(ctx, func(q querier) error {
			_, err := q.ExecContext(ctx, `INSERT INTO kids (name) VALUES (?)`, strings.Repeat("x", 4000)+strconv.Itoa(i))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(db.path + "-wal"); err == nil {
			largest = max(largest, st.Size())
		}
	}
	close(stop)
	if err := <-readers; err != nil {
		t.Fatal(err)
	}
	if largest > 3<<20 {
		t.Errorf("the WAL reached %d bytes while %d rows of 4 KB were written (%d checkpoints, %d truncations): want it kept near 1 MiB", largest, rows, c.runs.Load(), c.truncations.Load())
	}
	if c.truncations.Load() == 0 {
		t.Error("the checkpointer never truncated the WAL")
	}
	st := db.WriteStats()
	if st.Pauses == 0 {
		t.Error("the truncations did not take the writer's turn")
	}
	t.Logf("WAL at most %d bytes; %d checkpoints, %d truncations, the longest pause of the writer %v", largest, c.runs.Load(), c.truncations.Load(), st.LongestPause)
	if f := c.failures.Load(); f != 0 {
		t.Errorf("%d checkpoints failed", f)
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM kids`).Scan(&n); err != nil || n != rows {
		t.Errorf("%d rows stored (%v), want %d", n, err, rows)
	}
}
