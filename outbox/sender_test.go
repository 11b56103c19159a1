package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/bot/bottest"
	"github.com/porchlight/porchlight/outbox"
)

// The sender with the core and a real database (restart, undeliverable
// notices, concurrent flushes) is tested in bot/outbox_test.go; with the
// platform fakes, in the adapters' outbound tests. Here: its own rules,
// against an outbox in memory.

// flaky is an adapter that fails with the errors it is given, in turn, and
// then succeeds.
type flaky struct {
	errs []error
	sent []bot.Outgoing
	// panicOn makes a message with this text panic, as a renderer bug
	// would.
	panicOn string
}

func (f *flaky) Platform() string                       { return "test" }
func (f *flaky) Run(context.Context, bot.Handler) error { return nil }
func (f *flaky) Send(_ context.Context, m bot.Outgoing) (bot.MessageRef, error) {
	if f.panicOn != "" && m.Text == f.panicOn {
		var parts []string
		_ = parts[len(m.Text)] // index out of range
	}
	if len(f.errs) > 0 {
		err := f.errs[0]
		f.errs = f.errs[1:]
		return bot.MessageRef{}, err
	}
	f.sent = append(f.sent, m)
	return bot.MessageRef{Channel: "C", ID: fmt.Sprint(len(f.sent))}, nil
}

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func setup(errs ...error) (*bottest.Outbox, *flaky, *clock, *outbox.Sender) {
	c := &clock{now: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	store := bottest.NewOutbox(&bot.OutboxMessage{ID: 1, Platform: "test", Status: bot.OutboxPending, NextAt: c.now, CreatedAt: c.now,
		Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: "U1"}, Message: bot.Message{Text: "hello"}}})
	ad := &flaky{errs: errs}
	return store, ad, c, outbox.NewSender(store, c, nil, ad)
}

func TestSenderRetriesWithBackoffThenSends(t *testing.T) {
	store, ad, c, s := setup(errors.New("503"))
	ctx := context.Background()
	if n, err := s.Flush(ctx); err != nil || n != 0 {
		t.Fatalf("first flush = %d, %v; want 0 sent", n, err)
	}
	msg := store.Message(1)
	wait := msg.NextAt.Sub(c.now)
	if msg.Attempts != 1 || wait < time.Second || wait > 2*time.Second {
		t.Fatalf("after a failure: attempts %d, next try in %v; want 1 and 1-2 s (jittered backoff)", msg.Attempts, wait)
	}
	if n, _ := s.Flush(ctx); n != 0 {
		t.Fatal("sent before the backoff ran out")
	}
	c.now = msg.NextAt
	if n, err := s.Flush(ctx); err != nil || n != 1 {
		t.Fatalf("flush after the backoff = %d, %v; want 1 sent", n, err)
	}
	if got := store.Message(1).Status; got != bot.OutboxSent || len(ad.sent) != 1 || ad.sent[0].Key != "k1" {
		t.Errorf("status %q, sent %+v; want sent once with its key", got, ad.sent)
	}
}

func TestSenderHonoursRetryAfter(t *testing.T) {
	store, _, c, s := setup(&bot.RetryError{After: 42 * time.Second, Err: errors.New("429")})
	if _, err := s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := store.Message(1).NextAt.Sub(c.now); got != 42*time.Second {
		t.Errorf("next try in %v, want the platform's 42 s", got)
	}
}

