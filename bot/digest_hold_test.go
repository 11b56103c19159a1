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

// renderWatch counts the digest texts and charts rendered, and those
// rendered while a write transaction was open.
type renderWatch struct {
	texts, charts, inside atomic.Int32
}

// seededWatched is seededWeek with its store watched for open write
// transactions, and its renderers counted.
func seededWatched(t *testing.T) (*harness, *renderWatch) {
	t.Helper()
	watch := &writeWatch{}
	rw := &renderWatch{}
	h := seededWeek(t, func(cfg *bot.Config) {
		watch.Store = cfg.Store
		cfg.Store = watch
		text := cfg.DigestText
		cfg.DigestText = func(d *bot.Digest) string {
			rw.texts.Add(1)
			if watch.writing.Load() {
				rw.inside.Add(1)
			}
			return text(d)
		}
		cfg.Chart = func(bot.Lang, string, []bot.DigestWeek) ([]byte, error) {
			rw.charts.Add(1)
			if watch.writing.Load() {
				rw.inside.Add(1)
			}
			return []byte("\x89PNG fake"), nil
		}
	})
	return h, rw
}

// TestDigestJobRendersOutsideWriteTransactions runs the weekly digest job
// and checks that its text and chart were rendered while no write
// transaction was open: the writer waits for nobody's PNG.
func TestDigestJobRendersOutsideWriteTransactions(t *testing.T) {
	h, rw := seededWatched(t)
	texts, charts, inside := &rw.texts, &rw.charts, &rw.inside
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

// TestCommandsRenderOutsideWriteTransactions: /digest and /history read
// in a read transaction and render their text and chart before their
// write transaction, which only records the read and queues the message.
func TestCommandsRenderOutsideWriteTransactions(t *testing.T) {
	h, rw := seededWatched(t)
	texts, charts, inside := &rw.texts, &rw.charts, &rw.inside
	h.ad.Reset()
	if got := text(h.do(h.ev.Command(owner, "digest", ""))); !strings.Contains(got, "2026-W47") {
		t.Fatalf("/digest = %q", got)
	}
	if got := text(h.do(h.ev.Command(mentor, "history", "<@"+robin.ID+"> 2"))); !strings.Contains(got, "by direct message") {
		t.Fatalf("/history = %q", got)
	}
	h.flush()
	if texts.Load() != 1 || charts.Load() != 2 {
		t.Fatalf("rendered %d digest texts and %d charts, want 1 and 2 (each once)", texts.Load(), charts.Load())
	}
	if got := inside.Load(); got != 0 {
		t.Errorf("%d renderings ran inside a write transaction, want none", got)
	}
	if dms := h.ad.To(owner.ID); len(dms) != 1 || dms[0].Message.Attachment == nil || !strings.Contains(dms[0].Message.Text, "2026-W47") {
		t.Errorf("operator's DMs = %d, want the W47 digest with its chart", len(dms))
	}
	if dms := h.ad.To(mentor.ID); len(dms) != 1 || dms[0].Message.Attachment == nil || !strings.Contains(dms[0].Message.Text, "Robin") {
		t.Errorf("mentor's DMs = %d, want Robin's history with its chart", len(dms))
	}
}
