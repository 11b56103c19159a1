package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/porchlight/porchlight/i18n"
)

// Sober activities: House Mentors post them, residents answer Going, Maybe
// or Can't, the bot reminds the people going, asks the maybes, and after the
// activity asks its organiser who came. Weekly activities create their next
// occurrence when one ends.

// defaultActivityLength is an activity's length when none is given.
const defaultActivityLength = 2 * time.Hour

func (b *Bot) registerActivities() {
	idOpt := Option{Name: "id", Description: "cmd.activity.opt.id.desc", Type: OptInt, Required: true}
	b.reg.Add(&Command{
		Name:        "activity",
		Description: "cmd.activity.desc",
		Roles:       Members,
		Subs: []*Command{
			{Name: "add", Description: "cmd.activity.add.desc", Roles: Staff, Run: b.cmdActivityAdd,
				Options: []Option{
					{Name: "title", Description: "cmd.activity.add.opt.title.desc", Type: OptString, MaxLen: 80},
					{Name: "when", Description: "cmd.activity.add.opt.when.desc", Type: OptString, MaxLen: 40},
					{Name: "place", Description: "cmd.activity.add.opt.place.desc", Type: OptString, Rest: true, MaxLen: 100},
				}},
			{Name: "list", Description: "cmd.activity.list.desc", Roles: Members, Run: b.cmdActivityList},
			{Name: "move", Description: "cmd.activity.move.desc", Roles: Staff, Run: b.cmdActivityMove,
				Options: []Option{idOpt, {Name: "when", Description: "cmd.activity.move.opt.when.desc", Type: OptString, Required: true, Rest: true, MaxLen: 40}}},
			{Name: "skip", Description: "cmd.activity.skip.desc", Roles: Staff, Run: b.cmdActivitySkip, Options: []Option{idOpt}},
			{Name: "cancel", Description: "cmd.activity.cancel.desc", Roles: Staff, Run: b.cmdActivityCancel, Options: []Option{idOpt}},
		},
	})
	b.action("activity", Members, b.actActivity)
	b.action("activityorg", Staff, b.actActivityOrganiser)
	b.form("activity", formRoute{roles: Staff, build: func(r *Request, _ []string) (Form, error) { return activityForm(r.Lang()), nil }, submit: b.submitActivity})
	b.tickers = append(b.tickers, b.activityTick)
}

// activityLengths are the lengths a new activity's form offers; each is a
// Go duration, so the value parses as one.
var activityLengths = []string{"30m", "45m", "1h", "90m", "2h", "3h", "4h", "6h", "8h"}

// activityForm is the form of a new activity, in l. Its repeat options
// are words in l, stored as the codes "none" and "weekly".
func activityForm(l Lang) Form {
	return Form{ID: "activity:new", Title: l.T("activity.form.title"), Fields: []Field{
		{ID: "title", Kind: KindText, Label: l.T("activity.form.what.label"), MaxLen: 80, Required: true, Placeholder: l.T("activity.form.what.placeholder")},
		{ID: "when", Kind: KindDateTime, Label: l.T("activity.form.when.label"), MaxLen: 40, Required: true, Placeholder: l.T("activity.form.when.placeholder")},
		{ID: "duration", Kind: KindChoice, Label: l.T("activity.form.duration.label"), Options: activityLengths, Value: "2h"},
		{ID: "place", Kind: KindText, Label: l.T("activity.form.place.label"), MaxLen: 100, Placeholder: l.T("activity.form.place.placeholder")},
		{ID: "details", Kind: KindText, Label: l.T("activity.form.details.label"), MaxLen: 500},
		{ID: "capacity", Kind: KindNumber, Label: l.T("activity.form.capacity.label"), Min: 1, Max: 1000, Help: l.T("activity.form.capacity.help")},
		Field{ID: "repeat", Kind: KindChoice, Label: l.T("activity.form.repeat.label"), Value: "none"}.Worded(l, []string{repeatNone, repeatWeekly}, []string{"none", "weekly"}),
	}}
}

// The repeat options' words, by the code stored for each.
var (
	repeatNone   = i18n.ID("activity.repeat.none.option")
	repeatWeekly = i18n.ID("activity.repeat.weekly.option")
)

// activityRepeat reads the repeat field's code (the form normalised its
// words): "none" when empty, "weekly", or "" for anything else.
func activityRepeat(in string) string {
	switch in = strings.TrimSpace(in); in {
	case "", "none":
		return "none"
	case "weekly":
		return "weekly"
	}
	return ""
}

