// Package bottest has fakes and helpers for testing the core and the
// adapters: a recording adapter, a fake core for adapters, a settable clock
// and builders for neutral events.
package bottest

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// Clock is a fake clock tests set and advance (bot.ManualClock).
type Clock = bot.ManualClock

// NewClock returns a clock set to t.
func NewClock(t time.Time) *Clock { return bot.NewManualClock(t) }

// Adapter is a fake adapter that records every message sent and edited.
type Adapter struct {
	platform string
	mu       sync.Mutex
	sent     []bot.Outgoing
	edits    []Edit
	fail     []error
	refuse   map[string]error
	n        atomic.Int64
}

// Edit is one recorded edit.
type Edit struct {
	Ref bot.MessageRef
	bot.Message
}

// NewAdapter returns a recording adapter for a platform name.
func NewAdapter(platform string) *Adapter { return &Adapter{platform: platform} }

// Platform returns the platform name.
func (a *Adapter) Platform() string { return a.platform }

// Run blocks until ctx ends; tests inject events with Bot.Handle directly.
func (a *Adapter) Run(ctx context.Context, _ bot.Handler) error {
	<-ctx.Done()
	return nil
}

// FailNext makes the next sends fail with the given errors, in order.
func (a *Adapter) FailNext(errs ...error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.fail = append(a.fail, errs...)
}

// Refuse makes every send to user (a DM or an ephemeral) fail with err,
// until Refuse(user, nil): a user whose settings refuse the bot's DMs.
func (a *Adapter) Refuse(user string, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.refuse == nil {
		a.refuse = map[string]error{}
	}
	if err == nil {
		delete(a.refuse, user)
		return
	}
	a.refuse[user] = err
}

// Send records m and returns a fresh ref.
func (a *Adapter) Send(_ context.Context, m bot.Outgoing) (bot.MessageRef, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.refuse[m.Target.User]; err != nil && m.Target.Kind != bot.TargetChannel {
		return bot.MessageRef{}, err
	}
	if len(a.fail) > 0 {
		err := a.fail[0]
		a.fail = a.fail[1:]
		return bot.MessageRef{}, err
	}
	a.sent = append(a.sent, m)
	ch := m.Target.Channel
	if ch == "" {
		ch = "dm-" + m.Target.User
	}
	return bot.MessageRef{Channel: ch, ID: fmt.Sprintf("m%d", a.n.Add(1))}, nil
}

// Edit records an edit.
func (a *Adapter) Edit(_ context.Context, ref bot.MessageRef, m bot.Message) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.edits = append(a.edits, Edit{Ref: ref, Message: m})
	return nil
}

// Sent returns what was sent so far.
func (a *Adapter) Sent() []bot.Outgoing {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]bot.Outgoing(nil), a.sent...)
}

// Edits returns the edits so far.
func (a *Adapter) Edits() []Edit {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Edit(nil), a.edits...)
}

// Reset forgets what was sent and edited.
func (a *Adapter) Reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sent, a.edits = nil, nil
}

// To returns the messages sent to a user by DM or ephemeral.
func (a *Adapter) To(user string) []bot.Outgoing {
	var out []bot.Outgoing
	for _, m := range a.Sent() {
		if m.Target.User == user && m.Target.Kind != bot.TargetChannel {
			out = append(out, m)
		}
	}
	return out
}

// InChannel returns the messages posted to a channel.
func (a *Adapter) InChannel(channel string) []bot.Outgoing {
	var out []bot.Outgoing
	for _, m := range a.Sent() {
		if m.Target.Kind == bot.TargetChannel && m.Target.Channel == channel {
			out = append(out, m)
		}
	}
	return out
}

// Events builds neutral events with unique ids for one platform.
type Events struct {
	Platform string
	// Channel is where commands and presses happen.
	Channel string
	// FormLimit is set on commands and presses (0: conversations).
	FormLimit int
	// FormButtons is set on commands, presses and submits, as Discord does.
	FormButtons bool
	n           atomic.Int64
}

