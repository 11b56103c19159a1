package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/porchlight/porchlight/adapters/kit"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
)

// formLimit is how many fields a Slack modal shows at once: one input
// block per field, and a modal takes 100 blocks.
const formLimit = 100

// envKind says how an envelope is answered.
type envKind int

const (
	kindEvent  envKind = iota + 1 // events_api: ack empty
	kindSlash                     // slash_commands: the ack payload is the reply
	kindAction                    // block_actions: ack empty, reply by response_url
	kindView                      // view_submission: the ack closes or keeps the modal
	kindHome                      // app_home_opened: ack empty, publish the user's home page
)

// inbound is a translated envelope with what is needed to answer it.
type inbound struct {
	ev   bot.Event
	kind envKind
	// dedupeKey identifies the delivery across redeliveries: the event_id
	// of events, the envelope id of slash commands and interactions.
	dedupeKey string
	// ignore says the envelope is acked and nothing else: the bot's own
	// messages, group chat that is not a thread reply, unknown events.
	ignore bool
	// triggerID opens a modal; responseURL answers privately.
	triggerID   string
	responseURL string
	// channel is where a private reply goes (ephemeral), and threadTS the
	// thread to put it in. dm says channel is the user's DM with the bot.
	channel  string
	threadTS string
	dm       bool
}

// eventsPayload is the part of an events_api payload the adapter reads. It
// is decoded from the raw payload so that every event type, known to
// slack-go or not, is read the same way.
type eventsPayload struct {
	TeamID  string `json:"team_id"`
	EventID string `json:"event_id"`
	Event   struct {
		Type        string `json:"type"`
		User        string `json:"user"`
		Text        string `json:"text"`
		Channel     string `json:"channel"`
		ChannelType string `json:"channel_type"`
		TS          string `json:"ts"`
		ThreadTS    string `json:"thread_ts"`
		Subtype     string `json:"subtype"`
		BotID       string `json:"bot_id"`
		// ParentUserID is the author of a thread's first message.
		ParentUserID string `json:"parent_user_id"`
		// Tab is the tab of an app_home_opened: "home" or "messages".
		Tab string `json:"tab"`
	} `json:"event"`
}

// translate turns a Socket Mode event into a neutral event.
func (a *Adapter) translate(ev socketmode.Event) (inbound, error) {
	req := ev.Request
	switch ev.Type {
	case socketmode.EventTypeEventsAPI:
		return a.translateEvent(req)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := ev.Data.(slackgo.SlashCommand)
		if !ok {
			return inbound{}, fmt.Errorf("slash command payload of type %T", ev.Data)
		}
		return a.translateSlash(req.EnvelopeID, cmd), nil
	case socketmode.EventTypeInteractive:
		cb, ok := ev.Data.(slackgo.InteractionCallback)
		if !ok {
			return inbound{}, fmt.Errorf("interaction payload of type %T", ev.Data)
		}
		return a.translateInteraction(req.EnvelopeID, cb)
	}
	return inbound{ignore: true}, nil
}

func (a *Adapter) translateEvent(req *socketmode.Request) (inbound, error) {
	var p eventsPayload
	if err := json.Unmarshal(req.Payload, &p); err != nil {
		return inbound{}, fmt.Errorf("decode events payload: %w", err)
	}
	in := inbound{kind: kindEvent, dedupeKey: "event:" + p.EventID}
	if p.EventID == "" {
		in.dedupeKey = "envelope:" + req.EnvelopeID
	}
	e := p.Event
	in.ev = bot.Event{ID: p.EventID, Platform: Platform, User: bot.User{ID: e.User}, Channel: e.Channel, Workspace: p.TeamID}
	a.mu.Lock()
	self := a.botUser
	a.mu.Unlock()
	if e.User == "" || (self != "" && e.User == self) {
		in.ignore = true
		return in, nil
	}
	switch e.Type {
	case "message":
		// Edits, deletions, joins and bot posts carry a subtype; only what a
		// person wrote is read. A thread reply also sent to the channel is
		// still a reply.
		if e.BotID != "" || (e.Subtype != "" && e.Subtype != "thread_broadcast") {
			in.ignore = true
			return in, nil
		}
		text := inboundText(e.Text)
		switch {
		case e.ChannelType == "im":
			in.ev.Kind, in.ev.DM, in.ev.Text = bot.EventDM, true, text
			in.channel, in.dm = e.Channel, true
		case !a.cfg.ThreadReplies:
			// Thread replies are off: channel messages are not read.
			in.ignore = true
		case e.ThreadTS != "" && e.ThreadTS != e.TS && e.ParentUserID != "" && self != "" && e.ParentUserID != self:
			// A thread under someone else's message is group chat too.
			in.ignore = true
		case e.ThreadTS != "" && e.ThreadTS != e.TS:
			in.ev.Kind, in.ev.Text = bot.EventReply, text
			in.ev.Thread = bot.MessageRef{Channel: e.Channel, ID: e.ThreadTS}
			in.channel, in.threadTS = e.Channel, e.ThreadTS
		default:
			// The group chat itself is never read.
			in.ignore = true
		}
	case "member_joined_channel":
		in.ev.Kind = bot.EventMemberJoined
	case "member_left_channel":
		in.ev.Kind = bot.EventMemberLeft
	case "app_home_opened":
		// Opening the Messages tab needs nothing; the Home tab gets the
		// user's page.
		in.kind, in.ignore = kindHome, e.Tab != "home"
	default:
		in.ignore = true
	}
	return in, nil
}

