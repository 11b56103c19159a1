package config

import (
	"errors"
	"fmt"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// The typed values of the file. Each checks its own text when the TOML
// library decodes it (encoding.TextUnmarshaler) and keeps its value
// unchanged when the text is wrong; check says the same of a value set in
// Go, so Validate can judge a config however it was built.

// checker is a typed value that can say what is wrong with it.
type checker interface{ check() error }

// unmarshal checks v and, when it is good, stores it in dst: the shared
// body of the UnmarshalText methods.
func unmarshal[T checker](dst *T, v T) error {
	if err := v.check(); err != nil {
		return err
	}
	*dst = v
	return nil
}

// LogLevel is [log] level: debug, info, warn or error.
type LogLevel string

func (l LogLevel) check() error {
	switch l {
	case "debug", "info", "warn", "error":
		return nil
	}
	return fmt.Errorf("%q is not one of debug, info, warn, error", string(l))
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (l *LogLevel) UnmarshalText(b []byte) error { return unmarshal(l, LogLevel(b)) }

// LogFormat is [log] format: text or json.
type LogFormat string

func (f LogFormat) check() error {
	switch f {
	case "text", "json":
		return nil
	}
	return fmt.Errorf("%q is not one of text, json", string(f))
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (f *LogFormat) UnmarshalText(b []byte) error { return unmarshal(f, LogFormat(b)) }

// Platform is the chat platform a house lives on: PlatformDiscord,
// PlatformSlack or PlatformConsole.
type Platform string

// The platforms a house may live on. They are untyped, so they compare
// with a Platform and with the core's plain strings alike.
const (
	PlatformDiscord = "discord"
	PlatformSlack   = "slack"
	PlatformConsole = "console"
)

func (p Platform) check() error {
	switch p {
	case PlatformDiscord, PlatformSlack, PlatformConsole:
		return nil
	case "":
		return errors.New("is required (discord, slack or console)")
	}
	return fmt.Errorf("%q is not one of discord, slack, console", string(p))
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Platform) UnmarshalText(b []byte) error { return unmarshal(p, Platform(b)) }

// TimeZone is an IANA time zone name, such as "America/Chicago".
type TimeZone string

// Location loads the time zone.
func (z TimeZone) Location() (*time.Location, error) {
	if err := z.check(); err != nil {
		return nil, err
	}
	return time.LoadLocation(string(z))
}

func (z TimeZone) check() error {
	switch z {
	case "":
		return errors.New(`is required (an IANA name such as "America/Chicago")`)
	case "Local":
		// The machine's zone is not the house's, and it moves with the
		// machine.
		return errors.New(`give an IANA name such as "America/Chicago", not "Local"`)
	}
	if _, err := time.LoadLocation(string(z)); err != nil {
		return fmt.Errorf(`unknown time zone %q (an IANA name such as "America/Chicago")`, string(z))
	}
	return nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (z *TimeZone) UnmarshalText(b []byte) error { return unmarshal(z, TimeZone(b)) }

// Duration is a positive duration written as Go writes them ("90m",
// "4h"). It keeps the text it was written as, so messages and the
// effective config quote the operator's own words.
type Duration struct {
	d    time.Duration
	text string
}

// ParseDuration parses a positive duration such as "90m" or "4h".
func ParseDuration(s string) (Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return Duration{}, fmt.Errorf("%q is not a duration such as \"90m\" or \"4h\"", s)
	}
	if d <= 0 {
		return Duration{}, fmt.Errorf("must be longer than zero, got %q", s)
	}
	return Duration{d: d, text: s}, nil
}

// mustDuration is ParseDuration for the defaults, which are known good.
func mustDuration(s string) Duration {
	d, err := ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Duration returns the duration.
func (d Duration) Duration() time.Duration { return d.d }

// String returns the duration as it was written.
func (d Duration) String() string { return d.text }

func (d Duration) check() error {
	_, err := ParseDuration(d.text)
	return err
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.text), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Visibility is [house.checkin] default_visibility: who may see an answer
// unless the resident chooses otherwise. It converts to bot.Visibility.
type Visibility bot.Visibility

func (v Visibility) check() error {
	if !bot.Visibility(v).Valid() {
		return fmt.Errorf("%q is not one of private, mentors, house", string(v))
	}
	return nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (v *Visibility) UnmarshalText(b []byte) error { return unmarshal(v, Visibility(b)) }

// Alert is [house.crisis] alert: whether mentors are alerted to danger
// only with the resident's yes (AlertAsk) or always (AlertAlways).
type Alert string

// The alert modes.
const (
	AlertAsk    Alert = "ask"
	AlertAlways Alert = "always"
)

func (a Alert) check() error {
	switch a {
	case AlertAsk, AlertAlways:
		return nil
	}
	return fmt.Errorf("%q is not one of ask, always", string(a))
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (a *Alert) UnmarshalText(b []byte) error { return unmarshal(a, Alert(b)) }

// QuietHours is [[house]] quiet_hours: the house-local span of the day
// ("22:00-08:00") in which partner pings about missed check-ins wait, or
// "off". It keeps the text it was written as.
type QuietHours struct {
	q    bot.QuietHours
	text string
}

// QuietHours returns the span.
func (q QuietHours) QuietHours() bot.QuietHours { return q.q }

// String returns the span as it was written.
func (q QuietHours) String() string { return q.text }

func (q QuietHours) check() error {
	_, err := bot.ParseQuietHours(q.text)
	return err
}

// MarshalText implements encoding.TextMarshaler.
func (q QuietHours) MarshalText() ([]byte, error) { return []byte(q.text), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (q *QuietHours) UnmarshalText(b []byte) error {
	v, err := bot.ParseQuietHours(string(b))
	if err != nil {
		return err
	}
	*q = QuietHours{q: v, text: string(b)}
	return nil
}

// mustQuietHours is the QuietHours of a known good default.
func mustQuietHours(s string) QuietHours {
	var q QuietHours
	if err := q.UnmarshalText([]byte(s)); err != nil {
		panic(err)
	}
	return q
}
