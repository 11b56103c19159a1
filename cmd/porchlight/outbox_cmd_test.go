package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage"
)

// failedMessages prepares a database with three failed messages in Cedar
// House (a crisis alert, a post, a DM) and one sent, and returns their ids.
func failedMessages(t *testing.T, cfg, dbPath string) (alert, post, dm, sent int64) {
	t.Helper()
	if code, _, stderr := porchlight(t, "", "migrate", "--config", cfg); code != exitOK {
		t.Fatalf("migrate: exit %d: %s", code, stderr)
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 11, 16, 15, 0, 0, 0, time.UTC)
	var ids []int64
	err = db.Update(ctx, func(tx bot.Tx) error {
		house, err := tx.SyncHouse(ctx, &bot.House{Name: "Cedar House", Platform: "console", Channel: "house", Location: time.UTC}, at)
		if err != nil {
			return err
		}
		for _, m := range []*bot.OutboxMessage{
			{Kind: bot.MsgCrisisAlert, Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: "U-mentor"}, Message: bot.Message{Text: "Robin asked for support"}}},
			{Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: "house"}, Message: bot.Message{Text: "a post"}}},
			{Kind: bot.MsgReminder, Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: "U-robin"}, Message: bot.Message{Text: "a nudge"}}},
			{Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: "house"}, Message: bot.Message{Text: "sent"}}},
		} {
			m.HouseID, m.Platform, m.CreatedAt, m.NextAt = house, "console", at, at
			id, err := tx.Enqueue(ctx, m)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ob := db.Outbox()
	for _, id := range ids[:3] {
		if err := ob.MarkFailed(ctx, id, "HTTP 403 code 50007"); err != nil {
			t.Fatal(err)
		}
	}
	if err := ob.MarkSent(ctx, ids[3], bot.MessageRef{ID: "1"}, at); err != nil {
		t.Fatal(err)
	}
	return ids[0], ids[1], ids[2], ids[3]
}