func TestSenderGivesUp(t *testing.T) {
	t.Run("undeliverable at once", func(t *testing.T) {
		store, _, _, s := setup(fmt.Errorf("50007: %w", bot.ErrUndeliverable))
		var told []int64
		s.OnUndeliverable = func(_ context.Context, m *bot.OutboxMessage, _ error) error {
			// Called before the message is marked failed: a crash in
			// between leaves it pending, to fail and be told again.
			if got := store.Message(m.ID).Status; got != bot.OutboxPending {
				t.Errorf("status when told = %q, want pending", got)
			}
			told = append(told, m.ID)
			return nil
		}
		if _, err := s.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := store.Message(1).Status; got != bot.OutboxFailed || len(told) != 1 {
			t.Errorf("status %q, OnUndeliverable for %v; want failed and called once", got, told)
		}
	})
	t.Run("after MaxAttempts", func(t *testing.T) {
		store, _, c, s := setup(errors.New("1"), errors.New("2"), errors.New("3"))
		s.MaxAttempts = 3
		var causes []error
		s.OnUndeliverable = func(_ context.Context, _ *bot.OutboxMessage, cause error) error {
			causes = append(causes, cause)
			return nil
		}
		for range 3 {
			if _, err := s.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			c.now = c.now.Add(time.Hour)
		}
		if got := store.Message(1); got.Status != bot.OutboxFailed || got.LastError != "3" {
			t.Errorf("after 3 failed attempts: %q, %q; want failed with the last error", got.Status, got.LastError)
		}
		// Giving up is a final failure like any other: the core is told.
		if len(causes) != 1 || causes[0].Error() != "3" {
			t.Errorf("OnUndeliverable causes = %v, want the last error, once", causes)
		}
	})
}

// twoMessages is a store with a second message, to someone else, after the
// first.
func twoMessages(store *bottest.Outbox, c *clock) {
	store.Add(&bot.OutboxMessage{ID: 2, Platform: "test", Status: bot.OutboxPending, NextAt: c.now,
		Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: "U2"}, Message: bot.Message{Text: "next"}}})
}

// TestSenderQuarantinesPoisonAndGoesOn: a message the store could not read
// and a message that panics the adapter are each marked failed with a
// reason, the core is told, and the message after them goes out.
func TestSenderQuarantinesPoisonAndGoesOn(t *testing.T) {
	for name, tc := range map[string]struct {
		poison     func(*bot.OutboxMessage, *flaky)
		wantReason string
	}{
		"undecodable": {func(m *bot.OutboxMessage, _ *flaky) {
			m.Broken, m.Out.Text = "payload cannot be decoded: unexpected end of JSON input", ""
		},
			"payload cannot be decoded"},
		"panics the adapter": {func(_ *bot.OutboxMessage, f *flaky) { f.panicOn = "hello" }, "panic while sending: runtime error"},
	} {
		t.Run(name, func(t *testing.T) {
			store, ad, c, s := setup()
			twoMessages(store, c)
			store.Change(1, func(m *bot.OutboxMessage) { tc.poison(m, ad) })
			var told []int64
			s.OnUndeliverable = func(_ context.Context, m *bot.OutboxMessage, _ error) error {
				told = append(told, m.ID)
				return nil
			}
			n, err := s.Flush(context.Background())
			if err != nil || n != 1 {
				t.Fatalf("Flush = %d, %v; want the other message sent and no error", n, err)
			}
			bad := store.Message(1)
			if bad.Status != bot.OutboxFailed || !strings.HasPrefix(bad.LastError, tc.wantReason) {
				t.Errorf("poison row: %q, %q; want failed, %q…", bad.Status, bad.LastError, tc.wantReason)
			}
			if len(told) != 1 || told[0] != 1 {
				t.Errorf("OnUndeliverable for %v, want [1]", told)
			}
			if len(ad.sent) != 1 || ad.sent[0].Text != "next" {
				t.Errorf("sent %+v, want the next message", ad.sent)
			}
		})
	}
}

