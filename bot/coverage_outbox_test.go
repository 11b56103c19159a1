package bot_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
)

// enqueueTo writes one message to the outbox for target.
func (h *harness) enqueueTo(target bot.Target, text string) {
	h.t.Helper()
	err := h.db.Update(h.ctx, func(tx bot.Tx) error {
		_, err := tx.Enqueue(h.ctx, &bot.OutboxMessage{HouseID: h.house.ID, Platform: "test", NextAt: h.clock.Now(), CreatedAt: h.clock.Now(),
			Out: bot.Outgoing{Target: target, Message: bot.Message{Text: text}}})
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// bounce delivers the outbox with the next send refused as undeliverable.
func (h *harness) bounce() {
	h.t.Helper()
	h.ad.FailNext(fmt.Errorf("50007: %w", bot.ErrUndeliverable))
	h.flush()
	h.flush()
}

// TestUndeliverableNoticeGoesToTheOtherMentors: when a DM can't reach
// someone, every House Mentor but that person hears of it, by name when
// they are a member and as "a member" otherwise; a channel post that
// can't be delivered is not a person to tell anyone about.
func TestUndeliverableNoticeGoesToTheOtherMentors(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.do(h.ev.Command(owner, "role", "mentor <@"+casey.ID+">"))
	h.flush()
	h.ad.Reset()

	h.enqueueTo(bot.Target{Kind: bot.TargetChannel, Channel: h.house.Channel}, "a post")
	h.bounce()
	if n := len(h.ad.Sent()); n != 0 {
		t.Fatalf("an undeliverable channel post brought %d message(s): %s", n, texts(h.ad.Sent()))
	}

	h.enqueueTo(bot.Target{Kind: bot.TargetDM, User: mentor.ID}, "for Morgan")
	h.bounce()
	if got := h.ad.To(mentor.ID); len(got) != 0 {
		t.Errorf("Morgan was told about a message to Morgan: %s", texts(got))
	}
	if got := h.ad.To(casey.ID); len(got) != 1 || !strings.Contains(got[0].Text, "couldn't send a private message to a member") {
		t.Errorf("Casey told = %s, want one notice about a member", texts(got))
	}

	h.ad.Reset()
	h.enqueueTo(bot.Target{Kind: bot.TargetDM, User: robin.ID}, "for Robin")
	h.bounce()
	for _, id := range []string{mentor.ID, casey.ID} {
		if got := h.ad.To(id); len(got) != 1 || !strings.Contains(got[0].Text, "to Robin") || strings.Contains(got[0].Text, "for Robin") {
			t.Errorf("%s told = %s, want one notice naming Robin without the message", id, texts(got))
		}
	}
	if posts := h.ad.InChannel(h.house.Channel); len(posts) != 0 {
		t.Errorf("an undeliverable DM was announced in the channel: %s", texts(posts))
	}
}

// TestUndeliverableNoticeThatBouncesIsNotNoticed: a notice that can't
// reach a mentor brings no notice about the notice.
func TestUndeliverableNoticeThatBouncesIsNotNoticed(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.enqueueTo(bot.Target{Kind: bot.TargetDM, User: robin.ID}, "for Robin")
	h.ad.FailNext(fmt.Errorf("to Robin: %w", bot.ErrUndeliverable), fmt.Errorf("to Morgan: %w", bot.ErrUndeliverable))
	for range 3 {
		h.flush()
	}
	if n := len(h.ad.Sent()); n != 0 {
		t.Errorf("sent %d message(s) after the notice bounced: %s", n, texts(h.ad.Sent()))
	}
}
