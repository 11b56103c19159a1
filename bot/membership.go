package bot

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// registerMembership registers /join, /leave and /help.
func (b *Bot) registerMembership() {
	b.reg.Add(&Command{
		Name:        "join",
		Description: "cmd.join.desc",
		Roles:       Anyone,
		Run:         b.cmdJoin,
	})
	b.reg.Add(&Command{
		Name:        "leave",
		Description: "cmd.leave.desc",
		Roles:       Members,
		Run:         b.cmdLeave,
	})
	b.reg.Add(&Command{
		Name:        "help",
		Description: "cmd.help.desc",
		Roles:       Anyone,
		NoHouse:     true,
		Run:         b.cmdHelp,
	})
	b.action("join", Anyone, b.actJoin)
}

// ConsentText is what a member agrees to before anything about them is
// stored, in the reader's l. A house may replace it in config (its own
// text is shown as written, in every language).
func ConsentText(h *House, l Lang) string {
	if h.ConsentText != "" {
		return h.ConsentText
	}
	retention := h.RetentionDays
	if retention <= 0 {
		retention = 180
	}
	crisis := l.T("membership.consent.crisis_ask")
	if h.Crisis.AlertAlways {
		crisis = l.T("membership.consent.crisis_always")
	}
	// A relapse is never passed on without a yes, whatever the house chose.
	return l.T("membership.consent", "House", h.Name, "Days", retention, "Crisis", crisis, "NotMonitored", notMonitored(h, l))
}

// errNotJoined is the one answer to someone who has not joined the house's
// check-ins yet and tries what only members can do.
var errNotJoined = Fail(EForbidden, "membership.not_joined")

func (b *Bot) cmdJoin(r *Request) (Response, error) {
	if r.Member != nil && r.Member.Active() {
		return r.Say("membership.join.already", "House", r.House.Name), nil
	}
	// Nothing is stored until the member accepts.
	l := r.Lang()
	return Response{Messages: []Message{{
		Text: ConsentText(r.House, l),
		Choices: []Choice{
			{ID: "join:accept", Label: l.T("membership.agree.button"), Style: StylePrimary},
			{ID: "join:decline", Label: l.T("membership.not_now.button")},
		},
	}}}, nil
}

func (b *Bot) actJoin(r *Request, parts []string) (Response, error) {
	if len(parts) == 0 || parts[0] != "accept" {
		return r.Say("membership.join.declined"), nil
	}
	if r.Member != nil && r.Member.Active() {
		return r.Say("membership.join.already_in"), nil
	}
	m := r.Member
	if m == nil {
		m = &Member{HouseID: r.House.ID, Platform: r.Event.Platform, UserID: r.Event.User.ID}
	}
	m.Name = displayName(r.Event.User)
	m.Status = MemberActive
	m.JoinedAt, m.ConsentAt = r.Now, r.Now
	m.LeftAt = time.Time{}
	if err := r.members().SaveMember(r.Ctx, m); err != nil {
		return Response{}, fmt.Errorf("save member: %w", err)
	}
	r.Member = m
	if err := r.Audit("consent.accept", fmt.Sprintf("member:%d", m.ID)); err != nil {
		return Response{}, err
	}
	for _, hook := range b.joinHooks {
		if err := hook(r, m); err != nil {
			return Response{}, err
		}
	}
	r.Log.Info("member joined", "member", m.ID)
	return r.Say("membership.join.welcome", "House", r.House.Name, "Name", m.Name), nil
}

func (b *Bot) cmdLeave(r *Request) (Response, error) {
	if r.Member == nil || !r.Member.Active() {
		return r.Say("membership.leave.not_member", "House", r.House.Name), nil
	}
	if err := b.leave(r, r.Member, "member.leave", leftWhy(r.Member)); err != nil {
		return Response{}, err
	}
	return r.Say("membership.leave.done", "House", r.House.Name), nil
}

// leave ends a membership, audited as action (member.leave, or
// member.remove when a House Mentor ends it); why is the reason the
// people affected are told, each in their language. A pause ends with it. Features that keep
// per-member state hook in here.
func (b *Bot) leave(r *Request, m *Member, action string, why Phrase) error {
	m.Status = MemberLeft
	m.LeftAt = r.Now
	m.PausedUntil, m.PausedBy, m.PauseReason = time.Time{}, "", ""
	if err := r.members().SaveMember(r.Ctx, m); err != nil {
		return fmt.Errorf("save member: %w", err)
	}
	if err := r.Audit(action, fmt.Sprintf("member:%d", m.ID)); err != nil {
		return err
	}
	for _, hook := range b.leaveHooks {
		if err := hook(r, m, why); err != nil {
			return err
		}
	}
	r.Log.Info("member left", "member", m.ID, "action", action)
	return nil
}

