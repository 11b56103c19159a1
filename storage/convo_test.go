package storage_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// convo is a DM check-in of userID in the fixture's house, started at at,
// two answers in.
func (f *fixture) convo(userID string, at time.Time) *bot.Conversation {
	return &bot.Conversation{
		Platform: "test", UserID: userID, HouseID: f.house, FormID: "checkin:7",
		Fields: []bot.Field{
			{ID: bot.QMood, Kind: bot.KindScale, Label: "How are you?", Min: 1, Max: 5, Required: true},
			{ID: "win", Kind: bot.KindText, Label: "A win?", MaxLen: 500},
			{ID: bot.QReachOut, Kind: bot.KindYesNo, Label: "Reach out?"},
		},
		Values:    map[string]string{bot.QMood: "3", "win": "words of " + userID},
		Next:      2,
		Concern:   bot.ConcernRelapse,
		StartedAt: at,
	}
}

func TestConversationRoundTrip(t *testing.T) {
	f := newFixture(t)
	want := f.convo("U-robin", t0)
	update(t, f.db, func(tx bot.Tx) error { return tx.SaveConversation(f.ctx, want) })
	view(t, f.db, func(tx bot.Tx) error {
		got, err := tx.Conversation(f.ctx, "test", "U-robin", t0.Add(-time.Hour))
		if err != nil {
			return err
		}
		if got.FormID != want.FormID || got.HouseID != f.house || got.Next != 2 || got.Paged || got.Concern != bot.ConcernRelapse ||
			!got.StartedAt.Equal(t0) || len(got.Fields) != 3 || got.Fields[0].Max != 5 || got.Fields[1].MaxLen != 500 ||
			got.Values["win"] != "words of U-robin" || got.Values[bot.QMood] != "3" {
			t.Errorf("got %+v, want %+v", got, want)
		}
		// Another user, or the same user on another platform, has none.
		for _, k := range [][2]string{{"test", "U-casey"}, {"other", "U-robin"}} {
			if _, err := tx.Conversation(f.ctx, k[0], k[1], t0.Add(-time.Hour)); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("conversation of %v: %v, want not found", k, err)
			}
		}
		return nil
	})
}

func TestConversationReplacedAndDropped(t *testing.T) {
	f := newFixture(t)
	update(t, f.db, func(tx bot.Tx) error { return tx.SaveConversation(f.ctx, f.convo("U-robin", t0)) })
	// A paged form replaces the conversation: one per user.
	paged := &bot.Conversation{Platform: "test", UserID: "U-robin", HouseID: f.house, FormID: "activity",
		Fields: []bot.Field{{ID: "title", Kind: bot.KindText, Label: "Title", MaxLen: 80}}, Paged: true, Limit: 5, StartedAt: t0.Add(time.Minute)}
	update(t, f.db, func(tx bot.Tx) error { return tx.SaveConversation(f.ctx, paged) })
	view(t, f.db, func(tx bot.Tx) error {
		got, err := tx.Conversation(f.ctx, "test", "U-robin", t0)
		if err != nil {
			return err
		}
		if got.FormID != "activity" || !got.Paged || got.Limit != 5 || got.Next != 0 || got.Concern != bot.ConcernNone || len(got.Values) != 0 || got.Values == nil {
			t.Errorf("after replace = %+v", got)
		}
		return nil
	})
	update(t, f.db, func(tx bot.Tx) error { return tx.DropConversation(f.ctx, "test", "U-robin") })
	// Dropping what is not there is no error.
	update(t, f.db, func(tx bot.Tx) error { return tx.DropConversation(f.ctx, "test", "U-robin") })
	view(t, f.db, func(tx bot.Tx) error {
		if _, err := tx.Conversation(f.ctx, "test", "U-robin", t0); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("after drop: %v, want not found", err)
		}
		return nil
	})
}

