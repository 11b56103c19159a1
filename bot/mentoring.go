package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
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

// mentoringBatch bounds the rows one retention step redacts.
const mentoringBatch = 500

// The agreement form's choices, and what they mean.
var (
	everyChoices = []string{"weekly", "every 2 weeks", "every 4 weeks"}
	everyWeeks   = map[string]int{"weekly": 1, "every 2 weeks": 2, "every 4 weeks": 4}
	modeChoices  = []string{"call", "text", "in person"}
	modeWords    = map[string]string{"call": "a call", "text": "a text check-in", "in person": "a meet-up in person"}
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

// mentorForm is the agreement form; id is mentor:new:<mentee member id>
// or mentor:change:<agreement id>.
func mentorForm(id string) Form {
	return Form{ID: id, Title: "Mentoring agreement", Submit: "Propose", Fields: []Field{
		{ID: "every", Kind: KindChoice, Label: "How often?", Options: everyChoices, Value: everyChoices[0], Required: true},
		{ID: "mode", Kind: KindChoice, Label: "How?", Options: modeChoices, Value: modeChoices[0], Required: true},
		{ID: "day", Kind: KindText, Label: "Which day? (for example Tuesday)", MaxLen: 10, Required: true},
		{ID: "time", Kind: KindText, Label: "What time? (HH:MM, house time)", MaxLen: 5, Required: true},
		{ID: "boundaries", Kind: KindText, Label: "Boundaries (only you two see them)", MaxLen: 500},
	}}
}

func buildMentorForm(_ *Request, parts []string) (Form, error) {
	if len(parts) != 2 || (parts[0] != "new" && parts[0] != "change") {
		return Form{}, Errorf(EInvalid, "That form is no longer valid.")
	}
	return mentorForm("mentor:" + parts[0] + ":" + parts[1]), nil
}

// termValues are an agreement's terms as the form shows them, to prefill
// a change.
func termValues(a *Agreement) map[string]string {
	every := everyChoices[0]
	for k, n := range everyWeeks {
		if n == a.EveryWeeks {
			every = k
		}
	}
	return map[string]string{"every": every, "mode": a.Mode, "day": a.Weekday.String(), "time": a.Clock, "boundaries": a.Boundaries}
}

// parseTerms reads the form's validated values into an agreement's
// terms, or field errors naming what to fix.
func parseTerms(vals map[string]string) (*Agreement, map[string]string) {
	a := &Agreement{EveryWeeks: everyWeeks[vals["every"]], Mode: vals["mode"], Boundaries: strings.TrimSpace(vals["boundaries"])}
	errs := map[string]string{}
	if a.EveryWeeks == 0 {
		errs["every"] = "Choose weekly, every 2 weeks or every 4 weeks."
	}
	if _, ok := modeWords[a.Mode]; !ok {
		errs["mode"] = "Choose call, text or in person."
	}
	if d, ok := weekdays[strings.ToLower(strings.TrimSpace(vals["day"]))]; ok {
		a.Weekday = d
	} else {
		errs["day"] = "Give a day of the week, such as Tuesday."
	}
	if c, err := time.Parse("15:04", strings.TrimSpace(vals["time"])); err == nil {
		a.Clock = c.Format("15:04")
	} else {
		errs["time"] = "Give a time as HH:MM (24-hour), such as 19:00."
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return a, nil
}

// termsLine says an agreement's terms: "a call every week, on Tuesdays at
// 19:00 (house time)".
func termsLine(a *Agreement) string {
	every := "every week"
	if a.EveryWeeks > 1 {
		every = fmt.Sprintf("every %d weeks", a.EveryWeeks)
	}
	return fmt.Sprintf("%s %s, on %ss at %s (house time)", modeWords[a.Mode], every, a.Weekday, a.Clock)
}

// boundariesLine shows the boundaries, to the two sides only.
func boundariesLine(a *Agreement) string {
	switch {
	case a.Redacted:
		return "Boundaries: (removed after the retention period)"
	case a.Boundaries == "":
		return "Boundaries: none written down"
	}
	return "Boundaries: " + a.Boundaries
}

// joinedSelf is the caller's active membership: an agreement is kept with
// both sides' memberships, so that it is covered by consent, export and
// erasure.
func joinedSelf(r *Request) (*Member, error) {
	if r.Member == nil || !r.Member.Active() {
		if r.Role.Has(Staff) {
			return nil, Errorf(EForbidden, "Please "+Cmd("join")+" %s first: a mentoring agreement is kept with both people's membership, so it's covered by consent, "+Cmd("mydata export")+" and erase.", r.House.Name)
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
		return nil, Errorf(ENotFound, "<@%s> hasn't joined %s's check-ins, so there's no agreement to make with them yet. They can "+Cmd("join")+" first.", userID, r.House.Name)
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
		return Response{}, Errorf(EInvalid, "A mentoring agreement is between two people; mention the resident: %s @resident", Cmd("mentor agree"))
	}
	mentee, err := memberNamed(r, userID)
	if err != nil {
		return Response{}, err
	}
	if err := canPropose(r, me.ID, mentee, 0); err != nil {
		return Response{}, err
	}
	return b.openForm(r, mentorForm(fmt.Sprintf("mentor:new:%d", mentee.ID)), nil)
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
			return Errorf(EConflict, "You already have a mentoring agreement with %s. To change it: "+Cmd("mentor change")+" <@%s>", name, mentee.UserID)
		}
		if a.Status == AgreementProposed {
			return Errorf(EConflict, "A mentoring agreement with %s is already waiting to be confirmed. "+Cmd("mentor end")+" <@%s> withdraws it.", name, mentee.UserID)
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
			return Errorf(EConflict, "%s already has a mentoring agreement (or one waiting to be confirmed) with another House Mentor. One of them can end it with "+Cmd("mentor end")+" first.", name)
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
		return Response{}, Errorf(EInvalid, "That form is no longer valid.")
	}
	terms, errs := parseTerms(vals)
	if errs != nil {
		f := mentorForm("mentor:" + strings.Join(parts, ":")).Prefill(vals)
		return Response{FieldErrors: errs, Reopen: &f}, nil
	}
	terms.HouseID, terms.Status, terms.ProposedBy, terms.CreatedAt = r.House.ID, AgreementProposed, me.ID, r.Now
	var old *Agreement
	switch parts[0] {
	case "new":
		if !r.Role.Has(Staff) {
			return Response{}, refusal("set up a mentoring agreement", Staff)
		}
		mentee, err := r.mentoring().MemberByID(r.Ctx, id)
		if err != nil || mentee.HouseID != r.House.ID || !mentee.Active() || mentee.ID == me.ID {
			return Response{}, Errorf(ENotFound, "That resident isn't part of %s's check-ins any more, so nothing was saved.", r.House.Name)
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
			return Response{}, Errorf(EConflict, "That agreement isn't in force, so there's nothing to change. %s shows yours.", Cmd("mentor list"))
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
		return Response{}, Errorf(EInvalid, "That form is no longer valid.")
	}
	if err := r.mentoring().CreateAgreement(r.Ctx, terms); errors.Is(err, ErrDuplicate) {
		return Response{}, Errorf(EConflict, "Another mentoring agreement for this resident is waiting to be confirmed, so nothing was saved. %s shows yours.", Cmd("mentor list"))
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
	resp := Reply("I've sent the agreement to %s to confirm: %s. It starts once they agree.", who, termsLine(terms))
	if old != nil {
		resp = Reply("I've sent the change to %s to confirm. Until they do, your current agreement stays as it is.", who)
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
	return nil, Errorf(ENotFound, "That mentoring agreement isn't yours or has ended. %s shows yours.", Cmd("mentor list"))
}

// sendProposal sends the other side the terms, with the boundaries (they
// are one of the two), and buttons to agree or not.
func (b *Bot) sendProposal(r *Request, a *Agreement, old *Agreement) error {
	from, err := nameOf(r, a.ProposedBy)
	if err != nil {
		return err
	}
	head := fmt.Sprintf("🤝 %s, a House Mentor, would like to agree on mentoring with you:", from)
	switch {
	case old != nil:
		head = fmt.Sprintf("🤝 %s suggests a change to your mentoring agreement. Until you agree, the current one stays as it is:", from)
	case a.ProposedBy == a.MenteeID:
		head = fmt.Sprintf("🤝 %s would like to agree on mentoring with you:", from)
	}
	text := strings.Join([]string{head, "• " + termsLine(a), "• " + boundariesLine(a),
		"Only the two of you can see this. I'll remind you both before each time, and ask afterwards how it went."}, "\n")
	return dmSide(r, a.Other(a.ProposedBy), a.ProposedBy, Message{Text: text, Choices: []Choice{
		{ID: fmt.Sprintf("mentor:confirm:%d", a.ID), Label: "I agree", Style: StylePrimary},
		{ID: fmt.Sprintf("mentor:decline:%d", a.ID), Label: "Not now"},
	}})
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
			return Response{}, Errorf(EForbidden, "That button isn't for you.")
		}
		if a.Status != AgreementProposed {
			if a.Status == AgreementActive {
				return Reply("You've already agreed to this one. %s shows it.", Cmd("mentor list")), nil
			}
			return Reply("This proposal is no longer open. %s shows your agreements.", Cmd("mentor list")), nil
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
			return Reply("The agreement this would change has ended, so there's nothing to change. %s shows your agreements.", Cmd("mentor list")), nil
		}
		old.Status, old.EndedAt, old.EndReason, old.NextContact = AgreementEnded, r.Now, "changed", time.Time{}
		if err := r.mentoring().UpdateAgreement(r.Ctx, old); err != nil {
			return Response{}, err
		}
	}
	a.Status, a.AgreedAt = AgreementActive, r.Now
	a.NextContact = firstContact(a, r.Now, r.House.Location)
	if err := r.mentoring().UpdateAgreement(r.Ctx, a); errors.Is(err, ErrDuplicate) {
		return Response{}, Errorf(EConflict, "There's already a mentoring agreement in force for this resident, so this one can't start. %s ends the current one first.", Cmd("mentor end"))
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
	first := FormatTime(a.NextContact, r.House.Location)
	if err := dmSide(r, a.ProposedBy, a.Other(a.ProposedBy), Message{Text: fmt.Sprintf("🤝 %s agreed: %s. The first is %s. I'll remind you both %s before.",
		who, termsLine(a), first, humanDuration(contactRemindBefore))}); err != nil {
		return Response{}, err
	}
	r.Log.Info("mentoring agreement confirmed", "agreement", a.ID)
	return Reply("You're set with %s: %s. The first is %s. I'll remind you both %s before, and ask afterwards how it went. 💚",
		other, termsLine(a), first, humanDuration(contactRemindBefore)), nil
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
	text := fmt.Sprintf("%s would rather not agree to that for now. That's okay — maybe talk it over in person, and set it up again when it feels right.", who)
	if a.Replaces != 0 {
		text = fmt.Sprintf("%s would rather keep your mentoring agreement as it is for now. That's okay — maybe talk it over in person.", who)
	}
	if err := dmSide(r, a.ProposedBy, a.Other(a.ProposedBy), Message{Text: text}); err != nil {
		return Response{}, err
	}
	return Reply("No problem — I've let %s know. You can talk it over and set it up again any time.", other), nil
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
			return nil, nil, Errorf(ENotFound, "You don't have a mentoring agreement with <@%s>. "+Cmd("mentor list")+" shows yours.", userID)
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
		return nil, nil, Errorf(ENotFound, "You don't have a mentoring agreement with <@%s>. "+Cmd("mentor list")+" shows yours.", r.Args.String("person"))
	case len(out) == 0:
		return nil, nil, Errorf(ENotFound, "You don't have a mentoring agreement right now.")
	case len(sides) > 1:
		return nil, nil, Errorf(EInvalid, "You have agreements with several people; say which: %s", usage)
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
			return b.openForm(r, mentorForm(fmt.Sprintf("mentor:change:%d", a.ID)), termValues(a))
		}
	}
	return Response{}, Errorf(EConflict, "That agreement is still waiting to be confirmed, so there's nothing to change yet. %s withdraws it.", Cmd("mentor end"))
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
	text := fmt.Sprintf("%s withdrew the mentoring agreement that was waiting for your answer. No need to do anything.", self)
	if wasActive {
		text = fmt.Sprintf("%s has ended your mentoring agreement. Thank you for the time you both gave it. 💚", self)
		if otherID == as[0].MenteeID {
			text += " A House Mentor can set up a new one with you any time, and " + Cmd("resources") + " is always there."
		}
	}
	if err := dmSide(r, otherID, me.ID, Message{Text: text}); err != nil {
		return Response{}, err
	}
	if wasActive {
		return Reply("Your mentoring agreement with %s has ended; I've let them know. Thank you for the time you gave it.", who), nil
	}
	return Reply("Withdrawn: the agreement with %s won't start. I've let them know.", who), nil
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
			return Reply("You don't have a mentoring agreement right now. Set one up with %s @resident.", Cmd("mentor agree")), nil
		}
		return Reply("You don't have a mentoring agreement right now. A House Mentor can set one up with you."), nil
	}
	lines := []string{"*Your mentoring agreements* (only you see this)"}
	for _, a := range as {
		ls, err := agreementLines(r, me, a)
		if err != nil {
			return Response{}, err
		}
		lines = append(lines, ls...)
	}
	return Reply("%s", strings.Join(lines, "\n")), nil
}

