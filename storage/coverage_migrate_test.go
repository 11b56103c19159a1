package storage

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// legacyDB is a database file brought to an older schema version by hand,
// the way an older Porchlight left it.
type legacyDB struct {
	path string
	w    *sql.DB
}

// openAt creates a database file at path and applies the first upto
// migrations only, each through apply as Migrate would. The caller writes
// rows with exec and closes it before storage.Open upgrades it.
func openAt(t *testing.T, path string, upto int) *legacyDB {
	t.Helper()
	ctx := context.Background()
	w, err := sql.Open("sqlite", path+"?"+WriteParams)
	if err != nil {
		t.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	t.Cleanup(func() { w.Close() })
	// The table Migrate creates first; the same definition.
	if _, err := w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at INTEGER NOT NULL
	) STRICT`); err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	old := &DB{path: path, write: w, log: slog.New(slog.DiscardHandler)}
	for _, m := range ms[:upto] {
		if err := old.apply(ctx, m); err != nil {
			t.Fatalf("apply %s: %v", m.name, err)
		}
	}
	return &legacyDB{path: path, w: w}
}

func (l *legacyDB) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := l.w.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// upgraded closes the legacy database and opens it with Open, which
// applies the migrations after its version; the test closes it.
func (l *legacyDB) upgraded(t *testing.T) *DB {
	t.Helper()
	l.close(t)
	db, err := Open(context.Background(), l.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func (l *legacyDB) close(t *testing.T) {
	t.Helper()
	if err := l.w.Close(); err != nil {
		t.Fatal(err)
	}
}

// schema lists the database's tables and indexes with their SQL.
func schema(t *testing.T, q *sql.DB) []string {
	t.Helper()
	return column(t, q, `SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_schema ORDER BY type, name`)
}

// column returns the one text column of query's rows.
func column(t *testing.T, q *sql.DB, query string) []string {
	t.Helper()
	rows, err := q.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// recorded returns schema_migrations as version -> name and applied_at.
func recorded(t *testing.T, q *sql.DB) map[int]string {
	t.Helper()
	rows, err := q.Query(`SELECT version, name, applied_at FROM schema_migrations`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int]string{}
	for rows.Next() {
		var v int
		var name string
		var at int64
		if err := rows.Scan(&v, &name, &at); err != nil {
			t.Fatal(err)
		}
		out[v] = name + "@" + time.Unix(at, 0).UTC().Format(time.RFC3339)
	}
	return out
}

func TestFreshDatabaseRecordsEveryMigrationByName(t *testing.T) {
	db := freshDB(t)
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	got := recorded(t, db.read)
	if len(got) != len(ms) {
		t.Fatalf("recorded %d migrations, want %d", len(got), len(ms))
	}
	for _, m := range ms {
		name, _, _ := strings.Cut(got[m.version], "@")
		if name != m.name {
			t.Errorf("version %d recorded as %q, want %q", m.version, name, m.name)
		}
	}
	// The last migration's objects exist: the schema is complete.
	var n int
	if err := db.read.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('conversations', 'conversations_by_start')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if got, want := n, 2; got != want {
		t.Errorf("objects of the last migration = %d, want %d", got, want)
	}
}

// TestUpgradeFromEveryOlderVersion opens a database left at each older
// version: the missing migrations are applied once each, the ones already
// there are not run again, and the schema ends as a fresh database's.
func TestUpgradeFromEveryOlderVersion(t *testing.T) {
	ctx := context.Background()
	fresh, err := Open(ctx, filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	want := schema(t, fresh.read)
	fresh.Close()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for upto := 0; upto < len(ms); upto++ {
		t.Run("missing from "+ms[upto].name, func(t *testing.T) {
			l := openAt(t, filepath.Join(t.TempDir(), "old.db"), upto)
			// Mark the old rows so a second run of their migration would show.
			l.exec(t, `UPDATE schema_migrations SET applied_at = 1`)
			before := recorded(t, l.w)
			l.close(t)

			db, err := Open(ctx, l.path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if v, err := db.Version(ctx); err != nil || v != len(ms) {
				t.Errorf("Version = %d, %v; want %d", v, err, len(ms))
			}
			after := recorded(t, db.read)
			if len(after) != len(ms) {
				t.Errorf("recorded %d migrations, want %d", len(after), len(ms))
			}
			for v, was := range before {
				if after[v] != was {
					t.Errorf("migration %d recorded as %q after the upgrade, want it untouched: %q", v, after[v], was)
				}
			}
			if got := schema(t, db.read); !slices.Equal(got, want) {
				t.Errorf("upgraded schema differs from a fresh one:\n got %q\nwant %q", got, want)
			}
		})
	}
}

// TestUpgradeKeepsOlderRows writes rows as version 6 stored them (no alert
// kind, no held share, no conversations table) and checks they read back
// with the meaning the later migrations give them.
func TestUpgradeKeepsOlderRows(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 16, 15, 0, 0, 0, time.UTC)
	l := openAt(t, filepath.Join(t.TempDir(), "old.db"), 6)
	l.exec(t, `INSERT INTO houses (id, name, platform, created_at, updated_at) VALUES (1, 'Cedar House', 'test', 1, 1)`)
	l.exec(t, `INSERT INTO members (id, house_id, platform, user_id, name, status, joined_at) VALUES (1, 1, 'test', 'U-robin', 'Robin', 'active', 1)`)
	l.exec(t, `INSERT INTO checkin_rounds (id, house_id, schedule, scheduled_for, status) VALUES (1, 1, 0, ?, 'closed')`, t0.Unix())
	l.exec(t, `INSERT INTO checkin_answers (round_id, member_id, mood, visibility, values_json, answered_at, updated_at)
		VALUES (1, 1, 4, 'house', '{"win":"cooked dinner"}', ?, ?)`, t0.Unix(), t0.Unix())
	l.exec(t, `INSERT INTO crisis_alerts (id, house_id, user_id, name, created_at) VALUES (1, 1, 'U-robin', 'Robin', ?)`, t0.Unix())
	db := l.upgraded(t)
	err := db.Update(ctx, func(tx bot.Tx) error {
		a, err := tx.AnswerOf(ctx, 1, 1)
		if err != nil {
			return err
		}
		if a.Mood != 4 || a.Values["win"] != "cooked dinner" || a.ShareHeld {
			t.Errorf("old answer = %+v, want mood 4, its words, not held", a)
		}
		al, err := tx.CrisisAlertByID(ctx, 1)
		if err != nil {
			return err
		}
		// Alerts from before kinds existed were all asked-for danger alerts.
		if got, want := al.Kind, bot.AlertDanger; got != want {
			t.Errorf("old alert kind = %q, want %q", got, want)
		}
		// The new table works.
		return tx.SaveConversation(ctx, &bot.Conversation{Platform: "test", UserID: "U-robin", HouseID: 1, FormID: "checkin:1",
			Values: map[string]string{}, StartedAt: t0})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMigrationFailingHalfWayIsRolledBackWhole makes migration 0008 fail
// on its second statement, through Open: its first statement is undone,
// the migrations before it stay applied, and once the cause is gone the
// next Open applies it.
func TestMigrationFailingHalfWayIsRolledBackWhole(t *testing.T) {
	ctx := context.Background()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	// The blocker below is written for 0008; it is v8 in ms[7].
	const target = 8
	last := ms[target-1]
	if last.name != "0008_conversations.sql" {
		t.Fatalf("migration %d is %s, want 0008_conversations.sql", target, last.name)
	}
	l := openAt(t, filepath.Join(t.TempDir(), "old.db"), target-2)
	// 0008 creates the table conversations, then the index
	// conversations_by_start: an index of that name already there makes
	// its second statement fail.
	l.exec(t, `CREATE INDEX conversations_by_start ON houses (name)`)
	l.close(t)

	db, err := Open(ctx, l.path)
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded with a migration that cannot apply")
	}
	if !strings.Contains(err.Error(), last.name) {
		t.Errorf("error = %v, want it to name %s", err, last.name)
	}
	raw, err := sql.Open("sqlite", l.path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	v, err := version(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v, target-1; got != want {
		t.Errorf("version after the failure = %d, want %d (the migration before it kept, none after it run)", got, want)
	}
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE name = 'conversations'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Error("the failed migration's first statement (the conversations table) was kept")
	}

	if _, err := raw.Exec(`DROP INDEX conversations_by_start`); err != nil {
		t.Fatal(err)
	}
	db, err = Open(ctx, l.path)
	if err != nil {
		t.Fatalf("Open once the blocker is gone: %v", err)
	}
	defer db.Close()
	if v, err := db.Version(ctx); err != nil || v != len(ms) {
		t.Errorf("Version = %d, %v; want %d", v, err, len(ms))
	}
}

// TestMigrationLeavingDanglingReferencesIsRefused checks the foreign key
// check apply runs before committing: a migration whose rows point at
// nothing (possible when checks are deferred, as a table copy may do) is
// rolled back.
func TestMigrationLeavingDanglingReferencesIsRefused(t *testing.T) {
	ctx := context.Background()
	db := freshDB(t)
	before, err := db.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bad := migration{version: before + 1, name: "0999_dangling.sql", sql: `PRAGMA defer_foreign_keys = ON;
		INSERT INTO members (house_id, platform, user_id, status) VALUES (4242, 'test', 'U-nobody', 'active');`}
	err = db.apply(ctx, bad)
	if err == nil || !strings.Contains(err.Error(), "foreign key") {
		t.Fatalf("apply = %v, want a foreign key check failure", err)
	}
	var n int
	if err := db.read.QueryRow(`SELECT COUNT(*) FROM members`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("members after the refused migration = %d, want 0", n)
	}
	if v, _ := db.Version(ctx); v != before {
		t.Errorf("version = %d, want %d", v, before)
	}
}

// TestApplyIsANoOpWhenAnotherProcessGotThereFirst runs a migration that is
// already recorded, as a second process racing the first would: nothing
// runs (its SQL would fail if it did) and nothing is recorded twice.
func TestApplyIsANoOpWhenAnotherProcessGotThereFirst(t *testing.T) {
	ctx := context.Background()
	db := freshDB(t)
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	before := recorded(t, db.read)
	if err := db.apply(ctx, ms[0]); err != nil {
		t.Errorf("applying 0001 again = %v, want a no-op", err)
	}
	if after := recorded(t, db.read); len(after) != len(before) || after[1] != before[1] {
		t.Errorf("recorded after = %v, want %v", after, before)
	}
}

func TestOpenLogsEachMigrationOnceWithIDsOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	db, err := Open(ctx, path, WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for line := range strings.Lines(buf.String()) {
		var rec struct {
			Msg       string `json:"msg"`
			Component string `json:"component"`
			Name      string `json:"name"`
			Version   int    `json:"version"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec.Msg != "migration applied" || rec.Component != "storage" {
			t.Errorf("log line = %+v, want a storage \"migration applied\"", rec)
		}
		got = append(got, rec.Name)
	}
	var want []string
	for _, m := range ms {
		want = append(want, m.name)
	}
	if !slices.Equal(got, want) {
		t.Errorf("logged migrations = %v, want %v", got, want)
	}

	// Reopening applies, and so logs, nothing.
	buf.Reset()
	db, err = Open(ctx, path, WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if buf.Len() != 0 {
		t.Errorf("reopen logged %q, want nothing", buf.String())
	}
}

