package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The weekly digest: how each house did last week, for its operators (and
// mentors, if the house says so). Per-resident moods appear only where the
// reader may see the answers; house averages need at least three residents.

// JobDigest is the weekly digest job.
const JobDigest = "digest.weekly"

// MinGroup is the fewest residents an average may be shown for: fewer, and
// the average would tell too much about each of them. The same holds for
// the residents whose moods a reader may not see (see houseMood).
const MinGroup = 3

// trendWeeks is how many weeks the chart shows; the mood trend in the text
// is the last four of them.
const trendWeeks = 8

// DigestSchemaVersion is the version of the digest's JSON contract: 1 had
// the keys up to milestones and trend; 2 added schema_version, mentoring
// and goals; 3 added meetings and chores. Additions raise it; fields are
// never renamed or removed.
const DigestSchemaVersion = 3

// Digest is one house's week. Its JSON form is a documented contract (see
// the README): field names are stable.
type Digest struct {
	// SchemaVersion is DigestSchemaVersion; it changes with the contract.
	SchemaVersion int `json:"schema_version"`

	House       string           `json:"house"`
	Week        string           `json:"week"`
	PeriodStart time.Time        `json:"period_start"`
	PeriodEnd   time.Time        `json:"period_end"`
	Residents   []DigestResident `json:"residents"`
	Totals      DigestTotals     `json:"totals"`
	Activities  []DigestActivity `json:"activities"`
	Partners    DigestPartners   `json:"partners"`
	Support     DigestSupport    `json:"support"`
	Milestones  DigestMilestones `json:"milestones"`
	// Mentoring and Goals (schema version 2) are counts only.
	Mentoring DigestMentoring `json:"mentoring"`
	Goals     DigestGoals     `json:"goals"`
	// Meetings (since version 3) are each resident's recovery meetings
	// against the house's ask; Chores (since version 3) the chores' turns
	// and completion.
	Meetings DigestMeetings `json:"meetings"`
	Chores   DigestChores   `json:"chores"`
	// Trend is the last eight weeks, oldest first, for the chart.
	Trend []DigestWeek `json:"trend"`

	// Lang is the reader's language, which the renderings are written in
	// (English when unset). It is not part of the JSON contract, whose
	// values are codes and numbers in every language.
	Lang Lang `json:"-"`
}

// DigestResident is one resident's week.
type DigestResident struct {
	ID               int64  `json:"id"`
	Name             string `json:"name"`
	CheckinsExpected int    `json:"checkins_expected"`
	CheckinsAnswered int    `json:"checkins_answered"`
	Missed           int    `json:"missed"`
	PausedDays       int    `json:"paused_days"`
	// MoodAvg is null when the reader may see none of the week's moods.
	MoodAvg         *float64 `json:"mood_avg"`
	SupportRequests int      `json:"support_requests"`
	// ConsecutiveMisses counts the misses at the end of the week; two or
	// more are highlighted.
	ConsecutiveMisses int `json:"consecutive_misses"`
	// PingsOff is true when the resident turned partner pings off.
	PingsOff bool `json:"partner_pings_off"`
}

// DigestTotals are the house's numbers.
type DigestTotals struct {
	Expected          int      `json:"checkins_expected"`
	Answered          int      `json:"checkins_answered"`
	ParticipationRate *float64 `json:"participation_rate"`
	// PreviousRate is the week before's rate, for the change.
	PreviousRate *float64 `json:"participation_rate_previous"`
	// MoodAvg is null with fewer than three residents' moods.
	MoodAvg *float64 `json:"mood_avg"`
	// MoodTrend is the average mood of the last four weeks, oldest first.
	MoodTrend []*float64 `json:"mood_trend"`
}

// DigestActivity is an activity of the week.
type DigestActivity struct {
	ID       int64     `json:"id"`
	Title    string    `json:"title"`
	StartsAt time.Time `json:"starts_at"`
	Status   string    `json:"status"`
	Going    int       `json:"going"`
	Maybe    int       `json:"maybe"`
	Attended int       `json:"attended"`
}

// DigestPartners is the week's partner activity.
type DigestPartners struct {
	Pairs         []DigestPair `json:"pairs"`
	Nudges        int          `json:"nudges"`
	PingsSent     int          `json:"pings_sent"`
	PingsAnswered int          `json:"pings_answered"`
	PingsOff      int          `json:"residents_with_pings_off"`
}

// DigestPair is a pair and how many days of the week it connected.
type DigestPair struct {
	Members       []string `json:"members"`
	ConnectedDays int      `json:"connected_days"`
}

// DigestSupport is who asked for help, and how fast a mentor answered.
type DigestSupport struct {
	ReachOutRequests int           `json:"reach_out_requests"`
	CrisisAlerts     []DigestAlert `json:"crisis_alerts"`
}

// DigestAlert is one crisis alert of the week.
type DigestAlert struct {
	Resident string    `json:"resident"`
	At       time.Time `json:"at"`
	// AckMinutes is null when no one acknowledged it.
	AckMinutes *float64 `json:"ack_minutes"`
	Escalated  bool     `json:"escalated"`
}

// DigestMilestones are celebrations (opted-in only) and arrivals and
// departures.
type DigestMilestones struct {
	Celebrated []DigestCelebration `json:"celebrated"`
	Joined     []string            `json:"joined"`
	Left       []string            `json:"left"`
}

// DigestCelebration is one shared milestone.
type DigestCelebration struct {
	Resident string `json:"resident"`
	// Milestone is its English label, as stored ("90 days"); Key is its
	// code ("90d"), which renderings show in the reader's language
	// (MilestoneLabel).
	Milestone string `json:"milestone"`
	Key       string `json:"key"`
}

// DigestWeek is one week of the trend.
type DigestWeek struct {
	Week              string   `json:"week"`
	ParticipationRate *float64 `json:"participation_rate"`
	MoodAvg           *float64 `json:"mood_avg"`
}

// ISOWeek names the ISO week of t in loc: "2026-W47".
func ISOWeek(t time.Time, loc *time.Location) string {
	y, w := t.In(loc).ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// WeekStart returns the Monday 00:00, in loc, that starts an ISO week
// named like "2026-W47". Errors are user-safe.
func WeekStart(week string, loc *time.Location) (time.Time, error) {
	bad := Fail(EInvalid, "digest.bad_week", "Given", quoted(week, 20))
	y, w, ok := strings.Cut(strings.ToUpper(strings.TrimSpace(week)), "-W")
	if !ok {
		return time.Time{}, bad
	}
	year, err1 := strconv.Atoi(y)
	num, err2 := strconv.Atoi(w)
	if err1 != nil || err2 != nil || year < 2000 || year > 2200 || num < 1 || num > 53 {
		return time.Time{}, bad
	}
	// 4 January is always in week 1.
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, loc)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(num-1))
	if gy, _ := monday.ISOWeek(); gy != year && num == 53 {
		return time.Time{}, Fail(EInvalid, "digest.no_week_53", "Year", year)
	}
	return monday, nil
}

