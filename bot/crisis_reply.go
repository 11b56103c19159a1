package bot

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The crisis replies. Every place that reads text addressed to the bot (a
// command's text, a DM, a reply in a check-in thread, each line of a DM
// check-in, any submitted form) screens it with concern and answers
// a concern with concernReply, so a resident gets the same words and the
// same buttons whichever way they wrote:
//
//   - danger: the house's resources at once, then "Would you like someone
//     from the house to reach out?" (or, with alert = "always", the alert
//     itself, as the consent text said);
//   - relapse or craving: warmth and the offer of a House Mentor or the
//     accountability partner, with no emergency numbers, and never an
//     alert without the resident's yes.
//
// Only text addressed to the bot is screened, never the group chat. The bot
// refers and connects; it never counsels, diagnoses or contacts emergency
// services itself. Logs carry the level, never the words.

// crisisResources are a house's crisis resources, one per line as the
// house's config lists them.
type crisisResources []string

// resourcesOf returns the house's own resources, or the US defaults when
// it lists none (or there is no house). Every message that names help uses
// it, so a house outside the US never sees a US number.
func resourcesOf(h *House) crisisResources {
	if h != nil && len(h.Crisis.Resources) > 0 {
		return h.Crisis.Resources
	}
	return DefaultCrisisResources()
}

// List renders the resources one per line, as bullets.
func (rs crisisResources) List() string {
	lines := make([]string, len(rs))
	for i, l := range rs {
		lines[i] = "• " + strings.TrimSpace(l)
	}
	return strings.Join(lines, "\n")
}

// Line renders the resources on one line, for a message where a list would
// be too much: "Samaritans: call 116 123; Emergencies: 999."
func (rs crisisResources) Line() string {
	items := make([]string, 0, len(rs))
	for _, l := range rs {
		if l = strings.TrimRight(strings.TrimSpace(l), ".;"); l != "" {
			items = append(items, l)
		}
	}
	return strings.Join(items, "; ") + "."
}

// inDanger is the sentence that ends messages to staff about an urgent
// alert: the house's own emergency help, never a hard-coded number.
func inDanger(h *House) string {
	return "If you think they are in immediate danger: " + resourcesOf(h).Line()
}

// notMonitored states the bot's limits with the house's resources, as the
// consent text, the welcome and /resources do.
func notMonitored(h *House) string {
	return "This bot is not monitored around the clock. If you are in danger: " + resourcesOf(h).Line()
}

// concern returns the highest level of concern the screener of the
// request's house finds in texts.
func (b *Bot) concern(r *Request, texts ...string) Concern {
	s := b.screenerFor(r.House)
	level := ConcernNone
	for _, t := range texts {
		if strings.TrimSpace(t) == "" {
			continue
		}
		if c := r.screenWith(s, t); c > level {
			level = c
		}
	}
	return level
}

// screenKey names one screening: a screener and a text.
type screenKey struct {
	s    *Screener
	text string
}

// screenWith returns the level of concern s finds in text, screening each
// text once per request: an answer's words are screened when the form is
// submitted, when it is saved and, for an edit, once more as the earlier
// answer, and screening is most of an answer's CPU, all of it spent while
// the writer is held.
func (r *Request) screenWith(s *Screener, text string) Concern {
	k := screenKey{s, text}
	if c, ok := r.screened[k]; ok {
		return c
	}
	c := s.Screen(text)
	if r.screened == nil {
		r.screened = map[screenKey]Concern{}
	}
	r.screened[k] = c
	return c
}

// screen checks text addressed to the bot and returns its level of
// concern with, when there is one, the private reply for that level.
func (b *Bot) screen(r *Request, text string) (Response, Concern, error) {
	level := b.concern(r, text)
	if level == ConcernNone {
		return Response{}, level, nil
	}
	msgs, err := b.concernReply(r, level)
	return Response{Messages: msgs}, level, err
}

// concernReply is the private reply to words of concern from the caller.
// With alert = "always" a danger reply alerts the House Mentors in the
// request's transaction; nothing else is sent to anyone.
func (b *Bot) concernReply(r *Request, level Concern) ([]Message, error) {
	r.Log.Warn("screening found a concern; replying privately", "level", level.String())
	r.replied = max(r.replied, level)
	switch level {
	case ConcernDanger:
		return b.dangerReply(r)
	case ConcernRelapse:
		return b.relapseReply(r)
	}
	return nil, nil
}

// mentorsKnow is said instead of a second alert while the first is open.
const mentorsKnow = "Your House Mentors already know, and someone will reach out to you soon."

// dangerReply gives the house's resources at once and offers a person from
// the house, or, where the house always alerts, brings one in.
func (b *Bot) dangerReply(r *Request) ([]Message, error) {
	msgs := []Message{{Text: strings.Join([]string{
		"I'm really glad you told me. You deserve support right now.",
		"I'm a bot and not monitored around the clock. If you are in danger, please reach out now:",
		resourcesOf(r.House).List(),
		"People in your house care about you.",
	}, "\n")}}
	if r.House == nil {
		return msgs, nil // no house whose people could be asked
	}
	if r.House.Crisis.AlertAlways {
		sent, err := b.alertMentors(r, AlertAuto)
		if err != nil {
			return nil, err
		}
		text := mentorsKnow
		if sent {
			text = "As this house's consent text says, I've let your House Mentors know, so someone can reach out to you."
		}
		return append(msgs, Message{Text: text}), nil
	}
	switch _, err := b.openAlert(r, AlertDanger); {
	case err == nil:
		return append(msgs, Message{Text: mentorsKnow}), nil
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	return append(msgs, Message{
		Text: "Would you like someone from the house to reach out?",
		Choices: []Choice{
			{ID: crisisID("alert", r.House), Label: "Yes, please", Style: StylePrimary},
			{ID: "crisis:no", Label: "Not right now"},
		},
	}), nil
}

// relapseReply meets a relapse or a craving with warmth and the offer of a
// person: a House Mentor, or the accountability partner when there is one.
// It names no emergency help and tells nobody anything until the resident
// says yes, whatever the house's alert setting.
func (b *Bot) relapseReply(r *Request) ([]Message, error) {
	thanks := "Thank you for telling me. That takes courage, and you don't have to carry it alone."
	if r.House == nil {
		return []Message{{Text: thanks + " A House Mentor or your accountability partner would be glad to hear from you."}}, nil
	}
	_, err := b.openAlert(r, AlertReachOut)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	open := err == nil
	partner, err := b.partnerOf(r)
	if err != nil {
		return nil, err
	}
	var choices []Choice
	var ask []string
	if !open {
		choices = append(choices, Choice{ID: crisisID("mentor", r.House), Label: "A House Mentor, please", Style: StylePrimary})
		ask = append(ask, "a House Mentor to reach out")
	} else {
		thanks += " " + mentorsKnow
	}
	if partner != "" {
		choices = append(choices, Choice{ID: crisisID("partner", r.House), Label: "Let my partner know"})
		ask = append(ask, fmt.Sprintf("your accountability partner %s to know you could use some support", partner))
	}
	if len(choices) == 0 {
		return []Message{{Text: thanks}}, nil
	}
	choices = append(choices, Choice{ID: "crisis:later", Label: "Not right now"})
	return []Message{{Text: thanks}, {
		Text:    fmt.Sprintf("Would you like %s? Nobody is told anything unless you choose.", strings.Join(ask, ", or ")),
		Choices: choices,
	}}, nil
}

// partnerOf names the caller's accountability partners, "" when they have
// none (or are not an active member).
func (b *Bot) partnerOf(r *Request) (string, error) {
	if r.Member == nil || !r.Member.Active() {
		return "", nil
	}
	p, err := r.supportPartners().PairOf(r.Ctx, r.Member.ID)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("pair of: %w", err)
	}
	who, _, err := names(r, others(p, r.Member.ID))
	return who, err
}

// crisisID is the id of a crisis button, with the house it was offered in,
// so that a resident of two houses is answered in the right one.
func crisisID(what string, h *House) string {
	return fmt.Sprintf("crisis:%s:%d", what, h.ID)
}

// registerCrisis registers /resources and the crisis buttons.
func (b *Bot) registerCrisis() {
	b.reg.Add(&Command{
		Name:        "resources",
		Description: "cmd.resources.desc",
		Roles:       Anyone,
		NoHouse:     true,
		Run:         func(r *Request) (Response, error) { return resourcesReply(r.House), nil },
	})
	b.route("crisisack", actionRoute{roles: Staff, house: b.alertHouse, run: b.actCrisisAck})
	b.route("crisis", actionRoute{roles: Anyone, house: b.crisisHouse, run: b.actCrisis})
}

// crisisHouse is the house a crisis button was offered in, when the
// presser belongs to it; otherwise the presser's usual house stays. (The
// alert is always about the presser: the id only says where.)
func (b *Bot) crisisHouse(r *Request, parts []string) (*House, error) {
	if len(parts) != 2 {
		return nil, ErrNotFound // "crisis:no", and buttons from before houses were named
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return nil, ErrNotFound
	}
	h, err := b.houseOn(r, id)
	if err != nil {
		return nil, err
	}
	if role, err := b.roleIn(r, h); err != nil || role == RoleGuest {
		return nil, cmp.Or(err, ErrNotFound)
	}
	return h, nil
}

// actCrisis handles the answers to the crisis offers.
func (b *Bot) actCrisis(r *Request, parts []string) (Response, error) {
	what := ""
	if len(parts) > 0 {
		what = parts[0]
	}
	switch what {
	case "resources":
		return resourcesReply(r.House), nil
	case "alert":
		sent, err := b.alertMentors(r, AlertDanger)
		if err != nil {
			return Response{}, err
		}
		if !sent {
			return Reply("%s If things get worse before then: %s", mentorsKnow, resourcesOf(r.House).Line()), nil
		}
		return Reply("I've asked your House Mentors to reach out. If things get worse before they do: %s", resourcesOf(r.House).Line()), nil
	case "mentor":
		sent, err := b.alertMentors(r, AlertReachOut)
		if err != nil {
			return Response{}, err
		}
		if !sent {
			return Reply("%s", mentorsKnow), nil
		}
		return Reply("I've asked your House Mentors to reach out. I only told them you'd like someone to reach out, nothing you wrote."), nil
	case "partner":
		return b.tellPartner(r)
	case "later":
		return Reply("Okay, nobody has been told. If you change your mind, tell me any time, or reach out to your House Mentor or your partner directly."), nil
	}
	return Reply("Okay. The resources are there whenever you need them: %s shows them again.", Cmd("resources")), nil
}

// tellPartner sends the caller's partner the usual support ping, which
// never holds what anyone wrote. It is the resident's own request, so it
// goes even if they turned automatic pings about them off.
func (b *Bot) tellPartner(r *Request) (Response, error) {
	if r.Member == nil || !r.Member.Active() {
		return Response{}, errNotJoined
	}
	p, err := r.supportPartners().PairOf(r.Ctx, r.Member.ID)
	if errors.Is(err, ErrNotFound) {
		return Response{Messages: []Message{{
			Text:    "You don't have an accountability partner right now. Would you like a House Mentor to reach out instead?",
			Choices: []Choice{{ID: crisisID("mentor", r.House), Label: "A House Mentor, please", Style: StylePrimary}, {ID: "crisis:later", Label: "Not right now"}},
		}}}, nil
	}
	if err != nil {
		return Response{}, fmt.Errorf("pair of: %w", err)
	}
	if err := b.notifyPartner(r, r.Member, p, "support"); err != nil {
		return Response{}, err
	}
	who, _, err := names(r, others(p, r.Member.ID))
	if err != nil {
		return Response{}, err
	}
	r.Log.Info("partner told of a support request", "member", r.Member.ID, "pair", p.ID)
	return Reply("I've let %s know you'd like them to reach out. They only hear that you asked, never what you wrote.", who), nil
}

// resourcesReply lists the house's crisis resources (the defaults when the
// house has none, or there is no house).
func resourcesReply(h *House) Response {
	return Reply("%s", strings.Join([]string{
		"*Support you can reach any time*",
		resourcesOf(h).List(),
		"This bot is not monitored around the clock. If you are in danger, please reach out to one of these now.",
	}, "\n"))
}

// throughOutbox sends a response that answers words of concern as direct
// messages through the outbox, in order and in the event's transaction: a
// platform error cannot lose it, because the sender retries until it is
// delivered, and the sender is woken as the transaction commits. A DM or a
// thread reply needs no other answer; an interaction (a command, a form, a
// button) still gets a short private one of its own, and keeps its form.
func (b *Bot) throughOutbox(r *Request, resp Response) (Response, error) {
	for i, m := range resp.Messages {
		om := &OutboxMessage{Platform: r.Event.Platform, Out: Outgoing{Target: Target{Kind: TargetDM, User: r.Event.User.ID}, Message: m}}
		if r.Event.ID != "" {
			om.Key = fmt.Sprintf("reply:%s:%s:%d", r.Event.Platform, r.Event.ID, i)
		}
		if _, err := r.Enqueue(om); err != nil {
			return Response{}, err
		}
	}
	out := Response{Form: resp.Form, FieldErrors: resp.FieldErrors, Reopen: resp.Reopen}
	if r.Event.Kind != EventDM && r.Event.Kind != EventReply && len(resp.Messages) > 0 {
		out.Messages = []Message{{Text: "I've sent you a private message."}}
	}
	return out, nil
}
