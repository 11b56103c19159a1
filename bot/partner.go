package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Accountability partners: two residents (three when the count is odd) who
// look out for each other. Mentors pair them by hand or the bot rotates
// pairs on a schedule; the bot nudges pairs to connect and pings a partner
// when the other misses a check-in or asks for support. A ping never holds
// what anyone wrote.

// Partner job names.
const (
	JobPartnersRotate = "partners.rotate"
	JobPartnersNudge  = "partners.nudge"
)

func (b *Bot) registerPartners() {
	a := Option{Name: "a", Description: "cmd.partner.opt.a.desc", Type: OptUser, Required: true}
	bb := Option{Name: "b", Description: "cmd.partner.opt.b.desc", Type: OptUser, Required: true}
	b.reg.Add(&Command{
		Name:        "partner",
		Description: "cmd.partner.desc",
		Roles:       Members,
		Run:         b.cmdPartner,
		Subs: []*Command{
			{Name: "pair", Description: "cmd.partner.pair.desc", Roles: Staff, Run: b.cmdPartnerPair, Options: []Option{a, bb}},
			{Name: "unpair", Description: "cmd.partner.unpair.desc", Roles: Staff, Run: b.cmdPartnerUnpair, Options: []Option{a}},
			{Name: "avoid", Description: "cmd.partner.avoid.desc", Roles: Staff, Run: b.cmdPartnerAvoid, Options: []Option{a, bb}},
			{Name: "pings", Description: "cmd.partner.pings.desc", Roles: Members, Run: b.cmdPartnerPings,
				Options: []Option{{Name: "setting", Description: "cmd.partner.pings.opt.setting.desc", Type: OptString, Required: true, MaxLen: 10}}},
			{Name: "mute", Description: "cmd.partner.mute.desc", Roles: Members, Run: b.cmdPartnerMute},
			{Name: "unmute", Description: "cmd.partner.unmute.desc", Roles: Members, Run: b.cmdPartnerUnmute},
		},
	})
	b.action("partner", Members, b.actPartner)
	b.houseJobs = append(b.houseJobs,
		houseJob{name: JobPartnersRotate, spec: func(h *House) string { return h.Partners.Rotate }, run: b.rotatePartners},
		houseJob{name: JobPartnersNudge, spec: func(h *House) string { return h.Partners.Nudge }, run: b.nudgePartners},
	)
	b.checkinHooks.missed = append(b.checkinHooks.missed, func(r *Request, m *Member, _ *Round) error {
		return b.pingPartner(r, m, pingMissed)
	})
	b.checkinHooks.reachOut = append(b.checkinHooks.reachOut, func(r *Request, m *Member, _ *Round) error {
		return b.pingPartner(r, m, pingSupport)
	})
	b.leaveHooks = append(b.leaveHooks, b.partnerGone)
	b.tickers = append(b.tickers, b.sendDuePings)
}

// names returns the display names of member ids, joined for a sentence,
// and their platform user ids: a message that uses the names is about them
// (OutboxMessage.About).
func names(r *Request, ids []int64) (string, []string, error) {
	var out, users []string
	for _, id := range ids {
		m, err := r.partners().MemberByID(r.Ctx, id)
		if err != nil {
			return "", nil, fmt.Errorf("member %d: %w", id, err)
		}
		out = append(out, "*"+displayName(User{Name: m.Name})+"*")
		users = append(users, m.UserID)
	}
	return joinAnd(out), users, nil
}

// others returns the pair's members other than id.
func others(p *Pair, id int64) []int64 {
	var out []int64
	for _, m := range p.Members {
		if m != id {
			out = append(out, m)
		}
	}
	return out
}

// dmMember queues a DM of kind to a member by id; about are the platform
// user ids of the people it names.
func dmMember(r *Request, id int64, kind MsgKind, m Message, about ...string) error {
	mem, err := r.partners().MemberByID(r.Ctx, id)
	if err != nil {
		return fmt.Errorf("member %d: %w", id, err)
	}
	_, err = r.Enqueue(&OutboxMessage{Kind: kind, About: about, Out: Outgoing{Target: Target{Kind: TargetDM, User: mem.UserID}, Message: m}})
	return err
}

