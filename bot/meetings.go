package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/porchlight/porchlight/i18n"
)

// Recovery meetings: a resident logs the meetings they go to (AA, NA,
// SMART…), privately, and sees their count for the week against what the
// house asks for, if it asks. Those behind get one gentle private note
// mid-week; their partner is never told. Staff see weekly counts in the
// digest, never the kinds or notes.

// Meeting job names.
const (
	JobMeetingsReminder  = "meetings.reminder"
	JobMeetingsRetention = "meetings.retention"
)

// MeetingsConfig is a house's meeting settings ([house] meetings_per_week,
// meeting_kinds, meeting_reminder).
type MeetingsConfig struct {
	// PerWeek is how many meetings a week the house asks for; 0 is none.
	PerWeek int
	// Kinds are the kinds of meeting offered in the form.
	Kinds []string
	// Reminder is a cron spec for the mid-week reminder; empty is none.
	Reminder string
}

// DefaultMeetingKinds are the kinds offered when a house lists none, as
// the codes entries store; each reader sees them in their language
// (defaultKindIDs).
func DefaultMeetingKinds() []string { return []string{"AA", "NA", "SMART", "Refuge Recovery", "other"} }

// defaultKindIDs are the catalogue messages of the default kinds' codes.
var defaultKindIDs = map[string]string{
	"AA": i18n.ID("meetings.kind.aa.option"), "NA": i18n.ID("meetings.kind.na.option"), "SMART": i18n.ID("meetings.kind.smart.option"),
	"Refuge Recovery": i18n.ID("meetings.kind.refuge.option"), "other": i18n.ID("meetings.kind.other.option"),
}

// meetingModeIDs are the catalogue messages of the stored modes.
var meetingModeIDs = map[string]string{MeetingInPerson: i18n.ID("meetings.mode.in_person.option"), MeetingOnline: i18n.ID("meetings.mode.online.option")}

// kindLabel is a stored kind as l reads it: a house's own kinds as it
// configured them, the defaults in l.
func kindLabel(l Lang, h *House, kind string) string {
	if id, ok := defaultKindIDs[kind]; ok && len(h.Meetings.Kinds) == 0 {
		return l.T(id)
	}
	return kind
}

// modeLabel is a stored mode as l reads it.
func modeLabel(l Lang, mode string) string {
	if id, ok := meetingModeIDs[mode]; ok {
		return l.T(id)
	}
	return mode
}

// meetingEditDays is how long after logging an entry its resident may
// change or delete it, and how far back a meeting may be dated.
const meetingEditDays = 7

func (b *Bot) registerMeetings() {
	idOpt := Option{Name: "id", Description: "cmd.meeting.opt.id.desc", Type: OptInt, Required: true}
	b.reg.Add(&Command{
		Name:        "meeting",
		Description: "cmd.meeting.desc",
		Roles:       Members,
		Subs: []*Command{
			{Name: "log", Description: "cmd.meeting.log.desc", Roles: Members, Run: b.cmdMeetingLog},
			{Name: "list", Description: "cmd.meeting.list.desc", Roles: Members, Run: b.cmdMeetingList},
			{Name: "edit", Description: "cmd.meeting.edit.desc", Roles: Members, Run: b.cmdMeetingEdit, Options: []Option{idOpt}},
			{Name: "delete", Description: "cmd.meeting.delete.desc", Roles: Members, Run: b.cmdMeetingDelete, Options: []Option{idOpt}},
		},
	})
	b.action("meeting", Members, b.actMeeting)
	b.form("meeting", formRoute{roles: Members, build: b.buildMeetingForm, submit: b.submitMeeting})
	b.houseJobs = append(b.houseJobs,
		houseJob{name: JobMeetingsReminder, spec: func(h *House) string {
			if h.Meetings.PerWeek <= 0 {
				return ""
			}
			return h.Meetings.Reminder
		}, run: b.remindMeetings},
		houseJob{name: JobMeetingsRetention, spec: func(*House) string { return retentionSpec }, run: b.redactMeetingNotes},
	)
}

