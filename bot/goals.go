package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/porchlight/porchlight/i18n"
)

// Recovery goals: a resident sets up to three, private unless they share
// them with their mentor (the House Mentor of their mentoring agreement).
// On Sundays, on the cadence the resident chose (weekly by default),
// Porchlight asks by DM how each goal went, on a 1-5 scale with an
// optional note. The resident sees their progress in /goal list; their
// mentor sees it only for shared goals, and the store's query enforces
// that. The digest shows only how many residents have goals.

// JobGoalsAsk is the weekly job that asks residents about their goals.
const JobGoalsAsk = "goals.ask"

// goalsAskSpec asks on Sundays at 18:00, house time.
const goalsAskSpec = "0 18 * * 0"

const (
	// maxGoals is how many active goals a resident may have.
	maxGoals = 3
	// goalMaxLen and goalNoteMaxLen bound a goal and a note, in characters.
	goalMaxLen     = 120
	goalNoteMaxLen = 300
	// goalMinAge is how old a goal must be to be asked about: one set on
	// Saturday waits for the next ask.
	goalMinAge = 72 * time.Hour
	// goalAskLate is how late (after a restart) the weekly ask still goes.
	goalAskLate = 48 * time.Hour
	// progressWeeks is how far back /goal list shows answers.
	progressWeeks = 8
)

// The cadences a resident may choose, in weeks (0: never asked), and
// their words, which a resident may type in any language.
var (
	cadenceChoices = []string{"weekly", "every-2-weeks", "every-4-weeks", "off"}
	cadenceWords   = []string{i18n.ID("goals.cadence.weekly.choice"), i18n.ID("goals.cadence.every_2.choice"), i18n.ID("goals.cadence.every_4.choice"), i18n.ID("goals.cadence.off.choice")}
	cadenceWeeks   = map[string]int{"weekly": 1, "every-2-weeks": 2, "every-4-weeks": 4, "off": 0}
)

// ratingWords say each step of the 1-5 scale, without judgement; the
// answer is stored as its number.
var ratingWords = []string{i18n.ID("goals.rating.1"), i18n.ID("goals.rating.2"), i18n.ID("goals.rating.3"), i18n.ID("goals.rating.4"), i18n.ID("goals.rating.5")}

// ratingLabel is an answer as l reads it: "4 · mostly".
func ratingLabel(l Lang, n int) string {
	if n < 1 || n > len(ratingWords) {
		return "–"
	}
	return fmt.Sprintf("%d · %s", n, l.T(ratingWords[n-1]))
}

func (b *Bot) registerGoals() {
	number := Option{Name: "number", Description: "cmd.goal.opt.number.desc", Type: OptInt, Required: true}
	b.reg.Add(&Command{
		Name:        "goal",
		Description: "cmd.goal.desc",
		Roles:       Members,
		Subs: []*Command{
			{Name: "add", Description: "cmd.goal.add.desc", Roles: Members, Run: b.cmdGoalAdd,
				Options: []Option{{Name: "goal", Description: "cmd.goal.add.opt.goal.desc", Type: OptString, Rest: true, MaxLen: goalMaxLen}}},
			{Name: "list", Description: "cmd.goal.list.desc", Roles: Members, Run: b.cmdGoalList},
			{Name: "done", Description: "cmd.goal.done.desc", Roles: Members, Run: b.cmdGoalDone, Options: []Option{number}},
			{Name: "remove", Description: "cmd.goal.remove.desc", Roles: Members, Run: b.cmdGoalRemove, Options: []Option{number}},
			{Name: "share", Description: "cmd.goal.share.desc", Roles: Members, Run: b.cmdGoalShare,
				Options: []Option{number, {Name: "setting", Description: "cmd.goal.share.opt.setting.desc", Type: OptBool}}},
			{Name: "cadence", Description: "cmd.goal.cadence.desc", Roles: Members, Run: b.cmdGoalCadence,
				Options: []Option{{Name: "how", Description: "cmd.goal.cadence.opt.how.desc", Type: OptString, Required: true, Rest: true, Choices: cadenceChoices, ChoiceIDs: cadenceWords}}},
		},
	})
	b.route("goal", actionRoute{roles: Members, house: b.goalHouse, run: b.actGoal})
	b.form("goal", formRoute{roles: Members, build: buildGoalForm, submit: b.submitGoalForm})
	b.houseJobs = append(b.houseJobs, houseJob{name: JobGoalsAsk, spec: func(*House) string { return goalsAskSpec }, run: b.askGoals})
	b.retentionHooks = append(b.retentionHooks, redactGoals)
}

