package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
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

// The cadences a resident may choose, in weeks (0: never asked).
var (
	cadenceChoices = []string{"weekly", "every-2-weeks", "every-4-weeks", "off"}
	cadenceWeeks   = map[string]int{"weekly": 1, "every-2-weeks": 2, "every-4-weeks": 4, "off": 0}
)

// ratingWords say each step of the 1-5 scale, without judgement.
var ratingWords = []string{"not this time", "a little", "some", "mostly", "all the way"}

func ratingLabel(n int) string {
	if n < 1 || n > len(ratingWords) {
		return "–"
	}
	return fmt.Sprintf("%d · %s", n, ratingWords[n-1])
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
				Options: []Option{{Name: "how", Description: "cmd.goal.cadence.opt.how.desc", Type: OptString, Required: true, Choices: cadenceChoices}}},
		},
	})
	b.route("goal", actionRoute{roles: Members, house: b.goalHouse, run: b.actGoal})
	b.form("goal", formRoute{roles: Members, build: buildGoalForm, submit: b.submitGoalForm})
	b.houseJobs = append(b.houseJobs, houseJob{name: JobGoalsAsk, spec: func(*House) string { return goalsAskSpec }, run: b.askGoals})
	b.retentionHooks = append(b.retentionHooks, redactGoals)
}

// goalForm asks for a new goal; noteForm for a note on one answer.
func goalForm() Form {
	return Form{ID: "goal:new", Title: "A recovery goal", Fields: []Field{
		{ID: "goal", Kind: KindText, Label: "Your goal (e.g. call my sponsor twice)", MaxLen: goalMaxLen, Required: true},
	}}
}

func noteForm(checkID int64) Form {
	return Form{ID: fmt.Sprintf("goal:note:%d", checkID), Title: "A note", Fields: []Field{
		{ID: "note", Kind: KindText, Label: "Anything you'd like to remember?", MaxLen: goalNoteMaxLen, Required: true},
	}}
}

func buildGoalForm(_ *Request, parts []string) (Form, error) {
	switch {
	case len(parts) == 1 && parts[0] == "new":
		return goalForm(), nil
	case len(parts) == 2 && parts[0] == "note":
		id, err := strconv.ParseInt(parts[1], 10, 64)
		if err == nil {
			return noteForm(id), nil
		}
	}
	return Form{}, Errorf(EInvalid, "That form is no longer valid.")
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
		return nil, 0, Errorf(ENotFound, "You don't have any goals right now. %s sets one.", Cmd("goal add"))
	case n < 1 || n > len(gs):
		return nil, 0, Errorf(EInvalid, "You have %d goal(s); give a number from 1 to %d, as "+Cmd("goal list")+" shows them.", len(gs), len(gs))
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
		return b.openForm(r, goalForm(), nil)
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
		return Errorf(EConflict, "You have three goals already — plenty to work on. To add another, mark one done (%s 1) or remove one (%s 1). Nothing was saved.", Cmd("goal done"), Cmd("goal remove"))
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
	return Reply("Added goal %d: “%s”. It's private — only you see it; "+Cmd("goal share")+" %d lets your mentor see it too. %s",
		len(gs), g.Text, len(gs), cadenceSentence(weeks)), nil
}

// cadenceSentence says when the resident is asked.
func cadenceSentence(weeks int) string {
	switch weeks {
	case 0:
		return "I won't ask about your goals (" + Cmd("goal cadence") + " weekly turns the questions back on)."
	case 1:
		return "I'll ask how it's going on Sunday evenings (" + Cmd("goal cadence") + " changes how often)."
	}
	return fmt.Sprintf("I'll ask how it's going every %d weeks, on a Sunday evening ("+Cmd("goal cadence")+" changes how often).", weeks)
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
		return Reply("You haven't set any goals yet. %s sets one (up to three) — for example: %s call my sponsor twice", Cmd("goal add"), Cmd("goal add")), nil
	}
	weeks, err := r.goals().GoalCadence(r.Ctx, m.ID)
	if err != nil {
		return Response{}, err
	}
	lines := []string{"*Your goals* (only you see this)"}
	n := 0
	var done []string
	for _, p := range ps {
		if p.Goal.Status != GoalActive {
			done = append(done, "✓ "+goalText(p.Goal)+" — done "+r.Local(p.Goal.DoneAt).Format("Mon 2 Jan"))
			continue
		}
		n++
		share := "private"
		if p.Goal.Shared {
			share = "shared with your mentor"
		}
		lines = append(lines, fmt.Sprintf("%d. %s — %s", n, goalText(p.Goal), share))
		lines = append(lines, progressLines(r, p, "   ")...)
	}
	if len(done) > 0 {
		lines = append(lines, "*Done*")
		lines = append(lines, done...)
	}
	lines = append(lines, cadenceSentence(weeks))
	return Reply("%s", strings.Join(lines, "\n")), nil
}

// goalText is a goal's text, or a word that it was removed by retention.
func goalText(g *Goal) string {
	if g.Redacted || g.Text == "" {
		return "(a goal whose words were removed after the retention period)"
	}
	return "“" + g.Text + "”"
}

