package outbox_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porchlight/porchlight/backoff"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/bot/bottest"
	"github.com/porchlight/porchlight/outbox"
)

// failingDue is an outbox whose Due fails while fail is set, as a full or
// busy database makes it, and counts its calls.
type failingDue struct {
	bot.Store // unused but for Outbox
	mem       *bottest.Outbox
	bot.OutboxStore
	fail  atomic.Bool
	calls atomic.Int32
}

var errDBFull = errors.New("database or disk is full")

func (f *failingDue) Outbox() bot.OutboxStore { return f }

func (f *failingDue) Due(ctx context.Context, now time.Time, limit int) ([]*bot.OutboxMessage, error) {
	f.calls.Add(1)
	if f.fail.Load() {
		return nil, errDBFull
	}
	return f.mem.Due(ctx, now, limit)
}

// reports records what the sender tells its Reporter.
type reports chan string

func (r reports) Fail(component string, err error) { r <- "fail " + component + ": " + err.Error() }
func (r reports) OK(component string)              { r <- "ok " + component }

// TestRunBacksOffWhileTheDatabaseFails: failed passes are spaced by a
// growing, capped, jittered wait that wake-ups do not cut short, each is
// reported, and the first pass that works sends and reports the recovery.
func TestRunBacksOffWhileTheDatabaseFails(t *testing.T) {
	mem, ad, c, _ := setup()
	store := &failingDue{mem: mem, OutboxStore: mem}
	store.fail.Store(true)
	s := outbox.NewSender(store, c, nil, ad)
	rep := make(reports, 100)
	sleeper := bottest.NewSleeper()
	s.Health, s.Poll, s.MaxBackoff, s.Sleep = rep, time.Second, 30*time.Second, sleeper.Sleep
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	defer func() { cancel(); <-done }()

	const failing = 9
	for n := 1; n <= failing; n++ {
		wait := sleeper.Next(t, 10*time.Second)
		ceil := backoff.Ceiling(n, time.Second, 30*time.Second)
		if wait < ceil/2 || wait > ceil {
			t.Errorf("wait after %d failed passes = %v, want within [%v, %v]", n, wait, ceil/2, ceil)
		}
		// One pass per wait: Run is asleep now, and wakes do not add
		// passes to a backoff.
		if got := store.calls.Load(); got != int32(n) {
			t.Fatalf("after %d waits, %d passes: the sender spins", n, got)
		}
		s.Wake()
		s.Wake()
		if got := <-rep; !strings.HasPrefix(got, "fail outbox: ") || !strings.HasSuffix(got, errDBFull.Error()) {
			t.Errorf("report %d = %q, want the outbox's failure", n, got)
		}
		if n == failing {
			store.fail.Store(false) // space returns
		}
		sleeper.Resume()
	}
	select {
	case got := <-rep:
		if got != "ok outbox" {
			t.Errorf("report after recovery = %q, want ok", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no recovery reported")
	}
	if len(ad.sent) != 1 {
		t.Errorf("sent %d messages after recovery, want 1", len(ad.sent))
	}
}

// TestRunWithoutHealthLogsOnce: with no Reporter, a run of failed passes
// is logged once as an error when it starts and once when it ends.
func TestRunWithoutHealthLogsOnce(t *testing.T) {
	mem, ad, c, _ := setup()
	store := &failingDue{mem: mem, OutboxStore: mem}
	store.fail.Store(true)
	var logs bottest.SyncBuffer
	s := outbox.NewSender(store, c, slog.New(slog.NewTextHandler(&logs, nil)), ad)
	s.Sleep = func(context.Context, time.Duration) bool {
		if store.calls.Load() == 5 {
			store.fail.Store(false)
		}
		return true
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	deadline := time.After(10 * time.Second)
	for !strings.Contains(logs.String(), "outbox passes work again") {
		select {
		case <-deadline:
			t.Fatalf("the recovery is not logged:\n%s", logs.String())
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	<-done
	if got, out := strings.Count(logs.String(), "level=ERROR"), logs.String(); got != 1 {
		t.Errorf("5 failed passes logged %d errors, want 1:\n%s", got, out)
	}
}
