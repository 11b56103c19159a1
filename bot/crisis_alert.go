package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Crisis alerts: a private message to every House Mentor asking them to
// reach out to a resident, with an "I'm on it" button. An alert names the
// resident and never quotes them; one left unacknowledged for the house's
// escalate_after goes to the operators. A resident gets at most one open
// alert per escalate_after window, so that one bad hour is one alert.

// escalateAfter is how long a house's alert waits for an "I'm on it".
func escalateAfter(h *House) time.Duration {
	if h.Crisis.EscalateAfter > 0 {
		return h.Crisis.EscalateAfter
	}
	return 15 * time.Minute
}

// openAlert returns the caller's unacknowledged alert from the last
// escalate_after window that already covers an alert of kind, or
// ErrNotFound.
// While it is open, the House Mentors already know: a second alert would
// only be noise. A plain request for a House Mentor does not cover danger.
func (b *Bot) openAlert(r *Request, kind AlertKind) (*CrisisAlert, error) {
	a, err := r.crisisAlerts().OpenCrisisAlert(r.Ctx, r.House.ID, r.Event.User.ID, r.Now.Add(-escalateAfter(r.House)))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("open alert: %w", err)
	}
	if err != nil || (kind.Urgent() && !a.Kind.Urgent()) {
		return nil, ErrNotFound
	}
	return a, nil
}

// alertMentors asks every mentor of the house, privately, to reach out to
// the caller, with an "I'm on it" button, and reports whether it did: it
// does not while an earlier alert is open (openAlert). The words follow the
// kind, and none quotes what the resident wrote. With no mentor to ask, the
// operators are alerted at once.
func (b *Bot) alertMentors(r *Request, kind AlertKind) (bool, error) {
	switch open, err := b.openAlert(r, kind); {
	case err == nil:
		r.Log.Info("crisis alert not repeated: one is open", "alert", open.ID)
		return false, nil
	case !errors.Is(err, ErrNotFound):
		return false, err
	}
	mentors, err := r.Mentors()
	if err != nil {
		return false, err
	}
	name := displayName(r.Event.User)
	if r.Member != nil && r.Member.Name != "" {
		name = r.Member.Name
	}
	a := &CrisisAlert{HouseID: r.House.ID, UserID: r.Event.User.ID, Name: name, Kind: kind, CreatedAt: r.Now}
	if err := r.crisisAlerts().CreateCrisisAlert(r.Ctx, a); err != nil {
		return false, fmt.Errorf("crisis alert: %w", err)
	}
	sent := 0
	for _, id := range mentors {
		if id == a.UserID {
			continue
		}
		if err := sendAlert(r, a, alertKeyPrefix, MsgCrisisAlert, id, alertText(r.House, a, r.LangOfUser(id))); err != nil {
			return false, err
		}
		sent++
	}
	r.Log.Warn("crisis alert sent to mentors", "alert", a.ID, "kind", string(kind), "mentors", sent)
	if sent == 0 {
		return true, b.escalate(r, a, NewPhrase("crisis.why.no_mentor"))
	}
	return true, nil
}

// alertText is the mentors' alert, in the mentor's l. A request after a
// relapse says only that the resident asked for a House Mentor, as a
// check-in's reach-out request does: a disclosed relapse can cost a bed.
func alertText(h *House, a *CrisisAlert, l Lang) string {
	switch a.Kind {
	case AlertReachOut:
		return l.T("crisis.alert.reach_out", "Name", a.Name)
	case AlertAuto:
		return l.T("crisis.alert.auto", "Name", a.Name, "InDanger", inDanger(h, l))
	}
	return l.T("crisis.alert.danger", "Name", a.Name, "InDanger", inDanger(h, l))
}

// ackChoiceIn is alert a's "I'm on it" button in the reader's l.
func ackChoiceIn(a *CrisisAlert, l Lang) Choice {
	return Choice{ID: fmt.Sprintf("crisisack:%d", a.ID), Label: l.T("crisis.ack.button"), Style: StylePrimary}
}

