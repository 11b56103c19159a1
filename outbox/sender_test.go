package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/outbox"
)

// The sender with the core and a real database (restart, undeliverable
// notices, concurrent flushes) is tested in bot/outbox_test.go; with the
// platform fakes, in the adapters' outbound tests. Here: its own rules,
// against an outbox in memory.

// memOutbox is a bot.Store whose only part in use is the outbox.
type memOutbox struct {
	bot.Store
	mu   sync.Mutex
	msgs []*bot.OutboxMessage
}

func (m *memOutbox) Outbox() bot.OutboxStore { return m }

func (m *memOutbox) Due(_ context.Context, now time.Time, limit int) ([]*bot.OutboxMessage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*bot.OutboxMessage
	for _, msg := range m.msgs {
		if msg.Status == bot.OutboxPending && !msg.NextAt.After(now) && len(out) < limit {
			c := *msg
			out = append(out, &c)
		}
	}
	return out, nil
}

func (m *memOutbox) find(id int64) *bot.OutboxMessage {
	for _, msg := range m.msgs {
		if msg.ID == id {
			return msg
		}
	}
	panic(fmt.Sprint("no message ", id))
}

func (m *memOutbox) MarkSent(_ context.Context, id int64, ref bot.MessageRef, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	msg := m.find(id)
	msg.Status, msg.Ref, msg.SentAt = bot.OutboxSent, ref, at
	return nil
}

func (m *memOutbox) MarkRetry(_ context.Context, id int64, next time.Time, reason string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	msg := m.find(id)
	msg.Attempts++
	msg.NextAt, msg.LastError = next, reason
	return nil
}

func (m *memOutbox) MarkFailed(_ context.Context, id int64, reason string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	msg := m.find(id)
	msg.Status, msg.LastError = bot.OutboxFailed, reason
	return nil
}

func (m *memOutbox) Pending(context.Context) (int, error) { return 0, nil }

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

func setup(errs ...error) (*memOutbox, *flaky, *clock, *outbox.Sender) {
	c := &clock{now: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	store := &memOutbox{msgs: []*bot.OutboxMessage{{ID: 1, Platform: "test", Status: bot.OutboxPending, NextAt: c.now,
		Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: "U1"}, Message: bot.Message{Text: "hello"}}}}}
	ad := &flaky{errs: errs}
	return store, ad, c, outbox.NewSender(store, c, nil, ad)
}

func TestSenderRetriesWithBackoffThenSends(t *testing.T) {
	store, ad, c, s := setup(errors.New("503"))
	ctx := context.Background()
	if n, err := s.Flush(ctx); err != nil || n != 0 {
		t.Fatalf("first flush = %d, %v; want 0 sent", n, err)
	}
	msg := store.find(1)
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
	if got := store.find(1).Status; got != bot.OutboxSent || len(ad.sent) != 1 || ad.sent[0].Key != "outbox:1" {
		t.Errorf("status %q, sent %+v; want sent once with its key", got, ad.sent)
	}
}

func TestSenderHonoursRetryAfter(t *testing.T) {
	store, _, c, s := setup(&bot.RetryError{After: 42 * time.Second, Err: errors.New("429")})
	if _, err := s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := store.find(1).NextAt.Sub(c.now); got != 42*time.Second {
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
			if got := store.find(m.ID).Status; got != bot.OutboxPending {
				t.Errorf("status when told = %q, want pending", got)
			}
			told = append(told, m.ID)
			return nil
		}
		if _, err := s.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := store.find(1).Status; got != bot.OutboxFailed || len(told) != 1 {
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
		if got := store.find(1); got.Status != bot.OutboxFailed || got.LastError != "3" {
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
func twoMessages(store *memOutbox, c *clock) {
	store.msgs = append(store.msgs, &bot.OutboxMessage{ID: 2, Platform: "test", Status: bot.OutboxPending, NextAt: c.now,
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
			tc.poison(store.find(1), ad)
			var told []int64
			s.OnUndeliverable = func(_ context.Context, m *bot.OutboxMessage, _ error) error {
				told = append(told, m.ID)
				return nil
			}
			n, err := s.Flush(context.Background())
			if err != nil || n != 1 {
				t.Fatalf("Flush = %d, %v; want the other message sent and no error", n, err)
			}
			bad := store.find(1)
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
	if m := store.find(1); m.Status != bot.OutboxPending || !m.NextAt.After(c.now) {
		t.Fatalf("after the core failed to take it: %q, next %v; want pending, later", m.Status, m.NextAt)
	}
	c.now = c.now.Add(time.Hour)
	if _, err := s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if m := store.find(1); m.Status != bot.OutboxFailed || calls != 2 {
		t.Errorf("after the second refusal: %q, told %d times; want failed, told twice", m.Status, calls)
	}
}