// leftWhy is what a partner is told when m leaves on their own.
func leftWhy(m *Member) Phrase {
	return NewPhrase("membership.why.left", "Name", displayName(User{Name: m.Name}))
}

func (b *Bot) cmdHelp(r *Request) (Response, error) {
	l := r.Lang()
	var lines []string
	lines = append(lines, l.T("membership.help.title"))
	for _, c := range b.reg.All() {
		if len(c.Subs) == 0 {
			if r.Role.Has(c.Roles) {
				lines = append(lines, fmt.Sprintf("• %s — %s", c.Usage(""), c.Describe(r.Lang())))
			}
			continue
		}
		if c.Run != nil && r.Role.Has(c.Roles) {
			lines = append(lines, fmt.Sprintf("• %s — %s", c.Usage(""), c.Describe(r.Lang())))
		}
		for _, s := range c.Subs {
			if r.Role.Has(s.Roles) {
				lines = append(lines, fmt.Sprintf("• %s — %s", s.Usage(c.Name), s.Describe(r.Lang())))
			}
		}
	}
	if r.House == nil {
		lines = append(lines, l.T("membership.help.no_house"))
	} else if !r.Role.Has(Members) {
		lines = append(lines, l.T("membership.help.join"))
	}
	return Response{Messages: []Message{{Text: strings.Join(lines, "\n")}}}, nil
}

// handleDM answers a direct message that is not part of a form.
func (b *Bot) handleDM(r *Request) (Response, error) {
	if resp, level, err := b.screen(r, r.Event.Text); level != ConcernNone || err != nil {
		return resp, err
	}
	if r.House != nil && r.Member != nil && r.Member.Active() {
		if resp, ok, err := b.dmCheckin(r); ok || err != nil {
			return resp, err
		}
	}
	return r.Say("membership.dm.hello"), nil
}

// handleMemberEvent reacts to platform join and leave events.
func (b *Bot) handleMemberEvent(r *Request) (Response, error) {
	if r.House == nil {
		return Response{}, nil
	}
	// Joining or leaving another channel of the workspace (Slack reports
	// every channel the bot is in) is not joining or leaving the house;
	// server-wide events (Discord) carry no channel, only the server.
	ev := r.Event
	if (ev.Channel != "" && ev.Channel != r.House.Channel) ||
		(ev.Channel == "" && ev.Workspace != "" && r.House.Workspace != "" && ev.Workspace != r.House.Workspace) {
		return Response{}, nil
	}
	switch r.Event.Kind {
	case EventMemberJoined:
		if r.Member != nil && r.Member.Active() {
			return Response{}, nil
		}
		// A welcome DM invites them to /join; nothing is stored about them.
		l := r.LangOfUser(r.Event.User.ID)
		_, err := r.DM(r.Event.User.ID, Message{Text: l.T("membership.welcome", "House", r.House.Name, "NotMonitored", notMonitored(r.House, l))})
		return Response{}, err
	case EventMemberLeft:
		if r.Member == nil || !r.Member.Active() {
			return Response{}, nil
		}
		return Response{}, b.leave(r, r.Member, "member.leave", leftWhy(r.Member))
	}
	return Response{}, nil
}

// member loads an active member of the request's house by platform user
// id. When the person is not one, the error says so privately, ending with
// so (", so they can't have a partner"; nil for nothing more).
func (r *Request) member(userID string, so Phrase) (*Member, error) {
	m, err := r.members().MemberByUser(r.Ctx, r.House.ID, userID)
	if errors.Is(err, ErrNotFound) || (err == nil && !m.Active()) {
		var rest any = ""
		if so != nil {
			rest = so
		}
		return nil, Fail(ENotFound, "membership.not_member", "User", "<@"+userID+">", "House", r.House.Name, "So", rest)
	}
	if err != nil {
		return nil, fmt.Errorf("load member: %w", err)
	}
	return m, nil
}

// nameOf is how a reply names a person: their name in the house if they
// joined, else the name the platform gave with the command, else a
// mention, which Discord and Slack show as the person's name.
func (r *Request) nameOf(userID string) (string, error) {
	m, err := r.members().MemberByUser(r.Ctx, r.House.ID, userID)
	switch {
	case err == nil && strings.TrimSpace(m.Name) != "":
		return displayName(User{Name: m.Name}), nil
	case err != nil && !errors.Is(err, ErrNotFound):
		return "", fmt.Errorf("load member: %w", err)
	}
	if in := r.Event.Command; in != nil && strings.TrimSpace(in.Names[userID]) != "" {
		return displayName(User{Name: in.Names[userID]}), nil
	}
	return "<@" + userID + ">", nil
}

func displayName(u User) string {
	if n := strings.TrimSpace(u.Name); n != "" {
		return clip(n, 40)
	}
	return "friend"
}