// goalForm asks for a new goal; noteForm for a note on one answer; both
// in l.
func goalForm(l Lang) Form {
	return Form{ID: "goal:new", Title: l.T("goals.form.title"), Fields: []Field{
		{ID: "goal", Kind: KindText, Label: l.T("goals.goal.label"), MaxLen: goalMaxLen, Required: true},
	}}
}

func noteForm(l Lang, checkID int64) Form {
	return Form{ID: fmt.Sprintf("goal:note:%d", checkID), Title: l.T("goals.note.title"), Fields: []Field{
		{ID: "note", Kind: KindText, Label: l.T("goals.note.label"), MaxLen: goalNoteMaxLen, Required: true},
	}}
}

func buildGoalForm(r *Request, parts []string) (Form, error) {
	switch {
	case len(parts) == 1 && parts[0] == "new":
		return goalForm(r.Lang()), nil
	case len(parts) == 2 && parts[0] == "note":
		id, err := strconv.ParseInt(parts[1], 10, 64)
		if err == nil {
			return noteForm(r.Lang(), id), nil
		}
	}
	return Form{}, Fail(EInvalid, "goals.form_invalid")
}

// goalMember is the caller's active membership: goals are a resident's own.
func goalMember(r *Request) (*Member, error) {
	if r.Member == nil || !r.Member.Active() {
		return nil, errNotJoined
	}
	return r.Member, nil
}

// activeGoals lists the caller's active goals, numbered from 1 in this
// order by /goal list.
func activeGoals(r *Request, m *Member) ([]*Goal, error) {
	all, err := r.goals().OwnGoals(r.Ctx, m.ID)
	if err != nil {
		return nil, err
	}
	var out []*Goal
	for _, g := range all {
		if g.Status == GoalActive {
			out = append(out, g)
		}
	}
	return out, nil
}

// numbered is the caller's active goal with the number given, or a clear
// message.
func numbered(r *Request) (*Goal, int, error) {
	m, err := goalMember(r)
	if err != nil {
		return nil, 0, err
	}
	gs, err := activeGoals(r, m)
	if err != nil {
		return nil, 0, err
	}
	n := r.Args.Int("number")
	switch {
	case len(gs) == 0:
		return nil, 0, Fail(ENotFound, "goals.none")
	case n < 1 || n > len(gs):
		return nil, 0, &Error{Code: EInvalid, Message: r.Lang().N("goals.bad_number", len(gs))}
	}
	return gs[n-1], n, nil
}

func (b *Bot) cmdGoalAdd(r *Request) (Response, error) {
	m, err := goalMember(r)
	if err != nil {
		return Response{}, err
	}
	text := strings.TrimSpace(r.Args.String("goal"))
	if text == "" {
		if err := roomForGoal(r, m); err != nil {
			return Response{}, err
		}
		return b.openForm(r, goalForm(r.Lang()), nil)
	}
	return b.addGoal(r, m, text)
}

// roomForGoal refuses a fourth active goal, gently.
func roomForGoal(r *Request, m *Member) error {
	gs, err := activeGoals(r, m)
	if err != nil {
		return err
	}
	if len(gs) >= maxGoals {
		return Fail(EConflict, "goals.full")
	}
	return nil
}

// addGoal stores a new goal, private, after checking there is room.
func (b *Bot) addGoal(r *Request, m *Member, text string) (Response, error) {
	if err := roomForGoal(r, m); err != nil {
		return Response{}, err
	}
	g := &Goal{HouseID: r.House.ID, MemberID: m.ID, Text: text, Status: GoalActive, CreatedAt: r.Now}
	if err := r.goals().AddGoal(r.Ctx, g); err != nil {
		return Response{}, err
	}
	gs, err := activeGoals(r, m)
	if err != nil {
		return Response{}, err
	}
	weeks, err := r.goals().GoalCadence(r.Ctx, m.ID)
	if err != nil {
		return Response{}, err
	}
	r.Log.Info("goal added", "goal", g.ID)
	return r.Say("goals.added", "Number", len(gs), "Goal", g.Text, "Cadence", cadenceSentence(r.Lang(), weeks)), nil
}

// cadenceSentence says when the resident is asked, in l.
func cadenceSentence(l Lang, weeks int) string {
	switch weeks {
	case 0:
		return l.T("goals.cadence.off")
	case 1:
		return l.T("goals.cadence.weekly")
	}
	return l.T("goals.cadence.every", "Weeks", weeks)
}