// meetingKinds are the house's kinds, or the defaults.
func meetingKinds(h *House) []string {
	if len(h.Meetings.Kinds) > 0 {
		return h.Meetings.Kinds
	}
	return DefaultMeetingKinds()
}

// meetingForm is the form to log (id "new") or change (an entry's id) a
// meeting, prefilled with today and the first kind.
func meetingForm(r *Request, id string) Form {
	l := r.Lang()
	kinds := Field{ID: "kind", Kind: KindChoice, Label: l.T("meetings.kind.label"), Required: true}
	if codes := meetingKinds(r.House); len(r.House.Meetings.Kinds) > 0 {
		// A house's own kinds are shown and stored as it wrote them.
		kinds.Options = codes
	} else {
		ids := make([]string, len(codes))
		for i, c := range codes {
			ids[i] = defaultKindIDs[c]
		}
		kinds = kinds.Worded(l, ids, codes)
	}
	kinds.Value = kinds.code(0)
	title := l.T("meetings.form.title")
	if id != "new" {
		title = l.T("meetings.form.title_edit", "ID", id)
	}
	modes := []string{MeetingInPerson, MeetingOnline}
	return Form{ID: "meeting:" + id, Title: title, Fields: []Field{
		{ID: "date", Kind: KindText, Label: l.T("meetings.date.label"), MaxLen: 20, Required: true, Value: r.Local(r.Now).Format(time.DateOnly)},
		kinds,
		Field{ID: "mode", Kind: KindChoice, Label: l.T("meetings.mode.label"), Required: true, Value: modes[0]}.Worded(l, []string{meetingModeIDs[modes[0]], meetingModeIDs[modes[1]]}, modes),
		// Over Discord's 45 characters in English: the adapter clips it
		// and shows it whole as the field's description.
		{ID: "note", Kind: KindText, Label: l.T("meetings.form.note"), MaxLen: 300},
	}}
}

func (b *Bot) cmdMeetingLog(r *Request) (Response, error) {
	if _, err := b.requireMember(r); err != nil {
		return Response{}, err
	}
	return b.openForm(r, meetingForm(r, "new"), nil)
}

// buildMeetingForm rebuilds the form a submit answers. An entry's form is
// only ever the caller's own entry: the id in it grants nothing.
func (b *Bot) buildMeetingForm(r *Request, parts []string) (Form, error) {
	if len(parts) != 1 {
		return Form{}, Fail(EInvalid, "meetings.form_invalid")
	}
	if parts[0] == "new" {
		return meetingForm(r, "new"), nil
	}
	m, err := b.editableMeeting(r, parts[0])
	if err != nil {
		return Form{}, err
	}
	return meetingForm(r, strconv.FormatInt(m.ID, 10)), nil
}

// editableMeeting loads the caller's own entry by id, if it may still be
// changed.
func (b *Bot) editableMeeting(r *Request, idText string) (*Meeting, error) {
	mem, err := b.requireMember(r)
	if err != nil {
		return nil, err
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return nil, Fail(EInvalid, "meetings.not_number")
	}
	m, err := r.meetings().OwnMeeting(r.Ctx, id, mem.ID)
	if errors.Is(err, ErrNotFound) {
		return nil, Fail(ENotFound, "meetings.no_entry", "ID", id)
	}
	if err != nil {
		return nil, err
	}
	if r.Now.Sub(m.LoggedAt) >= meetingEditDays*24*time.Hour {
		return nil, Fail(EInvalid, "meetings.too_old", "Days", meetingEditDays, "ID", m.ID, "Logged", r.Lang().Date(r.Local(m.LoggedAt), i18n.DateShort))
	}
	return m, nil
}

