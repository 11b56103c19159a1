package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
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
	b.form("activity", formRoute{roles: Staff, build: func(*Request, []string) (Form, error) { return activityForm(), nil }, submit: b.submitActivity})
	b.tickers = append(b.tickers, b.activityTick)
}

// activityLengths are the lengths a new activity's form offers; each is a
// Go duration, so the value parses as one.
var activityLengths = []string{"30m", "45m", "1h", "90m", "2h", "3h", "4h", "6h", "8h"}

func activityForm() Form {
	return Form{ID: "activity:new", Title: "New activity", Fields: []Field{
		{ID: "title", Kind: KindText, Label: "What is it?", MaxLen: 80, Required: true, Placeholder: "Movie night"},
		{ID: "when", Kind: KindDateTime, Label: "When?", MaxLen: 40, Required: true, Placeholder: "fri 19:00"},
		{ID: "duration", Kind: KindChoice, Label: "How long?", Options: activityLengths, Value: "2h"},
		{ID: "place", Kind: KindText, Label: "Where?", MaxLen: 100, Placeholder: "Living room"},
		{ID: "details", Kind: KindText, Label: "Details", MaxLen: 500},
		{ID: "capacity", Kind: KindNumber, Label: "How many can come?", Min: 1, Max: 1000, Help: "Leave it empty for no limit."},
		{ID: "repeat", Kind: KindChoice, Label: "Repeat", Options: []string{"none", "weekly"}, Value: "none"},
	}}
}

func (b *Bot) cmdActivityAdd(r *Request) (Response, error) {
	if !r.Args.Has("title") {
		return b.openForm(r, activityForm(), nil)
	}
	if !r.Args.Has("when") {
		return Response{}, Errorf(EInvalid, "Give a time too: %s \"Movie night\" \"fri 19:00\" Living room — or just %s for the form.", Cmd("activity add"), Cmd("activity add"))
	}
	return b.submitActivity(r, nil, map[string]string{"title": r.Args.String("title"), "when": r.Args.String("when"), "place": r.Args.String("place"), "repeat": "none"})
}

// submitActivity validates the activity's fields, stores it and announces
// it. Errors name the field, and nothing is stored unless all is well.
func (b *Bot) submitActivity(r *Request, _ []string, vals map[string]string) (Response, error) {
	errs := map[string]string{}
	start, err := ParseWhen(vals["when"], r.Now, r.House.Location)
	if err != nil {
		errs["when"] = ErrorText(r.Lang(), err)
	}
	length := defaultActivityLength
	if d := strings.TrimSpace(vals["duration"]); d != "" {
		length, err = time.ParseDuration(d)
		if err != nil || length < 15*time.Minute || length > 24*time.Hour {
			errs["duration"] = "Give a length between 15m and 24h, such as 2h or 90m."
		}
	}
	capacity := 0
	if c := strings.TrimSpace(vals["capacity"]); c != "" {
		capacity, err = strconv.Atoi(c)
		if err != nil || capacity < 1 || capacity > 1000 {
			errs["capacity"] = "Give a number of people from 1 to 1000, or leave it empty for no limit."
		}
	}
	repeat := strings.TrimSpace(vals["repeat"])
	if repeat == "" {
		repeat = "none"
	}
	if repeat != "none" && repeat != "weekly" {
		errs["repeat"] = "Choose none or weekly."
	}
	if strings.TrimSpace(vals["title"]) == "" {
		errs["title"] = "Give the activity a name."
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
		f := activityForm().Prefill(vals)
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
	return Reply("Posted *%s* (#%d) for %s in the house channel. I'll remind the people going %s before, and ask you afterwards who came.",
		a.Title, a.ID, FormatTime(a.StartsAt, r.House.Location), humanDuration(reminderBefore(r.House))), nil
}

// humanDuration says a duration in words: "1 hour", "90 minutes", "2 hours".
func humanDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0 && d == time.Hour:
		return "1 hour"
	case d%time.Hour == 0:
		return fmt.Sprintf("%d hours", d/time.Hour)
	case d == time.Minute:
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", d/time.Minute)
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
		details = strings.TrimSpace(details + "\nEvery week.")
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

// activityMessage is the announcement: what, when (each viewer's local
// time), where, details, and live counts, with the RSVP buttons while it is
// still ahead; and the platform user ids of the people it names.
func (b *Bot) activityMessage(r *Request, a *Activity) (Message, []string, error) {
	rsvps, err := r.activities().RSVPs(r.Ctx, a.ID)
	if err != nil {
		return Message{}, nil, err
	}
	count := map[string][]int64{}
	for _, v := range rsvps {
		count[v.Status] = append(count[v.Status], v.MemberID)
	}
	lines := []string{fmt.Sprintf("📅 *%s* (#%d)", a.Title, a.ID), "🕖 " + FormatTimeUntil(a.StartsAt, r.House.Location)}
	if a.Place != "" {
		lines = append(lines, "📍 "+a.Place)
	}
	if a.Details != "" {
		lines = append(lines, a.Details)
	}
	if a.Repeat == "weekly" {
		lines = append(lines, "Every week.")
	}
	switch a.Status {
	case "cancelled":
		lines[0] = "❌ *Cancelled:* " + a.Title
		return Message{Text: strings.Join(lines, "\n")}, nil, nil
	case "skipped":
		lines[0] = "⏭️ *Skipped this time:* " + a.Title
		return Message{Text: strings.Join(lines, "\n")}, nil, nil
	}
	going, about, err := names(r, count[RSVPGoing])
	if err != nil {
		return Message{}, nil, err
	}
	counts := fmt.Sprintf("Going: %d", len(count[RSVPGoing]))
	if a.Capacity > 0 {
		counts = fmt.Sprintf("Going: %d of %d", len(count[RSVPGoing]), a.Capacity)
	}
	counts += fmt.Sprintf(" · Maybe: %d", len(count[RSVPMaybe]))
	if n := len(count[RSVPWaitlist]); n > 0 {
		counts += fmt.Sprintf(" · Waitlist: %d", n)
	}
	lines = append(lines, counts)
	if len(count[RSVPGoing]) > 0 {
		lines = append(lines, "Going: "+going)
	}
	return Message{Text: strings.Join(lines, "\n"), Choices: rsvpChoices(a)}, about, nil
}

func rsvpChoices(a *Activity) []Choice {
	id := strconv.FormatInt(a.ID, 10)
	return []Choice{
		{ID: "activity:rsvp:" + id + ":going", Label: "Going", Style: StylePrimary},
		{ID: "activity:rsvp:" + id + ":maybe", Label: "Maybe"},
		{ID: "activity:rsvp:" + id + ":cant", Label: "Can't"},
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
		return nil, Errorf(ENotFound, "There's no activity #%d in %s. %s shows the upcoming ones.", id, r.House.Name, Cmd("activity list"))
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
			return Reply("\"I'm here\" works while *%s* is on.", a.Title), nil
		}
		first, err := r.activities().RecordAttendance(r.Ctx, a.ID, r.Member.ID, "self", r.Now)
		if err != nil {
			return Response{}, err
		}
		if !first {
			return Reply("Already noted — enjoy!"), nil
		}
		return Reply("Glad you're here! 💚"), nil
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
		return Reply("*%s* is %s.", a.Title, a.Status), nil
	}
	if !r.Now.Before(a.StartsAt) {
		return Reply("*%s* has started; answers are closed.", a.Title), nil
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
		return Reply("You're already down as %s for *%s*.", rsvpWords[prev], a.Title), nil
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
		return Reply("*%s* is full, so you're on the waitlist. I'll tell you privately if a place opens up.", a.Title), nil
	case RSVPGoing:
		return Reply("You're going to *%s* (%s). See you there!", a.Title, FormatTime(a.StartsAt, r.House.Location)), nil
	case RSVPMaybe:
		return Reply("Noted as maybe for *%s*. I'll check with you before it starts.", a.Title), nil
	}
	return Reply("Thanks for letting us know. Maybe next time!"), nil
}