func (b *Bot) cmdPartner(r *Request) (Response, error) {
	if r.Member == nil || !r.Member.Active() {
		return Response{}, errNotJoined
	}
	p, err := r.partners().PairOf(r.Ctx, r.Member.ID)
	if errors.Is(err, ErrNotFound) {
		return Reply("You don't have an accountability partner right now. A House Mentor can pair you, or the next rotation will."), nil
	}
	if err != nil {
		return Response{}, err
	}
	who, _, err := names(r, others(p, r.Member.ID))
	if err != nil {
		return Response{}, err
	}
	return Reply("Your accountability partner: %s, since %s.", who, r.Local(p.FormedAt).Format("Monday 2 January")), nil
}

// activeMember loads an active member of the house by user id, or says
// clearly that the person is not one.
func activeMember(r *Request, userID string) (*Member, error) {
	return r.member(userID, ", so they can't have a partner")
}

func (b *Bot) cmdPartnerPair(r *Request) (Response, error) {
	ua, ub := r.Args.String("a"), r.Args.String("b")
	if ua == ub {
		return Response{}, Errorf(EInvalid, "Pick two different residents: %s @a @b", Cmd("partner pair"))
	}
	ma, err := activeMember(r, ua)
	if err != nil {
		return Response{}, err
	}
	mb, err := activeMember(r, ub)
	if err != nil {
		return Response{}, err
	}
	for _, m := range []*Member{ma, mb} {
		if err := b.leavePair(r, m, "A House Mentor paired them with someone else"); err != nil {
			return Response{}, err
		}
	}
	p := &Pair{HouseID: r.House.ID, Members: []int64{ma.ID, mb.ID}, How: "manual", FormedAt: r.Now}
	if err := r.partners().CreatePair(r.Ctx, p); err != nil {
		return Response{}, fmt.Errorf("pair: %w", err)
	}
	if err := b.announcePair(r, p); err != nil {
		return Response{}, err
	}
	return Reply("Paired *%s* and *%s*. They've each been told.", ma.Name, mb.Name), nil
}

func (b *Bot) cmdPartnerUnpair(r *Request) (Response, error) {
	m, err := activeMember(r, r.Args.String("a"))
	if err != nil {
		return Response{}, err
	}
	if _, err := r.partners().PairOf(r.Ctx, m.ID); errors.Is(err, ErrNotFound) {
		return Response{}, Errorf(ENotFound, "*%s* doesn't have a partner right now.", m.Name)
	} else if err != nil {
		return Response{}, err
	}
	if err := b.leavePair(r, m, "A House Mentor ended the partnership"); err != nil {
		return Response{}, err
	}
	if err := dmMember(r, m.ID, MsgPartner, Message{Text: "A House Mentor ended your accountability partnership. You'll be paired again soon."}); err != nil {
		return Response{}, err
	}
	return Reply("*%s* no longer has a partner; the others were told.", m.Name), nil
}

func (b *Bot) cmdPartnerAvoid(r *Request) (Response, error) {
	ua, ub := r.Args.String("a"), r.Args.String("b")
	if ua == ub {
		return Response{}, Errorf(EInvalid, "Pick two different residents: %s @a @b", Cmd("partner avoid"))
	}
	ma, err := activeMember(r, ua)
	if err != nil {
		return Response{}, err
	}
	mb, err := activeMember(r, ub)
	if err != nil {
		return Response{}, err
	}
	if err := r.partners().AddAvoid(r.Ctx, r.House.ID, ma.ID, mb.ID, r.Event.User.ID, r.Now); err != nil {
		return Response{}, err
	}
	return Reply("Noted: *%s* and *%s* won't be paired by rotation. (Only House Mentors see this list.)", ma.Name, mb.Name), nil
}

func (b *Bot) cmdPartnerPings(r *Request) (Response, error) {
	if r.Member == nil || !r.Member.Active() {
		return Response{}, errNotJoined
	}
	var off bool
	switch strings.ToLower(strings.TrimSpace(r.Args.String("setting"))) {
	case "off":
		off = true
	case "on":
	default:
		return Response{}, Errorf(EInvalid, "Say on or off: %s off", Cmd("partner pings"))
	}
	if err := r.partners().SetPingsOff(r.Ctx, r.Member.ID, off, r.Now); err != nil {
		return Response{}, err
	}
	if off {
		return Reply("Okay: your partner won't be pinged when you miss a check-in or ask for support. Your House Mentors still hear when you ask for someone to reach out. %s on turns it back on.", Cmd("partner pings")), nil
	}
	return Reply("Pings are on: your partner hears when you miss a check-in or ask for support — never what you wrote."), nil
}

