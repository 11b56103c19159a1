package bot

import (
	"errors"
	"fmt"
	"strings"
	"time"
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
		return time.Time{}, Errorf(EInvalid, "%s is in the future. Please give the date your sobriety began, today or earlier.", d.Format(time.DateOnly))
	case d.Year() < 1900:
		return time.Time{}, Errorf(EInvalid, "%s is before 1900. Please check the year.", d.Format(time.DateOnly))
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
	text := "Saved, privately: only you can see your sober date. " + spanText(d, r.Local(r.Now))
	if !share {
		text += "\nIf you'd like the house to celebrate your milestones with you, use " + Cmd("sober-date share") + " on. Otherwise I'll congratulate you privately."
	}
	return Reply("%s", text), nil
}

// spanText says how long it has been, warmly.
func spanText(sober, today time.Time) string {
	y, m, d, total := SoberSpan(sober, today)
	switch {
	case total == 0:
		return "Today is day one. One day at a time — you've got this."
	case total == 1:
		return "That's 1 day."
	case y == 0 && m == 0:
		return fmt.Sprintf("That's %d days.", total)
	}
	var parts []string
	for _, p := range []struct {
		n    int
		unit string
	}{{y, "year"}, {m, "month"}, {d, "day"}} {
		switch {
		case p.n == 1:
			parts = append(parts, "1 "+p.unit)
		case p.n > 1:
			parts = append(parts, fmt.Sprintf("%d %ss", p.n, p.unit))
		}
	}
	return fmt.Sprintf("That's %d days — %s.", total, joinAnd(parts))
}

func (b *Bot) cmdSoberShow(r *Request) (Response, error) {
	m, err := b.requireMember(r)
	if err != nil {
		return Response{}, err
	}
	cur, err := r.milestones().CurrentSoberDate(r.Ctx, m.ID)
	if errors.Is(err, ErrNotFound) {
		return Reply("You haven't set a sober date. %s YYYY-MM-DD records one, privately.", Cmd("sober-date set")), nil
	}
	if err != nil {
		return Response{}, err
	}
	d, err := time.Parse(time.DateOnly, cur.Date)
	if err != nil {
		return Response{}, err
	}
	return Reply("Since %s: %s (Only you see this.)", d.Format("2 January 2006"), spanText(d, r.Local(r.Now))), nil
}

func (b *Bot) cmdSoberShare(r *Request) (Response, error) {
	m, err := b.requireMember(r)
	if err != nil {
		return Response{}, err
	}
	var on bool
	switch strings.ToLower(strings.TrimSpace(r.Args.String("setting"))) {
	case "on":
		on = true
	case "off":
	default:
		return Response{}, Errorf(EInvalid, "Say on or off: %s on", Cmd("sober-date share"))
	}
	if err := r.milestones().SetMilestoneShare(r.Ctx, m.ID, on, r.Now); err != nil {
		return Response{}, err
	}
	if on {
		return Reply("🎉 On the morning of each milestone I'll celebrate with the house — the milestone only, never your date. %s off stops it.", Cmd("sober-date share")), nil
	}
	return Reply("Okay: milestones stay between us. I'll congratulate you privately."), nil
}

func (b *Bot) cmdSoberReset(r *Request) (Response, error) {
	if _, _, err := b.addSoberDate(r, "reset"); err != nil {
		return Response{}, err
	}
	// Never announced, never logged beyond the fact.
	return Response{Messages: []Message{{
		Text: "Thank you for telling me. Your new date is saved, privately — nobody else is told. " +
			"Starting again takes courage, and relapse can be part of recovery; it doesn't erase what you've learned. " +
			"If you'd like support, your House Mentor or your partner would be glad to hear from you, and " + Cmd("resources") + " has people to talk to any time.",
		Choices: []Choice{{ID: "crisis:resources", Label: "Show resources"}},
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
	return Reply("Your sober date is removed; there will be no milestone messages. (Your earlier dates stay in %s until you erase your data with %s.)", Cmd("sober-date history"), Cmd("mydata erase")), nil
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
		return Reply("You haven't set a sober date."), nil
	}
	lines := []string{"*Your sober dates* (only you see this)"}
	for _, d := range ds {
		line := fmt.Sprintf("• %s — %s on %s", d.Date, map[string]string{"set": "set", "reset": "new start"}[d.Kind], r.Local(d.SetAt).Format("2 Jan 2006"))
		if !d.ClearedAt.IsZero() {
			line += " (removed)"
		}
		lines = append(lines, line)
	}
	return Reply("%s", strings.Join(lines, "\n")), nil
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
		ml := ms[len(ms)-1] // the largest, if two fall on one day
		first, err := r.milestones().RecordCelebration(r.Ctx, &Celebration{MemberID: m.ID, HouseID: r.House.ID, SoberDate: cur.Date, Milestone: ml.Key, Label: ml.Label, Shared: share, At: r.Now})
		if err != nil {
			return err
		}
		if !first {
			continue
		}
		name := displayName(User{Name: m.Name})
		text := fmt.Sprintf("🎉 %s today, %s. That's something to be proud of — one day at a time.", capitalize(ml.Label), name)
		if _, err := r.Enqueue(&OutboxMessage{Kind: MsgCelebration, Out: Outgoing{Target: Target{Kind: TargetDM, User: m.UserID}, Message: Message{Text: text}}}); err != nil {
			return err
		}
		if share {
			post := fmt.Sprintf("🎉 *%s* celebrates *%s* today! Join us in cheering them on. 💚", name, ml.Label)
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

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
