package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
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
	// Prepared is what the command's Prepare read and rendered before
	// its write transaction; nil when it has none or it failed.
	Prepared any
	Tx       Tx
	Now      time.Time
	Log      *slog.Logger

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
	// userLangs remembers the languages of the users read (langOfUser).
	userLangs map[string]Lang
	// screened remembers the request's screenings (screenWith).
	screened map[screenKey]Concern
	// answering is the check-in round and earlier answer a check-in
	// form's submission read (answerRound).
	answering *answering
}

// Clock tells the time; tests inject a fake one.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// ManualClock is a clock that moves only when told: the tests' fake clock
// (bottest.Clock) and the benchmarks' (bench.Clock), which drive the core
// through simulated time. It is safe for concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock set to t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{now: t} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// LangOfUser is the language of a private message to user in the request's
// house: their own choice when they are a member, else the house's (staff
// who never joined read the house's language). A failed read is logged and
// the message goes in the house's language.
func (r *Request) LangOfUser(user string) Lang {
	l, err := r.langOfUser(user)
	if err != nil {
		r.Log.Warn("reading a recipient's language failed; using the house's", "err", err)
		return r.HouseLang()
	}
	return l
}

// langOfUser is LangOfUser with the read's error. Each user is read once
// per request: a message is rendered in its reader's language, then
// queued with it (enqueue), and a job writes to the same people often.
func (r *Request) langOfUser(user string) (Lang, error) {
	switch {
	case r.House == nil:
		return SourceLang(), nil
	case r.Member != nil && r.Member.UserID == user:
		return r.Lang(), nil
	}
	if l, ok := r.userLangs[user]; ok {
		return l, nil
	}
	m, err := r.members().MemberByUser(r.Ctx, r.House.ID, user)
	switch {
	case err == nil:
		return r.LangOf(m), nil // remembers it
	case !errors.Is(err, ErrNotFound):
		return Lang{}, fmt.Errorf("reader's language: %w", err)
	}
	l := r.HouseLang()
	r.rememberLang(user, l)
	return l, nil
}

// rememberLang keeps user's language for the rest of the request.
func (r *Request) rememberLang(user string, l Lang) {
	if r.userLangs == nil {
		r.userLangs = map[string]Lang{}
	}
	r.userLangs[user] = l
}
