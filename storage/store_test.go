package storage_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

func TestSyncHouse(t *testing.T) {
	f := newFixture(t)
	later := t0.Add(24 * time.Hour)
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	update(t, f.db, func(tx bot.Tx) error {
		// The same name is the same house: its settings change, its id and
		// creation time stay.
		id, err := tx.SyncHouse(f.ctx, &bot.House{Name: "Cedar House", Platform: "slack", Channel: "C2", Location: chicago}, later)
		if err != nil {
			return err
		}
		if id != f.house {
			t.Errorf("resync id = %d, want %d", id, f.house)
		}
		created, err := tx.HouseCreated(f.ctx, id)
		if err != nil {
			return err
		}
		if !created.Equal(t0) {
			t.Errorf("created = %v, want the first sync %v", created, t0)
		}
		other, err := tx.SyncHouse(f.ctx, &bot.House{Name: "Oak House", Platform: "test"}, later)
		if err != nil {
			return err
		}
		if other == f.house {
			t.Error("a second house got the first one's id")
		}
		return nil
	})
}

func TestMarkAndPruneEvents(t *testing.T) {
	f := newFixture(t)
	update(t, f.db, func(tx bot.Tx) error {
		if err := tx.MarkEvent(f.ctx, "test", "E1", t0); err != nil {
			return err
		}
		// Same id on another platform is another event.
		if err := tx.MarkEvent(f.ctx, "other", "E1", t0); err != nil {
			return err
		}
		// A duplicate does not abort the transaction: the next write commits.
		if err := tx.MarkEvent(f.ctx, "test", "E1", t0); !errors.Is(err, bot.ErrDuplicate) {
			t.Errorf("second MarkEvent = %v, want ErrDuplicate", err)
		}
		return tx.MarkEvent(f.ctx, "test", "E2", t0.Add(time.Hour))
	})
	update(t, f.db, func(tx bot.Tx) error {
		if err := tx.MarkEvent(f.ctx, "test", "E2", t0); !errors.Is(err, bot.ErrDuplicate) {
			t.Errorf("E2 after commit = %v, want ErrDuplicate", err)
		}
		// Forget what came before t0+1h: E1 goes, E2 stays.
		if err := tx.PruneEvents(f.ctx, t0.Add(time.Hour)); err != nil {
			return err
		}
		if err := tx.MarkEvent(f.ctx, "test", "E1", t0); err != nil {
			t.Errorf("E1 after prune = %v, want it forgotten", err)
		}
		if err := tx.MarkEvent(f.ctx, "test", "E2", t0); !errors.Is(err, bot.ErrDuplicate) {
			t.Errorf("E2 after prune = %v, want ErrDuplicate", err)
		}
		return nil
	})
}