func (b *Bot) cmdActivityAdd(r *Request) (Response, error) {
	if !r.Args.Has("title") {
		return b.openForm(r, activityForm(r.Lang()), nil)
	}
	if !r.Args.Has("when") {
		return Response{}, Fail(EInvalid, "activity.add.need_time")
	}
	return b.submitActivity(r, nil, map[string]string{"title": r.Args.String("title"), "when": r.Args.String("when"), "place": r.Args.String("place"), "repeat": "none"})
}

// submitActivity validates the activity's fields, stores it and announces
// it. Errors name the field, and nothing is stored unless all is well.
func (b *Bot) submitActivity(r *Request, _ []string, vals map[string]string) (Response, error) {
	errs := map[string]string{}
	l := r.Lang()
	start, err := ParseWhen(l, vals["when"], r.Now, r.House.Location)
	if err != nil {
		errs["when"] = ErrorText(l, err)
	}
	length := defaultActivityLength
	if d := strings.TrimSpace(vals["duration"]); d != "" {
		length, err = time.ParseDuration(d)
		if err != nil || length < 15*time.Minute || length > 24*time.Hour {
			errs["duration"] = l.T("activity.add.bad_duration")
		}
	}
	capacity := 0
	if c := strings.TrimSpace(vals["capacity"]); c != "" {
		capacity, err = strconv.Atoi(c)
		if err != nil || capacity < 1 || capacity > 1000 {
			errs["capacity"] = l.T("activity.add.bad_capacity")
		}
	}
	repeat := activityRepeat(vals["repeat"])
	if repeat == "" {
		errs["repeat"] = l.T("activity.add.bad_repeat")
	}
	if strings.TrimSpace(vals["title"]) == "" {
		errs["title"] = l.T("activity.add.no_title")
	}
	if len(errs) > 0 {
		if r.Event.Kind == EventCommand {
			var msgs []string
			for _, k := range []string{"title", "when", "duration", "capacity", "repeat"} {
				if m, ok := errs[k]; ok {
					msgs = append(msgs, m)
				}
			}
			return Response{}, Errorf(EInvalid, "%s", strings.Join(msgs, " "))
		}
		f := activityForm(l).Prefill(vals)
		return Response{FieldErrors: errs, Reopen: &f}, nil
	}
	a := &Activity{HouseID: r.House.ID, Title: strings.TrimSpace(vals["title"]), Place: strings.TrimSpace(vals["place"]), Details: strings.TrimSpace(vals["details"]),
		StartsAt: start, EndsAt: start.Add(length), Capacity: capacity, Repeat: repeat, Status: "scheduled", CreatedBy: r.Event.User.ID, CreatedAt: r.Now}
	if err := r.activities().CreateActivity(r.Ctx, a); err != nil {
		return Response{}, err
	}
	if err := b.announceActivity(r, a); err != nil {
		return Response{}, err
	}
	r.Log.Info("activity created", "activity", a.ID)
	return r.Say("activity.add.posted", "Title", a.Title, "ID", a.ID, "When", FormatTime(l, a.StartsAt, r.House.Location),
		"Before", humanDurationIn(l, reminderBefore(r.House))), nil
}

// humanDurationIn says a duration in words in l: "1 hour", "90 minutes",
// "2 hours".
func humanDurationIn(l Lang, d time.Duration) string {
	if d%time.Hour == 0 {
		return l.N("activity.duration.hours", int(d/time.Hour))
	}
	return l.N("activity.duration.minutes", int(d/time.Minute))
}

func reminderBefore(h *House) time.Duration {
	if d := h.Activities.ReminderBefore; d > 0 {
		return d
	}
	return time.Hour
}

// announceActivity posts the activity and remembers the post, for edits.
func (b *Bot) announceActivity(r *Request, a *Activity) error {
	msg, about, err := b.activityMessage(r, a)
	if err != nil {
		return err
	}
	// The post opens a thread for talking about the activity, so the
	// channel stays readable.
	id, err := r.Enqueue(&OutboxMessage{Kind: MsgActivity, About: about, Out: Outgoing{Target: Target{Kind: TargetChannel, Channel: r.House.Channel}, Message: msg,
		ThreadName: clip(a.Title, 90)}})
	if err != nil {
		return err
	}
	a.Post = id
	if a.Event, err = b.mirrorActivity(r, a, false); err != nil {
		return err
	}
	if err := r.activities().UpdateActivity(r.Ctx, a); err != nil {
		return err
	}
	return r.houseHomesStale()
}

