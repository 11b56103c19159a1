package storage_test

import (
	"errors"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// TestHouseLifeRowsAreTheirOwn: meetings are read only by their member;
// counts hold no text; erasing a member takes their meetings, turns,
// swap requests, tallies and welcome, and leaves the other's.
func TestHouseLifeRowsAreTheirOwn(t *testing.T) {
	f := newFixture(t)
	robin, casey := f.member(t, "U-robin", "Robin"), f.member(t, "U-casey", "Casey")
	var rm, cm bot.Meeting
	var turn *bot.ChoreAssignment
	update(t, f.db, func(tx bot.Tx) error {
		for _, p := range []struct {
			m   *bot.Meeting
			who *bot.Member
		}{{&rm, robin}, {&cm, casey}} {
			*p.m = bot.Meeting{HouseID: f.house, MemberID: p.who.ID, Day: "2026-11-16", Kind: "AA", Mode: bot.MeetingOnline, Note: "note of " + p.who.Name, LoggedAt: t0, UpdatedAt: t0}
			if err := tx.SaveMeeting(f.ctx, p.m); err != nil {
				return err
			}
			if _, err := tx.StartWelcome(f.ctx, &bot.Welcome{MemberID: p.who.ID, HouseID: f.house, StartedAt: t0, NextAt: t0}); err != nil {
				return err
			}
			if err := tx.SetChoreTally(f.ctx, f.house, "kitchen", bot.ChoreTally{MemberID: p.who.ID, Turns: 2, Last: t0}); err != nil {
				return err
			}
		}
		turn = &bot.ChoreAssignment{HouseID: f.house, Chore: "kitchen", Name: "Kitchen", MemberID: casey.ID, ScheduledFor: t0, Status: bot.ChoreOpen, AssignedAt: t0, SwappedFrom: robin.ID}
		if err := tx.CreateChoreAssignment(f.ctx, turn); err != nil {
			return err
		}
		s := &bot.ChoreSwap{AssignmentID: turn.ID, FromMember: robin.ID, Status: "open", CreatedAt: t0}
		if err := tx.CreateChoreSwap(f.ctx, s); err != nil {
			return err
		}
		if err := tx.CreateChoreSwap(f.ctx, &bot.ChoreSwap{AssignmentID: turn.ID, FromMember: robin.ID, Status: "open", CreatedAt: t0}); !errors.Is(err, bot.ErrDuplicate) {
			t.Errorf("second open swap = %v, want ErrDuplicate", err)
		}
		if ok, err := tx.TakeChoreSwap(f.ctx, s.ID, casey.ID, t0); err != nil || !ok {
			t.Errorf("take = %v, %v", ok, err)
		}
		if ok, err := tx.TakeChoreSwap(f.ctx, s.ID, robin.ID, t0); err != nil || ok {
			t.Errorf("second take = %v, %v; want false", ok, err)
		}
		return nil
	})
	view(t, f.db, func(tx bot.Tx) error {
		if _, err := tx.OwnMeeting(f.ctx, rm.ID, casey.ID); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("Casey reading Robin's meeting: %v, want ErrNotFound", err)
		}
		counts, err := tx.MeetingCounts(f.ctx, f.house, "2026-11-16", "2026-11-23")
		if err != nil || counts[robin.ID] != 1 || counts[casey.ID] != 1 {
			t.Errorf("counts = %v, %v", counts, err)
		}
		if ms, err := tx.MemberMeetings(f.ctx, robin.ID, "2026-11-17", "2026-11-23"); err != nil || len(ms) != 0 {
			t.Errorf("meetings outside the window = %v, %v", ms, err)
		}
		return nil
	})
	update(t, f.db, func(tx bot.Tx) error {
		if err := tx.DeleteMeeting(f.ctx, rm.ID, casey.ID); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("Casey deleting Robin's meeting: %v, want ErrNotFound", err)
		}
		return nil
	})

	update(t, f.db, func(tx bot.Tx) error { return tx.EraseMember(f.ctx, robin.ID) })
	view(t, f.db, func(tx bot.Tx) error {
		if _, err := tx.OwnMeeting(f.ctx, rm.ID, robin.ID); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("Robin's meeting after erasure: %v", err)
		}
		if _, err := tx.WelcomeOf(f.ctx, robin.ID); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("Robin's welcome after erasure: %v", err)
		}
		tallies, err := tx.ChoreTallies(f.ctx, f.house, "kitchen")
		if err != nil || len(tallies) != 1 || tallies[casey.ID].Turns != 2 {
			t.Errorf("tallies after erasure = %v, %v; want Casey's only", tallies, err)
		}
		a, err := tx.ChoreAssignmentByID(f.ctx, turn.ID)
		if err != nil || a.MemberID != casey.ID || a.SwappedFrom != 0 {
			t.Errorf("Casey's turn after Robin's erasure = %+v, %v; want kept, from nobody", a, err)
		}
		d, err := tx.ExportMember(f.ctx, casey.ID)
		if err != nil {
			return err
		}
		if len(d.Meetings) != 1 || d.Meetings[0].Note != "note of Casey" || len(d.ChoreTurns) != 1 || d.Welcome == nil {
			t.Errorf("Casey's export = %+v", d)
		}
		return nil
	})
}

func TestRedactMeetingNotesInBatches(t *testing.T) {
	f := newFixture(t)
	m := f.member(t, "U-robin", "Robin")
	update(t, f.db, func(tx bot.Tx) error {
		for i := range 5 {
			at := t0.Add(time.Duration(i) * time.Hour)
			if err := tx.SaveMeeting(f.ctx, &bot.Meeting{HouseID: f.house, MemberID: m.ID, Day: "2026-11-16", Kind: "NA", Mode: bot.MeetingInPerson, Note: "words", LoggedAt: at, UpdatedAt: at}); err != nil {
				return err
			}
		}
		return nil
	})
	var got []int
	update(t, f.db, func(tx bot.Tx) error {
		for {
			n, err := tx.RedactMeetingNotes(f.ctx, f.house, t0.Add(4*time.Hour), t0.Add(time.Hour*24*200), 2)
			if err != nil {
				return err
			}
			got = append(got, n)
			if n < 2 {
				return nil
			}
		}
	})
	if len(got) != 3 || got[0] != 2 || got[1] != 2 || got[2] != 0 {
		t.Errorf("batches = %v, want [2 2 0] (the fifth is newer than the cut)", got)
	}
	view(t, f.db, func(tx bot.Tx) error {
		ms, err := tx.MemberMeetings(f.ctx, m.ID, "2026-11-01", "2026-12-01")
		if err != nil {
			return err
		}
		for i, mt := range ms {
			if redacted := i < 4; mt.Redacted != redacted || (mt.Note == "") != redacted {
				t.Errorf("meeting %d = %+v", i, mt)
			}
		}
		return nil
	})
}