// sendAlert queues one copy of alert a to a member of staff, with the
// "I'm on it" button, keyed by the alert and the person: the key is how
// Undeliverable finds the alert again when the copy fails for good, and it
// makes each copy of each kind go once.
func sendAlert(r *Request, a *CrisisAlert, prefix string, kind MsgKind, to, text string) error {
	_, err := r.Enqueue(&OutboxMessage{Key: alertKey(prefix, a.ID, to), Kind: kind, About: []string{a.UserID},
		Out: Outgoing{Target: Target{Kind: TargetDM, User: to}, Message: Message{Text: text, Choices: []Choice{ackChoiceIn(a, r.LangOfUser(to))}}}})
	return err
}

// The key prefixes of the copies of an alert: to the mentors, escalated to
// the operators, rerouted after a copy failed.
const (
	alertKeyPrefix    = "crisisalert"
	escalateKeyPrefix = "crisisescalate"
	rerouteKeyPrefix  = "crisisreroute"
)

// alertKey is the outbox key of alert id's copy to user.
func alertKey(prefix string, id int64, user string) string {
	return fmt.Sprintf("%s:%d:%s", prefix, id, user)
}

// alertOfKey returns the alert id in a key alertKey wrote.
func alertOfKey(key string) (int64, bool) {
	prefix, parts := splitID(key)
	if len(parts) != 2 || (prefix != alertKeyPrefix && prefix != escalateKeyPrefix && prefix != rerouteKeyPrefix) {
		return 0, false
	}
	id, err := strconv.ParseInt(parts[0], 10, 64)
	return id, err == nil
}

// ErasedUser is the user id an alert keeps once its resident erased their
// data: the alert stays as a bare fact, for the digest's counts, and
// nobody is told anything more about it.
const ErasedUser = "erased"

// alertHouse routes an "I'm on it" to the alert's own house, whatever house
// the presser would otherwise be placed in: a House Mentor or operator of
// several houses acknowledges each house's alerts. Dispatch then loads the
// presser's role in that house; the id grants nothing by itself.
func (b *Bot) alertHouse(r *Request, parts []string) (*House, error) {
	return b.houseOfButton(r, parts, 1, func(id int64) (int64, error) {
		a, err := r.crisisAlerts().CrisisAlertByID(r.Ctx, id)
		if err != nil {
			return 0, err
		}
		return a.HouseID, nil
	})
}

// actCrisisAck records the first "I'm on it", tells the resident someone is
// coming and the other staff that it is handled. A later press says who
// took it, and when.
func (b *Bot) actCrisisAck(r *Request, parts []string) (Response, error) {
	if len(parts) != 1 {
		return Response{}, errBadButton
	}
	id, err := buttonID(parts, 0)
	if err != nil {
		return Response{}, err
	}
	a, err := r.crisisAlerts().CrisisAlertByID(r.Ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && a.HouseID != r.House.ID) {
		return Response{}, Fail(ENotFound, "crisis.ack.not_found")
	}
	if err != nil {
		return Response{}, err
	}
	first, err := r.crisisAlerts().AckCrisisAlert(r.Ctx, a.ID, r.Event.User.ID, r.Now)
	if err != nil {
		return Response{}, err
	}
	l := r.Lang()
	if !first {
		since := FormatTime(l, a.AckedAt, r.House.Location)
		if a.AckedBy == r.Event.User.ID {
			return r.Say("crisis.ack.already_you", "Since", since, "Name", a.Name), nil
		}
		return r.Say("crisis.ack.already", "Who", "<@"+a.AckedBy+">", "Since", since, "Name", a.Name), nil
	}
	me := displayName(r.Event.User)
	tl := r.LangOfUser(a.UserID)
	told := tl.T("crisis.ack.told", "Mentor", me)
	if a.Kind.Urgent() {
		told += " " + tl.T("crisis.ack.worse", "Resources", resourcesOf(r.House, tl).Line())
	}
	// A resident who erased their data is not told: there is no one to
	// tell, and the staff already know only what the alert said.
	if a.UserID != ErasedUser {
		if _, err := r.Enqueue(&OutboxMessage{Kind: MsgCrisisAck, Out: Outgoing{Target: Target{Kind: TargetDM, User: a.UserID}, Message: Message{Text: told}}}); err != nil {
			return Response{}, err
		}
	}
	staff, err := r.Mentors()
	if err != nil {
		return Response{}, err
	}
	if !a.EscalatedAt.IsZero() {
		staff = append(staff, r.House.Operators...)
	}
	seen := map[string]bool{r.Event.User.ID: true, a.UserID: true}
	for _, id := range staff {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, err := r.Enqueue(&OutboxMessage{Kind: MsgCrisisAck, About: []string{a.UserID},
			Out: Outgoing{Target: Target{Kind: TargetDM, User: id}, Message: Message{Text: r.LangOfUser(id).T("crisis.ack.others", "Mentor", me, "Name", a.Name)}}}); err != nil {
			return Response{}, err
		}
	}
	r.Log.Info("crisis alert acknowledged", "alert", a.ID)
	text := l.T("crisis.ack.thanks", "Name", a.Name)
	if a.Kind.Urgent() {
		text += " " + inDanger(r.House, l)
	}
	return Response{Messages: []Message{{Text: text}}}, nil
}

