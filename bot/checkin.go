package bot

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/porchlight/porchlight/i18n"
)

// Default check-in question ids with a meaning beyond their text.
const (
	QMood       = "mood"
	QReachOut   = "reach_out"
	QVisibility = "visibility"
	QShareMood  = "share_mood"
)

// DefaultQuestions are the check-in questions a house gets when its config
// lists none, in the reader's language l. vis is preselected in the
// visibility question. Their ids, the mood's number and the visibility's
// code are what is stored; the words are l's, and a resident may type
// them in any language (Field.Worded).
func DefaultQuestions(l Lang, vis Visibility) []Field {
	visIDs, visCodes := make([]string, len(visibilities)), make([]string, len(visibilities))
	for i, v := range visibilities {
		visIDs[i], visCodes[i] = visibilityWords[v], string(v)
	}
	return []Field{
		Field{ID: QMood, Kind: KindScale, Label: l.T("checkin.q.mood.label"), Min: 1, Max: 5, Required: true}.Worded(l, moodWords, nil),
		{ID: "win", Kind: KindText, Label: l.T("checkin.q.win.label"), MaxLen: 500, Placeholder: l.T("checkin.q.win.placeholder")},
		{ID: "hard", Kind: KindText, Label: l.T("checkin.q.hard.label"), MaxLen: 500, Placeholder: l.T("checkin.q.hard.placeholder")},
		{ID: QReachOut, Kind: KindYesNo, Label: l.T("checkin.q.reach_out.label"), Value: "no",
			Help: l.T("checkin.q.reach_out.help")},
		Field{ID: QVisibility, Kind: KindChoice, Label: l.T("checkin.q.visibility.label"), Required: true, Value: string(vis),
			Help: l.T("checkin.q.visibility.help")}.Worded(l, visIDs, visCodes),
	}
}

// moodWords are the words of the default mood scale, from 1 (rough) to 5
// (great); the number is what is stored.
var moodWords = []string{i18n.ID("checkin.mood.1.option"), i18n.ID("checkin.mood.2.option"), i18n.ID("checkin.mood.3.option"), i18n.ID("checkin.mood.4.option"), i18n.ID("checkin.mood.5.option")}

// visibilities are the visibility codes in the order a resident is offered
// them, and visibilityWords their words in the catalogue.
var (
	visibilities    = []Visibility{VisPrivate, VisMentors, VisHouse}
	visibilityWords = map[Visibility]string{VisPrivate: i18n.ID("checkin.vis.private.option"), VisMentors: i18n.ID("checkin.vis.mentors.option"), VisHouse: i18n.ID("checkin.vis.house.option")}
)

// visibilityLabel is visibility v in l's words ("private", "privado"); a
// value that is not a visibility shows as it is.
func visibilityLabel(l Lang, v Visibility) string {
	if id, ok := visibilityWords[v]; ok {
		return l.T(id)
	}
	return string(v)
}

// visibilityOf reads a visibility as it is stored (its code) or as a
// resident picks or types it, in any language ("privado", "casa"); ok is
// false for anything else.
func visibilityOf(s string) (Visibility, bool) {
	if v := Visibility(i18n.Fold(s)); v.Valid() {
		return v, true
	}
	for _, v := range visibilities {
		if Same(visibilityWords[v], s) {
			return v, true
		}
	}
	return "", false
}

// Job names of the check-in feature.
const (
	// JobCheckinOpen opens a round; the job name carries the schedule index.
	JobCheckinOpen = "checkin.open"
)

// checkinJob names the job for schedule i of a house.
func checkinJob(i int) string { return JobCheckinOpen + "/" + strconv.Itoa(i) }

// hooks lets features react to check-in events without the check-in code
// knowing them (the partner feature pings partners from here).
type checkinHooks struct {
	missed   []func(r *Request, m *Member, round *Round) error
	reachOut []func(r *Request, m *Member, round *Round) error
}

func (b *Bot) registerCheckin() {
	b.reg.Add(&Command{
		Name:        "checkin",
		Description: "cmd.checkin.desc",
		Roles:       Members,
		Run:         b.cmdCheckin,
		Subs: []*Command{
			{Name: "pause", Description: "cmd.checkin.pause.desc", Roles: Members, Run: b.cmdPause,
				Options: []Option{{Name: "until", Description: "cmd.checkin.pause.opt.until.desc", Type: OptString, Required: true, Rest: true, MaxLen: 40}}},
			{Name: "resume", Description: "cmd.checkin.resume.desc", Roles: Members, Run: b.cmdResume},
			{Name: "history", Description: "cmd.checkin.history.desc", Roles: Members, Run: b.cmdHistory},
			{Name: "answers", Description: "cmd.checkin.answers.desc", Roles: Staff, Run: b.cmdAnswers,
				Options: []Option{{Name: "date", Description: "cmd.checkin.answers.opt.date.desc", Type: OptString, MaxLen: 20}}},
		},
	})
	b.route("checkin", actionRoute{roles: Members, house: b.roundHouse, run: b.actCheckin})
	b.route("reachout", actionRoute{roles: Staff, house: b.reachOutHouse, run: b.actReachOut})
	b.form("checkin", formRoute{roles: Members, build: b.buildCheckinForm, submit: b.submitCheckin, answered: b.checkinAnswered, fields: b.questions})
}

// questions returns the house's check-in questions, in the house's
// language where they are the default ones: for what does not depend on
// their words (their ids and kinds).
func (b *Bot) questions(h *House) []Field { return b.questionsIn(h, h.Lang()) }

