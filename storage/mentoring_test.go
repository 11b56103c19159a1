package storage_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// mentoringWorld is a house with a mentor, two residents and Robin's
// agreement with the mentor, in force, with boundaries.
type mentoringWorld struct {
	*fixture
	morgan, robin, casey *bot.Member
	agreement            *bot.Agreement
}

func newMentoringWorld(t *testing.T) *mentoringWorld {
	t.Helper()
	f := newFixture(t)
	w := &mentoringWorld{fixture: f, morgan: f.member(t, "U-morgan", "Morgan"), robin: f.member(t, "U-robin", "Robin"), casey: f.member(t, "U-casey", "Casey")}
	w.agreement = &bot.Agreement{HouseID: f.house, MentorID: w.morgan.ID, MenteeID: w.robin.ID, EveryWeeks: 1, Mode: "call", Weekday: time.Tuesday,
		Clock: "19:00", Boundaries: "No calls after 21:00", Status: bot.AgreementActive, ProposedBy: w.morgan.ID, CreatedAt: t0, AgreedAt: t0,
		NextContact: t0.Add(24 * time.Hour)}
	update(t, f.db, func(tx bot.Tx) error { return tx.CreateAgreement(f.ctx, w.agreement) })
	return w
}

// TestBoundariesOnlyForTheTwoSides: only AgreementsFor, with a reader who
// is a side, returns the boundaries; the system's reads never do.
func TestBoundariesOnlyForTheTwoSides(t *testing.T) {
	w := newMentoringWorld(t)
	view(t, w.db, func(tx bot.Tx) error {
		for _, reader := range []*bot.Member{w.morgan, w.robin} {
			as, err := tx.AgreementsFor(w.ctx, reader.ID)
			if err != nil {
				return err
			}
			if len(as) != 1 || as[0].Boundaries != "No calls after 21:00" || as[0].Weekday != time.Tuesday || as[0].Clock != "19:00" {
				t.Errorf("%s reads %+v", reader.Name, as)
			}
		}
		if as, err := tx.AgreementsFor(w.ctx, w.casey.ID); err != nil || len(as) != 0 {
			t.Errorf("Casey reads %+v, %v; want nothing", as, err)
		}
		if as, err := tx.AgreementsFor(w.ctx, 0); err != nil || len(as) != 0 {
			t.Errorf("nobody reads %+v, %v; want nothing", as, err)
		}
		a, err := tx.AgreementByID(w.ctx, w.agreement.ID)
		if err != nil || a.Boundaries != "" || a.MenteeID != w.robin.ID {
			t.Errorf("AgreementByID = %+v, %v; want it without boundaries", a, err)
		}
		due, err := tx.DueAgreements(w.ctx, t0.Add(48*time.Hour))
		if err != nil || len(due) != 1 || due[0].Boundaries != "" {
			t.Errorf("DueAgreements = %+v, %v", due, err)
		}
		if due, err := tx.DueAgreements(w.ctx, t0); err != nil || len(due) != 0 {
			t.Errorf("DueAgreements before the next contact = %+v, %v", due, err)
		}
		mine, err := tx.AgreementsOfMentee(w.ctx, w.robin.ID)
		if err != nil || len(mine) != 1 || mine[0].Boundaries != "" {
			t.Errorf("AgreementsOfMentee = %+v, %v", mine, err)
		}
		_, err = tx.AgreementByID(w.ctx, 999)
		if !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("a missing agreement = %v", err)
		}
		return nil
	})
}

// TestOneAgreementInForceAndOneProposedPerResident: the schema refuses a
// second active or proposed agreement for the same resident.
func TestOneAgreementInForceAndOneProposedPerResident(t *testing.T) {
	w := newMentoringWorld(t)
	second := func(status string, mentor *bot.Member) error {
		a := *w.agreement
		a.ID, a.Status, a.MentorID, a.ProposedBy = 0, status, mentor.ID, mentor.ID
		return w.db.Update(w.ctx, func(tx bot.Tx) error { return tx.CreateAgreement(w.ctx, &a) })
	}
	if err := second(bot.AgreementActive, w.casey); !errors.Is(err, bot.ErrDuplicate) {
		t.Errorf("a second active agreement = %v, want ErrDuplicate", err)
	}
	if err := second(bot.AgreementProposed, w.casey); err != nil {
		t.Errorf("a proposal = %v", err)
	}
	if err := second(bot.AgreementProposed, w.morgan); !errors.Is(err, bot.ErrDuplicate) {
		t.Errorf("a second proposal = %v, want ErrDuplicate", err)
	}
	if err := second(bot.AgreementEnded, w.morgan); err != nil {
		t.Errorf("an ended one = %v", err)
	}
}

