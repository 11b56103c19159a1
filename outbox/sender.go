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
	// unrecorded holds deliveries the platform took but the database did
	// not record (a full or busy disk), by message id, guarded by
	// flushing. Their record is retried with backoff; they are never sent
	// again.
	unrecorded map[int64]*delivery

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
		MaxAttempts: 10, Poll: time.Second, unrecorded: map[int64]*delivery{},
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
			if d := s.unrecorded[m.ID]; d != nil && s.clock.Now().Before(d.next) {
				continue // sent; its record waits for its backoff (not progress)
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

// delivery is a send the platform took, waiting to be recorded.
type delivery struct {
	ref   bot.MessageRef
	at    time.Time
	tries int       // failed attempts to record it
	next  time.Time // when to try recording it again
}

// commitDelay is the wait before recording a delivery again after n
// failed tries: about 1, 2, 4 … seconds, at most a minute, jittered.
func commitDelay(n int) time.Duration { return backoff.Delay(n, time.Second, time.Minute) }

// outcomeTimeout bounds recording an outcome once the platform answered.
const outcomeTimeout = 10 * time.Second

// deliver sends one message and records the outcome. It reports whether the
// message was sent.
//
// A new message's attempt is recorded before the platform is called, with
// the message's send key, and its outcome after: a restart then knows
// which messages may already be on the platform (attempted, no outcome),
// and resends them under the same key, which the adapters make the
// platform deduplicate by (Discord's nonce) or look for first (Slack's
// message metadata). A delivery whose record fails is kept in memory and
// its record retried (recordSent): it is never sent again for that.
func (s *Sender) deliver(ctx context.Context, m *bot.OutboxMessage) (bool, error) {
	log := s.log.With("msg", m.ID, "platform", m.Platform, "target", string(m.Out.Target.Kind))
	if d := s.unrecorded[m.ID]; d != nil {
		return s.recordSent(ctx, log, m.ID, d)
	}
	a, ok := s.adapters[m.Platform]
	if !ok {
		// Leave it pending: the adapter may be configured after a restart.
		next := s.clock.Now().Add(retryDelay(m.Attempts + 1))
		return false, s.store.MarkRetry(ctx, m.ID, next, "no adapter for platform "+m.Platform)
	}
	var ref bot.MessageRef
	var err error
	if !m.Out.Edit.IsZero() {
		// An edit sets the content: doing it twice is harmless, so it
		// needs no attempt record.
		ed, ok := a.(bot.Editor)
		if !ok {
			return false, s.store.MarkFailed(ctx, m.ID, "platform cannot edit messages")
		}
		err = ed.Edit(ctx, m.Out.Edit, m.Out.Message)
		ref = m.Out.Edit
	} else {
		key, since, berr := s.store.BeginAttempt(ctx, m.ID, s.clock.Now())
		if errors.Is(berr, bot.ErrNotFound) {
			return false, nil // no longer pending: taken out of the queue meanwhile
		}
		if berr != nil {
			// Never call the platform without the attempt on record.
			return false, fmt.Errorf("outbox %d: record the attempt: %w", m.ID, berr)
		}
		out := m.Out
		out.Key, out.InDoubtSince = key, since
		if !since.IsZero() {
			log.Info("sending again a message whose earlier attempt may have landed", "in_doubt_since", since)
		}
		ref, err = a.Send(ctx, out)
	}
	if err == nil {
		log.Debug("sent")
		return s.recordSent(ctx, log, m.ID, &delivery{ref: ref, at: s.clock.Now()})
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

// recordSent records a delivery. The platform has the message, so the
// record is made even while the sender shuts down. When it fails (a full or
// busy disk), the delivery is kept in memory and recorded again on a later
// pass, after a backoff: the message is never sent again for it, so a full
// disk cannot turn into a resend loop. Only a restart before the record
// succeeds loses that memory; the message is then in doubt and the
// adapters deduplicate it.
func (s *Sender) recordSent(ctx context.Context, log *slog.Logger, id int64, d *delivery) (bool, error) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), outcomeTimeout)
	defer cancel()
	err := s.store.MarkSent(rctx, id, d.ref, d.at)
	switch {
	case err == nil:
		delete(s.unrecorded, id)
		return true, nil
	case errors.Is(err, bot.ErrNotFound):
		// Erased while it was being sent: nothing left to record.
		delete(s.unrecorded, id)
		return true, nil
	}
	d.tries++
	d.next = s.clock.Now().Add(commitDelay(d.tries))
	s.unrecorded[id] = d
	log.Error("sent, but recording the delivery failed; will record it again, not send it again", "tries", d.tries, "next", d.next, "err", err)
	return false, fmt.Errorf("outbox %d: record the delivery: %w", id, err)
}