// questionsIn returns the house's check-in questions for a reader of l:
// the config's own questions as the operator wrote them, or the default
// questions in l, with the house default visibility preselected. The
// default questions are localised once per language and visibility (an
// answer asks for them four times). Either way the slice is shared, as
// the config's is: callers read it, and change a copy (Form.Prefill,
// bareFields); its capacity is its length, so that an append copies too.
// (Copying it for every caller was a quarter of the bytes an answer
// allocated.)
func (b *Bot) questionsIn(h *House, l Lang) []Field {
	qs := h.Checkin.Questions
	if len(qs) > 0 {
		return qs
	}
	key := defaultQuestionsKey{l, h.Checkin.DefaultVisibility}
	cached, ok := b.defaultQuestions.Load(key)
	if !ok {
		qs := DefaultQuestions(key.lang, key.vis)
		cached, _ = b.defaultQuestions.LoadOrStore(key, qs[:len(qs):len(qs)])
	}
	return cached.([]Field)
}

// defaultQuestionsKey names one localisation of the default questions.
type defaultQuestionsKey struct {
	lang Lang
	vis  Visibility
}

func (h *House) isSkipDate(t time.Time) bool {
	return contains(h.Checkin.SkipDates, t.In(h.Location).Format(time.DateOnly))
}

// openRound runs the check-in job for schedule i at its scheduled time: it
// opens the round and posts the prompt, late if the bot was down but the
// window is still open, or records the round as skipped when the window has
// passed. The round's unique key makes a second run a no-op.
func (b *Bot) openRound(r *Request, schedule int, at time.Time) error {
	h := r.House
	round := &Round{
		HouseID: h.ID, Schedule: schedule, ScheduledFor: at, OpenedAt: r.Now,
		RemindAt: at.Add(h.Checkin.ReminderAfter), ClosesAt: at.Add(h.Checkin.Window), Status: RoundOpen,
	}
	switch {
	case h.isSkipDate(at):
		r.Log.Info("check-in skipped for a skip date", "scheduled_for", at)
		return errSkipRun
	case !r.Now.Before(round.ClosesAt):
		round.Status = RoundSkipped
		round.OpenedAt = time.Time{}
		r.Log.Warn("check-in round missed while down; recorded as skipped", "scheduled_for", at)
	case !r.Now.Before(round.RemindAt):
		// Opened late (after a restart): a nudge right after the prompt
		// would be noise, so it moves to halfway through what is left.
		round.RemindAt = r.Now.Add(round.ClosesAt.Sub(r.Now) / 2)
	}
	if err := r.checkins().CreateRound(r.Ctx, round); err != nil {
		if errors.Is(err, ErrDuplicate) {
			// The round is there already: opened early by the demo's
			// /checkin, so this run is done; a second run of the same key
			// is dropped when RunJob records it.
			return nil
		}
		return fmt.Errorf("create round: %w", err)
	}
	if round.Status == RoundSkipped {
		return errSkipRun
	}
	id, err := r.Post(b.promptMessage(h, round))
	if err != nil {
		return err
	}
	round.Prompt = id
	if err := r.checkins().UpdateRound(r.Ctx, round); err != nil {
		return fmt.Errorf("save prompt: %w", err)
	}
	r.Log.Info("check-in round opened", "round", round.ID, "late", r.Now.Sub(at) > time.Minute)
	// Every home page in the house gets its Check in button.
	return r.houseHomesStale()
}

// promptMessage is the round's prompt in the house channel, in the
// house's language.
func (b *Bot) promptMessage(h *House, round *Round) Message {
	l := h.Lang()
	text := l.T("checkin.prompt", "Until", FormatTimeUntil(l, round.ClosesAt, h.Location))
	return Message{Text: text, Choices: []Choice{checkinButton(l, round)}}
}

// checkinButton is the "Check in" button of a round, in l.
func checkinButton(l Lang, round *Round) Choice {
	return Choice{ID: fmt.Sprintf("checkin:open:%d", round.ID), Label: l.T("checkin.open.button"), Style: StylePrimary}
}

// currentRound returns the house's newest open round, or ErrNotFound.
func (b *Bot) currentRound(r *Request) (*Round, error) {
	rounds, err := r.checkins().OpenRounds(r.Ctx, r.House.ID)
	if err != nil {
		return nil, fmt.Errorf("open rounds: %w", err)
	}
	for _, rd := range rounds {
		if r.Now.Before(rd.ClosesAt) {
			return rd, nil
		}
	}
	return nil, ErrNotFound
}

func (b *Bot) cmdCheckin(r *Request) (Response, error) {
	if r.Member == nil || !r.Member.Active() {
		return Response{}, errNotJoined
	}
	round, err := b.currentRound(r)
	if errors.Is(err, ErrNotFound) && b.demo {
		// The demo opens the next scheduled round at once, so nobody waits
		// for the schedule; being that run, it never overlaps another.
		schedule, at := b.nextScheduledRound(r)
		if err := b.openRound(r, schedule, at); err != nil && !errors.Is(err, errSkipRun) {
			return Response{}, err
		}
		round, err = b.currentRound(r)
	}
	if errors.Is(err, ErrNotFound) {
		return r.Say("checkin.none_open", "Next", b.nextRoundText(r)), nil
	}
	if err != nil {
		return Response{}, err
	}
	return b.openCheckinForm(r, round)
}

// nextScheduledRound is the house's next scheduled round after now: its
// schedule index and time. Without a schedule it is an unscheduled round
// (index -1) now.
func (b *Bot) nextScheduledRound(r *Request) (int, time.Time) {
	schedule, next := -1, r.Now
	if b.schedules == nil {
		return schedule, next
	}
	for i, spec := range r.House.Checkin.Schedules {
		t, err := b.schedules.Next(spec, r.House.Location, r.Now)
		if err == nil && (schedule < 0 || t.Before(next)) {
			schedule, next = i, t
		}
	}
	return schedule, next
}