func (b *Bot) cmdGoalList(r *Request) (Response, error) {
	m, err := goalMember(r)
	if err != nil {
		return Response{}, err
	}
	ps, err := r.goals().GoalProgress(r.Ctx, m.ID, m.ID, r.Now.AddDate(0, 0, -7*progressWeeks))
	if err != nil {
		return Response{}, err
	}
	if len(ps) == 0 {
		return r.Say("goals.list.empty"), nil
	}
	weeks, err := r.goals().GoalCadence(r.Ctx, m.ID)
	if err != nil {
		return Response{}, err
	}
	l := r.Lang()
	lines := []string{l.T("goals.list.title")}
	n := 0
	var done []string
	for _, p := range ps {
		if p.Goal.Status != GoalActive {
			done = append(done, l.T("goals.list.done_line", "Goal", goalText(l, p.Goal), "Date", l.Date(r.Local(p.Goal.DoneAt), i18n.DateShort)))
			continue
		}
		n++
		share := l.T("goals.list.private")
		if p.Goal.Shared {
			share = l.T("goals.list.shared")
		}
		lines = append(lines, fmt.Sprintf("%d. %s — %s", n, goalText(l, p.Goal), share))
		lines = append(lines, progressLines(r, l, p, "   ")...)
	}
	if len(done) > 0 {
		lines = append(lines, l.T("goals.list.done_title"))
		lines = append(lines, done...)
	}
	lines = append(lines, cadenceSentence(l, weeks))
	return Response{Messages: []Message{{Text: strings.Join(lines, "\n")}}}, nil
}

// goalText is a goal's text, or words in l saying it was removed by
// retention.
func goalText(l Lang, g *Goal) string {
	if g.Redacted || g.Text == "" {
		return l.T("goals.redacted")
	}
	return "“" + g.Text + "”"
}

// progressLines say a goal's recent answers, newest first, and its latest
// note, indented by indent, in l.
func progressLines(r *Request, l Lang, p *GoalProgress, indent string) []string {
	var answers []string
	note := ""
	for _, c := range p.Checks {
		if c.Rating == 0 {
			continue
		}
		day := l.Date(r.Local(c.AskedFor), i18n.DateDayMonth)
		answers = append(answers, fmt.Sprintf("%s (%s)", ratingLabel(l, c.Rating), day))
		if note == "" && c.Note != "" {
			note = l.T("goals.progress.note", "Date", day, "Note", c.Note)
		}
	}
	if len(answers) == 0 {
		return []string{indent + l.T("goals.progress.none")}
	}
	if len(answers) > 4 {
		answers = answers[:4]
	}
	out := []string{indent + l.T("goals.progress.recent", "Answers", strings.Join(answers, ", "))}
	if note != "" {
		out = append(out, indent+note)
	}
	return out
}

// goalLine is one shared goal with its latest answer, for the mentor's
// /mentor list, in l.
func goalLine(r *Request, l Lang, p *GoalProgress) string {
	lines := progressLines(r, l, p, "")
	return "• " + goalText(l, p.Goal) + " — " + strings.Join(lines, " · ")
}

// GoalProgressFor returns the goals of subject, with the last weeks of
// answers, as the caller of r may see them: a resident sees all their
// own; their mentor (the other side of their active mentoring agreement)
// sees the goals they shared; anyone else sees none. The store's query
// enforces it, so App Home and /history may call this for any reader.
func GoalProgressFor(r *Request, subject *Member, weeks int) ([]*GoalProgress, error) {
	if r.Member == nil || r.Member.HouseID != subject.HouseID {
		return nil, nil
	}
	return r.goals().GoalProgress(r.Ctx, subject.ID, r.Member.ID, r.Now.AddDate(0, 0, -7*weeks))
}

// GoalProgressLines renders goals with their progress for a chat view
// (App Home, /history): one line per goal, then its recent answers, in
// the caller's language.
func GoalProgressLines(r *Request, ps []*GoalProgress) []string {
	l := r.Lang()
	var lines []string
	for _, p := range ps {
		status := ""
		if p.Goal.Status == GoalDone {
			status = " " + l.T("goals.progress.done_mark")
		}
		lines = append(lines, "• "+goalText(l, p.Goal)+status)
		lines = append(lines, progressLines(r, l, p, "  ")...)
	}
	return lines
}

func (b *Bot) cmdGoalDone(r *Request) (Response, error) {
	g, _, err := numbered(r)
	if err != nil {
		return Response{}, err
	}
	g.Status, g.DoneAt = GoalDone, r.Now
	if err := r.goals().UpdateGoal(r.Ctx, g); err != nil {
		return Response{}, err
	}
	return r.Say("goals.done", "Goal", g.Text), nil
}