// previousWeek is the ISO week before the one containing t.
func previousWeek(t time.Time, loc *time.Location) string {
	start, _ := WeekStart(ISOWeek(t, loc), loc)
	return ISOWeek(start.AddDate(0, 0, -1), loc)
}

func ratio(a, b int) *float64 {
	if b == 0 {
		return nil
	}
	v := float64(a) / float64(b)
	return &v
}

// houseMood is the house's average mood as a reader may see it, or nil.
// The reader sees some moods per resident (those the answers' visibility
// allows them), so the house average minus those would give the average of
// the moods they may not see. It is shown only when that leftover is as
// safe as an average shown to anyone:
//
//   - at least MinGroup residents gave a mood at all;
//   - the hidden moods are nobody's, or come from at least MinGroup
//     residents and take at least two values (all equal, the average
//     would give each of them away);
//   - rounded to one decimal, in the data itself, so that no rendering
//     (JSON included) is more precise than the text.
//
// A withheld average tells a reader at most that the hidden moods are all
// alike, never what they are; TestHouseMoodRevealsNoHiddenMood checks every
// combination of visibilities and moods in houses of three to six.
func houseMood(a AnswerAggregate) *float64 {
	if a.MoodResidents < MinGroup {
		return nil
	}
	if a.HiddenResidents > 0 && (a.HiddenResidents < MinGroup || a.HiddenMoodValues < 2) {
		return nil
	}
	v := math.Round(float64(a.MoodSum)/float64(a.MoodCount)*10) / 10
	return &v
}