func TestMembers(t *testing.T) {
	f := newFixture(t)
	robin := f.member(t, "U0001", "Robin")
	casey := &bot.Member{HouseID: f.house, Platform: "test", UserID: "U0002", Name: "Casey", Status: bot.MemberActive, JoinedAt: t0.Add(-time.Hour)}
	update(t, f.db, func(tx bot.Tx) error { return tx.SaveMember(f.ctx, casey) })
	var oak int64
	update(t, f.db, func(tx bot.Tx) error {
		var err error
		oak, err = tx.SyncHouse(f.ctx, &bot.House{Name: "Oak House", Platform: "test"}, t0)
		if err != nil {
			return err
		}
		return tx.SaveMember(f.ctx, &bot.Member{HouseID: oak, Platform: "test", UserID: "U0001", Name: "Robin", Status: bot.MemberActive, JoinedAt: t0.Add(time.Hour)})
	})
	if robin.ID == 0 || casey.ID == 0 || robin.ID == casey.ID {
		t.Fatalf("ids = %d, %d; want distinct ids set", robin.ID, casey.ID)
	}

	t.Run("lookups", func(t *testing.T) {
		view(t, f.db, func(tx bot.Tx) error {
			got, err := tx.MemberByUser(f.ctx, f.house, "U0001")
			if err != nil {
				return err
			}
			if *got != *robin {
				t.Errorf("MemberByUser = %+v, want %+v", got, robin)
			}
			got, err = tx.MemberByID(f.ctx, casey.ID)
			if err != nil {
				return err
			}
			if got.Name != "Casey" || got.UserID != "U0002" {
				t.Errorf("MemberByID = %+v, want Casey", got)
			}
			return nil
		})
	})
	t.Run("lists", func(t *testing.T) {
		view(t, f.db, func(tx bot.Tx) error {
			ms, err := tx.Members(f.ctx, f.house)
			if err != nil {
				return err
			}
			if got := userIDs(ms); !slices.Equal(got, []string{"U0002", "U0001"}) {
				t.Errorf("Members = %v, want by join time [U0002 U0001]", got)
			}
			ms, err = tx.MembershipsOf(f.ctx, "test", "U0001")
			if err != nil {
				return err
			}
			if len(ms) != 2 || ms[0].HouseID != f.house || ms[1].HouseID != oak {
				t.Errorf("MembershipsOf = %+v, want both houses", ms)
			}
			ms, err = tx.MembershipsOf(f.ctx, "other", "U0001")
			if err != nil {
				return err
			}
			if len(ms) != 0 {
				t.Errorf("MembershipsOf on another platform = %+v, want none", ms)
			}
			return nil
		})
	})
	t.Run("leave and rejoin", func(t *testing.T) {
		robin.Status, robin.LeftAt = bot.MemberLeft, t0.Add(2*time.Hour)
		update(t, f.db, func(tx bot.Tx) error { return tx.SaveMember(f.ctx, robin) })
		view(t, f.db, func(tx bot.Tx) error {
			ms, err := tx.Members(f.ctx, f.house)
			if err != nil {
				return err
			}
			if got := userIDs(ms); !slices.Equal(got, []string{"U0002"}) {
				t.Errorf("Members after leave = %v, want [U0002]", got)
			}
			got, err := tx.MemberByUser(f.ctx, f.house, "U0001")
			if err != nil {
				return err
			}
			if got.Active() || !got.LeftAt.Equal(robin.LeftAt) {
				t.Errorf("left member = %+v", got)
			}
			return nil
		})
	})
	t.Run("duplicate membership", func(t *testing.T) {
		err := f.db.Update(f.ctx, func(tx bot.Tx) error {
			return tx.SaveMember(f.ctx, &bot.Member{HouseID: f.house, Platform: "test", UserID: "U0002", Status: bot.MemberActive})
		})
		if !errors.Is(err, bot.ErrDuplicate) {
			t.Errorf("second membership = %v, want ErrDuplicate", err)
		}
	})
}

func userIDs(ms []*bot.Member) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.UserID)
	}
	return out
}

func TestGrantedRoles(t *testing.T) {
	f := newFixture(t)
	update(t, f.db, func(tx bot.Tx) error {
		if err := tx.SetGrantedRole(f.ctx, f.house, "U0001", bot.RoleMentor, true, "U-owner", t0); err != nil {
			return err
		}
		// Granting twice is harmless.
		if err := tx.SetGrantedRole(f.ctx, f.house, "U0001", bot.RoleMentor, true, "U-owner", t0); err != nil {
			return err
		}
		if err := tx.SetGrantedRole(f.ctx, f.house, "U0001", bot.RoleResident, true, "U-owner", t0); err != nil {
			return err
		}
		return tx.SetGrantedRole(f.ctx, f.house, "U0003", bot.RoleMentor, true, "U-owner", t0)
	})
	view(t, f.db, func(tx bot.Tx) error {
		got, err := tx.GrantedRoles(f.ctx, f.house, "U0001")
		if err != nil {
			return err
		}
		if want := bot.RoleMentor | bot.RoleResident; got != want {
			t.Errorf("GrantedRoles = %b, want %b", got, want)
		}
		if got, err := tx.GrantedRoles(f.ctx, f.house, "U0009"); err != nil || got != 0 {
			t.Errorf("GrantedRoles of nobody = %b, %v; want 0, nil", got, err)
		}
		holders, err := tx.RoleHolders(f.ctx, f.house, bot.RoleMentor)
		if err != nil {
			return err
		}
		if !slices.Equal(holders, []string{"U0001", "U0003"}) {
			t.Errorf("RoleHolders = %v, want [U0001 U0003]", holders)
		}
		return nil
	})
	update(t, f.db, func(tx bot.Tx) error {
		if err := tx.SetGrantedRole(f.ctx, f.house, "U0001", bot.RoleMentor, false, "U-owner", t0); err != nil {
			return err
		}
		// Revoking what is not held is harmless.
		return tx.SetGrantedRole(f.ctx, f.house, "U0009", bot.RoleMentor, false, "U-owner", t0)
	})
	view(t, f.db, func(tx bot.Tx) error {
		got, err := tx.GrantedRoles(f.ctx, f.house, "U0001")
		if err != nil {
			return err
		}
		if got != bot.RoleResident {
			t.Errorf("GrantedRoles after revoke = %b, want resident", got)
		}
		holders, err := tx.RoleHolders(f.ctx, f.house, bot.RoleMentor)
		if err != nil {
			return err
		}
		if !slices.Equal(holders, []string{"U0003"}) {
			t.Errorf("RoleHolders after revoke = %v, want [U0003]", holders)
		}
		return nil
	})
}

