package storage_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/porchlight/porchlight/bot"
)

func TestDueIsEnqueueOrderWhateverTheNextAt(t *testing.T) {
	f := newFixture(t)
	first, second := f.postIn("C-1", "first"), f.postIn("C-2", "second")
	first.NextAt, second.NextAt = t0.Add(5*time.Minute), t0
	f.enqueue(t, first, second)
	if got, want := texts(f.due(t, t0)), []string{"second"}; !slices.Equal(got, want) {
		t.Errorf("due at t0 = %v, want %v", got, want)
	}
	// Once both are due, the older message goes first.
	if got, want := texts(f.due(t, t0.Add(5*time.Minute))), []string{"first", "second"}; !slices.Equal(got, want) {
		t.Errorf("due at +5m = %v, want %v", got, want)
	}
}

// TestDueKeepsOrderPerRecipient: a message waits while an earlier one to
// the same recipient is pending, even one waiting for a retry; a message
// to someone else does not wait, and a failed one holds nobody up.
func TestDueKeepsOrderPerRecipient(t *testing.T) {
	f := newFixture(t)
	ob := f.db.Outbox()
	dmTo := func(user, text string) *bot.OutboxMessage { return dm(f.house, user, text) }
	ids := f.enqueue(t, dmTo("U-1", "one"), dmTo("U-1", "two"), dmTo("U-2", "other"), f.post("post"), dmTo("U-1", "three"))
	// One message per recipient in a batch: a failure in the batch cannot
	// be overtaken by the message behind it.
	if got, want := texts(f.due(t, t0)), []string{"one", "other", "post"}; !slices.Equal(got, want) {
		t.Errorf("due at t0 = %v, want %v", got, want)
	}
	if err := ob.MarkRetry(f.ctx, ids[0], t0.Add(10*time.Minute), "502"); err != nil {
		t.Fatal(err)
	}
	if got, want := texts(f.due(t, t0.Add(time.Minute))), []string{"other", "post"}; !slices.Equal(got, want) {
		t.Errorf("due while U-1's first waits for its retry = %v, want %v", got, want)
	}
	if got, want := f.drain(t, t0.Add(10*time.Minute)), []string{"one", "other", "post", "two", "three"}; !slices.Equal(got, want) {
		t.Errorf("delivered = %v, want %v", got, want)
	}
	// A failed message does not hold up the ones after it.
	more := f.enqueue(t, dmTo("U-3", "bad"), dmTo("U-3", "good"))
	if err := ob.MarkFailed(f.ctx, more[0], "400"); err != nil {
		t.Fatal(err)
	}
	if got, want := texts(f.due(t, t0.Add(time.Hour))), []string{"good"}; !slices.Equal(got, want) {
		t.Errorf("due after a failure = %v, want %v", got, want)
	}
}

func TestMarkRetryCountsAttemptsAndClipsTheReason(t *testing.T) {
	f := newFixture(t)
	ob := f.db.Outbox()
	id := f.enqueue(t, f.post("flaky"))[0]
	for i, next := range []time.Time{t0.Add(time.Minute), t0.Add(3 * time.Minute), {}} {
		if err := ob.MarkRetry(f.ctx, id, next, "429 slow down"); err != nil {
			t.Fatal(err)
		}
		m := f.stored(t, id)
		if m.Attempts != i+1 || m.Status != bot.OutboxPending || !m.NextAt.Equal(next) {
			t.Errorf("after retry %d: attempts %d, status %s, next %v; want %d, pending, %v", i+1, m.Attempts, m.Status, m.NextAt, i+1, next)
		}
	}
	// A zero next time means at once.
	if got := f.due(t, t0); len(got) != 1 || got[0].ID != id {
		t.Errorf("due after a retry with no time = %v, want the message", texts(got))
	}
	// Adapter errors can be long; the stored reason is bounded and stays
	// valid UTF-8 even when the cut falls inside a character.
	long := "x" + strings.Repeat("é", 400)
	if err := ob.MarkFailed(f.ctx, id, long); err != nil {
		t.Fatal(err)
	}
	m := f.stored(t, id)
	if len(m.LastError) > 500 || !utf8.ValidString(m.LastError) || !strings.HasPrefix(long, m.LastError) || len(m.LastError) < 490 {
		t.Errorf("stored reason: %d bytes, valid %v; want a valid prefix of at most 500 bytes", len(m.LastError), utf8.ValidString(m.LastError))
	}
	if m.Status != bot.OutboxFailed || m.Attempts != 4 {
		t.Errorf("failed message = %s after %d attempts, want failed after 4", m.Status, m.Attempts)
	}
	if got := f.due(t, t0.Add(time.Hour)); len(got) != 0 {
		t.Errorf("due after failure = %v, want none", texts(got))
	}
}

