package bot

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/porchlight/porchlight/i18n"
)

// One resident's recent weeks, for the House Mentors and operators who look
// out for them: check-ins answered and missed, mood over time (only from
// answers the reader may read), requests for support, days they connected
// with their accountability partner, and activities. It goes to the reader
// alone, by direct message with a chart, and every read is audited.

// Weeks /history covers: four by default, at most twelve (a quarter, well
// inside the retention of free text, and short enough to read on a phone).
const (
	historyWeeks    = 4
	historyMaxWeeks = 12
)

func (b *Bot) registerHistory() {
	b.reg.Add(&Command{
		Name:        "history",
		Description: "cmd.history.desc",
		Roles:       Staff,
		// What a resident hears who asks: kind, and pointing at what is
		// theirs, in their language.
		Refusal: i18n.ID("history.refusal"),
		Run:     b.cmdResidentHistory,
		Prepare: b.prepareResidentHistory,
		Options: []Option{
			{Name: "resident", Description: "cmd.history.opt.resident.desc", Type: OptUser, Required: true},
			{Name: "weeks", Description: "cmd.history.opt.weeks.desc", Type: OptInt},
		},
	})
}

// historyWeek is one week of a resident's history.
type historyWeek struct {
	start                     time.Time
	expected, answered, moods int
	moodSum, missed, paused   int
	hidden, reachOut          int
	partnerDays               int
	going, came               int
}

// cmdResidentHistory sends the caller a resident's recent weeks by direct
// message. Its reading and rendering happen before the write transaction
// (prepareResidentHistory); here it only records the read and queues the
// message, or, if nothing was prepared, does it all.
func (b *Bot) cmdResidentHistory(r *Request) (Response, error) {
	p, ok := r.Prepared.(*preparedHistory)
	if !ok || !p.matches(r) {
		render, err := b.prepareResidentHistory(r)
		if err != nil {
			return Response{}, err
		}
		out, err := render()
		if err != nil {
			return Response{}, err
		}
		p = out.(*preparedHistory)
	}
	if err := r.Audit("history.read", fmt.Sprintf("member:%d weeks:%d", p.member.ID, p.weeks)); err != nil {
		return Response{}, err
	}
	// The message names the resident and their partners: erasing any of
	// them finds it.
	if _, err := r.DMAbout(r.Event.User.ID, MsgHistory, p.msg, append(p.partnerIDs, p.member.UserID)...); err != nil {
		return Response{}, err
	}
	return Response{Messages: []Message{{Text: r.Lang().N("history.sent", p.weeks, "Name", p.name)}}}, nil
}

// preparedHistory is /history's read and rendered message, for one reader
// in one role.
type preparedHistory struct {
	role       Role
	readerID   string
	houseID    int64
	args       Args
	member     *Member
	name       string
	weeks      int
	partnerIDs []string
	msg        Message
}

// matches reports whether p is the history r asks for, read for the same
// reader in the same role: what the reader may see depends on it.
func (p *preparedHistory) matches(r *Request) bool {
	return p.role == r.Role && p.readerID == r.Event.User.ID && p.houseID == r.House.ID &&
		p.args.String("resident") == r.Args.String("resident") && p.args.Has("weeks") == r.Args.Has("weeks") &&
		(!p.args.Has("weeks") || p.args.Int("weeks") == r.Args.Int("weeks"))
}

