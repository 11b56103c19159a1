package bot_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage"
)

// dmStep is one line of a DM check-in and what its reply should hold.
type dmStep struct{ say, want string }

// say plays u's DM lines and checks each reply.
func (h *harness) say(u bot.User, steps ...dmStep) {
	h.t.Helper()
	for _, s := range steps {
		if got := text(h.do(h.ev.DM(u, s.say))); !strings.Contains(got, s.want) {
			h.t.Fatalf("say %q: got %q, want %q", s.say, got, s.want)
		}
	}
}

// restart builds a new core on the harness's database, as a new process
// would: nothing of the old core's memory survives. It keeps the event
// numbering, since the database remembers the delivery ids it saw.
func (h *harness) restart() *harness {
	h.t.Helper()
	h2 := newHarnessDB(h.t, h.db, h.clock.Now())
	h2.ev = h.ev
	return h2
}

// storedConvo returns u's stored form in progress, expired or not.
func (h *harness) storedConvo(u bot.User) (*bot.Conversation, error) {
	var c *bot.Conversation
	err := h.db.View(h.ctx, func(tx bot.Tx) (err error) {
		c, err = tx.Conversation(h.ctx, "test", u.ID, time.Time{})
		return err
	})
	return c, err
}

func TestConversationResumesAfterRestart(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.say(robin, dmStep{"hi", "(1/5)"}, dmStep{"3", "(2/5)"}, dmStep{"Made my bed", "(3/5)"})

	h2 := h.restart()
	h2.clock.Advance(10 * time.Minute)
	h2.say(robin, dmStep{"Sleep", "(4/5)"}, dmStep{"no", "(5/5)"}, dmStep{"private", "checked in"})

	m, err := memberOf(h2, robin)
	if err != nil {
		t.Fatal(err)
	}
	err = h2.db.View(h2.ctx, func(tx bot.Tx) error {
		hist, err := tx.MemberHistory(h2.ctx, m.ID, 10)
		if err != nil {
			return err
		}
		if len(hist) != 1 || hist[0].Mood != 3 || hist[0].Values["win"] != "Made my bed" || hist[0].Values["hard"] != "Sleep" || hist[0].Visibility != bot.VisPrivate {
			t.Errorf("answers = %+v, want the whole conversation's", hist)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h2.storedConvo(robin); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("form in progress after the submit: %v, want none", err)
	}
}

func TestPagedFormResumesAfterRestart(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.ev.FormLimit = 3
	resp := h.do(h.ev.Press(robin, h.prompt().Choices[0].ID, ""))
	if resp.Form == nil || len(resp.Form.Fields) != 3 {
		t.Fatalf("first page = %+v", resp.Form)
	}
	h.do(h.ev.Submit(robin, resp.Form.ID, map[string]string{"mood": "4", "win": "", "hard": ""}))

	h2 := h.restart()
	resp = h2.do(h2.ev.Press(robin, "form:continue", ""))
	if resp.Form == nil || len(resp.Form.Fields) != 2 {
		t.Fatalf("second page after a restart = %+v", resp)
	}
	resp = h2.do(h2.ev.Submit(robin, resp.Form.ID, map[string]string{"reach_out": "no", "visibility": "private"}))
	if !strings.Contains(text(resp), "4 – good") {
		t.Errorf("ack = %q, want the first page's mood kept", text(resp))
	}
}

// flakyStore fails the commit of the next Update when failNext is set, after
// the step ran: everything the step wrote is rolled back.
type flakyStore struct {
	*storage.DB
	failNext atomic.Bool
}

func (s *flakyStore) Update(ctx context.Context, fn func(bot.Tx) error) error {
	return s.DB.Update(ctx, func(tx bot.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if s.failNext.CompareAndSwap(true, false) {
			return errors.New("disk I/O error")
		}
		return nil
	})
}

func TestRolledBackStepKeepsPreviousState(t *testing.T) {
	h := newHarness(t)
	flaky := &flakyStore{DB: h.db}
	b, err := bot.New(bot.Config{Store: flaky, Clock: h.clock, Houses: []*bot.House{h.house}, Schedules: dailyAt9{}, Screener: sharedScreener(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Start(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.bot = b
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.say(robin, dmStep{"hi", "(1/5)"}, dmStep{"3", "(2/5)"}, dmStep{"Made my bed", "(3/5)"})

	// A line of danger whose step fails: the crisis reply, the move to the
	// next question and the concern it raised are all rolled back.
	flaky.failNext.Store(true)
	if got := text(h.do(h.ev.DM(robin, dangerLine))); !strings.Contains(got, "went wrong") || strings.Contains(got, "(4/5)") {
		t.Fatalf("failed step = %q, want an apology and no next question", got)
	}
	c, err := h.storedConvo(robin)
	if err != nil {
		t.Fatal(err)
	}
	if c.Next != 2 || c.Values["hard"] != "" || c.Concern != bot.ConcernNone {
		t.Fatalf("after the rollback: next %d, hard %q, concern %v; want the previous step", c.Next, c.Values["hard"], c.Concern)
	}
	// Said again, the same line answers the same question, and the crisis
	// reply, which never went out, comes now.
	got := text(h.do(h.ev.DM(robin, dangerLine)))
	if !strings.Contains(got, "(4/5)") || !strings.Contains(got, "reach out?") {
		t.Fatalf("retried step = %q, want the crisis reply and the next question", got)
	}
	h.say(robin, dmStep{"no", "(5/5)"})

	// The last step failing keeps the conversation at the last question.
	flaky.failNext.Store(true)
	if got := text(h.do(h.ev.DM(robin, "private"))); !strings.Contains(got, "went wrong") {
		t.Fatalf("failed submit = %q, want an apology", got)
	}
	if c, err := h.storedConvo(robin); err != nil || c.Next != 4 {
		t.Fatalf("after the failed submit = %+v, %v; want the last question waiting", c, err)
	}
	h.say(robin, dmStep{"private", "checked in"})
}

func TestRefusedLastAnswerEndsConversation(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	// The round closes at 13:00; the conversation starts just before.
	h.clock.Set(at9(0).Add(3*time.Hour + 50*time.Minute))
	h.say(robin, dmStep{"hi", "(1/5)"}, dmStep{"3", "(2/5)"}, dmStep{"skip", "(3/5)"}, dmStep{"skip", "(4/5)"}, dmStep{"no", "(5/5)"})
	h.clock.Advance(15 * time.Minute)
	h.say(robin, dmStep{"private", "has closed"})
	// The same answer would only be refused again: the resident is not
	// kept at the last question.
	if _, err := h.storedConvo(robin); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("form in progress after a refused submit: %v, want none", err)
	}
	if got := text(h.do(h.ev.DM(robin, "private"))); strings.Contains(got, "closed") {
		t.Errorf("the next DM = %q, want it read as a new message", got)
	}
}

func TestExpiredConversationIgnoredThenPruned(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.say(robin, dmStep{"hi", "(1/5)"}, dmStep{"3", "(2/5)"})

	// Past its time to live the conversation is not resumed: the DM
	// starts the check-in again.
	h.clock.Advance(2*time.Hour + time.Minute)
	h.say(robin, dmStep{"hello again", "(1/5)"})
	if c, err := h.storedConvo(robin); err != nil || c.Next != 0 || c.Values[bot.QMood] != "" {
		t.Fatalf("the new conversation = %+v, %v; want a fresh one", c, err)
	}

	// Left unfinished, the tick deletes it once expired.
	h.clock.Advance(2*time.Hour + time.Minute)
	if err := h.bot.Tick(h.ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := h.storedConvo(robin); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("expired form in progress after the tick: %v, want pruned", err)
	}
}

func TestEraseRemovesConversation(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.say(robin, dmStep{"hi", "(1/5)"}, dmStep{"3", "(2/5)"}, dmStep{"Made my bed", "(3/5)"})
	resp := h.do(h.ev.Command(robin, "mydata", "erase"))
	if len(resp.Messages) != 1 || len(resp.Messages[0].Choices) != 2 {
		t.Fatalf("erase = %+v, want a confirmation", resp)
	}
	if got := text(h.do(h.ev.Press(robin, resp.Messages[0].Choices[0].ID, ""))); !strings.Contains(got, "erased") {
		t.Fatalf("confirm = %q", got)
	}
	if _, err := h.storedConvo(robin); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("form in progress after erase: %v, want none", err)
	}
}

// TestFixMyAnswersIsKeptAcrossRestart: on a platform that shows forms as
// buttons, a refused submit's "fix" form, with what was typed, is kept in
// the store; its button opens it for the resident who typed it, after a
// restart too, and for nobody else. Export lists it, erasure and its time
// to live delete it.
func TestFixMyAnswersIsKeptAcrossRestart(t *testing.T) {
	h := newHarness(t)
	h.ev.FormButtons = true
	h.join(robin, casey)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	resp := h.answer(robin, vals("9", "Fixed the porch light", "", "no", "private"))
	if len(resp.FieldErrors) == 0 || resp.Reopen == nil || !strings.HasPrefix(resp.ReopenAction, "form:draft:") {
		t.Fatalf("refused submit = %+v, want field errors and a kept form to fix", resp)
	}
	fix := resp.ReopenAction

	h2 := h.restart()
	h2.ev.FormButtons = true
	h2.clock.Advance(5 * time.Minute)
	got := h2.do(h2.ev.Press(robin, fix, ""))
	if got.Form == nil || got.Form.ID != resp.Reopen.ID || got.Form.Values()["win"] != "Fixed the porch light" || got.Form.Values()[bot.QMood] != "9" {
		t.Fatalf("fix press = %+v, want the form as typed", got)
	}
	if got.FormAction != fix {
		t.Errorf("FormAction = %q, want the same kept form %q", got.FormAction, fix)
	}
	if other := text(h2.do(h2.ev.Press(casey, fix, ""))); !strings.Contains(other, "expired") {
		t.Errorf("another resident's press = %q, want it treated as expired", other)
	}
	for _, bad := range []string{"form:draft:x", "form:draft:0", "form:draft:999"} {
		if got := h2.do(h2.ev.Press(robin, bad, "")); got.Form != nil || text(got) == "" {
			t.Errorf("press %q = %+v, want a refusal", bad, got)
		}
	}

	m, err := memberOf(h2, robin)
	if err != nil {
		t.Fatal(err)
	}
	var data *bot.MemberData
	err = h2.db.View(h2.ctx, func(tx bot.Tx) (err error) {
		data, err = tx.ExportMember(h2.ctx, m.ID)
		return err
	})
	// Two kept forms: the one the Check in button opened, and the one to
	// fix.
	if err != nil || len(data.FormsKept) != 2 || data.FormsKept[1].Values["win"] != "Fixed the porch light" {
		t.Fatalf("export = %+v, %v; want the kept forms", data, err)
	}

	// The answer submitted through the reopened form is saved as usual.
	if done := h2.do(h2.ev.Submit(robin, got.Form.ID, vals("4", "Fixed the porch light", "", "no", "private"))); !strings.Contains(text(done), "checked in") {
		t.Fatalf("submit after fixing = %q", text(done))
	}

	// Past the time to live the button has expired and the tick deletes
	// the form.
	h2.clock.Advance(2*time.Hour + time.Minute)
	if late := text(h2.do(h2.ev.Press(robin, fix, ""))); !strings.Contains(late, "expired") {
		t.Errorf("press after two hours = %q, want expired", late)
	}
	if err := h2.bot.Tick(h2.ctx); err != nil {
		t.Fatal(err)
	}
	if n := keptForms(t, h2); n != 0 {
		t.Errorf("kept forms after the tick = %d, want 0", n)
	}
}

// keptForms counts the forms kept for buttons, expired or not.
func keptForms(t *testing.T, h *harness) int {
	t.Helper()
	n := 0
	for id := int64(1); id < 50; id++ {
		err := h.db.View(h.ctx, func(tx bot.Tx) error {
			_, err := tx.FormDraft(h.ctx, id, time.Time{})
			return err
		})
		if err == nil {
			n++
		} else if !errors.Is(err, bot.ErrNotFound) {
			t.Fatal(err)
		}
	}
	return n
}

func TestKeptFormsErasedAndNotKeptWithoutButtons(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	// The test platform opens forms at once: nothing is kept.
	if resp := h.answer(robin, vals("9", "A win", "", "no", "private")); resp.ReopenAction != "" || resp.FormAction != "" || keptForms(t, h) != 0 {
		t.Fatalf("refused submit without FormButtons = %+v, want nothing kept", resp)
	}
	h.ev.FormButtons = true
	if resp := h.answer(robin, vals("9", "A win", "", "no", "private")); resp.ReopenAction == "" {
		t.Fatalf("refused submit = %+v, want a kept form", resp)
	}
	// Pressing Check in kept the form it opened, and the refusal the form
	// to fix.
	if n := keptForms(t, h); n != 2 {
		t.Fatalf("kept forms = %d, want 2", n)
	}
	resp := h.do(h.ev.Command(robin, "mydata", "erase"))
	if got := text(h.do(h.ev.Press(robin, resp.Messages[0].Choices[0].ID, ""))); !strings.Contains(got, "erased") {
		t.Fatalf("confirm = %q", got)
	}
	if n := keptForms(t, h); n != 0 {
		t.Errorf("kept forms after erase = %d, want 0", n)
	}
}