// TestSenderKeepsAFailureTheCoreCouldNotTake: when OnUndeliverable fails
// (the database is busy, say), the message is not marked failed: it stays
// pending, fails again later, and the core is told then.
func TestSenderKeepsAFailureTheCoreCouldNotTake(t *testing.T) {
	refused := fmt.Errorf("403: %w", bot.ErrUndeliverable)
	store, _, c, s := setup(refused, refused)
	calls := 0
	s.OnUndeliverable = func(context.Context, *bot.OutboxMessage, error) error {
		calls++
		if calls == 1 {
			return errors.New("database is locked")
		}
		return nil
	}
	if _, err := s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if m := store.Message(1); m.Status != bot.OutboxPending || !m.NextAt.After(c.now) {
		t.Fatalf("after the core failed to take it: %q, next %v; want pending, later", m.Status, m.NextAt)
	}
	c.now = c.now.Add(time.Hour)
	if _, err := s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if m := store.Message(1); m.Status != bot.OutboxFailed || calls != 2 {
		t.Errorf("after the second refusal: %q, told %d times; want failed, told twice", m.Status, calls)
	}
}

func TestSenderRecordsTheAttemptBeforeSending(t *testing.T) {
	store, ad, c, s := setup(&bot.RetryError{Err: errors.New("timeout")})
	first := c.now
	var seen []bot.Outgoing
	var onRecord []bot.OutboxMessage
	spy := &spyAdapter{flaky: ad, before: func(out bot.Outgoing) {
		onRecord = append(onRecord, store.Message(1))
		seen = append(seen, out)
	}}
	s = outbox.NewSender(store, c, nil, spy)
	ctx := context.Background()
	if _, err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	c.now = store.Message(1).NextAt
	if n, err := s.Flush(ctx); err != nil || n != 1 {
		t.Fatalf("second flush = %d, %v; want 1 sent", n, err)
	}
	if len(seen) != 2 {
		t.Fatalf("sends = %d, want 2", len(seen))
	}
	// Each call found its attempt already on record, under one key.
	for i, rec := range onRecord {
		if rec.SendKey == "" || rec.AttemptedAt.IsZero() || seen[i].Key != rec.SendKey {
			t.Errorf("send %d: record %+v, key sent %q; want the attempt and its key recorded first", i+1, rec, seen[i].Key)
		}
	}
	if !seen[0].InDoubtSince.IsZero() {
		t.Errorf("first send in doubt since %v, want zero", seen[0].InDoubtSince)
	}
	if !seen[1].InDoubtSince.Equal(first) {
		t.Errorf("resend in doubt since %v, want the first attempt's %v", seen[1].InDoubtSince, first)
	}
	if got := store.Message(1); got.Status != bot.OutboxSent || !got.AttemptedAt.IsZero() {
		t.Errorf("after the delivery: status %q, attempted at %v; want sent and no longer in doubt", got.Status, got.AttemptedAt)
	}
}

func TestSenderNeverSendsWithoutTheAttemptOnRecord(t *testing.T) {
	store, ad, _, s := setup()
	store.FailBegin(errors.New("SQLITE_FULL"))
	if _, err := s.Flush(context.Background()); err == nil {
		t.Fatal("flush with the attempt unrecordable: no error")
	}
	if len(ad.sent) != 0 || store.Message(1).Status != bot.OutboxPending {
		t.Errorf("sent %d, status %q; want nothing sent, still pending", len(ad.sent), store.Message(1).Status)
	}
}

func TestSenderRecordsAgainNotSendsAgain(t *testing.T) {
	store, ad, c, s := setup()
	full := errors.New("SQLITE_FULL")
	store.FailSent(full, full, full)
	ctx := context.Background()
	sentAt := c.now
	if _, err := s.Flush(ctx); !errors.Is(err, full) {
		t.Fatalf("flush with the record failing = %v, want the disk's error", err)
	}
	// Passes come every second; the record waits for its backoff, and the
	// message is never sent again.
	for range 600 {
		c.now = c.now.Add(time.Second)
		_, _ = s.Flush(ctx)
		if store.Message(1).Status == bot.OutboxSent {
			break
		}
	}
	got := store.Message(1)
	if len(ad.sent) != 1 || got.Status != bot.OutboxSent || got.Ref != (bot.MessageRef{Channel: "C", ID: "1"}) || !got.SentAt.Equal(sentAt) {
		t.Fatalf("sent %d times; record %+v; want one send, recorded with its ref and time once the disk took it", len(ad.sent), got)
	}
}

