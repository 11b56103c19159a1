package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/porchlight/porchlight/i18n"
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
	b.leaveHooks = append(b.leaveHooks, b.leavePair)
	b.tickers = append(b.tickers, b.sendDuePings)
}

// names returns the display names of member ids, joined for a sentence
// in l ("nobody" for none), and their platform user ids: a message that
// uses the names is about them (OutboxMessage.About).
func names(r *Request, l Lang, ids []int64) (string, []string, error) {
	out, users, err := nameList(r, ids)
	if len(out) == 0 {
		return l.T("core.list.nobody"), users, err
	}
	return listAnd(l, out), users, err
}

// nameList is names with the names not yet joined, for a sentence in the
// reader's language (joinAndIn).
func nameList(r *Request, ids []int64) ([]string, []string, error) {
	var out, users []string
	for _, id := range ids {
		m, err := r.partners().MemberByID(r.Ctx, id)
		if err != nil {
			return nil, nil, fmt.Errorf("member %d: %w", id, err)
		}
		out = append(out, "*"+displayName(User{Name: m.Name})+"*")
		users = append(users, m.UserID)
	}
	return out, users, nil
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
	return dmMemberIn(r, id, kind, func(Lang) Message { return m }, about...)
}

// dmMemberIn is dmMember with the message built in the member's language.
func dmMemberIn(r *Request, id int64, kind MsgKind, m func(Lang) Message, about ...string) error {
	mem, err := r.partners().MemberByID(r.Ctx, id)
	if err != nil {
		return fmt.Errorf("member %d: %w", id, err)
	}
	_, err = r.Enqueue(&OutboxMessage{Kind: kind, About: about, Out: Outgoing{Target: Target{Kind: TargetDM, User: mem.UserID}, Message: m(r.LangOf(mem))}})
	return err
}

// reachedButton is a ping's "I reached out" button, in l.
func reachedButton(l Lang, ping *PartnerPing) Choice {
	return Choice{ID: fmt.Sprintf("partner:reached:%d", ping.ID), Label: l.T("partner.reached.button")}
}

func (b *Bot) cmdPartner(r *Request) (Response, error) {
	if r.Member == nil || !r.Member.Active() {
		return Response{}, errNotJoined
	}
	p, err := r.partners().PairOf(r.Ctx, r.Member.ID)
	if errors.Is(err, ErrNotFound) {
		return r.Say("partner.none"), nil
	}
	if err != nil {
		return Response{}, err
	}
	who, _, err := nameList(r, others(p, r.Member.ID))
	if err != nil {
		return Response{}, err
	}
	return r.Say("partner.current", "Who", listAnd(r.Lang(), who), "Date", r.Lang().Date(r.Local(p.FormedAt), i18n.DateLong)), nil
}

// activeMember loads an active member of the house by user id, or says
// clearly that the person is not one.
func activeMember(r *Request, userID string) (*Member, error) {
	return r.member(userID, NewPhrase("partner.not_member.so"))
}