func (b *Bot) cmdGoalRemove(r *Request) (Response, error) {
	g, _, err := numbered(r)
	if err != nil {
		return Response{}, err
	}
	if err := r.goals().DeleteGoal(r.Ctx, g.ID); err != nil {
		return Response{}, err
	}
	return r.Say("goals.removed", "Goal", g.Text), nil
}

func (b *Bot) cmdGoalShare(r *Request) (Response, error) {
	g, n, err := numbered(r)
	if err != nil {
		return Response{}, err
	}
	on := !r.Args.Has("setting") || r.Args.Bool("setting")
	if g.Shared == on {
		if on {
			return r.Say("goals.share.already_on", "Number", n), nil
		}
		return r.Say("goals.share.already_off", "Number", n), nil
	}
	g.Shared = on
	if err := r.goals().UpdateGoal(r.Ctx, g); err != nil {
		return Response{}, err
	}
	if !on {
		return r.Say("goals.share.off", "Number", n), nil
	}
	return r.Say("goals.share.on", "Number", n), nil
}

func (b *Bot) cmdGoalCadence(r *Request) (Response, error) {
	m, err := goalMember(r)
	if err != nil {
		return Response{}, err
	}
	weeks := cadenceWeeks[r.Args.String("how")]
	if err := r.goals().SetGoalCadence(r.Ctx, m.ID, weeks, r.Now); err != nil {
		return Response{}, err
	}
	return r.Say("goals.cadence.set", "Cadence", cadenceSentence(r.Lang(), weeks)), nil
}

// askGoals is the weekly job: each active, unpaused resident whose cadence
// is due gets one private message per goal, with a 1-5 scale. Each ask is
// keyed by (goal, scheduled time), so a restart never asks twice.
func (b *Bot) askGoals(r *Request, at time.Time) error {
	if r.Now.After(at.Add(goalAskLate)) {
		return errSkipRun // "how did the week go" is stale by Tuesday
	}
	gs, err := r.goals().ActiveGoals(r.Ctx, r.House.ID)
	if err != nil {
		return err
	}
	byMember := map[int64][]*Goal{}
	var order []int64
	for _, g := range gs {
		if _, ok := byMember[g.MemberID]; !ok {
			order = append(order, g.MemberID)
		}
		byMember[g.MemberID] = append(byMember[g.MemberID], g)
	}
	asked := 0
	for _, id := range order {
		n, err := askMember(r, id, byMember[id], at)
		if err != nil {
			return err
		}
		asked += n
	}
	r.Log.Info("goals asked about", "goals", asked)
	return nil
}

