package storage_test

import (
	"errors"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

func TestPairsLifecycle(t *testing.T) {
	f := newFixture(t)
	a, b, c := f.member(t, "U-a", "Ash"), f.member(t, "U-b", "Bo"), f.member(t, "U-c", "Cy")
	trio := &bot.Pair{HouseID: f.house, Members: []int64{a.ID, b.ID, c.ID}, How: "rotation", Rotation: 1, FormedAt: t0}
	update(t, f.db, func(tx bot.Tx) error { return tx.CreatePair(f.ctx, trio) })
	update(t, f.db, func(tx bot.Tx) error {
		if err := tx.RemoveFromPair(f.ctx, trio.ID, c.ID); err != nil {
			return err
		}
		if _, err := tx.PairOf(f.ctx, c.ID); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("removed member's pair: %v, want not found", err)
		}
		p, err := tx.PairOf(f.ctx, a.ID)
		if err != nil || len(p.Members) != 2 || p.Rotation != 1 {
			t.Errorf("pair of a = %+v, %v", p, err)
		}
		n, err := tx.LastRotation(f.ctx, f.house)
		if err != nil || n != 1 {
			t.Errorf("last rotation = %d, %v", n, err)
		}
		return tx.EndPair(f.ctx, trio.ID, t0.Add(time.Hour))
	})
	view(t, f.db, func(tx bot.Tx) error {
		cur, err := tx.CurrentPairs(f.ctx, f.house)
		if err != nil || len(cur) != 0 {
			t.Errorf("current pairs after end = %v, %v", cur, err)
		}
		old, err := tx.RotationPairs(f.ctx, f.house, 0)
		if err != nil || len(old) != 1 || !old[0].EndedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("rotation pairs = %+v, %v", old, err)
		}
		return nil
	})
	update(t, f.db, func(tx bot.Tx) error {
		for i := 0; i < 2; i++ { // twice, in either order: one couple
			if err := tx.AddAvoid(f.ctx, f.house, b.ID, a.ID, "U-m", t0); err != nil {
				return err
			}
		}
		av, err := tx.Avoids(f.ctx, f.house)
		if err != nil || len(av) != 1 || av[0] != [2]int64{a.ID, b.ID} {
			t.Errorf("avoids = %v, %v", av, err)
		}
		for i, want := range []bool{true, false} {
			first, err := tx.RecordContact(f.ctx, trio.ID, "2026-11-16", a.ID, t0.Add(time.Duration(i)*time.Minute))
			if err != nil || first != want {
				t.Errorf("contact %d: first = %v, %v; want %v", i, first, err, want)
			}
		}
		if err := tx.RecordNudge(f.ctx, trio.ID, "2026-11-16", t0); err != nil {
			return err
		}
		if err := tx.RecordNudge(f.ctx, trio.ID, "2026-11-16", t0); !errors.Is(err, bot.ErrDuplicate) {
			t.Errorf("second nudge the same day: %v, want a duplicate", err)
		}
		return nil
	})
}