// prepareResidentHistory is /history's Prepare: the resident's weeks read
// in the read transaction, the text and chart rendered after it.
func (b *Bot) prepareResidentHistory(r *Request) (func() (any, error), error) {
	weeks := historyWeeks
	if r.Args.Has("weeks") {
		weeks = r.Args.Int("weeks")
		if weeks < 1 || weeks > historyMaxWeeks {
			return nil, Fail(EInvalid, "history.bad_weeks", "Max", historyMaxWeeks)
		}
	}
	userID := r.Args.String("resident")
	name, err := r.nameOf(userID)
	if err != nil {
		return nil, err
	}
	m, err := r.histories().MemberByUser(r.Ctx, r.House.ID, userID)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, Fail(ENotFound, "history.not_joined", "Name", name, "House", r.House.Name)
	case err != nil:
		return nil, fmt.Errorf("load member: %w", err)
	case !m.Active():
		return nil, Fail(ENotFound, "history.not_resident", "Name", name, "House", r.House.Name)
	}
	loc := r.House.Location
	thisWeek, _ := WeekStart(ISOWeek(r.Now, loc), loc)
	from := thisWeek.AddDate(0, 0, -7*(weeks-1))
	ws := make([]historyWeek, weeks)
	for i := range ws {
		ws[i].start = from.AddDate(0, 0, 7*i)
	}
	weekOf := func(t time.Time) *historyWeek {
		for i := len(ws) - 1; i >= 0; i-- {
			if !t.Before(ws[i].start) {
				return &ws[i]
			}
		}
		return nil
	}
	viewer := Viewer{Role: r.Role}
	if r.Member != nil {
		viewer.MemberID = r.Member.ID
	}
	// The query applies each answer's visibility: a mood the reader may
	// not read never leaves the store.
	checkins, err := r.histories().ResidentCheckins(r.Ctx, m.ID, from, r.Now, viewer)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	for _, c := range checkins {
		w := weekOf(c.ScheduledFor)
		switch {
		case w == nil:
		case c.Answered:
			w.expected++
			w.answered++
			if c.ReachOut {
				w.reachOut++
			}
			if !c.Visible {
				w.hidden++
			} else if c.Mood > 0 {
				w.moods++
				w.moodSum += c.Mood
			}
		case c.Miss == MissMissed:
			w.expected++
			w.missed++
		case c.Miss == MissPaused:
			w.paused++
		}
	}
	// It goes to the caller alone, in their language.
	l := r.Lang()
	support, err := b.historySupport(r, l, m, from)
	if err != nil {
		return nil, err
	}
	partner, partnerIDs, err := b.historyPartners(r, m, ws)
	if err != nil {
		return nil, err
	}
	acts, err := b.historyActivities(r, l, m, from, weekOf)
	if err != nil {
		return nil, err
	}
	p := &preparedHistory{role: r.Role, readerID: r.Event.User.ID, houseID: r.House.ID, args: r.Args, member: m, name: name, weeks: weeks, partnerIDs: partnerIDs}
	// After the read transaction: the text, and the chart.
	return func() (any, error) {
		p.msg = Message{Text: historyText(r, l, name, ws, checkins, support, partner, acts)}
		if b.chart != nil {
			trend := make([]DigestWeek, len(ws))
			for i, w := range ws {
				trend[i] = DigestWeek{Week: ISOWeek(w.start, loc), ParticipationRate: ratio(w.answered, w.expected), MoodAvg: avg(w.moodSum, w.moods)}
			}
			png, err := b.chart(l, l.N("history.chart.title", weeks, "Name", name), trend)
			if err != nil {
				r.Log.Warn("history chart failed; sending the text only", "err", err)
			} else {
				p.msg.Attachment = &Attachment{Name: "history.png", ContentType: "image/png", Data: png}
			}
		}
		return p, nil
	}, nil
}

// historySupport lists a resident's requests for someone to reach out that
// came as alerts (a check-in's request is counted per week), and crisis
// alerts with how soon a mentor was on it: what mentors were told already.
func (b *Bot) historySupport(r *Request, l Lang, m *Member, from time.Time) ([]string, error) {
	alerts, err := r.histories().CrisisAlertsBetween(r.Ctx, r.House.ID, from, r.Now)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	var out []string
	for _, a := range alerts {
		if a.UserID != m.UserID {
			continue
		}
		when := l.Date(r.Local(a.CreatedAt), i18n.DateShort)
		switch {
		case !a.Kind.Urgent():
			out = append(out, l.T("history.support.reach_out", "When", when))
		case !a.AckedAt.IsZero():
			out = append(out, l.T("history.support.alert_acknowledged", "When", when, "Minutes", fmt.Sprintf("%.0f", a.AckedAt.Sub(a.CreatedAt).Minutes())))
		default:
			out = append(out, l.T("history.support.alert", "When", when))
		}
	}
	return out, nil
}

// historyPartners counts, per week, the days the resident's pair
// connected, and names the partners they had, with their platform user
// ids.
func (b *Bot) historyPartners(r *Request, m *Member, ws []historyWeek) (names, users []string, err error) {
	last := ws[len(ws)-1].start.AddDate(0, 0, 7)
	pairs, err := r.histories().PairsBetween(r.Ctx, r.House.ID, ws[0].start, last)
	if err != nil {
		return nil, nil, fmt.Errorf("pairs: %w", err)
	}
	for _, p := range pairs {
		if !slices.Contains(p.Members, m.ID) {
			continue
		}
		for _, id := range p.Members {
			if id == m.ID {
				continue
			}
			other, err := r.histories().MemberByID(r.Ctx, id)
			if err != nil {
				return nil, nil, fmt.Errorf("partner: %w", err)
			}
			names = append(names, displayName(User{Name: other.Name}))
			users = append(users, other.UserID)
		}
		for i := range ws {
			n, err := r.histories().PairContactDays(r.Ctx, p.ID, ws[i].start.Format(time.DateOnly), ws[i].start.AddDate(0, 0, 7).Format(time.DateOnly))
			if err != nil {
				return nil, nil, fmt.Errorf("contacts: %w", err)
			}
			ws[i].partnerDays += n
		}
	}
	return names, users, nil
}

