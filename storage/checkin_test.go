package storage_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

func roundIDs(rs []*bot.Round) []int64 {
	var out []int64
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestRounds(t *testing.T) {
	f := newFixture(t)
	day := 24 * time.Hour
	r1 := f.round(t, t0)
	r2 := f.round(t, t0.Add(day))
	r3 := f.round(t, t0.Add(2*day))

	t.Run("duplicate key", func(t *testing.T) {
		err := f.db.Update(f.ctx, func(tx bot.Tx) error {
			return tx.CreateRound(f.ctx, &bot.Round{HouseID: f.house, ScheduledFor: t0, Status: bot.RoundOpen})
		})
		if !errors.Is(err, bot.ErrDuplicate) {
			t.Errorf("second round for the same key = %v, want ErrDuplicate", err)
		}
		// Another schedule at the same time is another round.
		update(t, f.db, func(tx bot.Tx) error {
			return tx.CreateRound(f.ctx, &bot.Round{HouseID: f.house, Schedule: -1, ScheduledFor: t0, Status: bot.RoundSkipped})
		})
	})
	t.Run("update and read back", func(t *testing.T) {
		r1.Status, r1.ClosedAt, r1.RemindedAt, r1.Prompt = bot.RoundClosed, t0.Add(4*time.Hour), t0.Add(2*time.Hour), 0
		update(t, f.db, func(tx bot.Tx) error {
			id, err := tx.Enqueue(f.ctx, &bot.OutboxMessage{HouseID: f.house, Platform: "test", Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: "C-house"}}})
			r1.Prompt = id
			if err != nil {
				return err
			}
			return tx.UpdateRound(f.ctx, r1)
		})
		view(t, f.db, func(tx bot.Tx) error {
			got, err := tx.RoundByID(f.ctx, r1.ID)
			if err != nil {
				return err
			}
			if *got != *r1 {
				t.Errorf("RoundByID = %+v, want %+v", got, r1)
			}
			return nil
		})
	})
	t.Run("open rounds newest first", func(t *testing.T) {
		view(t, f.db, func(tx bot.Tx) error {
			rs, err := tx.OpenRounds(f.ctx, f.house)
			if err != nil {
				return err
			}
			if got, want := roundIDs(rs), []int64{r3.ID, r2.ID}; !slices.Equal(got, want) {
				t.Errorf("OpenRounds = %v, want %v", got, want)
			}
			return nil
		})
	})
	t.Run("between", func(t *testing.T) {
		view(t, f.db, func(tx bot.Tx) error {
			rs, err := tx.RoundsBetween(f.ctx, f.house, t0, t0.Add(2*day))
			if err != nil {
				return err
			}
			// [from, to): r3 at to is out; the hand round at t0 is in.
			if len(rs) != 3 || rs[0].ScheduledFor != t0 || rs[2].ID != r2.ID {
				t.Errorf("RoundsBetween = %v, want the two rounds at t0 then r2", roundIDs(rs))
			}
			return nil
		})
	})
	t.Run("due", func(t *testing.T) {
		cases := []struct {
			name string
			now  time.Time
			want []int64
		}{
			{"before any reminder", t0.Add(day + time.Hour), nil},
			{"r2 reminder due", t0.Add(day + 2*time.Hour), []int64{r2.ID}},
			{"r2 closes, r3 reminder", t0.Add(2*day + 2*time.Hour), []int64{r2.ID, r3.ID}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				view(t, f.db, func(tx bot.Tx) error {
					rs, err := tx.DueRounds(f.ctx, c.now)
					if err != nil {
						return err
					}
					if got := roundIDs(rs); !slices.Equal(got, c.want) {
						t.Errorf("DueRounds(%v) = %v, want %v", c.now, got, c.want)
					}
					return nil
				})
			})
		}
		// Once reminded, a round is due again only when it closes.
		r2.RemindedAt = t0.Add(day + 2*time.Hour)
		update(t, f.db, func(tx bot.Tx) error { return tx.UpdateRound(f.ctx, r2) })
		view(t, f.db, func(tx bot.Tx) error {
			rs, err := tx.DueRounds(f.ctx, t0.Add(day+3*time.Hour))
			if err != nil {
				return err
			}
			if len(rs) != 0 {
				t.Errorf("DueRounds after reminder = %v, want none", roundIDs(rs))
			}
			return nil
		})
	})
}

