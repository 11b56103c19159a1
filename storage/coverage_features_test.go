package storage_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// activity is a scheduled one-off activity of the fixture's house.
func (f *fixture) activity(t *testing.T, title string, starts time.Time) *bot.Activity {
	t.Helper()
	a := &bot.Activity{HouseID: f.house, Title: title, StartsAt: starts, EndsAt: starts.Add(2 * time.Hour),
		Repeat: "none", Status: "scheduled", CreatedBy: "U-mentor", CreatedAt: t0}
	update(t, f.db, func(tx bot.Tx) error { return tx.CreateActivity(f.ctx, a) })
	return a
}

func titles(as []*bot.Activity) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Title)
	}
	return out
}

func TestActivityListsFollowStatusAndTime(t *testing.T) {
	f := newFixture(t)
	hour := time.Hour
	f.activity(t, "later", t0.Add(48*hour))
	f.activity(t, "soon", t0.Add(2*hour))
	past := f.activity(t, "past", t0.Add(-5*hour)) // ended at t0-3h
	cancelled := f.activity(t, "cancelled", t0.Add(3*hour))
	running := f.activity(t, "running", t0.Add(-hour))

	cancelled.Status = "cancelled"
	past.EndedAt = t0.Add(-3 * hour)
	running.StartedAt, running.Post = t0.Add(-hour), f.enqueue(t, f.post("announcement"))[0]
	update(t, f.db, func(tx bot.Tx) error {
		return errors.Join(tx.UpdateActivity(f.ctx, cancelled), tx.UpdateActivity(f.ctx, past), tx.UpdateActivity(f.ctx, running))
	})
	view(t, f.db, func(tx bot.Tx) error {
		got, err := tx.ActivityByID(f.ctx, running.ID)
		if err != nil {
			return err
		}
		if *got != *running {
			t.Errorf("ActivityByID = %+v, want %+v", got, running)
		}
		return nil
	})

	cases := []struct {
		name string
		list func(tx bot.Tx) ([]*bot.Activity, error)
		want []string
	}{
		{"upcoming: scheduled, not ended, soonest first", func(tx bot.Tx) ([]*bot.Activity, error) {
			return tx.UpcomingActivities(f.ctx, f.house, t0)
		}, []string{"running", "soon", "later"}},
		{"pending: scheduled, not ended, starting by then", func(tx bot.Tx) ([]*bot.Activity, error) {
			return tx.PendingActivities(f.ctx, t0.Add(3*hour))
		}, []string{"running", "soon"}},
		{"between: starting in [from, to)", func(tx bot.Tx) ([]*bot.Activity, error) {
			return tx.ActivitiesBetween(f.ctx, f.house, t0.Add(-hour), t0.Add(3*hour))
		}, []string{"running", "soon"}},
		{"another house has none", func(tx bot.Tx) ([]*bot.Activity, error) {
			return tx.UpcomingActivities(f.ctx, f.house+1, t0)
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			view(t, f.db, func(tx bot.Tx) error {
				as, err := c.list(tx)
				if got := titles(as); !slices.Equal(got, c.want) {
					t.Errorf("got %v, want %v", got, c.want)
				}
				return err
			})
		})
	}
}

