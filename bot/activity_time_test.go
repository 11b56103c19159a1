package bot_test

import (
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

func TestParseWhen(t *testing.T) {
	chicago, _ := time.LoadLocation("America/Chicago")
	now := time.Date(2026, 11, 18, 12, 0, 0, 0, chicago) // a Wednesday, noon
	tests := []struct {
		in, want string // want "" means an error
	}{
		{"2026-11-20 19:00", "2026-11-20 19:00 CST"},
		{"today 19:00", "2026-11-18 19:00 CST"},
		{"Tomorrow 07:30", "2026-11-19 07:30 CST"},
		{"fri 19:00", "2026-11-20 19:00 CST"},
		{"friday 19:00", "2026-11-20 19:00 CST"},
		{"wed 19:00", "2026-11-18 19:00 CST"}, // later today
		{"wed 09:00", "2026-11-25 09:00 CST"}, // passed today: next week
		{"mon 19:00", "2026-11-23 19:00 CST"},
		{"today 11:00", ""},
		{"2026-11-01 19:00", ""},
		{"2026-02-30 19:00", ""},
		{"fri", ""},
		{"fri 7pm", ""},
		{"someday 19:00", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := bot.ParseWhen(bot.SourceLang(), tt.in, now, chicago)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("ParseWhen(%q) = %v, want an error", tt.in, got)
		case tt.want == "" && bot.ErrorCode(err) != bot.EInvalid:
			t.Errorf("ParseWhen(%q) error %v, want a user-safe one", tt.in, err)
		case tt.want != "" && (err != nil || got.Format("2006-01-02 15:04 MST") != tt.want):
			t.Errorf("ParseWhen(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	// Across the end of daylight saving time, the wall-clock time holds.
	ny, _ := time.LoadLocation("America/New_York")
	sat := time.Date(2026, 10, 31, 20, 0, 0, 0, ny)
	if got, err := bot.ParseWhen(bot.SourceLang(), "sun 19:00", sat, ny); err != nil || got.Format("15:04 MST") != "19:00 EST" {
		t.Errorf("across DST = %v, %v; want 19:00 EST", got, err)
	}
}