// announcePair tells each member of a new pair who their partner is.
func (b *Bot) announcePair(r *Request, p *Pair) error {
	for _, id := range p.Members {
		who, users, err := names(r, others(p, id))
		if err != nil {
			return err
		}
		partner := "partner in %s is"
		if len(users) > 1 {
			partner = "partners in %s are" // a trio
		}
		text := fmt.Sprintf("🤝 Your accountability "+partner+" now %s. Check in with each other — a message, a walk, a meeting together. %s shows this any time.", r.House.Name, who, Cmd("partner"))
		if err := dmMember(r, id, MsgPartner, Message{Text: text}, users...); err != nil {
			return err
		}
	}
	return nil
}

// leavePair takes m out of their current pair, if any: a pair ends and the
// partner is told why; a trio becomes a pair.
func (b *Bot) leavePair(r *Request, m *Member, why string) error {
	p, err := r.partners().PairOf(r.Ctx, m.ID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	rest := others(p, m.ID)
	if len(rest) >= 2 {
		if err := r.partners().RemoveFromPair(r.Ctx, p.ID, m.ID); err != nil {
			return err
		}
	} else if err := r.partners().EndPair(r.Ctx, p.ID, r.Now); err != nil {
		return err
	}
	for _, id := range rest {
		text := fmt.Sprintf("%s, so *%s* is no longer your accountability partner.", why, m.Name)
		about := []string{m.UserID}
		if m.Name == "" {
			// An erasure: the notice does not name them, so that it
			// survives their erasure (see eraseMember).
			text, about = why+", so you're no longer partners.", nil
		}
		if len(rest) == 1 {
			text += " You'll be paired again at the next rotation, or a House Mentor will pair you."
		}
		if err := dmMember(r, id, MsgPartner, Message{Text: text}, about...); err != nil {
			return err
		}
	}
	return nil
}

// partnerGone is the leave hook: a member who left or paused leaves their
// pair.
func (b *Bot) partnerGone(r *Request, m *Member, why string) error {
	return b.leavePair(r, m, why)
}

// rotatePartners is the rotation job: it pairs the house's active, unpaused
// residents anew, avoiding recent pairs and the do-not-pair list.
func (b *Bot) rotatePartners(r *Request, at time.Time) error {
	h := r.House
	members, err := r.partners().Members(r.Ctx, h.ID)
	if err != nil {
		return err
	}
	var cands []Candidate
	for _, m := range members {
		if !m.Paused(r.Now) {
			cands = append(cands, Candidate{ID: m.ID, Joined: m.JoinedAt})
		}
	}
	last, err := r.partners().LastRotation(r.Ctx, h.ID)
	if err != nil {
		return err
	}
	recentPairs, err := r.partners().RotationPairs(r.Ctx, h.ID, last-h.Partners.AvoidRepeatRounds)
	if err != nil {
		return err
	}
	recent := map[Couple]bool{}
	for _, p := range recentPairs {
		for i, a := range p.Members {
			for _, c := range p.Members[i+1:] {
				recent[CoupleOf(a, c)] = true
			}
		}
	}
	avoidList, err := r.partners().Avoids(r.Ctx, h.ID)
	if err != nil {
		return err
	}
	avoid := map[Couple]bool{}
	for _, c := range avoidList {
		avoid[CoupleOf(c[0], c[1])] = true
	}
	groups, repeats, err := PlanPairs(cands, recent, avoid)
	if err != nil {
		r.Log.Warn("partner rotation found no pairing", "candidates", len(cands))
		return b.tellMentors(r, fmt.Sprintf("🤝 The partner rotation for %s didn't run: %s. Current pairs stay as they are.", h.Name, err))
	}
	current, err := r.partners().CurrentPairs(r.Ctx, h.ID)
	if err != nil {
		return err
	}
	for _, p := range current {
		if err := r.partners().EndPair(r.Ctx, p.ID, r.Now); err != nil {
			return err
		}
	}
	lines := []string{fmt.Sprintf("🤝 *New accountability partners in %s*", h.Name)}
	var paired []string
	for _, g := range groups {
		p := &Pair{HouseID: h.ID, Members: g, How: "rotation", Rotation: last + 1, FormedAt: r.Now}
		if err := r.partners().CreatePair(r.Ctx, p); err != nil {
			return err
		}
		if err := b.announcePair(r, p); err != nil {
			return err
		}
		who, users, err := names(r, g)
		if err != nil {
			return err
		}
		lines = append(lines, "• "+who)
		paired = append(paired, users...)
	}
	if repeats {
		lines = append(lines, "Everyone has been paired with each other recently, so some pairs repeat.")
	}
	r.Log.Info("partners rotated", "pairs", len(groups), "rotation", last+1)
	return b.tellMentors(r, strings.Join(lines, "\n"), paired...)
}

// tellMentors DMs every House Mentor of the house about partners; about
// are the platform user ids of the people the text names.
func (b *Bot) tellMentors(r *Request, text string, about ...string) error {
	mentors, err := r.Mentors()
	if err != nil {
		return err
	}
	for _, id := range mentors {
		if _, err := r.Enqueue(&OutboxMessage{Kind: MsgPartner, About: about, Out: Outgoing{Target: Target{Kind: TargetDM, User: id}, Message: Message{Text: text}}}); err != nil {
			return err
		}
	}
	return nil
}

// nudgePartners is the daily nudge: every pair that has not connected that
// house-local day gets a private message with a "We connected" button.
func (b *Bot) nudgePartners(r *Request, at time.Time) error {
	pairs, err := r.partners().CurrentPairs(r.Ctx, r.House.ID)
	if err != nil {
		return err
	}
	day := r.Local(at).Format(time.DateOnly)
	if r.Local(r.Now).Format(time.DateOnly) != day {
		return errSkipRun // "check in today" is stale on another day
	}
	for _, p := range pairs {
		done, err := r.partners().Contacted(r.Ctx, p.ID, day)
		if err != nil {
			return err
		}
		if done {
			continue
		}
		if err := r.partners().RecordNudge(r.Ctx, p.ID, day, r.Now); errors.Is(err, ErrDuplicate) {
			continue
		} else if err != nil {
			return err
		}
		for _, id := range p.Members {
			who, users, err := names(r, others(p, id))
			if err != nil {
				return err
			}
			text := fmt.Sprintf("👋 Check in with your partner %s today — a message, a call or a walk.", who)
			choice := Choice{ID: fmt.Sprintf("partner:connected:%d:%s", p.ID, day), Label: "We connected", Style: StylePrimary}
			if err := dmMember(r, id, MsgPartner, Message{Text: text, Choices: []Choice{choice}}, users...); err != nil {
				return err
			}
		}
	}
	return nil
}

// actPartner handles "We connected" and "I reached out".
func (b *Bot) actPartner(r *Request, parts []string) (Response, error) {
	if r.Member == nil {
		return Response{}, errNotJoined
	}
	switch {
	case len(parts) == 3 && parts[0] == "connected":
		id, err := buttonID(parts, 1)
		if err != nil {
			return Response{}, err
		}
		p, err := r.partners().PairByID(r.Ctx, id)
		if errors.Is(err, ErrNotFound) || (err == nil && !inPair(p, r.Member.ID)) {
			return Response{}, Errorf(EInvalid, "That button isn't for you.")
		}
		if err != nil {
			return Response{}, err
		}
		first, err := r.partners().RecordContact(r.Ctx, p.ID, parts[2], r.Member.ID, r.Now)
		if err != nil {
			return Response{}, err
		}
		if !first {
			return Reply("Already noted for today — thank you for looking out for each other."), nil
		}
		return Reply("Noted: you connected today. Thank you for looking out for each other. 💚"), nil
	case len(parts) == 2 && parts[0] == "reached":
		ping, err := b.pressedPing(r, parts)
		if err != nil {
			return Response{}, err
		}
		if _, err := r.partners().AnswerPing(r.Ctx, ping.ID, r.Now); err != nil {
			return Response{}, err
		}
		return Reply("Thank you for reaching out. 💚"), nil
	case len(parts) == 2 && parts[0] == "mute":
		if _, err := b.pressedPing(r, parts); err != nil {
			return Response{}, err
		}
		return b.mutePings(r)
	}
	return Response{}, errBadButton
}

// pressedPing loads the ping a button names (parts[1]) and checks that
// the presser is in its pair.
func (b *Bot) pressedPing(r *Request, parts []string) (*PartnerPing, error) {
	id, err := buttonID(parts, 1)
	if err != nil {
		return nil, err
	}
	ping, err := r.partners().PingByID(r.Ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && ping.HouseID != r.House.ID) {
		return nil, errBadButton
	}
	if err != nil {
		return nil, err
	}
	// The buttons are for the partners; the one the ping is about has no
	// use for them.
	p, err := r.partners().PairByID(r.Ctx, ping.PairID)
	if err != nil || !inPair(p, r.Member.ID) || ping.About == r.Member.ID {
		return nil, Errorf(EInvalid, "That button isn't for you.")
	}
	return ping, nil
}

func inPair(p *Pair, memberID int64) bool {
	for _, m := range p.Members {
		if m == memberID {
			return true
		}
	}
	return false
}

// The kinds of partner pings.
const (
	pingMissed  = "missed"
	pingSupport = "support"
)

// muteFor is how long a partner's "mute" silences pings about misses.
const muteFor = 7 * 24 * time.Hour

// pingPartner tells m's partner that m missed a check-in (pingMissed) or
// asked for support (pingSupport), unless m turned pings off. The text
// never holds the answer. A request for support goes out at once, always;
// a miss waits for the end of the house's quiet hours, goes out at most
// once a house-local day per resident, and says how many check-ins in a
// row were missed.
func (b *Bot) pingPartner(r *Request, m *Member, kind string) error {
	p, err := r.partners().PairOf(r.Ctx, m.ID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	off, err := r.partners().PingsOff(r.Ctx, m.ID)
	if err != nil || off {
		return err
	}
	if kind != pingMissed {
		return b.notifyPartner(r, m, p, kind)
	}
	return b.pingMiss(r, m, p)
}

// notifyPartner records a ping of kind about m and sends it at once to the
// rest of m's pair, with an "I reached out" button. pingPartner calls it
// for a request for support unless m turned pings off; a resident's own
// "let my partner know" calls it directly. Nothing silences it: not a
// mute, the daily limit or quiet hours.
func (b *Bot) notifyPartner(r *Request, m *Member, p *Pair, kind string) error {
	ping := &PartnerPing{HouseID: r.House.ID, PairID: p.ID, About: m.ID, Kind: kind, At: r.Now, SentAt: r.Now}
	if err := r.partners().RecordPing(r.Ctx, ping); err != nil {
		return err
	}
	text := fmt.Sprintf("💛 Your partner *%s* asked for someone to reach out. A message or a chat in person could mean a lot right now.", m.Name)
	choice := Choice{ID: fmt.Sprintf("partner:reached:%d", ping.ID), Label: "I reached out"}
	for _, id := range others(p, m.ID) {
		if err := dmMember(r, id, MsgPartnerPing, Message{Text: text, Choices: []Choice{choice}}, m.UserID); err != nil {
			return err
		}
	}
	return nil
}

// pingMiss records a ping about m's missed check-in, due now or at the end
// of quiet hours, and sends it if it is due. A ping already waiting will
// count this miss too when it goes; one sent (or due) the same house-local
// day means this miss is told with the next.
func (b *Bot) pingMiss(r *Request, m *Member, p *Pair) error {
	if _, err := r.partners().WaitingPing(r.Ctx, m.ID); err == nil {
		return nil
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	due := r.House.QuietHours.Over(r.Now, r.House.Location)
	day := dayStart(due, r.House.Location)
	if done, err := r.partners().MissedPingBetween(r.Ctx, m.ID, day, day.AddDate(0, 0, 1)); err != nil || done {
		return err
	}
	ping := &PartnerPing{HouseID: r.House.ID, PairID: p.ID, About: m.ID, Kind: pingMissed, At: r.Now, DueAt: due}
	if err := r.partners().RecordPing(r.Ctx, ping); err != nil {
		return err
	}
	if due.After(r.Now) {
		r.Log.Info("partner ping waits for the end of quiet hours", "ping", ping.ID)
		return nil
	}
	return b.sendMissPing(r, ping)
}

// sendMissPing sends a due ping about missed check-ins to the partners who
// have not muted them, saying how many were missed in a row, or drops it
// when it no longer fits: the resident checked in since, was paused or left,
// turned pings off, or is no longer in that pair, or every partner muted
// pings.
func (b *Bot) sendMissPing(r *Request, ping *PartnerPing) error {
	drop := func(why string) error {
		r.Log.Info("partner ping dropped", "ping", ping.ID, "why", why)
		return r.partners().SettlePing(r.Ctx, ping.ID, false, 0, r.Now)
	}
	m, err := r.partners().MemberByID(r.Ctx, ping.About)
	switch {
	case errors.Is(err, ErrNotFound):
		return drop("erased")
	case err != nil:
		return err
	case !m.Active() || m.Paused(r.Now):
		return drop("paused or left")
	}
	p, err := r.partners().PairOf(r.Ctx, m.ID)
	if errors.Is(err, ErrNotFound) || (err == nil && p.ID != ping.PairID) {
		return drop("pair ended")
	}
	if err != nil {
		return err
	}
	if off, err := r.partners().PingsOff(r.Ctx, m.ID); err != nil {
		return err
	} else if off {
		return drop("pings off")
	}
	n, err := r.partners().MissStreak(r.Ctx, m.ID)
	if err != nil {
		return err
	}
	if n == 0 {
		return drop("checked in since")
	}
	var to []int64
	for _, id := range others(p, m.ID) {
		until, err := r.partners().PingMutedUntil(r.Ctx, id)
		if err != nil {
			return err
		}
		if !r.Now.Before(until) {
			to = append(to, id)
		}
	}
	if len(to) == 0 {
		return drop("muted")
	}
	text := fmt.Sprintf("💛 *%s* hasn't checked in today — maybe reach out?", m.Name)
	switch {
	case n > 1:
		text = fmt.Sprintf("💛 *%s* has missed the last %d check-ins — maybe reach out?", m.Name, n)
	case ping.DueAt.After(ping.At):
		text = fmt.Sprintf("💛 *%s* missed their last check-in — maybe reach out?", m.Name)
	}
	choices := []Choice{
		{ID: fmt.Sprintf("partner:reached:%d", ping.ID), Label: "I reached out"},
		{ID: fmt.Sprintf("partner:mute:%d", ping.ID), Label: "Mute these for a week"},
	}
	for _, id := range to {
		if err := dmMember(r, id, MsgPartnerPing, Message{Text: text, Choices: choices}, m.UserID); err != nil {
			return err
		}
	}
	return r.partners().SettlePing(r.Ctx, ping.ID, true, n, r.Now)
}

// sendDuePings is the tick's part: pings that waited for the end of quiet
// hours go out, each in its own transaction, and only those due are read.
func (b *Bot) sendDuePings(ctx context.Context, now time.Time) error {
	return eachDue(ctx, b, now, "due partner pings",
		func(tx Tx) ([]*PartnerPing, error) { return tx.DuePings(ctx, now) },
		func(p *PartnerPing) int64 { return p.HouseID },
		func(r *Request, p *PartnerPing) error {
			// Read again in this transaction: it may be settled already.
			cur, err := r.partners().PingByID(r.Ctx, p.ID)
			if err != nil || !cur.SentAt.IsZero() || !cur.DroppedAt.IsZero() {
				return err
			}
			return b.sendMissPing(r, cur)
		})
}

// mutePings mutes pings about missed check-ins to the caller for a week.
func (b *Bot) mutePings(r *Request) (Response, error) {
	until := r.Now.Add(muteFor)
	if err := r.partners().SetPingMute(r.Ctx, r.Member.ID, until, r.Now); err != nil {
		return Response{}, err
	}
	return Reply("Okay: until %s you won't be pinged when your partner misses a check-in. If they ask for support you'll still hear, always. "+Cmd("partner unmute")+" turns these pings back on sooner.", FormatTime(until, r.House.Location)), nil
}

func (b *Bot) cmdPartnerMute(r *Request) (Response, error) {
	if r.Member == nil || !r.Member.Active() {
		return Response{}, errNotJoined
	}
	return b.mutePings(r)
}

func (b *Bot) cmdPartnerUnmute(r *Request) (Response, error) {
	if r.Member == nil || !r.Member.Active() {
		return Response{}, errNotJoined
	}
	until, err := r.partners().PingMutedUntil(r.Ctx, r.Member.ID)
	if err != nil {
		return Response{}, err
	}
	if !r.Now.Before(until) {
		return Reply("Pings aren't muted: you hear when your partner misses a check-in."), nil
	}
	if err := r.partners().SetPingMute(r.Ctx, r.Member.ID, time.Time{}, r.Now); err != nil {
		return Response{}, err
	}
	return Reply("Pings are back on: you'll hear when your partner misses a check-in (never what anyone wrote)."), nil
}
