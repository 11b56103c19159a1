package bot

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/porchlight/porchlight/i18n"
)

// Chores: the house's chores ([[house.chore]]) rotate fairly among the
// residents who are not away (PlanChore). Each turn goes privately to the
// person, with a Done button and a swap request: the request goes
// privately to each housemate free to take it — not to the house channel,
// so nobody outside the residents sees it and nobody away is bothered —
// and the first to accept takes the turn. The House Mentors get a weekly
// summary; the digest has completion rates, never a ranking.

// Chore job names; each chore's turns run as JobChoreTurnPrefix + its key.
const (
	JobChoreTurnPrefix = "chores.turn/"
	JobChoresSummary   = "chores.summary"
)

// ChoresConfig is a house's chores.
type ChoresConfig struct {
	// Off turns chores off ([house] chores = false).
	Off bool
	// List are the chores ([[house.chore]]).
	List []Chore
	// Summary is a cron spec for the House Mentors' weekly summary.
	Summary string
}

// Chore is one [[house.chore]].
type Chore struct {
	// Name is what residents see; ChoreKey(Name) keys its turns.
	Name string
	// Every is how often: "daily", "weekly" or a cron spec (ChoreSpec).
	Every string
	// People is how many people each turn takes.
	People int
}

// on reports whether the house runs chores through Porchlight.
func (c ChoresConfig) on() bool { return !c.Off && len(c.List) > 0 }

// chore returns the house's chore with key, or nil.
func (c ChoresConfig) chore(key string) *Chore {
	for i := range c.List {
		if ChoreKey(c.List[i].Name) == key {
			return &c.List[i]
		}
	}
	return nil
}

func (b *Bot) registerChores() {
	b.reg.Add(&Command{
		Name:        "chores",
		Description: "cmd.chores.desc",
		Roles:       Members,
		Run:         b.cmdChores,
	})
	b.action("chore", Members, b.actChore)
	// One job per chore key of any house; a house without that chore
	// gives it no spec.
	seen := map[string]bool{}
	for _, h := range b.houses {
		for _, c := range h.Chores.List {
			key := ChoreKey(c.Name)
			if seen[key] {
				continue
			}
			seen[key] = true
			b.houseJobs = append(b.houseJobs, houseJob{name: JobChoreTurnPrefix + key, spec: func(h *House) string {
				if c := h.Chores.chore(key); c != nil && h.Chores.on() {
					return ChoreSpec(c.Every)
				}
				return ""
			}, run: func(r *Request, at time.Time) error { return b.choreTurn(r, key, at) }})
		}
	}
	b.houseJobs = append(b.houseJobs, houseJob{name: JobChoresSummary, spec: func(h *House) string {
		if !h.Chores.on() {
			return ""
		}
		return h.Chores.Summary
	}, run: b.choresSummary})
}

// latestDue reports whether a run of spec scheduled for at is the latest
// one due by now. A job caught up after the bot was down then runs once,
// for its last occurrence, and the older ones are recorded as skipped.
func (b *Bot) latestDue(r *Request, spec string, at time.Time) bool {
	if b.schedules == nil {
		return true
	}
	next, err := b.schedules.Next(spec, r.House.Location, at)
	return err != nil || next.After(r.Now)
}

