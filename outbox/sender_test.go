package outbox_test

import (
	"testing"
	"time"

	"github.com/porchlight/porchlight/outbox"
)

// The sender's behaviour with the core and a real database (restart,
// rate limits, undeliverable messages, concurrent flushes) is tested in
// bot/outbox_test.go through the core's harness, and with the platform
// fakes in the adapters' outbound tests.

func TestBackoff(t *testing.T) {
	for _, tt := range []struct {
		attempts int
		want     time.Duration
	}{
		{0, 2 * time.Second}, {1, 2 * time.Second}, {2, 4 * time.Second}, {3, 8 * time.Second},
		{9, 512 * time.Second}, {10, 10 * time.Minute}, {100, 10 * time.Minute},
	} {
		if got := outbox.Backoff(tt.attempts); got != tt.want {
			t.Errorf("Backoff(%d) = %v, want %v", tt.attempts, got, tt.want)
		}
	}
}
