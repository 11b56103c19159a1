package storage_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// resident is everything a resident leaves in the store, for the erasure
// tests: the ids needed to look each piece up again.
type resident struct {
	m                  *bot.Member
	share, edit, dm    int64
	round, missedRound *bot.Round
	// notice and noticeEdit are a House Mentor's message about their
	// request for someone to reach out, and its edit once taken.
	notice, noticeEdit int64
	// Messages about them or to them: a crisis alert to a mentor, pending
	// and sent; a share withdrawn before (its answer no longer points at
	// it), sent; a DM to them, sent.
	alertPending, alertSent, withdrawn, dmSent int64
}

// erasureWorld is a house with two residents who have data of every kind,
// a pair and an activity in common, and a second house where one of them
// is also a member.
type erasureWorld struct {
	*fixture
	oak          int64
	robin, casey resident
	robinOak     *bot.Member
	activity     *bot.Activity
	pair         *bot.Pair
	ping         *bot.PartnerPing
}

// dm is a direct message to userID in house.
func dm(house int64, userID, text string) *bot.OutboxMessage {
	return &bot.OutboxMessage{HouseID: house, Platform: "test", NextAt: t0, CreatedAt: t0,
		Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: userID}, Message: bot.Message{Text: text}}}
}

func newErasureWorld(t *testing.T) *erasureWorld {
	t.Helper()
	w := &erasureWorld{fixture: newFixture(t)}
	f := w.fixture
	r1, r2 := f.round(t, t0), f.round(t, t0.Add(24*time.Hour))
	w.activity = &bot.Activity{HouseID: f.house, Title: "Beach walk", StartsAt: t0.Add(48 * time.Hour), EndsAt: t0.Add(50 * time.Hour),
		Repeat: "none", Status: "scheduled", CreatedBy: "U-mentor", CreatedAt: t0}
	update(t, f.db, func(tx bot.Tx) error { return tx.CreateActivity(f.ctx, w.activity) })

	for _, p := range []struct {
		r          *resident
		user, name string
	}{{&w.robin, "U-robin", "Robin"}, {&w.casey, "U-casey", "Casey"}} {
		r := p.r
		r.m = f.member(t, p.user, p.name)
		r.round, r.missedRound = r1, r2
		a := f.answer(t, r1, r.m, bot.VisHouse, t0.Add(time.Minute))
		share := f.post("share of " + p.name)
		edit := f.post("share of " + p.name + ", edited")
		ids := f.enqueue(t, share, dm(f.house, p.user, "a nudge for "+p.name))
		r.share, r.dm = ids[0], ids[1]
		edit.EditOf = r.share
		r.edit = f.enqueue(t, edit)[0]
		r.notice = f.enqueue(t, dm(f.house, "U-mentor", p.name+" asked for someone to reach out"))[0]
		noticeEdit := dm(f.house, "U-mentor", p.name+" asked for someone to reach out; taken")
		noticeEdit.EditOf = r.notice
		r.noticeEdit = f.enqueue(t, noticeEdit)[0]
		alert := dm(f.house, "U-mentor", "alert about "+p.name)
		alert.Kind, alert.About = bot.MsgCrisisAlert, []string{p.user}
		alertSent := dm(f.house, "U-mentor", "earlier alert about "+p.name)
		alertSent.Kind, alertSent.About = bot.MsgCrisisAlert, []string{p.user}
		withdrawn := f.post("withdrawn share of " + p.name)
		withdrawn.Kind, withdrawn.About = bot.MsgShare, []string{p.user}
		more := f.enqueue(t, alert, alertSent, withdrawn, dm(f.house, p.user, "a sent nudge for "+p.name))
		r.alertPending, r.alertSent, r.withdrawn, r.dmSent = more[0], more[1], more[2], more[3]
		for _, id := range more[1:] {
			if err := f.db.Outbox().MarkSent(f.ctx, id, bot.MessageRef{Channel: fmt.Sprint("D-", id), ID: fmt.Sprint("m", id)}, t0); err != nil {
				t.Fatal(err)
			}
		}
		update(t, f.db, func(tx bot.Tx) error {
			a.Share = r.share
			r.m.PausedUntil, r.m.PausedBy, r.m.PauseReason = t0.Add(72*time.Hour), "U-mentor", "family visit of "+p.name
			q := &bot.ReachOut{HouseID: f.house, RoundID: r1.ID, MemberID: r.m.ID, CreatedAt: t0}
			if err := errors.Join(tx.SaveMember(f.ctx, r.m), tx.CreateReachOut(f.ctx, q)); err != nil {
				return err
			}
			steps := []error{
				tx.AddReachOutNotice(f.ctx, q.ID, "U-mentor", r.notice),
				tx.SetPingMute(f.ctx, r.m.ID, t0.Add(7*24*time.Hour), t0),
				tx.SaveAnswer(f.ctx, a),
				tx.RecordMiss(f.ctx, r2.ID, r.m.ID, bot.MissMissed),
				tx.SetGrantedRole(f.ctx, f.house, p.user, bot.RoleResident, true, "U-owner", t0),
				tx.AddSoberDate(f.ctx, &bot.SoberDate{MemberID: r.m.ID, Date: "2026-08-01", Kind: "set", SetAt: t0}),
				tx.SetMilestoneShare(f.ctx, r.m.ID, true, t0),
				tx.SetRSVP(f.ctx, bot.RSVP{ActivityID: w.activity.ID, MemberID: r.m.ID, Status: bot.RSVPGoing, UpdatedAt: t0}),
				tx.SetPingsOff(f.ctx, r.m.ID, true, t0),
				tx.SaveConversation(f.ctx, f.convo(p.user, t0)),
				tx.CreateCrisisAlert(f.ctx, &bot.CrisisAlert{HouseID: f.house, UserID: p.user, Name: p.name, CreatedAt: t0}),
			}
			if _, err := tx.RecordCelebration(f.ctx, &bot.Celebration{MemberID: r.m.ID, HouseID: f.house, SoberDate: "2026-08-01",
				Milestone: "90d", Label: "90 days", Shared: true, At: t0}); err != nil {
				return err
			}
			if _, err := tx.RecordAttendance(f.ctx, w.activity.ID, r.m.ID, "self", t0.Add(49*time.Hour)); err != nil {
				return err
			}
			return errors.Join(steps...)
		})
	}

	w.pair = &bot.Pair{HouseID: f.house, Members: []int64{w.robin.m.ID, w.casey.m.ID}, How: "manual", FormedAt: t0}
	w.ping = &bot.PartnerPing{HouseID: f.house, About: w.robin.m.ID, Kind: "missed", At: t0}
	update(t, f.db, func(tx bot.Tx) error {
		if err := tx.CreatePair(f.ctx, w.pair); err != nil {
			return err
		}
		w.ping.PairID = w.pair.ID
		if _, err := tx.RecordContact(f.ctx, w.pair.ID, "2026-11-16", w.robin.m.ID, t0); err != nil {
			return err
		}
		if err := tx.AddAvoid(f.ctx, f.house, w.robin.m.ID, w.casey.m.ID, "U-mentor", t0); err != nil {
			return err
		}
		return tx.RecordPing(f.ctx, w.ping)
	})

	// Robin is also a member of Oak House, with an answer, a role and an
	// alert there.
	update(t, f.db, func(tx bot.Tx) error {
		var err error
		if w.oak, err = tx.SyncHouse(f.ctx, &bot.House{Name: "Oak House", Platform: "test", Channel: "C-oak", Location: time.UTC}, t0); err != nil {
			return err
		}
		w.robinOak = &bot.Member{HouseID: w.oak, Platform: "test", UserID: "U-robin", Name: "Robin", Status: bot.MemberActive, JoinedAt: t0, ConsentAt: t0}
		if err := tx.SaveMember(f.ctx, w.robinOak); err != nil {
			return err
		}
		r := &bot.Round{HouseID: w.oak, ScheduledFor: t0, OpenedAt: t0, Status: bot.RoundOpen}
		if err := tx.CreateRound(f.ctx, r); err != nil {
			return err
		}
		return errors.Join(
			tx.SaveAnswer(f.ctx, &bot.Answer{RoundID: r.ID, MemberID: w.robinOak.ID, Mood: 2, Visibility: bot.VisPrivate,
				Values: map[string]string{"win": "Oak words"}, AnsweredAt: t0, UpdatedAt: t0}),
			tx.SetGrantedRole(f.ctx, w.oak, "U-robin", bot.RoleMentor, true, "U-owner", t0),
			tx.CreateCrisisAlert(f.ctx, &bot.CrisisAlert{HouseID: w.oak, UserID: "U-robin", Name: "Robin", CreatedAt: t0}),
		)
	})
	return w
}

