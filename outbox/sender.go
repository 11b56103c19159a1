// Package outbox is the sender: it delivers the messages the core wrote to
// the outbox through the platform adapters, with retries and backoff,
// honouring rate limits, quarantining the messages that can never go (a
// poison row, a platform's refusal, too many attempts) as failed, and
// marking each message sent. Because the outbox is in the database, a
// restart resumes where the sender stopped.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"runtime"
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
	// mu guards unrecorded, which a batch's concurrent deliveries share.
	mu sync.Mutex
	// unrecorded holds deliveries the platform took but the database did
	// not record (a full or busy disk), by message id, with the message's
	// send key and creation time: a row with that id but not that key is
	// another message (the first was erased and its id reused), which is
	// sent as usual. Their record is retried with backoff; they are never
	// sent again.
	unrecorded map[int64]*delivery

	// Concurrency is how many messages of a batch are sent at once
	// (default 1; cmd sets DefaultConcurrency). A batch holds at most one
	// message per recipient (see bot.OutboxStore.Due), so each recipient
	// still gets its messages in order; the platforms' latency is what
	// concurrency hides.
	Concurrency int

	// MaxAttempts is how many tries a message gets before it fails.
	MaxAttempts int
	// MaxRateLimitWait bounds how long rate limits may hold a message
	// without costing it an attempt: past it, counted from the message's
	// creation, a 429 counts as a failed try like any other failure, so a
	// platform that answers 429 for ever fails the message in the end and
	// the core hears of it (a crisis alert goes to other staff) instead of
	// it waiting unseen. Zero never counts a 429.
	MaxRateLimitWait time.Duration
	// Poll is how often Run looks for due messages without a wake-up.
	Poll time.Duration
	// OnUndeliverable is called, outside any transaction, on every final
	// failure of a message (whatever the cause: see fail), before the
	// message is marked failed, so the core can tell someone or send a
	// crisis alert another way. It must be idempotent: after a crash
	// between the two, or when it returns an error, the message stays
	// pending, and the next final failure calls it again.
	OnUndeliverable func(ctx context.Context, m *bot.OutboxMessage, cause error) error
	// Health hears how Run's passes go (see Reporter); nil logs the start
	// and the end of a run of failed passes itself.
	Health Reporter
	// MaxBackoff caps Run's wait after failed passes.
	MaxBackoff time.Duration
	// Sleep is Run's wait between failed passes; nil is backoff.Sleep.
	// Tests inject one that records the wait.
	Sleep func(ctx context.Context, d time.Duration) bool
}

// DefaultConcurrency is the bot's number of sends at once: enough to hide
// a platform's latency (1,000 prompts at 50 ms each take 50 s one at a
// time), few enough that the adapters' pacing of each platform's limits,
// not a burst, sets the rate.
const DefaultConcurrency = 8

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
		MaxAttempts: 10, MaxRateLimitWait: DefaultMaxRateLimitWait, Poll: time.Second, MaxBackoff: 30 * time.Second, unrecorded: map[int64]*delivery{},
		Concurrency: 1,
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
// sent. Messages go out Concurrency at a time, and the pipeline does not
// drain between reads: once a slot is free, the next read of due messages
// starts the ones not yet in flight. A
// message in flight is still pending, so it is still its recipient's
// first in line: the read hands it over again (it is skipped) and never
// the message after it, which keeps each recipient's order. The pass ends
// when nothing due is left to start and nothing is in flight; after an
// error no further message is started, and the first error is returned
// once the messages in flight are done.
func (s *Sender) Flush(ctx context.Context) (int, error) {
	s.flushing.Lock()
	defer s.flushing.Unlock()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex // guards the results below
		sent     int
		first    error
		inflight = map[int64]bool{}
	)
	// finished is signalled, without blocking, when a send ends: the
	// loop waits on it when all it could start is in flight.
	finished := make(chan struct{}, 1)
	slots := make(chan struct{}, max(s.Concurrency, 1))
	result := func() (int, error) {
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return sent, first
	}
	for read := 0; ; read++ {
		// What was in flight when Due read: a message that finishes
		// before the loop reaches it is in due, but was read as it was
		// before its send (a retry's backoff, a 429's wait, or sent).
		mu.Lock()
		wasBusy := maps.Clone(inflight)
		mu.Unlock()
		due, err := s.store.Due(ctx, s.clock.Now(), batchSize)
		if err != nil {
			n, _ := result()
			return n, fmt.Errorf("due: %w", err)
		}
		if read == 0 && len(due) < batchSize {
			s.forgetGone(due)
		}
		started, stale := 0, 0
		for _, m := range due {
			mu.Lock()
			stop, busy := first != nil, inflight[m.ID]
			mu.Unlock()
			if stop || ctx.Err() != nil {
				break
			}
			if busy {
				continue
			}
			if wasBusy[m.ID] {
				stale++ // finished since the read: read it again
				continue
			}
			if d := s.pendingRecord(m); d != nil && s.clock.Now().Before(d.next) {
				continue // sent; its record waits for its backoff
			}
			slots <- struct{}{}
			mu.Lock()
			inflight[m.ID] = true
			mu.Unlock()
			started++
			wg.Go(func() {
				defer func() { <-slots }()
				ok, err := s.deliverOrQuarantine(ctx, m)
				mu.Lock()
				delete(inflight, m.ID)
				if ok {
					sent++
				}
				if err != nil && first == nil {
					first = err
				}
				mu.Unlock()
				select {
				case finished <- struct{}{}:
				default:
				}
			})
		}
		mu.Lock()
		stop, busy := first != nil || ctx.Err() != nil, len(inflight) > 0
		mu.Unlock()
		if stop || (started == 0 && stale == 0 && !busy) {
			return result()
		}
		if started == 0 && stale > 0 {
			continue // read again what finished meanwhile
		}
		if started == 0 {
			// Everything due is in flight: read again once one is done
			// (sending a parent can make its children due).
			select {
			case <-finished:
			case <-ctx.Done():
				return result()
			}
			continue
		}
		// Read again once a slot is free, not before: a read while every
		// slot is taken would start nothing. With one slot this is after
		// the last send, so one at a time goes in the order read (the
		// console's transcript).
		select {
		case slots <- struct{}{}:
			<-slots
		case <-ctx.Done():
			return result()
		}
	}
}