func avg(sum, n int) *float64 {
	if n == 0 {
		return nil
	}
	v := float64(sum) / float64(n)
	return &v
}

// buildDigest gathers a house's week for a reader with role reader.
func (b *Bot) buildDigest(r *Request, week string, reader Role) (*Digest, error) {
	h := r.House
	from, err := WeekStart(week, h.Location)
	if err != nil {
		return nil, err
	}
	to := from.AddDate(0, 0, 7)
	d := &Digest{SchemaVersion: DigestSchemaVersion, House: h.Name, Week: week, PeriodStart: from, PeriodEnd: to,
		Residents: []DigestResident{}, Activities: []DigestActivity{}, Partners: DigestPartners{Pairs: []DigestPair{}},
		Support: DigestSupport{CrisisAlerts: []DigestAlert{}}, Milestones: DigestMilestones{Celebrated: []DigestCelebration{}, Joined: []string{}, Left: []string{}}}
	members, err := r.digests().MembersBetween(r.Ctx, h.ID, from, to)
	if err != nil {
		return nil, err
	}
	nameOf := map[int64]string{}
	for _, m := range members {
		nameOf[m.ID] = displayName(User{Name: m.Name})
	}
	if err := b.digestResidents(r, d, members, from, to, reader); err != nil {
		return nil, err
	}
	// The trend: eight weeks ending with this one, one query a week
	// whatever the history kept.
	for i := trendWeeks - 1; i >= 0; i-- {
		ws := from.AddDate(0, 0, -7*i)
		agg, err := r.digests().AggregateAnswers(r.Ctx, h.ID, ws, ws.AddDate(0, 0, 7), Viewer{Role: reader})
		if err != nil {
			return nil, err
		}
		d.Trend = append(d.Trend, DigestWeek{Week: ISOWeek(ws, h.Location), ParticipationRate: ratio(agg.Answered, agg.Expected), MoodAvg: houseMood(agg)})
	}
	last := d.Trend[len(d.Trend)-1]
	d.Totals.ParticipationRate, d.Totals.MoodAvg = last.ParticipationRate, last.MoodAvg
	d.Totals.PreviousRate = d.Trend[len(d.Trend)-2].ParticipationRate
	for _, w := range d.Trend[len(d.Trend)-4:] {
		d.Totals.MoodTrend = append(d.Totals.MoodTrend, w.MoodAvg)
	}
	for _, res := range d.Residents {
		d.Totals.Expected += res.CheckinsExpected
		d.Totals.Answered += res.CheckinsAnswered
	}
	if err := b.digestSupport(r, d, from, to); err != nil {
		return nil, err
	}
	if err := b.digestActivities(r, d, from, to); err != nil {
		return nil, err
	}
	if err := b.digestPartners(r, d, from, to, nameOf); err != nil {
		return nil, err
	}
	if d.Mentoring, err = digestMentoring(r, from, to); err != nil {
		return nil, err
	}
	if d.Goals, err = digestGoals(r, from, to); err != nil {
		return nil, err
	}
	if err := b.digestMeetings(r, d, from, to); err != nil {
		return nil, err
	}
	if err := b.digestChores(r, d, from, to); err != nil {
		return nil, err
	}
	cs, err := r.digests().SharedCelebrations(r.Ctx, h.ID, from, to)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		d.Milestones.Celebrated = append(d.Milestones.Celebrated, DigestCelebration{Resident: nameOf[c.MemberID], Milestone: c.Label, Key: c.Milestone})
	}
	for _, m := range members {
		if !m.JoinedAt.Before(from) {
			d.Milestones.Joined = append(d.Milestones.Joined, nameOf[m.ID])
		}
		if !m.LeftAt.IsZero() && !m.LeftAt.Before(from) && m.LeftAt.Before(to) {
			d.Milestones.Left = append(d.Milestones.Left, nameOf[m.ID])
		}
	}
	return d, nil
}