// mirrorActivity queues the change of an activity's calendar event, where
// the house has them ([discord] scheduled_events): its creation (a new
// activity), its new time (moved), or its cancellation (cancelled, or
// this occurrence skipped). It goes through the outbox after the post,
// which the event links back to; a change waits for the creation and
// edits the event it made (the row's ref holds the event's id), so a
// restart neither loses an event nor makes a second. It returns the id of
// the queued creation, or 0.
func (b *Bot) mirrorActivity(r *Request, a *Activity, cancel bool) (int64, error) {
	if !r.House.Activities.CalendarEvents || a.Post == 0 || (a.Event == 0 && cancel) {
		return 0, nil
	}
	location := a.Place
	if location == "" {
		location = r.House.Name
	}
	details := a.Details
	if a.Repeat == "weekly" {
		details = strings.TrimSpace(details + "\n" + r.HouseLang().T("activity.every_week"))
	}
	ev := &CalendarEvent{Name: clip(a.Title, 95), Description: clip(details, 700), Location: clip(location, 95), Start: a.StartsAt, End: a.EndsAt, Cancel: cancel}
	m := &OutboxMessage{ThreadOf: a.Post, EditOf: a.Event, Out: Outgoing{Target: Target{Kind: TargetCalendar, Channel: r.House.Channel}, Event: ev}}
	id, err := r.Enqueue(m)
	if err != nil {
		return 0, fmt.Errorf("mirror activity: %w", err)
	}
	if a.Event != 0 {
		return a.Event, nil
	}
	return id, nil
}

// activityMessage is the announcement, in the house's language: what, when
// (each viewer's local time), where, details, and live counts, with the
// RSVP buttons while it is still ahead; and the platform user ids of the
// people it names.
func (b *Bot) activityMessage(r *Request, a *Activity) (Message, []string, error) {
	l := r.HouseLang()
	rsvps, err := r.activities().RSVPs(r.Ctx, a.ID)
	if err != nil {
		return Message{}, nil, err
	}
	count := map[string][]int64{}
	for _, v := range rsvps {
		count[v.Status] = append(count[v.Status], v.MemberID)
	}
	lines := []string{fmt.Sprintf("📅 *%s* (#%d)", a.Title, a.ID), "🕖 " + FormatTimeUntil(l, a.StartsAt, r.House.Location)}
	if a.Place != "" {
		lines = append(lines, "📍 "+a.Place)
	}
	if a.Details != "" {
		lines = append(lines, a.Details)
	}
	if a.Repeat == "weekly" {
		lines = append(lines, l.T("activity.every_week"))
	}
	switch a.Status {
	case "cancelled":
		lines[0] = l.T("activity.post.cancelled", "Title", a.Title)
		return Message{Text: strings.Join(lines, "\n")}, nil, nil
	case "skipped":
		lines[0] = l.T("activity.post.skipped", "Title", a.Title)
		return Message{Text: strings.Join(lines, "\n")}, nil, nil
	}
	going, about, err := names(r, l, count[RSVPGoing])
	if err != nil {
		return Message{}, nil, err
	}
	counts := []string{l.T("activity.post.going", "Count", len(count[RSVPGoing]))}
	if a.Capacity > 0 {
		counts[0] = l.T("activity.post.going_of", "Count", len(count[RSVPGoing]), "Capacity", a.Capacity)
	}
	counts = append(counts, l.T("activity.post.maybe", "Count", len(count[RSVPMaybe])))
	if n := len(count[RSVPWaitlist]); n > 0 {
		counts = append(counts, l.T("activity.post.waitlist", "Count", n))
	}
	lines = append(lines, strings.Join(counts, " · "))
	if len(count[RSVPGoing]) > 0 {
		lines = append(lines, l.T("activity.post.going_names", "Names", going))
	}
	return Message{Text: strings.Join(lines, "\n"), Choices: rsvpChoicesIn(l, a)}, about, nil
}