// batchSize is how many due messages Flush reads at a time.
const batchSize = 50

// forgetGone forgets the unrecorded deliveries whose message is not among
// due, every message due now. Such a message stays due until its delivery
// is recorded (nothing else moves it), so it is gone: erased, or taken out
// of the queue. Should it come back, its send key makes the platform
// deduplicate it.
func (s *Sender) forgetGone(due []*bot.OutboxMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.unrecorded) == 0 {
		return
	}
	ids := make(map[int64]bool, len(due))
	for _, m := range due {
		ids[m.ID] = true
	}
	for id := range s.unrecorded {
		if !ids[id] {
			delete(s.unrecorded, id)
		}
	}
}

// pendingRecord returns the delivery of message m waiting to be recorded,
// or nil. A delivery kept under m's id for another message (another send
// key or creation time: that one is gone, and its id reused) is forgotten.
func (s *Sender) pendingRecord(m *bot.OutboxMessage) *delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.unrecorded[m.ID]
	if d != nil && (d.key != m.SendKey || !d.created.Equal(m.CreatedAt)) {
		delete(s.unrecorded, m.ID)
		return nil
	}
	return d
}

// delivery is a send the platform took, waiting to be recorded.
type delivery struct {
	ref bot.MessageRef
	at  time.Time
	// key and created identify the message sent: its send key (empty for
	// an edit) and creation time.
	key     string
	created time.Time
	tries   int       // failed attempts to record it
	next    time.Time // when to try recording it again
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
	log := s.logFor(m)
	if d := s.pendingRecord(m); d != nil {
		return s.recordSent(ctx, log, m.ID, d)
	}
	if m.Broken != "" {
		return false, s.fail(ctx, log, m, errors.New(m.Broken))
	}
	a, ok := s.adapters[m.Platform]
	if !ok {
		// Retried like a platform's failure, in case it is the moment of a
		// restart; then failed, so the operator sees it (and can retry it
		// once the platform is configured, or drop it). Not
		// ErrUndeliverable: the recipient refused nothing.
		err := fmt.Errorf("no adapter for platform %s", m.Platform)
		if m.Attempts+1 >= s.MaxAttempts {
			return false, s.fail(ctx, log, m, err)
		}
		next := s.clock.Now().Add(retryDelay(m.Attempts + 1))
		return false, s.store.MarkRetry(ctx, m.ID, next, err.Error())
	}
	var ref bot.MessageRef
	var err error
	sendKey := m.SendKey
	// A calendar event's change names the event in Edit, but it is the
	// adapter's Send that changes events. An edit of a message sets the
	// content: doing it twice is harmless, so it needs no attempt record.
	if !m.Out.Edit.IsZero() && m.Out.Event == nil {
		ed, ok := a.(bot.Editor)
		if !ok {
			return false, s.fail(ctx, log, m, fmt.Errorf("platform cannot edit messages: %w", bot.ErrUndeliverable))
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
		sendKey = key
		if !since.IsZero() {
			log.Info("sending again a message whose earlier attempt may have landed", "in_doubt_since", since)
		}
		ref, err = a.Send(ctx, out)
	}
	if err == nil {
		log.Debug("sent")
		return s.recordSent(ctx, log, m.ID, &delivery{ref: ref, at: s.clock.Now(), key: sendKey, created: m.CreatedAt})
	}
	if ctx.Err() != nil {
		return false, nil // shutting down: the message stays pending
	}
	// Logged and kept as the reason: no URL or id that names a member,
	// whatever the adapter.
	err = bot.SafeError(err)
	var retry *bot.RetryError
	if errors.As(err, &retry) && retry.RateLimit && !s.heldTooLong(m) {
		// The platform took nothing and asked for a wait: not a failed
		// attempt, so a burst of 429s cannot use up a message's attempts
		// or fail it. The message keeps its place in its recipient's
		// line.
		wait := retry.After
		if wait <= 0 {
			wait = s.Poll
		}
		log.Info("rate limited; will send after the platform's wait", "wait", wait)
		return false, s.store.Defer(ctx, m.ID, s.clock.Now().Add(wait), err.Error())
	}
	if errors.Is(err, bot.ErrUndeliverable) || m.Attempts+1 >= s.MaxAttempts {
		return false, s.fail(ctx, log, m, err)
	}
	wait := retryDelay(m.Attempts + 1)
	if retry != nil && retry.After > 0 {
		wait = retry.After
	}
	log.Warn("send failed; will retry", "attempt", m.Attempts+1, "wait", wait, "err", err)
	return false, s.store.MarkRetry(ctx, m.ID, s.clock.Now().Add(wait), err.Error())
}

// heldTooLong reports whether rate limits have held m past
// MaxRateLimitWait, counted from its creation (a message with no creation
// time, which a store always sets, is taken as new).
func (s *Sender) heldTooLong(m *bot.OutboxMessage) bool {
	return s.MaxRateLimitWait > 0 && !m.CreatedAt.IsZero() && s.clock.Now().Sub(m.CreatedAt) >= s.MaxRateLimitWait
}

// DefaultMaxRateLimitWait is how long rate limits may hold a message before
// its 429s count as failed tries: far longer than any platform's wait in a
// burst (Discord's and Slack's are seconds), short enough that a crisis
// alert stuck behind a limit that never lifts reaches other staff within
// the hour (ten tries with backoff after it).
const DefaultMaxRateLimitWait = 15 * time.Minute

// logFor is the sender's logger for one message: ids and kinds, no text.
func (s *Sender) logFor(m *bot.OutboxMessage) *slog.Logger {
	return s.log.With("msg", m.ID, "platform", m.Platform, "target", string(m.Out.Target.Kind), "kind", string(m.Kind))
}

// deliverOrQuarantine is deliver, with a message that panics an adapter
// (or anything else on its way) quarantined: left alone, it would stop
// every pass, and after a restart stop it again.
func (s *Sender) deliverOrQuarantine(ctx context.Context, m *bot.OutboxMessage) (sent bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			sent, err = false, s.fail(ctx, s.logFor(m), m, fmt.Errorf("panic while sending: %s: %w", panicReason(p), bot.ErrUndeliverable))
		}
	}()
	return s.deliver(ctx, m)
}