// TestContactsAreKeyedAndAnsweredOnce: a contact is unique per due time,
// asked once, and its first answer counts.
func TestContactsAreKeyedAndAnsweredOnce(t *testing.T) {
	w := newMentoringWorld(t)
	due := t0.Add(24 * time.Hour)
	c := &bot.MentorContact{AgreementID: w.agreement.ID, HouseID: w.house, DueAt: due, RemindedAt: t0}
	update(t, w.db, func(tx bot.Tx) error { return tx.CreateContact(w.ctx, c) })
	err := w.db.Update(w.ctx, func(tx bot.Tx) error {
		return tx.CreateContact(w.ctx, &bot.MentorContact{AgreementID: w.agreement.ID, HouseID: w.house, DueAt: due})
	})
	if !errors.Is(err, bot.ErrDuplicate) {
		t.Errorf("the same contact again = %v, want ErrDuplicate", err)
	}
	update(t, w.db, func(tx bot.Tx) error {
		if got, err := tx.ContactsToAsk(w.ctx, due.Add(-time.Minute)); err != nil || len(got) != 0 {
			t.Errorf("to ask before it is due = %v, %v", got, err)
		}
		got, err := tx.ContactsToAsk(w.ctx, due)
		if err != nil || len(got) != 1 || got[0].ID != c.ID || got[0].Outcome != bot.ContactPending {
			t.Errorf("to ask = %+v, %v", got, err)
		}
		c.AskedAt = due.Add(2 * time.Hour)
		if err := tx.UpdateContact(w.ctx, c); err != nil {
			return err
		}
		if got, err := tx.ContactsToAsk(w.ctx, due.Add(time.Hour)); err != nil || len(got) != 0 {
			t.Errorf("to ask once asked = %v, %v", got, err)
		}
		first, err := tx.AnswerContact(w.ctx, c.ID, bot.ContactMissed, w.robin.ID, due.Add(3*time.Hour))
		if err != nil || !first {
			t.Errorf("first answer = %v, %v", first, err)
		}
		again, err := tx.AnswerContact(w.ctx, c.ID, bot.ContactHappened, w.morgan.ID, due.Add(4*time.Hour))
		if err != nil || again {
			t.Errorf("second answer = %v, %v; want ignored", again, err)
		}
		back, err := tx.ContactByID(w.ctx, c.ID)
		if err != nil || back.Outcome != bot.ContactMissed || back.AnsweredBy != w.robin.ID || !back.RemindedAt.Equal(t0) {
			t.Errorf("contact = %+v, %v", back, err)
		}
		return nil
	})
}