// meetingDay reads the date of a meeting: YYYY-MM-DD, "today" or
// "yesterday" (in any language: "hoy", "ayer"). It may not be in the future, nor more than a week back
// (unless it is the date an entry already had).
func meetingDay(r *Request, raw, kept string) (string, error) {
	today := dayStart(r.Now, r.House.Location)
	var d time.Time
	switch v := strings.ToLower(strings.TrimSpace(raw)); {
	case Same("meetings.today", v):
		d = today
	case Same("meetings.yesterday", v):
		d = today.AddDate(0, 0, -1)
	default:
		var err error
		if d, err = parseDate(v, r.House.Location); err != nil {
			return "", Fail(EInvalid, "meetings.bad_date", "Given", quoted(v, 30))
		}
	}
	day := d.Format(time.DateOnly)
	earliest := today.AddDate(0, 0, -meetingEditDays)
	switch {
	case d.After(today):
		return "", Fail(EInvalid, "meetings.future", "Day", day)
	case d.Before(earliest) && day != kept:
		return "", Fail(EInvalid, "meetings.too_far", "Day", day, "Days", meetingEditDays, "Earliest", earliest.Format(time.DateOnly))
	}
	return day, nil
}

// submitMeeting stores a new or changed entry. A wrong date is refused
// with the form reopened as typed, and nothing is stored.
func (b *Bot) submitMeeting(r *Request, parts []string, vals map[string]string) (Response, error) {
	mem, err := b.requireMember(r)
	if err != nil {
		return Response{}, err
	}
	m := &Meeting{HouseID: r.House.ID, MemberID: mem.ID, LoggedAt: r.Now}
	if parts[0] != "new" {
		if m, err = b.editableMeeting(r, parts[0]); err != nil {
			return Response{}, err
		}
	}
	day, err := meetingDay(r, vals["date"], m.Day)
	if err != nil {
		f := meetingForm(r, parts[0]).Prefill(vals)
		return Response{FieldErrors: map[string]string{"date": ErrorText(r.Lang(), err)}, Reopen: &f}, nil
	}
	// The form normalised the choices to their codes.
	kind, mode := vals["kind"], vals["mode"]
	m.Day, m.Kind, m.Mode, m.Note, m.UpdatedAt = day, kind, mode, vals["note"], r.Now
	if m.Note != "" {
		m.Redacted = false
	}
	edit := m.ID != 0
	if err := r.meetings().SaveMeeting(r.Ctx, m); err != nil {
		return Response{}, err
	}
	count, err := b.weekCount(r, mem, r.Now)
	if err != nil {
		return Response{}, err
	}
	l := r.Lang()
	msg := i18n.ID("meetings.logged")
	if edit {
		msg = i18n.ID("meetings.updated")
	}
	d, _ := time.ParseInLocation(time.DateOnly, m.Day, r.House.Location)
	id := strconv.FormatInt(m.ID, 10)
	return Response{Messages: []Message{{
		Text: l.T(msg, "ID", m.ID, "Kind", kindLabel(l, r.House, m.Kind), "Mode", modeLabel(l, m.Mode), "Date", l.Date(d, i18n.DateShort),
			"Tally", countText(l, r.House, count)),
		Choices: []Choice{
			{ID: "meeting:edit:" + id, Label: l.T("meetings.edit.button")},
			{ID: "meeting:delete:" + id, Label: l.T("meetings.delete.button")},
		},
	}}}, nil
}

// countText says a resident's count this week against the house's ask,
// in l.
func countText(l Lang, h *House, n int) string {
	switch ask := h.Meetings.PerWeek; {
	case ask <= 0:
		return l.N("meetings.count", n)
	case n >= ask:
		return l.N("meetings.count_met", n, "Ask", ask)
	default:
		return l.N("meetings.count_ask", n, "Ask", ask)
	}
}

// weekBounds are the house-local dates [from, to) of the ISO week of t.
func weekBounds(t time.Time, loc *time.Location) (string, string) {
	start, _ := WeekStart(ISOWeek(t, loc), loc)
	return start.Format(time.DateOnly), start.AddDate(0, 0, 7).Format(time.DateOnly)
}

