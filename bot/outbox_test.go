package bot_test

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

// enqueue writes n channel messages to the outbox in one transaction.
func (h *harness) enqueue(n int) {
	h.t.Helper()
	err := h.db.Update(h.ctx, func(tx bot.Tx) error {
		for i := 0; i < n; i++ {
			_, err := tx.Enqueue(h.ctx, &bot.OutboxMessage{HouseID: h.house.ID, Platform: "test", NextAt: h.clock.Now(), CreatedAt: h.clock.Now(),
				Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: h.house.Channel}, Message: bot.Message{Text: fmt.Sprintf("msg %d", i)}}})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

func TestOutboxRestartResumesAndNeverSendsTwice(t *testing.T) {
	h := newHarness(t)
	h.enqueue(4)
	// The first sender delivers two messages, then the platform fails and
	// the process "crashes" before the retry.
	first := bottest.NewAdapter("test")
	s1 := outbox.NewSender(h.db, h.clock, nil, &failAfter{Adapter: first, ok: 2})
	if _, err := s1.Flush(h.ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(first.Sent()); n != 2 {
		t.Fatalf("first sender sent %d, want 2", n)
	}
	// A new sender over the same database resumes after the backoff.
	second := bottest.NewAdapter("test")
	s2 := outbox.NewSender(h.db, h.clock, nil, second)
	if _, err := s2.Flush(h.ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(second.Sent()); n != 0 {
		t.Fatalf("sent %d before the backoff elapsed", n)
	}
	h.clock.Advance(time.Minute)
	if _, err := s2.Flush(h.ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range append(first.Sent(), second.Sent()...) {
		got = append(got, m.Text)
	}
	if want := "msg 0,msg 1,msg 2,msg 3"; strings.Join(got, ",") != want {
		t.Errorf("delivered %v, want each of %s once", got, want)
	}
	if n, _ := h.db.Outbox().Pending(h.ctx); n != 0 {
		t.Errorf("pending after delivery = %d", n)
	}
}

// failAfter sends ok messages, then fails every send with a server error.
type failAfter struct {
	*bottest.Adapter
	ok int
}

func (f *failAfter) Send(ctx context.Context, m bot.Outgoing) (bot.MessageRef, error) {
	if f.ok == 0 {
		return bot.MessageRef{}, &bot.RetryError{Err: errors.New("502 bad gateway")}
	}
	f.ok--
	return f.Adapter.Send(ctx, m)
}

func TestOutboxHonoursRetryAfter(t *testing.T) {
	h := newHarness(t)
	h.enqueue(1)
	h.ad.FailNext(&bot.RetryError{After: 30 * time.Second, Err: errors.New("429")})
	h.flush()
	if n := len(h.ad.Sent()); n != 0 {
		t.Fatalf("sent = %d, want 0 after a 429", n)
	}
	h.clock.Advance(29 * time.Second)
	h.flush()
	if n := len(h.ad.Sent()); n != 0 {
		t.Fatalf("sent before Retry-After elapsed")
	}
	h.clock.Advance(time.Second)
	h.flush()
	if n := len(h.ad.Sent()); n != 1 {
		t.Fatalf("sent = %d after Retry-After, want 1", n)
	}
}

func TestOutboxUndeliverableToldToMentorsOnce(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.ad.Reset()
	// Two reminders to Robin both bounce (the user refuses DMs).
	h.clock.Set(at9(0).Add(2 * time.Hour))
	if err := h.bot.Tick(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.ad.FailNext(fmt.Errorf("50007: %w", bot.ErrUndeliverable))
	h.flush()
	h.ad.FailNext(fmt.Errorf("50007: %w", bot.ErrUndeliverable))
	err := h.db.Update(h.ctx, func(tx bot.Tx) error {
		_, err := tx.Enqueue(h.ctx, &bot.OutboxMessage{HouseID: h.house.ID, Platform: "test", NextAt: h.clock.Now(),
			Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: robin.ID}, Message: bot.Message{Text: "another"}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	h.flush()
	h.flush()
	got := h.ad.To(mentor.ID)
	if len(got) != 1 || !strings.Contains(got[0].Text, "Robin") {
		t.Errorf("mentor notices = %s, want one naming Robin", texts(got))
	}
}

// TestConcurrentFlushesSendOnce covers the sender loop and a final or demo
// flush running at the same time: each message still goes out once.
func TestConcurrentFlushesSendOnce(t *testing.T) {
	h := newHarness(t)
	h.enqueue(30)
	done := make(chan error)
	for range 4 {
		go func() {
			_, err := h.sender.Flush(h.ctx)
			done <- err
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]int{}
	for _, m := range h.ad.Sent() {
		seen[m.Text]++
	}
	if len(seen) != 30 {
		t.Errorf("distinct messages sent = %d, want 30", len(seen))
	}
	for text, n := range seen {
		if n != 1 {
			t.Errorf("%q sent %d times, want once", text, n)
		}
	}
}