func (a *Adapter) translateSlash(envelopeID string, cmd slackgo.SlashCommand) inbound {
	name := strings.TrimPrefix(cmd.Command, "/")
	name = strings.TrimPrefix(name, a.cfg.CommandPrefix)
	dm := strings.HasPrefix(cmd.ChannelID, "D")
	in := inbound{
		kind: kindSlash, dedupeKey: "envelope:" + envelopeID,
		triggerID: cmd.TriggerID, responseURL: cmd.ResponseURL, channel: cmd.ChannelID, dm: dm,
		ev: bot.Event{
			ID: envelopeID, Platform: Platform, Kind: bot.EventCommand,
			User:    bot.User{ID: cmd.UserID, Name: cmd.UserName},
			Channel: cmd.ChannelID, Workspace: cmd.TeamID, DM: dm,
			Command: &bot.CommandInput{Name: name, Raw: inboundText(cmd.Text), Names: mentionNames(cmd.Text)},
		},
	}
	if cmd.TriggerID != "" {
		in.ev.FormLimit, in.ev.FormButtons = formLimit, true
	}
	return in
}

func (a *Adapter) translateInteraction(envelopeID string, cb slackgo.InteractionCallback) (inbound, error) {
	in := inbound{
		dedupeKey: "envelope:" + envelopeID, triggerID: cb.TriggerID,
		ev: bot.Event{ID: envelopeID, Platform: Platform, User: bot.User{ID: cb.User.ID, Name: userName(cb.User)}, Workspace: cb.Team.ID},
	}
	if cb.TriggerID != "" {
		// A trigger id lasts 3 s: when the core is slower, the form is
		// offered as a button (Response.FormAction) instead.
		in.ev.FormLimit, in.ev.FormButtons = formLimit, true
	}
	switch cb.Type {
	case slackgo.InteractionTypeBlockActions:
		in.kind = kindAction
		home := cb.Container.Type == "view" && cb.View.Type == slackgo.VTHomeTab
		if (cb.Container.Type == "view" && !home) || len(cb.ActionCallback.BlockActions) == 0 {
			// Porchlight's modals hold only inputs, which send nothing
			// until submitted.
			in.ignore = true
			return in, nil
		}
		act := cb.ActionCallback.BlockActions[0]
		ch := cb.Channel.ID
		if ch == "" {
			ch = cb.Container.ChannelID
		}
		value := act.Value
		if act.SelectedOption.Value != "" {
			value = act.SelectedOption.Value
		}
		in.responseURL, in.channel, in.dm = cb.ResponseURL, ch, strings.HasPrefix(ch, "D")
		in.threadTS = cb.Container.ThreadTs
		in.ev.Kind, in.ev.Channel, in.ev.DM = bot.EventAction, ch, in.dm
		in.ev.Action = &bot.ActionInput{ID: decodeActionID(act.ActionID), Value: value,
			Message: bot.MessageRef{Channel: ch, ID: cb.Container.MessageTs}}
	case slackgo.InteractionTypeViewSubmission:
		in.kind = kindView
		meta := parseViewMeta(cb.View.PrivateMetadata, cb.View.CallbackID)
		if meta.Form == "" {
			return inbound{}, fmt.Errorf("view submission without a form id")
		}
		in.channel, in.dm = meta.Channel, meta.DM
		in.ev.Kind, in.ev.Channel, in.ev.DM = bot.EventForm, meta.Channel, meta.DM
		in.ev.Form = &bot.FormInput{ID: meta.Form, Values: formValues(cb.View.State)}
	default:
		in.ignore = true
	}
	return in, nil
}