// agreementLines describe one agreement to one of its sides: the terms,
// the boundaries, how the recent contacts went and, for the mentor, the
// goals the resident shares.
func agreementLines(r *Request, me *Member, a *Agreement) ([]string, error) {
	other, err := nameOf(r, a.Other(me.ID))
	if err != nil {
		return nil, err
	}
	head := "• With your House Mentor " + other
	if a.MentorID == me.ID {
		head = "• With " + other + " (you're their mentor)"
	}
	if a.Status == AgreementProposed {
		waiting := "waiting for you to confirm (the buttons are in your messages)"
		if a.ProposedBy == me.ID {
			waiting = "waiting for " + other + " to confirm"
		}
		what := "proposed"
		if a.Replaces != 0 {
			what = "a change"
		}
		return []string{head + " — " + what + ", " + waiting + ": " + termsLine(a), "  " + boundariesLine(a)}, nil
	}
	lines := []string{head + ": " + termsLine(a), "  Next: " + FormatTime(a.NextContact, r.House.Location), "  " + boundariesLine(a)}
	since := r.Now.AddDate(0, 0, -7*listWeeks)
	cs, err := r.mentoring().ContactsOf(r.Ctx, a.ID, since, r.Now)
	if err != nil {
		return nil, err
	}
	lines = append(lines, "  "+contactSummary(r, cs))
	// Shared goals are for a House Mentor: someone whose role ended sees
	// none, even before their agreements are ended.
	if a.MentorID == me.ID && r.Role.Has(Staff) {
		ps, err := r.mentoring().GoalProgress(r.Ctx, a.MenteeID, me.ID, since)
		if err != nil {
			return nil, err
		}
		if len(ps) > 0 {
			lines = append(lines, "  Goals they share with you:")
			for _, p := range ps {
				lines = append(lines, "    "+goalLine(r, r.Lang(), p))
			}
		}
	}
	return lines, nil
}

