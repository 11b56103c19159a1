package bottest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// Outbox is an in-memory bot.OutboxStore, and a bot.Store whose only part
// in use is the outbox, for tests of the sender and the adapters with
// outbox.Sender. It keeps the store's rules: an attempt is recorded with
// the message's send key ("k" and the id) and keeps the message in doubt
// until a delivery is recorded; only pending messages take an attempt.
type Outbox struct {
	bot.Store // nil: only Outbox is served

	mu   sync.Mutex
	msgs []*bot.OutboxMessage
	// failBegin fails every BeginAttempt; failSent fails the next
	// MarkSent calls, one error each.
	failBegin error
	failSent  []error
}

// NewOutbox returns an outbox holding msgs.
func NewOutbox(msgs ...*bot.OutboxMessage) *Outbox { return &Outbox{msgs: msgs} }

// Outbox returns o itself.
func (o *Outbox) Outbox() bot.OutboxStore { return o }

// FailBegin makes every BeginAttempt fail with err (nil: succeed again),
// as a full disk would.
func (o *Outbox) FailBegin(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failBegin = err
}

// FailSent makes the next MarkSent calls fail, one error each.
func (o *Outbox) FailSent(errs ...error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failSent = append(o.failSent, errs...)
}

// Message returns a copy of a message as stored; it panics for an
// unknown id.
func (o *Outbox) Message(id int64) bot.OutboxMessage {
	o.mu.Lock()
	defer o.mu.Unlock()
	return *o.find(id)
}

// Add stores more messages.
func (o *Outbox) Add(msgs ...*bot.OutboxMessage) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, msgs...)
}

// Change changes a stored message in place, as a test's setup does (a
// row the store could not read, say); it panics for an unknown id.
func (o *Outbox) Change(id int64, change func(*bot.OutboxMessage)) {
	o.mu.Lock()
	defer o.mu.Unlock()
	change(o.find(id))
}

// find returns the stored message; the caller holds o.mu.
func (o *Outbox) find(id int64) *bot.OutboxMessage {
	for _, m := range o.msgs {
		if m.ID == id {
			return m
		}
	}
	panic(fmt.Sprint("bottest: no outbox message ", id))
}

// Due returns copies of the pending messages due at now, in id order, at
// most one per recipient as the store does: a message waits while an
// earlier one to the same target is pending, due or not.
func (o *Outbox) Due(_ context.Context, now time.Time, limit int) ([]*bot.OutboxMessage, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []*bot.OutboxMessage
	waiting := map[[3]string]bool{}
	for _, m := range o.msgs {
		if m.Status != bot.OutboxPending {
			continue
		}
		to := [3]string{m.Platform, m.Out.Target.Channel, m.Out.Target.User}
		first := !waiting[to]
		waiting[to] = true
		if first && !m.NextAt.After(now) && (limit <= 0 || len(out) < limit) {
			c := *m
			out = append(out, &c)
		}
	}
	return out, nil
}

// BeginAttempt records an attempt as the store does.
func (o *Outbox) BeginAttempt(_ context.Context, id int64, at time.Time) (string, time.Time, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.failBegin != nil {
		return "", time.Time{}, o.failBegin
	}
	m := o.find(id)
	if m.Status != bot.OutboxPending {
		return "", time.Time{}, bot.ErrNotFound
	}
	before := m.AttemptedAt
	if m.SendKey == "" {
		m.SendKey = fmt.Sprintf("k%d", id)
	}
	if before.IsZero() {
		m.AttemptedAt = at
	}
	return m.SendKey, before, nil
}

// MarkSent records a delivery, unless FailSent queued an error.
func (o *Outbox) MarkSent(_ context.Context, id int64, ref bot.MessageRef, at time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.failSent) > 0 {
		err := o.failSent[0]
		o.failSent = o.failSent[1:]
		return err
	}
	m := o.find(id)
	m.Status, m.Ref, m.SentAt, m.AttemptedAt = bot.OutboxSent, ref, at, time.Time{}
	m.Attempts++
	return nil
}

// MarkRetry records a failed attempt.
func (o *Outbox) MarkRetry(_ context.Context, id int64, next time.Time, reason string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := o.find(id)
	m.Attempts++
	m.NextAt, m.LastError = next, reason
	return nil
}

// Defer puts off the next attempt without counting one.
func (o *Outbox) Defer(_ context.Context, id int64, next time.Time, reason string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := o.find(id)
	m.NextAt, m.LastError = next, reason
	return nil
}

// MarkFailed gives up on a message.
func (o *Outbox) MarkFailed(_ context.Context, id int64, reason string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := o.find(id)
	m.Attempts++
	m.Status, m.LastError = bot.OutboxFailed, reason
	return nil
}

// Pending counts the pending messages.
func (o *Outbox) Pending(context.Context) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, m := range o.msgs {
		if m.Status == bot.OutboxPending {
			n++
		}
	}
	return n, nil
}
