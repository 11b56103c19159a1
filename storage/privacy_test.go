package storage_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

func TestCrisisAlertsAckOnceAndEscalate(t *testing.T) {
	f := newFixture(t)
	a := &bot.CrisisAlert{HouseID: f.house, UserID: "U-robin", Name: "Robin", CreatedAt: t0}
	update(t, f.db, func(tx bot.Tx) error { return tx.CreateCrisisAlert(f.ctx, a) })
	var due []*bot.CrisisAlert
	view(t, f.db, func(tx bot.Tx) (err error) {
		due, err = tx.DueEscalations(f.ctx, t0.Add(-time.Minute))
		return err
	})
	if len(due) != 0 {
		t.Errorf("due before its time: %d", len(due))
	}
	view(t, f.db, func(tx bot.Tx) (err error) {
		due, err = tx.DueEscalations(f.ctx, t0)
		return err
	})
	if len(due) != 1 || due[0].Name != "Robin" {
		t.Fatalf("due = %+v, want Robin's alert", due)
	}
	update(t, f.db, func(tx bot.Tx) error { return tx.MarkEscalated(f.ctx, a.ID, t0.Add(15*time.Minute)) })
	view(t, f.db, func(tx bot.Tx) (err error) {
		due, err = tx.DueEscalations(f.ctx, t0.Add(time.Hour))
		return err
	})
	if len(due) != 0 {
		t.Errorf("escalated twice: %d due", len(due))
	}
	for i, want := range []bool{true, false} {
		update(t, f.db, func(tx bot.Tx) error {
			first, err := tx.AckCrisisAlert(f.ctx, a.ID, "U-mentor", t0.Add(time.Duration(i+16)*time.Minute))
			if first != want {
				t.Errorf("ack %d first = %v, want %v", i, first, want)
			}
			return err
		})
	}
	view(t, f.db, func(tx bot.Tx) error {
		got, err := tx.CrisisAlertByID(f.ctx, a.ID)
		if err == nil && (got.AckedBy != "U-mentor" || !got.AckedAt.Equal(t0.Add(16*time.Minute)) || got.EscalatedAt.IsZero()) {
			t.Errorf("alert = %+v, want the first ack kept", got)
		}
		return err
	})
}

func TestExportAndEraseMember(t *testing.T) {
	f := newFixture(t)
	robin, casey := f.member(t, "U-robin", "Robin"), f.member(t, "U-casey", "Casey")
	r1, r2 := f.round(t, t0), f.round(t, t0.Add(24*time.Hour))
	f.answer(t, r1, robin, bot.VisPrivate, t0)
	f.answer(t, r1, casey, bot.VisHouse, t0)
	update(t, f.db, func(tx bot.Tx) error {
		if err := tx.RecordMiss(f.ctx, r2.ID, robin.ID, bot.MissMissed); err != nil {
			return err
		}
		return tx.SetGrantedRole(f.ctx, f.house, "U-robin", bot.RoleMentor, true, "U-owner", t0)
	})
	var d *bot.MemberData
	view(t, f.db, func(tx bot.Tx) (err error) {
		d, err = tx.ExportMember(f.ctx, robin.ID)
		return err
	})
	if d.Member.UserID != "U-robin" || len(d.Answers) != 1 || d.Answers[0].Values["win"] != "a win of Robin" || len(d.Misses) != 1 || len(d.Roles) != 1 {
		t.Fatalf("export = %+v", d)
	}
	update(t, f.db, func(tx bot.Tx) error {
		dm := &bot.OutboxMessage{HouseID: f.house, Platform: "test", NextAt: t0, CreatedAt: t0,
			Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: "U-robin"}, Message: bot.Message{Text: "a nudge for Robin"}}}
		if _, err := tx.Enqueue(f.ctx, dm); err != nil {
			return err
		}
		return tx.CreateCrisisAlert(f.ctx, &bot.CrisisAlert{HouseID: f.house, UserID: "U-robin", Name: "Robin", CreatedAt: t0})
	})
	update(t, f.db, func(tx bot.Tx) error { return tx.EraseMember(f.ctx, robin.ID) })
	if n, err := f.db.Outbox().Pending(f.ctx); err != nil || n != 0 {
		t.Errorf("messages to Robin after erase = %d, %v; want none", n, err)
	}
	view(t, f.db, func(tx bot.Tx) error {
		as, err := tx.CrisisAlertsBetween(f.ctx, f.house, t0, t0.Add(time.Hour))
		if err != nil || len(as) != 1 || as[0].Name == "Robin" || as[0].UserID == "U-robin" {
			t.Errorf("alerts after erase = %+v, %v; want one, anonymous", as, err)
		}
		return nil
	})
	view(t, f.db, func(tx bot.Tx) error {
		if _, err := tx.MemberByID(f.ctx, robin.ID); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("member after erase: %v, want not found", err)
		}
		if role, err := tx.GrantedRoles(f.ctx, f.house, "U-robin"); err != nil || role != 0 {
			t.Errorf("roles after erase = %v, %v", role, err)
		}
		n, err := tx.CountAnswers(f.ctx, r1.ID)
		if err != nil || n != 1 {
			t.Errorf("answers left in the round = %d, %v; want Casey's only", n, err)
		}
		return nil
	})
}