var rsvpWords = map[string]string{RSVPGoing: "going", RSVPMaybe: "maybe", RSVPCant: "not coming", RSVPWaitlist: "on the waitlist"}

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
	return dmMember(r, next.MemberID, MsgActivity, Message{Text: fmt.Sprintf("🎉 A place opened up: you're going to *%s* (%s).", a.Title, FormatTime(a.StartsAt, r.House.Location)),
		Choices: []Choice{{ID: fmt.Sprintf("activity:rsvp:%d:cant", a.ID), Label: "I can't make it now"}}})
}

func (b *Bot) cmdActivityList(r *Request) (Response, error) {
	as, err := r.activities().UpcomingActivities(r.Ctx, r.House.ID, r.Now)
	if err != nil {
		return Response{}, err
	}
	if len(as) == 0 {
		return Reply("No activities are planned yet. House Mentors post them with %s.", Cmd("activity add")), nil
	}
	lines := []string{"*Coming up*"}
	for _, a := range as {
		line := fmt.Sprintf("• #%d *%s* — %s", a.ID, a.Title, FormatTime(a.StartsAt, r.House.Location))
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
					line += " · you: " + rsvpWords[v.Status]
				}
			}
		}
		lines = append(lines, line)
	}
	return Reply("%s", strings.Join(lines, "\n")), nil
}

