package backoff_test

import (
	"context"
	"testing"
	"time"

	"github.com/porchlight/porchlight/backoff"
)

func TestDelay(t *testing.T) {
	base, limit := 2*time.Second, 10*time.Minute
	for _, tt := range []struct {
		attempt int
		ceiling time.Duration
	}{
		{0, 2 * time.Second}, {1, 2 * time.Second}, {2, 4 * time.Second}, {3, 8 * time.Second},
		{9, 512 * time.Second}, {10, 10 * time.Minute}, {100, 10 * time.Minute},
	} {
		if got := backoff.Ceiling(tt.attempt, base, limit); got != tt.ceiling {
			t.Errorf("Ceiling(%d) = %v, want %v", tt.attempt, got, tt.ceiling)
		}
		seen := map[time.Duration]bool{}
		for range 200 {
			d := backoff.Delay(tt.attempt, base, limit)
			if d < tt.ceiling/2 || d > tt.ceiling {
				t.Fatalf("Delay(%d) = %v, want within [%v, %v]", tt.attempt, d, tt.ceiling/2, tt.ceiling)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("Delay(%d) gave one value in 200 draws: no jitter", tt.attempt)
		}
	}
}

func TestSleep(t *testing.T) {
	if !backoff.Sleep(context.Background(), time.Nanosecond) {
		t.Error("Sleep with a live context returned false")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if backoff.Sleep(ctx, time.Hour) {
		t.Error("Sleep with an ended context returned true")
	}
}