// digestResidents fills the per-resident rows.
func (b *Bot) digestResidents(r *Request, d *Digest, members []*Member, from, to time.Time, reader Role) error {
	rounds, err := r.digests().RoundsBetween(r.Ctx, r.House.ID, from, to)
	if err != nil {
		return err
	}
	reach, err := r.digests().ReachOutRequests(r.Ctx, r.House.ID, from, to)
	if err != nil {
		return err
	}
	type acc struct {
		row       DigestResident
		moodSum   int
		moodN     int
		pausedDay map[string]bool
		streak    int
	}
	byID := map[int64]*acc{}
	var order []int64
	for _, m := range members {
		byID[m.ID] = &acc{row: DigestResident{ID: m.ID, Name: displayName(User{Name: m.Name}), SupportRequests: reach[m.ID]}, pausedDay: map[string]bool{}}
		order = append(order, m.ID)
		off, err := r.digests().PingsOff(r.Ctx, m.ID)
		if err != nil {
			return err
		}
		byID[m.ID].row.PingsOff = off
	}
	for _, rd := range rounds {
		if rd.Status == RoundSkipped {
			continue
		}
		ans, err := r.digests().RoundResponders(r.Ctx, rd.ID)
		if err != nil {
			return err
		}
		for _, id := range ans {
			if a := byID[id]; a != nil {
				a.row.CheckinsAnswered++
				a.row.CheckinsExpected++
				a.streak = 0
			}
		}
		misses, err := r.digests().RoundMisses(r.Ctx, rd.ID)
		if err != nil {
			return err
		}
		for _, m := range misses {
			a := byID[m.MemberID]
			if a == nil {
				continue
			}
			if m.Status == MissPaused {
				a.pausedDay[r.Local(rd.ScheduledFor).Format(time.DateOnly)] = true
				continue
			}
			a.row.Missed++
			a.row.CheckinsExpected++
			a.streak++
		}
		// Moods the reader may see: the query applies the visibility.
		visible, err := r.digests().RoundAnswers(r.Ctx, rd.ID, Viewer{Role: reader})
		if err != nil {
			return err
		}
		for _, v := range visible {
			if a := byID[v.MemberID]; a != nil && v.Mood > 0 {
				a.moodSum += v.Mood
				a.moodN++
			}
		}
	}
	for _, id := range order {
		a := byID[id]
		a.row.PausedDays = len(a.pausedDay)
		a.row.MoodAvg = avg(a.moodSum, a.moodN)
		a.row.ConsecutiveMisses = a.streak
		d.Residents = append(d.Residents, a.row)
	}
	return nil
}

func (b *Bot) digestSupport(r *Request, d *Digest, from, to time.Time) error {
	for _, res := range d.Residents {
		d.Support.ReachOutRequests += res.SupportRequests
	}
	alerts, err := r.digests().CrisisAlertsBetween(r.Ctx, r.House.ID, from, to)
	if err != nil {
		return err
	}
	for _, a := range alerts {
		if !a.Kind.Urgent() {
			// A request for a House Mentor after a relapse is counted as
			// what its messages call it, a request to reach out, and
			// never listed by name as a crisis.
			d.Support.ReachOutRequests++
			continue
		}
		da := DigestAlert{Resident: a.Name, At: a.CreatedAt.In(r.House.Location), Escalated: !a.EscalatedAt.IsZero()}
		if !a.AckedAt.IsZero() {
			m := a.AckedAt.Sub(a.CreatedAt).Minutes()
			da.AckMinutes = &m
		}
		d.Support.CrisisAlerts = append(d.Support.CrisisAlerts, da)
	}
	return nil
}

func (b *Bot) digestActivities(r *Request, d *Digest, from, to time.Time) error {
	as, err := r.digests().ActivitiesBetween(r.Ctx, r.House.ID, from, to)
	if err != nil {
		return err
	}
	for _, a := range as {
		da := DigestActivity{ID: a.ID, Title: a.Title, StartsAt: a.StartsAt.In(r.House.Location), Status: a.Status}
		if a.Status == "scheduled" && !a.EndedAt.IsZero() {
			da.Status = "held"
		}
		rsvps, err := r.digests().RSVPs(r.Ctx, a.ID)
		if err != nil {
			return err
		}
		for _, v := range rsvps {
			switch v.Status {
			case RSVPGoing:
				da.Going++
			case RSVPMaybe:
				da.Maybe++
			}
		}
		came, err := r.digests().Attendance(r.Ctx, a.ID)
		if err != nil {
			return err
		}
		da.Attended = len(came)
		d.Activities = append(d.Activities, da)
	}
	return nil
}