// choreTurn hands out a chore's turn: the last turn's open ones lapse, and
// the people PlanChore picks each get a private message.
func (b *Bot) choreTurn(r *Request, key string, at time.Time) error {
	h := r.House
	c := h.Chores.chore(key)
	if c == nil || !h.Chores.on() || !b.latestDue(r, ChoreSpec(c.Every), at) {
		return errSkipRun
	}
	st := r.chores()
	if err := st.LapseChore(r.Ctx, h.ID, key); err != nil {
		return err
	}
	members, err := st.Members(r.Ctx, h.ID)
	if err != nil {
		return err
	}
	tallies, err := st.ChoreTallies(r.Ctx, h.ID, key)
	if err != nil {
		return err
	}
	open, err := st.OpenChoreAssignments(r.Ctx, h.ID)
	if err != nil {
		return err
	}
	holding := map[int64]int{}
	for _, a := range open {
		holding[a.MemberID]++
	}
	var cands []ChoreCandidate
	byID := map[int64]*Member{}
	for i, m := range members {
		if away(m, r.Now) {
			continue
		}
		t, known := tallies[m.ID]
		cands = append(cands, ChoreCandidate{MemberID: m.ID, Turns: t.Turns, Known: known, Holding: holding[m.ID], Last: t.Last, Order: i})
		byID[m.ID] = m
	}
	people := max(c.People, 1)
	picked, planned := PlanChore(cands, people)
	if len(picked) == 0 {
		r.Log.Info("chore turn: nobody to take it", "chore", key)
		return nil
	}
	turns := map[int64]int{}
	for _, p := range planned {
		turns[p.MemberID] = p.Turns
	}
	var names []string
	for _, id := range picked {
		names = append(names, "*"+displayName(User{Name: byID[id].Name})+"*")
	}
	for i, id := range picked {
		a := &ChoreAssignment{HouseID: h.ID, Chore: key, Name: c.Name, MemberID: id, ScheduledFor: at, Status: ChoreOpen, AssignedAt: r.Now}
		if err := st.CreateChoreAssignment(r.Ctx, a); err != nil {
			return err
		}
		if err := st.SetChoreTally(r.Ctx, h.ID, key, ChoreTally{MemberID: id, Turns: turns[id] + 1, Last: at}); err != nil {
			return err
		}
		// The turn names the others on it: erasing any of them finds it.
		var about []string
		for _, other := range picked {
			about = append(about, byID[other].UserID)
		}
		l := r.LangOf(byID[id])
		text := l.T("chores.turn", "Chore", c.Name)
		if len(picked) > 1 {
			text = l.T("chores.turn_with", "Chore", c.Name, "Others", listAnd(l, append(append([]string(nil), names[:i]...), names[i+1:]...)))
		}
		if _, err := r.DMAbout(byID[id].UserID, MsgChore, Message{Text: text, Choices: turnChoices(l, a)}, about...); err != nil {
			return err
		}
	}
	r.Log.Info("chore turn assigned", "chore", key, "people", len(picked))
	return nil
}

// turnChoices are a turn's buttons, in l.
func turnChoices(l Lang, a *ChoreAssignment) []Choice {
	id := strconv.FormatInt(a.ID, 10)
	return []Choice{
		{ID: "chore:done:" + id, Label: l.T("chores.done.button"), Style: StylePrimary},
		{ID: "chore:swap:" + id, Label: l.T("chores.swap.button")},
	}
}

// loadTurn reads a turn of the request's house by the id in a button.
func loadTurn(r *Request, parts []string) (*ChoreAssignment, error) {
	id, err := buttonID(parts, 1)
	if err != nil {
		return nil, err
	}
	a, err := r.chores().ChoreAssignmentByID(r.Ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && a.HouseID != r.House.ID) {
		return nil, errBadButton
	}
	return a, err
}

// actChore handles Done, Ask for a swap and I'll take it. The presser is
// checked against the turn every time: the id grants nothing.
func (b *Bot) actChore(r *Request, parts []string) (Response, error) {
	me, err := b.requireMember(r)
	if err != nil {
		return Response{}, err
	}
	if len(parts) != 2 {
		return Response{}, errBadButton
	}
	if parts[0] == "take" {
		return b.takeSwap(r, me, parts)
	}
	a, err := loadTurn(r, parts)
	if err != nil {
		return Response{}, err
	}
	if a.MemberID != me.ID {
		if a.SwappedFrom == me.ID {
			return r.Say("chores.taken_for_you", "Chore", a.Name), nil
		}
		return Response{}, errBadButton
	}
	switch parts[0] {
	case "done":
		if a.Status == ChoreDone {
			return r.Say("chores.already_done"), nil
		}
		a.Status, a.DoneAt = ChoreDone, r.Now
		if err := r.chores().UpdateChoreAssignment(r.Ctx, a); err != nil {
			return Response{}, err
		}
		return r.Say("chores.thanks", "Chore", a.Name), nil
	case "swap":
		return b.askSwap(r, me, a)
	}
	return Response{}, errBadButton
}

