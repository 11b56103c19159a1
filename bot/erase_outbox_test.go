package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// TestEraseForgetsAWithdrawnShare: a share withdrawn before the erasure
// (its answer no longer points at it) is erased too: its words, and the
// withdrawal note that names the resident.
func TestEraseForgetsAWithdrawnShare(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.answer(robin, vals("2", "Called my sponsor", "", "no", "house"))
	h.flush()
	h.answer(robin, vals("2", "Called my sponsor", "", "no", "private"))
	h.flush()
	if n := outboxWith(t, h, "Called my sponsor"); n != 1 {
		t.Fatalf("outbox rows with the share's words before the erasure = %d, want 1", n)
	}
	if err := h.bot.EraseData(h.ctx, h.house, robin.ID, "cli"); err != nil {
		t.Fatal(err)
	}
	if n := outboxWith(t, h, "Called my sponsor"); n != 0 {
		t.Errorf("%d outbox row(s) still hold the withdrawn share's words", n)
	}
	if ids := outboxNaming(t, h, robin.Name); len(ids) != 0 {
		t.Errorf("outbox rows %v still name Robin", ids)
	}
}

// TestEraseWithdrawsAPendingCrisisAlert: erasure is the resident's choice,
// and it withdraws an alert not delivered yet: the mentors never get it,
// and it is never escalated. The alert stays only as a count.
func TestEraseWithdrawsAPendingCrisisAlert(t *testing.T) {
	h := newHarness(t, alwaysAlert)
	h.join(robin)
	h.clock.Set(at9(0))
	h.bot.Handle(h.ctx, h.ev.DM(robin, dangerLine)) // not flushed: the alert waits
	if err := h.bot.EraseData(h.ctx, h.house, robin.ID, "cli"); err != nil {
		t.Fatal(err)
	}
	h.flush()
	h.clock.Advance(time.Hour)
	if err := h.bot.Tick(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()
	for _, u := range []bot.User{mentor, owner} {
		if got := alertsTo(h, u.ID); len(got) != 0 {
			t.Errorf("%s got %s after Robin erased their data", u.Name, texts(got))
		}
	}
	var alerts int
	err := h.db.View(h.ctx, func(tx bot.Tx) error {
		as, err := tx.CrisisAlertsBetween(h.ctx, h.house.ID, at9(-1), at9(1))
		alerts = len(as)
		for _, a := range as {
			if a.UserID != bot.ErasedUser || strings.Contains(a.Name, "Robin") {
				t.Errorf("alert kept as %+v, want anonymous", a)
			}
		}
		return err
	})
	if err != nil || alerts != 1 {
		t.Errorf("alerts kept = %d, %v; want the one, as a count", alerts, err)
	}
}
