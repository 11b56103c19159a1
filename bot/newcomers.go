package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/porchlight/porchlight/i18n"
)

// Newcomer onboarding: when a resident joins, the House Mentor on duty is
// told privately, and the newcomer gets a short welcome over their first
// week — the house's basics, how check-ins work, who their House Mentor
// is, and a first sober activity. Each step is a direct message in the
// outbox, sent by the tick from the stored sequence, so a restart neither
// repeats nor drops one; one button skips the rest.
//
// The residents who join on the day the house starts using Porchlight are
// its founding residents: they already know the house, so they get no
// welcome and no mentor is told. Staff who join get none either.
// (Pairing newcomers with established residents is the partner
// rotation's: PlanPairs.)

// welcomeStep is one message of the welcome, sent on day Day of the
// newcomer's first week at welcomeHour, house time (step 0 at once).
type welcomeStep struct {
	Day int
	// Text writes the step for m in their language l, with the platform
	// user ids of the people it names besides m (OutboxMessage.About).
	Text func(b *Bot, r *Request, l Lang, m *Member) (Message, []string, error)
}

// welcomeHour is the house-local hour later steps are sent at.
const welcomeHour = 10

// welcomeSteps is the sequence, in order.
func welcomeSteps() []welcomeStep {
	return []welcomeStep{{0, welcomeBasics}, {1, welcomeCheckins}, {2, welcomeMentor}, {4, welcomeActivity}}
}

func (b *Bot) registerNewcomers() {
	b.joinHooks = append(b.joinHooks, b.welcomeNewcomer)
	b.action("welcome", Members, b.actWelcome)
	b.tickers = append(b.tickers, b.welcomeTick)
}

// welcomeNewcomer starts a newcomer's welcome and tells the mentor on duty.
func (b *Bot) welcomeNewcomer(r *Request, m *Member) error {
	if r.Role.Has(Staff) {
		return nil // a House Mentor or operator joining is no newcomer
	}
	created, err := r.newcomers().HouseCreated(r.Ctx, r.House.ID)
	if err != nil {
		return err
	}
	if r.Local(created).Format(time.DateOnly) == r.Local(r.Now).Format(time.DateOnly) {
		return nil // a founding resident
	}
	w := &Welcome{MemberID: m.ID, HouseID: r.House.ID, StartedAt: r.Now, NextAt: r.Now}
	started, err := r.newcomers().StartWelcome(r.Ctx, w)
	if err != nil || !started {
		return err // back after leaving: welcomed once is enough
	}
	if err := b.tellMentorOnDuty(r, m); err != nil {
		return err
	}
	return b.sendWelcomeSteps(r, w)
}

// mentorsOnDuty returns the House Mentors on duty in the week of t: the
// rotation's one for that week, or, with no rotation (or when the one on
// duty is no longer a House Mentor), every House Mentor. The second
// result is true for the rotation's one.
func (r *Request) mentorsOnDuty(t time.Time) ([]string, bool, error) {
	if rota := r.House.MentorsOnDuty; len(rota) > 0 {
		id := rota[weekNumber(t, r.House.Location)%len(rota)]
		role, err := r.bot.roleOf(r, id)
		if err != nil {
			return nil, false, err
		}
		if role.Has(Staff) {
			return []string{id}, true, nil
		}
	}
	all, err := r.Mentors()
	return all, false, err
}

// roleOf is the staff role of a user in the request's house: from config,
// or granted in chat.
func (b *Bot) roleOf(r *Request, user string) (Role, error) {
	role := Role(0)
	if r.House.IsOperator(user) {
		role |= RoleOperator
	}
	if r.House.IsConfigMentor(user) {
		role |= RoleMentor
	}
	granted, err := r.newcomers().GrantedRoles(r.Ctx, r.House.ID, user)
	if err != nil {
		return 0, fmt.Errorf("roles: %w", err)
	}
	return role | granted&RoleMentor, nil
}