func (b *Bot) digestPartners(r *Request, d *Digest, from, to time.Time, nameOf map[int64]string) error {
	pairs, err := r.digests().PairsBetween(r.Ctx, r.House.ID, from, to)
	if err != nil {
		return err
	}
	fromDay, toDay := from.Format(time.DateOnly), to.Format(time.DateOnly)
	for _, p := range pairs {
		n, err := r.digests().PairContactDays(r.Ctx, p.ID, fromDay, toDay)
		if err != nil {
			return err
		}
		var ms []string
		for _, id := range p.Members {
			ms = append(ms, nameOf[id])
		}
		d.Partners.Pairs = append(d.Partners.Pairs, DigestPair{Members: ms, ConnectedDays: n})
	}
	st, err := r.digests().PartnerStats(r.Ctx, r.House.ID, from, to)
	if err != nil {
		return err
	}
	d.Partners.Nudges, d.Partners.PingsSent, d.Partners.PingsAnswered, d.Partners.PingsOff = st.Nudges, st.Pings, st.PingsAnswered, st.PingsOff
	return nil
}

// registerDigest registers /digest and the weekly job.
func (b *Bot) registerDigest() {
	b.reg.Add(&Command{
		Name:        "digest",
		Description: "cmd.digest.desc",
		Roles:       Staff,
		Run:         b.cmdDigest,
		Prepare:     b.prepareDigestCmd,
		Options:     []Option{{Name: "week", Description: "cmd.digest.opt.week.desc", Type: OptString, MaxLen: 10}},
	})
	b.houseJobs = append(b.houseJobs, houseJob{name: JobDigest, spec: func(h *House) string { return h.Digest.Schedule }, prepare: b.prepareDigests})
}

// cmdDigest sends the caller the digest of a week by direct message. Its
// reading and rendering happen before the write transaction
// (prepareDigestCmd); here it only records the read and queues the
// message, or, if nothing was prepared, does it all.
func (b *Bot) cmdDigest(r *Request) (Response, error) {
	week, err := b.digestWeek(r)
	if err != nil {
		return Response{}, err
	}
	p, ok := r.Prepared.(*preparedDigest)
	if !ok || !p.matches(r, week) {
		if p, err = b.readDigestCmd(r, week); err != nil {
			return Response{}, err
		}
		if err := p.render(); err != nil {
			return Response{}, err
		}
	}
	if err := p.draft.audit(r); err != nil {
		return Response{}, err
	}
	if _, err := r.DM(r.Event.User.ID, p.msg); err != nil {
		return Response{}, err
	}
	return r.Say("digest.sent", "Week", week), nil
}

// digestWeek is the ISO week /digest asks for: its week option, or last
// week (this one so far in a fresh demo). A week that has not started
// is refused.
func (b *Bot) digestWeek(r *Request) (string, error) {
	week := strings.TrimSpace(r.Args.String("week"))
	switch {
	case week == "" && b.demo:
		// A fresh demo has no last week: show this one so far.
		week = ISOWeek(r.Now, r.House.Location)
	case week == "":
		week = previousWeek(r.Now, r.House.Location)
	}
	start, err := WeekStart(week, r.House.Location)
	if err != nil {
		return "", err
	}
	if start.After(r.Now) {
		return "", Fail(EInvalid, "digest.not_started", "Week", week)
	}
	return ISOWeek(start, r.House.Location), nil
}

// preparedDigest is /digest's read and rendered digest, for one reader
// in one role.
type preparedDigest struct {
	b     *Bot
	log   *slog.Logger
	role  Role
	draft *digestDraft
	msg   Message
}

