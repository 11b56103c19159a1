package outbox_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/bot/bottest"
	"github.com/porchlight/porchlight/outbox"
)

// gate is an adapter that holds each send until a second send is in
// flight (or a bound passes), and records what it saw: the peak number of
// sends at once, any recipient with two sends at once, and each
// recipient's messages in the order they went out.
type gate struct {
	mu       sync.Mutex
	inflight map[string]int
	now      int
	peak     int
	overlap  bool
	order    map[string][]string
	two      chan struct{}
	timedOut bool
}

func (g *gate) Platform() string                       { return "test" }
func (g *gate) Run(context.Context, bot.Handler) error { return nil }
func (g *gate) Send(_ context.Context, m bot.Outgoing) (bot.MessageRef, error) {
	to := m.Target.User
	g.mu.Lock()
	g.inflight[to]++
	g.overlap = g.overlap || g.inflight[to] > 1
	g.now++
	g.peak = max(g.peak, g.now)
	if g.now == 2 {
		select {
		case <-g.two:
		default:
			close(g.two)
		}
	}
	g.order[to] = append(g.order[to], m.Text)
	g.mu.Unlock()
	select {
	case <-g.two:
	case <-time.After(5 * time.Second): // only when sends are not concurrent
		g.mu.Lock()
		g.timedOut = true
		g.mu.Unlock()
	}
	g.mu.Lock()
	g.inflight[to]--
	g.now--
	g.mu.Unlock()
	return bot.MessageRef{Channel: "D" + to, ID: m.Text}, nil
}

// TestSenderSendsToRecipientsConcurrentlyInOrder checks that a batch's
// messages go out concurrently, while each recipient gets one message at
// a time and in the order they were queued.
func TestSenderSendsToRecipientsConcurrentlyInOrder(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	store := bottest.NewOutbox()
	for i := 1; i <= 9; i++ {
		to := fmt.Sprintf("U%d", i%3) // three recipients, three messages each
		store.Add(&bot.OutboxMessage{ID: int64(i), Platform: "test", Status: bot.OutboxPending, NextAt: now,
			Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: to}, Message: bot.Message{Text: fmt.Sprint(i)}}})
	}
	g := &gate{inflight: map[string]int{}, order: map[string][]string{}, two: make(chan struct{})}
	s := outbox.NewSender(store, &clock{now: now}, nil, g)
	s.Concurrency = outbox.DefaultConcurrency
	if n, err := s.Flush(context.Background()); err != nil || n != 9 {
		t.Fatalf("flush = %d, %v; want 9 sent", n, err)
	}
	if g.peak < 2 || g.timedOut {
		t.Errorf("peak sends at once = %d (timed out %v), want at least 2", g.peak, g.timedOut)
	}
	if g.overlap {
		t.Error("a recipient had two sends at once")
	}
	want := map[string][]string{"U1": {"1", "4", "7"}, "U2": {"2", "5", "8"}, "U0": {"3", "6", "9"}}
	for to, w := range want {
		if got := g.order[to]; fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("%s got %v, want %v", to, got, w)
		}
	}
}

// held is an adapter that holds the first message to one recipient until
// every other recipient's message went (or a bound passes).
type held struct {
	mu       sync.Mutex
	others   int
	want     int
	release  chan struct{}
	timedOut bool
	order    []string
}

func (h *held) Platform() string                       { return "test" }
func (h *held) Run(context.Context, bot.Handler) error { return nil }
func (h *held) Send(_ context.Context, m bot.Outgoing) (bot.MessageRef, error) {
	h.mu.Lock()
	h.order = append(h.order, m.Text)
	h.mu.Unlock()
	if m.Text == "slow-1" {
		select {
		case <-h.release:
		case <-time.After(5 * time.Second):
			h.mu.Lock()
			h.timedOut = true
			h.mu.Unlock()
		}
		return bot.MessageRef{ID: m.Text}, nil
	}
	if m.Target.User != "U-slow" {
		h.mu.Lock()
		h.others++
		if h.others == h.want {
			close(h.release)
		}
		h.mu.Unlock()
	}
	return bot.MessageRef{ID: m.Text}, nil
}

// TestSenderDoesNotDrainBetweenReads checks that one slow send does not
// hold back the messages after its read: while the first message to one
// recipient is in flight, the sender reads again and sends the rest of
// the queue (more than one read's worth) to other recipients, and the
// slow recipient's second message still goes only after its first.
func TestSenderDoesNotDrainBetweenReads(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	store := bottest.NewOutbox()
	add := func(id int, to, text string) {
		store.Add(&bot.OutboxMessage{ID: int64(id), Platform: "test", Status: bot.OutboxPending, NextAt: now,
			Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: to}, Message: bot.Message{Text: text}}})
	}
	add(1, "U-slow", "slow-1")
	add(2, "U-slow", "slow-2")
	const others = 80 // more than a read's 50
	for i := range others {
		add(3+i, fmt.Sprintf("U%02d", i), fmt.Sprint(i))
	}
	h := &held{want: others, release: make(chan struct{})}
	s := outbox.NewSender(store, &clock{now: now}, nil, h)
	s.Concurrency = outbox.DefaultConcurrency
	if n, err := s.Flush(context.Background()); err != nil || n != others+2 {
		t.Fatalf("flush = %d, %v; want %d sent", n, err, others+2)
	}
	if h.timedOut {
		t.Error("the slow send was released by the bound, not by the others: the sender waited for it before reading on")
	}
	if last := h.order[len(h.order)-1]; last != "slow-2" {
		t.Errorf("last sent = %q, want slow-2 (after slow-1, which went last but one)", last)
	}
}
