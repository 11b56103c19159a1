package bot

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParseDate checks the date parser used by /checkin pause (and every
// command that takes a date): it never panics, accepts exactly the dates it
// can print back, and answers anything else with a short, user-safe error.
// Seeds are in testdata/fuzz/FuzzParseDate.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-12-01", " 2026-12-01 ", "2026-02-30", "12/01/2026", "", "9999-99-99", "2026-1-1"} {
		f.Add(s)
	}
	loc := time.FixedZone("house", -6*3600)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseDate(s, loc)
		if err != nil {
			if ErrorCode(err) != EInvalid {
				t.Fatalf("parseDate(%q): error code %q, want invalid", s, ErrorCode(err))
			}
			if msg := ErrorMessage(err); utf8.RuneCountInString(msg) > 200 || !strings.Contains(msg, "YYYY-MM-DD") {
				t.Fatalf("parseDate(%q): message %q, want a short hint with the format", s, msg)
			}
			return
		}
		if back := got.Format(time.DateOnly); back != strings.TrimSpace(s) {
			t.Fatalf("parseDate(%q) = %s, which prints as %q", s, got, back)
		}
		if got.Location() != loc || got.Hour() != 0 || got.Minute() != 0 {
			t.Fatalf("parseDate(%q) = %s, want midnight in the house's zone", s, got)
		}
	})
}