// nextRoundText says when the next round opens, if the schedule tells, in
// the caller's language.
func (b *Bot) nextRoundText(r *Request) string {
	next := b.nextRound(r)
	if next.IsZero() {
		return ""
	}
	l := r.Lang()
	return l.T("checkin.next_round", "When", FormatTime(l, next, r.House.Location))
}

// nextRound is when the house's next round opens; zero when the schedule
// does not tell.
func (b *Bot) nextRound(r *Request) time.Time {
	var next time.Time
	if b.schedules == nil {
		return next
	}
	for _, spec := range r.House.Checkin.Schedules {
		t, err := b.schedules.Next(spec, r.House.Location, r.Now)
		if err == nil && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	return next
}

// roundHouse routes a check-in button to its round's house, for residents
// of several houses on one platform. Dispatch then checks the presser is a
// member there.
func (b *Bot) roundHouse(r *Request, parts []string) (*House, error) {
	return b.houseOfButton(r, parts, 2, func(id int64) (int64, error) {
		round, err := r.checkins().RoundByID(r.Ctx, id)
		if err != nil {
			return 0, err
		}
		return round.HouseID, nil
	})
}

// actCheckin handles "Check in" and the choice about a held share.
func (b *Bot) actCheckin(r *Request, parts []string) (Response, error) {
	if len(parts) != 2 {
		return Response{}, Fail(EInvalid, "checkin.bad_button")
	}
	if r.Member == nil || !r.Member.Active() {
		return Response{}, errNotJoined
	}
	if parts[0] == "private" {
		// Keeping one's own answer private is never too late.
		round, err := b.roundOf(r, parts[1])
		if err != nil {
			return Response{}, err
		}
		return b.decideShare(r, round, false)
	}
	round, err := b.roundForAnswer(r, parts[1])
	if err != nil {
		return Response{}, err
	}
	switch parts[0] {
	case "open":
		return b.openCheckinForm(r, round)
	case "post":
		return b.decideShare(r, round, true)
	}
	return Response{}, Fail(EInvalid, "checkin.bad_button")
}

// roundOf loads a round of the request's house by id text.
func (b *Bot) roundOf(r *Request, idText string) (*Round, error) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return nil, Fail(EInvalid, "checkin.bad_round")
	}
	round, err := r.checkins().RoundByID(r.Ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && round.HouseID != r.House.ID) {
		return nil, Fail(ENotFound, "checkin.no_round")
	}
	if err != nil {
		return nil, fmt.Errorf("load round: %w", err)
	}
	return round, nil
}

// roundForAnswer loads a round by id text and checks it is open.
func (b *Bot) roundForAnswer(r *Request, idText string) (*Round, error) {
	round, err := b.roundOf(r, idText)
	if err != nil {
		return nil, err
	}
	if round.Status != RoundOpen || !r.Now.Before(round.ClosesAt) {
		return nil, Fail(EConflict, "checkin.closed", "Next", b.nextRoundText(r))
	}
	return round, nil
}

// answering is what one event that submits a check-in form reads of the
// round it answers and of the caller's earlier answer to it. The form is
// built, the earlier words weighed (checkinAnswered) and the answer saved
// in one transaction, each step about the same round, so each is read
// once: nothing else in the event writes them before submitCheckin saves.
type answering struct {
	house, member int64 // whose reads these are
	idText        string
	round         *Round
	prev          *Answer // the earlier answer, nil if none; once prevRead
	prevRead      bool
}

// answerRound is roundForAnswer for the round a check-in form submits to,
// read once in an event.
func (b *Bot) answerRound(r *Request, idText string) (*Round, error) {
	if a := r.answering; a != nil && a.idText == idText && a.house == r.House.ID && a.member == memberID(r.Member) {
		return a.round, nil
	}
	round, err := b.roundForAnswer(r, idText)
	if err != nil {
		return nil, err
	}
	r.answering = &answering{house: r.House.ID, member: memberID(r.Member), idText: idText, round: round}
	return round, nil
}

