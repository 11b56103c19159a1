package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage"
	"github.com/porchlight/porchlight/storage/storagetest"
)

// t0 is the tests' reference time, on a whole second.
var t0 = time.Date(2026, 11, 16, 15, 0, 0, 0, time.UTC)

// update runs fn in a write transaction and fails the test on error.
func update(t testing.TB, db *storage.DB, fn func(tx bot.Tx) error) {
	t.Helper()
	if err := db.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// view runs fn in a read transaction and fails the test on error.
func view(t testing.TB, db *storage.DB, fn func(tx bot.Tx) error) {
	t.Helper()
	if err := db.View(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// fixture is a database with one house.
type fixture struct {
	db    *storage.DB
	ctx   context.Context
	house int64
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{db: storagetest.Open(t), ctx: context.Background()}
	update(t, f.db, func(tx bot.Tx) error {
		var err error
		f.house, err = tx.SyncHouse(f.ctx, &bot.House{Name: "Cedar House", Platform: "test", Channel: "C-house", Location: time.UTC}, t0)
		return err
	})
	return f
}

// member adds an active member of the fixture's house.
func (f *fixture) member(t testing.TB, userID, name string) *bot.Member {
	t.Helper()
	m := &bot.Member{HouseID: f.house, Platform: "test", UserID: userID, Name: name, Status: bot.MemberActive, JoinedAt: t0, ConsentAt: t0}
	update(t, f.db, func(tx bot.Tx) error { return tx.SaveMember(f.ctx, m) })
	return m
}

// round creates an open round of the fixture's house scheduled at at.
func (f *fixture) round(t testing.TB, at time.Time) *bot.Round {
	t.Helper()
	r := &bot.Round{HouseID: f.house, ScheduledFor: at, OpenedAt: at, RemindAt: at.Add(2 * time.Hour), ClosesAt: at.Add(4 * time.Hour), Status: bot.RoundOpen}
	update(t, f.db, func(tx bot.Tx) error { return tx.CreateRound(f.ctx, r) })
	return r
}

// answer saves an answer of m in r with the given visibility.
func (f *fixture) answer(t testing.TB, r *bot.Round, m *bot.Member, v bot.Visibility, at time.Time) *bot.Answer {
	t.Helper()
	a := &bot.Answer{RoundID: r.ID, MemberID: m.ID, Mood: 3, Visibility: v, Values: map[string]string{"win": "a win of " + m.Name}, Source: "form", AnsweredAt: at, UpdatedAt: at}
	update(t, f.db, func(tx bot.Tx) error { return tx.SaveAnswer(f.ctx, a) })
	return a
}