// notifyGoing DMs everyone going (and, when with is set, the maybes).
func notifyGoing(r *Request, a *Activity, text string, maybes bool) error {
	rsvps, err := r.activities().RSVPs(r.Ctx, a.ID)
	if err != nil {
		return err
	}
	for _, v := range rsvps {
		if v.Status == RSVPGoing || (maybes && v.Status == RSVPMaybe) {
			if err := dmMember(r, v.MemberID, MsgActivity, Message{Text: text}); err != nil {
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
		return Response{}, Errorf(EInvalid, "#%d can't be moved: it is %s.", a.ID, activityState(a))
	}
	start, err := ParseWhen(r.Args.String("when"), r.Now, r.House.Location)
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
	if err := notifyGoing(r, a, fmt.Sprintf("🕖 Change of time: *%s* is now %s.", a.Title, FormatTimeUntil(a.StartsAt, r.House.Location)), true); err != nil {
		return Response{}, err
	}
	if err := b.refreshPost(r, a); err != nil {
		return Response{}, err
	}
	if err := r.houseHomesStale(); err != nil {
		return Response{}, err
	}
	return Reply("Moved *%s* to %s; the people going (and the maybes) were told.", a.Title, FormatTime(a.StartsAt, r.House.Location)), nil
}

func (b *Bot) cmdActivitySkip(r *Request) (Response, error) {
	a, err := loadActivity(r, int64(r.Args.Int("id")))
	if err != nil {
		return Response{}, err
	}
	if a.Repeat != "weekly" {
		return Response{}, Errorf(EInvalid, "#%d doesn't repeat; use %s %d to call it off.", a.ID, Cmd("activity cancel"), a.ID)
	}
	if a.Status != "scheduled" || !r.Now.Before(a.StartsAt) {
		return Response{}, Errorf(EInvalid, "#%d can't be skipped now.", a.ID)
	}
	if err := b.endActivity(r, a, "skipped", fmt.Sprintf("⏭️ *%s* on %s is skipped this week. The next one is a week later.", a.Title, FormatTime(a.StartsAt, r.House.Location))); err != nil {
		return Response{}, err
	}
	next, err := b.nextOccurrence(r, a)
	if err != nil {
		return Response{}, err
	}
	return Reply("Skipped this week's *%s*; #%d is posted for %s.", a.Title, next.ID, FormatTime(next.StartsAt, r.House.Location)), nil
}

// endActivity ends a before it happens, as "skipped" or "cancelled": it
// tells everyone going or maybe, and updates the post.
func (b *Bot) endActivity(r *Request, a *Activity, status, notice string) error {
	a.Status, a.EndedAt = status, r.Now
	if err := r.activities().UpdateActivity(r.Ctx, a); err != nil {
		return err
	}
	if err := notifyGoing(r, a, notice, true); err != nil {
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
		return Response{}, Errorf(EInvalid, "#%d is already %s.", a.ID, activityState(a))
	}
	if err := b.endActivity(r, a, "cancelled", fmt.Sprintf("❌ *%s* (%s) is cancelled. Sorry!", a.Title, FormatTime(a.StartsAt, r.House.Location))); err != nil {
		return Response{}, err
	}
	if a.Repeat == "weekly" {
		return Reply("Cancelled *%s* and its weekly series; the people going were told.", a.Title), nil
	}
	return Reply("Cancelled *%s*; the people going were told.", a.Title), nil
}

// activityState says why an activity can no longer change: "skipped",
// "cancelled", or under way or over.
func activityState(a *Activity) string {
	if a.Status != "scheduled" {
		return a.Status
	}
	return "already under way or over"
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
	when := FormatTimeUntil(a.StartsAt, r.House.Location)
	where := ""
	if a.Place != "" {
		where = " at " + a.Place
	}
	for _, v := range rsvps {
		var m Message
		switch v.Status {
		case RSVPGoing:
			m = Message{Text: fmt.Sprintf("⏰ Reminder: *%s* starts %s%s. See you there!", a.Title, when, where),
				Choices: []Choice{{ID: fmt.Sprintf("activity:rsvp:%d:cant", a.ID), Label: "I can't make it"}}}
		case RSVPMaybe:
			m = Message{Text: fmt.Sprintf("*%s* starts %s%s. Still coming?", a.Title, when, where), Choices: rsvpChoices(a)}
		default:
			continue
		}
		if err := dmMember(r, v.MemberID, MsgActivity, m); err != nil {
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
		m := Message{Text: fmt.Sprintf("*%s* is starting. Tap when you're there.", a.Title),
			Choices: []Choice{{ID: fmt.Sprintf("activity:here:%d", a.ID), Label: "I'm here", Style: StylePrimary}}}
		if err := dmMember(r, v.MemberID, MsgActivity, m); err != nil {
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
	lines := []string{fmt.Sprintf("*%s* (#%d) is over. Who came? Tap each person, or confirm everyone who said Going.", a.Title, a.ID)}
	var choices []Choice
	var named []string
	for _, v := range rsvps {
		if v.Status != RSVPGoing && v.Status != RSVPMaybe {
			continue
		}
		name, users, err := names(r, []int64{v.MemberID})
		if err != nil {
			return err
		}
		named = append(named, users...)
		line := fmt.Sprintf("• %s — %s", name, rsvpWords[v.Status])
		if here[v.MemberID] {
			line += " (tapped I'm here)"
		}
		lines = append(lines, line)
		choices = append(choices, Choice{ID: fmt.Sprintf("activityorg:came:%d:%d", a.ID, v.MemberID), Label: "✓ " + strings.Trim(name, "*")})
	}
	if len(choices) == 0 {
		lines = append(lines, "Nobody had answered.")
	} else {
		choices = append(choices, Choice{ID: fmt.Sprintf("activityorg:allcame:%d", a.ID), Label: "Everyone who said Going came", Style: StylePrimary})
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
	return Reply("Noted. %d came to *%s*.", len(all), a.Title), nil
}
