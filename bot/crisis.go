package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The crisis feature screens only text addressed to the bot (check-in
// answers, DMs, thread replies to its prompts), never the group chat. On a
// match the resident gets resources at once, privately, and is asked whether
// a House Mentor should reach out. Nothing is posted to the group, nothing
// is logged but the fact that screening matched, and the bot never contacts
// emergency services itself.

// normalizeForScreening lowercases text, folds curly apostrophes and quotes,
// and turns every run of non-letters into one space, so that phrases match
// on word boundaries.
func normalizeForScreening(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(' ')
	space := true
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '’' || r == '‘' || r == '\'' || r == '`' || r == 'ʼ':
			continue // "don't" and "dont" read the same
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

// CrisisMatch reports whether text contains a crisis phrase. It is exported
// for the phrase-list tests and fuzzing.
func CrisisMatch(text string) bool {
	n := normalizeForScreening(text)
	if n == " " {
		return false
	}
	for _, p := range crisisExceptions {
		n = strings.ReplaceAll(n, " "+p+" ", " ")
	}
	for _, p := range crisisPhrases {
		if strings.Contains(n, " "+p+" ") {
			return true
		}
	}
	return false
}

// screen checks text addressed to the bot. On a match it returns the
// private crisis response and hit = true.
func (b *Bot) screen(r *Request, text string) (Response, bool, error) {
	if !CrisisMatch(text) {
		return Response{}, false, nil
	}
	r.Log.Warn("crisis screening matched; resources sent privately")
	resources := DefaultCrisisResources()
	if r.House != nil && len(r.House.Crisis.Resources) > 0 {
		resources = r.House.Crisis.Resources
	}
	lines := []string{"I'm really glad you told me. You deserve support right now.", "If you are in danger, please call 911 or 988 now.", "*People you can reach any time:*"}
	for _, l := range resources {
		lines = append(lines, "• "+l)
	}
	lines = append(lines, "I'm a bot and not monitored around the clock, but people in your house care.")
	resp := Response{Messages: []Message{{Text: strings.Join(lines, "\n")}}}
	if r.House == nil {
		return resp, true, nil
	}
	if r.House.Crisis.AlertAlways {
		if err := b.alertMentors(r); err != nil {
			return Response{}, true, err
		}
		resp.Messages = append(resp.Messages, Message{Text: "As this house's consent text says, I've let your House Mentors know so someone can reach out."})
		return resp, true, nil
	}
	resp.Messages = append(resp.Messages, Message{
		Text: "Would you like your House Mentor to reach out now?",
		Choices: []Choice{
			{ID: "crisis:alert", Label: "Yes, please", Style: StylePrimary},
			{ID: "crisis:no", Label: "Not right now"},
		},
	})
	return resp, true, nil
}

// registerCrisis registers /resources and the consent buttons.
func (b *Bot) registerCrisis() {
	b.reg.Add(&Command{
		Name:        "resources",
		Description: "Crisis lines and support resources (only you see them)",
		Roles:       Anyone,
		NoHouse:     true,
		Run:         func(r *Request) (Response, error) { return resourcesReply(r.House), nil },
	})
	b.route("crisisack", actionRoute{roles: Staff, house: b.alertHouse, run: b.actCrisisAck})
	b.action("crisis", Anyone, func(r *Request, parts []string) (Response, error) {
		if len(parts) == 1 && parts[0] == "resources" {
			return resourcesReply(r.House), nil
		}
		if len(parts) == 1 && parts[0] == "alert" {
			if err := b.alertMentors(r); err != nil {
				return Response{}, err
			}
			return Reply("I've asked your House Mentors to reach out. If things get worse before they do, call or text 988, or 911 in an emergency."), nil
		}
		return Reply("Okay. The resources are there whenever you need them — /resources shows them again."), nil
	})
}

// resourcesReply lists the house's crisis resources (the defaults when the
// house has none, or there is no house).
func resourcesReply(h *House) Response {
	resources := DefaultCrisisResources()
	if h != nil && len(h.Crisis.Resources) > 0 {
		resources = h.Crisis.Resources
	}
	lines := []string{"*Support you can reach any time*"}
	for _, l := range resources {
		lines = append(lines, "• "+l)
	}
	lines = append(lines, "This bot is not monitored around the clock. If you are in danger, call 911 or 988.")
	return Reply("%s", strings.Join(lines, "\n"))
}

// alertMentors asks every mentor of the house, privately, to reach out to
// the caller, with an "I'm on it" button. It names the resident and never
// quotes what they wrote. An alert nobody acknowledges within the house's
// escalate_after goes to the operators (escalateAlerts); with no mentor at
// all it goes to them at once.
func (b *Bot) alertMentors(r *Request) error {
	mentors, err := r.Mentors()
	if err != nil {
		return err
	}
	name := displayName(r.Event.User)
	if r.Member != nil && r.Member.Name != "" {
		name = r.Member.Name
	}
	a := &CrisisAlert{HouseID: r.House.ID, UserID: r.Event.User.ID, Name: name, CreatedAt: r.Now}
	if err := r.Tx.CreateCrisisAlert(r.Ctx, a); err != nil {
		return fmt.Errorf("crisis alert: %w", err)
	}
	sent := 0
	for _, id := range mentors {
		if id == a.UserID {
			continue
		}
		text := fmt.Sprintf("🚨 *%s* asked for support and would like a House Mentor to reach out now. Please contact them directly, and press *I'm on it* so the others know. If you think they are in immediate danger, call 911.", name)
		if _, err := r.DM(id, Message{Text: text, Choices: []Choice{ackChoice(a)}}); err != nil {
			return err
		}
		sent++
	}
	r.Log.Warn("crisis alert sent to mentors", "alert", a.ID, "mentors", sent)
	if sent == 0 {
		return b.escalate(r, a, "The house has no House Mentor to alert")
	}
	return nil
}

func ackChoice(a *CrisisAlert) Choice {
	return Choice{ID: fmt.Sprintf("crisisack:%d", a.ID), Label: "I'm on it", Style: StylePrimary}
}

// alertHouse routes an "I'm on it" to the alert's own house, whatever house
// the presser would otherwise be placed in: a House Mentor or operator of
// several houses acknowledges each house's alerts. Dispatch then loads the
// presser's role in that house; the id grants nothing by itself.
func (b *Bot) alertHouse(r *Request, parts []string) (*House, error) {
	if len(parts) != 1 {
		return nil, nil
	}
	id, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return nil, nil
	}
	a, err := r.Tx.CrisisAlertByID(r.Ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load alert: %w", err)
	}
	if h := b.houseByID(a.HouseID); h != nil && h.Platform == r.Event.Platform {
		return h, nil
	}
	return nil, nil
}

// actCrisisAck records the first "I'm on it", tells the resident someone is
// coming and the other staff that it is handled. A later press says who
// took it, and when.
func (b *Bot) actCrisisAck(r *Request, parts []string) (Response, error) {
	if len(parts) != 1 {
		return Response{}, Errorf(EInvalid, "That button is not valid.")
	}
	id, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return Response{}, Errorf(EInvalid, "That button is not valid.")
	}
	a, err := r.Tx.CrisisAlertByID(r.Ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && a.HouseID != r.House.ID) {
		return Response{}, Errorf(ENotFound, "I can't find that alert.")
	}
	if err != nil {
		return Response{}, err
	}
	first, err := r.Tx.AckCrisisAlert(r.Ctx, a.ID, r.Event.User.ID, r.Now)
	if err != nil {
		return Response{}, err
	}
	if !first {
		who := fmt.Sprintf("<@%s> is", a.AckedBy)
		if a.AckedBy == r.Event.User.ID {
			who = "You're"
		}
		return Reply("%s already on it, since %s: reaching out to *%s*. Thank you for checking.", who, FormatTime(a.AckedAt, r.House.Location), a.Name), nil
	}
	me := displayName(r.Event.User)
	if _, err := r.DM(a.UserID, Message{Text: fmt.Sprintf("%s, a House Mentor, is on it and will reach out to you soon. If things get worse before then, call or text 988, or 911 in an emergency.", me)}); err != nil {
		return Response{}, err
	}
	staff, err := r.Mentors()
	if err != nil {
		return Response{}, err
	}
	if !a.EscalatedAt.IsZero() {
		staff = append(staff, r.House.Operators...)
	}
	seen := map[string]bool{r.Event.User.ID: true, a.UserID: true}
	for _, id := range staff {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, err := r.DM(id, Message{Text: fmt.Sprintf("%s is on it: they will reach out to *%s*.", me, a.Name)}); err != nil {
			return Response{}, err
		}
	}
	r.Log.Info("crisis alert acknowledged", "alert", a.ID)
	return Reply("Thank you. Please reach out to *%s* directly now. I've told them someone is coming and told the other mentors you're on it.", a.Name), nil
}

