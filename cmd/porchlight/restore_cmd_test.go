package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage"
	"github.com/porchlight/porchlight/storage/storagetest"
)

// answered is one answer the restore test writes and looks for again.
type answered struct {
	round, member int64
	win           string
}

// fillAnswers gives the config's house three residents who answered two
// rounds, and returns the answers.
func fillAnswers(t *testing.T, dbPath string) []answered {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 11, 16, 15, 0, 0, 0, time.UTC)
	var out []answered
	err = db.Update(ctx, func(tx bot.Tx) error {
		house, err := tx.SyncHouse(ctx, &bot.House{Name: "Cedar House", Platform: "console", Channel: "house", Location: time.UTC}, at)
		if err != nil {
			return err
		}
		var members []*bot.Member
		for i, name := range []string{"Robin", "Sam", "Alex"} {
			m := &bot.Member{HouseID: house, Platform: "console", UserID: fmt.Sprintf("u%d", i), Name: name, Status: bot.MemberActive, JoinedAt: at, ConsentAt: at}
			if err := tx.SaveMember(ctx, m); err != nil {
				return err
			}
			members = append(members, m)
		}
		for day := range 2 {
			open := at.AddDate(0, 0, day)
			r := &bot.Round{HouseID: house, ScheduledFor: open, OpenedAt: open, RemindAt: open.Add(time.Hour), ClosesAt: open.Add(4 * time.Hour), Status: bot.RoundClosed}
			if err := tx.CreateRound(ctx, r); err != nil {
				return err
			}
			for _, m := range members {
				win := fmt.Sprintf("day %d: a walk, %s", day+1, m.Name)
				a := &bot.Answer{RoundID: r.ID, MemberID: m.ID, Mood: 4, Visibility: bot.VisMentors, Values: map[string]string{"win": win}, Source: "form", AnsweredAt: open, UpdatedAt: open}
				if err := tx.SaveAnswer(ctx, a); err != nil {
					return err
				}
				out = append(out, answered{r.ID, m.ID, win})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRestoreAfterDamage takes a backup, damages the live database's
// answers, restores the backup with the command, and finds every answer.
func TestRestoreAfterDamage(t *testing.T) {
	cfg, dbPath := writeConfig(t, "")
	want := fillAnswers(t, dbPath)
	backup := filepath.Join(t.TempDir(), "backup-2026-11-17.db")
	if code, _, stderr := porchlight(t, "", "backup", "--config", cfg, backup); code != exitOK {
		t.Fatalf("backup: exit %d: %s", code, stderr)
	}
	storagetest.DamageTable(t, dbPath, "checkin_answers")
	if code, _, _ := porchlight(t, "", "migrate", "--config", cfg); code != exitRuntime {
		t.Fatalf("migrate on the damaged database: exit %d, want %d", code, exitRuntime)
	}

	code, stdout, stderr := porchlight(t, "", "restore", "--config", cfg, backup)
	if code != exitOK {
		t.Fatalf("restore: exit %d:\n%s", code, stderr)
	}
	asides, _ := filepath.Glob(dbPath + ".before-restore-*")
	if len(asides) != 1 {
		t.Fatalf("kept aside: %q, want the damaged database", asides)
	}
	for _, w := range []string{"Restored " + dbPath + " from " + backup, "kept at " + asides[0], "Start the bot again"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("stdout does not say %q:\n%s", w, stdout)
		}
	}
	if code, _, stderr := porchlight(t, "", "migrate", "--config", cfg); code != exitOK {
		t.Fatalf("migrate after restore: exit %d: %s", code, stderr)
	}

	ctx := context.Background()
	db, err := storage.Open(ctx, dbPath, storage.CheckIntegrity())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(ctx, func(tx bot.Tx) error {
		for _, w := range want {
			a, err := tx.AnswerOf(ctx, w.round, w.member)
			if err != nil {
				return fmt.Errorf("answer of member %d in round %d: %w", w.member, w.round, err)
			}
			if a.Values["win"] != w.win {
				t.Errorf("answer of member %d in round %d = %q, want %q", w.member, w.round, a.Values["win"], w.win)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRestoreRefusedWhileHeld: with the instance lock held (as a running
// bot holds it) restore exits 1, names the holder, and changes nothing.
func TestRestoreRefusedWhileHeld(t *testing.T) {
	cfg, dbPath := writeConfig(t, "")
	fillAnswers(t, dbPath)
	backup := filepath.Join(t.TempDir(), "b.db")
	if code, _, stderr := porchlight(t, "", "backup", "--config", cfg, backup); code != exitOK {
		t.Fatalf("backup: exit %d: %s", code, stderr)
	}
	held, err := storage.Open(context.Background(), dbPath, storage.Exclusive())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	code, _, stderr := porchlight(t, "", "restore", "--config", cfg, backup)
	if code != exitRuntime || !strings.Contains(stderr, fmt.Sprintf("pid %d", os.Getpid())) || !strings.Contains(stderr, "stop that one first") {
		t.Errorf("exit %d, stderr %q; want 1 naming the holder", code, stderr)
	}
	if asides, _ := filepath.Glob(dbPath + ".*"); len(asides) != 1 || asides[0] != storage.LockPath(dbPath) {
		t.Errorf("files beside the database: %q, want only the lock file", asides)
	}
}
