package bot

import (
	"context"
	"fmt"
	"strings"
)

// Undeliverable tells a house's mentors, once per person, that a private
// message could not reach a resident (for example, their settings refuse
// DMs from the bot). Wire it to Sender.OnUndeliverable. Notices about
// notices are never sent, so this cannot loop.
func (b *Bot) Undeliverable(ctx context.Context, m *OutboxMessage, cause error) {
	if m.Out.Target.Kind != TargetDM || strings.HasPrefix(m.Key, undeliverableKey) {
		return
	}
	h := b.houseByID(m.HouseID)
	if h == nil {
		return
	}
	user := m.Out.Target.User
	err := b.inHouse(ctx, h, b.clock.Now(), func(r *Request) error {
		name := "a member"
		if mem, err := r.members().MemberByUser(ctx, h.ID, user); err == nil {
			name = mem.Name
		}
		mentors, err := r.Mentors()
		if err != nil {
			return err
		}
		for _, id := range mentors {
			if id == user {
				continue
			}
			text := fmt.Sprintf("I couldn't send a private message to %s: their settings don't accept direct messages from me. Could you let them know, so they don't miss check-ins?", name)
			if _, err := r.Enqueue(&OutboxMessage{Key: fmt.Sprintf("%s%d:%s:%s", undeliverableKey, h.ID, user, id),
				Out: Outgoing{Target: Target{Kind: TargetDM, User: id}, Message: Message{Text: text}}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.log.Error("undeliverable notice failed", "msg", m.ID, "err", err)
	}
}

const undeliverableKey = "undeliverable:"
