package bot_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestMilestonesOn(t *testing.T) {
	tests := []struct {
		sober, day string
		extra      []int
		want       string
	}{
		{"2026-01-01", "2026-01-02", nil, "[{1d 24 hours}]"},
		{"2026-01-01", "2026-01-31", nil, "[{30d 30 days}]"},
		{"2026-01-01", "2026-04-01", nil, "[{90d 90 days}]"},
		{"2026-01-01", "2026-01-01", nil, "[]"},
		{"2026-01-01", "2025-12-31", nil, "[]"},
		{"2026-01-01", "2026-01-15", nil, "[]"},
		{"2026-01-01", "2026-01-15", []int{14}, "[{14d 14 days}]"},
		{"2026-01-01", "2026-01-31", []int{30}, "[{30d 30 days}]"}, // an extra that is already one counts once
		// Month ends: 6 months from 31 August is the last day of February.
		{"2025-08-31", "2026-02-28", nil, "[{6m 6 months}]"},
		{"2027-08-31", "2028-02-29", nil, "[{6m 6 months}]"}, // leap year
		{"2025-08-31", "2026-03-01", nil, "[]"},
		{"2026-01-31", "2026-10-31", nil, "[{9m 9 months}]"},
		{"2025-05-31", "2026-11-30", nil, "[{18m 18 months}]"},
		// Years, with 29 February.
		{"2025-03-10", "2026-03-10", nil, "[{1y 1 year}]"},
		{"2024-02-29", "2025-02-28", nil, "[{1y 1 year}]"},
		{"2024-02-29", "2028-02-29", nil, "[{4y 4 years}]"},
		{"2016-11-23", "2026-11-23", nil, "[{10y 10 years}]"},
	}
	for _, tt := range tests {
		t.Run(tt.sober+"→"+tt.day, func(t *testing.T) {
			got := bot.MilestonesOn(date(tt.sober), date(tt.day), tt.extra)
			if fmt.Sprint(got) != tt.want && !(len(got) == 0 && tt.want == "[]") {
				t.Errorf("MilestonesOn = %v, want %s", got, tt.want)
			}
		})
	}
}

// TestMilestonesIgnoreZonesAndDST: dates in a house's zone on a DST
// morning give the same milestones as plain dates.
func TestMilestonesIgnoreZonesAndDST(t *testing.T) {
	chicago, _ := time.LoadLocation("America/Chicago")
	sober := time.Date(2025, 9, 8, 0, 0, 0, 0, chicago)
	dstMorning := time.Date(2026, 3, 8, 9, 0, 0, 0, chicago) // clocks sprang forward at 02:00
	if got := bot.MilestonesOn(sober, dstMorning, nil); fmt.Sprint(got) != "[{6m 6 months}]" {
		t.Errorf("on the DST morning = %v, want 6 months", got)
	}
}

func TestSoberSpan(t *testing.T) {
	tests := []struct{ sober, today, want string }{
		{"2026-01-01", "2026-01-01", "0y 0m 0d, 0 days"},
		{"2026-01-01", "2026-04-15", "0y 3m 14d, 104 days"},
		{"2025-08-31", "2026-02-28", "0y 6m 0d, 181 days"},
		{"2024-02-29", "2026-03-01", "2y 0m 1d, 731 days"},
	}
	for _, tt := range tests {
		y, m, d, total := bot.SoberSpan(date(tt.sober), date(tt.today))
		if got := fmt.Sprintf("%dy %dm %dd, %d days", y, m, d, total); got != tt.want {
			t.Errorf("SoberSpan(%s, %s) = %s, want %s", tt.sober, tt.today, got, tt.want)
		}
	}
}
