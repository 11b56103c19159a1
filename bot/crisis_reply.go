package bot

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/porchlight/porchlight/i18n"
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

// crisisResources are a house's crisis resources, one per line.
type crisisResources []string

// defaultResourceIDs are the US default resources (PLATFORMS.md), one
// catalogue message a line: each language gives its own words and, in
// Spanish, the Spanish-speaking options of each line first.
var defaultResourceIDs = []string{
	i18n.ID("crisis.resource.lifeline"),
	i18n.ID("crisis.resource.samhsa"),
	i18n.ID("crisis.resource.text_line"),
	i18n.ID("crisis.resource.emergency"),
	i18n.ID("crisis.resource.elsewhere"),
}

// DefaultCrisisResources returns the US resources from PLATFORMS.md in
// English, as the config lists them by default; each house may override
// them in config.
func DefaultCrisisResources() []string { return defaultResourcesIn(SourceLang()) }

// defaultResourcesIn is the default list in l.
func defaultResourcesIn(l Lang) crisisResources {
	out := make(crisisResources, len(defaultResourceIDs))
	for i, id := range defaultResourceIDs {
		out[i] = l.T(id)
	}
	return out
}

// resourcesOf returns the house's crisis resources for a reader of l: the
// house's own lines as its config lists them (an operator who serves
// Spanish speakers lists the lines that speak Spanish), or, when it lists
// none of its own (or there is no house), the US defaults in l. Every
// message that names help uses it, so a house outside the US never sees a
// US number.
func resourcesOf(h *House, l Lang) crisisResources {
	if h != nil && len(h.Crisis.Resources) > 0 && !slices.Equal(h.Crisis.Resources, DefaultCrisisResources()) {
		return h.Crisis.Resources
	}
	return defaultResourcesIn(l)
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
// alert, in the reader's l: the house's own emergency help, never a
// hard-coded number.
func inDanger(h *House, l Lang) string {
	return l.T("crisis.in_danger", "Resources", resourcesOf(h, l).Line())
}

// notMonitored states the bot's limits with the house's resources, as the
// consent text, the welcome and /resources do.
func notMonitored(h *House, l Lang) string {
	return l.T("crisis.not_monitored", "Resources", resourcesOf(h, l).Line())
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
	if r.bot != nil {
		r.bot.txScreens.Add(1)
	}
	if r.screened == nil {
		r.screened = map[screenKey]Concern{}
	}
	r.screened[k] = c
	return c
}

// preScreen screens the texts of ev that the core screens (eventTexts),
// before its transaction, for the request's cache (screenWith): screening
// is most of an answer's CPU, and inside the transaction it holds the
// writer and, with group commit, runs one event after another. The
// screener depends on the house (its own phrases), which the config alone
// names for most events (configHouse); otherwise the texts are screened
// with each screener the event's house may have: those of the houses on
// its platform and the one for text with no house (houses without
// phrases of their own share it). A text the transaction screens with
// another screener, or another text, is screened there as before, so
// what is found never depends on this.
func (b *Bot) preScreen(ev Event) map[screenKey]Concern {
	h, onPlatform := b.configHouse(ev)
	texts := eventTexts(ev, b.formTextFields(ev, h))
	if len(texts) == 0 {
		return nil
	}
	var screeners []*Screener
	if h != nil {
		screeners = []*Screener{b.screenerFor(h)}
	} else {
		screeners = []*Screener{b.screener}
		for _, h := range onPlatform {
			if s := b.screenerFor(h); !slices.Contains(screeners, s) {
				screeners = append(screeners, s)
			}
		}
	}
	out := make(map[screenKey]Concern, len(texts)*len(screeners))
	for _, s := range screeners {
		for _, t := range texts {
			out[screenKey{s, t}] = s.Screen(t)
		}
	}
	return out
}

// TxScreens counts the texts the core screened inside a transaction, with
// the writer held, since it was built: those preScreen did not foresee,
// such as an edited answer's earlier words when they changed. The ingest
// benchmark reports it; for a new answer, a command, a DM or a thread
// reply it stays at zero.
func (b *Bot) TxScreens() int64 { return b.txScreens.Load() }

// eventTexts are the texts of ev the core screens: a command's text and
// options (commandSaid), a DM's or a thread reply's text, a form's values
// as submitted and as a text field keeps them (trimmed), and the value of
// a button that answers a form's question in a DM. Blank texts are never
// screened (concern). textFields, when not nil, are the ids of the form's
// free-text fields (formTextFields): only their values are screened, the
// only ones the transaction screens.
func eventTexts(ev Event, textFields map[string]bool) []string {
	var texts []string
	add := func(t string) {
		if strings.TrimSpace(t) != "" && !slices.Contains(texts, t) {
			texts = append(texts, t)
		}
	}
	switch {
	case ev.Kind == EventCommand && ev.Command != nil:
		add(commandSaid(ev.Command))
	case ev.Kind == EventDM || ev.Kind == EventReply:
		add(ev.Text)
	case ev.Kind == EventForm && ev.Form != nil:
		for k, v := range ev.Form.Values {
			if textFields == nil || textFields[k] {
				add(v)
				add(strings.TrimSpace(v))
			}
		}
	case ev.Kind == EventAction && ev.Action != nil && ev.Action.ID == "form:answer":
		add(ev.Action.Value)
	}
	return texts
}

// formTextFields are the ids of the free-text fields of the form ev
// submits, as the config alone gives them for house h (the house
// configHouse named), or nil when it does not: another form, or no house.
// A form's choices, scales and yes/no answers are never screened
// (textValues), and screening each costs as much as a short text. Were
// the event's house another, its text fields are screened in the
// transaction as before.
func (b *Bot) formTextFields(ev Event, h *House) map[string]bool {
	if h == nil || ev.Kind != EventForm || ev.Form == nil {
		return nil
	}
	prefix, _ := splitID(ev.Form.ID)
	route, ok := b.forms[prefix]
	if !ok || route.fields == nil {
		return nil
	}
	ids := map[string]bool{}
	for _, f := range route.fields(h) {
		if f.Kind == KindText {
			ids[f.ID] = true
		}
	}
	return ids
}

// commandSaid is the text a command addresses to the bot: its raw text
// and its options' values, one a line, in the order of the options'
// names.
func commandSaid(in *CommandInput) string {
	said := []string{in.Raw}
	for _, k := range slices.Sorted(maps.Keys(in.Options)) {
		said = append(said, in.Options[k])
	}
	return strings.Join(said, "\n")
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

// crisisMentorsKnow is said instead of a second alert while the first is
// open.
const crisisMentorsKnow = "crisis.mentors_know"

// dangerReply gives the house's resources at once and offers a person from
// the house, or, where the house always alerts, brings one in.
func (b *Bot) dangerReply(r *Request) ([]Message, error) {
	l := r.Lang()
	msgs := []Message{{Text: l.T("crisis.danger", "Resources", resourcesOf(r.House, l).List())}}
	if r.House == nil {
		return msgs, nil // no house whose people could be asked
	}
	if r.House.Crisis.AlertAlways {
		sent, err := b.alertMentors(r, AlertAuto)
		if err != nil {
			return nil, err
		}
		text := l.T(crisisMentorsKnow)
		if sent {
			text = l.T("crisis.danger.alerted")
		}
		return append(msgs, Message{Text: text}), nil
	}
	switch _, err := b.openAlert(r, AlertDanger); {
	case err == nil:
		return append(msgs, Message{Text: l.T(crisisMentorsKnow)}), nil
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	return append(msgs, Message{
		Text: l.T("crisis.danger.ask"),
		Choices: []Choice{
			{ID: crisisID("alert", r.House), Label: l.T("crisis.yes.button"), Style: StylePrimary},
			{ID: "crisis:no", Label: l.T("crisis.not_now.button")},
		},
	}), nil
}

// relapseReply meets a relapse or a craving with warmth and the offer of a
// person: a House Mentor, or the accountability partner when there is one.
// It names no emergency help and tells nobody anything until the resident
// says yes, whatever the house's alert setting.
func (b *Bot) relapseReply(r *Request) ([]Message, error) {
	l := r.Lang()
	thanks := l.T("crisis.relapse.thanks")
	if r.House == nil {
		return []Message{{Text: thanks + " " + l.T("crisis.relapse.reach_out")}}, nil
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
	if !open {
		choices = append(choices, Choice{ID: crisisID("mentor", r.House), Label: l.T("crisis.mentor.button"), Style: StylePrimary})
	} else {
		thanks += " " + l.T(crisisMentorsKnow)
	}
	if partner != "" {
		choices = append(choices, Choice{ID: crisisID("partner", r.House), Label: l.T("crisis.partner.button")})
	}
	var ask string
	switch {
	case !open && partner != "":
		ask = l.T("crisis.relapse.ask_both", "Partner", partner)
	case !open:
		ask = l.T("crisis.relapse.ask_mentor")
	case partner != "":
		ask = l.T("crisis.relapse.ask_partner", "Partner", partner)
	default:
		return []Message{{Text: thanks}}, nil
	}
	choices = append(choices, Choice{ID: "crisis:later", Label: l.T("crisis.not_now.button")})
	return []Message{{Text: thanks}, {Text: ask, Choices: choices}}, nil
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
	who, _, err := names(r, r.Lang(), others(p, r.Member.ID))
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
		Run:         func(r *Request) (Response, error) { return resourcesReplyIn(r.House, r.Lang()), nil },
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
	l := r.Lang()
	switch what {
	case "resources":
		return resourcesReplyIn(r.House, l), nil
	case "alert":
		sent, err := b.alertMentors(r, AlertDanger)
		if err != nil {
			return Response{}, err
		}
		if !sent {
			return r.Say("crisis.alert.already", "Resources", resourcesOf(r.House, l).Line()), nil
		}
		return r.Say("crisis.alert.asked", "Resources", resourcesOf(r.House, l).Line()), nil
	case "mentor":
		sent, err := b.alertMentors(r, AlertReachOut)
		if err != nil {
			return Response{}, err
		}
		if !sent {
			return r.Say(crisisMentorsKnow), nil
		}
		return r.Say("crisis.mentor.asked"), nil
	case "partner":
		return b.tellPartner(r)
	case "later":
		return r.Say("crisis.later"), nil
	}
	return r.Say("crisis.no"), nil
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
		l := r.Lang()
		return Response{Messages: []Message{{
			Text:    l.T("crisis.partner.none"),
			Choices: []Choice{{ID: crisisID("mentor", r.House), Label: l.T("crisis.mentor.button"), Style: StylePrimary}, {ID: "crisis:later", Label: l.T("crisis.not_now.button")}},
		}}}, nil
	}
	if err != nil {
		return Response{}, fmt.Errorf("pair of: %w", err)
	}
	if err := b.notifyPartner(r, r.Member, p, "support"); err != nil {
		return Response{}, err
	}
	who, _, err := names(r, r.Lang(), others(p, r.Member.ID))
	if err != nil {
		return Response{}, err
	}
	r.Log.Info("partner told of a support request", "member", r.Member.ID, "pair", p.ID)
	return r.Say("crisis.partner.told", "Partner", who), nil
}

// resourcesReplyIn lists the house's crisis resources (the defaults when
// the house has none, or there is no house) in l.
func resourcesReplyIn(h *House, l Lang) Response {
	return Response{Messages: []Message{{Text: l.T("crisis.resources", "Resources", resourcesOf(h, l).List())}}}
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
		out.Messages = []Message{{Text: r.Lang().T("crisis.sent_privately")}}
	}
	return out, nil
}