func TestWithReadConnsBoundsTheReadPool(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		n, want int
	}{{0, 4}, {-1, 4}, {1, 1}, {8, 8}} {
		db, err := Open(ctx, filepath.Join(t.TempDir(), "p.db"), WithReadConns(c.n))
		if err != nil {
			t.Fatal(err)
		}
		if got := db.read.Stats().MaxOpenConnections; got != c.want {
			t.Errorf("WithReadConns(%d): read pool = %d, want %d", c.n, got, c.want)
		}
		db.Close()
	}
}

func TestOpenRefusesWhatItCannotOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Run("missing directory", func(t *testing.T) {
		db, err := Open(ctx, filepath.Join(dir, "no", "such", "dir", "p.db"))
		if err == nil {
			db.Close()
			t.Fatal("Open succeeded")
		}
		if !strings.HasPrefix(err.Error(), "open db: ") {
			t.Errorf("error = %v, want it prefixed \"open db: \"", err)
		}
	})
	t.Run("not a database", func(t *testing.T) {
		path := filepath.Join(dir, "notes.txt")
		text := bytes.Repeat([]byte("these are not SQLite pages. "), 200)
		if err := os.WriteFile(path, text, 0o600); err != nil {
			t.Fatal(err)
		}
		db, err := Open(ctx, path)
		if err == nil {
			db.Close()
			t.Fatal("Open succeeded on a text file")
		}
		got, rerr := os.ReadFile(path)
		if rerr != nil {
			t.Fatal(rerr)
		}
		if !bytes.Equal(got, text) {
			t.Error("Open changed a file that is not a database")
		}
	})
	t.Run("closed", func(t *testing.T) {
		db, err := Open(ctx, filepath.Join(dir, "closed.db"))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := db.Path(), filepath.Join(dir, "closed.db"); got != want {
			t.Errorf("Path = %q, want %q", got, want)
		}
		db.Close()
		if _, err := db.Version(ctx); err == nil || !strings.HasPrefix(err.Error(), "schema version: ") {
			t.Errorf("Version on a closed database = %v, want a \"schema version: \" error", err)
		}
		if err := db.Update(ctx, func(bot.Tx) error { return nil }); err == nil || errors.Is(err, bot.ErrNotFound) {
			t.Errorf("Update on a closed database = %v, want an error", err)
		}
		if err := db.View(ctx, func(bot.Tx) error { return nil }); err == nil {
			t.Error("View on a closed database succeeded")
		}
	})
}

