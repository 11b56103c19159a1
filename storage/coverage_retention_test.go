package storage_test

import (
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// redactAll does what the daily retention job does with the store: take
// the answers to redact in chunks of batch, drop their free text, mark
// them redacted, until a chunk comes back short. It returns the answer ids
// of each chunk.
func redactAll(t *testing.T, f *fixture, house int64, before, now time.Time, batch int) [][]int64 {
	t.Helper()
	var chunks [][]int64
	for {
		var ids []int64
		update(t, f.db, func(tx bot.Tx) error {
			as, err := tx.AnswersToRedact(f.ctx, house, before, batch)
			if err != nil {
				return err
			}
			for _, a := range as {
				ids = append(ids, a.ID)
				delete(a.Values, "win") // the free-text field
				a.Redacted, a.UpdatedAt = true, now
				if err := tx.SaveAnswer(f.ctx, a); err != nil {
					return err
				}
			}
			return nil
		})
		if len(ids) > batch {
			t.Fatalf("a chunk of %d answers, more than the limit %d", len(ids), batch)
		}
		chunks = append(chunks, ids)
		if len(ids) < batch {
			return chunks
		}
	}
}

func TestRetentionRedactsOldFreeTextInChunksAndKeepsCounts(t *testing.T) {
	f := newFixture(t)
	robin, casey := f.member(t, "U-robin", "Robin"), f.member(t, "U-casey", "Casey")
	day := 24 * time.Hour
	var old []int64
	for i := range 3 {
		r := f.round(t, t0.Add(time.Duration(i)*day))
		for _, m := range []*bot.Member{robin, casey} {
			a := f.answer(t, r, m, bot.VisMentors, r.ScheduledFor.Add(time.Duration(m.ID)*time.Minute))
			a.Values["feeling"] = "4"
			a.ReachOut = m == casey
			update(t, f.db, func(tx bot.Tx) error { return tx.SaveAnswer(f.ctx, a) })
			old = append(old, a.ID)
		}
	}
	before := t0.Add(3 * day)
	// An answer given exactly at the cut-off is inside the period: kept.
	edge := f.answer(t, f.round(t, before), robin, bot.VisHouse, before)
	// Another house's old answers are that house's business.
	var oak int64
	var oakAnswer *bot.Answer
	update(t, f.db, func(tx bot.Tx) error {
		var err error
		if oak, err = tx.SyncHouse(f.ctx, &bot.House{Name: "Oak House", Platform: "test"}, t0); err != nil {
			return err
		}
		m := &bot.Member{HouseID: oak, Platform: "test", UserID: "U-oak", Status: bot.MemberActive, JoinedAt: t0}
		if err := tx.SaveMember(f.ctx, m); err != nil {
			return err
		}
		r := &bot.Round{HouseID: oak, ScheduledFor: t0, Status: bot.RoundClosed}
		if err := tx.CreateRound(f.ctx, r); err != nil {
			return err
		}
		oakAnswer = &bot.Answer{RoundID: r.ID, MemberID: m.ID, Mood: 1, Visibility: bot.VisPrivate, Values: map[string]string{"win": "oak words"}, AnsweredAt: t0, UpdatedAt: t0}
		return tx.SaveAnswer(f.ctx, oakAnswer)
	})

	type counts struct {
		agg      bot.AnswerAggregate
		reachOut map[int64]int
	}
	read := func() counts {
		var c counts
		view(t, f.db, func(tx bot.Tx) (err error) {
			if c.agg, err = tx.AggregateAnswers(f.ctx, f.house, t0, before.Add(day), bot.Viewer{Role: bot.RoleOperator}); err != nil {
				return err
			}
			c.reachOut, err = tx.ReachOutRequests(f.ctx, f.house, t0, before.Add(day))
			return err
		})
		return c
	}
	countsBefore := read()

	chunks := redactAll(t, f, f.house, before, before.Add(time.Hour), 4)
	if got, want := len(chunks), 2; got != want {
		t.Fatalf("chunks = %v, want %d (4 then 2)", chunks, want)
	}
	if got := slices.Concat(chunks...); !slices.Equal(got, old) {
		t.Errorf("redacted in the order %v, want oldest first %v", got, old)
	}
	// A second pass finds nothing: redacted answers are not listed again.
	if again := redactAll(t, f, f.house, before, before.Add(2*time.Hour), 4); len(again) != 1 || len(again[0]) != 0 {
		t.Errorf("second pass = %v, want one empty chunk", again)
	}

	view(t, f.db, func(tx bot.Tx) error {
		hist, err := tx.MemberHistory(f.ctx, casey.ID, 0)
		if err != nil {
			return err
		}
		for _, a := range hist {
			if !a.Redacted || a.Values["win"] != "" || a.Values["feeling"] != "4" || a.Mood != 3 || !a.ReachOut {
				t.Errorf("redacted answer = %+v, want no free text, mood, choices and reach-out kept", a)
			}
		}
		got, err := tx.AnswerOf(f.ctx, edge.RoundID, robin.ID)
		if err != nil {
			return err
		}
		if got.Redacted || got.Values["win"] == "" {
			t.Errorf("answer at the cut-off = %+v, want it untouched", got)
		}
		got, err = tx.AnswerOf(f.ctx, oakAnswer.RoundID, oakAnswer.MemberID)
		if err != nil {
			return err
		}
		if got.Redacted || !maps.Equal(got.Values, oakAnswer.Values) {
			t.Errorf("Oak House answer = %+v, want it untouched", got)
		}
		return nil
	})
	countsAfter := read()
	if countsAfter.agg != countsBefore.agg || !maps.Equal(countsAfter.reachOut, countsBefore.reachOut) {
		t.Errorf("counts after redaction = %+v, want %+v", countsAfter, countsBefore)
	}
	if want := (bot.AnswerAggregate{Answers: 7, MoodSum: 21, MoodCount: 7, MoodResidents: 2, Answered: 7, Expected: 7}); countsBefore.agg != want {
		t.Errorf("aggregate = %+v, want %+v", countsBefore.agg, want)
	}
	if want := map[int64]int{casey.ID: 3}; !maps.Equal(countsBefore.reachOut, want) {
		t.Errorf("reach-out requests = %v, want %v", countsBefore.reachOut, want)
	}
}

func TestPruneOutboxDeletesSettledMessagesOlderThanThePeriod(t *testing.T) {
	f := newFixture(t)
	ob := f.db.Outbox()
	before := t0.Add(30 * 24 * time.Hour)
	at := func(m *bot.OutboxMessage, created time.Time) *bot.OutboxMessage {
		m.CreatedAt, m.NextAt = created, created
		return m
	}
	prompt, oldSent, oldFailed, oldPending, newSent := at(f.post("prompt"), t0), at(f.post("old sent"), t0), at(f.post("old failed"), t0),
		at(f.post("old pending"), before.Add(-time.Second)), at(f.post("new sent"), before)
	oldSent.Key = "share:1"
	ids := f.enqueue(t, prompt, oldSent, oldFailed, oldPending, newSent)
	reply := at(f.postIn("C-thread", "late reply"), before)
	reply.ThreadOf = ids[0]
	replyID := f.enqueue(t, reply)[0]
	for _, id := range []int64{ids[0], ids[1], ids[4]} {
		if err := ob.MarkSent(f.ctx, id, bot.MessageRef{Channel: "C-house", ID: "m"}, t0); err != nil {
			t.Fatal(err)
		}
	}
	if err := ob.MarkFailed(f.ctx, ids[2], "404"); err != nil {
		t.Fatal(err)
	}
	// The round and the answer that point at the old prompt and share.
	robin := f.member(t, "U-robin", "Robin")
	r := f.round(t, t0)
	r.Prompt = ids[0]
	a := f.answer(t, r, robin, bot.VisHouse, t0)
	a.Share = ids[1]
	update(t, f.db, func(tx bot.Tx) error { return errors.Join(tx.UpdateRound(f.ctx, r), tx.SaveAnswer(f.ctx, a)) })
	// Another house's old delivered message.
	var oakMsg int64
	update(t, f.db, func(tx bot.Tx) error {
		oak, err := tx.SyncHouse(f.ctx, &bot.House{Name: "Oak House", Platform: "test"}, t0)
		if err != nil {
			return err
		}
		m := f.post("oak")
		m.HouseID = oak
		oakMsg, err = tx.Enqueue(f.ctx, m)
		return err
	})
	if err := ob.MarkSent(f.ctx, oakMsg, bot.MessageRef{ID: "o"}, t0); err != nil {
		t.Fatal(err)
	}

	// In batches of two: the prompt, old sent and old failed go, and no
	// batch deletes more than its limit.
	var got []int
	for range 3 {
		update(t, f.db, func(tx bot.Tx) error {
			n, err := tx.PruneOutbox(f.ctx, f.house, before, 2)
			got = append(got, n)
			return err
		})
	}
	if want := []int{2, 1, 0}; !slices.Equal(got, want) {
		t.Errorf("PruneOutbox batches = %v, want %v (prompt, old sent, old failed, two at a time)", got, want)
	}
	for i, wantKept := range []bool{false, false, false, true, true} {
		_, err := f.db.OutboxMessage(f.ctx, ids[i])
		if kept := err == nil; kept != wantKept {
			t.Errorf("message %d kept = %v (%v), want %v", i, kept, err, wantKept)
		}
	}
	if _, err := f.db.OutboxMessage(f.ctx, oakMsg); err != nil {
		t.Errorf("Oak House message: %v, want it kept", err)
	}
	view(t, f.db, func(tx bot.Tx) error {
		gotRound, err := tx.RoundByID(f.ctx, r.ID)
		if err != nil {
			return err
		}
		gotAnswer, err := tx.AnswerOf(f.ctx, r.ID, robin.ID)
		if err != nil {
			return err
		}
		if gotRound.Prompt != 0 || gotAnswer.Share != 0 {
			t.Errorf("round prompt, answer share = %d, %d; want both cleared", gotRound.Prompt, gotAnswer.Share)
		}
		return nil
	})
	// A reply still waiting goes out, as a plain post.
	due := f.due(t, before)
	if len(due) != 2 || due[1].ID != replyID || due[1].ThreadOf != 0 || !due[1].Out.Thread.IsZero() {
		t.Errorf("due after prune = %+v, want the old pending message and the reply, unthreaded", due)
	}
	// A pruned message's dedupe key is free again.
	again := f.post("again")
	again.Key = "share:1"
	f.enqueue(t, again)
}