// earlierAnswer is the caller's answer to the round answerRound last read,
// read once in an event; ErrNotFound if there is none.
func (b *Bot) earlierAnswer(r *Request) (*Answer, error) {
	a := r.answering
	if !a.prevRead {
		prev, err := r.checkins().AnswerOf(r.Ctx, a.round.ID, r.Member.ID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		a.prev, a.prevRead = prev, true
	}
	if a.prev == nil {
		return nil, ErrNotFound
	}
	return a.prev, nil
}

// memberID is m's id, 0 for no membership.
func memberID(m *Member) int64 {
	if m == nil {
		return 0
	}
	return m.ID
}

// openCheckinForm opens the round's form, prefilled with the member's
// earlier answer so that an edit starts from it.
func (b *Bot) openCheckinForm(r *Request, round *Round) (Response, error) {
	l := r.Lang()
	f := b.checkinForm(r.House, l, round)
	prefill := map[string]string{}
	prev, err := r.checkins().AnswerOf(r.Ctx, round.ID, r.Member.ID)
	switch {
	case err == nil:
		for k, v := range prev.Values {
			prefill[k] = v
		}
		f.Title = l.T("checkin.form.edit_title")
	case !errors.Is(err, ErrNotFound):
		return Response{}, fmt.Errorf("load answer: %w", err)
	}
	return b.openForm(r, f, prefill)
}

// checkinForm is the round's form for a reader of l.
func (b *Bot) checkinForm(h *House, l Lang, round *Round) Form {
	return Form{ID: fmt.Sprintf("checkin:%d", round.ID), Title: l.T("checkin.form.title"), Fields: b.questionsIn(h, l), Submit: l.T("checkin.form.submit.button")}
}

func (b *Bot) buildCheckinForm(r *Request, parts []string) (Form, error) {
	if len(parts) != 1 {
		return Form{}, Fail(EInvalid, "checkin.bad_form")
	}
	if r.Member == nil || !r.Member.Active() {
		return Form{}, errNotJoined
	}
	round, err := b.answerRound(r, parts[0])
	if err != nil {
		return Form{}, err
	}
	return b.checkinForm(r.House, r.Lang(), round), nil
}

// submitCheckin stores a validated answer, shares it if the resident chose
// the house, alerts mentors to a reach-out request, and echoes what was kept.
// Its free text was screened and any concern answered by submitForm
// (checkinAnswered tells it what an edit's earlier words raised); the
// share of a house-visible answer with a concern waits for the resident's
// choice.
func (b *Bot) submitCheckin(r *Request, parts []string, vals map[string]string) (Response, error) {
	round, err := b.answerRound(r, parts[0])
	if err != nil {
		return Response{}, err
	}
	a, err := b.earlierAnswer(r)
	edit := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Response{}, fmt.Errorf("load answer: %w", err)
	}
	if !edit {
		a = &Answer{RoundID: round.ID, MemberID: r.Member.ID, AnsweredAt: r.Now}
	}
	qs := b.questions(r.House)
	before := ConcernNone
	if edit {
		before = b.answerConcern(r, a)
	}
	was := shareState{shared: a.Visibility == VisHouse && a.Share != 0, held: a.ShareHeld, concern: before}
	wasReachOut := a.ReachOut
	a.Values = vals
	a.Source = "form"
	a.UpdatedAt = r.Now
	a.Mood, _ = strconv.Atoi(vals[QMood])
	a.ReachOut = vals[QReachOut] == "yes"
	vis, ok := visibilityOf(vals[QVisibility])
	if !ok {
		vis = r.House.Checkin.DefaultVisibility
	}
	// The code is stored, never the words it was picked in.
	a.Visibility = vis
	if _, ok := vals[QVisibility]; ok {
		vals[QVisibility] = string(vis)
	}
	a.ShareHeld = false // shareAnswer decides again
	level := b.concern(r, textValues(qs, vals)...)
	if err := r.checkins().SaveAnswer(r.Ctx, a); err != nil {
		return Response{}, fmt.Errorf("save answer: %w", err)
	}
	r.answering.prev = a // what a later read in the event would find
	if err := b.shareAnswer(r, round, a, was, level); err != nil {
		return Response{}, err
	}
	if a.ReachOut && !wasReachOut {
		if err := b.reachOut(r, round); err != nil {
			return Response{}, err
		}
	}
	r.Log.Info("check-in answer saved", "round", round.ID, "member", r.Member.ID, "edit", edit, "held", a.ShareHeld)
	resp := Response{Messages: []Message{{Text: b.echo(r, a, edit)}}}
	if a.ShareHeld {
		resp.Messages = append(resp.Messages, holdQuestion(r.Lang(), round))
	}
	return resp, nil
}

// answerConcern is the level of concern the words of a stored answer
// raised; none once they are redacted.
func (b *Bot) answerConcern(r *Request, a *Answer) Concern {
	if a.Redacted {
		return ConcernNone
	}
	return b.concern(r, textValues(b.questions(r.House), a.Values)...)
}

// checkinAnswered is the level of concern the caller's earlier answer to
// the form's round raised, and was answered for: an edit that keeps those
// words is not answered again. A round that cannot be answered raised
// nothing; submitCheckin refuses it.
func (b *Bot) checkinAnswered(r *Request, parts []string) Concern {
	if r.Member == nil {
		return ConcernNone
	}
	if _, err := b.answerRound(r, parts[0]); err != nil {
		return ConcernNone
	}
	a, err := b.earlierAnswer(r)
	if err != nil {
		return ConcernNone
	}
	return b.answerConcern(r, a)
}

// holdQuestion asks a resident whose house-visible answer is held what to
// do with it, in their language l.
func holdQuestion(l Lang, round *Round) Message {
	return Message{
		Text: l.T("checkin.hold"),
		Choices: []Choice{
			{ID: fmt.Sprintf("checkin:post:%d", round.ID), Label: l.T("checkin.hold.post.button")},
			{ID: fmt.Sprintf("checkin:private:%d", round.ID), Label: l.T("checkin.hold.private.button"), Style: StylePrimary},
		},
	}
}

// echo tells the resident exactly what was recorded.
func (b *Bot) echo(r *Request, a *Answer, edit bool) string {
	l := r.Lang()
	var lines []string
	if edit {
		lines = append(lines, l.T("checkin.echo.updated"))
	} else {
		lines = append(lines, l.T("checkin.echo.thanks", "Name", r.Member.Name))
	}
	for _, q := range b.questionsIn(r.House, l) {
		v := a.Values[q.ID]
		if v == "" {
			continue
		}
		switch {
		case q.Kind == KindScale:
			if n, err := strconv.Atoi(v); err == nil && n-q.Min < len(q.Options) && n >= q.Min {
				v += " – " + q.Options[n-q.Min]
			}
		case q.Kind == KindChoice:
			v = q.Shown(v)
		}
		lines = append(lines, fmt.Sprintf("• %s: %s", q.Label, v))
	}
	switch a.Visibility {
	case VisPrivate:
		lines = append(lines, l.T("checkin.echo.private"))
	case VisMentors:
		lines = append(lines, l.T("checkin.echo.mentors"))
	case VisHouse:
		if a.ShareHeld {
			lines = append(lines, l.T("checkin.echo.held"))
		} else {
			lines = append(lines, l.T("checkin.echo.house"))
		}
	}
	if a.ReachOut {
		lines = append(lines, l.T("checkin.echo.reach_out"))
	}
	lines = append(lines, l.T("checkin.echo.change"))
	return strings.Join(lines, "\n")
}

