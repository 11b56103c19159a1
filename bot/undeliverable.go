package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Undeliverable is what the core does about a message the sender gave up
// on, whatever the cause (a platform's refusal, too many attempts, a stored
// message that cannot be read). Wire it to Sender.OnUndeliverable; the
// sender marks the message failed, for the operator's list, once this
// returns nil, and calls it again when it returns an error, so every step
// here is idempotent (keyed messages).
//
//   - A crisis alert (to a mentor, an operator, or sent on already) goes to
//     the house's other staff: rerouteAlert.
//   - A private message a resident's settings refuse tells the House
//     Mentors, once per person, so they can let them know.
//
// Notices about notices are never sent, so this cannot loop; a rerouted
// alert that fails is rerouted again, to the staff not yet tried, and the
// staff are few, so that ends too.
func (b *Bot) Undeliverable(ctx context.Context, m *OutboxMessage, cause error) error {
	h := b.houseByID(m.HouseID)
	if h == nil {
		return nil
	}
	switch {
	case m.Kind.IsCrisis():
		return b.rerouteAlert(ctx, h, m, cause)
	case m.Out.Target.Kind != TargetDM || !errors.Is(cause, ErrUndeliverable):
		return nil
	case m.Kind == MsgUndeliverableNotice || strings.HasPrefix(m.Key, undeliverableKey):
		return nil
	}
	user := m.Out.Target.User
	return b.inHouse(ctx, h, b.clock.Now(), func(r *Request) error {
		var name Phrase = NewPhrase("core.a_member")
		if mem, err := r.members().MemberByUser(ctx, h.ID, user); err == nil {
			name = func(Lang) string { return mem.Name }
		}
		mentors, err := r.Mentors()
		if err != nil {
			return err
		}
		for _, id := range mentors {
			if id == user {
				continue
			}
			l := r.LangOfUser(id)
			text := l.T("core.undeliverable.notice", "Name", name(l))
			if _, err := r.Enqueue(&OutboxMessage{Key: fmt.Sprintf("%s%d:%s:%s", undeliverableKey, h.ID, user, id),
				Kind: MsgUndeliverableNotice, About: []string{user},
				Out: Outgoing{Target: Target{Kind: TargetDM, User: id}, Message: Message{Text: text}}}); err != nil {
				return err
			}
		}
		return nil
	})
}

const undeliverableKey = "undeliverable:"

// rerouteAlert sends a crisis alert whose copy to one person failed for
// good to every other House Mentor and operator of the house, once each,
// with the "I'm on it" button, unless someone already pressed it. The
// resident is never among them, and nothing goes to the group: an alert is
// private. When nobody is left to try, the failed copies stay in the
// operator's `porchlight outbox list` and the log says so (without text).
//
// An alert erased with its resident is not rerouted: erasing their data
// withdrew their request (see the README, "Erasure").
func (b *Bot) rerouteAlert(ctx context.Context, h *House, m *OutboxMessage, cause error) error {
	log := b.log.With("house", h.ID, "msg", m.ID, "kind", string(m.Kind))
	id, ok := alertOfKey(m.Key)
	if !ok {
		log.Error("crisis message without its alert's key: it stays failed for the operator")
		return nil
	}
	return b.inHouse(ctx, h, b.clock.Now(), func(r *Request) error {
		a, err := r.crisisAlerts().CrisisAlertByID(ctx, id)
		if errors.Is(err, ErrNotFound) || (err == nil && (a.HouseID != h.ID || a.UserID == ErasedUser)) {
			log.Warn("crisis alert undeliverable; the alert is gone or erased, so it is not sent on", "alert", id)
			return nil
		}
		if err != nil {
			return err
		}
		if !a.AckedAt.IsZero() {
			log.Info("crisis alert undeliverable to one person; someone is already on it", "alert", a.ID)
			return nil
		}
		mentors, err := r.Mentors()
		if err != nil {
			return err
		}
		missed := m.Out.Target.User
		why := NewPhrase("crisis.why.undelivered", "User", "<@"+missed+">")
		if errors.Is(cause, ErrUndeliverable) && m.Out.Target.Kind == TargetDM {
			why = NewPhrase("crisis.why.undelivered_dm", "User", "<@"+missed+">")
		}
		seen := map[string]bool{missed: true, a.UserID: true}
		sent := 0
		for _, to := range append(append([]string(nil), mentors...), h.Operators...) {
			if seen[to] {
				continue
			}
			seen[to] = true
			om := &OutboxMessage{Key: alertKey(rerouteKeyPrefix, a.ID, to), Kind: MsgCrisisReroute, About: []string{a.UserID},
				Out: Outgoing{Target: Target{Kind: TargetDM, User: to}, Message: Message{Text: escalationText(h, a, why, r.LangOfUser(to)), Choices: []Choice{ackChoiceIn(a, r.LangOfUser(to))}}}}
			added, err := r.enqueueOnce(om)
			if err != nil {
				return err
			}
			if added { // not added: this person had it already
				sent++
			}
		}
		if sent == 0 {
			log.Error("crisis alert undeliverable and nobody else left to send it to: it stays failed for the operator (porchlight outbox list)", "alert", a.ID, "reason", cause)
			return nil
		}
		log.Warn("crisis alert undeliverable to one person; sent to the other staff", "alert", a.ID, "staff", sent, "reason", cause)
		return nil
	})
}