func (w *erasureWorld) export(t *testing.T, memberID int64) *bot.MemberData {
	t.Helper()
	var d *bot.MemberData
	view(t, w.db, func(tx bot.Tx) (err error) {
		d, err = tx.ExportMember(w.ctx, memberID)
		return err
	})
	return d
}

func TestExportMemberHoldsEveryKindOfData(t *testing.T) {
	w := newErasureWorld(t)
	d := w.export(t, w.robin.m.ID)
	if got, want := d.Member.UserID, "U-robin"; got != want {
		t.Errorf("member = %q, want %q", got, want)
	}
	if len(d.Answers) != 1 || d.Answers[0].Values["win"] != "a win of Robin" {
		t.Errorf("answers = %+v, want Robin's one answer in Cedar House", d.Answers)
	}
	if got, want := d.Misses, []time.Time{t0.Add(24 * time.Hour)}; !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("misses = %v, want %v", got, want)
	}
	if got, want := d.Roles, []string{"resident"}; !slices.Equal(got, want) {
		t.Errorf("roles = %v, want %v (Oak House's role is not this membership's)", got, want)
	}
	if len(d.SoberDates) != 1 || d.SoberDates[0].Date != "2026-08-01" {
		t.Errorf("sober dates = %+v", d.SoberDates)
	}
	if !d.MilestonesShared || !d.PartnerPingsOff {
		t.Errorf("milestones shared, pings off = %v, %v; want both true", d.MilestonesShared, d.PartnerPingsOff)
	}
	wantRecords := map[string][]bot.ExportedRecord{
		"celebrations": {{What: "90 days", At: t0}},
		"activities":   {{What: "Beach walk", At: t0.Add(48 * time.Hour), Status: "going, attended"}},
		"partnerships": {{What: "paired (manual)", At: t0, Status: "current"}},
	}
	for what, got := range map[string][]bot.ExportedRecord{"celebrations": d.Celebrations, "activities": d.Activities, "partnerships": d.Partnerships} {
		if !reflect.DeepEqual(got, wantRecords[what]) {
			t.Errorf("%s = %+v, want %+v", what, got, wantRecords[what])
		}
	}
	if d.Member.PauseReason != "family visit of Robin" || d.Member.PausedBy != "U-mentor" {
		t.Errorf("member = %+v, want the pause's reason and author", d.Member)
	}
	if d.PartnerPingsMutedUntil == nil || !d.PartnerPingsMutedUntil.Equal(t0.Add(7*24*time.Hour)) {
		t.Errorf("partner pings muted until = %v", d.PartnerPingsMutedUntil)
	}
	if want := []bot.ExportedRecord{{What: "asked for someone to reach out", At: t0, Status: "not taken"}}; !reflect.DeepEqual(d.ReachOuts, want) {
		t.Errorf("reach-outs = %+v, want %+v", d.ReachOuts, want)
	}
	if d.FormInProgress == nil || d.FormInProgress.Form != "checkin:7" || d.FormInProgress.Values["win"] != "words of U-robin" {
		t.Errorf("form in progress = %+v, want the unfinished check-in with its words", d.FormInProgress)
	}

	// Once the pair ends it is exported as ended; Oak House's membership
	// exports only its own answer, and no form (the form is Cedar's).
	update(t, w.db, func(tx bot.Tx) error { return tx.EndPair(w.ctx, w.pair.ID, t0.Add(time.Hour)) })
	if got := w.export(t, w.robin.m.ID).Partnerships; len(got) != 1 || got[0].Status != "ended" {
		t.Errorf("partnerships after the pair ended = %+v, want one, ended", got)
	}
	oak := w.export(t, w.robinOak.ID)
	if len(oak.Answers) != 1 || oak.Answers[0].Values["win"] != "Oak words" || oak.FormInProgress != nil || len(oak.Activities) != 0 {
		t.Errorf("Oak House export = %+v, want its own answer only", oak)
	}
}