func TestSaveAnswerUpserts(t *testing.T) {
	f := newFixture(t)
	robin := f.member(t, "U0001", "Robin")
	r := f.round(t, t0)
	first := f.answer(t, r, robin, bot.VisMentors, t0.Add(time.Minute))
	if first.ID == 0 {
		t.Fatal("SaveAnswer did not set the id")
	}
	// The same member answering again, even through a fresh value with no
	// id, replaces the answer: one per member per round.
	again := &bot.Answer{RoundID: r.ID, MemberID: robin.ID, Mood: 0, ReachOut: true, Visibility: bot.VisHouse,
		Values: map[string]string{"win": "edited"}, Source: "reply", AnsweredAt: t0.Add(time.Minute), UpdatedAt: t0.Add(5 * time.Minute)}
	update(t, f.db, func(tx bot.Tx) error { return tx.SaveAnswer(f.ctx, again) })
	if again.ID != first.ID {
		t.Errorf("upsert id = %d, want the first answer's %d", again.ID, first.ID)
	}
	view(t, f.db, func(tx bot.Tx) error {
		got, err := tx.AnswerOf(f.ctx, r.ID, robin.ID)
		if err != nil {
			return err
		}
		if got.Mood != 0 || !got.ReachOut || got.Visibility != bot.VisHouse || got.Source != "reply" ||
			!maps.Equal(got.Values, again.Values) || !got.UpdatedAt.Equal(again.UpdatedAt) || got.Redacted || got.Share != 0 {
			t.Errorf("AnswerOf = %+v, want %+v", got, again)
		}
		n, err := tx.CountAnswers(f.ctx, r.ID)
		if err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("CountAnswers = %d, want 1", n)
		}
		return nil
	})
}

func TestSaveAnswerRejectsBadVisibility(t *testing.T) {
	f := newFixture(t)
	robin := f.member(t, "U0001", "Robin")
	r := f.round(t, t0)
	err := f.db.Update(f.ctx, func(tx bot.Tx) error {
		return tx.SaveAnswer(f.ctx, &bot.Answer{RoundID: r.ID, MemberID: robin.ID, Visibility: "everyone", AnsweredAt: t0, UpdatedAt: t0})
	})
	if err == nil {
		t.Error("an answer with an unknown visibility was stored")
	}
}

func TestAnswerShareAndRedaction(t *testing.T) {
	f := newFixture(t)
	robin := f.member(t, "U0001", "Robin")
	r := f.round(t, t0)
	a := f.answer(t, r, robin, bot.VisHouse, t0)
	update(t, f.db, func(tx bot.Tx) error {
		id, err := tx.Enqueue(f.ctx, &bot.OutboxMessage{HouseID: f.house, Platform: "test", Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: "C-house"}}})
		if err != nil {
			return err
		}
		a.Share = id
		a.Redacted, a.Values, a.UpdatedAt = true, map[string]string{}, t0.Add(time.Hour)
		return tx.SaveAnswer(f.ctx, a)
	})
	view(t, f.db, func(tx bot.Tx) error {
		got, err := tx.AnswerOf(f.ctx, r.ID, robin.ID)
		if err != nil {
			return err
		}
		if got.Share != a.Share || !got.Redacted || len(got.Values) != 0 {
			t.Errorf("AnswerOf = %+v, want shared, redacted, no values", got)
		}
		return nil
	})
}

