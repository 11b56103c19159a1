package storage_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// memberNames lists members' names, for comparisons.
func memberNames(ms []*bot.Member) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.Name)
	}
	return out
}

func TestUnansweredLeavesOutPausedAnsweredLeftAndLateJoiners(t *testing.T) {
	f := newFixture(t)
	r := f.round(t, t0)
	f.member(t, "U-a", "Ash")
	bo, cy, di := f.member(t, "U-b", "Bo"), f.member(t, "U-c", "Cy"), f.member(t, "U-d", "Di")
	ed, fay := f.member(t, "U-e", "Ed"), f.member(t, "U-f", "Fay")
	now := t0.Add(2 * time.Hour)
	update(t, f.db, func(tx bot.Tx) error {
		bo.PausedUntil = now.Add(time.Second) // paused
		cy.PausedUntil = now                  // the pause ends now: no job needed
		ed.JoinedAt = t0.Add(time.Minute)     // joined after the round opened
		fay.Status = bot.MemberLeft
		return errors.Join(tx.SaveMember(f.ctx, bo), tx.SaveMember(f.ctx, cy), tx.SaveMember(f.ctx, ed), tx.SaveMember(f.ctx, fay))
	})
	f.answer(t, r, di, bot.VisPrivate, t0.Add(time.Minute))
	view(t, f.db, func(tx bot.Tx) error {
		ms, err := tx.Unanswered(f.ctx, r, now)
		if err != nil {
			return err
		}
		if got, want := memberNames(ms), []string{"Ash", "Cy"}; !slices.Equal(got, want) {
			t.Errorf("Unanswered = %v, want %v", got, want)
		}
		return nil
	})
}

func TestMissStreakCountsMissesSinceTheLatestAnswer(t *testing.T) {
	f := newFixture(t)
	ash := f.member(t, "U-a", "Ash")
	day := 24 * time.Hour
	rs := []*bot.Round{f.round(t, t0), f.round(t, t0.Add(day)), f.round(t, t0.Add(2*day)), f.round(t, t0.Add(3*day)), f.round(t, t0.Add(4*day))}
	streak := func() int {
		var n int
		view(t, f.db, func(tx bot.Tx) (err error) {
			n, err = tx.MissStreak(f.ctx, ash.ID)
			return err
		})
		return n
	}
	miss := func(r *bot.Round, s bot.MissStatus) {
		update(t, f.db, func(tx bot.Tx) error { return tx.RecordMiss(f.ctx, r.ID, ash.ID, s) })
	}
	if n := streak(); n != 0 {
		t.Errorf("streak with nothing = %d", n)
	}
	miss(rs[0], bot.MissMissed)
	if n := streak(); n != 1 {
		t.Errorf("streak with no answer ever = %d, want 1", n)
	}
	f.answer(t, rs[1], ash, bot.VisPrivate, t0.Add(day))
	miss(rs[2], bot.MissMissed)
	miss(rs[3], bot.MissPaused) // neither counts nor breaks
	miss(rs[4], bot.MissMissed)
	if n := streak(); n != 2 {
		t.Errorf("streak = %d, want 2 (the misses after the answer, not the paused one)", n)
	}
}

