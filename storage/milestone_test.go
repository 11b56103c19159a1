package storage_test

import (
	"errors"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

func TestSoberDatesAndCelebrations(t *testing.T) {
	f := newFixture(t)
	m := f.member(t, "U-robin", "Robin")
	update(t, f.db, func(tx bot.Tx) error {
		for i, d := range []string{"2026-01-01", "2026-05-01"} {
			kind := []string{"set", "reset"}[i]
			if err := tx.AddSoberDate(f.ctx, &bot.SoberDate{MemberID: m.ID, Date: d, Kind: kind, SetAt: t0.Add(time.Duration(i) * time.Hour)}); err != nil {
				return err
			}
		}
		cur, err := tx.CurrentSoberDate(f.ctx, m.ID)
		if err != nil || cur.Date != "2026-05-01" || cur.Kind != "reset" {
			t.Errorf("current = %+v, %v; want the reset", cur, err)
		}
		c := &bot.Celebration{MemberID: m.ID, HouseID: f.house, SoberDate: "2026-05-01", Milestone: "90d", Label: "90 days", Shared: true, At: t0}
		for i, want := range []bool{true, false} {
			if first, err := tx.RecordCelebration(f.ctx, c); err != nil || first != want {
				t.Errorf("celebration %d: first = %v, %v; want %v", i, first, err, want)
			}
		}
		return tx.ClearSoberDate(f.ctx, m.ID, t0.Add(2*time.Hour))
	})
	view(t, f.db, func(tx bot.Tx) error {
		if _, err := tx.CurrentSoberDate(f.ctx, m.ID); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("current after clear: %v, want not found", err)
		}
		hist, err := tx.SoberDates(f.ctx, m.ID)
		if err != nil || len(hist) != 2 || hist[1].ClearedAt.IsZero() {
			t.Errorf("history = %+v, %v", hist, err)
		}
		cs, err := tx.SharedCelebrations(f.ctx, f.house, t0, t0.Add(time.Hour))
		if err != nil || len(cs) != 1 || cs[0].Label != "90 days" {
			t.Errorf("shared celebrations = %+v, %v", cs, err)
		}
		return nil
	})
	// Erasing the member takes the dates with it.
	update(t, f.db, func(tx bot.Tx) error { return tx.EraseMember(f.ctx, m.ID) })
	view(t, f.db, func(tx bot.Tx) error {
		hist, err := tx.SoberDates(f.ctx, m.ID)
		if err != nil || len(hist) != 0 {
			t.Errorf("history after erase = %d, %v", len(hist), err)
		}
		return nil
	})
}