// matches reports whether p is the digest r asks for, read for the same
// reader in the same role: what the reader may see depends on it.
func (p *preparedDigest) matches(r *Request, week string) bool {
	return p.draft.week == week && p.role == r.Role && p.draft.readerID == r.Event.User.ID && len(p.draft.houses) == 1 && p.draft.houses[0].ID == r.House.ID
}

// render renders p's draft into its message.
func (p *preparedDigest) render() (err error) {
	p.msg, err = p.b.renderDigest(p.draft, p.log, nil)
	return err
}

// readDigestCmd reads the caller's digest of week.
func (b *Bot) readDigestCmd(r *Request, week string) (*preparedDigest, error) {
	draft, err := b.draftDigest(r, []*House{r.House}, week, r.Role, r.Event.User.ID, r.Lang())
	if err != nil {
		return nil, err
	}
	return &preparedDigest{b: b, log: r.Log, role: r.Role, draft: draft}, nil
}

// prepareDigestCmd is /digest's Prepare: the digest read in the read
// transaction, rendered (text and chart) after it.
func (b *Bot) prepareDigestCmd(r *Request) (func() (any, error), error) {
	week, err := b.digestWeek(r)
	if err != nil {
		return nil, err
	}
	p, err := b.readDigestCmd(r, week)
	if err != nil {
		return nil, err
	}
	return func() (any, error) { return p, p.render() }, nil
}

// digestDraft is one reader's digest as read, not yet rendered: the
// digests of its houses, for a week.
type digestDraft struct {
	week     string
	readerID string
	houses   []*House
	digests  []*Digest
}

// draftDigest reads the digests of houses for one reader, who reads them
// in l. It only reads, so that it can run in a read transaction.
func (b *Bot) draftDigest(r *Request, houses []*House, week string, reader Role, readerID string, l Lang) (*digestDraft, error) {
	if b.digestTxt == nil {
		return nil, errors.New("digest: no text renderer (bot.Config.DigestText)")
	}
	d := &digestDraft{week: week, readerID: readerID, houses: houses}
	for _, h := range houses {
		hr := *r
		hr.House = h
		dg, err := b.buildDigest(&hr, week, reader)
		if err != nil {
			return nil, err
		}
		dg.Lang = l
		d.digests = append(d.digests, dg)
	}
	return d, nil
}

// renderDigest renders a draft: the houses' texts, with the chart of the
// first house. It touches no store, so that it can run outside any
// transaction; a chart that fails leaves the text alone. charts, if not
// nil, keeps the charts drawn for the job's other readers: a house's
// operators and mentors see the same trend, and most read the same
// language, so their chart is drawn once.
func (b *Bot) renderDigest(d *digestDraft, log *slog.Logger, charts map[chartKey][]byte) (Message, error) {
	var texts []string
	var chart *Attachment
	for _, dg := range d.digests {
		texts = append(texts, b.digestTxt(dg))
		if chart == nil && b.chart != nil {
			title := dg.House + " — " + d.week
			key := newChartKey(dg.Lang, title, dg.Trend)
			png, ok := charts[key]
			if !ok {
				var err error
				if png, err = b.chart(dg.Lang, title, dg.Trend); err != nil {
					log.Warn("digest chart failed; sending the text only", "err", err)
					continue
				}
				if charts != nil {
					charts[key] = png
				}
			}
			chart = &Attachment{Name: "digest-" + d.week + ".png", ContentType: "image/png", Data: png}
		}
	}
	return Message{Text: strings.Join(texts, "\n\n"), Attachment: chart}, nil
}

// chartKey is everything a digest's chart is drawn from.
type chartKey struct {
	lang  Lang
	title string
	// trend is the weeks and their numbers, written out.
	trend string
}

func newChartKey(l Lang, title string, weeks []DigestWeek) chartKey {
	var sb strings.Builder
	num := func(v *float64) {
		if v == nil {
			sb.WriteString(" -")
			return
		}
		sb.WriteByte(' ')
		sb.WriteString(strconv.FormatFloat(*v, 'g', -1, 64))
	}
	for _, w := range weeks {
		sb.WriteString(w.Week)
		num(w.ParticipationRate)
		num(w.MoodAvg)
		sb.WriteByte(';')
	}
	return chartKey{lang: l, title: title, trend: sb.String()}
}

