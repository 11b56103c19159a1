package storage_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/backoff"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/bot/bottest"
	"github.com/porchlight/porchlight/health"
	"github.com/porchlight/porchlight/outbox"
	"github.com/porchlight/porchlight/storage"
)

// okSignal is the process's health status, signalling each OK.
type okSignal struct {
	*health.Status
	ok chan string
}

func (s okSignal) OK(component string) {
	s.Status.OK(component)
	select {
	case s.ok <- component:
	default:
	}
}

// TestFullDatabase fills the database to its size limit (PRAGMA
// max_page_count) under a running core and sender, opened as "porchlight
// run" opens it: an event gets the "nothing was saved" reply, the sender's
// failed passes back off (capped, one pass per wait, wake-ups or not) and
// report the outbox degraded as "full"; when space returns, every message
// is delivered, the status recovers and events are saved again.
//
// Nothing is sent twice: a full database refuses the record of the
// attempt, and the sender never calls the platform without it; a send whose
// record fails afterwards is kept in memory and recorded again, never sent
// again.
func TestFullDatabase(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "p.db"), storage.Exclusive(), storage.CheckIntegrity())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	clock := bottest.NewClock(t0)
	house := &bot.House{Name: "Cedar House", Platform: "test", Channel: "C-house", Location: time.UTC}
	b, err := bot.New(bot.Config{Store: db, Clock: clock, Houses: []*bot.House{house}})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// Notices wait in the outbox.
	const waiting = 300
	update(t, db, func(tx bot.Tx) error {
		for range waiting {
			m := &bot.OutboxMessage{HouseID: house.ID, Platform: "test", NextAt: t0, CreatedAt: t0,
				Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: house.Channel}, Message: bot.Message{Text: strings.Repeat("n", 150)}}}
			if _, err := tx.Enqueue(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	// The database reaches its limit: the file may not grow, and event
	// records take the free pages left in it.
	if _, err := storage.SetMaxPageCount(db, 1); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		err := db.Update(ctx, func(tx bot.Tx) error {
			return tx.MarkEvent(ctx, "filler", fmt.Sprintf("filler-%06d", i), t0)
		})
		if err == nil {
			continue
		}
		if got := storage.ErrorClass(err); got != storage.ClassFull {
			t.Fatalf("filling: class %q (%v), want %q", got, err, storage.ClassFull)
		}
		break
	}

	// The core refuses, kindly, what it can no longer save, and goes on.
	evs := &bottest.Events{Platform: "test", Channel: house.Channel}
	you := bot.User{ID: "U1", Name: "Robin"}
	sorry := bot.ErrorMessage(errors.New("any internal error"))
	refused := false
	for range 1000 {
		if got := bottest.Texts(b.Handle(ctx, evs.Command(you, "help", ""))); len(got) == 1 && got[0] == sorry {
			refused = true
			break
		}
	}
	if !refused {
		t.Errorf("1000 events saved in a full database; want the %q reply", sorry)
	}

	// The sender backs off, degraded.
	ad := bottest.NewAdapter("test")
	status := okSignal{health.New(nil, health.Options{Classify: storage.ErrorClass}), make(chan string, 1)}
	s := outbox.NewSender(db, clock, nil, ad)
	sleeper := bottest.NewSleeper()
	s.Health, s.Poll, s.MaxBackoff, s.Sleep = status, time.Second, 8*time.Second, sleeper.Sleep
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(runCtx)
	}()
	defer func() { stop(); <-done }()
	const failing = 6
	for n := 1; n <= failing; n++ {
		wait := sleeper.Next(t, 20*time.Second)
		// Run is asleep: read what it has done so far.
		ceil := backoff.Ceiling(n, time.Second, 8*time.Second)
		if wait < ceil/2 || wait > ceil {
			t.Errorf("wait after %d failed passes = %v, want within [%v, %v]", n, wait, ceil/2, ceil)
		}
		p := status.Problems()
		if len(p) != 1 || p[0].Component != "outbox" || p[0].Class != storage.ClassFull || p[0].Failures != n {
			t.Errorf("after %d failed passes, problems = %+v; want the outbox, full, %d failures", n, p, n)
		}
		// A pass stops at its first failed commit, so each leaves at most
		// one send unrecorded: the failed passes do not spin.
		pending, err := db.Outbox().Pending(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if unrecorded := len(ad.Sent()) - (waiting - pending); unrecorded > n {
			t.Errorf("%d sends not recorded as sent after %d passes", unrecorded, n)
		}
		s.Wake()
		if n == failing {
			// Space returns.
			if _, err := storage.SetMaxPageCount(db, 1<<30); err != nil {
				t.Fatal(err)
			}
		}
		sleeper.Resume()
	}
	select {
	case <-status.ok:
	case <-time.After(20 * time.Second):
		t.Fatalf("no recovery; problems %+v", status.Problems())
	}
	if status.Degraded() {
		t.Errorf("still degraded after recovery: %+v", status.Problems())
	}
	if n, err := db.Outbox().Pending(ctx); err != nil || n != 0 {
		t.Errorf("pending after recovery = %d, %v; want 0", n, err)
	}
	perKey := map[string]int{}
	for _, m := range ad.Sent() {
		perKey[m.Key]++
	}
	if len(perKey) != waiting {
		t.Errorf("%d distinct messages delivered, want %d", len(perKey), waiting)
	}
	if resent := len(ad.Sent()) - len(perKey); resent > 0 {
		t.Errorf("%d sends repeated a message while the database was full", resent)
	}
	if got := bottest.Texts(b.Handle(ctx, evs.Command(you, "help", ""))); len(got) == 0 || got[0] == sorry {
		t.Errorf("an event after recovery got %q, want the help", got)
	}
}
