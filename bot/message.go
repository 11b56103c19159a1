package bot

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
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
}

// Outgoing is a message the core wants delivered.
type Outgoing struct {
	Target Target `json:"target"`
	Message
	// Thread, when set, posts the message as a reply in that message's thread
	// (on platforms that have threads; others post it normally).
	Thread MessageRef `json:"thread,omitempty"`
	// Edit, when set, replaces the content of that earlier message instead
	// of posting a new one.
	Edit MessageRef `json:"edit,omitempty"`
	// Key identifies one outbox message across retries ("outbox:42"); the
	// sender sets it. Adapters that split a message use it with kit.Parts, so
	// a retry does not post the parts already sent again.
	Key string `json:"-"`
}

// timeMarker matches the neutral time markers FormatTime writes.
var timeMarker = regexp.MustCompile(`\{\{time:(-?\d+)\|([^}]*)\}\}`)

// FormatTime embeds t in message text as a neutral marker. Adapters replace
// markers with RenderTimes: Discord and Slack show each reader their own
// local time; the console shows the fallback, which is t in loc.
func FormatTime(t time.Time, loc *time.Location) string {
	fallback := t.In(loc).Format("Mon 2 Jan 15:04 MST")
	return fmt.Sprintf("{{time:%d|%s}}", t.Unix(), fallback)
}

// RenderTimes replaces every FormatTime marker in text by render(unix, fallback).
func RenderTimes(text string, render func(unix int64, fallback string) string) string {
	if !strings.Contains(text, "{{time:") {
		return text
	}
	return timeMarker.ReplaceAllStringFunc(text, func(m string) string {
		sub := timeMarker.FindStringSubmatch(m)
		unix, err := strconv.ParseInt(sub[1], 10, 64)
		if err != nil {
			return sub[2]
		}
		return render(unix, sub[2])
	})
}

// PlainTimes renders every time marker as its fallback text.
func PlainTimes(text string) string {
	return RenderTimes(text, func(_ int64, fallback string) string { return fallback })
}