func (e *Events) base(u bot.User, kind bot.EventKind) bot.Event {
	return bot.Event{ID: fmt.Sprintf("ev-%d", e.n.Add(1)), Platform: e.Platform, Kind: kind, User: u, Channel: e.Channel, FormLimit: e.FormLimit, FormButtons: e.FormButtons}
}

// Command is "/name raw" typed by u.
func (e *Events) Command(u bot.User, name, raw string) bot.Event {
	ev := e.base(u, bot.EventCommand)
	ev.Command = &bot.CommandInput{Name: name, Raw: raw}
	return ev
}

// Press is u pressing the button with action id (and optional value).
func (e *Events) Press(u bot.User, id, value string) bot.Event {
	ev := e.base(u, bot.EventAction)
	ev.Action = &bot.ActionInput{ID: id, Value: value}
	return ev
}

// Submit is u submitting form id with values.
func (e *Events) Submit(u bot.User, id string, values map[string]string) bot.Event {
	ev := e.base(u, bot.EventForm)
	ev.Form = &bot.FormInput{ID: id, Values: values}
	return ev
}

// DM is u sending the bot a direct message.
func (e *Events) DM(u bot.User, text string) bot.Event {
	ev := e.base(u, bot.EventDM)
	ev.DM, ev.Channel, ev.Text, ev.FormLimit, ev.FormButtons = true, "dm-"+u.ID, text, 0, false
	return ev
}

// Reply is u replying in the thread of message ref.
func (e *Events) Reply(u bot.User, ref bot.MessageRef, text string) bot.Event {
	ev := e.base(u, bot.EventReply)
	ev.Text, ev.Thread = text, ref
	return ev
}

// Texts returns the texts of a response's messages.
func Texts(r bot.Response) []string {
	out := make([]string, len(r.Messages))
	for i, m := range r.Messages {
		out[i] = m.Text
	}
	return out
}

// Core is a fake core for adapter tests: a bot.Handler that records each
// event it is given and answers as Answer told it. It is safe for
// concurrent use.
type Core struct {
	// Cmds are the commands it offers; set before the adapter starts.
	Cmds []*bot.Command
	// Homes answers Home (bot.HomeSource) when set; set it before the
	// adapter starts.
	Homes func(platform, userID string) (bot.Home, error)

	events chan bot.Event
	mu     sync.Mutex
	reply  func(bot.Event) bot.Response
}

// NewCore returns a Core that answers nothing.
func NewCore() *Core { return &Core{events: make(chan bot.Event, 100)} }

// Handle records ev and answers it.
func (c *Core) Handle(_ context.Context, ev bot.Event) bot.Response {
	c.events <- ev
	c.mu.Lock()
	reply := c.reply
	c.mu.Unlock()
	if reply == nil {
		return bot.Response{}
	}
	return reply(ev)
}

// Home builds a home page with Homes, or returns an empty one.
func (c *Core) Home(_ context.Context, platform, userID string) (bot.Home, error) {
	if c.Homes == nil {
		return bot.Home{}, nil
	}
	return c.Homes(platform, userID)
}

// Commands returns Cmds.
func (c *Core) Commands() []*bot.Command { return c.Cmds }

// Answer sets how the core answers from now on.
func (c *Core) Answer(f func(bot.Event) bot.Response) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reply = f
}

// Next returns the next event the core got, failing t if none comes
// within the wait.
func (c *Core) Next(t testing.TB, within time.Duration) bot.Event {
	t.Helper()
	select {
	case ev := <-c.events:
		return ev
	case <-time.After(within):
		t.Fatalf("the core got no event within %v", within)
	}
	return bot.Event{}
}

// Buffer is a bytes.Buffer safe to write from several goroutines (a
// logger of the sender and of the core) while the test reads it.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
