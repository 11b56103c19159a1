package bottest

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"
)

// SyncBuffer is a bytes.Buffer that code under test may write (a logger, a
// process's output) while the test reads it.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Sleeper steps code that waits between retries (backoff.Sleep's shape):
// each Sleep hands its wait to the test and returns only when the test
// resumes it, so the test inspects the caller while it is asleep, and no
// test waits out a real backoff.
type Sleeper struct {
	waits  chan time.Duration
	resume chan struct{}
}

// NewSleeper returns a Sleeper with no sleep pending.
func NewSleeper() *Sleeper {
	return &Sleeper{waits: make(chan time.Duration), resume: make(chan struct{})}
}

// Sleep waits for the test: it reports true when resumed, false if ctx
// ends first.
func (s *Sleeper) Sleep(ctx context.Context, d time.Duration) bool {
	select {
	case s.waits <- d:
	case <-ctx.Done():
		return false
	}
	select {
	case <-s.resume:
		return true
	case <-ctx.Done():
		return false
	}
}

// Next returns the wait of the next Sleep, once the caller is asleep in
// it; it fails the test if none comes within limit, a bound on the code's
// progress and not a schedule.
func (s *Sleeper) Next(tb testing.TB, limit time.Duration) time.Duration {
	tb.Helper()
	select {
	case d := <-s.waits:
		return d
	case <-time.After(limit):
		tb.Fatalf("bottest: no sleep within %v", limit)
		return 0
	}
}

// Resume ends the pending Sleep.
func (s *Sleeper) Resume() { s.resume <- struct{}{} }