// rsvpChoicesIn are an activity's three answers, labelled in l.
func rsvpChoicesIn(l Lang, a *Activity) []Choice {
	id := strconv.FormatInt(a.ID, 10)
	return []Choice{
		{ID: "activity:rsvp:" + id + ":going", Label: l.T("activity.rsvp.going.button"), Style: StylePrimary},
		{ID: "activity:rsvp:" + id + ":maybe", Label: l.T("activity.rsvp.maybe.button")},
		{ID: "activity:rsvp:" + id + ":cant", Label: l.T("activity.rsvp.cant.button")},
	}
}

// refreshPost edits the announcement to show the activity as it is now.
func (b *Bot) refreshPost(r *Request, a *Activity) error {
	if a.Post == 0 {
		return nil
	}
	msg, about, err := b.activityMessage(r, a)
	if err != nil {
		return err
	}
	_, err = r.Enqueue(&OutboxMessage{Kind: MsgActivity, About: about, EditOf: a.Post, Out: Outgoing{Target: Target{Kind: TargetChannel, Channel: r.House.Channel}, Message: msg}})
	return err
}

// loadActivity reads an activity of the request's house by id.
func loadActivity(r *Request, id int64) (*Activity, error) {
	a, err := r.activities().ActivityByID(r.Ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && a.HouseID != r.House.ID) {
		return nil, Fail(ENotFound, "activity.not_found", "ID", id, "House", r.House.Name)
	}
	return a, err
}

// actActivity handles RSVPs and "I'm here".
func (b *Bot) actActivity(r *Request, parts []string) (Response, error) {
	if r.Member == nil || !r.Member.Active() {
		return Response{}, errNotJoined
	}
	id, err := buttonID(parts, 1)
	if err != nil {
		return Response{}, err
	}
	a, err := loadActivity(r, id)
	if err != nil {
		return Response{}, err
	}
	switch {
	case parts[0] == "rsvp" && len(parts) == 3:
		return b.rsvp(r, a, parts[2])
	case parts[0] == "here":
		if a.Status != "scheduled" || r.Now.Before(a.StartsAt.Add(-30*time.Minute)) || r.Now.After(a.EndsAt) {
			return r.Say("activity.here.not_on", "Title", a.Title), nil
		}
		first, err := r.activities().RecordAttendance(r.Ctx, a.ID, r.Member.ID, "self", r.Now)
		if err != nil {
			return Response{}, err
		}
		if !first {
			return r.Say("activity.here.again"), nil
		}
		return r.Say("activity.here.thanks"), nil
	}
	return Response{}, errBadButton
}

// rsvp records a member's answer, keeps the capacity with a waitlist, and
// promotes the next person when a place frees up.
func (b *Bot) rsvp(r *Request, a *Activity, want string) (Response, error) {
	if want != RSVPGoing && want != RSVPMaybe && want != RSVPCant {
		return Response{}, errBadButton
	}
	if a.Status != "scheduled" {
		return r.Say("activity.rsvp.closed", "Title", a.Title, "Status", r.Lang().T(activityStatusWords[a.Status])), nil
	}
	if !r.Now.Before(a.StartsAt) {
		return r.Say("activity.rsvp.started", "Title", a.Title), nil
	}
	rsvps, err := r.activities().RSVPs(r.Ctx, a.ID)
	if err != nil {
		return Response{}, err
	}
	prev, going := "", 0
	for _, v := range rsvps {
		if v.MemberID == r.Member.ID {
			prev = v.Status
		} else if v.Status == RSVPGoing {
			going++
		}
	}
	status := want
	if want == RSVPGoing && a.Capacity > 0 && going >= a.Capacity && prev != RSVPGoing {
		status = RSVPWaitlist
	}
	if status == prev || (want == RSVPGoing && prev == RSVPWaitlist) {
		return r.Say("activity.rsvp.already", "Answer", r.Lang().T(rsvpWords[prev]), "Title", a.Title), nil
	}
	if err := r.activities().SetRSVP(r.Ctx, RSVP{ActivityID: a.ID, MemberID: r.Member.ID, Status: status, UpdatedAt: r.Now}); err != nil {
		return Response{}, err
	}
	if prev == RSVPGoing {
		if err := b.promote(r, a); err != nil {
			return Response{}, err
		}
	}
	if err := b.refreshPost(r, a); err != nil {
		return Response{}, err
	}
	switch status {
	case RSVPWaitlist:
		return r.Say("activity.rsvp.waitlisted", "Title", a.Title), nil
	case RSVPGoing:
		return r.Say("activity.rsvp.going", "Title", a.Title, "When", FormatTime(r.Lang(), a.StartsAt, r.House.Location)), nil
	case RSVPMaybe:
		return r.Say("activity.rsvp.maybe", "Title", a.Title), nil
	}
	return r.Say("activity.rsvp.cant"), nil
}