func TestWaitingPingsMutesAndTheDailyLimit(t *testing.T) {
	f := newFixture(t)
	a, b := f.member(t, "U-a", "Ash"), f.member(t, "U-b", "Bo")
	p := &bot.Pair{HouseID: f.house, Members: []int64{a.ID, b.ID}, How: "manual", FormedAt: t0}
	update(t, f.db, func(tx bot.Tx) error { return tx.CreatePair(f.ctx, p) })
	due := t0.Add(9 * time.Hour)
	waiting := &bot.PartnerPing{HouseID: f.house, PairID: p.ID, About: a.ID, Kind: "missed", At: t0, DueAt: due}
	now := &bot.PartnerPing{HouseID: f.house, PairID: p.ID, About: b.ID, Kind: "missed", At: t0, SentAt: t0, Misses: 1}
	update(t, f.db, func(tx bot.Tx) error { return errors.Join(tx.RecordPing(f.ctx, waiting), tx.RecordPing(f.ctx, now)) })
	view(t, f.db, func(tx bot.Tx) error {
		if got, err := tx.WaitingPing(f.ctx, a.ID); err != nil || got.ID != waiting.ID || !got.DueAt.Equal(due) {
			t.Errorf("WaitingPing(Ash) = %+v, %v; want the waiting one", got, err)
		}
		if _, err := tx.WaitingPing(f.ctx, b.ID); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("WaitingPing(Bo) = %v, want ErrNotFound (Bo's went out)", err)
		}
		if got, err := tx.PingByID(f.ctx, now.ID); err != nil || !got.DueAt.Equal(t0) || got.Misses != 1 {
			t.Errorf("a ping with no due time = %+v, %v; want due when recorded", got, err)
		}
		for _, tc := range []struct {
			at   time.Time
			want int
		}{{due.Add(-time.Second), 0}, {due, 1}} {
			if got, err := tx.DuePings(f.ctx, tc.at); err != nil || len(got) != tc.want {
				t.Errorf("DuePings(%s) = %d, %v; want %d", tc.at, len(got), err, tc.want)
			}
		}
		// The waiting ping counts for the day it is due, not the day it
		// was recorded.
		for _, tc := range []struct {
			from, to time.Time
			want     bool
		}{{t0, due, false}, {due, due.Add(time.Hour), true}} {
			got, err := tx.MissedPingBetween(f.ctx, a.ID, tc.from, tc.to)
			if err != nil || got != tc.want {
				t.Errorf("MissedPingBetween(%s, %s) = %v, %v; want %v", tc.from, tc.to, got, err, tc.want)
			}
		}
		return nil
	})
	update(t, f.db, func(tx bot.Tx) error {
		return errors.Join(tx.SettlePing(f.ctx, waiting.ID, true, 3, due), tx.SettlePing(f.ctx, waiting.ID, false, 0, due.Add(time.Hour)))
	})
	view(t, f.db, func(tx bot.Tx) error {
		got, err := tx.PingByID(f.ctx, waiting.ID)
		if err != nil || !got.SentAt.Equal(due) || !got.DroppedAt.IsZero() || got.Misses != 3 {
			t.Errorf("settled ping = %+v, %v; want sent at %s saying 3, and a second settle ignored", got, err, due)
		}
		if due, err := tx.DuePings(f.ctx, due.Add(time.Hour)); err != nil || len(due) != 0 {
			t.Errorf("DuePings after settling = %d, %v", len(due), err)
		}
		stats, err := tx.PartnerStats(f.ctx, f.house, t0, t0.Add(24*time.Hour))
		if err != nil || stats.Pings != 2 {
			t.Errorf("PartnerStats pings = %d, %v; want 2", stats.Pings, err)
		}
		return nil
	})

	// Mutes.
	update(t, f.db, func(tx bot.Tx) error {
		return errors.Join(tx.SetPingMute(f.ctx, b.ID, t0.Add(time.Hour), t0), tx.SetPingMute(f.ctx, b.ID, t0.Add(7*24*time.Hour), t0))
	})
	view(t, f.db, func(tx bot.Tx) error {
		for who, want := range map[int64]time.Time{b.ID: t0.Add(7 * 24 * time.Hour), a.ID: {}} {
			if got, err := tx.PingMutedUntil(f.ctx, who); err != nil || !got.Equal(want) {
				t.Errorf("PingMutedUntil(%d) = %v, %v; want %v", who, got, err, want)
			}
		}
		return nil
	})
	update(t, f.db, func(tx bot.Tx) error { return tx.SetPingMute(f.ctx, b.ID, time.Time{}, t0) })
	view(t, f.db, func(tx bot.Tx) error {
		if got, err := tx.PingMutedUntil(f.ctx, b.ID); err != nil || !got.IsZero() {
			t.Errorf("after unmute = %v, %v", got, err)
		}
		return nil
	})
}

