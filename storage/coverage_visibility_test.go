package storage_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// TestRoundAnswersMatrix tries every kind of reader against an answer of
// every visibility, held or not, in a round's listing, in the digest's
// count of what the reader may not see and in a resident's history, and compares with the rule written
// out plainly: the author always; staff the mentors-visible; anyone in the
// house the house-visible unless held; nobody else anything.
func TestRoundAnswersMatrix(t *testing.T) {
	kinds := []struct {
		vis  bot.Visibility
		held bool
	}{{bot.VisPrivate, false}, {bot.VisMentors, false}, {bot.VisHouse, false}, {bot.VisHouse, true}}
	type reader struct {
		name   string
		author bool
		role   bot.Role
	}
	readers := []reader{
		{"author, resident", true, bot.RoleResident},
		{"author, now a guest", true, bot.RoleGuest},
		{"other resident", false, bot.RoleResident},
		{"mentor", false, bot.RoleMentor},
		{"mentor who is a resident", false, bot.RoleMentor | bot.RoleResident},
		{"operator", false, bot.RoleOperator},
		{"guest", false, bot.RoleGuest},
		{"nobody", false, 0},
	}
	mayRead := func(r reader, vis bot.Visibility, held bool) bool {
		switch {
		case r.author:
			return true
		case vis == bot.VisMentors:
			return r.role.Has(bot.Staff)
		case vis == bot.VisHouse && !held:
			return r.role.Has(bot.Members)
		}
		return false
	}
	for _, k := range kinds {
		f := newFixture(t)
		author, other := f.member(t, "U-author", "Robin"), f.member(t, "U-other", "Casey")
		r := f.round(t, t0)
		a := f.answer(t, r, author, k.vis, t0.Add(time.Minute))
		a.ShareHeld = k.held
		update(t, f.db, func(tx bot.Tx) error { return tx.SaveAnswer(f.ctx, a) })
		viewer := func(rd reader) bot.Viewer {
			v := bot.Viewer{Role: rd.role}
			switch {
			case rd.author:
				v.MemberID = author.ID
			case rd.role.Has(bot.RoleResident):
				v.MemberID = other.ID
			}
			return v
		}
		hidden := func(rd reader) int {
			if mayRead(rd, k.vis, k.held) {
				return 0
			}
			return 1
		}
		for _, rd := range readers {
			t.Run(fmt.Sprintf("%s held=%v/%s", k.vis, k.held, rd.name), func(t *testing.T) {
				v := viewer(rd)
				view(t, f.db, func(tx bot.Tx) error {
					as, err := tx.RoundAnswers(f.ctx, r.ID, v)
					if err != nil {
						return err
					}
					if got, want := len(as) == 1, mayRead(rd, k.vis, k.held); got != want {
						t.Errorf("sees the answer = %v, want %v", got, want)
					}
					// The digest's aggregate counts as hidden exactly what
					// the reader may not read, by the same rule.
					agg, err := tx.AggregateAnswers(f.ctx, f.house, t0, t0.Add(time.Hour), v)
					if err != nil {
						return err
					}
					if h := hidden(rd); agg.MoodResidents != 1 || agg.HiddenResidents != h || agg.HiddenMoodValues != h {
						t.Errorf("aggregate = %+v, want 1 mood, %d hidden", agg, h)
					}
					// /history: the answer always counts as answered; its
					// mood only reaches a reader who may read it.
					hist, err := tx.ResidentCheckins(f.ctx, author.ID, t0, t0.Add(time.Hour), v)
					if err != nil {
						return err
					}
					wantMood := 0
					if mayRead(rd, k.vis, k.held) {
						wantMood = 3
					}
					if len(hist) != 1 || !hist[0].Answered || hist[0].RoundID != r.ID || hist[0].Visible != (wantMood != 0) || hist[0].Mood != wantMood {
						t.Errorf("resident check-ins = %+v, want one answered, mood %d", hist, wantMood)
					}
					return nil
				})
			})
		}
		// Every reader in turn in one read transaction, where a repeated
		// aggregate is kept for the same parameters: each still gets its
		// own visibility's count.
		view(t, f.db, func(tx bot.Tx) error {
			for range 2 {
				for _, rd := range readers {
					agg, err := tx.AggregateAnswers(f.ctx, f.house, t0, t0.Add(time.Hour), viewer(rd))
					if err != nil {
						return err
					}
					if agg.HiddenResidents != hidden(rd) {
						t.Errorf("%s held=%v/%s in a shared snapshot: aggregate = %+v, want %d hidden", k.vis, k.held, rd.name, agg, hidden(rd))
					}
				}
			}
			return nil
		})
		// Whoever may read it, the author's own lists and the counts always
		// hold it.
		view(t, f.db, func(tx bot.Tx) error {
			hist, err := tx.MemberHistory(f.ctx, author.ID, 0)
			if err != nil {
				return err
			}
			if len(hist) != 1 || hist[0].Values["win"] != "a win of Robin" {
				t.Errorf("%s: author's history = %+v, want their answer with its words", k.vis, hist)
			}
			if others, err := tx.MemberHistory(f.ctx, other.ID, 0); err != nil || len(others) != 0 {
				t.Errorf("%s: another member's history = %+v, %v; want none", k.vis, others, err)
			}
			n, err := tx.CountAnswers(f.ctx, r.ID)
			if n != 1 {
				t.Errorf("%s: CountAnswers = %d, want 1", k.vis, n)
			}
			return err
		})
	}
}

// TestAggregateAnswersFollowsItsWriteTransaction checks that only a read
// transaction keeps AggregateAnswers' results: in a write transaction, the
// same question after a write of its own counts that write.
func TestAggregateAnswersFollowsItsWriteTransaction(t *testing.T) {
	f := newFixture(t)
	m := f.member(t, "U-robin", "Robin")
	r := f.round(t, t0)
	staff := bot.Viewer{Role: bot.RoleOperator}
	update(t, f.db, func(tx bot.Tx) error {
		before, err := tx.AggregateAnswers(f.ctx, f.house, t0, t0.Add(time.Hour), staff)
		if err != nil {
			return err
		}
		a := &bot.Answer{RoundID: r.ID, MemberID: m.ID, Mood: 4, Visibility: bot.VisMentors, Source: "form", AnsweredAt: t0, UpdatedAt: t0}
		if err := tx.SaveAnswer(f.ctx, a); err != nil {
			return err
		}
		after, err := tx.AggregateAnswers(f.ctx, f.house, t0, t0.Add(time.Hour), staff)
		if err != nil {
			return err
		}
		if before.Answers != 0 || after.Answers != 1 || after.MoodSum != 4 {
			t.Errorf("aggregates before and after a write in one transaction = %+v, %+v; want 0 answers, then 1 with mood 4", before, after)
		}
		return nil
	})
}
