package storage_test

import (
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage"
)

// rawExec changes the database behind the store's back, through a
// connection of its own, as a damaged or hand-edited file would be.
func rawExec(t *testing.T, db *storage.DB, query string, args ...any) {
	t.Helper()
	raw, err := sql.Open("sqlite", db.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(query, args...); err != nil {
		t.Fatal(err)
	}
}

// TestDueHandsOverAPoisonRowAndGoesOn: a row whose payload does not
// decode no longer stops the queue. It comes back Broken, with its target
// and kind from the columns, and the reason says nothing of the text.
func TestDueHandsOverAPoisonRowAndGoesOn(t *testing.T) {
	f := newFixture(t)
	alert := dm(f.house, "U-mentor", "secret words")
	alert.Kind = bot.MsgCrisisAlert
	ids := f.enqueue(t, alert, f.post("fine"))
	rawExec(t, f.db, `UPDATE outbox SET payload = '{"text": "secret words", ' WHERE id = ?`, ids[0])

	got := f.due(t, t0)
	if len(got) != 2 {
		t.Fatalf("due = %d messages, want the broken one and the fine one", len(got))
	}
	bad, fine := got[0], got[1]
	if bad.Broken == "" || bad.Out.Target != (bot.Target{Kind: bot.TargetDM, User: "U-mentor"}) || bad.Kind != bot.MsgCrisisAlert || bad.Out.Text != "" {
		t.Errorf("broken message = %+v, want Broken with the target and kind from the columns, no text", bad)
	}
	if strings.Contains(bad.Broken, "secret") {
		t.Errorf("reason %q quotes the payload", bad.Broken)
	}
	if fine.Broken != "" || fine.Out.Text != "fine" {
		t.Errorf("the next message = %+v, want it whole", fine)
	}
	// Tools read it too.
	if m := f.stored(t, ids[0]); m.Broken == "" {
		t.Errorf("OutboxMessage of a broken row = %+v, want it Broken", m)
	}
}

func TestFailedOutboxListRetryAndDrop(t *testing.T) {
	f := newFixture(t)
	ob := f.db.Outbox()
	alert := dm(f.house, "U-mentor", "alert")
	alert.Kind = bot.MsgCrisisAlert
	ids := f.enqueue(t, alert, f.postIn("C-1", "one"), f.postIn("C-2", "sent"))
	for _, id := range ids[:2] {
		if err := ob.MarkFailed(f.ctx, id, "HTTP 403"); err != nil {
			t.Fatal(err)
		}
	}
	if err := ob.MarkSent(f.ctx, ids[2], bot.MessageRef{ID: "s"}, t0); err != nil {
		t.Fatal(err)
	}
	list := func(dropped bool) []storage.OutboxEntry {
		t.Helper()
		got, err := f.db.FailedOutbox(f.ctx, dropped)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	// OutboxFailed and the monitoring's Stats count alike: a dropped
	// message is handled, and no longer counts.
	count := func() int {
		t.Helper()
		n, err := f.db.OutboxFailed(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.db.Stats(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.OutboxFailed != n {
			t.Errorf("Stats.OutboxFailed = %d, OutboxFailed = %d; want the same", st.OutboxFailed, n)
		}
		return n
	}
	want := storage.OutboxEntry{ID: ids[0], HouseID: f.house, Platform: "test", TargetKind: bot.TargetDM, Kind: bot.MsgCrisisAlert,
		CreatedAt: t0, Attempts: 1, Status: bot.OutboxFailed, Reason: "HTTP 403"}
	if got := list(false); len(got) != 2 || got[0] != want || got[1].ID != ids[1] || got[1].Kind != "" {
		t.Errorf("failed = %+v, want %+v and the post of unknown kind", got, want)
	}
	if n := count(); n != 2 {
		t.Errorf("OutboxFailed = %d, want 2", n)
	}

	// All or nothing: a sent or unknown id changes nothing.
	later := t0.Add(time.Hour)
	if err := f.db.RetryOutbox(f.ctx, []int64{ids[0], ids[2]}, later, "cli"); !errors.Is(err, storage.ErrNotFailed) {
		t.Errorf("retry of a sent message = %v, want ErrNotFailed", err)
	}
	if err := f.db.DropOutbox(f.ctx, []int64{ids[0], 999}, later, "cli"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("drop of an unknown id = %v, want ErrNotFound", err)
	}
	if n := count(); n != 2 {
		t.Errorf("OutboxFailed after refused changes = %d, want 2", n)
	}

	if err := f.db.DropOutbox(f.ctx, []int64{ids[1]}, later, "cli"); err != nil {
		t.Fatal(err)
	}
	if got := list(false); len(got) != 1 || got[0].ID != ids[0] {
		t.Errorf("failed after a drop = %+v, want the alert only", got)
	}
	if n := count(); n != 1 {
		t.Errorf("OutboxFailed after a drop = %d, want 1", n)
	}
	if got := list(true); len(got) != 2 || got[1].Status != storage.StatusDropped {
		t.Errorf("failed and dropped = %+v, want the post as dropped", got)
	}
	if got := f.due(t, later); len(got) != 0 {
		t.Errorf("due after a drop = %v, want nothing", texts(got))
	}

	if err := f.db.RetryOutbox(f.ctx, []int64{ids[0]}, later, "cli"); err != nil {
		t.Fatal(err)
	}
	m := f.stored(t, ids[0])
	if m.Status != bot.OutboxPending || m.Attempts != 0 || !m.NextAt.Equal(later) || m.LastError != "" {
		t.Errorf("retried = %s, %d attempts, next %v, reason %q; want pending afresh at %v", m.Status, m.Attempts, m.NextAt, m.LastError, later)
	}
	if got := texts(f.due(t, later)); !slices.Equal(got, []string{"alert"}) {
		t.Errorf("due after retry = %v, want the alert", got)
	}
	if n := count(); n != 0 {
		t.Errorf("OutboxFailed at the end = %d, want 0", n)
	}
	for action, want := range map[string]int{"outbox.retry": 1, "outbox.drop": 1} {
		if n, err := f.db.CountAudit(f.ctx, action); err != nil || n != want {
			t.Errorf("audit %s = %d, %v; want %d", action, n, err, want)
		}
	}
}
