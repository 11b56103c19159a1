package slack

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"github.com/porchlight/porchlight/adapters/kit"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
)

// Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks).
const (
	maxBlocks         = 50   // blocks in a message
	maxSectionText    = 3000 // characters in a section's text
	maxHeaderText     = 150  // characters in a header's text
	maxButtonLabel    = 75   // characters in a button's text
	maxOptionText     = 75   // characters in an option's text
	maxOptionValue    = 150  // characters in an option's value
	maxButtonValue    = 2000 // characters in a button's value
	maxActionElements = 25   // elements in an actions block
	maxSelectOptions  = 100  // options in a static select
	maxModalTitle     = 24   // characters in a modal's title, submit and close
	maxLabel          = 2000 // characters in an input's label
	maxTextInput      = 3000 // max_length of a plain_text_input
	maxPlaceholder    = 150  // characters in an input's placeholder
	maxHint           = 2000 // characters in an input block's hint
	maxRadioShown     = 5    // choices shown as radio buttons (Slack allows 10); more get a select
	// maxEditText bounds the text of an edit, which must fit one message.
	maxEditText = 40 * maxSectionText
)

// part is one Slack message: fallback text and its blocks.
type part struct {
	text   string
	blocks []slackgo.Block
}

// options returns the chat.* options that post p, in thread when set.
func (p part) options(thread string) []slackgo.MsgOption {
	opts := []slackgo.MsgOption{slackgo.MsgOptionText(p.text, false), slackgo.MsgOptionBlocks(p.blocks...)}
	if thread != "" {
		opts = append(opts, slackgo.MsgOptionTS(thread))
	}
	return opts
}

// render turns a message into one or more Slack messages: long text is
// split into sections of at most 3000 characters, choices become buttons
// (or a select, for a long list of values of one choice), and anything past
// 50 blocks goes into a following message. The choices are always in the
// last message.
func (a *Adapter) render(m bot.Message) []part {
	l := kit.Lang(m.Lang)
	text := a.formatText(m.Text)
	var sections []slackgo.Block
	var chunks []string
	for _, c := range kit.SplitText(text, maxSectionText) {
		chunks = append(chunks, c)
		sections = append(sections, slackgo.NewSectionBlock(slackgo.NewTextBlockObject(slackgo.MarkdownType, c, false, false), nil, nil))
	}
	actions := actionBlocks(l, "actions", m.Choices)

	var parts []part
	cur := part{}
	var curText []string
	flush := func() {
		cur.text = clipRunes(strings.Join(curText, "\n"), maxSectionText)
		parts = append(parts, cur)
		cur, curText = part{}, nil
	}
	for i, s := range sections {
		if len(cur.blocks) == maxBlocks {
			flush()
		}
		cur.blocks = append(cur.blocks, s)
		curText = append(curText, chunks[i])
	}
	if len(cur.blocks) > 0 && len(cur.blocks)+len(actions) > maxBlocks {
		flush()
	}
	cur.blocks = append(cur.blocks, actions...)
	if len(actions) > maxBlocks {
		cur.blocks = cur.blocks[:maxBlocks]
	}
	flush()
	if parts[len(parts)-1].text == "" && len(m.Choices) > 0 {
		// Notifications show the fallback text; name the choices.
		parts[len(parts)-1].text = l.T("slack.choose", "Choices", choiceLabels(m.Choices))
	}
	return parts
}

// renderOne renders a message that must be one Slack message (an edit).
func (a *Adapter) renderOne(m bot.Message) part {
	m.Text = clipRunes(m.Text, maxEditText)
	return a.render(m)[0]
}

func choiceLabels(cs []bot.Choice) string {
	labels := make([]string, len(cs))
	for i, c := range cs {
		labels[i] = c.Label
	}
	return strings.Join(labels, " / ")
}

