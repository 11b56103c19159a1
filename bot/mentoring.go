package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/porchlight/porchlight/i18n"
)

// Mentoring agreements: a House Mentor and a resident agree how often and
// how they will be in touch, on which day and at what time (house time),
// and on boundaries only the two of them can read. The mentor proposes it
// through a form and the resident confirms it; either side can change it
// (the other confirms) or end it (the other is told). Before each agreed
// contact Porchlight reminds both, and afterwards asks both, privately,
// whether it happened. Missed contacts show in the pair's own /mentor list
// and, as counts only, in the operator's digest.

// The timing of an agreed contact.
const (
	// contactRemindBefore is when both sides are reminded.
	contactRemindBefore = 2 * time.Hour
	// contactAskAfter is when both sides are asked whether it happened.
	contactAskAfter = 2 * time.Hour
	// contactAskLate is how late, after the contact, a question may still
	// go out (after a restart); an older contact is not asked about.
	contactAskLate = 48 * time.Hour
)

// The agreement form's choices: how often, in weeks, and how (the code
// an agreement stores), each with its label in the catalogue; and the
// words each mode is said with in a sentence ("a call").
var (
	everyWeeksList = []int{1, 2, 4}
	everyIDs       = map[int]string{1: i18n.ID("mentoring.every.1.option"), 2: i18n.ID("mentoring.every.2.option"), 4: i18n.ID("mentoring.every.4.option")}
	modeCodes      = []string{"call", "text", "in person"}
	modeIDs        = map[string]string{"call": i18n.ID("mentoring.mode.call.option"), "text": i18n.ID("mentoring.mode.text.option"), "in person": i18n.ID("mentoring.mode.in_person.option")}
	modeWords      = map[string]string{"call": i18n.ID("mentoring.mode.call"), "text": i18n.ID("mentoring.mode.text"), "in person": i18n.ID("mentoring.mode.in_person")}
	// pluralDays are the weekdays as "on Tuesdays" says them.
	pluralDays = [7]string{i18n.ID("mentoring.days.0"), i18n.ID("mentoring.days.1"), i18n.ID("mentoring.days.2"), i18n.ID("mentoring.days.3"),
		i18n.ID("mentoring.days.4"), i18n.ID("mentoring.days.5"), i18n.ID("mentoring.days.6")}
)

func (b *Bot) registerMentoring() {
	resident := Option{Name: "resident", Description: "cmd.mentor.opt.resident.desc", Type: OptUser, Required: true}
	person := Option{Name: "person", Description: "cmd.mentor.opt.person.desc", Type: OptUser}
	b.reg.Add(&Command{
		Name:        "mentor",
		Description: "cmd.mentor.desc",
		Roles:       Members,
		Subs: []*Command{
			{Name: "agree", Description: "cmd.mentor.agree.desc", Roles: Staff, Run: b.cmdMentorAgree,
				Options: []Option{resident}},
			{Name: "list", Description: "cmd.mentor.list.desc", Roles: Members, Run: b.cmdMentorList},
			{Name: "change", Description: "cmd.mentor.change.desc", Roles: Members, Run: b.cmdMentorChange,
				Options: []Option{person}},
			{Name: "end", Description: "cmd.mentor.end.desc", Roles: Members, Run: b.cmdMentorEnd,
				Options: []Option{person}},
		},
	})
	b.route("mentor", actionRoute{roles: Members, house: b.agreementHouse, run: b.actMentor})
	b.form("mentor", formRoute{roles: Members, build: buildMentorForm, submit: b.submitMentorForm})
	b.tickers = append(b.tickers, b.mentoringTick)
	b.leaveHooks = append(b.leaveHooks, b.mentoringLeave)
	b.eraseHooks = append(b.eraseHooks, b.mentoringErase)
	b.retentionHooks = append(b.retentionHooks, redactBoundaries)
}

// mentorForm is the agreement form in l; id is mentor:new:<mentee member
// id> or mentor:change:<agreement id>. Its choices are labels in l; the
// terms store their codes (parseTerms).
func mentorForm(l Lang, id string) Form {
	var everyCodes, everyWords, modeWordIDs []string
	for _, n := range everyWeeksList {
		everyCodes, everyWords = append(everyCodes, strconv.Itoa(n)), append(everyWords, everyIDs[n])
	}
	for _, c := range modeCodes {
		modeWordIDs = append(modeWordIDs, modeIDs[c])
	}
	return Form{ID: id, Title: l.T("mentoring.form.title"), Submit: l.T("mentoring.form.submit"), Fields: []Field{
		Field{ID: "every", Kind: KindChoice, Label: l.T("mentoring.every.label"), Value: everyCodes[0], Required: true}.Worded(l, everyWords, everyCodes),
		Field{ID: "mode", Kind: KindChoice, Label: l.T("mentoring.mode.label"), Value: modeCodes[0], Required: true}.Worded(l, modeWordIDs, modeCodes),
		{ID: "day", Kind: KindText, Label: l.T("mentoring.day.label"), MaxLen: 10, Required: true},
		{ID: "time", Kind: KindText, Label: l.T("mentoring.time.label"), MaxLen: 5, Required: true},
		{ID: "boundaries", Kind: KindText, Label: l.T("mentoring.boundaries.label"), MaxLen: 500},
	}}
}