func TestRSVPsAndAttendance(t *testing.T) {
	f := newFixture(t)
	robin, casey := f.member(t, "U-robin", "Robin"), f.member(t, "U-casey", "Casey")
	a := f.activity(t, "Beach walk", t0.Add(24*time.Hour))
	update(t, f.db, func(tx bot.Tx) error {
		return errors.Join(
			tx.SetRSVP(f.ctx, bot.RSVP{ActivityID: a.ID, MemberID: robin.ID, Status: bot.RSVPMaybe, UpdatedAt: t0}),
			tx.SetRSVP(f.ctx, bot.RSVP{ActivityID: a.ID, MemberID: casey.ID, Status: bot.RSVPGoing, UpdatedAt: t0.Add(time.Millisecond)}),
			// Robin changes their mind: one answer each, ordered by change.
			tx.SetRSVP(f.ctx, bot.RSVP{ActivityID: a.ID, MemberID: robin.ID, Status: bot.RSVPGoing, UpdatedAt: t0.Add(2 * time.Millisecond)}),
		)
	})
	update(t, f.db, func(tx bot.Tx) error {
		for i, want := range []bool{true, false} {
			first, err := tx.RecordAttendance(f.ctx, a.ID, casey.ID, "self", t0.Add(24*time.Hour+time.Duration(i)*time.Minute))
			if err != nil {
				return err
			}
			if first != want {
				t.Errorf("attendance %d first = %v, want %v", i, first, want)
			}
		}
		return nil
	})
	view(t, f.db, func(tx bot.Tx) error {
		rsvps, err := tx.RSVPs(f.ctx, a.ID)
		if err != nil {
			return err
		}
		want := []bot.RSVP{
			{ActivityID: a.ID, MemberID: casey.ID, Status: bot.RSVPGoing, UpdatedAt: t0.Add(time.Millisecond)},
			{ActivityID: a.ID, MemberID: robin.ID, Status: bot.RSVPGoing, UpdatedAt: t0.Add(2 * time.Millisecond)},
		}
		if !slices.EqualFunc(rsvps, want, func(a, b bot.RSVP) bool {
			return a.ActivityID == b.ActivityID && a.MemberID == b.MemberID && a.Status == b.Status && a.UpdatedAt.Equal(b.UpdatedAt)
		}) {
			t.Errorf("RSVPs = %+v, want %+v", rsvps, want)
		}
		came, err := tx.Attendance(f.ctx, a.ID)
		if !slices.Equal(came, []int64{casey.ID}) {
			t.Errorf("Attendance = %v, want [%d]", came, casey.ID)
		}
		return err
	})
	// An RSVP with a status the schema does not know is refused.
	err := f.db.Update(f.ctx, func(tx bot.Tx) error {
		return tx.SetRSVP(f.ctx, bot.RSVP{ActivityID: a.ID, MemberID: robin.ID, Status: "perhaps", UpdatedAt: t0})
	})
	if err == nil || errors.Is(err, bot.ErrDuplicate) {
		t.Errorf("RSVP \"perhaps\" = %v, want an error", err)
	}
}

func TestPartnerPingsAndStatsInAWindow(t *testing.T) {
	f := newFixture(t)
	a, b := f.member(t, "U-a", "Ash"), f.member(t, "U-b", "Bo")
	day := 24 * time.Hour
	p := &bot.Pair{HouseID: f.house, Members: []int64{b.ID, a.ID}, How: "manual", FormedAt: t0}
	update(t, f.db, func(tx bot.Tx) error { return tx.CreatePair(f.ctx, p) })
	inWeek, lastWeek := &bot.PartnerPing{HouseID: f.house, PairID: p.ID, About: a.ID, Kind: "support", At: t0.Add(day), SentAt: t0.Add(day)},
		&bot.PartnerPing{HouseID: f.house, PairID: p.ID, About: b.ID, Kind: "missed", At: t0.Add(-day), SentAt: t0.Add(-day)}
	update(t, f.db, func(tx bot.Tx) error {
		if err := errors.Join(tx.RecordPing(f.ctx, inWeek), tx.RecordPing(f.ctx, lastWeek),
			tx.RecordNudge(f.ctx, p.ID, "2026-11-17", t0.Add(day)), tx.SetPingsOff(f.ctx, a.ID, true, t0)); err != nil {
			return err
		}
		_, err := tx.RecordContact(f.ctx, p.ID, "2026-11-17", a.ID, t0.Add(day))
		return err
	})
	update(t, f.db, func(tx bot.Tx) error {
		for i, want := range []bool{true, false} {
			first, err := tx.AnswerPing(f.ctx, inWeek.ID, t0.Add(day+time.Duration(i+1)*time.Minute))
			if err != nil {
				return err
			}
			if first != want {
				t.Errorf("answer %d first = %v, want %v", i, first, want)
			}
		}
		return nil
	})
	view(t, f.db, func(tx bot.Tx) error {
		got, err := tx.PingByID(f.ctx, inWeek.ID)
		if err != nil {
			return err
		}
		if !got.AnsweredAt.Equal(t0.Add(day+time.Minute)) || got.About != a.ID || got.Kind != "support" {
			t.Errorf("ping = %+v, want the first answer kept", got)
		}
		pair, err := tx.PairByID(f.ctx, p.ID)
		if err != nil {
			return err
		}
		if want := []int64{a.ID, b.ID}; !slices.Equal(pair.Members, want) {
			t.Errorf("pair members = %v, want ascending %v", pair.Members, want)
		}
		for d, want := range map[string]bool{"2026-11-17": true, "2026-11-18": false} {
			if got, err := tx.Contacted(f.ctx, p.ID, d); err != nil || got != want {
				t.Errorf("Contacted(%s) = %v, %v; want %v", d, got, err, want)
			}
		}
		stats, err := tx.PartnerStats(f.ctx, f.house, t0, t0.Add(7*day))
		if err != nil {
			return err
		}
		if want := (bot.PartnerStats{Pairs: 1, Nudges: 1, Contacts: 1, Pings: 1, PingsAnswered: 1, PingsOff: 1}); stats != want {
			t.Errorf("PartnerStats = %+v, want %+v", stats, want)
		}
		return nil
	})
	// Turning pings back on is counted at once.
	update(t, f.db, func(tx bot.Tx) error { return tx.SetPingsOff(f.ctx, a.ID, false, t0) })
	view(t, f.db, func(tx bot.Tx) error {
		off, err := tx.PingsOff(f.ctx, a.ID)
		if off {
			t.Error("pings still off after turning them on")
		}
		return err
	})
}