// contactSummary counts how recent contacts went, naming the days missed,
// without judgement.
func contactSummary(r *Request, cs []*MentorContact) string {
	n := map[string]int{}
	var missed []string
	for _, c := range cs {
		if c.DueAt.After(r.Now) {
			continue
		}
		n[c.Outcome]++
		if c.Outcome == ContactMissed {
			missed = append(missed, r.Local(c.DueAt).Format("Mon 2 Jan"))
		}
	}
	if n[ContactHappened]+n[ContactMissed]+n[ContactRescheduled]+n[ContactPending] == 0 {
		return fmt.Sprintf("No contacts yet in the last %d weeks.", listWeeks)
	}
	parts := []string{fmt.Sprintf("%d happened", n[ContactHappened])}
	if m := n[ContactMissed]; m > 0 {
		parts = append(parts, fmt.Sprintf("%d missed (%s)", m, strings.Join(missed, ", ")))
	}
	if m := n[ContactRescheduled]; m > 0 {
		parts = append(parts, fmt.Sprintf("%d rescheduled", m))
	}
	if m := n[ContactPending]; m > 0 {
		parts = append(parts, fmt.Sprintf("%d not answered yet", m))
	}
	return fmt.Sprintf("Last %d weeks: %s.", listWeeks, strings.Join(parts, " · "))
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
	when := FormatTime(due, r.House.Location)
	for _, id := range []int64{a.MentorID, a.MenteeID} {
		other, err := nameOf(r, a.Other(id))
		if err != nil {
			return err
		}
		with := other
		if id == a.MenteeID {
			with = "your House Mentor " + other
		}
		text := fmt.Sprintf("⏰ Coming up: %s with %s, %s.", modeWords[a.Mode], with, when)
		if err := dmSide(r, id, a.Other(id), Message{Text: text}); err != nil {
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
	day := r.Local(c.DueAt).Format("Monday 15:04")
	for _, id := range []int64{a.MentorID, a.MenteeID} {
		other, err := nameOf(r, a.Other(id))
		if err != nil {
			return err
		}
		m := Message{Text: fmt.Sprintf("How did it go? Did %s with %s (%s) happen?", modeWords[a.Mode], other, day), Choices: []Choice{
			{ID: fmt.Sprintf("mentor:contact:%d:%s", c.ID, ContactHappened), Label: "Yes, we connected", Style: StylePrimary},
			{ID: fmt.Sprintf("mentor:contact:%d:%s", c.ID, ContactMissed), Label: "Not this time"},
			{ID: fmt.Sprintf("mentor:contact:%d:%s", c.ID, ContactRescheduled), Label: "We rescheduled"},
		}}
		if err := dmSide(r, id, a.Other(id), m); err != nil {
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
		return Response{}, Errorf(EForbidden, "That button isn't for you.")
	}
	first, err := r.mentoring().AnswerContact(r.Ctx, c.ID, outcome, me.ID, r.Now)
	if err != nil {
		return Response{}, err
	}
	if !first {
		if c.Outcome == ContactSkipped {
			return Reply("Thanks — that one is past, so there's nothing to note."), nil
		}
		by := "You"
		if c.AnsweredBy != 0 && c.AnsweredBy != me.ID {
			if by, err = nameOf(r, c.AnsweredBy); err != nil {
				return Response{}, err
			}
		}
		return Reply("Already noted by %s: %s. Thank you!", by, outcomeWords[c.Outcome]), nil
	}
	switch outcome {
	case ContactHappened:
		return Reply("Glad you connected. 💚 Noted."), nil
	case ContactMissed:
		return Reply("Thanks for letting me know — it happens. Maybe send a quick message to find another time? Noted."), nil
	}
	return Reply("Noted as rescheduled. If the usual time no longer works, %s updates it.", Cmd("mentor change")), nil
}

var outcomeWords = map[string]string{ContactHappened: "it happened", ContactMissed: "it didn't happen this time", ContactRescheduled: "rescheduled"}

// mentoringLeave is the leave hook: a member who left the house ends their
// agreements, and the other side is told. A pause changes nothing (a
// paused side's contacts are skipped).
func (b *Bot) mentoringLeave(r *Request, m *Member, why string) error {
	if m.Active() {
		return nil
	}
	return endAllOf(r, m, why+", so your mentoring agreement has ended.", "left", true)
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
		msg := "Your mentor in your mentoring agreement isn't a House Mentor any more, so the agreement has ended. Thank you for the time you gave it. A House Mentor can set up a new one with you any time."
		if err := dmSide(r, a.MenteeID, 0, Message{Text: msg}); err != nil {
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
	return endAllOf(r, m, "The other person in your mentoring agreement is no longer part of the house's check-ins, so your agreement has ended.", "left", false)
}

// endAllOf ends m's proposed and active agreements and tells each other
// side, kindly.
func endAllOf(r *Request, m *Member, text, reason string, named bool) error {
	as, err := r.mentoring().AgreementsFor(r.Ctx, m.ID)
	if err != nil {
		return err
	}
	for _, a := range as {
		if _, err := endAgreements(r, []*Agreement{a}, reason); err != nil {
			return err
		}
		other := a.Other(m.ID)
		msg := text
		if other == a.MenteeID {
			msg += " Thank you both for the time you gave it. A House Mentor can set up a new one with you any time."
		} else {
			msg += " Thank you for the time you gave it."
		}
		// The message names m unless m erased their data (named false):
		// then it must not, and it is not tagged with them.
		about := m.ID
		if !named {
			about = 0
		}
		if err := dmSide(r, other, about, Message{Text: msg}); err != nil {
			return err
		}
	}
	return nil
}

// redactBoundaries is the retention hook: the boundaries of agreements
// that ended before before are removed, in bounded batches.
func redactBoundaries(r *Request, before time.Time) (int, error) {
	return inBatches("redact boundaries", func() (int, error) {
		return r.mentoring().RedactBoundaries(r.Ctx, r.House.ID, before, mentoringBatch)
	})
}

// inBatches repeats a bounded redaction until it finds nothing more, and
// returns how many rows it changed in all.
func inBatches(what string, step func() (int, error)) (int, error) {
	total := 0
	for {
		n, err := step()
		if err != nil {
			return total, fmt.Errorf("%s: %w", what, err)
		}
		if n == 0 {
			return total, nil
		}
		total += n
	}
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
// side (about; 0 for a message that names nobody). The message is tagged
// with the person it names, so erasing them erases it.
func dmSide(r *Request, to, about int64, m Message) error {
	var named []string
	if about != 0 {
		who, err := r.members().MemberByID(r.Ctx, about)
		if err != nil {
			return fmt.Errorf("member %d: %w", about, err)
		}
		named = append(named, who.UserID)
	}
	return dmMember(r, to, MsgMentoring, m, named...)
}
