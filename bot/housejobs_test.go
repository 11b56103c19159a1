package bot_test

import (
	"slices"
	"testing"

	"github.com/porchlight/porchlight/bot"
)

// TestHouseJobs: the jobs listed from the houses alone are the jobs a
// running core schedules.
func TestHouseJobs(t *testing.T) {
	h := newHarness(t)
	got := bot.HouseJobs(h.bot.Houses())
	want := h.bot.Jobs()
	if len(got) < 3 || !slices.Equal(got, want) {
		t.Errorf("HouseJobs = %+v\nwant Jobs = %+v", got, want)
	}
}
