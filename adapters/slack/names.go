package slack

import (
	"context"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// Display names: Slack payloads carry a user's handle at best (user_name
// in a slash command, nothing in member events), while people know each
// other by their display name. users.info (scope users:read, Tier 4) gives
// it; the adapter keeps what it learns for a while, for a bounded number
// of people, so a busy channel costs one lookup per person per hour.

const (
	// nameTTL is how long a looked-up name is kept: a changed display
	// name shows within the hour.
	nameTTL = time.Hour
	// nameLimit bounds the names kept: far more than a house has people.
	nameLimit = 5000
	// nameWait bounds one lookup, which runs before the core and within
	// the 3 s an envelope has.
	nameWait = time.Second
)

// displayName returns the name people see for a user: the profile's
// display name, else the real name, else the handle, else fallback. A
// failed lookup (no users:read, a user Slack will not show) is kept too,
// as fallback, so it is not retried on every event.
func (a *Adapter) displayName(ctx context.Context, userID, fallback string) string {
	now := time.Now()
	if name, ok := a.names.Get(userID, now); ok {
		if name == "" {
			return fallback
		}
		return name
	}
	ctx, cancel := context.WithTimeout(ctx, nameWait)
	defer cancel()
	name := ""
	u, err := a.api.GetUserInfoContext(ctx, userID)
	switch {
	case err == nil:
		name = userName(*u)
	case platformCode(err) == "missing_scope":
		if a.warnedScope.CompareAndSwap(false, true) {
			a.log.Warn("users.info needs the users:read scope; names show as handles until the app is reinstalled with it")
		}
	default:
		a.log.Info("users.info failed; using the handle", "user", userID, "code", platformCode(err))
	}
	if ctx.Err() == nil || name != "" {
		a.names.Put(userID, name, now)
	}
	if name == "" {
		return fallback
	}
	return name
}

// named hands events to the core with the actor's display name in
// Event.User.Name. It runs in the actor's queue, so the lookup never
// holds up the socket's reader.
type named struct {
	a *Adapter
	bot.Handler
}

// Handle looks up the actor's name, then runs the core.
func (n named) Handle(ctx context.Context, ev bot.Event) bot.Response {
	if ev.User.ID != "" {
		ev.User.Name = n.a.displayName(ctx, ev.User.ID, ev.User.Name)
	}
	return n.Handler.Handle(ctx, ev)
}
