package bot

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/porchlight/porchlight/i18n"
)

// TargetKind says where an outgoing message goes.
type TargetKind string

// The kinds of targets.
const (
	// TargetChannel is a post in a channel, visible to everyone in it.
	TargetChannel TargetKind = "channel"
	// TargetDM is a direct message to one user.
	TargetDM TargetKind = "dm"
	// TargetEphemeral is a message only one user sees, in a channel.
	TargetEphemeral TargetKind = "ephemeral"
	// TargetCalendar is the platform's calendar of the house channel's
	// server (Discord's scheduled events); the Outgoing carries an Event.
	TargetCalendar TargetKind = "calendar"
	// TargetHome is a refresh of one user's home page, on platforms that
	// have one (HomePages). It carries no content: the adapter builds the
	// page afresh from its HomeSource when it sends it.
	TargetHome TargetKind = "home"
)

// Target is where an Outgoing message goes.
type Target struct {
	Kind TargetKind `json:"kind"`
	// Channel is the platform channel id, for channel and ephemeral targets.
	Channel string `json:"channel,omitempty"`
	// User is the platform user id, for DM, ephemeral and home targets.
	User string `json:"user,omitempty"`
}

// MessageRef identifies a message that was sent, so that it can be edited or
// replied to in a thread.
type MessageRef struct {
	Channel string `json:"channel,omitempty"`
	ID      string `json:"id,omitempty"`
}

// IsZero reports whether the ref points nowhere.
func (r MessageRef) IsZero() bool { return r.ID == "" }

// ChoiceStyle hints how a choice is drawn.
type ChoiceStyle string

// Choice styles; adapters map them to what their platform offers.
const (
	StyleDefault ChoiceStyle = ""
	StylePrimary ChoiceStyle = "primary"
	StyleDanger  ChoiceStyle = "danger"
)

// Choice is a button (or a select option) attached to a message. Pressing it
// produces an EventAction with ActionInput.ID set to ID and Value to Value.
type Choice struct {
	ID    string      `json:"id"`
	Label string      `json:"label"`
	Value string      `json:"value,omitempty"`
	Style ChoiceStyle `json:"style,omitempty"`
}

// Attachment is a file sent with a message, such as a digest chart.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"`
}

// Message is the content of a message, independent of where it goes.
type Message struct {
	// Text is plain text with light markdown (*bold*, _italic_, lists). Times
	// should be embedded with FormatTime so each platform can render them in
	// the reader's time zone.
	Text string `json:"text"`
	// Choices are buttons. Adapters lay them out within platform limits.
	Choices []Choice `json:"choices,omitempty"`
	// Attachment is an optional file.
	Attachment *Attachment `json:"attachment,omitempty"`
	// Lang is the reader's language code: the house's for a channel post or
	// a calendar event, the recipient's for a direct message. The core sets
	// it when it queues the message (a reply's is Response.Lang); adapters
	// write the few words they add themselves (a select's placeholder, a
	// thread's default name) in it.
	Lang string `json:"lang,omitempty"`
}

// Outgoing is a message the core wants delivered.
type Outgoing struct {
	Target Target `json:"target"`
	Message
	// Thread, when set, posts the message as a reply in that message's thread
	// (on platforms that have threads; others post it normally).
	Thread MessageRef `json:"thread,omitempty"`
	// ThreadName names the thread of this message on platforms where a
	// thread is started from a message (Discord): with Thread set, the
	// thread started on that message if it has none yet; without, a
	// thread started on this message once it is posted, for discussion
	// (an activity's post). Platforms whose messages take threaded
	// replies without one ignore it. At most 100 characters.
	ThreadName string `json:"thread_name,omitempty"`
	// Edit, when set, replaces the content of that earlier message instead
	// of posting a new one (or, with Event, changes that event).
	Edit MessageRef `json:"edit,omitempty"`
	// Event, for a TargetCalendar message, is the calendar event to create,
	// or with Edit to change or cancel; Thread is then the post it mirrors,
	// which the event links back to.
	Event *CalendarEvent `json:"event,omitempty"`
	// Key identifies one outbox message across retries and restarts; the
	// sender sets it from the message's send key (at most 20 characters,
	// letters and digits). Adapters send it to the platform so that a
	// resend creates no second message (Discord's nonce, Slack's message
	// metadata), and use it with kit.Parts, so a retry does not post the
	// parts already sent again.
	Key string `json:"-"`
	// InDoubtSince, when set, says an earlier attempt to send this message
	// started then and its outcome is unknown (the process died, or the
	// call failed in a way that may have landed). An adapter that cannot
	// make the platform deduplicate by Key looks for the message sent since
	// then before posting again.
	InDoubtSince time.Time `json:"-"`
}

// CalendarEvent mirrors an activity into the platform's own calendar (on
// Discord, a server's Events), where members look for what is on. The
// activity's post, with its RSVP buttons, stays the source of truth: the
// event only shows it, and links back to it.
type CalendarEvent struct {
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Location    string    `json:"location"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	// Cancel cancels the event Edit names.
	Cancel bool `json:"cancel,omitempty"`
}

// timeMarker matches the neutral time markers FormatTime and
// FormatTimeUntil write; the second group is "+until" for the latter.
var timeMarker = regexp.MustCompile(`\{\{time(\+until)?:(-?\d+)\|([^}]*)\}\}`)

// FormatTime embeds t in message text as a neutral marker. Adapters replace
// markers with RenderTimes: Discord and Slack show each reader their own
// local time; the console shows the fallback, which is t in loc, written
// in l, the reader's language.
func FormatTime(l Lang, t time.Time, loc *time.Location) string {
	return timeMarkerText("", t, l.Date(t.In(loc), i18n.DateTimeZone))
}

// FormatTimeUntil is FormatTime for a time where how long until it matters
// (a reminder, an activity post): platforms that can also show "in 2
// hours", kept current by the reader's app, do (Discord); the others show
// it as FormatTime.
func FormatTimeUntil(l Lang, t time.Time, loc *time.Location) string {
	return timeMarkerText("+until", t, l.Date(t.In(loc), i18n.DateTimeZone))
}

// timeMarkerText writes a time marker of kind "" or "+until".
func timeMarkerText(kind string, t time.Time, fallback string) string {
	return fmt.Sprintf("{{time%s:%d|%s}}", kind, t.Unix(), fallback)
}

// RenderTimes replaces every time marker in text by render(unix, fallback).
func RenderTimes(text string, render func(unix int64, fallback string) string) string {
	return RenderTimesUntil(text, func(unix int64, fallback string, _ bool) string { return render(unix, fallback) })
}

// RenderTimesUntil is RenderTimes that tells render whether the marker
// came from FormatTimeUntil.
func RenderTimesUntil(text string, render func(unix int64, fallback string, until bool) string) string {
	if !strings.Contains(text, "{{time") {
		return text
	}
	return timeMarker.ReplaceAllStringFunc(text, func(m string) string {
		sub := timeMarker.FindStringSubmatch(m)
		unix, err := strconv.ParseInt(sub[2], 10, 64)
		if err != nil {
			return sub[3]
		}
		return render(unix, sub[3], sub[1] != "")
	})
}

// PlainTimes renders every time marker as its fallback text.
func PlainTimes(text string) string {
	return RenderTimes(text, func(_ int64, fallback string) string { return fallback })
}
