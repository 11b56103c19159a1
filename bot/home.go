package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// The home page: on platforms that give each member a page of the app's
// own (Slack's App Home), what matters to them now. A resident sees their
// next check-in, their own streak of answered check-ins (never anyone
// else's), their upcoming activities and RSVPs, their accountability
// partner, and buttons to check in, pause and find crisis resources. A
// House Mentor or operator also sees the house's open alerts and this
// week's participation, as counts. The core builds the page as a Home; the
// adapter renders it.
//
// A page is built afresh whenever it is shown: when the member opens it,
// and when a refresh queued in the outbox (TargetHome) is sent. Refreshes
// are queued in the transaction of the change, so they survive a restart;
// one pending refresh per home absorbs the changes that follow it.

// Home is one person's home page, with a section per house they belong to
// or look after on the platform.
type Home struct {
	Houses []HomeHouse
}

// HomeHouse is one house's section of a home page.
type HomeHouse struct {
	// Name is the house's name; Location its time zone, for the times.
	Name     string
	Location *time.Location
	// Role is the person's role in the house.
	Role Role
	// Lang is the person's language in the house (their /language choice,
	// else the house's): the section's texts below are in it, and the
	// adapter writes what it adds around them in it too.
	Lang Lang
	// Joined is true for an active member; the resident part below is
	// empty otherwise.
	Joined bool
	// Round is a check-in round open now, if any, and Answered whether
	// the member has answered it.
	Round    *Round
	Answered bool
	// NextCheckin is when the next round opens, zero when the schedule
	// does not say.
	NextCheckin time.Time
	// Streak is the member's check-ins answered in a row.
	Streak int
	// PausedUntil is set while the member's check-ins are paused.
	PausedUntil time.Time
	// Partner is the name of the member's accountability partner, "" for
	// none.
	Partner string
	// Activities are the house's upcoming activities, with the member's
	// answer to each.
	Activities []HomeActivity
	// Staff is set for House Mentors and operators.
	Staff *HomeStaff
	// Choices are the section's buttons: check in, pause or resume, crisis
	// resources.
	Choices []Choice
}

// HomeActivity is an upcoming activity and the member's answer to it.
type HomeActivity struct {
	ID       int64
	Title    string
	Place    string
	StartsAt time.Time
	// RSVP is the member's answer in words in the reader's language
	// ("going", "maybe"), "" for none.
	RSVP string
}

// HomeStaff is what House Mentors and operators see: counts and the open
// alerts they are asked to act on, never anyone's answers.
type HomeStaff struct {
	// Alerts are the open (unacknowledged) requests for a House Mentor,
	// newest first, each with its "I'm on it" button.
	Alerts []HomeAlert
	// MoreAlerts says there are open alerts beyond those listed.
	MoreAlerts bool
	// Week counts the check-ins since the start of the house's week.
	Week HomeWeek
}

// HomeAlert is one open request for a House Mentor. Its words say only
// what the alert's own message says (a request for a relapse never says
// why).
type HomeAlert struct {
	Name   string
	Kind   AlertKind
	At     time.Time
	Choice Choice
}

// HomeWeek is this week's participation in a house: counts only, private
// answers included, as in the digest.
type HomeWeek struct {
	// From is the start of the week (Monday, house time).
	From time.Time
	// Rounds is the rounds opened since From; Answers the answers to them,
	// Missed the recorded misses, Residents the active members now.
	Rounds, Answers, Missed, Residents int
}

// HomeSource builds a person's home page. *Bot implements it; an adapter
// whose platform has home pages gets it as the Handler in Run.
type HomeSource interface {
	Home(ctx context.Context, platform, userID string) (Home, error)
}

// homeAlertsShown bounds the alerts listed on a home page; the rest are
// counted.
const homeAlertsShown = 10

// homeAlertsSince is how far back an open alert is still shown.
const homeAlertsSince = 30 * 24 * time.Hour

// Delays before a queued refresh of a home is sent: the actor's own page
// follows their action at once, give or take a conversation's next
// answer; pages changed by others' actions wait a little, so that a busy
// check-in costs each House Mentor one refresh, not one per answer.
const (
	homeOwnDelay   = 2 * time.Second
	homeOthersWait = 30 * time.Second
)

