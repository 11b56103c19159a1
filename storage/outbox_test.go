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
	"github.com/porchlight/porchlight/bot/bottest"
	"github.com/porchlight/porchlight/outbox"
)

// post is a channel message for the fixture's house.
func (f *fixture) post(text string) *bot.OutboxMessage { return f.postIn("C-house", text) }

// postIn is a channel post to channel: a recipient of its own, whose
// messages do not wait for those to C-house.
func (f *fixture) postIn(channel, text string) *bot.OutboxMessage {
	return &bot.OutboxMessage{HouseID: f.house, Platform: "test", NextAt: t0, CreatedAt: t0,
		Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: channel}, Message: bot.Message{Text: text}}}
}

// enqueue writes messages in one transaction and returns their ids.
func (f *fixture) enqueue(t *testing.T, ms ...*bot.OutboxMessage) []int64 {
	t.Helper()
	var ids []int64
	update(t, f.db, func(tx bot.Tx) error {
		for _, m := range ms {
			id, err := tx.Enqueue(f.ctx, m)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids
}

// due returns the texts of the messages due at now.
func (f *fixture) due(t *testing.T, now time.Time) []*bot.OutboxMessage {
	t.Helper()
	ms, err := f.db.Outbox().Due(f.ctx, now, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// drain delivers everything due at now as a sender would, pass after
// pass, and returns the texts in the order they went out.
func (f *fixture) drain(t *testing.T, now time.Time) []string {
	t.Helper()
	var out []string
	for due := f.due(t, now); len(due) > 0; due = f.due(t, now) {
		for _, m := range due {
			if err := f.db.Outbox().MarkSent(f.ctx, m.ID, bot.MessageRef{Channel: m.Out.Target.Channel, ID: fmt.Sprint("m", m.ID)}, now); err != nil {
				t.Fatal(err)
			}
			out = append(out, m.Out.Text)
		}
	}
	return out
}

func texts(ms []*bot.OutboxMessage) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Out.Text)
	}
	return out
}

// stored reads a message back as stored.
func (f *fixture) stored(t *testing.T, id int64) *bot.OutboxMessage {
	t.Helper()
	m, err := f.db.OutboxMessage(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestEnqueueRoundTripsTheMessage(t *testing.T) {
	f := newFixture(t)
	m := &bot.OutboxMessage{HouseID: f.house, Platform: "test", Key: "k1", NextAt: t0, CreatedAt: t0,
		Out: bot.Outgoing{
			Target:  bot.Target{Kind: bot.TargetEphemeral, Channel: "C-house", User: "U0001"},
			Message: bot.Message{Text: "hello", Choices: []bot.Choice{{ID: "checkin:open:1", Label: "Check in", Style: bot.StylePrimary}}, Attachment: &bot.Attachment{Name: "chart.png", ContentType: "image/png", Data: []byte{0x89, 'P', 'N', 'G'}}},
		}}
	ids := f.enqueue(t, m)
	if m.ID != ids[0] || m.Status != bot.OutboxPending {
		t.Errorf("after Enqueue m.ID, m.Status = %d, %q; want %d, pending", m.ID, m.Status, ids[0])
	}
	got := f.due(t, t0)
	if len(got) != 1 {
		t.Fatalf("due = %d messages, want 1", len(got))
	}
	if !reflect.DeepEqual(*got[0], *m) {
		t.Errorf("due message = %+v, want %+v", got[0], m)
	}
}

func TestEnqueueDuplicateKey(t *testing.T) {
	f := newFixture(t)
	first := f.post("first")
	first.Key = "remind:1:2"
	ids := f.enqueue(t, first)
	update(t, f.db, func(tx bot.Tx) error {
		dup := f.post("second")
		dup.Key = first.Key
		id, err := tx.Enqueue(f.ctx, dup)
		if !errors.Is(err, bot.ErrDuplicate) || id != ids[0] {
			t.Errorf("duplicate Enqueue = %d, %v; want %d, ErrDuplicate", id, err, ids[0])
		}
		// The transaction goes on: this message commits.
		_, err = tx.Enqueue(f.ctx, f.post("after"))
		return err
	})
	// Messages without a key never collide.
	f.enqueue(t, f.post("no key"), f.post("no key"))
	if got, want := f.drain(t, t0), []string{"first", "after", "no key", "no key"}; !slices.Equal(got, want) {
		t.Errorf("delivered = %v, want %v", got, want)
	}
}

func TestDueOrderAndRetry(t *testing.T) {
	f := newFixture(t)
	// Four recipients: order between them is enqueue order.
	later := f.postIn("C-2", "later")
	later.NextAt = t0.Add(time.Minute)
	asap := f.postIn("C-4", "asap")
	asap.NextAt = time.Time{} // as soon as possible
	ids := f.enqueue(t, f.postIn("C-1", "a"), later, f.postIn("C-3", "b"), asap)
	if got, want := texts(f.due(t, t0)), []string{"a", "b", "asap"}; !slices.Equal(got, want) {
		t.Errorf("due at t0 = %v, want %v", got, want)
	}
	if got, err := f.db.Outbox().Due(f.ctx, t0, 2); err != nil || len(got) != 2 || got[0].ID != ids[0] {
		t.Errorf("due with limit 2 = %v, %v; want a and b", texts(got), err)
	}
	// "a" fails and is retried in 10 minutes; it leaves the queue until then.
	ob := f.db.Outbox()
	if err := ob.MarkRetry(f.ctx, ids[0], t0.Add(10*time.Minute), "502 bad gateway"); err != nil {
		t.Fatal(err)
	}
	if got, want := texts(f.due(t, t0.Add(time.Minute))), []string{"later", "b", "asap"}; !slices.Equal(got, want) {
		t.Errorf("due at +1m = %v, want %v", got, want)
	}
	got := f.due(t, t0.Add(10*time.Minute))
	if got[0].Out.Text != "a" || got[0].Attempts != 1 || got[0].LastError != "502 bad gateway" {
		t.Errorf("retried message = %+v, want a with 1 attempt and its error", got[0])
	}
	// Sent and failed messages leave the queue.
	if err := ob.MarkSent(f.ctx, ids[0], bot.MessageRef{Channel: "C-house", ID: "m1"}, t0.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := ob.MarkFailed(f.ctx, ids[1], "404 unknown channel"); err != nil {
		t.Fatal(err)
	}
	if n, err := ob.Pending(f.ctx); err != nil || n != 2 {
		t.Errorf("Pending = %d, %v; want 2", n, err)
	}
	sent := f.stored(t, ids[0])
	if sent.Status != bot.OutboxSent || sent.Attempts != 2 || !sent.SentAt.Equal(t0.Add(10*time.Minute)) || sent.Ref.ID != "m1" {
		t.Errorf("sent message = %+v", sent)
	}
	view(t, f.db, func(tx bot.Tx) error {
		for id, want := range map[int64]bot.MessageRef{
			ids[0]: {Channel: "C-house", ID: "m1"}, // sent
			ids[1]: {},                             // failed
			ids[2]: {},                             // pending
			0:      {},                             // no message
		} {
			ref, err := tx.OutboxRef(f.ctx, id)
			if err != nil {
				return err
			}
			if ref != want {
				t.Errorf("OutboxRef(%d) = %+v, want %+v", id, ref, want)
			}
		}
		return nil
	})
}

func TestDueThreadsAndEdits(t *testing.T) {
	f := newFixture(t)
	ob := f.db.Outbox()
	prompt := f.enqueue(t, f.post("prompt"))[0]
	share := f.post("share")
	share.ThreadOf = prompt
	shareID := f.enqueue(t, share)[0]
	edit := f.post("share, edited")
	edit.EditOf = shareID
	editID := f.enqueue(t, edit)[0]

	// Children wait for their parents.
	if got, want := texts(f.due(t, t0)), []string{"prompt"}; !slices.Equal(got, want) {
		t.Fatalf("due = %v, want %v", got, want)
	}
	promptRef := bot.MessageRef{Channel: "C-house", ID: "p1"}
	if err := ob.MarkSent(f.ctx, prompt, promptRef, t0); err != nil {
		t.Fatal(err)
	}
	got := f.due(t, t0)
	if len(got) != 1 || got[0].ID != shareID || got[0].Out.Thread != promptRef {
		t.Fatalf("due after the prompt = %+v, want the share threaded under %+v", got, promptRef)
	}
	shareRef := bot.MessageRef{Channel: "C-house", ID: "s1"}
	if err := ob.MarkSent(f.ctx, shareID, shareRef, t0); err != nil {
		t.Fatal(err)
	}
	got = f.due(t, t0)
	if len(got) != 1 || got[0].ID != editID || got[0].Out.Edit != shareRef {
		t.Fatalf("due after the share = %+v, want the edit of %+v", got, shareRef)
	}
}

func TestDueWhenParentsFail(t *testing.T) {
	f := newFixture(t)
	ob := f.db.Outbox()
	parent := f.enqueue(t, f.post("parent"))[0]
	reply := f.post("reply")
	reply.ThreadOf = parent
	edit := f.post("edit")
	edit.EditOf = parent
	ids := f.enqueue(t, reply, edit)
	editOfEdit := f.post("edit of edit")
	editOfEdit.EditOf = ids[1]
	eeID := f.enqueue(t, editOfEdit)[0]

	if err := ob.MarkFailed(f.ctx, parent, "404 unknown channel"); err != nil {
		t.Fatal(err)
	}
	// The reply goes out unthreaded; the edits can never apply and fail.
	got := f.due(t, t0)
	if len(got) != 1 || got[0].ID != ids[0] || !got[0].Out.Thread.IsZero() {
		t.Fatalf("due = %+v, want only the reply, unthreaded", got)
	}
	for _, id := range []int64{ids[1], eeID} {
		m := f.stored(t, id)
		if m.Status != bot.OutboxFailed || m.LastError != "edit parent failed" {
			t.Errorf("edit %d = %s %q, want failed, \"edit parent failed\"", id, m.Status, m.LastError)
		}
	}

	// A parent sent without a ref (a platform that returns none) cannot be
	// edited or threaded under either.
	bare := f.enqueue(t, f.postIn("C-2", "bare"))[0]
	reply2, edit2 := f.postIn("C-2", "reply2"), f.postIn("C-2", "edit2")
	reply2.ThreadOf, edit2.EditOf = bare, bare
	ids2 := f.enqueue(t, reply2, edit2)
	if err := ob.MarkSent(f.ctx, bare, bot.MessageRef{}, t0); err != nil {
		t.Fatal(err)
	}
	got = f.due(t, t0)
	if len(got) != 2 || got[1].ID != ids2[0] || !got[1].Out.Thread.IsZero() {
		t.Errorf("due = %+v, want the first reply and reply2, unthreaded", got)
	}
	if m := f.stored(t, ids2[1]); m.Status != bot.OutboxFailed {
		t.Errorf("edit of a ref-less parent = %s, want failed", m.Status)
	}
}

func TestBeginAttemptKeysTheMessageAndKeepsItInDoubt(t *testing.T) {
	f := newFixture(t)
	ids := f.enqueue(t, f.post("a"), f.post("b"))
	ob := f.db.Outbox()

	key, since, err := ob.BeginAttempt(f.ctx, ids[0], t0)
	if err != nil {
		t.Fatal(err)
	}
	// 20 hex digits: within Discord's 25-character nonce.
	if len(key) != 20 || strings.Trim(key, "0123456789abcdef") != "" || !since.IsZero() {
		t.Fatalf("first attempt: key %q, in doubt since %v; want 20 hex digits and not in doubt", key, since)
	}
	if m := f.stored(t, ids[0]); m.SendKey != key || !m.AttemptedAt.Equal(t0) {
		t.Fatalf("stored: key %q, attempted at %v; want %q, %v", m.SendKey, m.AttemptedAt, key, t0)
	}
	other, _, err := ob.BeginAttempt(f.ctx, ids[1], t0)
	if err != nil || other == key {
		t.Fatalf("second message's key = %q, %v; want its own", other, err)
	}

	// A failed try leaves the message in doubt: the next attempt gets the
	// same key and the first attempt's time.
	if err := ob.MarkRetry(f.ctx, ids[0], t0.Add(time.Minute), "timeout"); err != nil {
		t.Fatal(err)
	}
	again, since, err := ob.BeginAttempt(f.ctx, ids[0], t0.Add(time.Minute))
	if err != nil || again != key || !since.Equal(t0) {
		t.Fatalf("attempt after a failure = %q, %v, %v; want %q in doubt since %v", again, since, err, key, t0)
	}
	// (Both go to one recipient, so Due hands over the first only.)
	if due := f.due(t, t0.Add(time.Minute)); len(due) != 1 || due[0].ID != ids[0] || due[0].SendKey != key || !due[0].AttemptedAt.Equal(t0) {
		t.Fatalf("Due = %+v, want the key and the doubt", due)
	}

	// A recorded delivery ends the doubt and keeps the key; a message no
	// longer pending takes no attempt.
	if err := ob.MarkSent(f.ctx, ids[0], bot.MessageRef{Channel: "C-house", ID: "m1"}, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if m := f.stored(t, ids[0]); m.SendKey != key || !m.AttemptedAt.IsZero() {
		t.Errorf("after delivery: key %q, attempted at %v; want the key kept, no doubt", m.SendKey, m.AttemptedAt)
	}
	if _, _, err := ob.BeginAttempt(f.ctx, ids[0], t0.Add(2*time.Minute)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("attempt on a sent message: %v, want ErrNotFound", err)
	}
}

// TestDueLanesByTargetKind: order is kept within a recipient's lane of one
// target kind. A home page refresh queued for later, or a calendar event
// waiting on a retry, never holds back a message of another kind to the
// same recipient, such as a crisis alert's DM, while messages of one kind
// still keep their order.
func TestDueLanesByTargetKind(t *testing.T) {
	f := newFixture(t)
	home := &bot.OutboxMessage{HouseID: f.house, Platform: "test", NextAt: t0.Add(30 * time.Second), CreatedAt: t0,
		Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetHome, User: "U0001"}}}
	home2 := &bot.OutboxMessage{HouseID: f.house, Platform: "test", NextAt: t0, CreatedAt: t0,
		Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetHome, User: "U0001"}, Message: bot.Message{Text: "home again"}}}
	dm := &bot.OutboxMessage{HouseID: f.house, Platform: "test", NextAt: t0, CreatedAt: t0,
		Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: "U0001"}, Message: bot.Message{Text: "crisis"}}}
	cal := &bot.OutboxMessage{HouseID: f.house, Platform: "test", NextAt: t0, CreatedAt: t0,
		Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetCalendar, Channel: "C-house"}, Message: bot.Message{Text: "event"}}}
	ids := f.enqueue(t, home, home2, cal, dm, f.post("announce"))
	if err := f.db.Outbox().MarkRetry(f.ctx, ids[2], t0.Add(time.Hour), "503"); err != nil {
		t.Fatal(err)
	}
	// The later home refresh still waits for the earlier one in its lane.
	if got, want := texts(f.due(t, t0)), []string{"crisis", "announce"}; !slices.Equal(got, want) {
		t.Errorf("due at t0 = %v, want %v", got, want)
	}
}

// TestShortRetryAfterWaitsForTheNextSecond: next_at is kept in whole
// seconds, so a platform's wait shorter than a second (a 300 ms rate
// limit) is rounded up, never down to now: one Flush sends once, rather
// than spending every attempt in one pass.
func TestShortRetryAfterWaitsForTheNextSecond(t *testing.T) {
	f := newFixture(t)
	clock := bottest.NewClock(t0.Add(100 * time.Millisecond))
	ids := f.enqueue(t, f.post("hello"))
	ad := bottest.NewAdapter("test")
	limit := &bot.RetryError{After: 300 * time.Millisecond, Err: errors.New("429")}
	ad.FailNext(limit, limit, limit, limit, limit, limit, limit, limit, limit, limit, limit, limit)
	s := outbox.NewSender(f.db, clock, nil, ad)
	if _, err := s.Flush(f.ctx); err != nil {
		t.Fatal(err)
	}
	m := f.stored(t, ids[0])
	if m.Status != bot.OutboxPending || m.Attempts != 1 || !m.NextAt.Equal(t0.Add(time.Second)) {
		t.Errorf("after one Flush: status %q, %d attempts, next at %v; want pending, 1, %v", m.Status, m.Attempts, m.NextAt, t0.Add(time.Second))
	}
}
