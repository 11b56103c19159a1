// Package bench builds Porchlight databases with history, by driving the
// real core, store and sender on a fake clock, and holds what such runs
// share: a settable clock, an adapter that keeps nothing, and inbound
// events. Package bench/benchmarks measures on the histories; `porchlight
// load` uses the clock, adapter and events.
//
// Nothing here runs in a normal `go test`: a history is generated only
// when a benchmark asks for it, and cached (see Cached).
package bench

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// Platform is the platform name of the benchmark houses and their adapter.
const Platform = "bench"

// Spec sizes a history: how many houses, residents in each, and days.
type Spec struct {
	Houses    int
	Residents int
	Days      int
}

// String names the spec, as in cache file names: "h10-r8-d365".
func (s Spec) String() string { return fmt.Sprintf("h%d-r%d-d%d", s.Houses, s.Residents, s.Days) }

// Start is the first day of every generated history, a Monday.
var Start = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

// End is the first moment after s's history: the benchmarks run then.
func (s Spec) End() time.Time { return Start.AddDate(0, 0, s.Days) }

// HouseConfigs returns s's houses as configured, the same on every call, so that
// a database generated once is opened again with the same houses (Start
// syncs them by name). Check-ins open at 09:00 for four hours with a nudge
// after two; partners rotate weekly; the digest goes out on Sundays.
// Retention is off: the history keeps everything, as the worst case for
// every query that could grow with it.
func (s Spec) HouseConfigs() []*bot.House {
	out := make([]*bot.House, s.Houses)
	for i := range out {
		out[i] = &bot.House{
			Name: fmt.Sprintf("Bench House %04d", i), Platform: Platform, Channel: fmt.Sprintf("C%04d", i), Location: time.UTC,
			Operators: []string{fmt.Sprintf("OP%04d", i)}, Mentors: []string{fmt.Sprintf("M%04d", i)},
			Checkin: bot.CheckinConfig{
				Schedules: []string{"0 9 * * *"}, Window: 4 * time.Hour, ReminderAfter: 2 * time.Hour,
				DefaultVisibility: bot.VisMentors,
			},
			Partners: bot.PartnersConfig{Rotate: "0 12 * * 1", AvoidRepeatRounds: 2},
			Digest:   bot.DigestConfig{Schedule: "0 18 * * 0", Mentors: true},
			Crisis:   bot.CrisisConfig{Resources: bot.DefaultCrisisResources(), EscalateAfter: 15 * time.Minute},
		}
	}
	return out
}

// Resident is the platform user of resident j of house i.
func Resident(i, j int) bot.User {
	return bot.User{ID: fmt.Sprintf("U%04d-%02d", i, j), Name: fmt.Sprintf("Resident %d-%d", i, j)}
}

// Clock is the settable clock a run drives the core on (bot.ManualClock).
type Clock = bot.ManualClock

// NewClock returns a clock set to t.
func NewClock(t time.Time) *Clock { return bot.NewManualClock(t) }

// Adapter takes every outbox message and keeps nothing, so that a run
// measures the core and the database, not a platform. It can edit, so that
// edits are delivered as on Discord and Slack. With a Latency it waits that
// long in each call, as a platform's network round trip would.
type Adapter struct {
	Name    string
	Latency time.Duration
	n       atomic.Int64
}

// Platform returns the adapter's platform name.
func (a *Adapter) Platform() string { return a.Name }

// Run waits for ctx: there are no inbound events.
func (a *Adapter) Run(ctx context.Context, _ bot.Handler) error {
	<-ctx.Done()
	return nil
}

// Send takes a message and returns a new ref.
func (a *Adapter) Send(ctx context.Context, m bot.Outgoing) (bot.MessageRef, error) {
	if err := a.wait(ctx); err != nil {
		return bot.MessageRef{}, err
	}
	return bot.MessageRef{Channel: m.Target.Channel + m.Target.User, ID: fmt.Sprint(a.n.Add(1))}, nil
}

// Edit takes an edit.
func (a *Adapter) Edit(ctx context.Context, _ bot.MessageRef, _ bot.Message) error {
	return a.wait(ctx)
}

// Sent counts the messages sent and edits made.
func (a *Adapter) Sent() int64 { return a.n.Load() }

func (a *Adapter) wait(ctx context.Context) error {
	if a.Latency <= 0 {
		return nil
	}
	t := time.NewTimer(a.Latency)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Events makes inbound events, each with its own delivery id, as a
// platform would send them from a house channel with modals available.
type Events struct {
	Platform string
	// Tag, when set, is in every id, so that the ids of a world opened on
	// a history never meet the history's own, which the core remembers
	// for a day (OpenWorld tags them with the time it opens at).
	Tag string
	n   atomic.Int64
}

// Event returns an event of kind from u in channel.
func (e *Events) Event(u bot.User, channel string, kind bot.EventKind) bot.Event {
	return bot.Event{ID: e.NextID(), Platform: e.Platform, Kind: kind, User: u, Channel: channel, FormLimit: 5}
}

// NextID returns the next delivery id.
func (e *Events) NextID() string {
	if e.Tag != "" {
		return fmt.Sprintf("%s-%s-%d", e.Platform, e.Tag, e.n.Add(1))
	}
	return fmt.Sprintf("%s-%d", e.Platform, e.n.Add(1))
}

// eventTag is the Tag of the events of a world opened at now.
func eventTag(now time.Time) string { return strconv.FormatInt(now.Unix(), 36) }

// Command is a slash command.
func (e *Events) Command(u bot.User, channel, name string) bot.Event {
	ev := e.Event(u, channel, bot.EventCommand)
	ev.Command = &bot.CommandInput{Name: name}
	return ev
}

// Press is a button press.
func (e *Events) Press(u bot.User, channel, id string) bot.Event {
	ev := e.Event(u, channel, bot.EventAction)
	ev.Action = &bot.ActionInput{ID: id}
	return ev
}

// Submit is a form submission.
func (e *Events) Submit(u bot.User, channel, id string, values map[string]string) bot.Event {
	ev := e.Event(u, channel, bot.EventForm)
	ev.Form = &bot.FormInput{ID: id, Values: values}
	return ev
}
