package discord

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/porchlight/porchlight/adapters/kit"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
)

// Discord's message and component limits.
const (
	maxContent     = 2000 // characters of message content
	maxRows        = 5    // action rows in a message
	maxPerRow      = 5    // buttons in an action row
	maxCustomID    = 100  // characters in a custom_id
	maxButtonLabel = 80   // characters in a button label
	maxSelectOpts  = 25   // options in a select menu
	maxOptionText  = 100  // characters in a select option's label and value
	maxModalTitle  = 45   // characters in a modal title
	maxPlaceholder = 100  // characters in a text input placeholder
	maxInputValue  = 4000 // characters in a text input
)

// localPrefix starts custom ids the adapter answers itself, without the
// core: the core's ids never start with "~".
const localPrefix = "~"

// part is one Discord message: content and its component rows.
type part struct {
	content    string
	components []discordgo.MessageComponent
}

// allowedMentions lets messages ping only the users they mention, never
// @everyone, @here or roles, whatever a name or an answer contains.
func allowedMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeUsers}}
}

// render turns a message into one or more Discord messages: text longer
// than 2000 characters is split at line breaks, and choices become buttons
// (5 rows of 5) or a select menu for a long list of one choice's values.
// Components that do not fit one message follow in further messages, so
// nothing is dropped. The first part carries the start of the text; the
// buttons ride on the last text part.
func (a *Adapter) render(m bot.Message) []part {
	chunks := kit.SplitText(formatText(m.Text, a.naming()), maxContent)
	l := kit.Lang(m.Lang)
	groups := a.componentGroups(l, m.Choices)
	var parts []part
	for _, c := range chunks {
		parts = append(parts, part{content: c})
	}
	if len(parts) == 0 {
		parts = append(parts, part{})
	}
	for i, g := range groups {
		if i == 0 {
			parts[len(parts)-1].components = g
			continue
		}
		parts = append(parts, part{content: l.T("discord.more_choices"), components: g})
	}
	if parts[0].content == "" && len(parts[0].components) == 0 {
		parts[0].content = "\u200b" // Discord refuses empty messages
	}
	return parts
}

// renderOne renders a message that must be one Discord message (an edit):
// the text is clipped to the limit and the first 25 buttons kept.
func (a *Adapter) renderOne(m bot.Message) part {
	p := part{content: clipRunes(strings.TrimSpace(formatText(m.Text, a.naming())), maxContent)}
	if g := a.componentGroups(kit.Lang(m.Lang), m.Choices); len(g) > 0 {
		p.components = g[0]
	}
	if p.content == "" && len(p.components) == 0 {
		p.content = "\u200b"
	}
	return p
}

// componentGroups lays choices out as action rows, grouped by message:
// each group is at most 5 rows of 5 buttons. More than 5 choices sharing
// one id (a scale, a list of values) become select menus of 25 options,
// with a placeholder in l.
func (a *Adapter) componentGroups(l i18n.Lang, cs []bot.Choice) [][]discordgo.MessageComponent {
	if len(cs) == 0 {
		return nil
	}
	var rows []discordgo.MessageComponent
	if len(cs) > maxPerRow && sameID(cs) {
		for start, n := 0, 0; start < len(cs); start, n = start+maxSelectOpts, n+1 {
			end := min(start+maxSelectOpts, len(cs))
			var opts []discordgo.SelectMenuOption
			for _, c := range cs[start:end] {
				opts = append(opts, discordgo.SelectMenuOption{Label: clipRunes(c.Label, maxOptionText), Value: a.optionValue(c.Value)})
			}
			one := 1
			rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{
				MenuType: discordgo.StringSelectMenu, CustomID: a.customID(n, cs[0].ID, ""),
				Placeholder: l.T("adapter.choose.placeholder"), MinValues: &one, MaxValues: 1, Options: opts,
			}}})
		}
	} else {
		var row []discordgo.MessageComponent
		for i, c := range cs {
			btn := discordgo.Button{Label: clipRunes(c.Label, maxButtonLabel), Style: discordgo.SecondaryButton, CustomID: a.customID(i, c.ID, c.Value)}
			switch c.Style {
			case bot.StylePrimary:
				btn.Style = discordgo.PrimaryButton
			case bot.StyleDanger:
				btn.Style = discordgo.DangerButton
			}
			if btn.Label == "" {
				btn.Label = "…"
			}
			row = append(row, btn)
			if len(row) == maxPerRow {
				rows = append(rows, discordgo.ActionsRow{Components: row})
				row = nil
			}
		}
		if len(row) > 0 {
			rows = append(rows, discordgo.ActionsRow{Components: row})
		}
	}
	var groups [][]discordgo.MessageComponent
	for start := 0; start < len(rows); start += maxRows {
		groups = append(groups, rows[start:min(start+maxRows, len(rows))])
	}
	return groups
}

func sameID(cs []bot.Choice) bool {
	for _, c := range cs[1:] {
		if c.ID != cs[0].ID {
			return false
		}
	}
	return true
}