func TestSenderRecordsADeliveryWhileShuttingDown(t *testing.T) {
	store, ad, c, _ := setup()
	ctx, cancel := context.WithCancel(context.Background())
	spy := &spyAdapter{flaky: ad, before: func(bot.Outgoing) { cancel() }}
	s := outbox.NewSender(store, c, nil, spy)
	if _, err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := store.Message(1).Status; got != bot.OutboxSent {
		t.Errorf("status after a send that raced the shutdown = %q, want sent", got)
	}
}

// spyAdapter calls before with each message, then sends it through flaky.
type spyAdapter struct {
	*flaky
	before func(bot.Outgoing)
}

func (a *spyAdapter) Send(ctx context.Context, m bot.Outgoing) (bot.MessageRef, error) {
	a.before(m)
	return a.flaky.Send(ctx, m)
}

// TestSenderFailsAMessageWithNoAdapter: a message for a platform no adapter
// serves is retried like a platform's failure, then failed through the
// usual path (the core hears of it; the operator can drop or retry it),
// rather than left pending for ever. It is not "undeliverable": nobody
// refused it.
func TestSenderFailsAMessageWithNoAdapter(t *testing.T) {
	store, _, c, _ := setup()
	s := outbox.NewSender(store, c, nil) // no adapter for "test"
	var cause error
	s.OnUndeliverable = func(_ context.Context, _ *bot.OutboxMessage, err error) error {
		cause = err
		return nil
	}
	ctx := context.Background()
	for range s.MaxAttempts {
		if _, err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		c.now = c.now.Add(time.Hour)
	}
	got := store.Message(1)
	if got.Status != bot.OutboxFailed || got.Attempts != s.MaxAttempts || got.LastError != "no adapter for platform test" {
		t.Errorf("after %d passes: %s, %d attempts, reason %q; want failed with no adapter", s.MaxAttempts, got.Status, got.Attempts, got.LastError)
	}
	if cause == nil || errors.Is(cause, bot.ErrUndeliverable) {
		t.Errorf("the core was told %v, want the missing adapter, not undeliverable", cause)
	}
}

// TestSenderForgetsAnUnrecordedDeliveryOfAnotherMessage: a delivery whose
// record failed is kept by message id. If that message is erased and its id
// reused by a new one (SQLite reuses the highest rowid), the new message is
// sent, not taken for the old one's delivery.
func TestSenderForgetsAnUnrecordedDeliveryOfAnotherMessage(t *testing.T) {
	store, ad, c, s := setup()
	full := errors.New("SQLITE_FULL")
	store.FailSent(full)
	ctx := context.Background()
	if _, err := s.Flush(ctx); !errors.Is(err, full) {
		t.Fatalf("flush with the record failing = %v, want the disk's error", err)
	}
	// The message is erased; a new one gets its id.
	c.now = c.now.Add(time.Minute)
	store.Change(1, func(m *bot.OutboxMessage) {
		*m = bot.OutboxMessage{ID: 1, Platform: "test", Status: bot.OutboxPending, NextAt: c.now, CreatedAt: c.now,
			Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: "U2"}, Message: bot.Message{Text: "a new message"}}}
	})
	if _, err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := store.Message(1)
	if len(ad.sent) != 2 || ad.sent[1].Text != "a new message" || got.Status != bot.OutboxSent || got.Ref.ID != "2" {
		t.Errorf("sent %d messages, record %+v; want the new message sent and recorded with its own ref", len(ad.sent), got)
	}
}

