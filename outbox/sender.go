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
	// Health hears how Run's passes go (see Reporter); nil logs the start
	// and the end of a run of failed passes itself.
	Health Reporter
	// MaxBackoff caps Run's wait after failed passes.
	MaxBackoff time.Duration
	// Sleep is Run's wait between failed passes; nil is backoff.Sleep.
	// Tests inject one that records the wait.
	Sleep func(ctx context.Context, d time.Duration) bool
}

// Reporter is told whether the sender's passes work, under the component
// name "outbox": Fail after each failed pass, OK after each one that
// worked. The process's health status (health.Status) is one.
type Reporter interface {
	Fail(component string, err error)
	OK(component string)
}

// component is the sender's name in health reports.
const component = "outbox"

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
		MaxAttempts: 10, Poll: time.Second, MaxBackoff: 30 * time.Second,
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

// Run delivers messages until ctx ends: a pass when woken, and every Poll.
//
// A pass fails when the database does (full, busy, damaged, an I/O error).
// Run then waits before the next with a jittered exponential backoff, from
// Poll up to MaxBackoff, that wake-ups do not cut short, so a failing
// database is neither hammered nor logged once a second; it reports each
// failure to Health. The first pass that works again ends the backoff and
// reports the recovery.
func (s *Sender) Run(ctx context.Context) error {
	t := time.NewTicker(s.Poll)
	defer t.Stop()
	sleep := s.Sleep
	if sleep == nil {
		sleep = backoff.Sleep
	}
	failures := 0
	for {
		_, err := s.Flush(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			failures++
			wait := backoff.Delay(failures, s.Poll, s.MaxBackoff)
			s.failed(err, failures, wait)
			if !sleep(ctx, wait) {
				return nil
			}
			continue
		}
		if failures > 0 {
			s.recovered(failures)
			failures = 0
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.wake:
		case <-t.C:
		}
	}
}

// failed reports the failures-th failed pass in a row.
func (s *Sender) failed(err error, failures int, wait time.Duration) {
	s.log.Debug("outbox pass failed; backing off", "failures", failures, "wait", wait, "err", err)
	switch {
	case s.Health != nil:
		s.Health.Fail(component, err)
	case failures == 1:
		s.log.Error("outbox passes fail; retrying with backoff", "err", err)
	}
}

// recovered reports a pass that worked after failures failed ones.
func (s *Sender) recovered(failures int) {
	if s.Health != nil {
		s.Health.OK(component)
		return
	}
	s.log.Info("outbox passes work again", "failures", failures)
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
	if !m.Out.Edit.IsZero() {
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