// customID makes the custom id of the i-th component of a message: the
// index keeps ids unique within the message (two choices may share an id,
// such as form:answer with different values), and the value rides after a
// "|". When that does not fit Discord's 100 characters, the choice waits
// in the stash under a short key.
func (a *Adapter) customID(i int, id, value string) string {
	if strings.HasPrefix(id, localPrefix) && value == "" {
		return id // the adapter's own key, unique already
	}
	s := strconv.Itoa(i) + "|" + id
	if value != "" {
		s += "|" + value
	}
	if utf8.RuneCountInString(s) <= maxCustomID {
		return s
	}
	return a.stash.put(stashed{choice: &bot.ActionInput{ID: id, Value: value}})
}

// optionValue is a select option's value, stashed when it is too long.
func (a *Adapter) optionValue(v string) string {
	if utf8.RuneCountInString(v) <= maxOptionText {
		return v
	}
	return a.stash.put(stashed{value: v})
}

// decodeCustomID returns the core's choice id and value from a custom id.
// ok is false for an id the adapter made and no longer holds.
func (a *Adapter) decodeCustomID(s string) (id, value string, ok bool) {
	if strings.HasPrefix(s, localPrefix) {
		st, found := a.stash.get(s)
		if !found || st.choice == nil {
			return "", "", false
		}
		return st.choice.ID, st.choice.Value, true
	}
	if i := strings.IndexByte(s, '|'); i > 0 && isDigits(s[:i]) {
		s = s[i+1:]
	}
	id, value, _ = strings.Cut(s, "|")
	return id, value, true
}

// decodeValue returns a select option's value, from the stash if needed.
func (a *Adapter) decodeValue(v string) string {
	if strings.HasPrefix(v, localPrefix) {
		if st, ok := a.stash.get(v); ok {
			return st.value
		}
	}
	return v
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// formatText turns the core's light markdown into Discord markdown:
// *bold* becomes **bold** (a single star is italics on Discord), commands
// are named as Discord has them, and time markers become <t:unix:F>
// timestamps, which each viewer sees in their own time zone.
func formatText(s string, n bot.Naming) string {
	s = n.Render(s)
	s = boldRE.ReplaceAllString(s, "$1**$2**")
	return bot.RenderTimesUntil(s, func(unix int64, _ string, until bool) string {
		if until {
			// "Friday, 20 November 2026 19:00 (in 2 hours)", kept current
			// by each reader's app.
			return fmt.Sprintf("<t:%d:F> (<t:%d:R>)", unix, unix)
		}
		return fmt.Sprintf("<t:%d:F>", unix)
	})
}

// boldRE matches *bold* as the core writes it: a star, text without stars
// or line breaks that neither starts nor ends with a space, a star.
var boldRE = regexp.MustCompile(`(^|[^*\w])\*([^*\s\n](?:[^*\n]*[^*\s\n])?)\*`)

// stashed is something a custom id stands for.
type stashed struct {
	// form is opened when a button with this key is pressed, for a form
	// the core did not keep (Response.FormAction and ReopenAction are
	// empty: a response with no house, say).
	form *bot.Form
	// formID is the real id of a form whose id is too long for Discord.
	formID string
	// lang is the language form is shown in.
	lang string
	// choice is a button whose id and value are too long for Discord.
	choice *bot.ActionInput
	// value is a select option's long value.
	value string
}

// stash keeps what custom ids stand for, in memory, for ttl. After a
// restart the keys are gone and such a button answers that it expired.
//
// What a resident typed is not here: the forms behind "Fix my answers"
// and "Open the form" are kept by the core, in the same transaction as the
// response that offers them, and their buttons carry the core's durable
// ids (form:draft:<id>). A paged form's progress is the core's too, and
// its "Continue" button (form:continue) carries no stashed key. What is
// left is:
//
//   - Long form ids, long choice ids and long select values, which are
//     only encodings of what the core issued. The core's structured ids
//     (checkin:open:42, form:answer with a choice's value) fit Discord's
//     100 characters. Should one not, its button answers after a restart
//     that it expired, and the resident starts again from the command:
//     nothing the core acknowledged is lost.
//   - A form the core did not keep, which it only does for an event with
//     no house; such a form holds nothing the resident typed.
type stash struct {
	m *kit.TTLMap[stashed]
	n atomic.Int64
}

// stashTTL is how long a stashed key answers: as long as a form in
// progress lives in the core.
const stashTTL = 2 * time.Hour

func newStash(ttl time.Duration) *stash {
	return &stash{m: kit.NewTTLMap[stashed](ttl, 10_000)}
}

// put stores v and returns its key, a custom id starting with "~".
func (s *stash) put(v stashed) string {
	now := time.Now()
	key := fmt.Sprintf("%s%d.%d", localPrefix, now.Unix()%100000, s.n.Add(1))
	s.m.Put(key, v, now)
	return key
}

// get returns what key stands for.
func (s *stash) get(key string) (stashed, bool) { return s.m.Get(key, time.Now()) }
