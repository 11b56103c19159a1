package bot_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// writeWatch is a store that knows whether a write transaction is open.
type writeWatch struct {
	bot.Store
	writing atomic.Bool
}

func (w *writeWatch) Update(ctx context.Context, fn func(bot.Tx) error) error {
	return w.Store.Update(ctx, func(tx bot.Tx) error {
		w.writing.Store(true)
		defer w.writing.Store(false)
		return fn(tx)
	})
}

// TestDigestJobRendersOutsideWriteTransactions runs the weekly digest job
// and checks that its text and chart were rendered while no write
// transaction was open: the writer waits for nobody's PNG.
func TestDigestJobRendersOutsideWriteTransactions(t *testing.T) {
	watch := &writeWatch{}
	var texts, charts, inside atomic.Int32
	h := seededWeek(t, func(cfg *bot.Config) {
		watch.Store = cfg.Store
		cfg.Store = watch
		text := cfg.DigestText
		cfg.DigestText = func(d *bot.Digest) string {
			texts.Add(1)
			if watch.writing.Load() {
				inside.Add(1)
			}
			return text(d)
		}
		cfg.Chart = func(bot.Lang, string, []bot.DigestWeek) ([]byte, error) {
			charts.Add(1)
			if watch.writing.Load() {
				inside.Add(1)
			}
			return []byte("\x89PNG fake"), nil
		}
	})
	sunday := time.Date(2026, 11, 22, 18, 0, 0, 0, chicago)
	h.clock.Set(sunday.Add(15 * time.Hour))
	if err := h.bot.RunJob(h.ctx, bot.JobDigest, h.house, sunday.Add(15*time.Hour)); err != nil {
		t.Fatal(err)
	}
	h.flush()
	if texts.Load() == 0 || charts.Load() == 0 {
		t.Fatalf("rendered %d texts and %d charts, want some of each", texts.Load(), charts.Load())
	}
	if got := inside.Load(); got != 0 {
		t.Errorf("%d renderings ran inside a write transaction, want none", got)
	}
	dms := h.ad.To(owner.ID)
	if len(dms) == 0 || !strings.Contains(dms[len(dms)-1].Message.Text, "2026-W47") || dms[len(dms)-1].Message.Attachment == nil {
		t.Fatalf("operator's DMs = %d, want the W47 digest with its chart last", len(dms))
	}
	// A second run of the same occurrence reads and renders nothing.
	before := texts.Load()
	if err := h.bot.RunJob(h.ctx, bot.JobDigest, h.house, sunday.Add(15*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if texts.Load() != before {
		t.Errorf("a repeated run rendered again")
	}
}