// askSwap asks each housemate free to take the turn, privately.
func (b *Bot) askSwap(r *Request, me *Member, a *ChoreAssignment) (Response, error) {
	if a.Status != ChoreOpen {
		return r.Say("chores.swap_closed", "Chore", a.Name), nil
	}
	free, err := b.freeFor(r, a, me.ID)
	if err != nil {
		return Response{}, err
	}
	if len(free) == 0 {
		return r.Say("chores.swap_nobody", "Chore", a.Name), nil
	}
	s := &ChoreSwap{AssignmentID: a.ID, FromMember: me.ID, Status: "open", CreatedAt: r.Now}
	if err := r.chores().CreateChoreSwap(r.Ctx, s); errors.Is(err, ErrDuplicate) {
		return r.Say("chores.swap_already", "Chore", a.Name), nil
	} else if err != nil {
		return Response{}, err
	}
	for _, m := range free {
		l := r.LangOf(m)
		text := l.T("chores.swap_ask", "Name", displayName(User{Name: me.Name}), "Chore", a.Name)
		take := []Choice{{ID: fmt.Sprintf("chore:take:%d", s.ID), Label: l.T("chores.take.button"), Style: StylePrimary}}
		if _, err := r.Enqueue(&OutboxMessage{Kind: MsgChore, About: []string{me.UserID},
			Out: Outgoing{Target: Target{Kind: TargetDM, User: m.UserID}, Message: Message{Text: text, Choices: take}}}); err != nil {
			return Response{}, err
		}
	}
	return Response{Messages: []Message{{Text: r.Lang().N("chores.swap_asked", len(free))}}}, nil
}

// freeFor lists the residents who could take a turn: in the house, not
// away, not the one asking, and not already on the same turn.
func (b *Bot) freeFor(r *Request, a *ChoreAssignment, asker int64) ([]*Member, error) {
	members, err := r.chores().Members(r.Ctx, r.House.ID)
	if err != nil {
		return nil, err
	}
	open, err := r.chores().OpenChoreAssignments(r.Ctx, r.House.ID)
	if err != nil {
		return nil, err
	}
	onIt := map[int64]bool{}
	for _, o := range open {
		if o.Chore == a.Chore && o.ScheduledFor.Equal(a.ScheduledFor) {
			onIt[o.MemberID] = true
		}
	}
	var out []*Member
	for _, m := range members {
		if m.ID != asker && !onIt[m.ID] && !away(m, r.Now) {
			out = append(out, m)
		}
	}
	return out, nil
}

// takeSwap gives the turn to the first housemate who accepts.
func (b *Bot) takeSwap(r *Request, me *Member, parts []string) (Response, error) {
	id, err := buttonID(parts, 1)
	if err != nil {
		return Response{}, err
	}
	st := r.chores()
	s, err := st.ChoreSwapByID(r.Ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Response{}, errBadButton
	}
	if err != nil {
		return Response{}, err
	}
	a, err := st.ChoreAssignmentByID(r.Ctx, s.AssignmentID)
	if err != nil || a.HouseID != r.House.ID {
		return Response{}, errBadButton
	}
	switch {
	case s.FromMember == me.ID:
		return r.Say("chores.take_own"), nil
	case s.Status != "open":
		return r.Say("chores.take_gone"), nil
	case a.Status != ChoreOpen || a.MemberID != s.FromMember:
		return r.Say("chores.take_moved", "Chore", a.Name), nil
	}
	free, err := b.freeFor(r, a, s.FromMember)
	if err != nil {
		return Response{}, err
	}
	if !containsMember(free, me.ID) {
		return r.Say("chores.take_busy", "Chore", a.Name), nil
	}
	ok, err := st.TakeChoreSwap(r.Ctx, s.ID, me.ID, r.Now)
	if err != nil {
		return Response{}, err
	}
	if !ok {
		return r.Say("chores.take_gone"), nil
	}
	a.MemberID, a.SwappedFrom = me.ID, s.FromMember
	if err := st.UpdateChoreAssignment(r.Ctx, a); err != nil {
		return Response{}, err
	}
	// The turn counts for whoever does it.
	tallies, err := st.ChoreTallies(r.Ctx, r.House.ID, a.Chore)
	if err != nil {
		return Response{}, err
	}
	from := tallies[s.FromMember]
	from.MemberID, from.Turns = s.FromMember, max(from.Turns-1, 0)
	mine, known := tallies[me.ID]
	if !known {
		mine.Turns = from.Turns
	}
	mine.MemberID, mine.Turns, mine.Last = me.ID, mine.Turns+1, a.ScheduledFor
	for _, t := range []ChoreTally{from, mine} {
		if err := st.SetChoreTally(r.Ctx, r.House.ID, a.Chore, t); err != nil {
			return Response{}, err
		}
	}
	asker, err := st.MemberByID(r.Ctx, s.FromMember)
	if err != nil {
		return Response{}, fmt.Errorf("member %d: %w", s.FromMember, err)
	}
	took := r.LangOf(asker).T("chores.took_yours", "Name", displayName(User{Name: me.Name}), "Chore", a.Name)
	if err := dmMember(r, s.FromMember, MsgChore, Message{Text: took}, me.UserID); err != nil {
		return Response{}, err
	}
	return Response{Messages: []Message{{Text: r.Lang().T("chores.take_yours", "Chore", a.Name), Choices: turnChoices(r.Lang(), a)[:1]}}}, nil
}

