package bot

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// House Mentors' tools for a resident's membership: /pause sets a resident's
// check-ins aside until a date (a hospital stay, a family visit), and
// /remove ends the membership of someone who has moved out. Both are for
// the house's mentors and operators, are audited, and tell the resident
// privately and kindly. A pause is not a punishment, and nothing in its
// words may sound like one.

// How far ahead a pause may reach, in months: a year for a resident's own,
// three months for one a House Mentor sets (someone away longer has
// usually moved on, and /remove fits better).
const (
	selfPauseMonths   = 12
	mentorPauseMonths = 3
	// pauseReasonMax bounds the reason a House Mentor gives, in characters.
	pauseReasonMax = 200
)

func (b *Bot) registerPause() {
	resident := Option{Name: "resident", Description: "cmd.pause.opt.resident.desc", Type: OptUser, Required: true}
	b.reg.Add(&Command{
		Name:        "pause",
		Description: "cmd.pause.desc",
		Roles:       Staff,
		Run:         b.cmdPauseResident,
		Options: []Option{resident,
			{Name: "until", Description: "cmd.pause.opt.until.desc", Type: OptString, Required: true, MaxLen: 40},
			// The reason takes the rest of the line; typed out, it may
			// still hold the date after the word "until" (see cmdPauseResident).
			{Name: "reason", Description: "cmd.pause.opt.reason.desc", Type: OptString, Rest: true, MaxLen: pauseReasonMax + 20}},
	})
	b.reg.Add(&Command{
		Name:        "remove",
		Description: "cmd.remove.desc",
		Roles:       Staff,
		Run:         b.cmdRemove,
		Options:     []Option{resident},
	})
	b.action("remove", Staff, b.actRemove)
}

// pauseEnd reads the date a pause ends: a house-local YYYY-MM-DD after
// today and at most months ahead. how is the command, for the example in
// the message about a date in the past.
func pauseEnd(r *Request, s string, months int, how string) (time.Time, error) {
	until, err := parseDate(s, r.House.Location)
	if err != nil {
		return time.Time{}, err
	}
	today := dayStart(r.Now, r.House.Location)
	limit, span := today.AddDate(0, months, 0), fmt.Sprintf("%d months", months)
	if months == 12 {
		span = "a year"
	}
	switch {
	case !until.After(today):
		return time.Time{}, Errorf(EInvalid, "The date prompts resume must be after today. For example: %s %s", how, today.AddDate(0, 0, 7).Format(time.DateOnly))
	case until.After(limit):
		return time.Time{}, Errorf(EInvalid, "A pause can last up to %s. Please pick a date up to %s.", span, limit.Format(time.DateOnly))
	}
	return until, nil
}

// pause sets m's check-ins aside until until: no prompts, reminders,
// missed check-ins or partner pings about misses until then, which needs
// no job: every query compares paused_until with the time. m leaves their
// accountability pair, and the partner is told kindly. by and reason are
// the House Mentor who set it and the reason the resident is shown; both
// are "" for the resident's own pause.
func (b *Bot) pause(r *Request, m *Member, until time.Time, by, reason string) error {
	m.PausedUntil, m.PausedBy, m.PauseReason = until, by, reason
	if err := r.members().SaveMember(r.Ctx, m); err != nil {
		return fmt.Errorf("save member: %w", err)
	}
	for _, hook := range b.leaveHooks {
		if err := hook(r, m, fmt.Sprintf("%s is away for a while", displayName(User{Name: m.Name}))); err != nil {
			return err
		}
	}
	r.Log.Info("member paused", "member", m.ID, "by_mentor", by != "")
	return nil
}

// unpause ends m's pause now.
func (b *Bot) unpause(r *Request, m *Member) error {
	m.PausedUntil, m.PausedBy, m.PauseReason = time.Time{}, "", ""
	if err := r.members().SaveMember(r.Ctx, m); err != nil {
		return fmt.Errorf("save member: %w", err)
	}
	r.Log.Info("member resumed", "member", m.ID)
	return nil
}