// actionBlocks lays choices out as buttons, 25 to an actions block whose
// block id starts with prefix. A long list of values of one choice id (a
// scale, a menu) becomes a select, with a placeholder in l.
func actionBlocks(l i18n.Lang, prefix string, cs []bot.Choice) []slackgo.Block {
	if len(cs) == 0 {
		return nil
	}
	var elems []slackgo.BlockElement
	if len(cs) > 5 && sameID(cs) {
		for start, n := 0, 0; start < len(cs); start, n = start+maxSelectOptions, n+1 {
			end := min(start+maxSelectOptions, len(cs))
			var opts []*slackgo.OptionBlockObject
			for _, c := range cs[start:end] {
				opts = append(opts, slackgo.NewOptionBlockObject(clipRunes(c.Value, maxOptionValue), plain(clipRunes(c.Label, maxOptionText)), nil))
			}
			elems = append(elems, slackgo.NewOptionsSelectBlockElement(slackgo.OptTypeStatic, plain(l.T("adapter.choose.placeholder")), encodeActionID(n, cs[0].ID), opts...))
		}
	} else {
		for i, c := range cs {
			btn := slackgo.NewButtonBlockElement(encodeActionID(i, c.ID), clipRunes(c.Value, maxButtonValue), plain(clipRunes(c.Label, maxButtonLabel)))
			switch c.Style {
			case bot.StylePrimary:
				btn.Style = slackgo.StylePrimary
			case bot.StyleDanger:
				btn.Style = slackgo.StyleDanger
			}
			elems = append(elems, btn)
		}
	}
	var blocks []slackgo.Block
	for start := 0; start < len(elems); start += maxActionElements {
		end := min(start+maxActionElements, len(elems))
		blocks = append(blocks, slackgo.NewActionBlock(fmt.Sprintf("%s-%d", prefix, start/maxActionElements), elems[start:end]...))
	}
	return blocks
}

func sameID(cs []bot.Choice) bool {
	for _, c := range cs[1:] {
		if c.ID != cs[0].ID {
			return false
		}
	}
	return true
}

// plain is a plain_text object with emoji.
func plain(s string) *slackgo.TextBlockObject {
	return slackgo.NewTextBlockObject(slackgo.PlainTextType, s, true, false)
}

// formatText renders the core's text for Slack: commands with their
// prefix (/porch-checkin), then as the package's formatText.
func (a *Adapter) formatText(s string) string {
	return formatText(a.naming().Render(s))
}

// Naming is how Slack spells commands in text: with the command prefix;
// a command with subcommands runs bare, as Slack passes the rest as text.
func Naming(prefix string) bot.Naming { return bot.Naming{Prefix: prefix} }

// naming is Naming with the adapter's prefix.
func (a *Adapter) naming() bot.Naming { return Naming(a.cfg.CommandPrefix) }

// formatText turns the core's light markdown into Slack mrkdwn: &, < and >
// are escaped (except in user and channel mentions), and time markers
// become Slack dates, which each reader sees in their own time zone.
func formatText(s string) string {
	return bot.RenderTimes(escapeText(s), func(unix int64, fallback string) string {
		fallback = strings.NewReplacer("|", "/", ">", "").Replace(fallback)
		return fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", unix, fallback)
	})
}

// mentionToken is a mention the core may write, kept as it is.
var mentionToken = regexp.MustCompile(`<(?:@[UW][A-Z0-9]+|#[CG][A-Z0-9]+(?:\|[^<>|]*)?)>`)

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escapeText escapes Slack's control characters outside mentions, so that
// text such as a name cannot ping @channel or fake a link.
func escapeText(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	var b strings.Builder
	last := 0
	for _, loc := range mentionToken.FindAllStringIndex(s, -1) {
		b.WriteString(escaper.Replace(s[last:loc[0]]))
		b.WriteString(s[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(escaper.Replace(s[last:]))
	return b.String()
}

// clipRunes shortens s to n characters, ending with "…" when cut.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