// progressLines say a goal's recent answers, newest first, and its latest
// note, indented by indent.
func progressLines(r *Request, p *GoalProgress, indent string) []string {
	var answers []string
	note := ""
	for _, c := range p.Checks {
		if c.Rating == 0 {
			continue
		}
		answers = append(answers, fmt.Sprintf("%s (%s)", ratingLabel(c.Rating), r.Local(c.AskedFor).Format("2 Jan")))
		if note == "" && c.Note != "" {
			note = fmt.Sprintf("Note (%s): %s", r.Local(c.AskedFor).Format("2 Jan"), c.Note)
		}
	}
	if len(answers) == 0 {
		return []string{indent + "No answers yet."}
	}
	if len(answers) > 4 {
		answers = answers[:4]
	}
	out := []string{indent + "Recent: " + strings.Join(answers, ", ")}
	if note != "" {
		out = append(out, indent+note)
	}
	return out
}

// goalLine is one shared goal with its latest answer, for the mentor's
// /mentor list.
func goalLine(r *Request, p *GoalProgress) string {
	lines := progressLines(r, p, "")
	return "• " + goalText(p.Goal) + " — " + strings.Join(lines, " · ")
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
// (App Home, /history): one line per goal, then its recent answers.
func GoalProgressLines(r *Request, ps []*GoalProgress) []string {
	var lines []string
	for _, p := range ps {
		status := ""
		if p.Goal.Status == GoalDone {
			status = " (done)"
		}
		lines = append(lines, "• "+goalText(p.Goal)+status)
		lines = append(lines, progressLines(r, p, "  ")...)
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
	return Reply("Well done! 🌱 “%s” is marked done. It stays in "+Cmd("goal list")+" under Done.", g.Text), nil
}

func (b *Bot) cmdGoalRemove(r *Request) (Response, error) {
	g, _, err := numbered(r)
	if err != nil {
		return Response{}, err
	}
	if err := r.goals().DeleteGoal(r.Ctx, g.ID); err != nil {
		return Response{}, err
	}
	return Reply("Removed “%s” and its answers. Goals change — that's part of it.", g.Text), nil
}

func (b *Bot) cmdGoalShare(r *Request) (Response, error) {
	g, n, err := numbered(r)
	if err != nil {
		return Response{}, err
	}
	on := !r.Args.Has("setting") || r.Args.Bool("setting")
	if g.Shared == on {
		if on {
			return Reply("Goal %d is already shared with your mentor.", n), nil
		}
		return Reply("Goal %d is already private.", n), nil
	}
	g.Shared = on
	if err := r.goals().UpdateGoal(r.Ctx, g); err != nil {
		return Response{}, err
	}
	if !on {
		return Reply("Goal %d is private again: only you see it and its answers.", n), nil
	}
	return Reply("Goal %d is shared: the House Mentor of your mentoring agreement can see it and your answers (never anyone else). "+Cmd("goal share")+" %d off makes it private again.", n, n), nil
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
	return Reply("Okay. %s", cadenceSentence(weeks)), nil
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
	period := "the week"
	if weeks > 1 {
		period = fmt.Sprintf("the last %d weeks", weeks)
	}
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
			choices = append(choices, Choice{ID: fmt.Sprintf("goal:rate:%d:%d", c.ID, i), Label: ratingLabel(i)})
		}
		text := fmt.Sprintf("🌱 How did %s go with: *%s*?", period, g.Text)
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
		return nil, nil, Errorf(ENotFound, "That goal was removed, so there's nothing to answer.")
	}
	g, err := r.goals().GoalByID(r.Ctx, c.GoalID)
	if err != nil {
		return nil, nil, Errorf(ENotFound, "That goal was removed, so there's nothing to answer.")
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
		return Response{}, Errorf(EForbidden, "That button isn't for you.")
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
		text := fmt.Sprintf("Thanks — noted %s for “%s”. 💚", ratingLabel(n), g.Text)
		if n <= 2 {
			text = fmt.Sprintf("Thanks for being honest — noted %s for “%s”. Some weeks are like that; the next one is a fresh start. 💚", ratingLabel(n), g.Text)
		}
		return Response{Messages: []Message{{Text: text, Choices: []Choice{{ID: fmt.Sprintf("goal:note:%d", c.ID), Label: "Add a note"}}}}}, nil
	case parts[0] == "note" && len(parts) == 2:
		if c.Rating == 0 {
			return Reply("Pick how it went first, then add a note."), nil
		}
		return b.openForm(r, noteForm(c.ID), map[string]string{"note": c.Note})
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
		return Response{}, Errorf(EForbidden, "That form isn't for you.")
	}
	if c.Rating == 0 {
		return Response{}, Errorf(EInvalid, "Pick how it went first, then add a note.")
	}
	note := vals["note"]
	if err := r.goals().AnswerGoalCheck(r.Ctx, c.ID, c.Rating, &note, r.Now); err != nil {
		return Response{}, err
	}
	return Reply("Noted. Only you see it, unless you share this goal with your mentor."), nil
}

// redactGoals is the retention hook: the words of goals done before
// before, and notes written before it, are removed; answers stay.
func redactGoals(r *Request, before time.Time) (int, error) {
	return inBatches("redact goals", func() (int, error) {
		return r.goals().RedactGoals(r.Ctx, r.House.ID, before, mentoringBatch)
	})
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