// TestUpgradeCountsOlderPartnerActivity: nudges and contacts recorded
// before 0023 gave each row its pair's house are counted by PartnerStats
// after it, in their own house only, like those recorded since.
func TestUpgradeCountsOlderPartnerActivity(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 16, 15, 0, 0, 0, time.UTC)
	l := openAt(t, filepath.Join(t.TempDir(), "old.db"), 22)
	for h := 1; h <= 2; h++ {
		l.exec(t, `INSERT INTO houses (id, name, platform, created_at, updated_at) VALUES (?, ?, 'test', 1, 1)`, h, fmt.Sprintf("House %d", h))
		l.exec(t, `INSERT INTO members (id, house_id, platform, user_id, name, status, joined_at) VALUES (?, ?, 'test', ?, 'Robin', 'active', 1)`, h, h, fmt.Sprintf("U-robin-%d", h))
		l.exec(t, `INSERT INTO partner_pairs (id, house_id, how, rotation, formed_at) VALUES (?, ?, 'rotation', 1, ?)`, h, h, t0.Unix())
		l.exec(t, `INSERT INTO partner_nudges (pair_id, day, at) VALUES (?, '2026-11-16', ?)`, h, t0.Unix())
		l.exec(t, `INSERT INTO partner_contacts (pair_id, day, at) VALUES (?, '2026-11-16', ?)`, h, t0.Unix())
	}
	db := l.upgraded(t)
	err := db.Update(ctx, func(tx bot.Tx) error {
		if err := tx.RecordNudge(ctx, 1, "2026-11-17", t0.AddDate(0, 0, 1)); err != nil {
			return err
		}
		if _, err := tx.RecordContact(ctx, 1, "2026-11-17", 1, t0.AddDate(0, 0, 1)); err != nil {
			return err
		}
		s, err := tx.PartnerStats(ctx, 1, t0.Add(-time.Hour), t0.AddDate(0, 0, 7))
		if err != nil {
			return err
		}
		if s.Nudges != 2 || s.Contacts != 2 {
			t.Errorf("house 1: %d nudges and %d contacts, want 2 and 2 (one from before the upgrade, one since)", s.Nudges, s.Contacts)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestUpgradeSetsRedactionMarks: 0022 starts each house's redaction mark
// at its first round still open or holding an unredacted answer, or past
// its last round, and the night after the upgrade still finds the answers
// left to redact.
func TestUpgradeSetsRedactionMarks(t *testing.T) {
	ctx := context.Background()
	day := func(n int) int64 { return time.Date(2026, 11, 16+n, 15, 0, 0, 0, time.UTC).Unix() }
	l := openAt(t, filepath.Join(t.TempDir(), "old.db"), 21)
	for h := 1; h <= 3; h++ {
		l.exec(t, `INSERT INTO houses (id, name, platform, created_at, updated_at) VALUES (?, ?, 'test', 1, 1)`, h, fmt.Sprintf("House %d", h))
		l.exec(t, `INSERT INTO members (id, house_id, platform, user_id, name, status, joined_at) VALUES (?, ?, 'test', ?, 'Robin', 'active', 1)`, h, h, fmt.Sprintf("U-robin-%d", h))
	}
	round := func(id, house int, at int64, status string) {
		l.exec(t, `INSERT INTO checkin_rounds (id, house_id, schedule, scheduled_for, status) VALUES (?, ?, 0, ?, ?)`, id, house, at, status)
	}
	answer := func(round, member int, at int64, redacted bool) {
		var red any
		if redacted {
			red = at
		}
		l.exec(t, `INSERT INTO checkin_answers (round_id, member_id, mood, visibility, values_json, answered_at, updated_at, redacted_at)
			VALUES (?, ?, 3, 'mentors', '{}', ?, ?, ?)`, round, member, at, at, red)
	}
	// House 1: a redacted day, then one left to redact, then an open round.
	round(1, 1, day(0), "closed")
	answer(1, 1, day(0), true)
	round(2, 1, day(1), "closed")
	answer(2, 1, day(1), false)
	round(3, 1, day(2), "open")
	// House 2: everything redacted. House 3: an open round only.
	round(4, 2, day(0), "closed")
	answer(4, 2, day(0), true)
	round(5, 3, day(3), "open")
	db := l.upgraded(t)
	for house, want := range map[int64]int64{1: day(1), 2: day(0) + 1, 3: day(3)} {
		var got int64
		if err := db.read.QueryRowContext(ctx, redactionMarkSQL, house).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("house %d: mark %d, want %d", house, got, want)
		}
	}
	err := db.Update(ctx, func(tx bot.Tx) error {
		as, err := tx.AnswersToRedact(ctx, 1, time.Unix(day(5), 0), 10)
		if err == nil && (len(as) != 1 || as[0].RoundID != 2) {
			t.Errorf("house 1 to redact = %+v, want the answer of round 2", as)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTrendBackfill upgrades a database of schema 26 whose rounds hold
// answers and misses of every kind: migration 0027 copies each into
// checkin_trend, and the aggregate reads the same as before it.
func TestTrendBackfill(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 16, 15, 0, 0, 0, time.UTC)
	l := openAt(t, filepath.Join(t.TempDir(), "old.db"), 26)
	l.exec(t, `INSERT INTO houses (id, name, platform, created_at, updated_at) VALUES (1, 'Cedar House', 'test', 1, 1), (2, 'Oak House', 'test', 1, 1)`)
	for id := 1; id <= 4; id++ {
		l.exec(t, `INSERT INTO members (id, house_id, platform, user_id, name, status, joined_at) VALUES (?, ?, 'test', ?, 'Resident', 'active', 1)`,
			id, 1+id/4, fmt.Sprintf("U-%d", id))
	}
	l.exec(t, `INSERT INTO checkin_rounds (id, house_id, schedule, scheduled_for, status) VALUES
		(1, 1, 0, ?, 'closed'), (2, 1, 0, ?, 'skipped'), (3, 2, 0, ?, 'closed')`, t0.Unix(), t0.Add(24*time.Hour).Unix(), t0.Unix())
	l.exec(t, `INSERT INTO checkin_answers (round_id, member_id, mood, visibility, share_held, answered_at, updated_at) VALUES
		(1, 1, 4, 'house', 1, 1, 1), (1, 2, NULL, 'private', 0, 1, 1), (2, 1, 2, 'mentors', 0, 1, 1), (3, 4, 5, 'mentors', 0, 1, 1)`)
	l.exec(t, `INSERT INTO checkin_misses (round_id, member_id, status) VALUES (1, 3, 'missed'), (2, 2, 'paused')`)
	db := l.upgraded(t)
	rows, err := db.read.QueryContext(ctx, `SELECT house_id, scheduled_for - ?, round_id, member_id, kind,
		COALESCE(mood, -1), COALESCE(visibility, '-'), COALESCE(share_held, -1), COALESCE(miss_status, '-') FROM checkin_trend ORDER BY house_id, scheduled_for, round_id, member_id, kind`, t0.Unix())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var house, at, round, member, mood, held int64
		var kind, vis, status string
		if err := rows.Scan(&house, &at, &round, &member, &kind, &mood, &vis, &held, &status); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %d %d %d %s %d %s %d %s", house, at, round, member, kind, mood, vis, held, status))
	}
	want := []string{
		"1 0 1 1 answer 4 house 1 -",
		"1 0 1 2 answer -1 private 0 -",
		"1 0 1 3 miss -1 - -1 missed",
		"1 86400 2 1 answer 2 mentors 0 -",
		"1 86400 2 2 miss -1 - -1 paused",
		"2 0 3 4 answer 5 mentors 0 -",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("checkin_trend after the upgrade:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// House 1's week, as an operator reads it: the skipped round's answer
	// counts in the moods, not in the check-ins answered; the private and
	// the held moods are hidden.
	err = db.View(ctx, func(tx bot.Tx) error {
		a, err := tx.AggregateAnswers(ctx, 1, t0, t0.AddDate(0, 0, 7), bot.Viewer{Role: bot.RoleOperator})
		if err != nil {
			return err
		}
		if want := (bot.AnswerAggregate{Answers: 3, MoodSum: 6, MoodCount: 2, MoodResidents: 1, HiddenResidents: 1, HiddenMoodValues: 1, Answered: 2, Expected: 3}); a != want {
			t.Errorf("aggregate after the upgrade = %+v, want %+v", a, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