func TestMemberHistoryAndMisses(t *testing.T) {
	f := newFixture(t)
	robin := f.member(t, "U0001", "Robin")
	casey := f.member(t, "U0002", "Casey")
	var rounds []*bot.Round
	for i := range 4 {
		at := t0.Add(time.Duration(i) * 24 * time.Hour)
		r := f.round(t, at)
		rounds = append(rounds, r)
		f.answer(t, r, robin, bot.VisPrivate, at.Add(time.Minute))
	}
	f.answer(t, rounds[0], casey, bot.VisHouse, t0)
	view(t, f.db, func(tx bot.Tx) error {
		hist, err := tx.MemberHistory(f.ctx, robin.ID, 3)
		if err != nil {
			return err
		}
		var got []int64
		for _, a := range hist {
			got = append(got, a.RoundID)
			if a.MemberID != robin.ID {
				t.Errorf("history holds member %d's answer", a.MemberID)
			}
		}
		if want := []int64{rounds[3].ID, rounds[2].ID, rounds[1].ID}; !slices.Equal(got, want) {
			t.Errorf("MemberHistory rounds = %v, want newest three %v", got, want)
		}
		all, err := tx.MemberHistory(f.ctx, robin.ID, 0)
		if err != nil {
			return err
		}
		if len(all) != 4 {
			t.Errorf("MemberHistory with no limit = %d answers, want 4", len(all))
		}
		return nil
	})
	update(t, f.db, func(tx bot.Tx) error {
		if err := tx.RecordMiss(f.ctx, rounds[1].ID, casey.ID, bot.MissPaused); err != nil {
			return err
		}
		// Closing twice is harmless: the status is replaced.
		return tx.RecordMiss(f.ctx, rounds[1].ID, casey.ID, bot.MissMissed)
	})
}

// TestRoundAnswersVisibility proves the privacy rule on real SQL: every kind
// of reader against answers of every visibility, with the exact set each
// gets back.
func TestRoundAnswersVisibility(t *testing.T) {
	f := newFixture(t)
	priv := f.member(t, "U0001", "Robin") // answers privately
	ment := f.member(t, "U0002", "Casey") // answers for mentors
	hous := f.member(t, "U0003", "Jamie") // answers for the house
	quiet := f.member(t, "U0004", "Sam")  // a resident with no answer
	mentorMember := f.member(t, "U0005", "Morgan")
	r := f.round(t, t0)
	f.answer(t, r, priv, bot.VisPrivate, t0.Add(1*time.Minute))
	f.answer(t, r, ment, bot.VisMentors, t0.Add(2*time.Minute))
	f.answer(t, r, hous, bot.VisHouse, t0.Add(3*time.Minute))
	f.answer(t, r, mentorMember, bot.VisPrivate, t0.Add(4*time.Minute))
	// An answer in another round never leaks into this one.
	other := f.round(t, t0.Add(24*time.Hour))
	f.answer(t, other, hous, bot.VisHouse, t0.Add(24*time.Hour))

	cases := []struct {
		reader string
		v      bot.Viewer
		want   []int64 // member ids, in answer order
	}{
		{"guest", bot.Viewer{Role: bot.RoleGuest}, nil},
		{"guest who left, own answer", bot.Viewer{MemberID: priv.ID, Role: bot.RoleGuest}, []int64{priv.ID}},
		{"no role at all", bot.Viewer{}, nil},
		{"resident, own private answer", bot.Viewer{MemberID: priv.ID, Role: bot.RoleResident}, []int64{priv.ID, hous.ID}},
		{"resident, own mentors answer", bot.Viewer{MemberID: ment.ID, Role: bot.RoleResident}, []int64{ment.ID, hous.ID}},
		{"resident, own house answer", bot.Viewer{MemberID: hous.ID, Role: bot.RoleResident}, []int64{hous.ID}},
		{"resident without an answer", bot.Viewer{MemberID: quiet.ID, Role: bot.RoleResident}, []int64{hous.ID}},
		{"mentor, not a member", bot.Viewer{Role: bot.RoleMentor}, []int64{ment.ID, hous.ID}},
		{"mentor and resident, own private answer", bot.Viewer{MemberID: mentorMember.ID, Role: bot.RoleMentor | bot.RoleResident}, []int64{ment.ID, hous.ID, mentorMember.ID}},
		{"operator", bot.Viewer{Role: bot.RoleOperator}, []int64{ment.ID, hous.ID}},
		{"operator, every role bit", bot.Viewer{Role: bot.Anyone}, []int64{ment.ID, hous.ID}},
	}
	for _, c := range cases {
		t.Run(c.reader, func(t *testing.T) {
			view(t, f.db, func(tx bot.Tx) error {
				as, err := tx.RoundAnswers(f.ctx, r.ID, c.v)
				if err != nil {
					return err
				}
				var got []int64
				for _, a := range as {
					got = append(got, a.MemberID)
					if a.RoundID != r.ID {
						t.Errorf("answer of round %d returned", a.RoundID)
					}
				}
				if !slices.Equal(got, c.want) {
					t.Errorf("RoundAnswers as %s = members %v, want %v", c.reader, got, c.want)
				}
				return nil
			})
		})
	}
	view(t, f.db, func(tx bot.Tx) error {
		n, err := tx.CountAnswers(f.ctx, r.ID)
		if err != nil {
			return err
		}
		if n != 4 {
			t.Errorf("CountAnswers = %d, want all 4, private included", n)
		}
		return nil
	})
}

