package bot_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/bot/bottest"
	"github.com/porchlight/porchlight/storage/storagetest"
)

// BenchmarkDigestYearOfHistory generates one week's digest for a house with
// a year of daily rounds and twelve residents. The digest's queries go
// through indexes by house and time, so this measures one week's work, not
// the year's: compare with -benchtime and a longer history to see it stay
// flat.
func BenchmarkDigestYearOfHistory(b *testing.B) {
	ctx := context.Background()
	db := storagetest.Open(b)
	end := time.Date(2026, 11, 23, 8, 0, 0, 0, chicago)
	h := testHouse()
	core, err := bot.New(bot.Config{Store: db, Clock: bottest.NewClock(end), Houses: []*bot.House{h}})
	if err != nil {
		b.Fatal(err)
	}
	if err := core.Start(ctx); err != nil {
		b.Fatal(err)
	}
	start := end.AddDate(-1, 0, 0)
	err = db.Update(ctx, func(tx bot.Tx) error {
		var members []*bot.Member
		for i := range 12 {
			m := &bot.Member{HouseID: h.ID, Platform: "test", UserID: fmt.Sprintf("U%03d", i), Name: fmt.Sprintf("Resident %d", i),
				Status: bot.MemberActive, JoinedAt: start.Add(-time.Hour), ConsentAt: start.Add(-time.Hour)}
			if err := tx.SaveMember(ctx, m); err != nil {
				return err
			}
			members = append(members, m)
		}
		for day := start; day.Before(end); day = day.AddDate(0, 0, 1) {
			at := time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, chicago)
			rd := &bot.Round{HouseID: h.ID, ScheduledFor: at, OpenedAt: at, RemindAt: at.Add(2 * time.Hour), ClosesAt: at.Add(4 * time.Hour), Status: bot.RoundClosed}
			if err := tx.CreateRound(ctx, rd); err != nil {
				return err
			}
			for i, m := range members {
				if (i+day.Day())%5 == 0 {
					if err := tx.RecordMiss(ctx, rd.ID, m.ID, bot.MissMissed); err != nil {
						return err
					}
					continue
				}
				a := &bot.Answer{RoundID: rd.ID, MemberID: m.ID, Mood: 1 + (i+day.Day())%5, Visibility: bot.VisMentors,
					Values: map[string]string{"win": "a walk"}, Source: "form", AnsweredAt: at.Add(time.Hour), UpdatedAt: at.Add(time.Hour)}
				if err := tx.SaveAnswer(ctx, a); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := core.Digest(ctx, h, "2026-W47", "bench"); err != nil {
			b.Fatal(err)
		}
	}
}