// weekNumber counts the weeks, Monday to Sunday in loc, from the week of
// 5 January 1970 to the week of t: the duty rotation's index.
func weekNumber(t time.Time, loc *time.Location) int {
	y, m, d := t.In(loc).Date()
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(time.Date(1970, 1, 5, 0, 0, 0, 0, time.UTC)) / (24 * time.Hour)
	return int(days) / 7
}

// tellMentorOnDuty tells the mentor on duty, privately, that someone new
// joined. It says nothing else about them.
func (b *Bot) tellMentorOnDuty(r *Request, m *Member) error {
	ids, onDuty, err := r.mentorsOnDuty(r.Now)
	if err != nil {
		return err
	}
	id := i18n.ID("newcomers.joined.any")
	if onDuty {
		id = i18n.ID("newcomers.joined.on_duty")
	}
	name := displayName(User{Name: m.Name})
	for _, user := range ids {
		if user == m.UserID {
			continue
		}
		l := r.LangOfUser(user)
		text := l.T(id, "Name", name, "House", r.House.Name)
		if _, err := r.DMAbout(user, MsgWelcome, Message{Text: text}, m.UserID); err != nil {
			return err
		}
	}
	return nil
}

// welcomeDue is when step i of a welcome started at start is due.
func welcomeDue(start time.Time, i int, loc *time.Location) time.Time {
	day := welcomeSteps()[i].Day
	if day == 0 {
		return start
	}
	y, m, d := start.In(loc).Date()
	return time.Date(y, m, d+day, welcomeHour, 0, 0, 0, loc)
}

// sendWelcomeSteps sends every step of w due by now, in order, each as a
// keyed outbox message, and saves where the sequence is. A newcomer who
// left or skipped gets nothing more.
func (b *Bot) sendWelcomeSteps(r *Request, w *Welcome) error {
	m, err := r.newcomers().MemberByID(r.Ctx, w.MemberID)
	if err != nil {
		return err
	}
	steps := welcomeSteps()
	l := r.LangOf(m)
	for w.Step < len(steps) && !w.NextAt.IsZero() && !w.NextAt.After(r.Now) {
		if !m.Active() || !w.SkippedAt.IsZero() {
			w.NextAt = time.Time{}
			break
		}
		msg, about, err := steps[w.Step].Text(b, r, l, m)
		if err != nil {
			return err
		}
		if w.Step < len(steps)-1 {
			msg.Choices = append(msg.Choices, Choice{ID: fmt.Sprintf("welcome:skip:%d", m.ID), Label: l.T("newcomers.skip.button")})
		}
		// The key makes a step one message, whatever happens around it.
		key := fmt.Sprintf("welcome:%d:%d", m.ID, w.Step)
		if _, err := r.Enqueue(&OutboxMessage{Key: key, Kind: MsgWelcome, About: about, Out: Outgoing{Target: Target{Kind: TargetDM, User: m.UserID}, Message: msg}}); err != nil {
			return err
		}
		w.Step++
		w.NextAt = time.Time{}
		if w.Step < len(steps) {
			w.NextAt = welcomeDue(w.StartedAt, w.Step, r.House.Location)
		}
	}
	return r.newcomers().SaveWelcome(r.Ctx, w)
}

// welcomeTick sends the welcome steps that fell due, each newcomer in a
// transaction of their own.
func (b *Bot) welcomeTick(ctx context.Context, now time.Time) error {
	return eachDue(ctx, b, now, "due welcomes",
		func(tx Tx) ([]*Welcome, error) { return tx.DueWelcomes(ctx, now) },
		func(w *Welcome) int64 { return w.HouseID },
		func(r *Request, due *Welcome) error {
			w, err := r.newcomers().WelcomeOf(r.Ctx, due.MemberID)
			if errors.Is(err, ErrNotFound) {
				return nil // erased meanwhile
			}
			if err != nil {
				return err
			}
			return b.sendWelcomeSteps(r, w)
		})
}