// historyActivities lists the activities the resident said they would go
// to or came to, and counts them per week.
func (b *Bot) historyActivities(r *Request, l Lang, m *Member, from time.Time, weekOf func(time.Time) *historyWeek) ([]string, error) {
	as, err := r.histories().ActivitiesBetween(r.Ctx, r.House.ID, from, r.Now)
	if err != nil {
		return nil, fmt.Errorf("activities: %w", err)
	}
	var out []string
	for _, a := range as {
		rsvps, err := r.histories().RSVPs(r.Ctx, a.ID)
		if err != nil {
			return nil, fmt.Errorf("rsvps: %w", err)
		}
		going := false
		for _, v := range rsvps {
			going = going || (v.MemberID == m.ID && v.Status == RSVPGoing)
		}
		came, err := r.histories().Attendance(r.Ctx, a.ID)
		if err != nil {
			return nil, fmt.Errorf("attendance: %w", err)
		}
		here := slices.Contains(came, m.ID)
		if !going && !here {
			continue
		}
		w := weekOf(a.StartsAt)
		var what string
		switch {
		case here:
			what = l.T("history.activity.came")
		case a.Status != "scheduled":
			what = l.T("history.activity.off", "Status", l.T(activityStatusWords[a.Status]))
		case a.EndedAt.IsZero():
			what = l.T("history.activity.going")
		default:
			what = l.T("history.activity.not_marked")
		}
		line := l.T("history.activity", "Title", a.Title, "When", l.Date(r.Local(a.StartsAt), i18n.DateShort), "What", what)
		if w != nil && a.Status == "scheduled" {
			if going {
				w.going++
			}
			if here {
				w.came++
			}
		}
		out = append(out, line)
	}
	return out, nil
}

// historyText renders a resident's history in l: the totals, one line a
// week, then support, partner and activities. It never quotes an answer.
func historyText(r *Request, l Lang, name string, ws []historyWeek, checkins []ResidentCheckin, support, partners, acts []string) string {
	loc := r.House.Location
	var total historyWeek
	for _, w := range ws {
		total.expected += w.expected
		total.answered += w.answered
		total.missed += w.missed
		total.paused += w.paused
		total.hidden += w.hidden
		total.reachOut += w.reachOut
	}
	lines := []string{l.N("history.title", len(ws), "Name", name, "From", l.Date(ws[0].start, i18n.DateShort), "To", l.Date(r.Local(r.Now), i18n.DateShort))}
	summary := l.T("history.checkins", "Answered", total.answered, "Expected", total.expected, "Missed", total.missed)
	if total.expected == 0 {
		summary = l.T("history.checkins.none")
	}
	if total.paused > 0 {
		summary += l.T("history.checkins.paused", "Count", total.paused)
	}
	if streak := missStreak(checkins); streak >= 2 {
		summary += l.T("history.checkins.streak", "Count", streak)
	}
	lines = append(lines, summary+".")
	if total.hidden > 0 {
		lines = append(lines, l.N("history.private", total.hidden))
	}
	lines = append(lines, "", l.T("history.weeks"))
	for _, w := range ws {
		parts := []string{l.T("history.week.answered", "Answered", w.answered, "Expected", w.expected)}
		if w.expected == 0 {
			parts = []string{l.T("history.week.none")}
		}
		if w.paused > 0 {
			parts = append(parts, l.T("history.week.paused", "Count", w.paused))
		}
		if w.moods > 0 {
			parts = append(parts, l.T("history.week.mood", "Mood", fmt.Sprintf("%.1f", float64(w.moodSum)/float64(w.moods))))
		}
		if w.reachOut > 0 {
			parts = append(parts, l.N("history.week.reach_out", w.reachOut))
		}
		if w.partnerDays > 0 {
			parts = append(parts, l.N("history.week.partner", w.partnerDays))
		}
		if w.going > 0 || w.came > 0 {
			parts = append(parts, l.N("history.week.activities", w.going, "Came", w.came))
		}
		_, label, _ := strings.Cut(ISOWeek(w.start, loc), "-")
		lines = append(lines, fmt.Sprintf("• %s (%s): %s", label, l.Date(w.start, i18n.DateDayMonth), strings.Join(parts, " · ")))
	}
	lines = append(lines, "", l.T("history.support"))
	if total.reachOut == 0 && len(support) == 0 {
		lines = append(lines, "• "+l.T("history.support.none"))
	}
	if total.reachOut > 0 {
		lines = append(lines, "• "+l.N("history.support.checkins", total.reachOut))
	}
	for _, s := range support {
		lines = append(lines, "• "+s)
	}
	lines = append(lines, "", l.T("history.partner"))
	if len(partners) == 0 {
		lines = append(lines, "• "+l.T("history.partner.none"))
	} else {
		lines = append(lines, "• "+listAnd(l, partners))
	}
	lines = append(lines, "", l.T("history.activities"))
	if len(acts) == 0 {
		lines = append(lines, "• "+l.T("history.activities.none"))
	}
	for _, a := range acts {
		lines = append(lines, "• "+a)
	}
	return strings.Join(lines, "\n")
}

// missStreak counts the misses at the end of a resident's check-ins.
func missStreak(cs []ResidentCheckin) int {
	n := 0
	for i := len(cs) - 1; i >= 0; i-- {
		switch {
		case cs[i].Miss == MissMissed:
			n++
		case cs[i].Answered:
			return n
		}
	}
	return n
}