// weekCount is a member's meetings in the week of t.
func (b *Bot) weekCount(r *Request, m *Member, t time.Time) (int, error) {
	from, to := weekBounds(t, r.House.Location)
	ms, err := r.meetings().MemberMeetings(r.Ctx, m.ID, from, to)
	return len(ms), err
}

func (b *Bot) cmdMeetingList(r *Request) (Response, error) {
	mem, err := b.requireMember(r)
	if err != nil {
		return Response{}, err
	}
	loc := r.House.Location
	from, to := weekBounds(r.Now, loc)
	lastFrom, _ := weekBounds(r.Local(r.Now).AddDate(0, 0, -7), loc)
	ms, err := r.meetings().MemberMeetings(r.Ctx, mem.ID, lastFrom, to)
	if err != nil {
		return Response{}, err
	}
	l := r.Lang()
	var this []string
	last := 0
	for _, m := range ms {
		if m.Day < from {
			last++
			continue
		}
		d, _ := time.ParseInLocation(time.DateOnly, m.Day, loc)
		line := l.T("meetings.list.line", "ID", m.ID, "Date", l.Date(d, i18n.DateShort), "Kind", kindLabel(l, r.House, m.Kind), "Mode", modeLabel(l, m.Mode))
		if m.Note != "" {
			line += " · " + m.Note
		}
		this = append(this, line)
	}
	lines := []string{l.T("meetings.list.title")}
	if len(this) == 0 {
		lines = append(lines, l.T("meetings.list.none"))
	}
	lines = append(lines, this...)
	lines = append(lines, countText(l, r.House, len(this)), l.T("meetings.list.last_week", "Count", last))
	lines = append(lines, l.T("meetings.list.change", "Days", meetingEditDays))
	return Response{Messages: []Message{{Text: strings.Join(lines, "\n")}}}, nil
}

func (b *Bot) cmdMeetingEdit(r *Request) (Response, error) {
	return b.openMeetingEdit(r, r.Args.String("id"))
}

// openMeetingEdit opens an entry's form, prefilled with what it holds.
func (b *Bot) openMeetingEdit(r *Request, idText string) (Response, error) {
	m, err := b.editableMeeting(r, idText)
	if err != nil {
		return Response{}, err
	}
	f := meetingForm(r, idText)
	return b.openForm(r, f, map[string]string{"date": m.Day, "kind": m.Kind, "mode": m.Mode, "note": m.Note})
}

func (b *Bot) cmdMeetingDelete(r *Request) (Response, error) {
	return b.deleteMeeting(r, r.Args.String("id"))
}

func (b *Bot) deleteMeeting(r *Request, idText string) (Response, error) {
	m, err := b.editableMeeting(r, idText)
	if err != nil {
		return Response{}, err
	}
	if err := r.meetings().DeleteMeeting(r.Ctx, m.ID, m.MemberID); err != nil {
		return Response{}, err
	}
	count, err := b.weekCount(r, r.Member, r.Now)
	if err != nil {
		return Response{}, err
	}
	return r.Say("meetings.deleted", "ID", m.ID, "Tally", countText(r.Lang(), r.House, count)), nil
}

// actMeeting handles the Edit and Delete buttons of a logged entry.
func (b *Bot) actMeeting(r *Request, parts []string) (Response, error) {
	if len(parts) != 2 {
		return Response{}, errBadButton
	}
	switch parts[0] {
	case "edit":
		return b.openMeetingEdit(r, parts[1])
	case "delete":
		return b.deleteMeeting(r, parts[1])
	}
	return Response{}, errBadButton
}

// away reports whether a member is away from the house's routines at t:
// they left, or paused themselves with /checkin pause. It is the one
// place that says so for meetings and chores; a pause set by a House
// Mentor belongs here too.
func away(m *Member, t time.Time) bool { return !m.Active() || m.Paused(t) }