// shareState is what an answer's share was before an edit.
type shareState struct {
	// shared: the answer is in the house channel; held: it waits for the
	// resident's choice.
	shared, held bool
	// concern is the level the earlier version of the answer raised.
	concern Concern
}

// shareAnswer posts a house-visible answer in the prompt's thread, updates
// or withdraws an earlier share, or holds it. A danger or relapse answer is
// never shared to the group on its visibility alone: its share is held, and
// stored as held, until the resident chooses (the caller asks them while
// a.ShareHeld is set). An edit that raises no higher concern than the
// words they already chose to post keeps that choice.
func (b *Bot) shareAnswer(r *Request, round *Round, a *Answer, was shareState, level Concern) error {
	switch {
	case a.Visibility != VisHouse:
		if was.shared {
			return b.withdrawShare(r, a)
		}
		return nil
	case level == ConcernNone:
		return b.postShare(r, round, a, was.shared)
	case was.shared && !was.held && level <= was.concern:
		// They chose "post anyway" for words of this level: an edit
		// updates what they chose to post.
		return b.postShare(r, round, a, true)
	}
	// Held: an earlier share, if any, stays as it was until they choose.
	a.ShareHeld = true
	if err := r.checkins().SaveAnswer(r.Ctx, a); err != nil {
		return fmt.Errorf("hold share: %w", err)
	}
	return nil
}

// postShare posts the answer in the prompt's thread, or edits the post
// already there when shared is true, and saves the answer.
func (b *Bot) postShare(r *Request, round *Round, a *Answer, shared bool) error {
	l := r.HouseLang()
	m := &OutboxMessage{Kind: MsgShare, About: []string{r.Member.UserID}, ThreadOf: round.Prompt,
		Out: Outgoing{Target: Target{Kind: TargetChannel, Channel: r.House.Channel}, Message: Message{Text: b.shareText(r, l, a)},
			ThreadName: l.T("checkin.share.thread", "Date", l.Date(r.Local(round.ScheduledFor), i18n.DateShort))}}
	if shared {
		m.ThreadOf, m.EditOf = 0, a.Share
	}
	id, err := r.Enqueue(m)
	if err != nil {
		return err
	}
	if !shared {
		a.Share = id
	}
	return r.checkins().SaveAnswer(r.Ctx, a)
}

// withdrawShare replaces a posted share with a note that it was withdrawn,
// and saves the answer as not shared.
func (b *Bot) withdrawShare(r *Request, a *Answer) error {
	_, err := r.Enqueue(&OutboxMessage{Kind: MsgShare, About: []string{r.Member.UserID}, EditOf: a.Share, Out: Outgoing{Target: Target{Kind: TargetChannel, Channel: r.House.Channel},
		Message: Message{Text: r.HouseLang().T("checkin.share.withdrawn", "Name", r.Member.Name)}}})
	if err != nil {
		return err
	}
	a.Share = 0
	return r.checkins().SaveAnswer(r.Ctx, a)
}

// decideShare carries out the resident's choice about a held share: post
// it to the house after all, once, in the prompt's thread; or keep it
// private, the visibility that shows it to nobody.
func (b *Bot) decideShare(r *Request, round *Round, post bool) (Response, error) {
	a, err := r.checkins().AnswerOf(r.Ctx, round.ID, r.Member.ID)
	if errors.Is(err, ErrNotFound) {
		return r.Say("checkin.decide.none"), nil
	}
	if err != nil {
		return Response{}, fmt.Errorf("load answer: %w", err)
	}
	if !a.ShareHeld {
		// Already decided, or changed since with /checkin: the answer as
		// it is now rules.
		if a.Visibility == VisHouse && a.Share != 0 {
			return r.Say("checkin.decide.already_posted"), nil
		}
		return r.Say("checkin.decide.nothing_waiting", "Visibility", visibilityLabel(r.Lang(), a.Visibility)), nil
	}
	a.ShareHeld = false
	a.UpdatedAt = r.Now
	if post {
		if err := b.postShare(r, round, a, a.Share != 0); err != nil {
			return Response{}, err
		}
		r.Log.Info("held share posted at the resident's choice", "round", round.ID, "member", r.Member.ID)
		return r.Say("checkin.decide.posted"), nil
	}
	a.Visibility = VisPrivate
	a.Values[QVisibility] = string(VisPrivate)
	if a.Share != 0 {
		err = b.withdrawShare(r, a)
	} else {
		err = r.checkins().SaveAnswer(r.Ctx, a)
	}
	if err != nil {
		return Response{}, err
	}
	r.Log.Info("held share kept private", "round", round.ID, "member", r.Member.ID)
	return r.Say("checkin.decide.private"), nil
}