func TestOutboxList(t *testing.T) {
	cfg, dbPath := writeConfig(t, "")
	alert, _, _, sent := failedMessages(t, cfg, dbPath)
	code, out, stderr := porchlight(t, "", "outbox", "list", "--config", cfg)
	if code != exitOK {
		t.Fatalf("list: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"ID", "HOUSE", "KIND", "REASON", "Cedar House", "crisis_alert", "reminder", "dm", "channel",
		"2026-11-16 15:00", "failed", "HTTP 403 code 50007"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	// Never the text, nor whom a DM was for.
	for _, secret := range []string{"Robin", "support", "a post", "a nudge", "U-mentor", "U-robin"} {
		if strings.Contains(out, secret) {
			t.Errorf("list shows %q:\n%s", secret, out)
		}
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 4 || !strings.HasPrefix(lines[1], idArg(alert)+" ") {
		t.Errorf("list = %d lines, want a header and the 3 failed messages, oldest first:\n%s", len(lines), out)
	}
	if strings.Contains(out, "\n"+idArg(sent)+" ") {
		t.Errorf("list shows the sent message:\n%s", out)
	}
	if code, _, _ := porchlight(t, "", "outbox", "list", "--config", cfg, "extra"); code != exitUsage {
		t.Errorf("list with an argument: exit %d, want %d", code, exitUsage)
	}
}

func TestOutboxRetry(t *testing.T) {
	cfg, dbPath := writeConfig(t, "")
	alert, post, _, sent := failedMessages(t, cfg, dbPath)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{nil, exitUsage, "at least one message ID"},
		{[]string{"seven"}, exitUsage, "not a message ID"},
		{[]string{idArg(alert), idArg(sent)}, exitRuntime, "nothing was changed"},
		{[]string{idArg(alert), "999"}, exitRuntime, "nothing was changed"},
	} {
		code, _, stderr := porchlight(t, "", append([]string{"outbox", "retry", "--config", cfg}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("retry %v: exit %d, %q; want %d and %q", tc.args, code, stderr, tc.code, tc.msg)
		}
	}
	code, out, stderr := porchlight(t, "", "outbox", "retry", "--config", cfg, idArg(alert), idArg(post))
	if code != exitOK || !strings.Contains(out, "Retried 2") {
		t.Fatalf("retry: exit %d, %q, %q", code, out, stderr)
	}
	m := stored(t, dbPath, alert)
	if m.Status != bot.OutboxPending || m.Attempts != 0 {
		t.Errorf("retried alert = %s after %d attempts, want pending afresh", m.Status, m.Attempts)
	}
	_, out, _ = porchlight(t, "", "outbox", "list", "--config", cfg)
	if strings.Contains(out, "crisis_alert") || !strings.Contains(out, "reminder") {
		t.Errorf("list after retry:\n%s\nwant only the reminder", out)
	}
	_, out, _ = porchlight(t, "", "audit", "--config", cfg, "--since", "2000-01-01")
	if n := strings.Count(out, "outbox.retry"); n != 2 {
		t.Errorf("audit has %d outbox.retry rows, want 2:\n%s", n, out)
	}
}

func TestOutboxDrop(t *testing.T) {
	cfg, dbPath := writeConfig(t, "")
	_, _, dm, sent := failedMessages(t, cfg, dbPath)
	if code, _, stderr := porchlight(t, "", "outbox", "drop", "--config", cfg, idArg(sent)); code != exitRuntime || !strings.Contains(stderr, "is sent") {
		t.Errorf("drop of a sent message: exit %d, %q", code, stderr)
	}
	if code, _, stderr := porchlight(t, "", "outbox", "drop", "--config", cfg); code != exitUsage {
		t.Errorf("drop without ids: exit %d, %q", code, stderr)
	}
	code, out, stderr := porchlight(t, "", "outbox", "drop", "--config", cfg, idArg(dm))
	if code != exitOK || !strings.Contains(out, "Dropped 1") {
		t.Fatalf("drop: exit %d, %q, %q", code, out, stderr)
	}
	if m := stored(t, dbPath, dm); m.Status != bot.OutboxFailed {
		t.Errorf("dropped message = %s, want kept as failed (dropped)", m.Status)
	}
	_, out, _ = porchlight(t, "", "outbox", "list", "--config", cfg)
	if strings.Contains(out, "reminder") {
		t.Errorf("list after drop still shows it:\n%s", out)
	}
	_, out, _ = porchlight(t, "", "outbox", "list", "--config", cfg, "--all")
	if !strings.Contains(out, "reminder") || !strings.Contains(out, "dropped") {
		t.Errorf("list --all:\n%s\nwant the reminder, dropped", out)
	}
	_, out, _ = porchlight(t, "", "audit", "--config", cfg, "--since", "2000-01-01")
	if !strings.Contains(out, "outbox.drop") || !strings.Contains(out, "outbox:"+idArg(dm)) {
		t.Errorf("audit lacks the drop:\n%s", out)
	}
}

func TestOutboxUsage(t *testing.T) {
	if code, _, stderr := porchlight(t, "", "outbox"); code != exitUsage || !strings.Contains(stderr, "retry") {
		t.Errorf("outbox alone: exit %d, %q", code, stderr)
	}
	if code, _, stderr := porchlight(t, "", "outbox", "purge"); code != exitUsage || !strings.Contains(stderr, "unknown subcommand") {
		t.Errorf("outbox purge: exit %d, %q", code, stderr)
	}
	if code, _, _ := porchlight(t, "", "outbox", "list"); code != exitUsage {
		t.Errorf("list without --config: exit %d, want %d", code, exitUsage)
	}
}

// idArg is an outbox id as a command-line argument.
func idArg(id int64) string { return strconv.FormatInt(id, 10) }

// stored reads one outbox message back.
func stored(t *testing.T, dbPath string, id int64) *bot.OutboxMessage {
	t.Helper()
	db, err := storage.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := db.OutboxMessage(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