func TestRuns(t *testing.T) {
	f := newFixture(t)
	run := bot.Run{Job: "checkin.open/0", HouseID: f.house, ScheduledFor: t0, Status: bot.RunDone, At: t0}
	update(t, f.db, func(tx bot.Tx) error {
		if _, err := tx.LastRun(f.ctx, run.Job, f.house); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("LastRun before any = %v, want ErrNotFound", err)
		}
		if err := tx.RecordRun(f.ctx, run); err != nil {
			return err
		}
		if err := tx.RecordRun(f.ctx, run); !errors.Is(err, bot.ErrDuplicate) {
			t.Errorf("second RecordRun = %v, want ErrDuplicate", err)
		}
		skipped := run
		skipped.ScheduledFor, skipped.Status = t0.Add(24*time.Hour), bot.RunSkipped
		if err := tx.RecordRun(f.ctx, skipped); err != nil {
			return err
		}
		other := run
		other.Job, other.ScheduledFor = "digest", t0.Add(48*time.Hour)
		return tx.RecordRun(f.ctx, other)
	})
	view(t, f.db, func(tx bot.Tx) error {
		last, err := tx.LastRun(f.ctx, run.Job, f.house)
		if err != nil {
			return err
		}
		if want := t0.Add(24 * time.Hour); !last.Equal(want) {
			t.Errorf("LastRun = %v, want the skipped run's %v", last, want)
		}
		return nil
	})
}

// TestPruneRuns: a house's runs scheduled before the cut go, oldest
// batches first and at most limit at a time, except each job's latest,
// which LastRun still answers; runs after the cut and other houses' stay.
func TestPruneRuns(t *testing.T) {
	f := newFixture(t)
	var other int64
	day := func(n int) time.Time { return t0.AddDate(0, 0, n) }
	update(t, f.db, func(tx bot.Tx) error {
		var err error
		if other, err = tx.SyncHouse(f.ctx, &bot.House{Name: "Oak House", Platform: "test", Channel: "C-oak", Location: time.UTC}, t0); err != nil {
			return err
		}
		for n := range 10 {
			for _, h := range []int64{f.house, other} {
				if err := tx.RecordRun(f.ctx, bot.Run{Job: "checkin.open/0", HouseID: h, ScheduledFor: day(n), Status: bot.RunDone, At: day(n)}); err != nil {
					return err
				}
			}
		}
		// A job that stopped: its one run, old as it is, is its latest.
		return tx.RecordRun(f.ctx, bot.Run{Job: "chore.bins", HouseID: f.house, ScheduledFor: day(0), Status: bot.RunDone, At: day(0)})
	})
	prune := func(before time.Time, limit int) int {
		var n int
		update(t, f.db, func(tx bot.Tx) error {
			var err error
			n, err = tx.PruneRuns(f.ctx, f.house, before, limit)
			return err
		})
		return n
	}
	if n := prune(day(6), 4); n != 4 {
		t.Fatalf("first batch pruned %d runs, want the limit, 4", n)
	}
	if n := prune(day(6), 4); n != 2 {
		t.Fatalf("second batch pruned %d runs, want the 2 left before the cut", n)
	}
	if n := prune(day(20), 100); n != 3 {
		t.Fatalf("a later cut pruned %d runs, want 3: days 6 to 8, not the latest, day 9", n)
	}
	if n := prune(day(20), 100); n != 0 {
		t.Fatalf("pruning again deleted %d runs, want none", n)
	}
	view(t, f.db, func(tx bot.Tx) error {
		for _, c := range []struct {
			job   string
			house int64
			want  time.Time
		}{{"checkin.open/0", f.house, day(9)}, {"chore.bins", f.house, day(0)}, {"checkin.open/0", other, day(9)}} {
			if last, err := tx.LastRun(f.ctx, c.job, c.house); err != nil || !last.Equal(c.want) {
				t.Errorf("LastRun(%s, house %d) = %v, %v; want %v", c.job, c.house, last, err, c.want)
			}
		}
		return nil
	})
	// The other house's runs were all still there.
	update(t, f.db, func(tx bot.Tx) error {
		if n, err := tx.PruneRuns(f.ctx, other, day(20), 100); err != nil || n != 9 {
			t.Errorf("pruning the other house = %d, %v; want its 9 runs before its latest", n, err)
		}
		return nil
	})
}