func TestConversationRolledBackKeepsPrevious(t *testing.T) {
	f := newFixture(t)
	update(t, f.db, func(tx bot.Tx) error { return tx.SaveConversation(f.ctx, f.convo("U-robin", t0)) })
	boom := errors.New("boom")
	err := f.db.Update(f.ctx, func(tx bot.Tx) error {
		c := f.convo("U-robin", t0)
		c.Next, c.Values[bot.QReachOut] = 3, "yes"
		if err := tx.SaveConversation(f.ctx, c); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("update = %v", err)
	}
	view(t, f.db, func(tx bot.Tx) error {
		got, err := tx.Conversation(f.ctx, "test", "U-robin", t0)
		if err != nil {
			return err
		}
		if got.Next != 2 || got.Values[bot.QReachOut] != "" {
			t.Errorf("after rollback = %+v, want the previous step", got)
		}
		return nil
	})
}

func TestExpiredConversationIgnoredAndPrunedInChunks(t *testing.T) {
	f := newFixture(t)
	update(t, f.db, func(tx bot.Tx) error {
		for i := range 5 {
			if err := tx.SaveConversation(f.ctx, f.convo(fmt.Sprintf("U-old%d", i), t0.Add(time.Duration(i)*time.Minute))); err != nil {
				return err
			}
		}
		return tx.SaveConversation(f.ctx, f.convo("U-new", t0.Add(3*time.Hour)))
	})
	since := t0.Add(time.Hour)
	view(t, f.db, func(tx bot.Tx) error {
		if _, err := tx.Conversation(f.ctx, "test", "U-old0", since); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("expired conversation: %v, want not found", err)
		}
		// Started exactly at since is still current.
		if _, err := tx.Conversation(f.ctx, "test", "U-new", t0.Add(3*time.Hour)); err != nil {
			t.Errorf("current conversation: %v", err)
		}
		return nil
	})
	var got []int
	for {
		var n int
		update(t, f.db, func(tx bot.Tx) (err error) {
			n, err = tx.PruneConversations(f.ctx, since, 2)
			return err
		})
		got = append(got, n)
		if n < 2 {
			break
		}
	}
	if fmt.Sprint(got) != "[2 2 1]" {
		t.Errorf("pruned per chunk = %v, want [2 2 1]", got)
	}
	view(t, f.db, func(tx bot.Tx) error {
		if _, err := tx.Conversation(f.ctx, "test", "U-new", t0); err != nil {
			t.Errorf("the current conversation was pruned: %v", err)
		}
		return nil
	})
}

func TestConversationExportedAndErased(t *testing.T) {
	f := newFixture(t)
	robin := f.member(t, "U-robin", "Robin")
	f.member(t, "U-casey", "Casey")
	update(t, f.db, func(tx bot.Tx) error {
		if err := tx.SaveConversation(f.ctx, f.convo("U-robin", t0)); err != nil {
			return err
		}
		return tx.SaveConversation(f.ctx, f.convo("U-casey", t0))
	})
	var d *bot.MemberData
	view(t, f.db, func(tx bot.Tx) (err error) {
		d, err = tx.ExportMember(f.ctx, robin.ID)
		return err
	})
	if p := d.FormInProgress; p == nil || p.Form != "checkin:7" || !p.StartedAt.Equal(t0) || p.Values["win"] != "words of U-robin" {
		t.Fatalf("export's form in progress = %+v", d.FormInProgress)
	}
	update(t, f.db, func(tx bot.Tx) error { return tx.EraseMember(f.ctx, robin.ID) })
	view(t, f.db, func(tx bot.Tx) error {
		if _, err := tx.Conversation(f.ctx, "test", "U-robin", t0); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("Robin's form in progress after erase: %v, want not found", err)
		}
		if _, err := tx.Conversation(f.ctx, "test", "U-casey", t0); err != nil {
			t.Errorf("Casey's form in progress after Robin's erase: %v", err)
		}
		return nil
	})
}
