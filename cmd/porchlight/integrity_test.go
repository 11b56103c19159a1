package main

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/bot/bottest"
	"github.com/porchlight/porchlight/storage"
	"github.com/porchlight/porchlight/storage/storagetest"
)

// damagedOutbox makes the config's database with one message in the
// outbox, closes it, and damages the outbox's pages on disk.
func damagedOutbox(t *testing.T, dbPath string) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(ctx, func(tx bot.Tx) error {
		h := &bot.House{Name: "Cedar House", Platform: "console", Channel: "house", Location: time.UTC}
		id, err := tx.SyncHouse(ctx, h, time.Now())
		if err != nil {
			return err
		}
		_, err = tx.Enqueue(ctx, &bot.OutboxMessage{HouseID: id, Platform: "console", NextAt: time.Now(), CreatedAt: time.Now(),
			Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: "house"}, Message: bot.Message{Text: "hello"}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	storagetest.DamageTable(t, dbPath, "outbox")
}

// TestDamagedDatabaseIsRefused: run, migrate and demo refuse a damaged
// database at start and say how to restore; read-only tools still open it
// to get at what can be read.
func TestDamagedDatabaseIsRefused(t *testing.T) {
	cfg, dbPath := writeConfig(t, "")
	damagedOutbox(t, dbPath)
	for _, args := range [][]string{
		{"run", "--config", cfg},
		{"migrate", "--config", cfg},
		{"demo", "--db", dbPath},
	} {
		code, stdout, stderr := porchlight(t, "/help\n", args...)
		if code != exitRuntime {
			t.Errorf("%s on a damaged database: exit %d, want %d", args[0], code, exitRuntime)
		}
		for _, want := range []string{"damaged", "quick_check", "Restoring a backup"} {
			if !strings.Contains(stdout+stderr, want) {
				t.Errorf("%s: the error does not say %q:\n%s%s", args[0], want, stdout, stderr)
			}
		}
	}
}

// TestCorruptionWatch: a read or a write of the core that finds the
// database damaged marks the database failing in the health status, and
// stays marked; other failures are left to their own parts.
func TestCorruptionWatch(t *testing.T) {
	_, dbPath := writeConfig(t, "")
	damagedOutbox(t, dbPath)
	ctx := context.Background()
	db, err := storage.Open(ctx, dbPath) // as if the damage came after the start's check
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	status := newHealth(nil, bottest.NewClock(time.Now()))
	w := corruptionWatch{Store: db, health: status}

	if err := w.View(ctx, func(tx bot.Tx) error { _, err := tx.HouseCreated(ctx, 1); return err }); err != nil {
		t.Fatalf("a read of an undamaged table: %v", err)
	}
	if status.Degraded() {
		t.Fatal("degraded before any damage was read")
	}
	err = w.View(ctx, func(tx bot.Tx) error { _, err := tx.OutboxRef(ctx, 1); return err })
	if storage.ErrorClass(err) != storage.ClassCorrupt {
		t.Fatalf("reading the damaged outbox: %v, want a corrupt error", err)
	}
	if err := w.View(ctx, func(tx bot.Tx) error { _, err := tx.HouseCreated(ctx, 1); return err }); err != nil {
		t.Fatal(err)
	}
	p := status.Problems()
	if len(p) != 1 || p[0].Component != "database" || p[0].Class != storage.ClassCorrupt {
		t.Errorf("problems = %+v, want the database, corrupt, still after a good read", p)
	}
}

// TestBackgroundIntegrityCheck: after a clean stop the bot starts without
// reading the whole file, and its check beside the running bot marks a
// damaged database failing (which fails /readyz), without stopping it; the
// next start refuses the file.
func TestBackgroundIntegrityCheck(t *testing.T) {
	cfg, dbPath := writeConfig(t, "")
	damagedOutbox(t, dbPath)
	// The file was never locked: the first start checks it first and
	// refuses it. Record a clean stop as a bot's would, and start again.
	if code, _, _ := porchlight(t, "", "run", "--config", cfg); code != exitRuntime {
		t.Fatalf("run on a damaged, never-locked file: exit %d, want %d", code, exitRuntime)
	}
	if err := os.WriteFile(storage.LockPath(dbPath), []byte(`{"stopped":"2026-11-17T20:00:00Z"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, dbPath, storage.Exclusive(), storage.CheckIntegrityAfterUncleanStop())
	if err != nil {
		t.Fatalf("the start after a clean stop: %v, want the check left to the background", err)
	}
	if db.Checked() {
		t.Error("the start after a clean stop read the whole file")
	}
	status := newHealth(nil, bottest.NewClock(time.Now()))
	a := &app{db: db, health: status, log: slog.New(slog.DiscardHandler)}
	a.checkIntegrity(ctx)
	p := status.Problems()
	if len(p) != 1 || p[0].Component != "database" || p[0].Class != storage.ClassCorrupt {
		t.Errorf("problems = %+v, want the database, corrupt", p)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := porchlight(t, "", "run", "--config", cfg)
	if code != exitRuntime || !strings.Contains(stdout+stderr, "Restoring a backup") {
		t.Errorf("the next start: exit %d, want %d and the restore advice:\n%s%s", code, exitRuntime, stdout, stderr)
	}
}