// shareText is a resident's share, in the house's language l: their text
// answers, never the mood number unless they said yes to sharing it.
func (b *Bot) shareText(r *Request, l Lang, a *Answer) string {
	lines := []string{l.T("checkin.share.header", "Name", r.Member.Name)}
	for _, q := range b.questionsIn(r.House, l) {
		v := a.Values[q.ID]
		if q.Kind == KindText && v != "" {
			lines = append(lines, fmt.Sprintf("• %s: %s", q.Label, v))
		}
	}
	if a.Values[QShareMood] == "yes" && a.Mood > 0 {
		lines = append(lines, l.T("checkin.share.mood", "Mood", a.Mood))
	}
	if len(lines) == 1 {
		lines[0] = l.T("checkin.share.empty", "Name", r.Member.Name)
	}
	return strings.Join(lines, "\n")
}

// Mentors returns the user ids of a house's mentors, from config and granted
// in chat, without duplicates.
func (r *Request) Mentors() ([]string, error) {
	granted, err := r.checkins().RoleHolders(r.Ctx, r.House.ID, RoleMentor)
	if err != nil {
		return nil, fmt.Errorf("mentors: %w", err)
	}
	seen := map[string]bool{}
	var out []string
	for _, id := range append(append([]string(nil), r.House.Mentors...), granted...) {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// moodInText finds a 1–5 mood in a thread reply.
var moodInText = regexp.MustCompile(`(?:^|[^\d.,/])([1-5])(?:$|[^\d.,/])`)

// handleThreadReply records a reply in a prompt's thread as the resident's
// answer. The reply is already public, so it is stored as house-visible.
func (b *Bot) handleThreadReply(r *Request) (Response, error) {
	rounds, err := r.checkins().OpenRounds(r.Ctx, r.House.ID)
	if err != nil {
		return Response{}, fmt.Errorf("open rounds: %w", err)
	}
	var round *Round
	for _, rd := range rounds {
		ref, err := r.checkins().OutboxRef(r.Ctx, rd.Prompt)
		if err != nil {
			return Response{}, fmt.Errorf("prompt ref: %w", err)
		}
		if !ref.IsZero() && ref.ID == r.Event.Thread.ID && r.Now.Before(rd.ClosesAt) {
			round = rd
			break
		}
	}
	if round == nil {
		return Response{}, nil // a reply to something else: not ours to read
	}
	// The reply is already public: the resident posted it. So a concern
	// gets only the private reply; the answer is recorded as usual.
	crisis, _, err := b.screen(r, r.Event.Text)
	if err != nil {
		return Response{}, err
	}
	if r.Member == nil || !r.Member.Active() {
		if len(crisis.Messages) > 0 {
			return crisis, nil
		}
		return r.Say("checkin.reply.not_joined"), nil
	}
	if _, err := r.checkins().AnswerOf(r.Ctx, round.ID, r.Member.ID); err == nil {
		resp := r.Say("checkin.reply.already")
		resp.Messages = append(resp.Messages, crisis.Messages...)
		return resp, nil
	} else if !errors.Is(err, ErrNotFound) {
		return Response{}, fmt.Errorf("load answer: %w", err)
	}
	a := &Answer{RoundID: round.ID, MemberID: r.Member.ID, Visibility: VisHouse, Source: "reply",
		AnsweredAt: r.Now, UpdatedAt: r.Now, Values: map[string]string{"note": clip(strings.TrimSpace(r.Event.Text), 1000), QVisibility: string(VisHouse)}}
	if m := moodInText.FindStringSubmatch(" " + r.Event.Text + " "); m != nil {
		a.Mood, _ = strconv.Atoi(m[1])
		a.Values[QMood] = m[1]
	}
	if err := r.checkins().SaveAnswer(r.Ctx, a); err != nil {
		return Response{}, fmt.Errorf("save answer: %w", err)
	}
	l := r.Lang()
	text := l.T("checkin.reply.saved")
	if a.Mood > 0 {
		text = l.T("checkin.reply.saved_mood", "Mood", a.Mood)
	}
	rest := checkinButton(l, round)
	rest.Label = l.T("checkin.reply.rest.button")
	resp := Response{Messages: []Message{{Text: text, Choices: []Choice{rest}}}}
	resp.Messages = append(resp.Messages, crisis.Messages...)
	return resp, nil
}

// dmCheckin starts the conversational check-in for a member who DMs the bot
// while a round is open. ok is false when no round is open.
func (b *Bot) dmCheckin(r *Request) (Response, bool, error) {
	round, err := b.currentRound(r)
	if errors.Is(err, ErrNotFound) {
		return Response{}, false, nil
	}
	if err != nil {
		return Response{}, true, err
	}
	if _, err := r.checkins().AnswerOf(r.Ctx, round.ID, r.Member.ID); err == nil {
		return Response{}, false, nil
	}
	resp, err := b.openCheckinForm(r, round)
	return resp, true, err
}

// remind nudges, once, each resident who has not answered a round. Paused
// residents and those who joined after it opened are left out by the
// store's query, so the work follows who is due a nudge.
func (b *Bot) remind(r *Request, round *Round) error {
	members, err := r.checkins().Unanswered(r.Ctx, round, r.Now)
	if err != nil {
		return fmt.Errorf("unanswered: %w", err)
	}
	n := 0
	for _, m := range members {
		l := r.LangOf(m)
		msg := Message{
			Text:    l.T("checkin.reminder", "Name", m.Name, "Until", FormatTimeUntil(l, round.ClosesAt, r.House.Location)),
			Choices: []Choice{checkinButton(l, round)},
		}
		if _, err := r.Enqueue(&OutboxMessage{Key: fmt.Sprintf("remind:%d:%d", round.ID, m.ID), Kind: MsgReminder,
			Out: Outgoing{Target: Target{Kind: TargetDM, User: m.UserID}, Message: msg}}); err != nil {
			return err
		}
		n++
	}
	round.RemindedAt = r.Now
	r.Log.Info("check-in reminders queued", "round", round.ID, "count", n)
	return r.checkins().UpdateRound(r.Ctx, round)
}

// expected returns the members expected to answer a round: active members
// who joined before it opened.
func (b *Bot) expected(r *Request, round *Round) ([]*Member, error) {
	all, err := r.checkins().Members(r.Ctx, r.House.ID)
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	var out []*Member
	for _, m := range all {
		if m.Active() && !m.JoinedAt.After(round.OpenedAt) {
			out = append(out, m)
		}
	}
	return out, nil
}

// closeRound records misses, pings partners through the hooks and sends the
// mentors one summary.
func (b *Bot) closeRound(r *Request, round *Round) error {
	members, err := b.expected(r, round)
	if err != nil {
		return err
	}
	var answered, missing, reach []string
	var paused []*Member
	// The summary names every member expected: each checked in, missed or
	// paused.
	named := make([]string, 0, len(members))
	for _, m := range members {
		named = append(named, m.UserID)
		a, err := r.checkins().AnswerOf(r.Ctx, round.ID, m.ID)
		switch {
		case err == nil:
			answered = append(answered, m.Name)
			if a.ReachOut {
				reach = append(reach, m.Name)
			}
			continue
		case !errors.Is(err, ErrNotFound):
			return fmt.Errorf("load answer: %w", err)
		}
		status := MissMissed
		if m.Paused(round.ScheduledFor) || m.Paused(r.Now) {
			status = MissPaused
			paused = append(paused, m)
		} else {
			missing = append(missing, m.Name)
		}
		if err := r.checkins().RecordMiss(r.Ctx, round.ID, m.ID, status); err != nil {
			return fmt.Errorf("record miss: %w", err)
		}
		if status == MissMissed {
			for _, h := range b.checkinHooks.missed {
				if err := h(r, m, round); err != nil {
					return err
				}
			}
		}
	}
	round.Status = RoundClosed
	round.ClosedAt = r.Now
	if err := r.checkins().UpdateRound(r.Ctx, round); err != nil {
		return fmt.Errorf("close round: %w", err)
	}
	if err := r.houseHomesStale(); err != nil {
		return err
	}
	sort.Strings(missing)
	// The summary, in one mentor's language.
	summary := func(l Lang) string {
		lines := []string{l.T("checkin.summary.head", "When", FormatTime(l, round.ScheduledFor, r.House.Location), "Answered", len(answered), "Expected", len(members)-len(paused))}
		if len(missing) > 0 {
			lines = append(lines, l.T("checkin.summary.missing", "Names", strings.Join(missing, ", ")))
		}
		if len(paused) > 0 {
			var ps []string
			for _, m := range paused {
				ps = append(ps, l.T("checkin.summary.paused_one", "Name", m.Name, "Date", l.Date(m.PausedUntil.In(r.House.Location), i18n.DateShort)))
			}
			lines = append(lines, l.T("checkin.summary.paused", "Names", strings.Join(ps, ", ")))
		}
		if len(reach) > 0 {
			lines = append(lines, l.T("checkin.summary.reach_out", "Names", strings.Join(reach, ", ")))
		}
		return strings.Join(lines, "\n")
	}
	mentors, err := r.Mentors()
	if err != nil {
		return err
	}
	for _, id := range mentors {
		if _, err := r.Enqueue(&OutboxMessage{Key: fmt.Sprintf("summary:%d:%s", round.ID, id), Kind: MsgRoundSummary, About: named,
			Out: Outgoing{Target: Target{Kind: TargetDM, User: id}, Message: Message{Text: summary(r.LangOfUser(id))}}}); err != nil {
			return err
		}
	}
	r.Log.Info("check-in round closed", "round", round.ID, "answered", len(answered), "missed", len(missing), "paused", len(paused))
	return nil
}

// parseDate reads a house-local YYYY-MM-DD date.
func parseDate(s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), loc)
	if err != nil {
		return time.Time{}, Fail(EInvalid, "checkin.bad_date", "Given", quoted(s, 30))
	}
	return t, nil
}