// cmdPauseResident is /pause @resident until DATE [reason], and
// /pause @resident end.
func (b *Bot) cmdPauseResident(r *Request) (Response, error) {
	until, reason := strings.TrimSpace(r.Args.String("until")), strings.TrimSpace(r.Args.String("reason"))
	if strings.EqualFold(until, "until") {
		// Typed out, Cmd("pause") + " @robin until 2026-12-01 family visit" puts the
		// word "until" in the date's place; the date leads the rest.
		until, reason, _ = strings.Cut(reason, " ")
		reason = strings.TrimSpace(reason)
	}
	m, err := r.member(r.Args.String("resident"), "")
	if err != nil {
		return Response{}, err
	}
	mentor := displayName(r.Event.User)
	if strings.EqualFold(until, "end") {
		if !m.Paused(r.Now) {
			return Response{}, Errorf(EConflict, "*%s* isn't paused: their check-ins are on.", m.Name)
		}
		if err := b.unpause(r, m); err != nil {
			return Response{}, err
		}
		if err := r.Audit("member.resume", fmt.Sprintf("member:%d", m.ID)); err != nil {
			return Response{}, err
		}
		// Each message below names the House Mentor: erasing them finds it.
		if _, err := r.DMAbout(m.UserID, "", Message{Text: fmt.Sprintf("Welcome back, %s! %s, a House Mentor, has turned your check-in prompts with %s back on. Glad you're here. 💚", m.Name, mentor, r.House.Name)}, r.Event.User.ID); err != nil {
			return Response{}, err
		}
		return Reply("*%s*'s pause has ended; check-in prompts are on again. They've been told privately.", m.Name), nil
	}
	if n := utf8.RuneCountInString(reason); n > pauseReasonMax {
		return Response{}, Errorf(EInvalid, "The reason is %d characters; please keep it to %d. The resident sees it, so a few words are best (\"family visit\").", n, pauseReasonMax)
	}
	end, err := pauseEnd(r, until, mentorPauseMonths, fmt.Sprintf(Cmd("pause")+" @%s until", m.Name))
	if err != nil {
		return Response{}, err
	}
	again := m.Paused(r.Now)
	if err := b.pause(r, m, end, r.Event.User.ID, reason); err != nil {
		return Response{}, err
	}
	if err := r.Audit("member.pause", fmt.Sprintf("member:%d", m.ID)); err != nil {
		return Response{}, err
	}
	day := end.Format("Monday 2 January")
	why := ""
	if reason != "" {
		why = fmt.Sprintf(" (%s)", reason)
	}
	told := fmt.Sprintf("Hi %s 🌿 %s, a House Mentor, has paused your check-ins with %s until %s%s. Until then there are no check-in prompts or reminders, and nothing counts as missed. It's not a mark against you, just some room to take care of what matters. If you're back sooner, "+Cmd("checkin resume")+" turns them back on. Take care.",
		m.Name, mentor, r.House.Name, day, why)
	if _, err := r.DMAbout(m.UserID, "", Message{Text: told}, r.Event.User.ID); err != nil {
		return Response{}, err
	}
	if again {
		return Reply("*%s*'s pause now runs until %s. They've been told privately.", m.Name, day), nil
	}
	return Reply("Paused *%s* until %s: no prompts, reminders or missed check-ins until then, and prompts resume on their own that day. They've been told privately; an accountability partner hears only that they're away for a while. "+Cmd("pause")+" @%s end ends it sooner.", m.Name, day, m.Name), nil
}

// cmdRemove asks the House Mentor to confirm that a resident has moved
// out: ending a membership by a slip of the finger would hurt.
func (b *Bot) cmdRemove(r *Request) (Response, error) {
	m, err := r.member(r.Args.String("resident"), "")
	if err != nil {
		return Response{}, err
	}
	return Response{Messages: []Message{{
		Text: fmt.Sprintf("Has *%s* moved out of %s? Their check-ins stop, their accountability partnership ends (their partner is told kindly), and I'll send them a warm goodbye. Their data is not erased: it follows the house's retention, and they can still export or erase it.", m.Name, r.House.Name),
		Choices: []Choice{
			{ID: fmt.Sprintf("remove:confirm:%d", m.ID), Label: fmt.Sprintf("Yes, %s has moved out", clip(m.Name, 40)), Style: StyleDanger},
			{ID: "remove:cancel", Label: "Cancel"},
		},
	}}}, nil
}

// actRemove ends the membership once the House Mentor confirms.
func (b *Bot) actRemove(r *Request, parts []string) (Response, error) {
	if len(parts) != 2 || parts[0] != "confirm" {
		return Reply("Okay, nothing changed."), nil
	}
	id, err := buttonID(parts, 1)
	if err != nil {
		return Response{}, err
	}
	m, err := r.members().MemberByID(r.Ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && m.HouseID != r.House.ID) {
		return Response{}, errBadButton
	}
	if err != nil {
		return Response{}, fmt.Errorf("load member: %w", err)
	}
	if !m.Active() {
		return Reply("*%s* is no longer a member of %s; nothing more to do.", m.Name, r.House.Name), nil
	}
	why := fmt.Sprintf("%s has moved on from %s", displayName(User{Name: m.Name}), r.House.Name)
	if err := b.leave(r, m, "member.remove", why); err != nil {
		return Response{}, err
	}
	retention := r.House.RetentionDays
	if retention <= 0 {
		retention = 180
	}
	goodbye := strings.Join([]string{
		fmt.Sprintf("Hi %s. %s, a House Mentor, let me know you've moved on from %s, so your check-ins with the house end here. Thank you for being part of it. We wish you all the best on the road ahead. 💚", m.Name, displayName(r.Event.User), r.House.Name),
		fmt.Sprintf("Your data isn't erased right away: your written check-in answers are removed after %d days, as everyone's are, and counts stay. You can get a copy any time with "+Cmd("mydata export")+", or erase it all now with "+Cmd("mydata erase")+".", retention),
		"Support lines are always there with " + Cmd("resources") + ".",
	}, "\n")
	if _, err := r.DMAbout(m.UserID, "", Message{Text: goodbye}, r.Event.User.ID); err != nil {
		return Response{}, err
	}
	return Reply("Done: *%s* is no longer a member of %s. They've had a warm goodbye, and their partner (if any) was told.", m.Name, r.House.Name), nil
}
