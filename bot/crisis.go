package bot

import (
	"fmt"
	"strings"
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
		Run: func(r *Request) (Response, error) {
			resources := DefaultCrisisResources()
			if r.House != nil && len(r.House.Crisis.Resources) > 0 {
				resources = r.House.Crisis.Resources
			}
			lines := []string{"*Support you can reach any time*"}
			for _, l := range resources {
				lines = append(lines, "• "+l)
			}
			lines = append(lines, "This bot is not monitored around the clock. If you are in danger, call 911 or 988.")
			return Reply("%s", strings.Join(lines, "\n")), nil
		},
	})
	b.action("crisis", Anyone, func(r *Request, parts []string) (Response, error) {
		if len(parts) == 1 && parts[0] == "alert" {
			if err := b.alertMentors(r); err != nil {
				return Response{}, err
			}
			return Reply("I've asked your House Mentors to reach out. If things get worse before they do, call or text 988, or 911 in an emergency."), nil
		}
		return Reply("Okay. The resources are there whenever you need them — /resources shows them again."), nil
	})
}

// alertMentors asks every mentor of the house, privately, to reach out to
// the caller. It names the resident and never quotes what they wrote.
func (b *Bot) alertMentors(r *Request) error {
	mentors, err := r.Mentors()
	if err != nil {
		return err
	}
	name := displayName(r.Event.User)
	if r.Member != nil {
		name = r.Member.Name
	}
	for _, id := range mentors {
		if id == r.Event.User.ID {
			continue
		}
		text := fmt.Sprintf("🚨 *%s* asked for support and would like a House Mentor to reach out now. Please contact them directly. If you think they are in immediate danger, call 911.", name)
		if _, err := r.DM(id, Message{Text: text}); err != nil {
			return err
		}
	}
	r.Log.Warn("crisis alert sent to mentors", "mentors", len(mentors))
	return nil
}