// rsvpWords are the catalogue's words for each stored RSVP code.
var rsvpWords = map[string]string{RSVPGoing: i18n.ID("activity.answer.going"), RSVPMaybe: i18n.ID("activity.answer.maybe"),
	RSVPCant: i18n.ID("activity.answer.cant"), RSVPWaitlist: i18n.ID("activity.answer.waitlist")}

// activityStatusWords are the catalogue's words for an activity that is
// off, by its stored status.
var activityStatusWords = map[string]string{"cancelled": i18n.ID("activity.status.cancelled"), "skipped": i18n.ID("activity.status.skipped")}

// promote moves the longest-waiting person on the waitlist to going, if
// there is room, and tells them privately.
func (b *Bot) promote(r *Request, a *Activity) error {
	if a.Capacity == 0 {
		return nil
	}
	rsvps, err := r.activities().RSVPs(r.Ctx, a.ID)
	if err != nil {
		return err
	}
	going := 0
	var next *RSVP
	for i, v := range rsvps {
		switch {
		case v.Status == RSVPGoing:
			going++
		case v.Status == RSVPWaitlist && next == nil:
			next = &rsvps[i]
		}
	}
	if next == nil || going >= a.Capacity {
		return nil
	}
	next.Status, next.UpdatedAt = RSVPGoing, r.Now
	if err := r.activities().SetRSVP(r.Ctx, *next); err != nil {
		return err
	}
	return dmMemberIn(r, next.MemberID, MsgActivity, func(l Lang) Message {
		return Message{Text: l.T("activity.promoted", "Title", a.Title, "When", FormatTime(l, a.StartsAt, r.House.Location)),
			Choices: []Choice{{ID: fmt.Sprintf("activity:rsvp:%d:cant", a.ID), Label: l.T("activity.promoted.button")}}}
	})
}

func (b *Bot) cmdActivityList(r *Request) (Response, error) {
	as, err := r.activities().UpcomingActivities(r.Ctx, r.House.ID, r.Now)
	if err != nil {
		return Response{}, err
	}
	if len(as) == 0 {
		return r.Say("activity.list.none"), nil
	}
	l := r.Lang()
	lines := []string{l.T("activity.list.title")}
	for _, a := range as {
		line := fmt.Sprintf("• #%d *%s* — %s", a.ID, a.Title, FormatTime(l, a.StartsAt, r.House.Location))
		if a.Place != "" {
			line += " · " + a.Place
		}
		if r.Member != nil {
			rsvps, err := r.activities().RSVPs(r.Ctx, a.ID)
			if err != nil {
				return Response{}, err
			}
			for _, v := range rsvps {
				if v.MemberID == r.Member.ID {
					line += " · " + l.T("activity.list.yours", "Answer", l.T(rsvpWords[v.Status]))
				}
			}
		}
		lines = append(lines, line)
	}
	return Reply("%s", strings.Join(lines, "\n")), nil
}

// notifyGoing DMs everyone going (and, with maybes, the maybes) the text
// of message id, with data as pairs, in each one's language.
func notifyGoing(r *Request, a *Activity, maybes bool, id string, pairs ...any) error {
	rsvps, err := r.activities().RSVPs(r.Ctx, a.ID)
	if err != nil {
		return err
	}
	for _, v := range rsvps {
		if v.Status == RSVPGoing || (maybes && v.Status == RSVPMaybe) {
			if err := dmMemberIn(r, v.MemberID, MsgActivity, func(l Lang) Message { return Message{Text: l.T(id, withWhen(l, a, r.House.Location, pairs)...)} }); err != nil {
				return err
			}
		}
	}
	return nil
}

