package bot

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
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

// historyRefusal is what a resident hears who asks for /history: kind, and
// pointing at what is theirs.
var historyRefusal = "That one is for House Mentors, so they can look out for everyone. Your own check-ins are always yours to see: " + Cmd("checkin history") + "."

func (b *Bot) registerHistory() {
	b.reg.Add(&Command{
		Name:        "history",
		Description: "cmd.history.desc",
		Roles:       Staff,
		Refusal:     historyRefusal,
		Run:         b.cmdResidentHistory,
		Prepare:     b.prepareResidentHistory,
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
	return Reply("I've sent you %s's last %d week(s) by direct message. Only you can see it.", p.name, p.weeks), nil
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
			return nil, Errorf(EInvalid, "<weeks> must be from 1 to %d: how many weeks back from this one.", historyMaxWeeks)
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
		return nil, Errorf(ENotFound, "%s hasn't joined %s's check-ins, so there's no history to show.", name, r.House.Name)
	case err != nil:
		return nil, fmt.Errorf("load member: %w", err)
	case !m.Active():
		return nil, Errorf(ENotFound, "%s isn't a resident of %s any more, so I don't show their history.", name, r.House.Name)
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
	support, err := b.historySupport(r, m, from)
	if err != nil {
		return nil, err
	}
	partner, partnerIDs, err := b.historyPartners(r, m, ws)
	if err != nil {
		return nil, err
	}
	acts, err := b.historyActivities(r, m, from, weekOf)
	if err != nil {
		return nil, err
	}
	p := &preparedHistory{role: r.Role, readerID: r.Event.User.ID, houseID: r.House.ID, args: r.Args, member: m, name: name, weeks: weeks, partnerIDs: partnerIDs}
	// After the read transaction: the text, and the chart.
	return func() (any, error) {
		p.msg = Message{Text: historyText(r, name, ws, checkins, support, partner, acts)}
		if b.chart != nil {
			trend := make([]DigestWeek, len(ws))
			for i, w := range ws {
				trend[i] = DigestWeek{Week: ISOWeek(w.start, loc), ParticipationRate: ratio(w.answered, w.expected), MoodAvg: avg(w.moodSum, w.moods)}
			}
			png, err := b.chart(fmt.Sprintf("%s — last %d week(s)", name, weeks), trend)
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
func (b *Bot) historySupport(r *Request, m *Member, from time.Time) ([]string, error) {
	alerts, err := r.histories().CrisisAlertsBetween(r.Ctx, r.House.ID, from, r.Now)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	var out []string
	for _, a := range alerts {
		if a.UserID != m.UserID {
			continue
		}
		when := r.Local(a.CreatedAt).Format("Mon 2 Jan")
		if !a.Kind.Urgent() {
			out = append(out, fmt.Sprintf("%s: asked for a House Mentor to reach out", when))
			continue
		}
		line := when + ": crisis alert"
		if !a.AckedAt.IsZero() {
			line += fmt.Sprintf(", a House Mentor was on it after %.0f min", a.AckedAt.Sub(a.CreatedAt).Minutes())
		} else {
			line += ", not acknowledged"
		}
		out = append(out, line)
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
func (b *Bot) historyActivities(r *Request, m *Member, from time.Time, weekOf func(time.Time) *historyWeek) ([]string, error) {
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
		line := fmt.Sprintf("%s, %s: ", a.Title, r.Local(a.StartsAt).Format("Mon 2 Jan"))
		switch {
		case here:
			line += "came"
		case a.Status != "scheduled":
			line += "said going; it was " + a.Status
		case a.EndedAt.IsZero():
			line += "going"
		default:
			line += "said going; not marked as there"
		}
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

// historyText renders a resident's history: the totals, one line a week,
// then support, partner and activities. It never quotes an answer.
func historyText(r *Request, name string, ws []historyWeek, checkins []ResidentCheckin, support, partners, acts []string) string {
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
	lines := []string{fmt.Sprintf("*%s — the last %d week(s)* (%s – %s). Only you got this.", name, len(ws),
		ws[0].start.Format("Mon 2 Jan"), r.Local(r.Now).Format("Mon 2 Jan"))}
	summary := fmt.Sprintf("*Check-ins:* %d of %d answered, %d missed", total.answered, total.expected, total.missed)
	if total.expected == 0 {
		summary = "*Check-ins:* none answered or missed in these weeks"
	}
	if total.paused > 0 {
		summary += fmt.Sprintf(", %d while paused", total.paused)
	}
	if streak := missStreak(checkins); streak >= 2 {
		summary += fmt.Sprintf(". ⚠️ The last %d missed in a row", streak)
	}
	lines = append(lines, summary+".")
	if total.hidden > 0 {
		lines = append(lines, fmt.Sprintf("%d answer(s) were kept private: counted as answered, never shown.", total.hidden))
	}
	lines = append(lines, "", "*Week by week* (mood only from answers shared with you)")
	for _, w := range ws {
		parts := []string{fmt.Sprintf("%d of %d", w.answered, w.expected)}
		if w.expected == 0 {
			parts = []string{"no check-ins"}
		}
		if w.paused > 0 {
			parts = append(parts, fmt.Sprintf("paused for %d", w.paused))
		}
		if w.moods > 0 {
			parts = append(parts, "mood "+fmt.Sprintf("%.1f", float64(w.moodSum)/float64(w.moods)))
		}
		if w.reachOut > 0 {
			parts = append(parts, fmt.Sprintf("asked for someone to reach out %d time(s)", w.reachOut))
		}
		if w.partnerDays > 0 {
			parts = append(parts, fmt.Sprintf("connected with their partner on %d day(s)", w.partnerDays))
		}
		if w.going > 0 || w.came > 0 {
			parts = append(parts, fmt.Sprintf("came to %d of %d activities", w.came, w.going))
		}
		_, label, _ := strings.Cut(ISOWeek(w.start, loc), "-")
		lines = append(lines, fmt.Sprintf("• %s (%s): %s", label, w.start.Format("2 Jan"), strings.Join(parts, " · ")))
	}
	lines = append(lines, "", "*Support*")
	if total.reachOut == 0 && len(support) == 0 {
		lines = append(lines, "• No requests for support.")
	}
	if total.reachOut > 0 {
		lines = append(lines, fmt.Sprintf("• Asked for someone to reach out in %d check-in(s).", total.reachOut))
	}
	for _, s := range support {
		lines = append(lines, "• "+s)
	}
	lines = append(lines, "", "*Accountability partner*")
	if len(partners) == 0 {
		lines = append(lines, "• No partner in these weeks.")
	} else {
		lines = append(lines, "• "+joinAnd(partners))
	}
	lines = append(lines, "", "*Activities*")
	if len(acts) == 0 {
		lines = append(lines, "• None said going or came.")
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