func TestAnswersToRedact(t *testing.T) {
	f := newFixture(t)
	robin := f.member(t, "U-robin", "Robin")
	old, recent := f.round(t, t0), f.round(t, t0.Add(48*time.Hour))
	a := f.answer(t, old, robin, bot.VisMentors, t0)
	f.answer(t, recent, robin, bot.VisMentors, t0.Add(48*time.Hour))
	var got []*bot.Answer
	update(t, f.db, func(tx bot.Tx) (err error) {
		got, err = tx.AnswersToRedact(f.ctx, f.house, t0.Add(time.Hour), 10)
		return err
	})
	if len(got) != 1 || got[0].ID != a.ID {
		t.Fatalf("to redact = %+v, want only the old answer", got)
	}
	a.Values, a.Redacted, a.UpdatedAt = map[string]string{}, true, t0.Add(72*time.Hour)
	update(t, f.db, func(tx bot.Tx) error { return tx.SaveAnswer(f.ctx, a) })
	update(t, f.db, func(tx bot.Tx) (err error) {
		got, err = tx.AnswersToRedact(f.ctx, f.house, t0.Add(time.Hour), 10)
		return err
	})
	if len(got) != 0 {
		t.Errorf("a redacted answer is listed again: %d", len(got))
	}
}

// TestRedactionMarkSkipsNoAnswer: night after night, the redaction mark
// moves past the rounds that are done with, and never past an answer
// still to redact: one given in a round that was open when the mark moved,
// one given after the retention period's end in a round before it, and an
// answer saved again after its redaction, which stays redacted.
func TestRedactionMarkSkipsNoAnswer(t *testing.T) {
	f := newFixture(t)
	robin, casey := f.member(t, "U-robin", "Robin"), f.member(t, "U-casey", "Casey")
	day := func(n int) time.Time { return t0.AddDate(0, 0, n) }
	closeRound := func(r *bot.Round) {
		t.Helper()
		r.Status = bot.RoundClosed
		update(t, f.db, func(tx bot.Tx) error { return tx.UpdateRound(f.ctx, r) })
	}
	// night redacts what the retention job would, before before, and
	// returns the ids it redacted.
	night := func(before time.Time) []int64 {
		t.Helper()
		var ids []int64
		for {
			var got []*bot.Answer
			update(t, f.db, func(tx bot.Tx) (err error) {
				got, err = tx.AnswersToRedact(f.ctx, f.house, before, 1)
				return err
			})
			if len(got) == 0 {
				return ids
			}
			for _, a := range got {
				ids = append(ids, a.ID)
				a.Values, a.Redacted, a.UpdatedAt = map[string]string{}, true, before
				update(t, f.db, func(tx bot.Tx) error { return tx.SaveAnswer(f.ctx, a) })
			}
		}
	}
	want := func(what string, got []int64, as ...*bot.Answer) {
		t.Helper()
		var ids []int64
		for _, a := range as {
			ids = append(ids, a.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(ids) {
			t.Errorf("%s: redacted %v, want %v", what, got, ids)
		}
	}

	r0, r1, r2 := f.round(t, day(0)), f.round(t, day(1)), f.round(t, day(2))
	a0 := f.answer(t, r0, robin, bot.VisMentors, day(0).Add(time.Hour))
	// Casey answers the second day's round only after the night of day 3.
	closeRound(r0)
	closeRound(r2)
	want("night 3", night(day(3)), a0)
	// r1 is still open, so the mark stopped there: an answer given now
	// in it is redacted on the next night.
	a1 := f.answer(t, r1, casey, bot.VisMentors, day(3).Add(time.Hour))
	closeRound(r1)
	// Answered after day 4 began, in a round of day 3: the night of day 4
	// leaves it, and the one after finds it.
	r3 := f.round(t, day(3))
	a3 := f.answer(t, r3, robin, bot.VisMentors, day(4).Add(time.Hour))
	closeRound(r3)
	want("night 4", night(day(4)), a1)
	want("night 5", night(day(5)), a3)
	// An answer saved again after its redaction (a held share decided)
	// stays redacted, and the rounds behind the mark are not read again.
	update(t, f.db, func(tx bot.Tx) error {
		a, err := tx.AnswerOf(f.ctx, r0.ID, robin.ID)
		if err != nil {
			return err
		}
		a.ShareHeld = false
		return tx.SaveAnswer(f.ctx, a)
	})
	want("night 6", night(day(6)))
	update(t, f.db, func(tx bot.Tx) error {
		a, err := tx.AnswerOf(f.ctx, r0.ID, robin.ID)
		if err == nil && !a.Redacted {
			t.Error("an answer saved again after its redaction lost it")
		}
		return err
	})
	// Nothing is left behind: with the mark at the start, nothing more is
	// found either.
	var left int
	update(t, f.db, func(tx bot.Tx) error {
		for _, r := range []*bot.Round{r0, r1, r2, r3} {
			as, err := tx.RoundAnswers(f.ctx, r.ID, bot.Viewer{Role: bot.RoleOperator})
			if err != nil {
				return err
			}
			for _, a := range as {
				if !a.Redacted {
					left++
				}
			}
		}
		return nil
	})
	if left != 0 {
		t.Errorf("%d answers before the last night were left unredacted", left)
	}
}

func TestAuditsSince(t *testing.T) {
	f := newFixture(t)
	update(t, f.db, func(tx bot.Tx) error {
		for i, action := range []string{"answers.read", "data.export", "data.erase"} {
			if err := tx.Audit(f.ctx, bot.AuditEntry{At: t0.Add(time.Duration(i) * time.Hour), HouseID: f.house, Actor: "U-mentor", Action: action, Subject: "member:1"}); err != nil {
				return err
			}
		}
		return nil
	})
	rows, err := f.db.Audits(f.ctx, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Action != "data.export" || rows[1].Action != "data.erase" || !rows[0].At.Equal(t0.Add(time.Hour)) {
		t.Errorf("audits since = %+v", rows)
	}
}

func TestOpenCrisisAlertAndKind(t *testing.T) {
	f := newFixture(t)
	open := func(user string, since time.Time) (*bot.CrisisAlert, error) {
		var a *bot.CrisisAlert
		err := f.db.View(f.ctx, func(tx bot.Tx) (err error) {
			a, err = tx.OpenCrisisAlert(f.ctx, f.house, user, since)
			return err
		})
		return a, err
	}
	if _, err := open("U-robin", t0); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("no alert: err = %v, want ErrNotFound", err)
	}
	older := &bot.CrisisAlert{HouseID: f.house, UserID: "U-robin", Name: "Robin", CreatedAt: t0}
	newer := &bot.CrisisAlert{HouseID: f.house, UserID: "U-robin", Name: "Robin", Kind: bot.AlertReachOut, CreatedAt: t0.Add(5 * time.Minute)}
	other := &bot.CrisisAlert{HouseID: f.house, UserID: "U-casey", Name: "Casey", Kind: bot.AlertAuto, CreatedAt: t0.Add(6 * time.Minute)}
	for _, a := range []*bot.CrisisAlert{older, newer, other} {
		update(t, f.db, func(tx bot.Tx) error { return tx.CreateCrisisAlert(f.ctx, a) })
	}
	if older.Kind != bot.AlertDanger {
		t.Errorf("empty kind stored as %q, want %q", older.Kind, bot.AlertDanger)
	}
	got, err := open("U-robin", t0)
	if err != nil || got.ID != newer.ID || got.Kind != bot.AlertReachOut {
		t.Fatalf("open alert = %+v, %v; want the newer one, kind reach_out", got, err)
	}
	update(t, f.db, func(tx bot.Tx) error {
		_, err := tx.AckCrisisAlert(f.ctx, newer.ID, "U-mentor", t0.Add(7*time.Minute))
		return err
	})
	if got, err := open("U-robin", t0); err != nil || got.ID != older.ID || got.Kind != bot.AlertDanger {
		t.Errorf("after the ack, open alert = %+v, %v; want the older one", got, err)
	}
	if _, err := open("U-robin", t0.Add(time.Minute)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("since after the older one: err = %v, want ErrNotFound", err)
	}
}