func (b *Bot) cmdPartnerPair(r *Request) (Response, error) {
	ua, ub := r.Args.String("a"), r.Args.String("b")
	if ua == ub {
		return Response{}, Fail(EInvalid, "partner.pair.same")
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
		if err := b.leavePair(r, m, NewPhrase("partner.why.repaired")); err != nil {
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
	return r.Say("partner.paired", "A", ma.Name, "B", mb.Name), nil
}

func (b *Bot) cmdPartnerUnpair(r *Request) (Response, error) {
	m, err := activeMember(r, r.Args.String("a"))
	if err != nil {
		return Response{}, err
	}
	if _, err := r.partners().PairOf(r.Ctx, m.ID); errors.Is(err, ErrNotFound) {
		return Response{}, Fail(ENotFound, "partner.not_paired", "Name", m.Name)
	} else if err != nil {
		return Response{}, err
	}
	if err := b.leavePair(r, m, NewPhrase("partner.why.unpaired")); err != nil {
		return Response{}, err
	}
	if err := dmMemberIn(r, m.ID, MsgPartner, func(l Lang) Message { return Message{Text: l.T("partner.unpaired.dm")} }); err != nil {
		return Response{}, err
	}
	return r.Say("partner.unpaired", "Name", m.Name), nil
}

func (b *Bot) cmdPartnerAvoid(r *Request) (Response, error) {
	ua, ub := r.Args.String("a"), r.Args.String("b")
	if ua == ub {
		return Response{}, Fail(EInvalid, "partner.avoid.same")
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
	return r.Say("partner.avoided", "A", ma.Name, "B", mb.Name), nil
}

func (b *Bot) cmdPartnerPings(r *Request) (Response, error) {
	if r.Member == nil || !r.Member.Active() {
		return Response{}, errNotJoined
	}
	on, ok := onOff(r.Args.String("setting"))
	if !ok {
		return Response{}, Fail(EInvalid, "partner.pings.bad")
	}
	off := !on
	if err := r.partners().SetPingsOff(r.Ctx, r.Member.ID, off, r.Now); err != nil {
		return Response{}, err
	}
	if off {
		return r.Say("partner.pings.off"), nil
	}
	return r.Say("partner.pings.on"), nil
}

// onOff reads a setting typed as on or off, in any language ("sí", "no").
func onOff(s string) (on, ok bool) {
	switch {
	case Same("partner.setting.on", s):
		return true, true
	case Same("partner.setting.off", s):
		return false, true
	}
	return false, false
}

// announcePair tells each member of a new pair who their partner is.
func (b *Bot) announcePair(r *Request, p *Pair) error {
	for _, id := range p.Members {
		who, users, err := nameList(r, others(p, id))
		if err != nil {
			return err
		}
		// One partner, or two in a trio.
		text := func(l Lang) Message {
			return Message{Text: l.N("partner.announce", len(users), "House", r.House.Name, "Who", listAnd(l, who))}
		}
		if err := dmMemberIn(r, id, MsgPartner, text, users...); err != nil {
			return err
		}
	}
	return nil
}

// leavePair takes m out of their current pair, if any: a pair ends and the
// partner is told why, in their language; a trio becomes a pair. It is
// the leave hook too: a member who left or paused leaves their pair.
func (b *Bot) leavePair(r *Request, m *Member, why Phrase) error {
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
		about := []string{m.UserID}
		if m.Name == "" {
			// An erasure: the notice does not name them, so that it
			// survives their erasure (see eraseMember).
			about = nil
		}
		alone := len(rest) == 1
		text := func(l Lang) Message {
			text := l.T("partner.left", "Why", why(l), "Name", m.Name)
			if m.Name == "" {
				text = l.T("partner.left.unnamed", "Why", why(l))
			}
			if alone {
				text += " " + l.T("partner.left.again")
			}
			return Message{Text: text}
		}
		if err := dmMemberIn(r, id, MsgPartner, text, about...); err != nil {
			return err
		}
	}
	return nil
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
		why := i18n.ID("partner.rotation.too_few")
		if errors.Is(err, ErrNoValidPairs) {
			why = i18n.ID("partner.rotation.no_valid")
		}
		return b.tellMentors(r, func(l Lang) string { return l.T("partner.rotation.failed", "House", h.Name, "Why", l.T(why)) })
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
	var whos [][]string
	var paired []string
	for _, g := range groups {
		p := &Pair{HouseID: h.ID, Members: g, How: "rotation", Rotation: last + 1, FormedAt: r.Now}
		if err := r.partners().CreatePair(r.Ctx, p); err != nil {
			return err
		}
		if err := b.announcePair(r, p); err != nil {
			return err
		}
		who, users, err := nameList(r, g)
		if err != nil {
			return err
		}
		whos = append(whos, who)
		paired = append(paired, users...)
	}
	r.Log.Info("partners rotated", "pairs", len(groups), "rotation", last+1)
	return b.tellMentors(r, func(l Lang) string {
		lines := []string{l.T("partner.rotation.head", "House", h.Name)}
		for _, who := range whos {
			lines = append(lines, "• "+listAnd(l, who))
		}
		if repeats {
			lines = append(lines, l.T("partner.rotation.repeats"))
		}
		return strings.Join(lines, "\n")
	}, paired...)
}

// tellMentors DMs every House Mentor of the house about partners, text in
// each one's language; about are the platform user ids of the people the
// text names.
func (b *Bot) tellMentors(r *Request, text func(Lang) string, about ...string) error {
	mentors, err := r.Mentors()
	if err != nil {
		return err
	}
	for _, id := range mentors {
		if _, err := r.Enqueue(&OutboxMessage{Kind: MsgPartner, About: about, Out: Outgoing{Target: Target{Kind: TargetDM, User: id}, Message: Message{Text: text(r.LangOfUser(id))}}}); err != nil {
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
			who, users, err := nameList(r, others(p, id))
			if err != nil {
				return err
			}
			msg := func(l Lang) Message {
				return Message{Text: l.N("partner.nudge", len(who), "Who", listAnd(l, who)),
					Choices: []Choice{{ID: fmt.Sprintf("partner:connected:%d:%s", p.ID, day), Label: l.T("partner.connected.button"), Style: StylePrimary}}}
			}
			if err := dmMemberIn(r, id, MsgPartner, msg, users...); err != nil {
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
			return Response{}, Fail(EInvalid, "partner.not_yours")
		}
		if err != nil {
			return Response{}, err
		}
		first, err := r.partners().RecordContact(r.Ctx, p.ID, parts[2], r.Member.ID, r.Now)
		if err != nil {
			return Response{}, err
		}
		if !first {
			return r.Say("partner.connected.again"), nil
		}
		return r.Say("partner.connected"), nil
	case len(parts) == 2 && parts[0] == "reached":
		ping, err := b.pressedPing(r, parts)
		if err != nil {
			return Response{}, err
		}
		if _, err := r.partners().AnswerPing(r.Ctx, ping.ID, r.Now); err != nil {
			return Response{}, err
		}
		return r.Say("partner.reached"), nil
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
		return nil, Fail(EInvalid, "partner.not_yours")
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
	msg := func(l Lang) Message {
		return Message{Text: l.T("partner.ping.support", "Name", m.Name), Choices: []Choice{reachedButton(l, ping)}}
	}
	for _, id := range others(p, m.ID) {
		if err := dmMemberIn(r, id, MsgPartnerPing, msg, m.UserID); err != nil {
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
	text := i18n.ID("partner.ping.missed_today")
	switch {
	case n > 1:
		text = i18n.ID("partner.ping.missed_streak")
	case ping.DueAt.After(ping.At):
		text = i18n.ID("partner.ping.missed_last")
	}
	msg := func(l Lang) Message {
		return Message{Text: l.N(text, n, "Name", m.Name), Choices: []Choice{
			reachedButton(l, ping),
			{ID: fmt.Sprintf("partner:mute:%d", ping.ID), Label: l.T("partner.mute.button")},
		}}
	}
	for _, id := range to {
		if err := dmMemberIn(r, id, MsgPartnerPing, msg, m.UserID); err != nil {
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
	return r.Say("partner.muted", "Until", FormatTime(r.Lang(), until, r.House.Location)), nil
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
		return r.Say("partner.unmute.not_muted"), nil
	}
	if err := r.partners().SetPingMute(r.Ctx, r.Member.ID, time.Time{}, r.Now); err != nil {
		return Response{}, err
	}
	return r.Say("partner.unmute.done"), nil
}
