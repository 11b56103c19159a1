package config

import (
	"encoding"
	"errors"
	"strings"
	"testing"
	"time"
)

// Each typed value accepts its good text and refuses the rest with the
// message Validate reports, leaving the value as it was.
func TestUnmarshalText(t *testing.T) {
	tests := []struct {
		name    string
		dst     encoding.TextUnmarshaler
		text    string
		wantErr string
	}{
		{"level", new(LogLevel), "warn", ""},
		{"level bad", new(LogLevel), "loud", `"loud" is not one of debug, info, warn, error`},
		{"format", new(LogFormat), "json", ""},
		{"format bad", new(LogFormat), "xml", `"xml" is not one of text, json`},
		{"platform", new(Platform), "slack", ""},
		{"platform empty", new(Platform), "", "is required (discord, slack or console)"},
		{"platform bad", new(Platform), "irc", `"irc" is not one of discord, slack, console`},
		{"zone", new(TimeZone), "Europe/London", ""},
		{"zone local", new(TimeZone), "Local", `not "Local"`},
		{"zone unknown", new(TimeZone), "Mars/Olympus", `unknown time zone "Mars/Olympus"`},
		{"duration", new(Duration), "90m", ""},
		{"duration bad", new(Duration), "4 hours", `"4 hours" is not a duration such as "90m" or "4h"`},
		{"duration zero", new(Duration), "0s", `must be longer than zero, got "0s"`},
		{"visibility", new(Visibility), "house", ""},
		{"visibility bad", new(Visibility), "public", `"public" is not one of private, mentors, house`},
		{"alert", new(Alert), "always", ""},
		{"alert bad", new(Alert), "never", `"never" is not one of ask, always`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.dst.UnmarshalText([]byte(tt.text))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("UnmarshalText(%q) = %v", tt.text, err)
				}
				if got := tt.dst.(checker).check(); got != nil {
					t.Errorf("check after UnmarshalText(%q) = %v", tt.text, got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("UnmarshalText(%q) = %v, want an error containing %q", tt.text, err, tt.wantErr)
			}
			// The value is unchanged: still the zero value here.
			if tt.dst.(checker).check() == nil {
				t.Errorf("UnmarshalText(%q) stored the bad value", tt.text)
			}
		})
	}
}

func TestDurationKeepsItsText(t *testing.T) {
	d, err := ParseDuration("90m")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Duration(), 90*time.Minute; got != want {
		t.Errorf("Duration() = %s, want %s", got, want)
	}
	if got, want := d.String(), "90m"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// A value refused while decoding is reported once, at its key, and the
// house keeps the default.
func TestDecodedValueProblemReportedOnce(t *testing.T) {
	c, err := parse([]byte(house()+"[house.checkin]\nwindow = \"4 hours\"\n"), testOptions(nil))
	var ce *Error
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "house[0].checkin.window") {
		t.Fatalf("err = %v; want one naming house[0].checkin.window", err)
	}
	if len(ce.Problems) != 1 {
		t.Errorf("problems = %q, want only the window", ce.Problems)
	}
	if got, want := c.House[0].Checkin.Window.String(), "4h"; got != want {
		t.Errorf("window = %q, want the default %q", got, want)
	}
	// Validating again reports it again: the config is still invalid.
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "house[0].checkin.window") {
		t.Errorf("Validate() = %v; want the window still reported", err)
	}
}