func (b *Bot) cmdActivityMove(r *Request) (Response, error) {
	a, err := loadActivity(r, int64(r.Args.Int("id")))
	if err != nil {
		return Response{}, err
	}
	if a.Status != "scheduled" || !r.Now.Before(a.StartsAt) {
		return Response{}, Fail(EInvalid, "activity.move.too_late", "ID", a.ID, "State", r.Lang().T(activityState(a)))
	}
	start, err := ParseWhen(r.Lang(), r.Args.String("when"), r.Now, r.House.Location)
	if err != nil {
		return Response{}, err
	}
	length := a.EndsAt.Sub(a.StartsAt)
	a.StartsAt, a.EndsAt = start, start.Add(length)
	// A reminder already sent is corrected, and a new one goes out on time.
	a.RemindedAt = time.Time{}
	if err := r.activities().UpdateActivity(r.Ctx, a); err != nil {
		return Response{}, err
	}
	if _, err := b.mirrorActivity(r, a, false); err != nil {
		return Response{}, err
	}
	if err := notifyGoing(r, a, true, "activity.moved.notice"); err != nil {
		return Response{}, err
	}
	if err := b.refreshPost(r, a); err != nil {
		return Response{}, err
	}
	if err := r.houseHomesStale(); err != nil {
		return Response{}, err
	}
	return r.Say("activity.moved", "Title", a.Title, "When", FormatTime(r.Lang(), a.StartsAt, r.House.Location)), nil
}

func (b *Bot) cmdActivitySkip(r *Request) (Response, error) {
	a, err := loadActivity(r, int64(r.Args.Int("id")))
	if err != nil {
		return Response{}, err
	}
	if a.Repeat != "weekly" {
		return Response{}, Fail(EInvalid, "activity.skip.not_weekly", "ID", a.ID)
	}
	if a.Status != "scheduled" || !r.Now.Before(a.StartsAt) {
		return Response{}, Fail(EInvalid, "activity.skip.too_late", "ID", a.ID)
	}
	if err := b.endActivity(r, a, "skipped", "activity.skipped.notice"); err != nil {
		return Response{}, err
	}
	next, err := b.nextOccurrence(r, a)
	if err != nil {
		return Response{}, err
	}
	return r.Say("activity.skipped", "Title", a.Title, "ID", next.ID, "When", FormatTime(r.Lang(), next.StartsAt, r.House.Location)), nil
}

// withWhen adds to pairs the activity's title and its start as When, in
// l: the data of the notices sent to each person going.
func withWhen(l Lang, a *Activity, loc *time.Location, pairs []any) []any {
	return append([]any{"Title", a.Title, "When", FormatTime(l, a.StartsAt, loc), "Until", FormatTimeUntil(l, a.StartsAt, loc)}, pairs...)
}

// endActivity ends a before it happens, as "skipped" or "cancelled": it
// tells everyone going or maybe (message notice, with the activity's
// title and time), and updates the post.
func (b *Bot) endActivity(r *Request, a *Activity, status, notice string) error {
	a.Status, a.EndedAt = status, r.Now
	if err := r.activities().UpdateActivity(r.Ctx, a); err != nil {
		return err
	}
	if err := notifyGoing(r, a, true, notice); err != nil {
		return err
	}
	if _, err := b.mirrorActivity(r, a, true); err != nil {
		return err
	}
	if err := r.houseHomesStale(); err != nil {
		return err
	}
	return b.refreshPost(r, a)
}

func (b *Bot) cmdActivityCancel(r *Request) (Response, error) {
	a, err := loadActivity(r, int64(r.Args.Int("id")))
	if err != nil {
		return Response{}, err
	}
	if a.Status != "scheduled" || !a.EndedAt.IsZero() {
		return Response{}, Fail(EInvalid, "activity.cancel.already", "ID", a.ID, "State", r.Lang().T(activityState(a)))
	}
	if err := b.endActivity(r, a, "cancelled", "activity.cancelled.notice"); err != nil {
		return Response{}, err
	}
	if a.Repeat == "weekly" {
		return r.Say("activity.cancelled.series", "Title", a.Title), nil
	}
	return r.Say("activity.cancelled", "Title", a.Title), nil
}

// activityState is the catalogue's words for why an activity can no
// longer change: skipped, cancelled, or under way or over.
func activityState(a *Activity) string {
	if w, ok := activityStatusWords[a.Status]; ok {
		return w
	}
	return i18n.ID("activity.status.over")
}

