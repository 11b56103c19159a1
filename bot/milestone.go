package bot

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/porchlight/porchlight/i18n"
)

// Milestones: a resident's sober date is private to them. Those who opt in
// are celebrated in the house channel on the morning of each milestone;
// everyone else gets a private congratulation. A reset is never announced,
// and there are no public counts of anyone's days.

// JobMilestones is the morning job that celebrates the day's milestones.
const JobMilestones = "milestones.morning"

func (b *Bot) registerMilestones() {
	dateOpt := Option{Name: "date", Description: "cmd.sober-date.opt.date.desc", Type: OptString, Required: true, MaxLen: 20}
	b.reg.Add(&Command{
		Name:        "sober-date",
		Description: "cmd.sober-date.desc",
		Roles:       Members,
		Subs: []*Command{
			{Name: "set", Description: "cmd.sober-date.set.desc", Roles: Members, Run: b.cmdSoberSet, Options: []Option{dateOpt}},
			{Name: "show", Description: "cmd.sober-date.show.desc", Roles: Members, Run: b.cmdSoberShow},
			{Name: "share", Description: "cmd.sober-date.share.desc", Roles: Members, Run: b.cmdSoberShare,
				Options: []Option{{Name: "setting", Description: "cmd.sober-date.share.opt.setting.desc", Type: OptString, Required: true, MaxLen: 10}}},
			{Name: "reset", Description: "cmd.sober-date.reset.desc", Roles: Members, Run: b.cmdSoberReset, Options: []Option{dateOpt}},
			{Name: "clear", Description: "cmd.sober-date.clear.desc", Roles: Members, Run: b.cmdSoberClear},
			{Name: "history", Description: "cmd.sober-date.history.desc", Roles: Members, Run: b.cmdSoberHistory},
		},
	})
	b.houseJobs = append(b.houseJobs, houseJob{name: JobMilestones, spec: morningSpec, run: b.celebrate})
}

// morningSpec turns the house's milestones.morning ("09:00") into a cron
// spec; the default is 09:00.
func morningSpec(h *House) string {
	var hh, mm int
	if _, err := fmt.Sscanf(h.Milestones.Morning, "%d:%d", &hh, &mm); err != nil {
		hh, mm = 9, 0
	}
	return fmt.Sprintf("%d %d * * *", mm, hh)
}

// soberDate parses and checks a sober date: not in the future (house time)
// and not before 1900.
func soberDate(r *Request, raw string) (time.Time, error) {
	d, err := parseDate(raw, r.House.Location)
	if err != nil {
		return time.Time{}, err
	}
	today := dayStart(r.Now, r.House.Location)
	switch {
	case d.After(today):
		return time.Time{}, Fail(EInvalid, "milestone.future", "Date", d.Format(time.DateOnly))
	case d.Year() < 1900:
		return time.Time{}, Fail(EInvalid, "milestone.before_1900", "Date", d.Format(time.DateOnly))
	}
	return d, nil
}

func (b *Bot) requireMember(r *Request) (*Member, error) {
	if r.Member == nil || !r.Member.Active() {
		return nil, errNotJoined
	}
	return r.Member, nil
}

// addSoberDate saves the caller's date from the "date" option, as a first
// date or a change ("set") or as starting again ("reset").
func (b *Bot) addSoberDate(r *Request, kind string) (*Member, time.Time, error) {
	m, err := b.requireMember(r)
	if err != nil {
		return nil, time.Time{}, err
	}
	d, err := soberDate(r, r.Args.String("date"))
	if err != nil {
		return nil, time.Time{}, err
	}
	if err := r.milestones().AddSoberDate(r.Ctx, &SoberDate{MemberID: m.ID, Date: d.Format(time.DateOnly), Kind: kind, SetAt: r.Now}); err != nil {
		return nil, time.Time{}, err
	}
	return m, d, nil
}

func (b *Bot) cmdSoberSet(r *Request) (Response, error) {
	m, d, err := b.addSoberDate(r, "set")
	if err != nil {
		return Response{}, err
	}
	share, err := r.milestones().MilestoneShare(r.Ctx, m.ID)
	if err != nil {
		return Response{}, err
	}
	l := r.Lang()
	text := l.T("milestone.saved", "Span", spanText(l, d, r.Local(r.Now)))
	if !share {
		text += "\n" + l.T("milestone.saved.share_hint")
	}
	return Response{Messages: []Message{{Text: text}}}, nil
}

// spanText says how long it has been, warmly, in l.
func spanText(l Lang, sober, today time.Time) string {
	y, m, d, total := SoberSpan(sober, today)
	switch {
	case total == 0:
		return l.T("milestone.span.day_one")
	case y == 0 && m == 0:
		return l.N("milestone.span.days", total)
	}
	var parts []string
	for _, p := range []struct {
		n    int
		unit string
	}{{y, i18n.ID("milestone.unit.years")}, {m, i18n.ID("milestone.unit.months")}, {d, i18n.ID("milestone.unit.days")}} {
		if p.n > 0 {
			parts = append(parts, l.N(p.unit, p.n))
		}
	}
	return l.N("milestone.span.long", total, "Parts", listAnd(l, parts))
}