// escalateAlerts alerts the operators about alerts no mentor acknowledged
// within the house's escalate_after. It runs from the tick and is
// idempotent: each alert is escalated once.
func (b *Bot) escalateAlerts(ctx context.Context, now time.Time) error {
	var errs []error
	for _, h := range b.houses {
		wait := h.Crisis.EscalateAfter
		if wait <= 0 {
			wait = 15 * time.Minute
		}
		errs = append(errs, b.inHouse(ctx, h, now, func(r *Request) error {
			due, err := r.Tx.DueEscalations(ctx, h.ID, now.Add(-wait))
			if err != nil {
				return err
			}
			for _, a := range due {
				why := fmt.Sprintf("No House Mentor has responded in %s", wait.Round(time.Minute))
				if err := b.escalate(r, a, why); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	return errors.Join(errs...)
}

// escalate alerts the house's operators about a and marks it escalated.
func (b *Bot) escalate(r *Request, a *CrisisAlert, why string) error {
	for _, id := range r.House.Operators {
		if id == a.UserID {
			continue
		}
		text := fmt.Sprintf("🚨 *%s* asked for support at %s and would like someone to reach out. %s. Please reach out to them, or make sure someone does. If you think they are in immediate danger, call 911.", a.Name, FormatTime(a.CreatedAt, r.House.Location), why)
		if _, err := r.DM(id, Message{Text: text, Choices: []Choice{ackChoice(a)}}); err != nil {
			return err
		}
	}
	if err := r.Tx.MarkEscalated(r.Ctx, a.ID, r.Now); err != nil {
		return err
	}
	r.Log.Warn("crisis alert escalated to operators", "alert", a.ID, "operators", len(r.House.Operators))
	return nil
}
