package main

import (
	"testing"
	"time"
)

// Fake tokens of the right shapes. They are not real and never were.
const (
	fakeDiscordToken = "MTAxMDEwMTAx.GhIjKl.abc_DEF-123"
	fakeBotToken     = "xoxb-0000-fake"
	fakeAppToken     = "xapp-1-fake"
)

func TestParseCron(t *testing.T) {
	tests := []struct {
		spec string
		ok   bool
	}{
		{"0 9 * * *", true},
		{"*/15 8-20 * * 1-5", true},
		{"@daily", true},
		{"@every 30s", true},
		{"", false},
		{"0 9 * *", false},
		{"0 0 9 * * *", false},
		{"TZ=UTC", false},
		{"CRON_TZ=UTC 0 9 * * *", false},
		{"61 * * * *", false},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			err := parseCron(tt.spec, time.UTC)
			if got := err == nil; got != tt.ok {
				t.Errorf("parseCron(%q) = %v, want ok %v", tt.spec, err, tt.ok)
			}
		})
	}
}
