package bot

import (
	"errors"
	"fmt"
)

// A resident who answers "yes" to "Would you like someone to reach out?"
// in a check-in is named at once to the House Mentors, privately, with an
// "I'm on it" button (never what they wrote). The first mentor to press it
// takes the request: every mentor's message is edited, through the outbox,
// to say who took it, and the resident hears privately that someone is
// coming. A later press says it is taken.

// reachOut tells the mentors at once that the caller asked for someone to
// reach out in round, and pings their partner through the hooks. The
// message never includes the answer's content.
func (b *Bot) reachOut(r *Request, round *Round) error {
	mentors, err := r.Mentors()
	if err != nil {
		return err
	}
	q := &ReachOut{HouseID: r.House.ID, RoundID: round.ID, MemberID: r.Member.ID, CreatedAt: r.Now}
	err = r.checkins().CreateReachOut(r.Ctx, q)
	switch {
	case errors.Is(err, ErrDuplicate):
		// Asked again in the same round (after turning it off): the
		// mentors' messages and their button are there already, and the
		// partner has heard. Nobody is told twice.
		r.Log.Info("reach-out request repeated in the round", "member", r.Member.ID)
		return nil
	case err != nil:
		return fmt.Errorf("reach-out: %w", err)
	}
	sent := 0
	for _, id := range mentors {
		if id == r.Member.UserID {
			continue
		}
		l := r.LangOfUser(id)
		msg := Message{Text: reachOutText(l, r.Member.Name, ""), Choices: []Choice{{ID: fmt.Sprintf("reachout:%d", q.ID), Label: l.T("reachout.take.button"), Style: StylePrimary}}}
		ob, err := r.Enqueue(&OutboxMessage{Key: fmt.Sprintf("reachout:%d:%d:%s", round.ID, r.Member.ID, id), Kind: MsgReachOut, About: []string{r.Member.UserID},
			Out: Outgoing{Target: Target{Kind: TargetDM, User: id}, Message: msg}})
		if err != nil {
			return err
		}
		if err := r.checkins().AddReachOutNotice(r.Ctx, q.ID, id, ob); err != nil {
			return err
		}
		sent++
	}
	for _, h := range b.checkinHooks.reachOut {
		if err := h(r, r.Member, round); err != nil {
			return err
		}
	}
	r.Log.Info("reach-out request sent to mentors", "member", r.Member.ID, "mentors", sent)
	return nil
}

// reachOutText is a House Mentor's notice of a request, in their language
// l: before anyone took it (taken ""), with the button's invitation;
// after, with who did.
func reachOutText(l Lang, name, taken string) string {
	text := l.T("reachout.notice", "Name", name)
	if taken != "" {
		return text + "\n" + taken
	}
	return text + " " + l.T("reachout.notice.invite")
}

// reachOutHouse routes an "I'm on it" to its request's house, for a House
// Mentor of several houses. Dispatch then checks the presser's role there.
func (b *Bot) reachOutHouse(r *Request, parts []string) (*House, error) {
	return b.houseOfButton(r, parts, 1, func(id int64) (int64, error) {
		q, err := r.checkins().ReachOutByID(r.Ctx, id)
		if err != nil {
			return 0, err
		}
		return q.HouseID, nil
	})
}

// actReachOut is "I'm on it": the first press takes the request, tells the
// resident someone is coming, and edits every mentor's notice to say who
// took it; a later press says it is taken.
func (b *Bot) actReachOut(r *Request, parts []string) (Response, error) {
	id, err := buttonID(parts, 0)
	if err != nil || len(parts) != 1 {
		return Response{}, errBadButton
	}
	q, err := r.checkins().ReachOutByID(r.Ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && q.HouseID != r.House.ID) {
		return Response{}, Fail(ENotFound, "reachout.gone")
	}
	if err != nil {
		return Response{}, err
	}
	m, err := r.checkins().MemberByID(r.Ctx, q.MemberID)
	if err != nil {
		return Response{}, fmt.Errorf("member: %w", err)
	}
	first, err := r.checkins().TakeReachOut(r.Ctx, q.ID, r.Event.User.ID, r.Now)
	if err != nil {
		return Response{}, err
	}
	if !first {
		since := FormatTime(r.Lang(), q.TakenAt, r.House.Location)
		if q.TakenBy == r.Event.User.ID {
			return r.Say("reachout.taken.by_you", "When", since, "Name", m.Name), nil
		}
		return r.Say("reachout.taken.by", "User", q.TakenBy, "When", since, "Name", m.Name), nil
	}
	// The mentor is named when the platform gave a name; otherwise the
	// resident hears that a House Mentor is coming.
	me := displayName(r.Event.User)
	named := r.Event.User.Name != ""
	coming := r.LangOf(m).T("reachout.coming")
	if named {
		coming = r.LangOf(m).T("reachout.coming.named", "Mentor", me)
	}
	if _, err := r.DMAbout(m.UserID, MsgReachOut, Message{Text: coming}, r.Event.User.ID); err != nil {
		return Response{}, err
	}
	notices, err := r.checkins().ReachOutNotices(r.Ctx, q.ID)
	if err != nil {
		return Response{}, err
	}
	for _, n := range notices {
		if n.Outbox == 0 {
			continue // pruned by retention: nothing left to edit
		}
		l := r.LangOfUser(n.UserID)
		taken := l.T("reachout.on_it")
		switch {
		case n.UserID == r.Event.User.ID:
			taken = l.T("reachout.on_it.you")
		case named:
			taken = l.T("reachout.on_it.named", "Mentor", me)
		}
		edit := &OutboxMessage{EditOf: n.Outbox, Key: fmt.Sprintf("reachout-taken:%d:%s", q.ID, n.UserID), Kind: MsgReachOut, About: []string{m.UserID, r.Event.User.ID},
			Out: Outgoing{Target: Target{Kind: TargetDM, User: n.UserID}, Message: Message{Text: reachOutText(l, m.Name, taken)}}}
		if _, err := r.Enqueue(edit); err != nil {
			return Response{}, err
		}
	}
	r.Log.Info("reach-out request taken", "reach_out", q.ID)
	return r.Say("reachout.taken", "Name", m.Name), nil
}