// userName picks the best name an interaction payload carries.
func userName(u slackgo.User) string {
	if u.Profile.DisplayName != "" {
		return u.Profile.DisplayName
	}
	if u.RealName != "" {
		return u.RealName
	}
	return u.Name
}

var (
	// mentionWithName is a user mention as Slack escapes it in slash
	// command text: <@U123|robin>.
	mentionWithName = regexp.MustCompile(`<@([UW][A-Z0-9]+)\|([^>]*)>`)
	// actionIndex is the "<index>|" an action id starts with; it keeps ids
	// unique within a message (see encodeActionID).
	actionIndex = regexp.MustCompile(`^[0-9]+\|`)
)

// mentionNames are the names of the users a slash command's escaped text
// mentions (<@U123|robin>), by id; nil when it mentions nobody by name.
func mentionNames(s string) map[string]string {
	var names map[string]string
	for _, m := range mentionWithName.FindAllStringSubmatch(s, -1) {
		if name := strings.TrimSpace(m[2]); name != "" {
			if names == nil {
				names = map[string]string{}
			}
			names[m[1]] = name
		}
	}
	return names
}

// inboundText normalises text a user typed: mentions become <@ID>, as the
// core expects, and Slack's HTML escapes are undone.
func inboundText(s string) string {
	s = mentionWithName.ReplaceAllString(s, "<@$1>")
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// encodeActionID makes the action id of the i-th element of a message.
// Slack needs action ids unique within a message, and two choices may share
// an id (form:answer with different values).
func encodeActionID(i int, id string) string { return fmt.Sprintf("%d|%s", i, id) }

// decodeActionID returns the core's choice id from an action id.
func decodeActionID(s string) string { return actionIndex.ReplaceAllString(s, "") }

// respond answers an envelope with the core's response. req is nil when the
// envelope was acked already because the core was slow; then everything
// goes through the Web API.
func (a *Adapter) respond(ctx context.Context, sm acker, req *socketmode.Request, in inbound, resp bot.Response) {
	log := a.log.With("event", in.ev.ID, "kind", in.ev.Kind.String(), "user", in.ev.User.ID)
	l := kit.Lang(resp.Lang)
	msgs := kit.Replies(resp)
	switch in.kind {
	case kindSlash:
		var payload any
		var rest []part
		if req != nil && len(msgs) > 0 {
			parts := a.render(msgs[0])
			if p, ok := ackPayload(parts[0]); ok {
				payload, rest = p, parts[1:]
				msgs = msgs[1:]
			}
		}
		if req != nil {
			a.ack(sm, *req, payload)
		}
		if resp.Form != nil {
			a.openModal(ctx, in, resp, log)
		}
		a.replyParts(ctx, in, rest, log)
		a.reply(ctx, in, msgs, log)
	case kindView:
		if len(resp.FieldErrors) > 0 {
			if req != nil {
				a.ack(sm, *req, map[string]any{"response_action": "errors", "errors": resp.FieldErrors})
				return
			}
			// Acked already, the modal is gone: say what was wrong, with
			// a button that opens the form again as it was typed.
			msgs = append([]bot.Message{{Text: fieldErrorText(l, resp.FieldErrors), Choices: formButton(resp.ReopenAction, l.T("adapter.form.fix.button")), Lang: resp.Lang}}, msgs...)
		} else if req != nil {
			if resp.Form != nil {
				view := buildModal(l, *resp.Form, viewMeta{Form: resp.Form.ID, Channel: in.channel, DM: in.dm})
				a.ack(sm, *req, map[string]any{"response_action": "update", "view": view})
			} else {
				a.ack(sm, *req, map[string]any{"response_action": "clear"})
			}
		} else if resp.Form != nil {
			// The next page of a form, after the modal was closed.
			msgs = append([]bot.Message{{Text: l.T("slack.form.more"), Choices: formButton(resp.FormAction, l.T("adapter.form.continue.button")), Lang: resp.Lang}}, msgs...)
		}
		a.reply(ctx, in, msgs, log)
	default:
		if req != nil {
			a.ack(sm, *req, nil)
		}
		if resp.Form != nil {
			a.openModal(ctx, in, resp, log)
		}
		a.reply(ctx, in, msgs, log)
	}
}

// ackPayload is a slash-command ack carrying a private reply, if it is
// small enough for a Socket Mode response.
func ackPayload(p part) (map[string]any, bool) {
	payload := map[string]any{"response_type": "ephemeral", "text": p.text, "blocks": p.blocks}
	b, err := json.Marshal(payload)
	if err != nil || len(b) > 15000 {
		return nil, false
	}
	return payload, true
}

// fieldErrorText lists field errors as a message, for a form whose
// submission was acked before the core answered, in l.
func fieldErrorText(l i18n.Lang, errs map[string]string) string {
	return kit.FieldErrors(l, errs, l.T("slack.form.errors.end"))
}

// formButton is the one button of a message that opens a form the core
// kept (Response.FormAction or ReopenAction), or none when it kept none.
func formButton(action, label string) []bot.Choice {
	if action == "" {
		return nil
	}
	return []bot.Choice{{ID: action, Label: label, Style: bot.StylePrimary}}
}

// openModal opens the response's form with the interaction's trigger id.
// A trigger id works once and for 3 s; when it has run out (the core was
// slow) the form comes as a private message with a button that opens it
// again, with a fresh trigger.
func (a *Adapter) openModal(ctx context.Context, in inbound, resp bot.Response, log *slog.Logger) {
	f := *resp.Form
	l := kit.Lang(resp.Lang)
	err := errors.New("no trigger id")
	if in.triggerID != "" {
		view := buildModal(l, f, viewMeta{Form: f.ID, Channel: in.channel, DM: in.dm})
		if _, err = a.api.OpenViewContext(ctx, in.triggerID, view); err == nil {
			return
		}
	}
	code := platformCode(err)
	log.Warn("views.open failed", "code", code, "err", err)
	msg := bot.Message{Text: l.T("slack.form.open_failed"), Lang: resp.Lang}
	if b := formButton(resp.FormAction, l.T("adapter.form.open.button")); b != nil {
		msg = bot.Message{Text: l.T("slack.form.open_late"), Choices: b, Lang: resp.Lang}
		if code != "expired_trigger_id" && code != "exchanged_trigger_id" {
			msg.Text = l.T("slack.form.open_retry")
		}
	}
	a.reply(ctx, in, []bot.Message{msg}, log)
}

// reply delivers private messages to the user who caused an event.
func (a *Adapter) reply(ctx context.Context, in inbound, msgs []bot.Message, log *slog.Logger) {
	for _, m := range msgs {
		a.replyParts(ctx, in, a.render(m), log)
	}
}

// replyParts delivers rendered private messages: by response_url when the
// interaction has one, as an ephemeral message in the channel, or in the
// DM, falling back down that list when a way fails.
func (a *Adapter) replyParts(ctx context.Context, in inbound, parts []part, log *slog.Logger) {
	user := in.ev.User.ID
	for _, p := range parts {
		if in.responseURL != "" {
			blocks := slackgo.Blocks{BlockSet: p.blocks}
			err := slackgo.PostWebhookCustomHTTPContext(ctx, in.responseURL, a.http, &slackgo.WebhookMessage{
				ResponseType: "ephemeral", Text: p.text, Blocks: &blocks,
			})
			if err == nil {
				continue
			}
			log.Warn("response_url failed; posting instead", "err", err)
		}
		if in.dm && in.channel != "" {
			if _, _, err := a.api.PostMessageContext(ctx, in.channel, p.options("")...); err == nil {
				continue
			} else {
				log.Warn("reply in DM failed", "err", err)
			}
		} else if in.channel != "" {
			if _, err := a.api.PostEphemeralContext(ctx, in.channel, user, p.options(in.threadTS)...); err == nil {
				continue
			} else {
				log.Warn("ephemeral reply failed; trying the DM", "err", err)
			}
		}
		ch, err := a.dms.Get(ctx, user)
		if err == nil {
			_, _, err = a.api.PostMessageContext(ctx, ch, p.options("")...)
		}
		if err != nil {
			log.Warn("private reply lost", "err", err)
		}
	}
}