func containsMember(ms []*Member, id int64) bool {
	for _, m := range ms {
		if m.ID == id {
			return true
		}
	}
	return false
}

// cmdChores shows the caller's open turns (with their buttons) and the
// house's chores.
func (b *Bot) cmdChores(r *Request) (Response, error) {
	me, err := b.requireMember(r)
	if err != nil {
		return Response{}, err
	}
	h := r.House
	if !h.Chores.on() {
		return r.Say("chores.off", "House", h.Name), nil
	}
	open, err := r.chores().OpenChoreAssignments(r.Ctx, h.ID)
	if err != nil {
		return Response{}, err
	}
	l := r.Lang()
	var msgs []Message
	for _, a := range open {
		if a.MemberID == me.ID {
			msgs = append(msgs, Message{Text: l.T("chores.yours_now", "Chore", a.Name, "Since", l.Date(r.Local(a.ScheduledFor), i18n.DateShort)), Choices: turnChoices(l, a)})
		}
	}
	if len(msgs) == 0 {
		msgs = append(msgs, Message{Text: l.T("chores.none")})
	}
	lines := []string{l.T("chores.list.title")}
	for _, c := range h.Chores.List {
		lines = append(lines, l.N("chores.list.line", max(c.People, 1), "Chore", c.Name, "Every", everyText(l, c.Every)))
	}
	msgs = append(msgs, Message{Text: strings.Join(lines, "\n")})
	return Response{Messages: msgs}, nil
}

// everyText says how often a chore comes round, in l.
func everyText(l Lang, every string) string {
	switch strings.ToLower(strings.TrimSpace(every)) {
	case "daily":
		return l.T("chores.every.daily")
	case "weekly":
		return l.T("chores.every.weekly")
	}
	return l.T("chores.every.spec", "Spec", every)
}

// choreStats counts turns and done turns per chore, in the order the
// house lists them (then any chore no longer listed).
type choreStats struct {
	Name           string
	Assigned, Done int
	// NotDone are the names of those whose turn was not marked done; ""
	// is someone who has left.
	NotDone []string
	// NotDoneUsers are the platform user ids of those NotDone names who
	// are still known.
	NotDoneUsers []string
}

// names maps member ids to their members, whose names NotDone lists; nil
// leaves NotDone empty.
func houseChoreStats(r *Request, turns []*ChoreAssignment, names map[int64]*Member) []choreStats {
	var out []choreStats
	idx := map[string]int{}
	for _, c := range r.House.Chores.List {
		idx[ChoreKey(c.Name)] = len(out)
		out = append(out, choreStats{Name: c.Name})
	}
	for _, a := range turns {
		i, ok := idx[a.Chore]
		if !ok {
			i = len(out)
			idx[a.Chore] = i
			out = append(out, choreStats{Name: a.Name})
		}
		out[i].Assigned++
		if a.Status == ChoreDone {
			out[i].Done++
		} else if names != nil {
			name := ""
			if m, ok := names[a.MemberID]; ok {
				name = displayName(User{Name: m.Name})
				out[i].NotDoneUsers = append(out[i].NotDoneUsers, m.UserID)
			}
			out[i].NotDone = append(out[i].NotDone, name)
		}
	}
	return out
}

