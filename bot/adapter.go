package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Adapter connects the core to one chat platform. Adapters translate; they
// hold no product logic.
type Adapter interface {
	// Platform names the platform: "discord", "slack" or "console".
	Platform() string
	// Run connects, delivers neutral events to h and blocks until ctx ends
	// or the connection fails for good.
	Run(ctx context.Context, h Handler) error
	// Send delivers one message and returns a reference to it. Errors that
	// are worth retrying should be, or wrap, a *RetryError; errors that will
	// never succeed should wrap ErrUndeliverable.
	Send(ctx context.Context, m Outgoing) (MessageRef, error)
}

// Handler is what an adapter delivers events to. *Bot implements it.
type Handler interface {
	// Handle runs the event through the core and returns the reply for the
	// actor. It returns only after every state change has been committed, so
	// the adapter may acknowledge the platform with the Response.
	Handle(ctx context.Context, ev Event) Response
	// Commands returns the command registry, from which adapters generate
	// platform command definitions.
	Commands() []*Command
}

// Response is the core's reply to the user who caused an event. Adapters
// deliver it privately: as an ephemeral interaction reply, in the DM, or on
// the console.
type Response struct {
	// Messages are private messages to the actor, in order.
	Messages []Message
	// Form asks the adapter to open a form (a modal) for the actor. It is
	// only set when the event's FormLimit allowed it.
	Form *Form
	// FieldErrors rejects a form submission: field id to a user-safe message.
	// Platforms that can keep the form open show the errors there; others
	// show them as a message with a choice to reopen the form.
	FieldErrors map[string]string
	// Reopen, with FieldErrors, is the form to reopen, prefilled with what
	// was typed.
	Reopen *Form
	// FormAction and ReopenAction, set only for events with FormButtons,
	// are the ids of choices that open Form and Reopen again: the core
	// keeps both forms, what was typed included, for as long as a form in
	// progress, so a button with such an id works across a restart.
	FormAction, ReopenAction string
	// Lang is the actor's language code, set by the core: adapters write
	// the words they add to the response (a button that opens the form, a
	// note that nothing was saved) in it.
	Lang string
}

// Empty reports whether the response carries nothing to show.
func (r Response) Empty() bool {
	return len(r.Messages) == 0 && r.Form == nil && len(r.FieldErrors) == 0
}

// Editor is an optional ability: editing a message already sent.
type Editor interface {
	Edit(ctx context.Context, ref MessageRef, m Message) error
}

// HomePages is an optional ability: the platform shows each member a home
// page of the app's own (Slack's App Home). The adapter builds each page
// from the HomeSource it gets as its Handler, when the member opens it and
// when it sends a TargetHome refresh; cmd lists its platform in
// Config.HomePlatforms so that the core queues those refreshes.
type HomePages interface {
	HomePages() bool
}

// Connectivity is an optional ability of an adapter that holds a live
// connection to its platform: Connected reports whether it is up now.
// Monitoring reads it; an adapter without it counts as connected.
type Connectivity interface {
	Connected() bool
}

// WithPlatformCode marks err with the platform's answer to the failed call:
// an HTTP status ("429", "503") or the platform's error name
// ("channel_not_found"), never anything a member wrote. errors.Is and
// errors.As see through it.
func WithPlatformCode(code string, err error) error {
	if err == nil || code == "" {
		return err
	}
	return &codedError{code: code, err: err}
}

// PlatformCode returns the code WithPlatformCode put on err, or "".
func PlatformCode(err error) string {
	var ce *codedError
	if errors.As(err, &ce) {
		return ce.code
	}
	return ""
}

type codedError struct {
	code string
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

// ErrUndeliverable marks a delivery that will never succeed, such as a DM to
// a user who does not accept DMs from the bot. The outbox does not retry it.
var ErrUndeliverable = errors.New("undeliverable")

// RetryError says a delivery failed for now and may be retried, no sooner
// than After (zero means use the sender's backoff). Adapters return it for
// rate limits and server errors.
type RetryError struct {
	After time.Duration
	// RateLimit says the platform refused the call only to make the bot
	// wait (an HTTP 429), taking nothing: the sender waits After and sends
	// again without counting a failed attempt.
	RateLimit bool
	Err       error
}

func (e *RetryError) Error() string {
	if e.After > 0 {
		return fmt.Sprintf("retry after %s: %v", e.After, e.Err)
	}
	return fmt.Sprintf("retryable: %v", e.Err)
}

func (e *RetryError) Unwrap() error { return e.Err }
