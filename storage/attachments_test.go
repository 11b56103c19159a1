package storage

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// chart is an attachment as a digest carries one: bytes, a name and a
// type.
func chart() *bot.Attachment {
	return &bot.Attachment{Name: "digest-2026-W48.png", ContentType: "image/png", Data: bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 2000)}
}

// attachmentDB is a new database with a house, and a function that
// enqueues a message with a chart and a text that looks like the
// payload's own keys (a quote in a text must not count as data).
func attachmentDB(t *testing.T) (*DB, int64, func(house int64) int64) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var house int64
	err = db.Update(ctx, func(tx bot.Tx) error {
		house, err = tx.SyncHouse(ctx, &bot.House{Name: "Maple House", Platform: "test"}, time.Unix(0, 0))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	enqueue := func(house int64) int64 {
		t.Helper()
		var id int64
		err := db.Update(ctx, func(tx bot.Tx) error {
			var err error
			id, err = tx.Enqueue(ctx, &bot.OutboxMessage{HouseID: house, Platform: "test",
				Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: "U-op"},
					Message: bot.Message{Text: `the week, "data":"not bytes"`, Attachment: chart()}}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	return db, house, enqueue
}

// TestMarkSentDropsTheAttachmentBytes: a delivered message keeps its
// text and its attachment's name and type, not its bytes; a failed one
// keeps them all, so that `porchlight outbox retry` sends it whole.
func TestMarkSentDropsTheAttachmentBytes(t *testing.T) {
	ctx := context.Background()
	db, house, enqueue := attachmentDB(t)
	sent, failed := enqueue(house), enqueue(house)
	if err := db.Outbox().MarkSent(ctx, sent, bot.MessageRef{Channel: "D-op", ID: "m1"}, time.Unix(100, 0)); err != nil {
		t.Fatal(err)
	}
	if err := db.Outbox().MarkFailed(ctx, failed, "403"); err != nil {
		t.Fatal(err)
	}
	m, err := db.OutboxMessage(ctx, sent)
	if err != nil {
		t.Fatal(err)
	}
	if m.Broken != "" || m.Out.Text != `the week, "data":"not bytes"` || m.Out.Attachment == nil ||
		m.Out.Attachment.Name != "digest-2026-W48.png" || m.Out.Attachment.ContentType != "image/png" || m.Out.Attachment.Data != nil {
		t.Errorf("sent message = %+v (attachment %+v), want its text, the attachment's name and type, and no bytes", m.Out, m.Out.Attachment)
	}
	if m.Status != bot.OutboxSent || m.Ref.ID != "m1" {
		t.Errorf("sent message status %q ref %+v, want sent with its ref", m.Status, m.Ref)
	}
	f, err := db.OutboxMessage(ctx, failed)
	if err != nil {
		t.Fatal(err)
	}
	if f.Out.Attachment == nil || !bytes.Equal(f.Out.Attachment.Data, chart().Data) {
		t.Errorf("failed message's attachment = %+v, want its bytes kept", f.Out.Attachment)
	}
}

// TestClearSentAttachmentsClearsOlderDeliveries: messages delivered
// before MarkSent dropped the bytes are cleared by retention, a bounded
// batch of one house at a time, through outbox_sent_attachments; pending
// and failed messages and other houses keep theirs.
func TestClearSentAttachmentsClearsOlderDeliveries(t *testing.T) {
	ctx := context.Background()
	db, house, enqueue := attachmentDB(t)
	var other int64
	err := db.Update(ctx, func(tx bot.Tx) (err error) {
		other, err = tx.SyncHouse(ctx, &bot.House{Name: "Oak House", Platform: "test"}, time.Unix(0, 0))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	old := []int64{enqueue(house), enqueue(house), enqueue(house)}
	otherOld, pending, failed := enqueue(other), enqueue(house), enqueue(house)
	// As an older version marked them: sent, bytes kept.
	for _, id := range append(old, otherOld) {
		if _, err := db.write.ExecContext(ctx, `UPDATE outbox SET status = 'sent', ref_id = 'm' WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Outbox().MarkFailed(ctx, failed, "403"); err != nil {
		t.Fatal(err)
	}
	var got []int
	for range 3 {
		err := db.Update(ctx, func(tx bot.Tx) error {
			n, err := tx.ClearSentAttachments(ctx, house, 2)
			got = append(got, n)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if want := []int{2, 1, 0}; !slices.Equal(got, want) {
		t.Errorf("ClearSentAttachments batches = %v, want %v", got, want)
	}
	for _, tc := range []struct {
		id       int64
		keepData bool
	}{{old[0], false}, {old[1], false}, {old[2], false}, {otherOld, true}, {pending, true}, {failed, true}} {
		m, err := db.OutboxMessage(ctx, tc.id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Out.Attachment == nil || m.Out.Attachment.Name == "" || m.Out.Text == "" {
			t.Errorf("message %d = %+v, want its text and attachment's name kept", tc.id, m.Out)
			continue
		}
		if kept := m.Out.Attachment.Data != nil; kept != tc.keepData {
			t.Errorf("message %d (%s) kept its bytes = %v, want %v", tc.id, m.Status, kept, tc.keepData)
		}
	}
}

// TestClearSentAttachmentsUsesItsIndex: the nightly batch reads only the
// delivered rows that still hold bytes, not the house's history.
func TestClearSentAttachmentsUsesItsIndex(t *testing.T) {
	got := queryPlan(t, clearSentAttachmentsSQL, 1, 50)
	if !strings.Contains(got, "SEARCH outbox USING INDEX outbox_sent_attachments (house_id=?)") {
		t.Errorf("plan = %q, want the batch found through outbox_sent_attachments", got)
	}
	if strings.Contains(got, "SCAN") {
		t.Errorf("plan = %q, want no scan", got)
	}
}