// remindMeetings is the mid-week job: each resident with fewer meetings
// this week than the house asks for gets one gentle private note. Nobody
// else is told, their partner least of all. Residents who are away, or
// joined this week, are left alone. A run caught up after its day is
// skipped: a mid-week note on Sunday would only nag.
func (b *Bot) remindMeetings(r *Request, at time.Time) error {
	ask := r.House.Meetings.PerWeek
	if ask <= 0 || r.Local(r.Now).Format(time.DateOnly) != r.Local(at).Format(time.DateOnly) {
		return errSkipRun
	}
	from, to := weekBounds(at, r.House.Location)
	counts, err := r.meetings().MeetingCounts(r.Ctx, r.House.ID, from, to)
	if err != nil {
		return err
	}
	members, err := r.meetings().Members(r.Ctx, r.House.ID)
	if err != nil {
		return err
	}
	weekStart, _ := time.ParseInLocation(time.DateOnly, from, r.House.Location)
	n := 0
	for _, m := range members {
		if away(m, r.Now) || !m.JoinedAt.Before(weekStart) || counts[m.ID] >= ask {
			continue
		}
		text := r.LangOf(m).T("meetings.reminder", "Logged", counts[m.ID], "Ask", ask)
		if _, err := r.DMAbout(m.UserID, MsgMeeting, Message{Text: text}); err != nil {
			return err
		}
		n++
	}
	r.Log.Info("meeting reminders sent", "count", n)
	return nil
}

// redactMeetingNotes is the daily retention job for meeting notes: notes
// older than the house's retention period are removed; the entries, and
// so the counts, stay.
func (b *Bot) redactMeetingNotes(r *Request, _ time.Time) error {
	if r.House.RetentionDays <= 0 {
		return errSkipRun
	}
	before := r.Now.AddDate(0, 0, -r.House.RetentionDays)
	total := 0
	for {
		n, err := r.meetings().RedactMeetingNotes(r.Ctx, r.House.ID, before, r.Now, redactBatch)
		if err != nil {
			return fmt.Errorf("redact meeting notes: %w", err)
		}
		total += n
		if n < redactBatch {
			break
		}
	}
	if total > 0 {
		r.Log.Info("retention: meeting notes redacted", "meetings", total)
	}
	return nil
}

// DigestMeetings is the week's meetings in the digest: each resident's
// count against the house's ask. Counts only, never kinds or notes.
type DigestMeetings struct {
	// RequiredPerWeek is the house's ask, null when it asks none.
	RequiredPerWeek *int                 `json:"required_per_week"`
	Residents       []DigestMeetingCount `json:"residents"`
}

// DigestMeetingCount is one resident's meetings of the week.
type DigestMeetingCount struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Logged int    `json:"logged"`
	// MetRequirement is null when the house asks none.
	MetRequirement *bool `json:"met_requirement"`
}

// digestMeetings fills the digest's meetings: the residents of the week,
// in the digest's order, with the meetings dated in it.
func (b *Bot) digestMeetings(r *Request, d *Digest, from, to time.Time) error {
	d.Meetings = DigestMeetings{Residents: []DigestMeetingCount{}}
	ask := r.House.Meetings.PerWeek
	if ask > 0 {
		d.Meetings.RequiredPerWeek = &ask
	}
	counts, err := r.digests().MeetingCounts(r.Ctx, r.House.ID, from.Format(time.DateOnly), to.Format(time.DateOnly))
	if err != nil {
		return err
	}
	for _, res := range d.Residents {
		c := DigestMeetingCount{ID: res.ID, Name: res.Name, Logged: counts[res.ID]}
		if ask > 0 {
			met := c.Logged >= ask
			c.MetRequirement = &met
		}
		d.Meetings.Residents = append(d.Meetings.Residents, c)
	}
	return nil
}