// escalateAlerts alerts the operators about alerts no mentor acknowledged
// within the house's escalate_after. It runs from the tick: one read finds
// the due alerts of every house, and only those are written, each in a
// transaction of its own. It is idempotent: each alert is escalated once.
func (b *Bot) escalateAlerts(ctx context.Context, now time.Time) error {
	return eachDue(ctx, b, now, "due escalations",
		func(tx Tx) ([]*CrisisAlert, error) {
			// The shortest wait of any house bounds the read; each
			// alert then waits for its own house's.
			shortest := time.Duration(-1)
			for _, h := range b.houses {
				if w := escalateAfter(h); shortest < 0 || w < shortest {
					shortest = w
				}
			}
			if shortest < 0 {
				return nil, nil
			}
			all, err := tx.DueEscalations(ctx, now.Add(-shortest))
			return slices.DeleteFunc(all, func(a *CrisisAlert) bool {
				h := b.houseByID(a.HouseID)
				return h == nil || a.CreatedAt.After(now.Add(-escalateAfter(h)))
			}), err
		},
		func(a *CrisisAlert) int64 { return a.HouseID },
		func(r *Request, a *CrisisAlert) error {
			// Read again in this transaction: it may be settled already.
			cur, err := r.crisisAlerts().CrisisAlertByID(r.Ctx, a.ID)
			if err != nil || !cur.AckedAt.IsZero() || !cur.EscalatedAt.IsZero() || cur.UserID == ErasedUser {
				return err
			}
			return b.escalate(r, cur, NewPhrase("crisis.why.no_response", "Minutes", int(escalateAfter(r.House).Round(time.Minute)/time.Minute)))
		})
}

// escalate alerts the house's operators about a and marks it escalated;
// why says why, in each operator's language.
func (b *Bot) escalate(r *Request, a *CrisisAlert, why Phrase) error {
	for _, id := range r.House.Operators {
		if id == a.UserID {
			continue
		}
		if err := sendAlert(r, a, escalateKeyPrefix, MsgCrisisEscalation, id, escalationText(r.House, a, why, r.LangOfUser(id))); err != nil {
			return err
		}
	}
	if err := r.crisisAlerts().MarkEscalated(r.Ctx, a.ID, r.Now); err != nil {
		return err
	}
	r.Log.Warn("crisis alert escalated to operators", "alert", a.ID, "operators", len(r.House.Operators))
	return nil
}

// escalationText is the operators' copy of an alert, in the alert's
// words, in the operator's l.
func escalationText(h *House, a *CrisisAlert, why Phrase, l Lang) string {
	at := FormatTime(l, a.CreatedAt, h.Location)
	switch a.Kind {
	case AlertReachOut:
		return l.T("crisis.escalate.reach_out", "Name", a.Name, "At", at, "Why", why(l))
	case AlertAuto:
		return l.T("crisis.escalate.auto", "Name", a.Name, "At", at, "Why", why(l), "InDanger", inDanger(h, l))
	}
	return l.T("crisis.escalate.danger", "Name", a.Name, "At", at, "Why", why(l), "InDanger", inDanger(h, l))
}
