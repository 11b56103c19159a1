package bot_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage"
	"github.com/porchlight/porchlight/storage/storagetest"
)

// TestConcurrentAnswersCommitTogether submits many residents' check-in
// answers at once while the writer is busy, so that they queue and share
// one transaction (group commit), and checks that every answer is stored
// and that each reply came only after the answer was committed: the moment
// Handle returns, a read transaction, which sees only committed data,
// already finds it.
func TestConcurrentAnswersCommitTogether(t *testing.T) {
	const n = 20
	// The batch's time bound (50 ms) is not what this test is about, and
	// 20 answers under the race detector on a busy machine can pass it.
	h := newHarnessDB(t, storagetest.Open(t, storage.WithBatchHold(time.Hour)), time.Date(2026, 11, 16, 8, 0, 0, 0, chicago))
	var users []bot.User
	for i := range n {
		users = append(users, bot.User{ID: fmt.Sprintf("U-res%02d", i), Name: fmt.Sprintf("Resident %d", i)})
	}
	h.join(users...)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	var round int64
	members := map[string]int64{}
	view := func(fn func(bot.Tx) error) {
		t.Helper()
		if err := h.db.View(h.ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	view(func(tx bot.Tx) error {
		rs, err := tx.OpenRounds(h.ctx, h.house.ID)
		if err != nil || len(rs) != 1 {
			return fmt.Errorf("open rounds = %d, %v; want 1", len(rs), err)
		}
		round = rs[0].ID
		for _, u := range users {
			m, err := tx.MemberByUser(h.ctx, h.house.ID, u.ID)
			if err != nil {
				return err
			}
			members[u.ID] = m.ID
		}
		return nil
	})
	// Each resident opens the form, one after another.
	var submits []bot.Event
	for i, u := range users {
		resp := h.do(h.ev.Press(u, h.prompt().Choices[0].ID, ""))
		if resp.Form == nil {
			t.Fatalf("pressing Check in: got %q, want a form", text(resp))
		}
		submits = append(submits, h.ev.Submit(u, resp.Form.ID, vals("4", fmt.Sprintf("Cooked dinner %d", i), "", "no", "mentors")))
	}

	// A write in flight holds the writer while the answers arrive.
	running, release, held := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		held <- h.db.Update(h.ctx, func(bot.Tx) error {
			close(running)
			<-release
			return nil
		})
	}()
	<-running
	before := h.db.WriteStats()

	type outcome struct {
		user      string
		resp      bot.Response
		committed bool
		err       error
	}
	done := make(chan outcome, n)
	for _, ev := range submits {
		go func() {
			o := outcome{user: ev.User.ID, resp: h.bot.Handle(context.Background(), ev)}
			// The reply is out: the answer must be committed already.
			o.err = h.db.View(context.Background(), func(tx bot.Tx) error {
				_, err := tx.AnswerOf(context.Background(), round, members[ev.User.ID])
				o.committed = err == nil
				return nil
			})
			done <- o
		}()
	}
	deadline := time.Now().Add(30 * time.Second) // only against a hang
	for h.db.WriteStats().Queued < n {
		if time.Now().After(deadline) {
			t.Fatalf("queued = %d answers, want %d", h.db.WriteStats().Queued, n)
		}
		runtime.Gosched()
	}
	select {
	case o := <-done:
		t.Fatalf("%s got a reply while the writer was held: %q", o.user, text(o.resp))
	default:
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	for range n {
		o := <-done
		if o.err != nil || !o.committed {
			t.Errorf("%s: replied before the answer was committed (read: %v)", o.user, o.err)
		}
		if got := text(o.resp); !strings.Contains(got, "Thanks") {
			t.Errorf("%s: reply %q, want the saved answer's thanks", o.user, got)
		}
	}
	if got := h.db.WriteStats().Transactions - before.Transactions; got != 1 {
		t.Errorf("%d concurrent answers took %d write transactions, want 1", n, got)
	}
	view(func(tx bot.Tx) error {
		for i, u := range users {
			a, err := tx.AnswerOf(h.ctx, round, members[u.ID])
			if err != nil {
				return fmt.Errorf("%s: %w", u.ID, err)
			}
			if want := fmt.Sprintf("Cooked dinner %d", i); a.Values["win"] != want {
				t.Errorf("%s: win = %q, want %q", u.ID, a.Values["win"], want)
			}
		}
		return nil
	})
}