func TestEnqueueRefusesAMessageWithNoWhereToGo(t *testing.T) {
	f := newFixture(t)
	noPlatform, noTarget := f.post("a"), f.post("b")
	noPlatform.Platform = ""
	noTarget.Out.Target.Kind = ""
	for name, m := range map[string]*bot.OutboxMessage{"no platform": noPlatform, "no target kind": noTarget} {
		err := f.db.Update(f.ctx, func(tx bot.Tx) error { _, err := tx.Enqueue(f.ctx, m); return err })
		if err == nil || errors.Is(err, bot.ErrDuplicate) {
			t.Errorf("%s: Enqueue = %v, want an error", name, err)
		}
	}
	if n, err := f.db.Outbox().Pending(f.ctx); err != nil || n != 0 {
		t.Errorf("Pending = %d, %v; want 0", n, err)
	}
}

func TestDedupeKeyHoldsAfterTheMessageIsSent(t *testing.T) {
	f := newFixture(t)
	m := f.post("reminder")
	m.Key = "remind:7"
	id := f.enqueue(t, m)[0]
	if err := f.db.Outbox().MarkSent(f.ctx, id, bot.MessageRef{ID: "r1"}, t0); err != nil {
		t.Fatal(err)
	}
	update(t, f.db, func(tx bot.Tx) error {
		again := f.post("reminder again")
		again.Key = m.Key
		got, err := tx.Enqueue(f.ctx, again)
		if !errors.Is(err, bot.ErrDuplicate) || got != id || again.ID != 0 {
			t.Errorf("Enqueue of a sent key = %d, %v (ID set to %d); want %d, ErrDuplicate, ID untouched", got, err, again.ID, id)
		}
		return nil
	})
	if n, err := f.db.Outbox().Pending(f.ctx); err != nil || n != 0 {
		t.Errorf("Pending = %d, %v; want 0: the reminder is not sent twice", n, err)
	}
}

// TestThreadChainBecomesDueStepByStep follows a prompt, a share threaded
// under it and an edit of the share: each waits for its parent to be sent,
// and for its own time.
func TestThreadChainBecomesDueStepByStep(t *testing.T) {
	f := newFixture(t)
	ob := f.db.Outbox()
	prompt := f.enqueue(t, f.post("prompt"))[0]
	share := f.post("share")
	share.ThreadOf = prompt
	share.NextAt = t0.Add(10 * time.Minute)
	shareID := f.enqueue(t, share)[0]
	other := f.enqueue(t, f.postIn("C-other", "unrelated"))[0]

	// A limit counts only messages that can go: the waiting share does
	// not take a place.
	got, err := ob.Due(f.ctx, t0.Add(time.Hour), 2)
	if err != nil {
		t.Fatal(err)
	}
	if ids := outboxIDs(got); !slices.Equal(ids, []int64{prompt, other}) {
		t.Errorf("due with limit 2 = %v, want prompt and unrelated %v", ids, []int64{prompt, other})
	}
	// The prompt fails once and is retried later: still pending, so the
	// share keeps waiting.
	if err := ob.MarkRetry(f.ctx, prompt, t0.Add(20*time.Minute), "timeout"); err != nil {
		t.Fatal(err)
	}
	if ids := outboxIDs(f.due(t, t0.Add(15*time.Minute))); !slices.Equal(ids, []int64{other}) {
		t.Errorf("due while the prompt is retried = %v, want only %d", ids, other)
	}
	ref := bot.MessageRef{Channel: "C-house", ID: "p1"}
	if err := ob.MarkSent(f.ctx, prompt, ref, t0.Add(20*time.Minute)); err != nil {
		t.Fatal(err)
	}
	// Sent parent, but the share's own time has not come.
	if ids := outboxIDs(f.due(t, t0.Add(5*time.Minute))); !slices.Equal(ids, []int64{other}) {
		t.Errorf("due before the share's time = %v, want only %d", ids, other)
	}
	got = f.due(t, t0.Add(20*time.Minute))
	if ids := outboxIDs(got); !slices.Equal(ids, []int64{shareID, other}) || got[0].Out.Thread != ref {
		t.Errorf("due = %+v, want the share threaded under %+v, then the other", got, ref)
	}
	// What Due fills in is not stored: the stored message is as enqueued.
	if m := f.stored(t, shareID); !m.Out.Thread.IsZero() || m.ThreadOf != prompt {
		t.Errorf("stored share = %+v, want thread_of %d and no ref", m, prompt)
	}
}

func outboxIDs(ms []*bot.OutboxMessage) []int64 {
	var out []int64
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func TestOutboxMessageNotFound(t *testing.T) {
	f := newFixture(t)
	if _, err := f.db.OutboxMessage(f.ctx, 4242); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("OutboxMessage of nothing = %v, want ErrNotFound", err)
	}
}