func buildMentorForm(r *Request, parts []string) (Form, error) {
	if len(parts) != 2 || (parts[0] != "new" && parts[0] != "change") {
		return Form{}, Fail(EInvalid, "mentoring.form_invalid")
	}
	return mentorForm(r.Lang(), "mentor:"+parts[0]+":"+parts[1]), nil
}

// termValues are an agreement's terms as the form's values, to prefill
// a change.
func termValues(l Lang, a *Agreement) map[string]string {
	return map[string]string{"every": strconv.Itoa(a.EveryWeeks), "mode": a.Mode, "day": l.Weekday(a.Weekday), "time": a.Clock, "boundaries": a.Boundaries}
}

// parseTerms reads the form's validated values (the choices' codes) into
// an agreement's terms, or field errors in l naming what to fix.
func parseTerms(l Lang, vals map[string]string) (*Agreement, map[string]string) {
	a := &Agreement{Mode: vals["mode"], Boundaries: strings.TrimSpace(vals["boundaries"])}
	if n, err := strconv.Atoi(vals["every"]); err == nil && everyIDs[n] != "" {
		a.EveryWeeks = n
	}
	errs := map[string]string{}
	if a.EveryWeeks == 0 {
		errs["every"] = l.T("mentoring.every.invalid")
	}
	if _, ok := modeIDs[a.Mode]; !ok {
		errs["mode"] = l.T("mentoring.mode.invalid")
	}
	if d, ok := parseWeekday(vals["day"]); ok {
		a.Weekday = d
	} else {
		errs["day"] = l.T("mentoring.day.invalid")
	}
	if c, err := time.Parse("15:04", strings.TrimSpace(vals["time"])); err == nil {
		a.Clock = c.Format("15:04")
	} else {
		errs["time"] = l.T("mentoring.time.invalid")
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return a, nil
}

// termsLine says an agreement's terms in l: "a call every week, on
// Tuesdays at 19:00 (house time)".
func termsLine(l Lang, a *Agreement) string {
	every := l.T("mentoring.every.week")
	if a.EveryWeeks > 1 {
		every = l.T("mentoring.every.weeks", "Weeks", a.EveryWeeks)
	}
	return l.T("mentoring.terms", "Mode", modeText(l, a.Mode), "Every", every, "Days", l.T(pluralDays[a.Weekday]), "Clock", a.Clock)
}

// modeText says a mode in a sentence, in l: "a call".
func modeText(l Lang, mode string) string {
	if id, ok := modeWords[mode]; ok {
		return l.T(id)
	}
	return mode
}

// boundariesLine shows the boundaries, to the two sides only, in l.
func boundariesLine(l Lang, a *Agreement) string {
	switch {
	case a.Redacted:
		return l.T("mentoring.boundaries.redacted")
	case a.Boundaries == "":
		return l.T("mentoring.boundaries.none")
	}
	return l.T("mentoring.boundaries", "Boundaries", a.Boundaries)
}

// remindHours says how long before a contact both sides are reminded, in
// l: "2 hours".
func remindHours(l Lang) string {
	return l.N("mentoring.hours", int(contactRemindBefore/time.Hour))
}

// joinedSelf is the caller's active membership: an agreement is kept with
// both sides' memberships, so that it is covered by consent, export and
// erasure.
func joinedSelf(r *Request) (*Member, error) {
	if r.Member == nil || !r.Member.Active() {
		if r.Role.Has(Staff) {
			return nil, Fail(EForbidden, "mentoring.join_first", "House", r.House.Name)
		}
		return nil, errNotJoined
	}
	return r.Member, nil
}

// memberNamed is an active member of the house by user id, or a clear
// message that the person is not one.
func memberNamed(r *Request, userID string) (*Member, error) {
	m, err := r.mentoring().MemberByUser(r.Ctx, r.House.ID, userID)
	if errors.Is(err, ErrNotFound) || (err == nil && !m.Active()) {
		return nil, Fail(ENotFound, "mentoring.not_joined", "User", userID, "House", r.House.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("load member: %w", err)
	}
	return m, nil
}

// nameOf is a member's display name in bold, for messages.
func nameOf(r *Request, id int64) (string, error) {
	m, err := r.mentoring().MemberByID(r.Ctx, id)
	if err != nil {
		return "", fmt.Errorf("member %d: %w", id, err)
	}
	return "*" + displayName(User{Name: m.Name}) + "*", nil
}

func (b *Bot) cmdMentorAgree(r *Request) (Response, error) {
	me, err := joinedSelf(r)
	if err != nil {
		return Response{}, err
	}
	userID := r.Args.String("resident")
	if userID == me.UserID {
		return Response{}, Fail(EInvalid, "mentoring.agree_self")
	}
	mentee, err := memberNamed(r, userID)
	if err != nil {
		return Response{}, err
	}
	if err := canPropose(r, me.ID, mentee, 0); err != nil {
		return Response{}, err
	}
	return b.openForm(r, mentorForm(r.Lang(), fmt.Sprintf("mentor:new:%d", mentee.ID)), nil)
}

// canPropose checks that mentor may propose an agreement to mentee
// (replacing the agreement replaces, for a change): the mentee has no other
// agreement in force, and no proposal is waiting.
func canPropose(r *Request, mentorID int64, mentee *Member, replaces int64) error {
	mine, err := r.mentoring().AgreementsFor(r.Ctx, mentorID)
	if err != nil {
		return err
	}
	name := "*" + displayName(User{Name: mentee.Name}) + "*"
	for _, a := range mine {
		if a.MenteeID != mentee.ID || a.ID == replaces {
			continue
		}
		if a.Status == AgreementActive && replaces == 0 {
			return Fail(EConflict, "mentoring.already_agreed", "Name", name, "User", mentee.UserID)
		}
		if a.Status == AgreementProposed {
			return Fail(EConflict, "mentoring.already_waiting", "Name", name, "User", mentee.UserID)
		}
	}
	if replaces != 0 {
		return nil
	}
	theirs, err := r.mentoring().AgreementsOfMentee(r.Ctx, mentee.ID)
	if err != nil {
		return err
	}
	for _, a := range theirs {
		if a.MentorID != mentorID {
			return Fail(EConflict, "mentoring.other_mentor", "Name", name)
		}
	}
	return nil
}

// submitMentorForm stores a proposal from the form and sends it to the
// other side to confirm. Nothing is stored unless every field is right.
func (b *Bot) submitMentorForm(r *Request, parts []string, vals map[string]string) (Response, error) {
	me, err := joinedSelf(r)
	if err != nil {
		return Response{}, err
	}
	id, err := buttonID(parts, 1)
	if err != nil {
		return Response{}, Fail(EInvalid, "mentoring.form_invalid")
	}
	terms, errs := parseTerms(r.Lang(), vals)
	if errs != nil {
		f := mentorForm(r.Lang(), "mentor:"+strings.Join(parts, ":")).Prefill(vals)
		return Response{FieldErrors: errs, Reopen: &f}, nil
	}
	terms.HouseID, terms.Status, terms.ProposedBy, terms.CreatedAt = r.House.ID, AgreementProposed, me.ID, r.Now
	var old *Agreement
	switch parts[0] {
	case "new":
		if !r.Role.Has(Staff) {
			return Response{}, refusal("mentoring.refusal.propose", Staff)
		}
		mentee, err := r.mentoring().MemberByID(r.Ctx, id)
		if err != nil || mentee.HouseID != r.House.ID || !mentee.Active() || mentee.ID == me.ID {
			return Response{}, Fail(ENotFound, "mentoring.resident_gone", "House", r.House.Name)
		}
		if err := canPropose(r, me.ID, mentee, 0); err != nil {
			return Response{}, err
		}
		terms.MentorID, terms.MenteeID = me.ID, mentee.ID
	case "change":
		if old, err = ownAgreement(r, me.ID, id); err != nil {
			return Response{}, err
		}
		if old.Status != AgreementActive {
			return Response{}, Fail(EConflict, "mentoring.change_not_active")
		}
		mentee, err := r.mentoring().MemberByID(r.Ctx, old.MenteeID)
		if err != nil {
			return Response{}, err
		}
		if err := canPropose(r, old.MentorID, mentee, old.ID); err != nil {
			return Response{}, err
		}
		terms.MentorID, terms.MenteeID, terms.Replaces = old.MentorID, old.MenteeID, old.ID
	default:
		return Response{}, Fail(EInvalid, "mentoring.form_invalid")
	}
	if err := r.mentoring().CreateAgreement(r.Ctx, terms); errors.Is(err, ErrDuplicate) {
		return Response{}, Fail(EConflict, "mentoring.create_conflict")
	} else if err != nil {
		return Response{}, err
	}
	other := terms.Other(me.ID)
	who, err := nameOf(r, other)
	if err != nil {
		return Response{}, err
	}
	if err := b.sendProposal(r, terms, old); err != nil {
		return Response{}, err
	}
	r.Log.Info("mentoring agreement proposed", "agreement", terms.ID)
	resp := r.Say("mentoring.sent", "Name", who, "Terms", termsLine(r.Lang(), terms))
	if old != nil {
		resp = r.Say("mentoring.sent_change", "Name", who)
	}
	// The boundaries were screened like any words written to the bot, by
	// submitForm, before the form was checked.
	return resp, nil
}

// ownAgreement is one of the caller's proposed or active agreements by
// id, boundaries included, or a clear message.
func ownAgreement(r *Request, me, id int64) (*Agreement, error) {
	as, err := r.mentoring().AgreementsFor(r.Ctx, me)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		if a.ID == id {
			return a, nil
		}
	}
	return nil, Fail(ENotFound, "mentoring.not_your_agreement")
}

// sendProposal sends the other side the terms, with the boundaries (they
// are one of the two), and buttons to agree or not.
func (b *Bot) sendProposal(r *Request, a *Agreement, old *Agreement) error {
	from, err := nameOf(r, a.ProposedBy)
	if err != nil {
		return err
	}
	head := i18n.ID("mentoring.proposal")
	switch {
	case old != nil:
		head = i18n.ID("mentoring.proposal.change")
	case a.ProposedBy == a.MenteeID:
		head = i18n.ID("mentoring.proposal.from_mentee")
	}
	return dmSide(r, a.Other(a.ProposedBy), a.ProposedBy, func(l Lang) Message {
		text := strings.Join([]string{l.T(head, "Name", from), "• " + termsLine(l, a), "• " + boundariesLine(l, a), l.T("mentoring.proposal.only_you")}, "\n")
		return Message{Text: text, Choices: []Choice{
			{ID: fmt.Sprintf("mentor:confirm:%d", a.ID), Label: l.T("mentoring.agree.button"), Style: StylePrimary},
			{ID: fmt.Sprintf("mentor:decline:%d", a.ID), Label: l.T("mentoring.decline.button")},
		}}
	})
}

// agreementHouse is the house of the agreement or contact a mentoring
// button names, so the presser's role is checked there.
func (b *Bot) agreementHouse(r *Request, parts []string) (*House, error) {
	id, err := buttonID(parts, 1)
	if err != nil {
		return nil, err
	}
	var house int64
	if parts[0] == "contact" {
		c, err := r.mentoring().ContactByID(r.Ctx, id)
		if err != nil {
			return nil, errBadButton
		}
		house = c.HouseID
	} else {
		a, err := r.mentoring().AgreementByID(r.Ctx, id)
		if err != nil {
			return nil, errBadButton
		}
		house = a.HouseID
	}
	h, err := b.houseOn(r, house)
	if err != nil {
		return nil, errBadButton
	}
	return h, nil
}

// actMentor handles "I agree", "Not now" and the answers about a contact.
// The id grants nothing: the presser must be the side the button is for.
func (b *Bot) actMentor(r *Request, parts []string) (Response, error) {
	me, err := joinedSelf(r)
	if err != nil {
		return Response{}, err
	}
	id, err := buttonID(parts, 1)
	if err != nil {
		return Response{}, err
	}
	switch {
	case parts[0] == "contact" && len(parts) == 3:
		return b.answerContact(r, me, id, parts[2])
	case parts[0] == "confirm" || parts[0] == "decline":
		a, err := r.mentoring().AgreementByID(r.Ctx, id)
		if err != nil || a.HouseID != r.House.ID {
			return Response{}, errBadButton
		}
		if !a.Party(me.ID) || a.ProposedBy == me.ID {
			return Response{}, Fail(EForbidden, "mentoring.not_yours")
		}
		if a.Status != AgreementProposed {
			if a.Status == AgreementActive {
				return r.Say("mentoring.already_confirmed"), nil
			}
			return r.Say("mentoring.not_open"), nil
		}
		if parts[0] == "decline" {
			return b.declineAgreement(r, a)
		}
		return b.confirmAgreement(r, me, a)
	}
	return Response{}, errBadButton
}

// confirmAgreement puts a proposal in force (ending the agreement it
// changes) and tells the side who proposed it.
func (b *Bot) confirmAgreement(r *Request, me *Member, a *Agreement) (Response, error) {
	if a.Replaces != 0 {
		old, err := r.mentoring().AgreementByID(r.Ctx, a.Replaces)
		if err != nil {
			return Response{}, err
		}
		if old.Status != AgreementActive {
			a.Status, a.EndedAt, a.EndReason = AgreementEnded, r.Now, "withdrawn"
			if err := r.mentoring().UpdateAgreement(r.Ctx, a); err != nil {
				return Response{}, err
			}
			return r.Say("mentoring.change_gone"), nil
		}
		old.Status, old.EndedAt, old.EndReason, old.NextContact = AgreementEnded, r.Now, "changed", time.Time{}
		if err := r.mentoring().UpdateAgreement(r.Ctx, old); err != nil {
			return Response{}, err
		}
	}
	a.Status, a.AgreedAt = AgreementActive, r.Now
	a.NextContact = firstContact(a, r.Now, r.House.Location)
	if err := r.mentoring().UpdateAgreement(r.Ctx, a); errors.Is(err, ErrDuplicate) {
		return Response{}, Fail(EConflict, "mentoring.in_force_conflict")
	} else if err != nil {
		return Response{}, err
	}
	who, err := nameOf(r, me.ID)
	if err != nil {
		return Response{}, err
	}
	other, err := nameOf(r, a.ProposedBy)
	if err != nil {
		return Response{}, err
	}
	loc := r.House.Location
	if err := dmSide(r, a.ProposedBy, a.Other(a.ProposedBy), func(l Lang) Message {
		return Message{Text: l.T("mentoring.agreed", "Name", who, "Terms", termsLine(l, a), "First", FormatTime(l, a.NextContact, loc), "Before", remindHours(l))}
	}); err != nil {
		return Response{}, err
	}
	r.Log.Info("mentoring agreement confirmed", "agreement", a.ID)
	l := r.Lang()
	return r.Say("mentoring.confirmed", "Name", other, "Terms", termsLine(l, a), "First", FormatTime(l, a.NextContact, loc), "Before", remindHours(l)), nil
}

// declineAgreement ends a proposal the other side would rather not agree
// to, and tells the side who proposed it, kindly.
func (b *Bot) declineAgreement(r *Request, a *Agreement) (Response, error) {
	a.Status, a.EndedAt, a.EndReason = AgreementEnded, r.Now, "declined"
	if err := r.mentoring().UpdateAgreement(r.Ctx, a); err != nil {
		return Response{}, err
	}
	who, err := nameOf(r, a.Other(a.ProposedBy))
	if err != nil {
		return Response{}, err
	}
	other, err := nameOf(r, a.ProposedBy)
	if err != nil {
		return Response{}, err
	}
	text := i18n.ID("mentoring.declined")
	if a.Replaces != 0 {
		text = i18n.ID("mentoring.declined_change")
	}
	if err := dmSide(r, a.ProposedBy, a.Other(a.ProposedBy), func(l Lang) Message { return Message{Text: l.T(text, "Name", who)} }); err != nil {
		return Response{}, err
	}
	return r.Say("mentoring.decline_told", "Name", other), nil
}

// pickAgreements finds the caller's agreements with the person the
// command mentions, or with the only other side they have.
func pickAgreements(r *Request, usage string) (*Member, []*Agreement, error) {
	me, err := joinedSelf(r)
	if err != nil {
		return nil, nil, err
	}
	as, err := r.mentoring().AgreementsFor(r.Ctx, me.ID)
	if err != nil {
		return nil, nil, err
	}
	var other int64
	if userID := r.Args.String("person"); userID != "" {
		m, err := r.mentoring().MemberByUser(r.Ctx, r.House.ID, userID)
		if errors.Is(err, ErrNotFound) {
			return nil, nil, Fail(ENotFound, "mentoring.none_with", "User", userID)
		}
		if err != nil {
			return nil, nil, err
		}
		other = m.ID
	}
	sides := map[int64]bool{}
	var out []*Agreement
	for _, a := range as {
		if other == 0 || a.Other(me.ID) == other {
			out = append(out, a)
			sides[a.Other(me.ID)] = true
		}
	}
	switch {
	case len(out) == 0 && other != 0:
		return nil, nil, Fail(ENotFound, "mentoring.none_with", "User", r.Args.String("person"))
	case len(out) == 0:
		return nil, nil, Fail(ENotFound, "mentoring.none")
	case len(sides) > 1:
		return nil, nil, Fail(EInvalid, "mentoring.which", "Usage", usage)
	}
	return me, out, nil
}

func (b *Bot) cmdMentorChange(r *Request) (Response, error) {
	_, as, err := pickAgreements(r, Cmd("mentor change")+" @name")
	if err != nil {
		return Response{}, err
	}
	for _, a := range as {
		if a.Status == AgreementActive {
			return b.openForm(r, mentorForm(r.Lang(), fmt.Sprintf("mentor:change:%d", a.ID)), termValues(r.Lang(), a))
		}
	}
	return Response{}, Fail(EConflict, "mentoring.change_waiting")
}

func (b *Bot) cmdMentorEnd(r *Request) (Response, error) {
	me, as, err := pickAgreements(r, Cmd("mentor end")+" @name")
	if err != nil {
		return Response{}, err
	}
	otherID := as[0].Other(me.ID)
	who, err := nameOf(r, otherID)
	if err != nil {
		return Response{}, err
	}
	self, err := nameOf(r, me.ID)
	if err != nil {
		return Response{}, err
	}
	wasActive, err := endAgreements(r, as, "ended")
	if err != nil {
		return Response{}, err
	}
	text := i18n.ID("mentoring.ended.withdrawn")
	switch {
	case wasActive && otherID == as[0].MenteeID:
		text = i18n.ID("mentoring.ended.to_mentee")
	case wasActive:
		text = i18n.ID("mentoring.ended")
	}
	if err := dmSide(r, otherID, me.ID, func(l Lang) Message { return Message{Text: l.T(text, "Name", self)} }); err != nil {
		return Response{}, err
	}
	if wasActive {
		return r.Say("mentoring.end_done", "Name", who), nil
	}
	return r.Say("mentoring.withdraw_done", "Name", who), nil
}

// endAgreements ends agreements for reason and reports whether one of them
// was in force.
func endAgreements(r *Request, as []*Agreement, reason string) (bool, error) {
	wasActive := false
	for _, a := range as {
		wasActive = wasActive || a.Status == AgreementActive
		a.Status, a.EndedAt, a.EndReason, a.NextContact = AgreementEnded, r.Now, reason, time.Time{}
		if err := r.mentoring().UpdateAgreement(r.Ctx, a); err != nil {
			return false, err
		}
	}
	return wasActive, nil
}

// listWeeks is how far back /mentor list shows contacts and goal answers.
const listWeeks = 8

func (b *Bot) cmdMentorList(r *Request) (Response, error) {
	me, err := joinedSelf(r)
	if err != nil {
		return Response{}, err
	}
	as, err := r.mentoring().AgreementsFor(r.Ctx, me.ID)
	if err != nil {
		return Response{}, err
	}
	if len(as) == 0 {
		if r.Role.Has(Staff) {
			return r.Say("mentoring.list.none_staff"), nil
		}
		return r.Say("mentoring.list.none"), nil
	}
	lines := []string{r.Lang().T("mentoring.list.title")}
	for _, a := range as {
		ls, err := agreementLines(r, me, a)
		if err != nil {
			return Response{}, err
		}
		lines = append(lines, ls...)
	}
	return Response{Messages: []Message{{Text: strings.Join(lines, "\n")}}}, nil
}

// agreementLines describe one agreement to one of its sides: the terms,
// the boundaries, how the recent contacts went and, for the mentor, the
// goals the resident shares.
func agreementLines(r *Request, me *Member, a *Agreement) ([]string, error) {
	other, err := nameOf(r, a.Other(me.ID))
	if err != nil {
		return nil, err
	}
	l := r.Lang()
	head := l.T("mentoring.list.with_mentor", "Name", other)
	if a.MentorID == me.ID {
		head = l.T("mentoring.list.with_mentee", "Name", other)
	}
	if a.Status == AgreementProposed {
		waiting := l.T("mentoring.list.waiting_you")
		if a.ProposedBy == me.ID {
			waiting = l.T("mentoring.list.waiting_other", "Name", other)
		}
		what := l.T("mentoring.list.proposed")
		if a.Replaces != 0 {
			what = l.T("mentoring.list.change")
		}
		return []string{head + " — " + what + ", " + waiting + ": " + termsLine(l, a), "  " + boundariesLine(l, a)}, nil
	}
	lines := []string{head + ": " + termsLine(l, a), "  " + l.T("mentoring.list.next", "When", FormatTime(l, a.NextContact, r.House.Location)), "  " + boundariesLine(l, a)}
	since := r.Now.AddDate(0, 0, -7*listWeeks)
	cs, err := r.mentoring().ContactsOf(r.Ctx, a.ID, since, r.Now)
	if err != nil {
		return nil, err
	}
	lines = append(lines, "  "+contactSummary(r, l, cs))
	// Shared goals are for a House Mentor: someone whose role ended sees
	// none, even before their agreements are ended.
	if a.MentorID == me.ID && r.Role.Has(Staff) {
		ps, err := r.mentoring().GoalProgress(r.Ctx, a.MenteeID, me.ID, since)
		if err != nil {
			return nil, err
		}
		if len(ps) > 0 {
			lines = append(lines, "  "+l.T("mentoring.list.goals"))
			for _, p := range ps {
				lines = append(lines, "    "+goalLine(r, l, p))
			}
		}
	}
	return lines, nil
}

// contactSummary counts how recent contacts went, naming the days missed,
// without judgement, in l.
func contactSummary(r *Request, l Lang, cs []*MentorContact) string {
	n := map[string]int{}
	var missed []string
	for _, c := range cs {
		if c.DueAt.After(r.Now) {
			continue
		}
		n[c.Outcome]++
		if c.Outcome == ContactMissed {
			missed = append(missed, l.Date(r.Local(c.DueAt), i18n.DateShort))
		}
	}
	if n[ContactHappened]+n[ContactMissed]+n[ContactRescheduled]+n[ContactPending] == 0 {
		return l.T("mentoring.contacts.none", "Weeks", listWeeks)
	}
	parts := []string{l.N("mentoring.contacts.happened", n[ContactHappened])}
	if m := n[ContactMissed]; m > 0 {
		parts = append(parts, l.N("mentoring.contacts.missed", m, "Days", strings.Join(missed, ", ")))
	}
	if m := n[ContactRescheduled]; m > 0 {
		parts = append(parts, l.N("mentoring.contacts.rescheduled", m))
	}
	if m := n[ContactPending]; m > 0 {
		parts = append(parts, l.N("mentoring.contacts.pending", m))
	}
	return l.T("mentoring.contacts.summary", "Weeks", listWeeks, "Parts", strings.Join(parts, " · "))
}

// contactAt is clock ("19:00") on day, in loc.
func contactAt(day time.Time, clock string, loc *time.Location) time.Time {
	c, err := time.Parse("15:04", clock)
	if err != nil {
		c = time.Date(0, 1, 1, 12, 0, 0, 0, time.UTC) // stored terms are validated; never reached
	}
	return atClock(day, c, loc)
}

// firstContact is the agreement's first contact after t: its weekday at
// its time, in house time. A time in the spring-forward gap moves with the
// clocks.
func firstContact(a *Agreement, after time.Time, loc *time.Location) time.Time {
	day := dayStart(after, loc)
	day = day.AddDate(0, 0, (int(a.Weekday)-int(day.Weekday())+7)%7)
	if t := contactAt(day, a.Clock, loc); t.After(after) {
		return t
	}
	return contactAt(day.AddDate(0, 0, 7), a.Clock, loc)
}

// followingContact is the contact after prev: the same wall-clock time
// EveryWeeks later, across daylight-saving changes.
func followingContact(a *Agreement, prev time.Time, loc *time.Location) time.Time {
	return contactAt(dayStart(prev, loc).AddDate(0, 0, 7*a.EveryWeeks), a.Clock, loc)
}

// mentoringTick schedules the contacts coming up (with the reminders) and
// asks about the contacts that have passed. Each step is keyed by the
// state it records: a contact row is unique per (agreement, due time), and
// a contact is asked about once.
func (b *Bot) mentoringTick(ctx context.Context, now time.Time) error {
	return errors.Join(
		eachDue(ctx, b, now, "due agreements",
			func(tx Tx) ([]*Agreement, error) { return tx.DueAgreements(ctx, now.Add(contactRemindBefore)) },
			func(a *Agreement) int64 { return a.HouseID },
			func(r *Request, due *Agreement) error {
				a, err := r.mentoring().AgreementByID(ctx, due.ID)
				if err != nil || a.Status != AgreementActive {
					return err
				}
				return b.scheduleContacts(r, a)
			}),
		eachDue(ctx, b, now, "contacts to ask",
			func(tx Tx) ([]*MentorContact, error) { return tx.ContactsToAsk(ctx, now.Add(-contactAskAfter)) },
			func(c *MentorContact) int64 { return c.HouseID },
			func(r *Request, due *MentorContact) error {
				c, err := r.mentoring().ContactByID(ctx, due.ID)
				if err != nil || c.Outcome != ContactPending || !c.AskedAt.IsZero() {
					return err
				}
				return b.askContact(r, c)
			}))
}

// scheduleContacts records each contact of a that is coming up and
// reminds both sides, then moves the agreement on to its next contact.
// Contacts that passed while Porchlight was down get no reminder; ones too
// old to ask about get no row at all.
func (b *Bot) scheduleContacts(r *Request, a *Agreement) error {
	loc := r.House.Location
	if a.NextContact.IsZero() {
		a.NextContact = firstContact(a, r.Now, loc)
	}
	for !a.NextContact.After(r.Now.Add(contactRemindBefore)) {
		due := a.NextContact
		a.NextContact = followingContact(a, due, loc)
		if r.Now.After(due.Add(contactAskLate)) {
			continue
		}
		c := &MentorContact{AgreementID: a.ID, HouseID: a.HouseID, DueAt: due}
		away, err := sideAway(r, a, due)
		if err != nil {
			return err
		}
		switch {
		case away:
			c.Outcome = ContactSkipped // a paused side gets no reminders
		case r.Now.Before(due):
			c.RemindedAt = r.Now
		}
		if err := r.mentoring().CreateContact(r.Ctx, c); errors.Is(err, ErrDuplicate) {
			continue // already scheduled, and reminded, before a restart
		} else if err != nil {
			return err
		}
		if !c.RemindedAt.IsZero() {
			if err := remindContact(r, a, due); err != nil {
				return err
			}
		}
	}
	return r.mentoring().UpdateAgreement(r.Ctx, a)
}

// sideAway reports whether either side is paused at t, or no longer in
// the house.
func sideAway(r *Request, a *Agreement, t time.Time) (bool, error) {
	for _, id := range []int64{a.MentorID, a.MenteeID} {
		m, err := r.mentoring().MemberByID(r.Ctx, id)
		if err != nil {
			return false, err
		}
		if !m.Active() || m.Paused(t) {
			return true, nil
		}
	}
	return false, nil
}

// remindContact tells both sides a contact is coming up.
func remindContact(r *Request, a *Agreement, due time.Time) error {
	for _, id := range []int64{a.MentorID, a.MenteeID} {
		other, err := nameOf(r, a.Other(id))
		if err != nil {
			return err
		}
		text := i18n.ID("mentoring.reminder")
		if id == a.MenteeID {
			text = i18n.ID("mentoring.reminder.to_mentee")
		}
		if err := dmSide(r, id, a.Other(id), func(l Lang) Message {
			return Message{Text: l.T(text, "Mode", modeText(l, a.Mode), "Name", other, "When", FormatTime(l, due, r.House.Location))}
		}); err != nil {
			return err
		}
	}
	return nil
}

// askContact asks both sides, privately, whether a contact happened. A
// contact of an agreement that has ended, of a side who is away, or too
// old, is skipped instead.
func (b *Bot) askContact(r *Request, c *MentorContact) error {
	a, err := r.mentoring().AgreementByID(r.Ctx, c.AgreementID)
	if err != nil {
		return err
	}
	away, err := sideAway(r, a, c.DueAt)
	if err != nil {
		return err
	}
	c.AskedAt = r.Now
	if a.Status != AgreementActive || away || r.Now.After(c.DueAt.Add(contactAskLate)) {
		c.Outcome = ContactSkipped
		return r.mentoring().UpdateContact(r.Ctx, c)
	}
	if err := r.mentoring().UpdateContact(r.Ctx, c); err != nil {
		return err
	}
	for _, id := range []int64{a.MentorID, a.MenteeID} {
		other, err := nameOf(r, a.Other(id))
		if err != nil {
			return err
		}
		if err := dmSide(r, id, a.Other(id), func(l Lang) Message {
			day := l.Date(r.Local(c.DueAt), i18n.DateWeekTime)
			return Message{Text: l.T("mentoring.ask", "Mode", modeText(l, a.Mode), "Name", other, "Day", day), Choices: []Choice{
				{ID: fmt.Sprintf("mentor:contact:%d:%s", c.ID, ContactHappened), Label: l.T("mentoring.happened.button"), Style: StylePrimary},
				{ID: fmt.Sprintf("mentor:contact:%d:%s", c.ID, ContactMissed), Label: l.T("mentoring.missed.button")},
				{ID: fmt.Sprintf("mentor:contact:%d:%s", c.ID, ContactRescheduled), Label: l.T("mentoring.rescheduled.button")},
			}}
		}); err != nil {
			return err
		}
	}
	return nil
}

// answerContact records the first answer about a contact, from either
// side.
func (b *Bot) answerContact(r *Request, me *Member, id int64, outcome string) (Response, error) {
	if outcome != ContactHappened && outcome != ContactMissed && outcome != ContactRescheduled {
		return Response{}, errBadButton
	}
	c, err := r.mentoring().ContactByID(r.Ctx, id)
	if err != nil || c.HouseID != r.House.ID {
		return Response{}, errBadButton
	}
	a, err := r.mentoring().AgreementByID(r.Ctx, c.AgreementID)
	if err != nil {
		return Response{}, err
	}
	if !a.Party(me.ID) {
		return Response{}, Fail(EForbidden, "mentoring.not_yours")
	}
	first, err := r.mentoring().AnswerContact(r.Ctx, c.ID, outcome, me.ID, r.Now)
	if err != nil {
		return Response{}, err
	}
	if !first {
		if c.Outcome == ContactSkipped {
			return r.Say("mentoring.answer.past"), nil
		}
		said := r.Lang().T(outcomeWords[c.Outcome])
		if c.AnsweredBy != 0 && c.AnsweredBy != me.ID {
			by, err := nameOf(r, c.AnsweredBy)
			if err != nil {
				return Response{}, err
			}
			return r.Say("mentoring.answer.already", "Name", by, "Outcome", said), nil
		}
		return r.Say("mentoring.answer.already_you", "Outcome", said), nil
	}
	switch outcome {
	case ContactHappened:
		return r.Say("mentoring.answer.happened"), nil
	case ContactMissed:
		return r.Say("mentoring.answer.missed"), nil
	}
	return r.Say("mentoring.answer.rescheduled"), nil
}

// outcomeWords say how a contact went, once it was answered.
var outcomeWords = map[string]string{ContactHappened: i18n.ID("mentoring.outcome.happened"), ContactMissed: i18n.ID("mentoring.outcome.missed"),
	ContactRescheduled: i18n.ID("mentoring.outcome.rescheduled")}

// mentoringLeave is the leave hook: a member who left the house ends their
// agreements, and the other side is told. A pause changes nothing (a
// paused side's contacts are skipped).
func (b *Bot) mentoringLeave(r *Request, m *Member, why Phrase) error {
	if m.Active() {
		return nil
	}
	return endAllOf(r, m, NewPhrase("mentoring.left", "Why", why), "left", true)
}

// mentorRoleEnded ends the agreements in which user is the mentor, once
// they are no longer staff of the house (their House Mentor role was
// revoked, and they are not an operator): a mentor reads their mentee's
// shared goals and boundaries only while they are one. Each mentee is told
// kindly. It returns how many agreements ended.
func (b *Bot) mentorRoleEnded(r *Request, user string) (int, error) {
	role, err := b.roleOf(r, user)
	if err != nil || role.Has(Staff) {
		return 0, err
	}
	m, err := r.mentoring().MemberByUser(r.Ctx, r.House.ID, user)
	if errors.Is(err, ErrNotFound) {
		return 0, nil // never joined: no agreements
	}
	if err != nil {
		return 0, fmt.Errorf("member: %w", err)
	}
	as, err := r.mentoring().AgreementsFor(r.Ctx, m.ID)
	if err != nil {
		return 0, err
	}
	ended := 0
	for _, a := range as {
		if a.MentorID != m.ID {
			continue
		}
		if _, err := endAgreements(r, []*Agreement{a}, "role ended"); err != nil {
			return 0, err
		}
		if err := dmSide(r, a.MenteeID, 0, func(l Lang) Message { return Message{Text: l.T("mentoring.role_ended")} }); err != nil {
			return 0, err
		}
		ended++
	}
	return ended, nil
}

// mentoringErase is the erase hook: the other side of each agreement is
// told it ended; the rows go with the member's.
func (b *Bot) mentoringErase(r *Request, m *Member) error {
	// Erasure removes every message that names them, so this one must not.
	return endAllOf(r, m, func(l Lang) string { return l.T("mentoring.erased") }, "left", false)
}

// endAllOf ends m's proposed and active agreements and tells each other
// side, kindly, with text in their language.
func endAllOf(r *Request, m *Member, text func(l Lang) string, reason string, named bool) error {
	as, err := r.mentoring().AgreementsFor(r.Ctx, m.ID)
	if err != nil {
		return err
	}
	for _, a := range as {
		if _, err := endAgreements(r, []*Agreement{a}, reason); err != nil {
			return err
		}
		other := a.Other(m.ID)
		thanks := i18n.ID("mentoring.ended.thanks")
		if other == a.MenteeID {
			thanks = i18n.ID("mentoring.ended.thanks_mentee")
		}
		// The message names m unless m erased their data (named false):
		// then it must not, and it is not tagged with them.
		about := m.ID
		if !named {
			about = 0
		}
		if err := dmSide(r, other, about, func(l Lang) Message { return Message{Text: text(l) + " " + l.T(thanks)} }); err != nil {
			return err
		}
	}
	return nil
}

// redactBoundaries is the retention hook: the boundaries of up to limit
// agreements that ended before before are removed.
func redactBoundaries(r *Request, before time.Time, limit int) (int, error) {
	n, err := r.mentoring().RedactBoundaries(r.Ctx, r.House.ID, before, limit)
	if err != nil {
		return n, fmt.Errorf("redact boundaries: %w", err)
	}
	return n, nil
}

// DigestMentoring is the digest's mentoring section: counts only, never
// who or what was agreed.
type DigestMentoring struct {
	// Agreements counts agreements in force at some time in the week.
	Agreements int `json:"active_agreements"`
	// ContactsDue counts agreed contacts due in the week; the others say
	// how they went, as the mentor or resident answered (Unanswered: not
	// yet). Contacts skipped while a side was away are not counted.
	ContactsDue int `json:"contacts_due"`
	Happened    int `json:"contacts_happened"`
	Missed      int `json:"contacts_missed"`
	Rescheduled int `json:"contacts_rescheduled"`
	Unanswered  int `json:"contacts_unanswered"`
}

// digestMentoring counts a house's mentoring in [from, to).
func digestMentoring(r *Request, from, to time.Time) (DigestMentoring, error) {
	s, err := r.digests().MentoringStats(r.Ctx, r.House.ID, from, to)
	return DigestMentoring{Agreements: s.Agreements, ContactsDue: s.Contacts, Happened: s.Happened, Missed: s.Missed,
		Rescheduled: s.Rescheduled, Unanswered: s.Unanswered}, err
}

// dmSide sends one side of an agreement (to) a message about the other
// side (about; 0 for a message that names nobody), written by msg in
// their language. The message is tagged with the person it names, so
// erasing them erases it.
func dmSide(r *Request, to, about int64, msg func(l Lang) Message) error {
	var named []string
	if about != 0 {
		who, err := r.members().MemberByID(r.Ctx, about)
		if err != nil {
			return fmt.Errorf("member %d: %w", about, err)
		}
		named = append(named, who.UserID)
	}
	return dmMemberIn(r, to, MsgMentoring, msg, named...)
}