func TestEraseMemberRemovesEverythingAboutThemOnly(t *testing.T) {
	w := newErasureWorld(t)
	f := w.fixture
	robin, casey := w.robin, w.casey
	caseyBefore := w.export(t, casey.m.ID)
	oakBefore := w.export(t, w.robinOak.ID)
	var statsBefore bot.PartnerStats
	view(t, f.db, func(tx bot.Tx) (err error) {
		statsBefore, err = tx.PartnerStats(f.ctx, f.house, t0, t0.Add(time.Hour))
		return err
	})

	update(t, f.db, func(tx bot.Tx) error { return tx.EraseMember(f.ctx, robin.m.ID) })

	t.Run("robin is gone", func(t *testing.T) {
		err := f.db.View(f.ctx, func(tx bot.Tx) error {
			if _, err := tx.ExportMember(f.ctx, robin.m.ID); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("ExportMember = %v, want ErrNotFound", err)
			}
			if _, err := tx.MemberByUser(f.ctx, f.house, "U-robin"); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("MemberByUser = %v, want ErrNotFound", err)
			}
			if _, err := tx.AnswerOf(f.ctx, robin.round.ID, robin.m.ID); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("AnswerOf = %v, want ErrNotFound", err)
			}
			if _, err := tx.Conversation(f.ctx, "test", "U-robin", time.Time{}); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("Conversation = %v, want ErrNotFound", err)
			}
			if role, err := tx.GrantedRoles(f.ctx, f.house, "U-robin"); err != nil || role != 0 {
				t.Errorf("GrantedRoles = %b, %v; want none", role, err)
			}
			if ds, err := tx.SoberDates(f.ctx, robin.m.ID); err != nil || len(ds) != 0 {
				t.Errorf("SoberDates = %+v, %v; want none", ds, err)
			}
			if on, err := tx.MilestoneShare(f.ctx, robin.m.ID); err != nil || on {
				t.Errorf("MilestoneShare = %v, %v; want false", on, err)
			}
			if off, err := tx.PingsOff(f.ctx, robin.m.ID); err != nil || off {
				t.Errorf("PingsOff = %v, %v; want false", off, err)
			}
			if av, err := tx.Avoids(f.ctx, f.house); err != nil || len(av) != 0 {
				t.Errorf("Avoids = %v, %v; want none", av, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		view(t, f.db, func(tx bot.Tx) error {
			if until, err := tx.PingMutedUntil(f.ctx, robin.m.ID); err != nil || !until.IsZero() {
				t.Errorf("PingMutedUntil = %v, %v; want none", until, err)
			}
			return nil
		})
		for what, id := range map[string]int64{"share": robin.share, "edit of the share": robin.edit, "DM": robin.dm, "pending alert": robin.alertPending,
			"mentor's reach-out notice": robin.notice, "its edit": robin.noticeEdit} {
			if _, err := f.db.OutboxMessage(f.ctx, id); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("Robin's %s in the outbox: %v, want ErrNotFound", what, err)
			}
		}
		// Delivered messages keep their bookkeeping only: no text, no
		// Robin as the target.
		for what, c := range map[string]struct {
			id   int64
			want bot.Target
		}{
			"sent alert":      {robin.alertSent, bot.Target{Kind: bot.TargetDM, User: "U-mentor"}},
			"withdrawn share": {robin.withdrawn, bot.Target{Kind: bot.TargetChannel, Channel: "C-house"}},
			"sent DM":         {robin.dmSent, bot.Target{Kind: bot.TargetDM}},
		} {
			m, err := f.db.OutboxMessage(f.ctx, c.id)
			if err != nil {
				t.Errorf("Robin's %s: %v, want it kept, emptied", what, err)
				continue
			}
			if m.Out.Text != "" || m.Out.Target != c.want || m.Status != bot.OutboxSent || m.Key != "" {
				t.Errorf("Robin's %s = %+v, want sent, no text, target %+v", what, m, c.want)
			}
		}
	})

	t.Run("shared records keep others only", func(t *testing.T) {
		view(t, f.db, func(tx bot.Tx) error {
			rsvps, err := tx.RSVPs(f.ctx, w.activity.ID)
			if err != nil {
				return err
			}
			if len(rsvps) != 1 || rsvps[0].MemberID != casey.m.ID {
				t.Errorf("RSVPs = %+v, want Casey's only", rsvps)
			}
			came, err := tx.Attendance(f.ctx, w.activity.ID)
			if err != nil {
				return err
			}
			if !slices.Equal(came, []int64{casey.m.ID}) {
				t.Errorf("Attendance = %v, want [%d]", came, casey.m.ID)
			}
			p, err := tx.PairByID(f.ctx, w.pair.ID)
			if err != nil {
				return err
			}
			if !slices.Equal(p.Members, []int64{casey.m.ID}) {
				t.Errorf("pair members = %v, want Casey only", p.Members)
			}
			responders, err := tx.RoundResponders(f.ctx, robin.round.ID)
			if err != nil {
				return err
			}
			if !slices.Equal(responders, []int64{casey.m.ID}) {
				t.Errorf("RoundResponders = %v, want Casey only", responders)
			}
			misses, err := tx.RoundMisses(f.ctx, robin.missedRound.ID)
			if err != nil {
				return err
			}
			if want := []bot.Miss{{MemberID: casey.m.ID, Status: bot.MissMissed}}; !slices.Equal(misses, want) {
				t.Errorf("RoundMisses = %v, want %v", misses, want)
			}
			cs, err := tx.SharedCelebrations(f.ctx, f.house, t0, t0.Add(time.Hour))
			if err != nil {
				return err
			}
			if len(cs) != 1 || cs[0].MemberID != casey.m.ID {
				t.Errorf("SharedCelebrations = %+v, want Casey's only", cs)
			}
			return nil
		})
	})

	t.Run("counts stay, anonymous", func(t *testing.T) {
		view(t, f.db, func(tx bot.Tx) error {
			alerts, err := tx.CrisisAlertsBetween(f.ctx, f.house, t0, t0.Add(time.Hour))
			if err != nil {
				return err
			}
			var names []string
			for _, a := range alerts {
				names = append(names, a.UserID+"/"+a.Name)
			}
			if want := []string{"erased/someone who erased their data", "U-casey/Casey"}; !slices.Equal(names, want) {
				t.Errorf("Cedar House alerts = %v, want %v", names, want)
			}
			ping, err := tx.PingByID(f.ctx, w.ping.ID)
			if err != nil {
				return err
			}
			if ping.About != 0 || ping.PairID != w.pair.ID {
				t.Errorf("ping = %+v, want kept, about nobody", ping)
			}
			days, err := tx.PairContactDays(f.ctx, w.pair.ID, "2026-11-01", "2026-12-01")
			if err != nil {
				return err
			}
			if days != 1 {
				t.Errorf("PairContactDays = %d, want the day kept", days)
			}
			stats, err := tx.PartnerStats(f.ctx, f.house, t0, t0.Add(time.Hour))
			if err != nil {
				return err
			}
			// Robin's "pings off" goes with Robin; the rest are counts.
			statsBefore.PingsOff--
			if stats != statsBefore {
				t.Errorf("PartnerStats = %+v, want %+v", stats, statsBefore)
			}
			return nil
		})
	})

	t.Run("casey and oak house untouched", func(t *testing.T) {
		if got := w.export(t, casey.m.ID); !reflect.DeepEqual(got, caseyBefore) {
			t.Errorf("Casey's export changed:\n got %+v\nwant %+v", got, caseyBefore)
		}
		if got := w.export(t, w.robinOak.ID); !reflect.DeepEqual(got, oakBefore) {
			t.Errorf("Robin's Oak House export changed:\n got %+v\nwant %+v", got, oakBefore)
		}
		for what, id := range map[string]int64{"share": casey.share, "edit of the share": casey.edit, "DM": casey.dm,
			"mentor's reach-out notice": casey.notice, "its edit": casey.noticeEdit,
			"pending alert": casey.alertPending, "sent alert": casey.alertSent, "withdrawn share": casey.withdrawn, "sent DM": casey.dmSent} {
			if m, err := f.db.OutboxMessage(f.ctx, id); err != nil || !strings.Contains(m.Out.Text, "Casey") {
				t.Errorf("Casey's %s: %v, want it kept whole", what, err)
			}
		}
		view(t, f.db, func(tx bot.Tx) error {
			alerts, err := tx.CrisisAlertsBetween(f.ctx, w.oak, t0, t0.Add(time.Hour))
			if err != nil {
				return err
			}
			if len(alerts) != 1 || alerts[0].UserID != "U-robin" {
				t.Errorf("Oak House alerts = %+v, want Robin's, untouched", alerts)
			}
			if role, err := tx.GrantedRoles(f.ctx, w.oak, "U-robin"); err != nil || role != bot.RoleMentor {
				t.Errorf("Oak House role = %b, %v; want mentor", role, err)
			}
			return nil
		})
	})
}

func TestEraseAndExportOfNobody(t *testing.T) {
	f := newFixture(t)
	err := f.db.Update(f.ctx, func(tx bot.Tx) error { return tx.EraseMember(f.ctx, 4242) })
	if !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("EraseMember of nobody = %v, want ErrNotFound", err)
	}
	err = f.db.View(f.ctx, func(tx bot.Tx) error { _, err := tx.ExportMember(f.ctx, 4242); return err })
	if !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("ExportMember of nobody = %v, want ErrNotFound", err)
	}
}