// BenchmarkSaveAnswer measures one answer saved in its own transaction, as
// a form submission does.
func BenchmarkSaveAnswer(b *testing.B) {
	f := newFixture(b)
	const members = 20
	var ms []*bot.Member
	for i := range members {
		ms = append(ms, f.member(b, fmt.Sprintf("U%04d", i), "Resident"))
	}
	r := f.round(b, t0)
	vals := map[string]string{"mood": "4", "win": "Cooked dinner for the house", "hard": "", "reach_out": "no"}
	for i := 0; b.Loop(); i++ {
		a := &bot.Answer{RoundID: r.ID, MemberID: ms[i%members].ID, Mood: 4, Visibility: bot.VisMentors, Values: vals, Source: "form", AnsweredAt: t0, UpdatedAt: t0}
		if err := f.db.Update(f.ctx, func(tx bot.Tx) error { return tx.SaveAnswer(f.ctx, a) }); err != nil {
			b.Fatal(err)
		}
	}
}

func TestAnswerShareHeld(t *testing.T) {
	f := newFixture(t)
	robin := f.member(t, "U0001", "Robin")
	r := f.round(t, t0)
	a := f.answer(t, r, robin, bot.VisHouse, t0)
	for _, held := range []bool{true, false} {
		a.ShareHeld = held
		update(t, f.db, func(tx bot.Tx) error { return tx.SaveAnswer(f.ctx, a) })
		view(t, f.db, func(tx bot.Tx) error {
			got, err := tx.AnswerOf(f.ctx, r.ID, robin.ID)
			if err == nil && got.ShareHeld != held {
				t.Errorf("ShareHeld = %v, want %v", got.ShareHeld, held)
			}
			return err
		})
		// While held, the answer is its author's alone.
		for _, v := range []struct {
			who  string
			v    bot.Viewer
			want int
		}{
			{"robin", bot.Viewer{MemberID: robin.ID, Role: bot.RoleResident}, 1},
			{"casey", bot.Viewer{MemberID: robin.ID + 100, Role: bot.RoleResident}, 0},
			{"staff", bot.Viewer{Role: bot.RoleMentor | bot.RoleOperator}, 0},
		} {
			if !held && v.want == 0 {
				v.want = 1
			}
			view(t, f.db, func(tx bot.Tx) error {
				got, err := tx.RoundAnswers(f.ctx, r.ID, v.v)
				if len(got) != v.want {
					t.Errorf("held %v: %s sees %d answers, want %d", held, v.who, len(got), v.want)
				}
				return err
			})
		}
	}
}