// TestMentoringStatsCountTheWeek: agreements in force and contacts due in
// the window, by outcome; skipped ones are not counted.
func TestMentoringStatsCountTheWeek(t *testing.T) {
	w := newMentoringWorld(t)
	outcomes := []string{bot.ContactHappened, bot.ContactMissed, bot.ContactRescheduled, bot.ContactPending, bot.ContactSkipped, bot.ContactHappened}
	update(t, w.db, func(tx bot.Tx) error {
		for i, o := range outcomes {
			c := &bot.MentorContact{AgreementID: w.agreement.ID, HouseID: w.house, DueAt: t0.Add(time.Duration(i) * 24 * time.Hour), Outcome: o}
			if err := tx.CreateContact(w.ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, w.db, func(tx bot.Tx) error {
		s, err := tx.MentoringStats(w.ctx, w.house, t0, t0.Add(5*24*time.Hour))
		if err != nil {
			return err
		}
		if got, want := fmt.Sprintf("%+v", s), "{Agreements:1 Contacts:4 Happened:1 Missed:1 Rescheduled:1 Unanswered:1}"; got != want {
			t.Errorf("stats = %s, want %s", got, want)
		}
		s, err = tx.MentoringStats(w.ctx, w.house, t0.Add(-7*24*time.Hour), t0)
		if err != nil || s != (bot.MentoringStats{}) {
			t.Errorf("the week before = %+v, %v; want nothing", s, err)
		}
		return nil
	})
}

// TestGoalProgressReaders tries every reader against shared and private
// goals, with the agreement active, proposed and ended.
func TestGoalProgressReaders(t *testing.T) {
	w := newMentoringWorld(t)
	update(t, w.db, func(tx bot.Tx) error {
		for _, g := range []*bot.Goal{
			{HouseID: w.house, MemberID: w.robin.ID, Text: "shared", Status: bot.GoalActive, Shared: true, CreatedAt: t0},
			{HouseID: w.house, MemberID: w.robin.ID, Text: "private", Status: bot.GoalActive, CreatedAt: t0},
		} {
			if err := tx.AddGoal(w.ctx, g); err != nil {
				return err
			}
			c := &bot.GoalCheck{GoalID: g.ID, AskedFor: t0, AskedAt: t0}
			if err := tx.CreateGoalCheck(w.ctx, c); err != nil {
				return err
			}
			note := "note on " + g.Text
			if err := tx.AnswerGoalCheck(w.ctx, c.ID, 4, &note, t0); err != nil {
				return err
			}
		}
		return nil
	})
	read := func(reader int64) string {
		var out string
		view(t, w.db, func(tx bot.Tx) error {
			ps, err := tx.GoalProgress(w.ctx, w.robin.ID, reader, t0.Add(-time.Hour))
			for _, p := range ps {
				out += fmt.Sprintf("%s:%d:%s;", p.Goal.Text, p.Checks[0].Rating, p.Checks[0].Note)
			}
			return err
		})
		return out
	}
	both := "shared:4:note on shared;private:4:note on private;"
	for _, c := range []struct {
		status string
		reader *bot.Member
		want   string
	}{
		{bot.AgreementActive, w.robin, both},
		{bot.AgreementActive, w.morgan, "shared:4:note on shared;"},
		{bot.AgreementActive, w.casey, ""},
		{bot.AgreementProposed, w.morgan, ""},
		{bot.AgreementEnded, w.morgan, ""},
		{bot.AgreementEnded, w.robin, both},
	} {
		w.agreement.Status = c.status
		update(t, w.db, func(tx bot.Tx) error { return tx.UpdateAgreement(w.ctx, w.agreement) })
		if got := read(c.reader.ID); got != c.want {
			t.Errorf("agreement %s, %s reads %q, want %q", c.status, c.reader.Name, got, c.want)
		}
	}
	if got := read(0); got != "" {
		t.Errorf("reader 0 reads %q", got)
	}
	// A mentor of someone else's agreement reads nothing of Robin's.
	update(t, w.db, func(tx bot.Tx) error {
		w.agreement.Status = bot.AgreementActive
		if err := tx.UpdateAgreement(w.ctx, w.agreement); err != nil {
			return err
		}
		return tx.CreateAgreement(w.ctx, &bot.Agreement{HouseID: w.house, MentorID: w.casey.ID, MenteeID: w.morgan.ID, EveryWeeks: 2, Mode: "text",
			Weekday: time.Monday, Clock: "08:00", Status: bot.AgreementActive, ProposedBy: w.casey.ID, CreatedAt: t0, AgreedAt: t0})
	})
	if got := read(w.casey.ID); got != "" {
		t.Errorf("another pair's mentor reads %q", got)
	}
}

// TestMentoringAndGoalsFollowTheMember: erasing either side removes the
// agreement and its contacts; erasing the resident removes their goals;
// the export lists them without naming the other side.
func TestMentoringAndGoalsFollowTheMember(t *testing.T) {
	w := newMentoringWorld(t)
	update(t, w.db, func(tx bot.Tx) error {
		g := &bot.Goal{HouseID: w.house, MemberID: w.robin.ID, Text: "walk daily", Status: bot.GoalActive, CreatedAt: t0}
		if err := tx.AddGoal(w.ctx, g); err != nil {
			return err
		}
		if err := tx.SetGoalCadence(w.ctx, w.robin.ID, 2, t0); err != nil {
			return err
		}
		return tx.CreateContact(w.ctx, &bot.MentorContact{AgreementID: w.agreement.ID, HouseID: w.house, DueAt: t0, Outcome: bot.ContactHappened})
	})
	view(t, w.db, func(tx bot.Tx) error {
		for _, m := range []*bot.Member{w.robin, w.morgan} {
			d, err := tx.ExportMember(w.ctx, m.ID)
			if err != nil {
				return err
			}
			if len(d.MentoringAgreements) != 1 || d.MentoringAgreements[0].Boundaries != "No calls after 21:00" || len(d.MentoringAgreements[0].Contacts) != 1 {
				t.Errorf("%s's export = %+v", m.Name, d.MentoringAgreements)
			}
		}
		d, err := tx.ExportMember(w.ctx, w.robin.ID)
		if err != nil {
			return err
		}
		if len(d.Goals) != 1 || d.Goals[0].Goal.Text != "walk daily" || d.GoalCadence != 2 || d.MentoringAgreements[0].Role != "mentee" {
			t.Errorf("Robin's export = %+v %d", d.Goals, d.GoalCadence)
		}
		d, err = tx.ExportMember(w.ctx, w.casey.ID)
		if err != nil || len(d.Goals) != 0 || len(d.MentoringAgreements) != 0 || d.GoalCadence != 1 {
			t.Errorf("Casey's export = %+v, %v", d, err)
		}
		return nil
	})
	update(t, w.db, func(tx bot.Tx) error { return tx.EraseMember(w.ctx, w.morgan.ID) })
	view(t, w.db, func(tx bot.Tx) error {
		if as, err := tx.AgreementsFor(w.ctx, w.robin.ID); err != nil || len(as) != 0 {
			t.Errorf("after the mentor's erasure, Robin's agreements = %+v, %v", as, err)
		}
		if _, err := tx.AgreementByID(w.ctx, w.agreement.ID); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("the agreement survived: %v", err)
		}
		if gs, err := tx.OwnGoals(w.ctx, w.robin.ID); err != nil || len(gs) != 1 {
			t.Errorf("Robin's goals after the mentor's erasure = %+v, %v", gs, err)
		}
		return nil
	})
	update(t, w.db, func(tx bot.Tx) error { return tx.EraseMember(w.ctx, w.robin.ID) })
	view(t, w.db, func(tx bot.Tx) error {
		if n, err := tx.ResidentsWithGoals(w.ctx, w.house, t0, t0.Add(time.Hour)); err != nil || n != 0 {
			t.Errorf("residents with goals after erasure = %d, %v", n, err)
		}
		return nil
	})
}

// TestRetentionOfMentoringAndGoals: boundaries of ended agreements, the
// words of done goals and old notes are redacted in batches; active
// agreements and goals keep theirs, and ratings stay.
func TestRetentionOfMentoringAndGoals(t *testing.T) {
	w := newMentoringWorld(t)
	cutoff := t0.Add(30 * 24 * time.Hour)
	var done, active *bot.Goal
	var check *bot.GoalCheck
	update(t, w.db, func(tx bot.Tx) error {
		ended := *w.agreement
		ended.ID, ended.Status, ended.MenteeID, ended.EndedAt = 0, bot.AgreementEnded, w.casey.ID, t0
		if err := tx.CreateAgreement(w.ctx, &ended); err != nil {
			return err
		}
		done = &bot.Goal{HouseID: w.house, MemberID: w.robin.ID, Text: "done goal", Status: bot.GoalDone, CreatedAt: t0, DoneAt: t0}
		active = &bot.Goal{HouseID: w.house, MemberID: w.robin.ID, Text: "active goal", Status: bot.GoalActive, CreatedAt: t0}
		for _, g := range []*bot.Goal{done, active} {
			if err := tx.AddGoal(w.ctx, g); err != nil {
				return err
			}
		}
		check = &bot.GoalCheck{GoalID: active.ID, AskedFor: t0, AskedAt: t0}
		if err := tx.CreateGoalCheck(w.ctx, check); err != nil {
			return err
		}
		note := "old note"
		return tx.AnswerGoalCheck(w.ctx, check.ID, 3, &note, t0)
	})
	update(t, w.db, func(tx bot.Tx) error {
		if n, err := tx.RedactBoundaries(w.ctx, w.house, t0, 10); err != nil || n != 0 {
			t.Errorf("redacting what ended at the cutoff = %d, %v", n, err)
		}
		if n, err := tx.RedactBoundaries(w.ctx, w.house, cutoff, 10); err != nil || n != 1 {
			t.Errorf("boundaries redacted = %d, %v; want 1", n, err)
		}
		if n, err := tx.RedactGoals(w.ctx, w.house, cutoff, 1); err != nil || n != 2 {
			t.Errorf("goal rows redacted = %d, %v; want the done goal and the note", n, err)
		}
		if n, err := tx.RedactGoals(w.ctx, w.house, cutoff, 1); err != nil || n != 0 {
			t.Errorf("redacting again = %d, %v; want 0", n, err)
		}
		return nil
	})
	view(t, w.db, func(tx bot.Tx) error {
		if as, err := tx.AgreementsFor(w.ctx, w.robin.ID); err != nil || as[0].Boundaries != "No calls after 21:00" {
			t.Errorf("the active agreement lost its boundaries: %+v, %v", as, err)
		}
		d, err := tx.ExportMember(w.ctx, w.casey.ID)
		if err != nil || d.MentoringAgreements[0].Boundaries != "" {
			t.Errorf("the ended agreement kept its boundaries: %+v, %v", d.MentoringAgreements, err)
		}
		gs, err := tx.GoalProgress(w.ctx, w.robin.ID, w.robin.ID, time.Time{})
		if err != nil {
			return err
		}
		for _, p := range gs {
			switch p.Goal.ID {
			case done.ID:
				if p.Goal.Text != "" || !p.Goal.Redacted {
					t.Errorf("done goal = %+v", p.Goal)
				}
			case active.ID:
				if p.Goal.Text != "active goal" || p.Checks[0].Note != "" || !p.Checks[0].Redacted || p.Checks[0].Rating != 3 {
					t.Errorf("active goal = %+v %+v", p.Goal, p.Checks)
				}
			}
		}
		return nil
	})
}