func (b *Bot) cmdPause(r *Request) (Response, error) {
	return b.pauseSelf(r, withoutUntil(r.Args.String("until")))
}

// withoutUntil is a typed date without the word "until" ("hasta") before
// it: /checkin pause until 2026-12-01.
func withoutUntil(s string) string {
	s = strings.TrimSpace(s)
	if word, rest, _ := strings.Cut(s, " "); Same("checkin.pause.until_word", word) {
		return strings.TrimSpace(rest)
	}
	return strings.TrimSpace(strings.TrimPrefix(s, "until"))
}

// pauseSelf pauses the caller's own check-ins until the day raw names
// (YYYY-MM-DD), from /checkin pause or the home page's form.
func (b *Bot) pauseSelf(r *Request, raw string) (Response, error) {
	if r.Member == nil || !r.Member.Active() {
		return Response{}, errNotJoined
	}
	until, err := pauseEnd(r, raw, selfPauseMonths, r.Lang().T("checkin.pause.example"))
	if err != nil {
		return Response{}, err
	}
	if err := b.pause(r, r.Member, until, "", ""); err != nil {
		return Response{}, err
	}
	return r.Say("checkin.paused", "Date", r.Lang().Date(until, i18n.DateLong)), nil
}

func (b *Bot) cmdResume(r *Request) (Response, error) {
	if r.Member == nil || !r.Member.Active() {
		return Response{}, errNotJoined
	}
	if !r.Member.Paused(r.Now) {
		return r.Say("checkin.resume.not_paused"), nil
	}
	if err := b.unpause(r, r.Member); err != nil {
		return Response{}, err
	}
	return r.Say("checkin.resume.done"), nil
}