// audit records the reader's read of each house's per-resident data.
func (d *digestDraft) audit(r *Request) error {
	for i, h := range d.houses {
		if len(d.digests[i].Residents) == 0 {
			continue
		}
		if err := r.digests().Audit(r.Ctx, AuditEntry{At: r.Now, HouseID: h.ID, Actor: d.readerID, Action: "digest.read", Subject: "week:" + d.week}); err != nil {
			return err
		}
	}
	return nil
}

// prepareDigests is the weekly job's reading and rendering: each operator
// (and mentor, if the house says so) gets last week's digest privately.
// With combined, an operator of several combined houses gets one message
// for all of them, sent once. The digests are read in a read transaction
// and rendered, chart included, outside any; the job's write transaction
// then only audits the reads and enqueues the messages.
func (b *Bot) prepareDigests(ctx context.Context, h *House, at, now time.Time, log *slog.Logger) (jobFunc, error) {
	week := previousWeek(at, h.Location)
	type letter struct {
		draft *digestDraft
		key   string
		msg   Message
	}
	var letters []*letter
	readers := 0
	err := b.houseView(ctx, h, now, log, func(r *Request) error {
		roles := map[string]Role{}
		var order []string
		add := func(id string, role Role) {
			if _, ok := roles[id]; !ok {
				order = append(order, id)
			}
			roles[id] |= role
		}
		for _, id := range h.Operators {
			add(id, RoleOperator)
		}
		if h.Digest.Mentors {
			mentors, err := r.Mentors()
			if err != nil {
				return err
			}
			for _, id := range mentors {
				add(id, RoleMentor)
			}
		}
		readers = len(order)
		for _, id := range order {
			houses := []*House{h}
			key := ""
			if h.Digest.Combined && roles[id].Has(RoleOperator) {
				houses = b.combinedHouses(id, h.Platform)
				if houses[0] != h {
					continue // the operator's first combined house sends it
				}
				key = fmt.Sprintf("digest:%s:%s:%s", h.Platform, id, week)
			}
			// The reader's language where the letter comes from: their
			// own if they are a member, else the house's.
			l := r.LangOfUser(id)
			draft, err := b.draftDigest(r, houses, week, roles[id], id, l)
			if err != nil {
				return err
			}
			letters = append(letters, &letter{draft: draft, key: key})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	charts := map[chartKey][]byte{}
	for _, l := range letters {
		if l.msg, err = b.renderDigest(l.draft, log, charts); err != nil {
			return nil, err
		}
	}
	return func(r *Request, _ time.Time) error {
		for _, l := range letters {
			if err := l.draft.audit(r); err != nil {
				return err
			}
			_, err := r.Enqueue(&OutboxMessage{Key: l.key, Out: Outgoing{Target: Target{Kind: TargetDM, User: l.draft.readerID}, Message: l.msg}})
			if err != nil && !errors.Is(err, ErrDuplicate) {
				return err
			}
		}
		r.Log.Info("weekly digest sent", "week", week, "readers", readers)
		return nil
	}, nil
}

// combinedHouses lists the houses on a platform with scheduled, combined
// digests that an operator runs, in config order.
func (b *Bot) combinedHouses(operator, platform string) []*House {
	var out []*House
	for _, h := range b.houses {
		if h.Platform == platform && h.Digest.Combined && h.Digest.Schedule != "" && slices.Contains(h.Operators, operator) {
			out = append(out, h)
		}
	}
	return out
}

// Digest builds a house's digest for the command line, as an operator
// reads it, and audits the read as actor.
func (b *Bot) Digest(ctx context.Context, h *House, week, actor string) (*Digest, error) {
	var d *Digest
	err := b.asCLI(ctx, h, actor, func(r *Request) error {
		if week == "" {
			week = previousWeek(r.Now, h.Location)
		}
		start, err := WeekStart(week, h.Location)
		if err != nil {
			return err
		}
		week = ISOWeek(start, h.Location)
		if d, err = b.buildDigest(r, week, RoleOperator); err != nil {
			return err
		}
		return r.Audit("digest.read", "week:"+week)
	})
	return d, err
}