// nextOccurrence creates and announces a weekly activity's next one.
func (b *Bot) nextOccurrence(r *Request, a *Activity) (*Activity, error) {
	series := a.SeriesID
	if series == 0 {
		series = a.ID
	}
	// Same wall-clock time a week later, across daylight-saving changes.
	start := a.StartsAt.In(r.House.Location).AddDate(0, 0, 7)
	next := &Activity{HouseID: a.HouseID, SeriesID: series, Title: a.Title, Place: a.Place, Details: a.Details,
		StartsAt: start, EndsAt: start.Add(a.EndsAt.Sub(a.StartsAt)), Capacity: a.Capacity, Repeat: a.Repeat, Status: "scheduled",
		CreatedBy: a.CreatedBy, CreatedAt: r.Now}
	if err := r.activities().CreateActivity(r.Ctx, next); err != nil {
		return nil, err
	}
	return next, b.announceActivity(r, next)
}

// activityTick does the time-driven steps of every pending activity, each
// idempotent by the state it records: the reminder (never after the
// start), the start ("I'm here"), and the end (attendance and the next
// occurrence).
func (b *Bot) activityTick(ctx context.Context, now time.Time) error {
	return eachDue(ctx, b, now, "pending activities",
		func(tx Tx) ([]*Activity, error) {
			// Only the activities with a step due now are written.
			pending, err := tx.PendingActivities(ctx, now.Add(24*time.Hour))
			return slices.DeleteFunc(pending, func(a *Activity) bool {
				h := b.houseByID(a.HouseID)
				return h == nil || !activityStepDue(h, a, now)
			}), err
		},
		func(p *Activity) int64 { return p.HouseID },
		func(r *Request, p *Activity) error {
			a, err := r.activities().ActivityByID(ctx, p.ID)
			if err != nil || a.Status != "scheduled" || !a.EndedAt.IsZero() {
				return err
			}
			return b.stepActivity(r, a)
		})
}

// activityStepDue reports whether one of stepActivity's steps is due for
// a at now: its reminder, its start or its end.
func activityStepDue(h *House, a *Activity, now time.Time) bool {
	return (a.RemindedAt.IsZero() && !now.Before(a.StartsAt.Add(-reminderBefore(h)))) ||
		(a.StartedAt.IsZero() && !now.Before(a.StartsAt)) ||
		!now.Before(a.EndsAt)
}

func (b *Bot) stepActivity(r *Request, a *Activity) error {
	h := r.House
	changed := false
	if a.RemindedAt.IsZero() && !r.Now.Before(a.StartsAt.Add(-reminderBefore(h))) {
		a.RemindedAt, changed = r.Now, true
		if r.Now.Before(a.StartsAt) { // late is fine, after the start is not
			if err := b.remindActivity(r, a); err != nil {
				return err
			}
		}
	}
	if a.StartedAt.IsZero() && !r.Now.Before(a.StartsAt) {
		a.StartedAt, changed = r.Now, true
		if r.Now.Before(a.EndsAt) {
			if err := notifyHere(r, a); err != nil {
				return err
			}
		}
	}
	if !r.Now.Before(a.EndsAt) {
		a.EndedAt, changed = r.Now, true
		if err := b.askWhoCame(r, a); err != nil {
			return err
		}
		if a.Repeat == "weekly" {
			if _, err := b.nextOccurrence(r, a); err != nil {
				return err
			}
		}
	}
	if !changed {
		return nil
	}
	return r.activities().UpdateActivity(r.Ctx, a)
}

// remindActivity reminds the people going and asks the maybes; nobody on
// the waitlist is told they are going.
func (b *Bot) remindActivity(r *Request, a *Activity) error {
	rsvps, err := r.activities().RSVPs(r.Ctx, a.ID)
	if err != nil {
		return err
	}
	// The place, when given, is said in the message ("at the park").
	going, maybe := "activity.reminder.going", "activity.reminder.maybe"
	if a.Place != "" {
		going, maybe = "activity.reminder.going_at", "activity.reminder.maybe_at"
	}
	for _, v := range rsvps {
		var m func(l Lang) Message
		switch v.Status {
		case RSVPGoing:
			m = func(l Lang) Message {
				return Message{Text: l.T(going, withWhen(l, a, r.House.Location, []any{"Place", a.Place})...),
					Choices: []Choice{{ID: fmt.Sprintf("activity:rsvp:%d:cant", a.ID), Label: l.T("activity.reminder.cant.button")}}}
			}
		case RSVPMaybe:
			m = func(l Lang) Message {
				return Message{Text: l.T(maybe, withWhen(l, a, r.House.Location, []any{"Place", a.Place})...), Choices: rsvpChoicesIn(l, a)}
			}
		default:
			continue
		}
		if err := dmMemberIn(r, v.MemberID, MsgActivity, m); err != nil {
			return err
		}
	}
	return nil
}