func TestReachOutsAreTakenOnce(t *testing.T) {
	f := newFixture(t)
	ash := f.member(t, "U-a", "Ash")
	r := f.round(t, t0)
	q := &bot.ReachOut{HouseID: f.house, RoundID: r.ID, MemberID: ash.ID, CreatedAt: t0}
	ids := f.enqueue(t, dm(f.house, "U-m1", "notice 1"), dm(f.house, "U-m2", "notice 2"))
	update(t, f.db, func(tx bot.Tx) error {
		if err := tx.CreateReachOut(f.ctx, q); err != nil {
			return err
		}
		if err := tx.CreateReachOut(f.ctx, &bot.ReachOut{HouseID: f.house, RoundID: r.ID, MemberID: ash.ID, CreatedAt: t0}); !errors.Is(err, bot.ErrDuplicate) {
			t.Errorf("second request in the round = %v, want ErrDuplicate", err)
		}
		return errors.Join(tx.AddReachOutNotice(f.ctx, q.ID, "U-m2", ids[1]), tx.AddReachOutNotice(f.ctx, q.ID, "U-m1", ids[0]),
			tx.AddReachOutNotice(f.ctx, q.ID, "U-m1", ids[1]))
	})
	update(t, f.db, func(tx bot.Tx) error {
		for i, want := range []bool{true, false} {
			first, err := tx.TakeReachOut(f.ctx, q.ID, []string{"U-m2", "U-m1"}[i], t0.Add(time.Duration(i+1)*time.Minute))
			if err != nil || first != want {
				t.Errorf("take %d = %v, %v; want %v", i, first, err, want)
			}
		}
		return nil
	})
	view(t, f.db, func(tx bot.Tx) error {
		got, err := tx.ReachOutByID(f.ctx, q.ID)
		if err != nil || got.TakenBy != "U-m2" || !got.TakenAt.Equal(t0.Add(time.Minute)) || got.MemberID != ash.ID {
			t.Errorf("ReachOutByID = %+v, %v; want taken by the first", got, err)
		}
		ns, err := tx.ReachOutNotices(f.ctx, q.ID)
		if want := []bot.ReachOutNotice{{UserID: "U-m1", Outbox: ids[0]}, {UserID: "U-m2", Outbox: ids[1]}}; err != nil || !slices.Equal(ns, want) {
			t.Errorf("ReachOutNotices = %+v, %v; want %+v", ns, err, want)
		}
		if _, err := tx.ReachOutByID(f.ctx, 999); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("unknown = %v", err)
		}
		return nil
	})
}

func TestPruneEndedClearsWhatServedItsPurpose(t *testing.T) {
	f := newFixture(t)
	ash, bo := f.member(t, "U-a", "Ash"), f.member(t, "U-b", "Bo")
	now := t0.Add(30 * 24 * time.Hour)
	old, recent := f.round(t, t0), f.round(t, now.Add(-time.Hour))
	update(t, f.db, func(tx bot.Tx) error {
		ash.PausedUntil, ash.PausedBy, ash.PauseReason = now.Add(-time.Hour), "U-m", "family visit" // over
		bo.PausedUntil, bo.PausedBy, bo.PauseReason = now.Add(time.Hour), "U-m", "hospital stay"    // still on
		return errors.Join(tx.SaveMember(f.ctx, ash), tx.SaveMember(f.ctx, bo),
			tx.SetPingMute(f.ctx, ash.ID, now.Add(-time.Minute), t0), tx.SetPingMute(f.ctx, bo.ID, now.Add(time.Minute), t0),
			tx.CreateReachOut(f.ctx, &bot.ReachOut{HouseID: f.house, RoundID: old.ID, MemberID: ash.ID, CreatedAt: t0}),
			tx.CreateReachOut(f.ctx, &bot.ReachOut{HouseID: f.house, RoundID: recent.ID, MemberID: ash.ID, CreatedAt: now.Add(-time.Hour)}))
	})
	update(t, f.db, func(tx bot.Tx) error {
		n, err := tx.PruneEnded(f.ctx, f.house, now.Add(-7*24*time.Hour), now)
		if n != 3 {
			t.Errorf("PruneEnded = %d, want 3 (a pause's reason, a mute, a reach-out)", n)
		}
		return err
	})
	view(t, f.db, func(tx bot.Tx) error {
		d, err := tx.ExportMember(f.ctx, ash.ID)
		if err != nil {
			return err
		}
		if d.Member.PauseReason != "" || d.Member.PausedBy != "" || d.PartnerPingsMutedUntil != nil || len(d.ReachOuts) != 1 {
			t.Errorf("Ash after pruning = %+v, muted %v, reach-outs %+v; want the ended pause's reason, the mute and the old request gone", d.Member, d.PartnerPingsMutedUntil, d.ReachOuts)
		}
		d, err = tx.ExportMember(f.ctx, bo.ID)
		if err != nil {
			return err
		}
		if d.Member.PauseReason != "hospital stay" || d.PartnerPingsMutedUntil == nil {
			t.Errorf("Bo after pruning = %+v, muted %v; want the running pause and mute kept", d.Member, d.PartnerPingsMutedUntil)
		}
		return nil
	})
}