// askMember asks one resident about their goals, if their cadence is due.
func askMember(r *Request, memberID int64, gs []*Goal, at time.Time) (int, error) {
	m, err := r.goals().MemberByID(r.Ctx, memberID)
	if err != nil {
		return 0, err
	}
	if !m.Active() || m.Paused(r.Now) {
		return 0, nil
	}
	weeks, err := r.goals().GoalCadence(r.Ctx, m.ID)
	if err != nil || weeks == 0 {
		return 0, err
	}
	last, err := r.goals().LastGoalAsk(r.Ctx, m.ID)
	if err != nil {
		return 0, err
	}
	// Half a day of slack keeps a cadence across daylight-saving changes.
	if !last.IsZero() && last.Before(at) && at.Sub(last) < time.Duration(weeks)*7*24*time.Hour-12*time.Hour {
		return 0, nil
	}
	l := r.LangOf(m)
	n := 0
	for _, g := range gs {
		if at.Sub(g.CreatedAt) < goalMinAge {
			continue
		}
		c := &GoalCheck{GoalID: g.ID, AskedFor: at, AskedAt: r.Now}
		if err := r.goals().CreateGoalCheck(r.Ctx, c); errors.Is(err, ErrDuplicate) {
			continue // asked before a restart
		} else if err != nil {
			return n, err
		}
		var choices []Choice
		for i := 1; i <= len(ratingWords); i++ {
			choices = append(choices, Choice{ID: fmt.Sprintf("goal:rate:%d:%d", c.ID, i), Label: ratingLabel(l, i)})
		}
		text := l.T("goals.ask.week", "Goal", g.Text)
		if weeks > 1 {
			text = l.T("goals.ask.weeks", "Goal", g.Text, "Weeks", weeks)
		}
		if _, err := r.DMAbout(m.UserID, MsgGoal, Message{Text: text, Choices: choices}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// goalHouse is the house of the goal a goal button names.
func (b *Bot) goalHouse(r *Request, parts []string) (*House, error) {
	_, g, err := ownCheck(r, parts)
	if err != nil {
		return nil, err
	}
	h, err := b.houseOn(r, g.HouseID)
	if err != nil {
		return nil, errBadButton
	}
	return h, nil
}

// ownCheck loads the check and goal a button names.
func ownCheck(r *Request, parts []string) (*GoalCheck, *Goal, error) {
	id, err := buttonID(parts, 1)
	if err != nil {
		return nil, nil, err
	}
	c, err := r.goals().GoalCheckByID(r.Ctx, id)
	if err != nil {
		return nil, nil, Fail(ENotFound, "goals.gone")
	}
	g, err := r.goals().GoalByID(r.Ctx, c.GoalID)
	if err != nil {
		return nil, nil, Fail(ENotFound, "goals.gone")
	}
	return c, g, nil
}

// actGoal handles a rating and "Add a note". Only the goal's owner may
// answer: the id grants nothing.
func (b *Bot) actGoal(r *Request, parts []string) (Response, error) {
	m, err := goalMember(r)
	if err != nil {
		return Response{}, err
	}
	c, g, err := ownCheck(r, parts)
	if err != nil {
		return Response{}, err
	}
	if g.MemberID != m.ID {
		return Response{}, Fail(EForbidden, "goals.not_yours")
	}
	switch {
	case parts[0] == "rate" && len(parts) == 3:
		n, err := strconv.Atoi(parts[2])
		if err != nil || n < 1 || n > len(ratingWords) {
			return Response{}, errBadButton
		}
		if err := r.goals().AnswerGoalCheck(r.Ctx, c.ID, n, nil, r.Now); err != nil {
			return Response{}, err
		}
		l := r.Lang()
		text := l.T("goals.rated", "Rating", ratingLabel(l, n), "Goal", g.Text)
		if n <= 2 {
			text = l.T("goals.rated_low", "Rating", ratingLabel(l, n), "Goal", g.Text)
		}
		return Response{Messages: []Message{{Text: text, Choices: []Choice{{ID: fmt.Sprintf("goal:note:%d", c.ID), Label: l.T("goals.note.button")}}}}}, nil
	case parts[0] == "note" && len(parts) == 2:
		if c.Rating == 0 {
			return r.Say("goals.note_first"), nil
		}
		return b.openForm(r, noteForm(r.Lang(), c.ID), map[string]string{"note": c.Note})
	}
	return Response{}, errBadButton
}

// submitGoalForm stores a new goal or a note. Their words were screened
// like any text written to the bot (submitForm).
func (b *Bot) submitGoalForm(r *Request, parts []string, vals map[string]string) (Response, error) {
	m, err := goalMember(r)
	if err != nil {
		return Response{}, err
	}
	if parts[0] == "new" {
		return b.addGoal(r, m, vals["goal"])
	}
	c, g, err := ownCheck(r, parts)
	if err != nil {
		return Response{}, err
	}
	if g.MemberID != m.ID {
		return Response{}, Fail(EForbidden, "goals.form_not_yours")
	}
	if c.Rating == 0 {
		return Response{}, Fail(EInvalid, "goals.note_first")
	}
	note := vals["note"]
	if err := r.goals().AnswerGoalCheck(r.Ctx, c.ID, c.Rating, &note, r.Now); err != nil {
		return Response{}, err
	}
	return r.Say("goals.noted"), nil
}

// redactGoals is the retention hook: the words of goals done before
// before, and notes written before it, are removed; answers stay.
func redactGoals(r *Request, before time.Time, limit int) (int, error) {
	n, err := r.goals().RedactGoals(r.Ctx, r.House.ID, before, limit)
	if err != nil {
		return n, fmt.Errorf("redact goals: %w", err)
	}
	return n, nil
}

// DigestGoals is the digest's goals section: a count, never what the
// goals are or whose.
type DigestGoals struct {
	// ResidentsWithGoals counts residents with a goal active during the week.
	ResidentsWithGoals int `json:"residents_with_active_goals"`
}

// digestGoals counts the residents with goals in [from, to).
func digestGoals(r *Request, from, to time.Time) (DigestGoals, error) {
	n, err := r.digests().ResidentsWithGoals(r.Ctx, r.House.ID, from, to)
	return DigestGoals{ResidentsWithGoals: n}, err
}