// TestDigestWindowsAreHalfOpen checks the digest's [from, to) windows on
// memberships and pairs: what overlaps the week is in, what ended before
// it or began at its end is out.
func TestDigestWindowsAreHalfOpen(t *testing.T) {
	f := newFixture(t)
	day := 24 * time.Hour
	from, to := t0, t0.Add(7*day)
	save := func(user string, joined, left time.Time) *bot.Member {
		m := &bot.Member{HouseID: f.house, Platform: "test", UserID: user, Status: bot.MemberActive, JoinedAt: joined, LeftAt: left}
		if !left.IsZero() {
			m.Status = bot.MemberLeft
		}
		update(t, f.db, func(tx bot.Tx) error { return tx.SaveMember(f.ctx, m) })
		return m
	}
	long := save("U-long", from.Add(-30*day), time.Time{})
	save("U-leftBefore", from.Add(-30*day), from.Add(-time.Second))
	save("U-leftDuring", from.Add(-30*day), from.Add(day))
	joined := save("U-joinedDuring", from.Add(2*day), time.Time{})
	save("U-joinedAtEnd", to, time.Time{})

	var pairs []*bot.Pair
	for _, p := range []struct{ formed, ended time.Time }{
		{from.Add(-day), time.Time{}},       // current
		{from.Add(-7 * day), from},          // ended at the start: still counted
		{from.Add(-7 * day), from.Add(-1)},  // ended before
		{to, time.Time{}},                   // formed at the end
		{from.Add(day), from.Add(2 * day)},  // inside
		{from.Add(-day), to.Add(time.Hour)}, // spans it
	} {
		pair := &bot.Pair{HouseID: f.house, Members: []int64{long.ID, joined.ID}, How: "manual", FormedAt: p.formed}
		update(t, f.db, func(tx bot.Tx) error {
			if err := tx.CreatePair(f.ctx, pair); err != nil {
				return err
			}
			if p.ended.IsZero() {
				return nil
			}
			return tx.EndPair(f.ctx, pair.ID, p.ended)
		})
		pairs = append(pairs, pair)
	}
	view(t, f.db, func(tx bot.Tx) error {
		ms, err := tx.MembersBetween(f.ctx, f.house, from, to)
		if err != nil {
			return err
		}
		if got, want := userIDs(ms), []string{"U-long", "U-leftDuring", "U-joinedDuring"}; !slices.Equal(got, want) {
			t.Errorf("MembersBetween = %v, want %v", got, want)
		}
		ps, err := tx.PairsBetween(f.ctx, f.house, from, to)
		if err != nil {
			return err
		}
		var got []int64
		for _, p := range ps {
			got = append(got, p.ID)
		}
		if want := []int64{pairs[0].ID, pairs[1].ID, pairs[4].ID, pairs[5].ID}; !slices.Equal(got, want) {
			t.Errorf("PairsBetween = %v, want %v", got, want)
		}
		return nil
	})
}