// actWelcome is "Skip the rest": only the newcomer may press it.
func (b *Bot) actWelcome(r *Request, parts []string) (Response, error) {
	id, err := buttonID(parts, 1)
	if err != nil || parts[0] != "skip" {
		return Response{}, errBadButton
	}
	if r.Member == nil || r.Member.ID != id {
		return Response{}, errBadButton
	}
	w, err := r.newcomers().WelcomeOf(r.Ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Response{}, errBadButton
	}
	if err != nil {
		return Response{}, err
	}
	if w.SkippedAt.IsZero() && !w.NextAt.IsZero() {
		w.SkippedAt, w.NextAt = r.Now, time.Time{}
		if err := r.newcomers().SaveWelcome(r.Ctx, w); err != nil {
			return Response{}, err
		}
	}
	return r.Say("newcomers.skipped"), nil
}

func welcomeBasics(_ *Bot, r *Request, l Lang, m *Member) (Message, []string, error) {
	lines := []string{
		l.T("newcomers.basics.hello", "House", r.House.Name, "Name", displayName(User{Name: m.Name})),
		l.T("newcomers.basics.about"),
	}
	if n := r.House.Meetings.PerWeek; n > 0 {
		lines = append(lines, l.N("newcomers.basics.meetings", n))
	}
	return Message{Text: strings.Join(lines, "\n")}, nil, nil
}

func welcomeCheckins(b *Bot, r *Request, l Lang, _ *Member) (Message, []string, error) {
	text := l.T("newcomers.checkins")
	if next := b.nextRound(r); !next.IsZero() {
		text += " " + l.T("newcomers.checkins.next", "When", FormatTime(l, next, r.House.Location))
	}
	return Message{Text: text}, nil, nil
}

// welcomeMentor names the House Mentors and the newcomer's partner: the
// step is about them.
func welcomeMentor(_ *Bot, r *Request, l Lang, m *Member) (Message, []string, error) {
	ids, onDuty, err := r.mentorsOnDuty(r.Now)
	if err != nil {
		return Message{}, nil, err
	}
	about := slices.Clone(ids)
	var mentions []string
	for _, id := range ids {
		mentions = append(mentions, "<@"+id+">")
	}
	var text string
	switch {
	case len(mentions) == 0:
		text = l.T("newcomers.mentor.none")
	case onDuty:
		text = l.T("newcomers.mentor.on_duty", "Mentor", mentions[0])
	default:
		text = l.T("newcomers.mentor.all", "Mentors", listAnd(l, mentions))
	}
	p, err := r.newcomers().PairOf(r.Ctx, m.ID)
	switch {
	case err == nil:
		var who []string
		for _, id := range others(p, m.ID) {
			o, err := r.newcomers().MemberByID(r.Ctx, id)
			if err != nil {
				return Message{}, nil, fmt.Errorf("member %d: %w", id, err)
			}
			who = append(who, "*"+displayName(User{Name: o.Name})+"*")
			about = append(about, o.UserID)
		}
		text += " " + l.T("newcomers.mentor.partner", "Partner", listAnd(l, who))
	case !errors.Is(err, ErrNotFound):
		return Message{}, nil, err
	}
	return Message{Text: text}, about, nil
}

func welcomeActivity(_ *Bot, r *Request, l Lang, _ *Member) (Message, []string, error) {
	last := " " + l.T("newcomers.last")
	as, err := r.newcomers().UpcomingActivities(r.Ctx, r.House.ID, r.Now)
	if err != nil {
		return Message{}, nil, err
	}
	for _, a := range as {
		if a.StartsAt.After(r.Now) {
			return Message{
				Text:    l.T("newcomers.activity", "Title", a.Title, "ID", a.ID, "When", FormatTime(l, a.StartsAt, r.House.Location)) + last,
				Choices: rsvpChoicesIn(l, a),
			}, nil, nil
		}
	}
	return Message{Text: l.T("newcomers.activity.none") + last}, nil, nil
}