// notifyHere offers the people going an "I'm here" button at the start.
func notifyHere(r *Request, a *Activity) error {
	rsvps, err := r.activities().RSVPs(r.Ctx, a.ID)
	if err != nil {
		return err
	}
	for _, v := range rsvps {
		if v.Status != RSVPGoing {
			continue
		}
		m := func(l Lang) Message {
			return Message{Text: l.T("activity.starting", "Title", a.Title),
				Choices: []Choice{{ID: fmt.Sprintf("activity:here:%d", a.ID), Label: l.T("activity.here.button"), Style: StylePrimary}}}
		}
		if err := dmMemberIn(r, v.MemberID, MsgActivity, m); err != nil {
			return err
		}
	}
	return nil
}

// askWhoCame sends the organiser the RSVPs with one button per person and
// one for "everyone who said Going came".
func (b *Bot) askWhoCame(r *Request, a *Activity) error {
	rsvps, err := r.activities().RSVPs(r.Ctx, a.ID)
	if err != nil {
		return err
	}
	came, err := r.activities().Attendance(r.Ctx, a.ID)
	if err != nil {
		return err
	}
	here := map[int64]bool{}
	for _, id := range came {
		here[id] = true
	}
	// The organiser reads it in their own language.
	l := r.LangOfUser(a.CreatedBy)
	lines := []string{l.T("activity.who_came", "Title", a.Title, "ID", a.ID)}
	var choices []Choice
	var named []string
	for _, v := range rsvps {
		if v.Status != RSVPGoing && v.Status != RSVPMaybe {
			continue
		}
		name, users, err := names(r, l, []int64{v.MemberID})
		if err != nil {
			return err
		}
		named = append(named, users...)
		line := fmt.Sprintf("• %s — %s", name, l.T(rsvpWords[v.Status]))
		if here[v.MemberID] {
			line += " " + l.T("activity.who_came.tapped")
		}
		lines = append(lines, line)
		choices = append(choices, Choice{ID: fmt.Sprintf("activityorg:came:%d:%d", a.ID, v.MemberID), Label: "✓ " + strings.Trim(name, "*")})
	}
	if len(choices) == 0 {
		lines = append(lines, l.T("activity.who_came.none"))
	} else {
		choices = append(choices, Choice{ID: fmt.Sprintf("activityorg:allcame:%d", a.ID), Label: l.T("activity.who_came.all.button"), Style: StylePrimary})
	}
	_, err = r.Enqueue(&OutboxMessage{Kind: MsgActivity, About: named,
		Out: Outgoing{Target: Target{Kind: TargetDM, User: a.CreatedBy}, Message: Message{Text: strings.Join(lines, "\n"), Choices: choices}}})
	return err
}

// actActivityOrganiser records attendance confirmed by staff.
func (b *Bot) actActivityOrganiser(r *Request, parts []string) (Response, error) {
	id, err := buttonID(parts, 1)
	if err != nil {
		return Response{}, err
	}
	a, err := loadActivity(r, id)
	if err != nil {
		return Response{}, err
	}
	var who []int64
	switch {
	case parts[0] == "came" && len(parts) == 3:
		mid, err := buttonID(parts, 2)
		if err != nil {
			return Response{}, err
		}
		who = []int64{mid}
	case parts[0] == "allcame":
		rsvps, err := r.activities().RSVPs(r.Ctx, a.ID)
		if err != nil {
			return Response{}, err
		}
		for _, v := range rsvps {
			if v.Status == RSVPGoing {
				who = append(who, v.MemberID)
			}
		}
	default:
		return Response{}, errBadButton
	}
	for _, mid := range who {
		if m, err := r.activities().MemberByID(r.Ctx, mid); err != nil || m.HouseID != r.House.ID {
			continue // an erased member, or not of this house
		}
		if _, err := r.activities().RecordAttendance(r.Ctx, a.ID, mid, "mentor", r.Now); err != nil {
			return Response{}, err
		}
	}
	all, err := r.activities().Attendance(r.Ctx, a.ID)
	if err != nil {
		return Response{}, err
	}
	return Response{Messages: []Message{{Text: r.Lang().N("activity.attended", len(all), "Title", a.Title)}}}, nil
}