// TestSentinelsFromThePublicMethods checks the promises of bot.Tx about
// ErrNotFound and ErrDuplicate, method by method, and that a broken
// reference is neither.
func TestSentinelsFromThePublicMethods(t *testing.T) {
	f := newFixture(t)
	robin := f.member(t, "U-robin", "Robin")
	const missing = 4242
	cases := []struct {
		name string
		fn   func(tx bot.Tx) error
		want error // nil: an error that is neither sentinel
	}{
		{"PairByID", func(tx bot.Tx) error { _, err := tx.PairByID(f.ctx, missing); return err }, bot.ErrNotFound},
		{"PairOf", func(tx bot.Tx) error { _, err := tx.PairOf(f.ctx, robin.ID); return err }, bot.ErrNotFound},
		{"PingByID", func(tx bot.Tx) error { _, err := tx.PingByID(f.ctx, missing); return err }, bot.ErrNotFound},
		{"ActivityByID", func(tx bot.Tx) error { _, err := tx.ActivityByID(f.ctx, missing); return err }, bot.ErrNotFound},
		{"CrisisAlertByID", func(tx bot.Tx) error { _, err := tx.CrisisAlertByID(f.ctx, missing); return err }, bot.ErrNotFound},
		{"CurrentSoberDate", func(tx bot.Tx) error { _, err := tx.CurrentSoberDate(f.ctx, robin.ID); return err }, bot.ErrNotFound},
		{"Conversation", func(tx bot.Tx) error { _, err := tx.Conversation(f.ctx, "test", "U-robin", t0); return err }, bot.ErrNotFound},
		{"SaveMember twice", func(tx bot.Tx) error {
			return tx.SaveMember(f.ctx, &bot.Member{HouseID: f.house, Platform: "test", UserID: "U-robin", Status: bot.MemberActive})
		}, bot.ErrDuplicate},
		{"CreatePair with one member", func(tx bot.Tx) error {
			return tx.CreatePair(f.ctx, &bot.Pair{HouseID: f.house, Members: []int64{robin.ID}, How: "manual", FormedAt: t0})
		}, nil},
		{"CreatePair with a member who is not there", func(tx bot.Tx) error {
			return tx.CreatePair(f.ctx, &bot.Pair{HouseID: f.house, Members: []int64{robin.ID, missing}, How: "manual", FormedAt: t0})
		}, nil},
		{"CreatePair twice the same member", func(tx bot.Tx) error {
			return tx.CreatePair(f.ctx, &bot.Pair{HouseID: f.house, Members: []int64{robin.ID, robin.ID}, How: "manual", FormedAt: t0})
		}, bot.ErrDuplicate},
		{"SaveAnswer in no round", func(tx bot.Tx) error {
			return tx.SaveAnswer(f.ctx, &bot.Answer{RoundID: missing, MemberID: robin.ID, Visibility: bot.VisPrivate, AnsweredAt: t0, UpdatedAt: t0})
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := f.db.Update(f.ctx, c.fn)
			switch {
			case err == nil:
				t.Errorf("got no error, want %v", c.want)
			case c.want != nil && !errors.Is(err, c.want):
				t.Errorf("got %v, want %v", err, c.want)
			case c.want == nil && (errors.Is(err, bot.ErrNotFound) || errors.Is(err, bot.ErrDuplicate)):
				t.Errorf("got %v, want neither sentinel", err)
			}
		})
	}
	// A failed CreatePair rolls back with its Update: no half pair.
	view(t, f.db, func(tx bot.Tx) error {
		ps, err := tx.CurrentPairs(f.ctx, f.house)
		if len(ps) != 0 {
			t.Errorf("CurrentPairs = %+v, want none", ps)
		}
		return err
	})
}

// TestActivityKeepsItsCalendarEvent stores the outbox row of an activity's
// calendar event with the activity, so a restart edits the same event.
func TestActivityKeepsItsCalendarEvent(t *testing.T) {
	f := newFixture(t)
	a := f.activity(t, "Movie night", t0.Add(48*time.Hour))
	update(t, f.db, func(tx bot.Tx) error {
		var err error
		out := bot.Outgoing{Target: bot.Target{Kind: bot.TargetCalendar, Channel: "C-house"}, Event: &bot.CalendarEvent{Name: "Movie night", Location: "Living room", Start: a.StartsAt, End: a.EndsAt}}
		if a.Event, err = tx.Enqueue(f.ctx, &bot.OutboxMessage{HouseID: f.house, Platform: "test", Out: out, CreatedAt: t0, NextAt: t0}); err != nil {
			return err
		}
		return tx.UpdateActivity(f.ctx, a)
	})
	var got *bot.Activity
	update(t, f.db, func(tx bot.Tx) error {
		var err error
		got, err = tx.ActivityByID(f.ctx, a.ID)
		return err
	})
	if got.Event == 0 || got.Event != a.Event {
		t.Fatalf("event row = %d, want %d", got.Event, a.Event)
	}
	m, err := f.db.OutboxMessage(f.ctx, got.Event)
	if err != nil || m.Out.Event == nil || m.Out.Event.Location != "Living room" || m.Out.Target.Kind != bot.TargetCalendar {
		t.Errorf("the event row = %+v, %v", m, err)
	}
}