func TestAudit(t *testing.T) {
	f := newFixture(t)
	update(t, f.db, func(tx bot.Tx) error {
		if err := tx.Audit(f.ctx, bot.AuditEntry{At: t0, HouseID: f.house, Actor: "U-mentor", Action: "answers.read", Subject: "round:1"}); err != nil {
			return err
		}
		// Command-line actions have no house.
		return tx.Audit(f.ctx, bot.AuditEntry{At: t0, Actor: "cli", Action: "export", Subject: "member:1"})
	})
	for action, want := range map[string]int{"answers.read": 1, "export": 1, "erase": 0} {
		if n, err := f.db.CountAudit(f.ctx, action); err != nil || n != want {
			t.Errorf("CountAudit(%q) = %d, %v; want %d", action, n, err, want)
		}
	}
}

// TestNotFound checks that every lookup of something missing is
// ErrNotFound, never a nil value with a nil error.
func TestNotFound(t *testing.T) {
	f := newFixture(t)
	const missing = 9999
	cases := map[string]func(tx bot.Tx) error{
		"HouseCreated": func(tx bot.Tx) error { _, err := tx.HouseCreated(f.ctx, missing); return err },
		"MemberByUser": func(tx bot.Tx) error { _, err := tx.MemberByUser(f.ctx, f.house, "U9999"); return err },
		"MemberByID":   func(tx bot.Tx) error { _, err := tx.MemberByID(f.ctx, missing); return err },
		"SaveMember update": func(tx bot.Tx) error {
			return tx.SaveMember(f.ctx, &bot.Member{ID: missing, HouseID: f.house, Platform: "test", UserID: "U9", Status: bot.MemberActive})
		},
		"LastRun":     func(tx bot.Tx) error { _, err := tx.LastRun(f.ctx, "job", f.house); return err },
		"RoundByID":   func(tx bot.Tx) error { _, err := tx.RoundByID(f.ctx, missing); return err },
		"UpdateRound": func(tx bot.Tx) error { return tx.UpdateRound(f.ctx, &bot.Round{ID: missing, Status: bot.RoundClosed}) },
		"AnswerOf":    func(tx bot.Tx) error { _, err := tx.AnswerOf(f.ctx, missing, missing); return err },
		"OutboxRef":   func(tx bot.Tx) error { _, err := tx.OutboxRef(f.ctx, missing); return err },
	}
	for name, fn := range cases {
		t.Run(name, func(t *testing.T) {
			err := f.db.Update(f.ctx, fn)
			if !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("got %v, want ErrNotFound", err)
			}
		})
	}
	ob := f.db.Outbox()
	for name, err := range map[string]error{
		"MarkSent":   ob.MarkSent(f.ctx, missing, bot.MessageRef{ID: "m"}, t0),
		"MarkRetry":  ob.MarkRetry(f.ctx, missing, t0, "x"),
		"MarkFailed": ob.MarkFailed(f.ctx, missing, "x"),
		"BeginAttempt": func() error {
			_, _, err := ob.BeginAttempt(f.ctx, missing, t0)
			return err
		}(),
	} {
		if !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("%s: got %v, want ErrNotFound", name, err)
		}
	}
}
