package health_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/health"
)

// fakeClock is a settable clock.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

var (
	errFull    = errors.New("database or disk is full")
	errCorrupt = errors.New("database disk image is malformed")
)

// classify names the two test errors as storage.ErrorClass would.
func classify(err error) string {
	switch err {
	case errFull:
		return "full"
	case errCorrupt:
		return "corrupt"
	}
	return ""
}

func TestStatusLogsTransitionsOnly(t *testing.T) {
	var logs bytes.Buffer
	clock := &fakeClock{t: time.Date(2026, 11, 17, 20, 0, 0, 0, time.UTC)}
	s := health.New(slog.New(slog.NewTextHandler(&logs, nil)), health.Options{
		Classify: classify, Now: clock.now,
		Advice: map[string]string{"corrupt": "restore from a backup"},
	})
	if s.Degraded() || len(s.Problems()) != 0 {
		t.Fatal("a new Status is degraded")
	}
	s.OK("outbox") // nothing was failing: nothing to log
	start := clock.t
	for range 30 {
		s.Fail("outbox", errFull)
		clock.t = clock.t.Add(time.Second)
	}
	if got := strings.Count(logs.String(), "degraded"); got != 1 {
		t.Errorf("30 failures logged %d degraded lines, want 1:\n%s", got, logs.String())
	}
	want := health.Problem{Component: "outbox", Class: "full", Since: start, Last: start.Add(29 * time.Second), Failures: 30}
	if got := s.Problems(); len(got) != 1 || got[0] != want {
		t.Errorf("problems = %+v, want [%+v]", got, want)
	}

	// Another class is worth one more line, with its advice.
	s.Fail("outbox", errCorrupt)
	s.Fail("outbox", errCorrupt)
	if got := strings.Count(logs.String(), "now fails differently"); got != 1 {
		t.Errorf("a change of class logged %d lines, want 1", got)
	}
	if !strings.Contains(logs.String(), `advice="restore from a backup"`) {
		t.Errorf("the corrupt line lacks its advice:\n%s", logs.String())
	}

	// Two parts fail; each recovers on its own, logged once.
	s.Fail("job Cedar House/checkin", errors.New("boom"))
	if got := s.Problems(); len(got) != 2 || got[0].Component != "job Cedar House/checkin" || got[0].Class != health.ClassOther {
		t.Errorf("problems = %+v, want the job (class other) then the outbox", got)
	}
	s.OK("outbox")
	s.OK("outbox")
	if got := strings.Count(logs.String(), "recovered"); got != 1 {
		t.Errorf("recovery logged %d times, want 1", got)
	}
	if !s.Degraded() {
		t.Error("not degraded while the job still fails")
	}
	s.OK("job Cedar House/checkin")
	if s.Degraded() || len(s.Problems()) != 0 {
		t.Errorf("degraded after every part recovered: %+v", s.Problems())
	}
}

// TestStatusConcurrent is for the race detector.
func TestStatusConcurrent(t *testing.T) {
	s := health.New(nil, health.Options{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if i%2 == 0 {
					s.Fail("outbox", errFull)
				} else {
					s.OK("outbox")
				}
				s.Problems()
				s.Degraded()
			}
		}()
	}
	wg.Wait()
}