// TestSenderForgetsAnUnrecordedDeliveryOfAGoneMessage: a delivery whose
// record failed is forgotten once its message is no longer in the queue
// (erased), instead of being kept in memory for ever.
func TestSenderForgetsAnUnrecordedDeliveryOfAGoneMessage(t *testing.T) {
	store, _, c, s := setup()
	full := errors.New("SQLITE_FULL")
	store.FailSent(full)
	ctx := context.Background()
	if _, err := s.Flush(ctx); !errors.Is(err, full) {
		t.Fatalf("flush with the record failing = %v, want the disk's error", err)
	}
	if n := s.Unrecorded(); n != 1 {
		t.Fatalf("unrecorded = %d, want 1", n)
	}
	store.Change(1, func(m *bot.OutboxMessage) { m.Status = bot.OutboxFailed }) // out of the queue
	c.now = c.now.Add(time.Minute)
	if _, err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n := s.Unrecorded(); n != 0 {
		t.Errorf("unrecorded after the message left the queue = %d, want 0", n)
	}
}

// TestSenderWaitsOutRateLimitsWithoutCountingThem checks that a 429 (a
// RetryError marked RateLimit) puts the message off by the platform's wait
// and costs it no attempt: more 429s in a row than MaxAttempts neither
// fail it nor send it twice, and it goes once the platform takes it.
// TestRateLimitsCountOnceTheyHoldAMessageTooLong: a platform that answers
// 429 for ever must not hold a message unseen for ever: past
// MaxRateLimitWait its 429s count as tries, so the message fails in the end
// and the core hears of it (a crisis alert goes to other staff).
func TestRateLimitsCountOnceTheyHoldAMessageTooLong(t *testing.T) {
	limited := &bot.RetryError{After: time.Minute, RateLimit: true, Err: errors.New("429")}
	var errs []error
	for range 100 {
		errs = append(errs, limited)
	}
	store, _, c, s := setup(errs...)
	s.MaxAttempts = 3
	var told int
	s.OnUndeliverable = func(context.Context, *bot.OutboxMessage, error) error { told++; return nil }
	ctx := context.Background()
	start := c.now
	for i := 0; i < 100 && store.Message(1).Status == bot.OutboxPending; i++ {
		if _, err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		msg := store.Message(1)
		if c.now.Sub(start) < s.MaxRateLimitWait && msg.Attempts != 0 {
			t.Fatalf("a 429 within %v counted as a try (attempts %d)", s.MaxRateLimitWait, msg.Attempts)
		}
		c.now = msg.NextAt
	}
	if msg := store.Message(1); msg.Status != bot.OutboxFailed || told != 1 {
		t.Errorf("after 429s for %v: status %q, core told %d times; want failed and told once", c.now.Sub(start), msg.Status, told)
	}
}

func TestSenderWaitsOutRateLimitsWithoutCountingThem(t *testing.T) {
	limited := &bot.RetryError{After: 1500 * time.Millisecond, RateLimit: true, Err: errors.New("429")}
	var errs []error
	for range 5 {
		errs = append(errs, limited)
	}
	store, ad, c, s := setup(errs...)
	s.MaxAttempts = 3
	ctx := context.Background()
	for i := range 5 {
		if n, err := s.Flush(ctx); err != nil || n != 0 {
			t.Fatalf("flush %d = %d, %v; want 0 sent", i, n, err)
		}
		msg := store.Message(1)
		if msg.Status != bot.OutboxPending || msg.Attempts != 0 || msg.NextAt.Sub(c.now) != 1500*time.Millisecond {
			t.Fatalf("after 429 number %d: status %q, attempts %d, next in %v; want pending, 0 attempts, after the 1.5 s asked",
				i+1, msg.Status, msg.Attempts, msg.NextAt.Sub(c.now))
		}
		if n, _ := s.Flush(ctx); n != 0 {
			t.Fatal("sent before the platform's wait ran out")
		}
		c.now = msg.NextAt
	}
	if n, err := s.Flush(ctx); err != nil || n != 1 {
		t.Fatalf("flush after the waits = %d, %v; want 1 sent", n, err)
	}
	if msg := store.Message(1); msg.Status != bot.OutboxSent || len(ad.sent) != 1 {
		t.Errorf("status %q, sent %d times; want sent exactly once", msg.Status, len(ad.sent))
	}
}