// registerHome registers the home page's buttons and the form of its
// Pause button.
func (b *Bot) registerHome() {
	b.action("home", Anyone, b.actHome)
	b.form("pause", formRoute{roles: Members, build: func(r *Request, _ []string) (Form, error) { return pauseForm(r.Lang()), nil }, submit: b.submitPause})
}

// pauseForm asks a resident, in l, until when to pause their check-ins.
func pauseForm(l Lang) Form {
	return Form{ID: "pause:self", Title: l.T("home.pause.title"), Submit: l.T("home.pause.submit.button"), Fields: []Field{
		{ID: "until", Kind: KindDate, Label: l.T("home.pause.until.label"), Required: true, Help: l.T("home.pause.until.help")},
	}}
}

// submitPause pauses the resident until the date they picked.
func (b *Bot) submitPause(r *Request, _ []string, vals map[string]string) (Response, error) {
	resp, err := b.pauseSelf(r, vals["until"])
	if ErrorCode(err) == EInvalid {
		f := pauseForm(r.Lang()).Prefill(vals)
		return Response{FieldErrors: map[string]string{"until": ErrorText(r.Lang(), err)}, Reopen: &f}, nil
	}
	return resp, err
}

// actHome handles the home page's buttons: home:pause, home:resume and
// home:resources. Checking in uses the check-in's own button.
func (b *Bot) actHome(r *Request, parts []string) (Response, error) {
	if len(parts) != 1 {
		return Response{}, errBadButton
	}
	switch parts[0] {
	case "resources":
		return resourcesReplyIn(r.House, r.Lang()), nil
	case "pause":
		if r.Member == nil || !r.Member.Active() {
			return Response{}, errNotJoined
		}
		return b.openForm(r, pauseForm(r.Lang()), nil)
	case "resume":
		return b.cmdResume(r)
	}
	return Response{}, errBadButton
}

// Home builds a person's home page as of now, in one read-only
// transaction. Each query returns only what the person may see: their own
// rows, and for staff the house's counts and open alerts.
func (b *Bot) Home(ctx context.Context, platform, userID string) (Home, error) {
	now := b.clock.Now()
	var home Home
	err := b.store.View(ctx, func(tx Tx) error {
		home = Home{}
		houses, err := b.homeHouses(ctx, tx, platform, userID)
		if err != nil {
			return err
		}
		for _, h := range houses {
			r := &Request{Ctx: ctx, Tx: tx, Now: now, Log: b.log, Role: RoleGuest, bot: b,
				Event: Event{Platform: platform, User: User{ID: userID}}}
			if err := b.setHouse(r, h); err != nil {
				return err
			}
			if r.Role == RoleGuest {
				continue
			}
			hh, err := b.homeHouse(r)
			if err != nil {
				return fmt.Errorf("home of house %d: %w", h.ID, err)
			}
			home.Houses = append(home.Houses, hh)
		}
		return nil
	})
	return home, err
}

// homeHouses are the houses on platform, in config order, where the user
// may have a role: those of their memberships, those whose config names
// them, and those where a role was granted them. Elsewhere they are a
// guest, whom Home leaves out. The store is asked by user, so that a page
// costs what the person's houses do, not a read of every house on the
// platform.
func (b *Bot) homeHouses(ctx context.Context, tx Tx, platform, userID string) ([]*House, error) {
	ms, err := tx.MembershipsOf(ctx, platform, userID)
	if err != nil {
		return nil, fmt.Errorf("memberships: %w", err)
	}
	granted, err := tx.GrantedHouses(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("granted houses: %w", err)
	}
	ids := make(map[int64]bool, len(ms)+len(granted))
	for _, m := range ms {
		ids[m.HouseID] = true
	}
	for _, id := range granted {
		ids[id] = true
	}
	var out []*House
	for _, h := range b.onPlatform[platform] {
		if ids[h.ID] || h.IsOperator(userID) || h.IsConfigMentor(userID) {
			out = append(out, h)
		}
	}
	return out, nil
}