// choresSummary is the weekly job: the House Mentors get each chore's
// turns of the last seven days and how many were marked done, and whose
// were not — so they can lend a hand, not to blame.
func (b *Bot) choresSummary(r *Request, at time.Time) error {
	if !r.House.Chores.on() || !b.latestDue(r, r.House.Chores.Summary, at) {
		return errSkipRun
	}
	turns, err := r.chores().ChoreAssignmentsBetween(r.Ctx, r.House.ID, at.AddDate(0, 0, -7), at)
	if err != nil {
		return err
	}
	members, err := r.chores().Members(r.Ctx, r.House.ID)
	if err != nil {
		return err
	}
	byID := map[int64]*Member{}
	for _, m := range members {
		byID[m.ID] = m
	}
	stats := houseChoreStats(r, turns, byID)
	var about []string
	for _, s := range stats {
		about = append(about, s.NotDoneUsers...)
	}
	mentors, err := r.Mentors()
	if err != nil {
		return err
	}
	for _, id := range mentors {
		l := r.LangOfUser(id)
		if _, err := r.DMAbout(id, MsgChore, Message{Text: choresSummaryText(l, r.House.Name, stats)}, about...); err != nil {
			return err
		}
	}
	return nil
}

// choresSummaryText is the House Mentors' weekly summary, in l.
func choresSummaryText(l Lang, house string, stats []choreStats) string {
	lines := []string{l.T("chores.summary.title", "House", house)}
	var open []string
	for _, s := range stats {
		lines = append(lines, l.T("chores.summary.line", "Chore", s.Name, "Done", s.Done, "Turns", s.Assigned))
		if len(s.NotDone) > 0 {
			names := make([]string, len(s.NotDone))
			for i, n := range s.NotDone {
				names[i] = cmp.Or(n, l.T("chores.summary.left"))
			}
			open = append(open, fmt.Sprintf("%s (%s)", s.Name, strings.Join(names, ", ")))
		}
	}
	if len(open) > 0 {
		lines = append(lines, l.T("chores.summary.not_done", "Open", strings.Join(open, "; ")))
	}
	return strings.Join(lines, "\n")
}

// DigestChores is the week's chores in the digest: turns and how many were
// marked done, per chore and in all. No per-resident numbers: the digest
// is no leaderboard.
type DigestChores struct {
	// Enabled is false when the house does not run chores here.
	Enabled  bool `json:"enabled"`
	Assigned int  `json:"turns"`
	Done     int  `json:"done"`
	// CompletionRate is Done/Assigned, null with no turns.
	CompletionRate *float64      `json:"completion_rate"`
	Chores         []DigestChore `json:"chores"`
}

// DigestChore is one chore's week.
type DigestChore struct {
	Name           string   `json:"name"`
	Assigned       int      `json:"turns"`
	Done           int      `json:"done"`
	CompletionRate *float64 `json:"completion_rate"`
}

// digestChores fills the digest's chores: the turns scheduled in the week.
func (b *Bot) digestChores(r *Request, d *Digest, from, to time.Time) error {
	d.Chores = DigestChores{Enabled: r.House.Chores.on(), Chores: []DigestChore{}}
	turns, err := r.digests().ChoreAssignmentsBetween(r.Ctx, r.House.ID, from, to)
	if err != nil {
		return err
	}
	for _, s := range houseChoreStats(r, turns, nil) {
		d.Chores.Chores = append(d.Chores.Chores, DigestChore{Name: s.Name, Assigned: s.Assigned, Done: s.Done, CompletionRate: ratio(s.Done, s.Assigned)})
		d.Chores.Assigned += s.Assigned
		d.Chores.Done += s.Done
	}
	d.Chores.CompletionRate = ratio(d.Chores.Done, d.Chores.Assigned)
	return nil
}