// fail is the final failure of a message: one that cannot be read (a
// poison row), that the platform refused for good (bot.ErrUndeliverable),
// that panicked, or that ran out of attempts. Every cause is handled the
// same way: OnUndeliverable first (a crisis alert goes to other staff),
// then the message is marked failed with the cause as its reason, for the
// operator's `porchlight outbox list`. The log has ids and the reason,
// never the text. Only this message stops: the rest of the queue goes on.
func (s *Sender) fail(ctx context.Context, log *slog.Logger, m *bot.OutboxMessage, cause error) error {
	if s.OnUndeliverable != nil {
		if err := s.OnUndeliverable(ctx, m, cause); err != nil {
			if ctx.Err() != nil {
				return nil // shutting down: the message stays pending
			}
			// Not marked failed: it stays pending and comes back to fail
			// again, and OnUndeliverable runs again then.
			log.Error("a failed message could not be handed over; will try again", "err", err, "cause", cause)
			return s.store.MarkRetry(ctx, m.ID, s.clock.Now().Add(retryDelay(m.Attempts+1)), "failure not handled yet: "+err.Error())
		}
	}
	level := slog.LevelWarn
	if m.Kind.IsCrisis() {
		level = slog.LevelError
	}
	log.Log(ctx, level, "message failed; kept for the operator (porchlight outbox list)", "attempts", m.Attempts+1, "reason", cause)
	return s.store.MarkFailed(ctx, m.ID, cause.Error())
}

// panicReason describes a recovered panic without echoing a value that
// might hold message text: a runtime error (an index out of range, a nil
// dereference) says only where, anything else only its type.
func panicReason(p any) string {
	if re, ok := p.(runtime.Error); ok {
		return re.Error()
	}
	return fmt.Sprintf("%T", p)
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
	s.mu.Lock()
	defer s.mu.Unlock()
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