// homeHouse builds the section of the request's house.
func (b *Bot) homeHouse(r *Request) (HomeHouse, error) {
	h := r.House
	hh := HomeHouse{Name: h.Name, Location: h.Location, Role: r.Role, Lang: r.Lang()}
	if m := r.Member; m != nil && m.Active() {
		if err := b.homeResident(r, &hh); err != nil {
			return hh, err
		}
	}
	if r.Role.Has(Staff) {
		st, err := b.homeStaff(r)
		if err != nil {
			return hh, err
		}
		hh.Staff = st
	}
	hh.Choices = append(hh.Choices, Choice{ID: "home:resources", Label: hh.Lang.T("home.resources.button")})
	return hh, nil
}

// homeResident fills in a member's own part: check-ins, streak, pause,
// partner and activities.
func (b *Bot) homeResident(r *Request, hh *HomeHouse) error {
	m, st := r.Member, r.homes()
	hh.Joined = true
	if m.Paused(r.Now) {
		hh.PausedUntil = m.PausedUntil
	}
	rounds, err := st.OpenRounds(r.Ctx, r.House.ID)
	if err != nil {
		return fmt.Errorf("open rounds: %w", err)
	}
	for _, rd := range rounds {
		if r.Now.Before(rd.ClosesAt) {
			hh.Round = rd
			break
		}
	}
	if hh.Round != nil {
		_, err := st.AnswerOf(r.Ctx, hh.Round.ID, m.ID)
		switch {
		case err == nil:
			hh.Answered = true
		case !errors.Is(err, ErrNotFound):
			return fmt.Errorf("answer: %w", err)
		}
		label := hh.Lang.T("home.checkin.button")
		if hh.Answered {
			label = hh.Lang.T("home.checkin.change.button")
		}
		hh.Choices = append(hh.Choices, Choice{ID: fmt.Sprintf("checkin:open:%d", hh.Round.ID), Label: label, Style: StylePrimary})
	}
	hh.NextCheckin = b.nextRound(r)
	if hh.Streak, err = st.AnswerStreak(r.Ctx, m.ID); err != nil {
		return fmt.Errorf("streak: %w", err)
	}
	if hh.PausedUntil.IsZero() {
		hh.Choices = append(hh.Choices, Choice{ID: "home:pause", Label: hh.Lang.T("home.pause.button")})
	} else {
		hh.Choices = append(hh.Choices, Choice{ID: "home:resume", Label: hh.Lang.T("home.resume.button")})
	}
	switch p, err := st.PairOf(r.Ctx, m.ID); {
	case err == nil:
		for _, id := range p.Members {
			if id == m.ID {
				continue
			}
			other, err := st.MemberByID(r.Ctx, id)
			if err != nil {
				return fmt.Errorf("partner: %w", err)
			}
			hh.Partner = displayName(User{Name: other.Name})
		}
	case !errors.Is(err, ErrNotFound):
		return fmt.Errorf("pair: %w", err)
	}
	as, err := st.UpcomingActivities(r.Ctx, r.House.ID, r.Now)
	if err != nil {
		return fmt.Errorf("activities: %w", err)
	}
	for _, a := range as {
		ha := HomeActivity{ID: a.ID, Title: a.Title, Place: a.Place, StartsAt: a.StartsAt}
		rsvps, err := st.RSVPs(r.Ctx, a.ID)
		if err != nil {
			return fmt.Errorf("rsvps: %w", err)
		}
		if i := slices.IndexFunc(rsvps, func(v RSVP) bool { return v.MemberID == m.ID }); i >= 0 {
			ha.RSVP = hh.Lang.T(rsvpWords[rsvps[i].Status])
		}
		hh.Activities = append(hh.Activities, ha)
	}
	return nil
}