func (b *Bot) cmdSoberShow(r *Request) (Response, error) {
	m, err := b.requireMember(r)
	if err != nil {
		return Response{}, err
	}
	cur, err := r.milestones().CurrentSoberDate(r.Ctx, m.ID)
	if errors.Is(err, ErrNotFound) {
		return r.Say("milestone.show.none"), nil
	}
	if err != nil {
		return Response{}, err
	}
	d, err := time.Parse(time.DateOnly, cur.Date)
	if err != nil {
		return Response{}, err
	}
	l := r.Lang()
	return r.Say("milestone.show", "Date", l.Date(d, i18n.DateFull), "Span", spanText(l, d, r.Local(r.Now))), nil
}

func (b *Bot) cmdSoberShare(r *Request) (Response, error) {
	m, err := b.requireMember(r)
	if err != nil {
		return Response{}, err
	}
	on, ok := onOff(r.Args.String("setting"))
	if !ok {
		return Response{}, Fail(EInvalid, "milestone.share.bad")
	}
	if err := r.milestones().SetMilestoneShare(r.Ctx, m.ID, on, r.Now); err != nil {
		return Response{}, err
	}
	if on {
		return r.Say("milestone.share.on"), nil
	}
	return r.Say("milestone.share.off"), nil
}

func (b *Bot) cmdSoberReset(r *Request) (Response, error) {
	if _, _, err := b.addSoberDate(r, "reset"); err != nil {
		return Response{}, err
	}
	// Never announced, never logged beyond the fact.
	l := r.Lang()
	return Response{Messages: []Message{{
		Text:    l.T("milestone.reset"),
		Choices: []Choice{{ID: "crisis:resources", Label: l.T("milestone.resources.button")}},
	}}}, nil
}

func (b *Bot) cmdSoberClear(r *Request) (Response, error) {
	m, err := b.requireMember(r)
	if err != nil {
		return Response{}, err
	}
	if err := r.milestones().ClearSoberDate(r.Ctx, m.ID, r.Now); err != nil {
		return Response{}, err
	}
	return r.Say("milestone.cleared"), nil
}

func (b *Bot) cmdSoberHistory(r *Request) (Response, error) {
	m, err := b.requireMember(r)
	if err != nil {
		return Response{}, err
	}
	ds, err := r.milestones().SoberDates(r.Ctx, m.ID)
	if err != nil {
		return Response{}, err
	}
	if len(ds) == 0 {
		return r.Say("milestone.history.none"), nil
	}
	l := r.Lang()
	lines := []string{l.T("milestone.history.title")}
	for _, d := range ds {
		kind := i18n.ID("milestone.history.set")
		if d.Kind == "reset" {
			kind = i18n.ID("milestone.history.reset")
		}
		line := l.T(kind, "Date", d.Date, "On", l.Date(r.Local(d.SetAt), "milestone.history.date"))
		if !d.ClearedAt.IsZero() {
			line += " " + l.T("milestone.history.removed")
		}
		lines = append(lines, line)
	}
	return Response{Messages: []Message{{Text: strings.Join(lines, "\n")}}}, nil
}

// celebrate is the morning job: each active member whose sober date has a
// milestone today is congratulated privately, and, if they opted in,
// celebrated in the house channel. A run delayed past its day is skipped,
// and a milestone is celebrated once.
func (b *Bot) celebrate(r *Request, at time.Time) error {
	today := r.Local(at)
	if r.Local(r.Now).Format(time.DateOnly) != today.Format(time.DateOnly) {
		return errSkipRun // a milestone is announced on its day or not at all
	}
	members, err := r.milestones().Members(r.Ctx, r.House.ID)
	if err != nil {
		return err
	}
	n := 0
	for _, m := range members {
		cur, err := r.milestones().CurrentSoberDate(r.Ctx, m.ID)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		sober, err := time.Parse(time.DateOnly, cur.Date)
		if err != nil {
			return fmt.Errorf("sober date of member %d: %w", m.ID, err)
		}
		ms := MilestonesOn(sober, today, r.House.Milestones.ExtraDays)
		if len(ms) == 0 {
			continue
		}
		share, err := r.milestones().MilestoneShare(r.Ctx, m.ID)
		if err != nil {
			return err
		}
		mile := ms[len(ms)-1] // the largest, if two fall on one day
		first, err := r.milestones().RecordCelebration(r.Ctx, &Celebration{MemberID: m.ID, HouseID: r.House.ID, SoberDate: cur.Date, Milestone: mile.Key, Label: mile.Label, Shared: share, At: r.Now})
		if err != nil {
			return err
		}
		if !first {
			continue
		}
		name := displayName(User{Name: m.Name})
		ml := r.LangOf(m)
		text := ml.T("milestone.congrats", "Milestone", capitalize(MilestoneLabel(ml, mile.Key)), "Name", name)
		if _, err := r.Enqueue(&OutboxMessage{Kind: MsgCelebration, Out: Outgoing{Target: Target{Kind: TargetDM, User: m.UserID}, Message: Message{Text: text}}}); err != nil {
			return err
		}
		if share {
			hl := r.HouseLang()
			post := hl.T("milestone.celebrate", "Name", name, "Milestone", MilestoneLabel(hl, mile.Key))
			if _, err := r.Enqueue(&OutboxMessage{Kind: MsgCelebration, About: []string{m.UserID},
				Out: Outgoing{Target: Target{Kind: TargetChannel, Channel: r.House.Channel}, Message: Message{Text: post}}}); err != nil {
				return err
			}
		}
		n++
	}
	if n > 0 {
		r.Log.Info("milestones celebrated", "count", n)
	}
	return nil
}

// capitalize upper-cases the first letter of s, in any script.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
