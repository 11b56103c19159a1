// Package outbox is the sender: it delivers the messages the core wrote to
// the outbox through the platform adapters, with retries and backoff,
// honouring rate limits, giving up on undeliverable messages, and marking
// each message sent. Because the outbox is in the database, a restart
// resumes where the sender stopped.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/porchlight/porchlight/backoff"
	"github.com/porchlight/porchlight/bot"
)

// Sender delivers outbox messages through the adapters. It retries with
// exponential backoff, honours rate limits (RetryError.After), gives up on
// undeliverable messages, and marks each message sent. Because the outbox is
// in the database, a restart resumes where the sender stopped.
type Sender struct {
	store    bot.OutboxStore
	adapters map[string]bot.Adapter
	clock    bot.Clock
	log      *slog.Logger
	wake     chan struct{}
	// flushing serializes Flush: two passes at once (the loop and a final
	// or test flush) would both see a due message and send it twice.
	flushing sync.Mutex

	// MaxAttempts is how many tries a message gets before it fails.
	MaxAttempts int
	// Poll is how often Run looks for due messages without a wake-up.
	Poll time.Duration
	// OnUndeliverable is called, outside any transaction, when a message
	// will never be delivered, so the core can tell someone.
	OnUndeliverable func(ctx context.Context, m *bot.OutboxMessage, err error)
}

// NewSender returns a sender for the given adapters, keyed by Platform().
func NewSender(store bot.Store, clock bot.Clock, log *slog.Logger, adapters ...bot.Adapter) *Sender {
	if clock == nil {
		clock = bot.SystemClock{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Sender{
		store: store.Outbox(), adapters: map[string]bot.Adapter{}, clock: clock,
		log: log.With("component", "outbox"), wake: make(chan struct{}, 1),
		MaxAttempts: 10, Poll: time.Second,
	}
	for _, a := range adapters {
		s.adapters[a.Platform()] = a
	}
	return s
}

// Wake asks the sender to look for due messages now. It never blocks.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run delivers messages until ctx ends.
func (s *Sender) Run(ctx context.Context) error {
	t := time.NewTicker(s.Poll)
	defer t.Stop()
	for {
		if _, err := s.Flush(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("outbox pass failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.wake:
		case <-t.C:
		}
	}
}

// retryDelay is the wait before attempt n+1 after n failed attempts: about
// 2, 4, 8 … seconds, at most 10 minutes, jittered (backoff.Delay).
func retryDelay(n int) time.Duration { return backoff.Delay(n, 2*time.Second, 10*time.Minute) }

// Flush makes one pass over the messages due now and returns how many were
// sent.
func (s *Sender) Flush(ctx context.Context) (int, error) {
	s.flushing.Lock()
	defer s.flushing.Unlock()
	sent := 0
	for {
		due, err := s.store.Due(ctx, s.clock.Now(), 50)
		if err != nil {
			return sent, fmt.Errorf("due: %w", err)
		}
		progress := false
		for _, m := range due {
			if ctx.Err() != nil {
				return sent, nil
			}
			ok, err := s.deliver(ctx, m)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
			progress = true
		}
		// Sending a parent can make its children due; go round again.
		if !progress || len(due) == 0 {
			return sent, nil
		}
	}
}

// deliver sends one message and records the outcome. It reports whether the
// message was sent.
func (s *Sender) deliver(ctx context.Context, m *bot.OutboxMessage) (bool, error) {
	log := s.log.With("msg", m.ID, "platform", m.Platform, "target", string(m.Out.Target.Kind))
	a, ok := s.adapters[m.Platform]
	if !ok {
		// Leave it pending: the adapter may be configured after a restart.
		next := s.clock.Now().Add(retryDelay(m.Attempts + 1))
		return false, s.store.MarkRetry(ctx, m.ID, next, "no adapter for platform "+m.Platform)
	}
	var ref bot.MessageRef
	var err error
	// A calendar event's change names the event in Edit, but it is the
	// adapter's Send that changes events.
	if !m.Out.Edit.IsZero() && m.Out.Event == nil {
		ed, ok := a.(bot.Editor)
		if !ok {
			return false, s.store.MarkFailed(ctx, m.ID, "platform cannot edit messages")
		}
		err = ed.Edit(ctx, m.Out.Edit, m.Out.Message)
		ref = m.Out.Edit
	} else {
		out := m.Out
		out.Key = fmt.Sprintf("outbox:%d", m.ID)
		ref, err = a.Send(ctx, out)
	}
	if err == nil {
		log.Debug("sent")
		return true, s.store.MarkSent(ctx, m.ID, ref, s.clock.Now())
	}
	if ctx.Err() != nil {
		return false, nil // shutting down: the message stays pending
	}
	var retry *bot.RetryError
	switch {
	case errors.Is(err, bot.ErrUndeliverable):
		log.Warn("undeliverable; not retrying", "err", err)
		if ferr := s.store.MarkFailed(ctx, m.ID, err.Error()); ferr != nil {
			return false, ferr
		}
		if s.OnUndeliverable != nil {
			s.OnUndeliverable(ctx, m, err)
		}
		return false, nil
	case m.Attempts+1 >= s.MaxAttempts:
		log.Error("giving up after retries", "attempts", m.Attempts+1, "err", err)
		return false, s.store.MarkFailed(ctx, m.ID, err.Error())
	}
	wait := retryDelay(m.Attempts + 1)
	if errors.As(err, &retry) && retry.After > 0 {
		wait = retry.After
	}
	log.Warn("send failed; will retry", "attempt", m.Attempts+1, "wait", wait, "err", err)
	return false, s.store.MarkRetry(ctx, m.ID, s.clock.Now().Add(wait), err.Error())
}
