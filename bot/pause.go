package bot

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/porchlight/porchlight/i18n"
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
// today and at most months ahead. how is the command in the caller's
// language, for the example in the message about a date in the past.
func pauseEnd(r *Request, s string, months int, how string) (time.Time, error) {
	until, err := parseDate(s, r.House.Location)
	if err != nil {
		return time.Time{}, err
	}
	today := dayStart(r.Now, r.House.Location)
	limit, span := today.AddDate(0, months, 0), r.Lang().N("pause.span.months", months)
	if months == 12 {
		span = r.Lang().T("pause.span.year")
	}
	switch {
	case !until.After(today):
		return time.Time{}, Fail(EInvalid, "pause.not_after_today", "How", how, "Example", today.AddDate(0, 0, 7).Format(time.DateOnly))
	case until.After(limit):
		return time.Time{}, Fail(EInvalid, "pause.too_long", "Span", span, "Limit", limit.Format(time.DateOnly))
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
	// The reason reaches partners and mentees, each in their language.
	away := NewPhrase("pause.away", "Name", displayName(User{Name: m.Name}))
	for _, hook := range b.leaveHooks {
		if err := hook(r, m, away); err != nil {
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
	if Same("checkin.pause.until_word", until) {
		// Typed out, Cmd("pause") + " @robin until 2026-12-01 family visit" puts the
		// word "until" in the date's place; the date leads the rest.
		until, reason, _ = strings.Cut(reason, " ")
		reason = strings.TrimSpace(reason)
	}
	m, err := r.member(r.Args.String("resident"), nil)
	if err != nil {
		return Response{}, err
	}
	mentor := displayName(r.Event.User)
	if Same("pause.end_word", until) {
		if !m.Paused(r.Now) {
			return Response{}, Fail(EConflict, "pause.not_paused", "Name", m.Name)
		}
		if err := b.unpause(r, m); err != nil {
			return Response{}, err
		}
		if err := r.Audit("member.resume", fmt.Sprintf("member:%d", m.ID)); err != nil {
			return Response{}, err
		}
		// Each message below names the House Mentor: erasing them finds it.
		welcome := r.LangOf(m).T("pause.resumed.dm", "Name", m.Name, "Mentor", mentor, "House", r.House.Name)
		if _, err := r.DMAbout(m.UserID, "", Message{Text: welcome}, r.Event.User.ID); err != nil {
			return Response{}, err
		}
		return r.Say("pause.resumed", "Name", m.Name), nil
	}
	if n := utf8.RuneCountInString(reason); n > pauseReasonMax {
		return Response{}, Fail(EInvalid, "pause.reason_too_long", "Len", n, "Max", pauseReasonMax)
	}
	end, err := pauseEnd(r, until, mentorPauseMonths, r.Lang().T("pause.example", "Name", m.Name))
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
	ml := r.LangOf(m)
	told := ml.T("pause.told", "Name", m.Name, "Mentor", mentor, "House", r.House.Name, "Date", ml.Date(end, i18n.DateLong), "Reason", reason)
	if _, err := r.DMAbout(m.UserID, "", Message{Text: told}, r.Event.User.ID); err != nil {
		return Response{}, err
	}
	day := r.Lang().Date(end, i18n.DateLong)
	if again {
		return r.Say("pause.extended", "Name", m.Name, "Date", day), nil
	}
	return r.Say("pause.done", "Name", m.Name, "Date", day), nil
}

// cmdRemove asks the House Mentor to confirm that a resident has moved
// out: ending a membership by a slip of the finger would hurt.
func (b *Bot) cmdRemove(r *Request) (Response, error) {
	m, err := r.member(r.Args.String("resident"), nil)
	if err != nil {
		return Response{}, err
	}
	l := r.Lang()
	return Response{Messages: []Message{{
		Text: l.T("pause.remove.ask", "Name", m.Name, "House", r.House.Name),
		Choices: []Choice{
			{ID: fmt.Sprintf("remove:confirm:%d", m.ID), Label: l.T("pause.remove.confirm.button", "Name", clip(m.Name, 40)), Style: StyleDanger},
			{ID: "remove:cancel", Label: l.T("pause.remove.cancel.button")},
		},
	}}}, nil
}

// actRemove ends the membership once the House Mentor confirms.
func (b *Bot) actRemove(r *Request, parts []string) (Response, error) {
	if len(parts) != 2 || parts[0] != "confirm" {
		return r.Say("pause.remove.cancelled"), nil
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
		return r.Say("pause.remove.gone", "Name", m.Name, "House", r.House.Name), nil
	}
	// The reason, in each reader's language (see pause).
	why := NewPhrase("pause.remove.why", "Name", displayName(User{Name: m.Name}), "House", r.House.Name)
	if err := b.leave(r, m, "member.remove", why); err != nil {
		return Response{}, err
	}
	retention := r.House.RetentionDays
	if retention <= 0 {
		retention = 180
	}
	goodbye := r.LangOf(m).N("pause.remove.goodbye", retention, "Name", m.Name, "Mentor", displayName(r.Event.User), "House", r.House.Name)
	if _, err := r.DMAbout(m.UserID, "", Message{Text: goodbye}, r.Event.User.ID); err != nil {
		return Response{}, err
	}
	return r.Say("pause.remove.done", "Name", m.Name, "House", r.House.Name), nil
}