func dayStart(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

func (b *Bot) cmdHistory(r *Request) (Response, error) {
	if r.Member == nil {
		return r.Say("checkin.history.none"), nil
	}
	answers, err := r.checkins().MemberHistory(r.Ctx, r.Member.ID, 14)
	if err != nil {
		return Response{}, fmt.Errorf("history: %w", err)
	}
	if len(answers) == 0 {
		return r.Say("checkin.history.none"), nil
	}
	lines := []string{r.Lang().T("checkin.history.title")}
	for _, a := range answers {
		lines = append(lines, "• "+b.answerLine(r, a, true))
	}
	return Reply("%s", strings.Join(lines, "\n")), nil
}

// answerLine renders one answer in one line, in the caller's language.
// Text is redacted after the retention period, and said so.
func (b *Bot) answerLine(r *Request, a *Answer, withDate bool) string {
	l := r.Lang()
	var parts []string
	if withDate {
		parts = append(parts, l.Date(a.AnsweredAt.In(r.House.Location), i18n.DateShort))
	}
	if a.Mood > 0 {
		parts = append(parts, l.T("checkin.line.mood", "Mood", a.Mood))
	}
	if a.Redacted {
		parts = append(parts, l.T("checkin.line.expired"))
	} else {
		for _, q := range b.questionsIn(r.House, l) {
			if q.Kind == KindText && a.Values[q.ID] != "" {
				parts = append(parts, fmt.Sprintf("%s: %s", strings.ToLower(q.Label), clip(a.Values[q.ID], 120)))
			}
		}
		if a.Values["note"] != "" {
			parts = append(parts, l.T("checkin.line.reply", "Text", clip(a.Values["note"], 120)))
		}
	}
	if a.ReachOut {
		parts = append(parts, l.T("checkin.line.reach_out"))
	}
	parts = append(parts, "("+visibilityLabel(l, a.Visibility)+")")
	return strings.Join(parts, " · ")
}

// answersDetailRounds is how many rounds of a day /checkin answers lists
// answer by answer; a house with more rounds that day (or a demo with a
// round every few minutes) gets a summary of the rest, not a backlog.
const answersDetailRounds = 3

// cmdAnswers shows staff a house's answers for a date, only as each answer's
// visibility allows (filtered by the store), and audits the read. A day of
// several rounds starts with a one-line summary, and lists the answers of
// its latest few rounds that have answers the reader may see: someone
// back after a gap wants to know how the day went and what was said
// lately, not to scroll through every round.
func (b *Bot) cmdAnswers(r *Request) (Response, error) {
	day := dayStart(r.Now, r.House.Location)
	if s := r.Args.String("date"); s != "" {
		var err error
		if day, err = parseDate(s, r.House.Location); err != nil {
			return Response{}, err
		}
	}
	rounds, err := r.checkins().RoundsBetween(r.Ctx, r.House.ID, day, day.AddDate(0, 0, 1))
	if err != nil {
		return Response{}, fmt.Errorf("rounds: %w", err)
	}
	if len(rounds) == 0 {
		return r.Say("checkin.answers.none", "Date", r.Lang().Date(day, i18n.DateLong)), nil
	}
	viewer := Viewer{Role: r.Role}
	if r.Member != nil {
		viewer.MemberID = r.Member.ID
	}
	type roundAnswers struct {
		round   *Round
		answers []*Answer
		total   int
	}
	var all, withAnswers []roundAnswers
	totalAnswers, visibleAnswers := 0, 0
	for _, rd := range rounds {
		answers, err := r.checkins().RoundAnswers(r.Ctx, rd.ID, viewer)
		if err != nil {
			return Response{}, fmt.Errorf("answers: %w", err)
		}
		total, err := r.checkins().CountAnswers(r.Ctx, rd.ID)
		if err != nil {
			return Response{}, fmt.Errorf("count: %w", err)
		}
		ra := roundAnswers{rd, answers, total}
		all = append(all, ra)
		if len(answers) > 0 {
			withAnswers = append(withAnswers, ra)
		}
		totalAnswers += total
		visibleAnswers += len(answers)
	}
	l := r.Lang()
	lines := []string{l.T("checkin.answers.title", "Date", l.Date(day, i18n.DateLong))}
	shown := all
	if len(rounds) > 1 {
		lines = append(lines, l.T("checkin.answers.summary", "Rounds", len(rounds), "Total", totalAnswers, "Visible", visibleAnswers, "Empty", len(rounds)-len(withAnswers)))
		shown = withAnswers
		if len(shown) > answersDetailRounds {
			lines = append(lines, l.T("checkin.answers.latest", "Shown", answersDetailRounds, "Earlier", len(shown)-answersDetailRounds))
			shown = shown[len(shown)-answersDetailRounds:]
		}
	}
	for _, ra := range shown {
		lines = append(lines, l.T("checkin.answers.round", "When", FormatTime(l, ra.round.ScheduledFor, r.House.Location), "Total", ra.total, "Visible", len(ra.answers)))
		for _, a := range ra.answers {
			m, err := r.checkins().MemberByID(r.Ctx, a.MemberID)
			if err != nil {
				return Response{}, fmt.Errorf("member: %w", err)
			}
			lines = append(lines, fmt.Sprintf("• %s: %s", m.Name, b.answerLine(r, a, false)))
		}
		if err := r.Audit("answers.read", fmt.Sprintf("round:%d", ra.round.ID)); err != nil {
			return Response{}, err
		}
	}
	return Reply("%s", strings.Join(lines, "\n")), nil
}
