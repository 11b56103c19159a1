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
// stored. A house may replace it in config.
func ConsentText(h *House) string {
	if h.ConsentText != "" {
		return h.ConsentText
	}
	retention := h.RetentionDays
	if retention <= 0 {
		retention = 180
	}
	crisis := "If something you write suggests you may be in danger, I show you crisis resources right away and ask whether you'd like a House Mentor to reach out. I only alert them if you say yes."
	if h.Crisis.AlertAlways {
		crisis = "If something you write suggests you may be in danger, I show you crisis resources right away, and this house has chosen to always alert its House Mentors so a person can reach out."
	}
	// A relapse is never passed on without a yes, whatever the house chose.
	relapse := "If you tell me about a relapse or a craving, I offer you a House Mentor or your accountability partner, and tell nobody unless you say yes."
	return strings.Join([]string{
		fmt.Sprintf("*Joining %s check-ins*", h.Name),
		"Here is what I keep, and who sees it:",
		"• Your check-in answers: mood, a win, what's hard, and whether you'd like someone to reach out.",
		"• You choose who sees each answer: *private* (only counted in totals), *mentors* (your House Mentors and the operator) or *house* (shared in the house channel).",
		"• Your accountability partner only sees that you checked in or asked for support, never what you wrote.",
		"• If you make a mentoring agreement or set recovery goals, I keep them too: an agreement's boundaries only you and your House Mentor see; your goals only you see, unless you share one with your mentor.",
		"• If you log recovery meetings, only you see what you wrote; House Mentors and the operator see how many a week. Chore turns, and whether they were marked done, are counted for the house.",
		fmt.Sprintf("• Written answers are erased after %d days; only counts are kept.", retention),
		"• Your answers are never used for discipline or eviction decisions.",
		"• " + crisis,
		"• " + relapse,
		"• " + notMonitored(h),
		"• Discord or Slack keep their own copy of messages, under their own terms.",
		"• You can pause with " + Cmd("checkin pause") + ", get your data with " + Cmd("mydata export") + ", erase it with " + Cmd("mydata erase") + ", or leave with " + Cmd("leave") + ".",
		"Do you agree?",
	}, "\n")
}

// errNotJoined is the one answer to someone who has not joined the house's
// check-ins yet and tries what only members can do.
var errNotJoined = Errorf(EForbidden, "Please %s first: I'll explain what's stored before anything is, and then you can take part.", Cmd("join"))

func (b *Bot) cmdJoin(r *Request) (Response, error) {
	if r.Member != nil && r.Member.Active() {
		return Reply("You're already part of %s's check-ins. Use %s to see what you can do.", r.House.Name, Cmd("help")), nil
	}
	// Nothing is stored until the member accepts.
	return Response{Messages: []Message{{
		Text: ConsentText(r.House),
		Choices: []Choice{
			{ID: "join:accept", Label: "I agree — join", Style: StylePrimary},
			{ID: "join:decline", Label: "Not now"},
		},
	}}}, nil
}

func (b *Bot) actJoin(r *Request, parts []string) (Response, error) {
	if len(parts) == 0 || parts[0] != "accept" {
		return Reply("No problem — nothing was stored. You can %s any time.", Cmd("join")), nil
	}
	if r.Member != nil && r.Member.Active() {
		return Reply("You're already in. Welcome back!"), nil
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
	return Reply("Welcome to %s, %s! You'll get a check-in prompt at the house's check-in times. Use %s to answer when a round is open, and %s for everything else.", r.House.Name, m.Name, Cmd("checkin"), Cmd("help")), nil
}

func (b *Bot) cmdLeave(r *Request) (Response, error) {
	if r.Member == nil || !r.Member.Active() {
		return Reply("You're not part of %s's check-ins.", r.House.Name), nil
	}
	if err := b.leave(r, r.Member, "member.leave", leftWhy(r.Member)); err != nil {
		return Response{}, err
	}
	return Reply("You've left %s's check-ins. Prompts stop now. Your past answers stay until they expire; use %s to remove them now. You're welcome back any time with %s.", r.House.Name, Cmd("mydata erase"), Cmd("join")), nil
}

// leave ends a membership, audited as action (member.leave, or
// member.remove when a House Mentor ends it); why is the sentence the
// people affected are told. A pause ends with it. Features that keep
// per-member state hook in here.
func (b *Bot) leave(r *Request, m *Member, action, why string) error {
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
func leftWhy(m *Member) string {
	return fmt.Sprintf("%s has left the house's check-ins", displayName(User{Name: m.Name}))
}

func (b *Bot) cmdHelp(r *Request) (Response, error) {
	var lines []string
	lines = append(lines, "*What you can do here*")
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
		lines = append(lines, "(Use commands in your house's channel so I know which house you mean.)")
	} else if !r.Role.Has(Members) {
		lines = append(lines, "Use "+Cmd("join")+" to take part in check-ins.")
	}
	return Reply("%s", strings.Join(lines, "\n")), nil
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
	return Reply("Hi! I'm the house check-in bot. Type %s to see what I can do, or %s for support lines.", Cmd("help"), Cmd("resources")), nil
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
		_, err := r.DM(r.Event.User.ID, Message{Text: fmt.Sprintf("Welcome to %s! When you're ready, use %s to take part in the house check-ins. I'll explain what's stored first.\n%s", r.House.Name, Cmd("join"), notMonitored(r.House))})
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
// so (", so they can't have a partner"; "" for nothing more).
func (r *Request) member(userID, so string) (*Member, error) {
	m, err := r.members().MemberByUser(r.Ctx, r.House.ID, userID)
	if errors.Is(err, ErrNotFound) || (err == nil && !m.Active()) {
		return nil, Errorf(ENotFound, "<@%s> hasn't joined %s's check-ins (or has left)%s.", userID, r.House.Name, so)
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