// homeStaff counts this week's check-ins and lists the open alerts.
func (b *Bot) homeStaff(r *Request) (*HomeStaff, error) {
	st := r.homes()
	out := &HomeStaff{}
	// An operator who is not a House Mentor sees an alert once it was sent
	// on to them (escalated), as they were told of it then; House Mentors
	// see every open one.
	escalatedOnly := !r.Role.Has(RoleMentor)
	alerts, err := st.OpenCrisisAlerts(r.Ctx, r.House.ID, r.Now.Add(-homeAlertsSince), escalatedOnly, homeAlertsShown+1)
	if err != nil {
		return nil, fmt.Errorf("open alerts: %w", err)
	}
	if len(alerts) > homeAlertsShown {
		alerts, out.MoreAlerts = alerts[:homeAlertsShown], true
	}
	for _, a := range alerts {
		out.Alerts = append(out.Alerts, HomeAlert{Name: a.Name, Kind: a.Kind, At: a.CreatedAt, Choice: ackChoiceIn(a, r.Lang())})
	}
	day := dayStart(r.Now, r.House.Location)
	from := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	out.Week.From = from
	rounds, err := st.RoundsBetween(r.Ctx, r.House.ID, from, r.Now.Add(time.Second))
	if err != nil {
		return nil, fmt.Errorf("rounds: %w", err)
	}
	for _, rd := range rounds {
		if rd.Status == RoundSkipped {
			continue
		}
		out.Week.Rounds++
		n, err := st.CountAnswers(r.Ctx, rd.ID)
		if err != nil {
			return nil, fmt.Errorf("count answers: %w", err)
		}
		out.Week.Answers += n
		misses, err := st.RoundMisses(r.Ctx, rd.ID)
		if err != nil {
			return nil, fmt.Errorf("misses: %w", err)
		}
		for _, mi := range misses {
			if mi.Status == MissMissed {
				out.Week.Missed++
			}
		}
	}
	ms, err := st.Members(r.Ctx, r.House.ID)
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	out.Week.Residents = len(ms)
	return out, nil
}

// homeStale queues a refresh of the home pages of users in the request's
// house, to be sent after wait; nothing on a platform without home pages.
func (r *Request) homeStale(wait time.Duration, users ...string) error {
	if r.House == nil || !r.bot.homePlatforms[r.House.Platform] {
		return nil
	}
	for _, u := range users {
		if u == "" {
			continue
		}
		m := &OutboxMessage{HouseID: r.House.ID, Platform: r.House.Platform, CreatedAt: r.Now, NextAt: r.Now.Add(wait),
			Out: Outgoing{Target: Target{Kind: TargetHome, User: u}}}
		if err := r.homes().QueueHome(r.Ctx, m); err != nil {
			return fmt.Errorf("queue home: %w", err)
		}
	}
	return nil
}

// staffHomesStale queues refreshes of the house's staff's pages: their
// alerts or counts changed.
func (r *Request) staffHomesStale() error {
	if r.House == nil || !r.bot.homePlatforms[r.House.Platform] {
		return nil
	}
	mentors, err := r.Mentors()
	if err != nil {
		return err
	}
	return r.homeStale(homeOthersWait, append(mentors, r.House.Operators...)...)
}

// houseHomesStale queues refreshes of every page in the house: a round
// opened or closed, an activity changed.
func (r *Request) houseHomesStale() error {
	if r.House == nil || !r.bot.homePlatforms[r.House.Platform] {
		return nil
	}
	ms, err := r.homes().Members(r.Ctx, r.House.ID)
	if err != nil {
		return fmt.Errorf("members: %w", err)
	}
	users := make([]string, 0, len(ms))
	for _, m := range ms {
		users = append(users, m.UserID)
	}
	if err := r.homeStale(homeOthersWait, users...); err != nil {
		return err
	}
	return r.staffHomesStale()
}

// actorHomeStale queues refreshes after an event: the actor's own page at
// once, and the staff's pages, whose counts and alerts an event may have
// changed, a little later. Guests have no page.
func (r *Request) actorHomeStale() error {
	if r.House == nil || (r.Member == nil && r.Role == RoleGuest) {
		return nil
	}
	if err := r.homeStale(homeOwnDelay, r.Event.User.ID); err != nil {
		return err
	}
	return r.staffHomesStale()
}
