package storage_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// TestResidentCheckins: a resident's rounds in the period, answered,
// missed or paused, oldest first; rounds they were not asked in, other
// residents' answers and rounds outside the period are left out.
func TestResidentCheckins(t *testing.T) {
	f := newFixture(t)
	robin, casey := f.member(t, "U-robin", "Robin"), f.member(t, "U-casey", "Casey")
	var rounds []*bot.Round
	for i := range 5 {
		rounds = append(rounds, f.round(t, t0.Add(time.Duration(i)*24*time.Hour)))
	}
	a := f.answer(t, rounds[0], robin, bot.VisMentors, t0)
	a.ReachOut = true
	update(t, f.db, func(tx bot.Tx) error {
		if err := tx.SaveAnswer(f.ctx, a); err != nil {
			return err
		}
		if err := tx.RecordMiss(f.ctx, rounds[1].ID, robin.ID, bot.MissMissed); err != nil {
			return err
		}
		return tx.RecordMiss(f.ctx, rounds[2].ID, robin.ID, bot.MissPaused)
	})
	f.answer(t, rounds[3], casey, bot.VisMentors, t0.Add(72*time.Hour)) // not Robin's
	f.answer(t, rounds[4], robin, bot.VisMentors, t0.Add(96*time.Hour)) // after the period
	view(t, f.db, func(tx bot.Tx) error {
		got, err := tx.ResidentCheckins(f.ctx, robin.ID, t0, t0.Add(96*time.Hour), bot.Viewer{Role: bot.RoleMentor})
		if err != nil {
			return err
		}
		var lines []string
		for _, c := range got {
			lines = append(lines, fmt.Sprintf("%s answered=%v miss=%q reach=%v mood=%d", c.ScheduledFor.Format(time.DateOnly), c.Answered, c.Miss, c.ReachOut, c.Mood))
		}
		want := fmt.Sprint([]string{
			`2026-11-16 answered=true miss="" reach=true mood=3`,
			`2026-11-17 answered=false miss="missed" reach=false mood=0`,
			`2026-11-18 answered=false miss="paused" reach=false mood=0`,
		})
		if fmt.Sprint(lines) != want {
			t.Errorf("check-ins = %v\nwant %v", lines, want)
		}
		return nil
	})
}
