package bot_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/render"
	"github.com/porchlight/porchlight/storage"
	"github.com/porchlight/porchlight/storage/storagetest"
)

// countingStore is a store that counts its write transactions.
type countingStore struct {
	*storage.DB
	updates atomic.Int64
}

func (s *countingStore) Update(ctx context.Context, fn func(bot.Tx) error) error {
	s.updates.Add(1)
	return s.DB.Update(ctx, fn)
}

// TestQuietTickOnlyReads checks that the 30-second tick, with work pending
// in two houses but none of it due (an open round before its nudge, an
// alert younger than escalate_after, an activity before its reminder,
// fresh deliveries and forms), opens no write transaction and does not
// wake the sender; and that once an escalation is due, the tick writes
// that and wakes the sender once.
func TestQuietTickOnlyReads(t *testing.T) {
	houses := func() []*bot.House {
		second := testHouse()
		second.Name, second.Channel = "Birch House", "C-birch"
		return []*bot.House{testHouse(), second}
	}
	db := storagetest.Open(t)
	h := newHarnessHouses(t, db, time.Date(2026, 11, 16, 8, 0, 0, 0, chicago), houses()...)
	h.join(robin)
	addActivity(t, h, map[string]string{"when": "2026-11-16 20:00"})
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	crisisAlert(t, h)

	// A second core on the same database, counting what its ticks do.
	store := &countingStore{DB: db}
	quiet, err := bot.New(bot.Config{Store: store, Clock: h.clock, Houses: houses(), Schedules: dailyAt9{}, Screener: sharedScreener(t), DigestText: render.DigestText})
	if err != nil {
		t.Fatal(err)
	}
	if err := quiet.Start(h.ctx); err != nil {
		t.Fatal(err)
	}
	var wakes atomic.Int64
	quiet.OnCommit(func() { wakes.Add(1) })
	tick := func(at time.Time) (writes, woke int64) {
		t.Helper()
		w0, k0 := store.updates.Load(), wakes.Load()
		h.clock.Set(at)
		if err := quiet.Tick(h.ctx); err != nil {
			t.Fatal(err)
		}
		return store.updates.Load() - w0, wakes.Load() - k0
	}

	if writes, woke := tick(at9(0).Add(10 * time.Minute)); writes != 0 || woke != 0 {
		t.Errorf("quiet tick: %d write transactions, %d wake-ups; want 0 and 0", writes, woke)
	}
	if writes, woke := tick(at9(0).Add(15 * time.Minute)); writes != 1 || woke != 1 {
		t.Errorf("tick with an escalation due: %d write transactions, %d wake-ups; want 1 and 1", writes, woke)
	}
	if writes, woke := tick(at9(0).Add(16 * time.Minute)); writes != 0 || woke != 0 {
		t.Errorf("tick after the escalation: %d write transactions, %d wake-ups; want 0 and 0", writes, woke)
	}
	h.flush()
	if got := h.ad.To(owner.ID); len(got) != 1 {
		t.Errorf("operator escalations = %d, want 1", len(got))
	}
}
