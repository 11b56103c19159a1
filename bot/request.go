package bot

import (
	"context"
	"log/slog"
	"time"
)

// Request is what a feature handler gets for one inbound event: the event,
// the resolved house and caller, the open transaction and the current time.
type Request struct {
	Ctx   context.Context
	Event Event
	// House is the house the event belongs to; nil only for NoHouse commands.
	House *House
	// Member is the caller's membership, nil for guests and staff who never
	// joined. It may be a member who left.
	Member *Member
	// Role is the caller's role set in House.
	Role Role
	// Args are the parsed command options.
	Args Args
	Tx   Tx
	Now  time.Time
	Log  *slog.Logger

	bot *Bot
	// eventLog is Log before a house was added to it.
	eventLog *slog.Logger
	// answered is the highest level of concern already answered for the
	// form being submitted: a DM conversation screens and answers each
	// line as it comes, so its submit must not answer the same words again.
	answered Concern
	// replied is the highest level of concern this event's response answers;
	// Handle then sends the response through the outbox (throughOutbox).
	replied Concern
	// finishing is the form in progress this event completed, if any: when
	// its submit is refused, Handle ends it after the rollback
	// (endRefused) instead of leaving it at its last question.
	finishing *Conversation
	// enqueued is set when the transaction wrote an outbox message, so
	// that its commit wakes the sender (Bot.committedFrom).
	enqueued bool
}

// Clock tells the time; tests inject a fake one.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }
