package discord

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/porchlight/porchlight/adapters/kit"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
)

// replyTimeout bounds the REST calls that answer one event. They run on a
// context detached from Run's, so that an answer the core has committed
// still reaches the user during shutdown.
const replyTimeout = 15 * time.Second

// onInteraction answers one interaction: slash command, button or select
// press, or modal submit. Discord wants an answer within 3 s, so the core
// gets ackWithin; when it is slower the interaction is answered as
// deferred and the reply follows as an edit and follow-ups.
//
// A modal submit comes with its answers read from the raw event (sub);
// other interactions pass nil.
func (a *Adapter) onInteraction(i *discordgo.Interaction, sub *modalSubmit) {
	h, ctx, ok := a.state()
	if !ok || i == nil {
		return
	}
	if !a.seen.FirstSight("interaction:"+i.ID, time.Now()) {
		a.log.Info("interaction delivered again; already handled", "interaction", i.ID)
		return
	}
	log := a.log.With("interaction", i.ID, "type", int(i.Type))
	if i.Type == discordgo.InteractionMessageComponent {
		if id := i.MessageComponentData().CustomID; strings.HasPrefix(id, localPrefix) {
			if st, found := a.stash.get(id); found && st.form != nil {
				a.respondModal(i, *st.form, kit.Lang(st.lang), log)
				return
			}
		}
	}
	ev, ok := a.translateInteraction(i, sub)
	if !ok {
		log.Info("interaction not understood or expired")
		// The core never saw it: the notice is in the language of the
		// person's Discord app.
		l := kit.Lang(string(i.Locale))
		a.answerNow(i, bot.Response{Lang: l.Code(), Messages: []bot.Message{{Text: l.T("discord.expired")}}}, log)
		return
	}
	log = log.With("kind", ev.Kind.String(), "user", ev.User.ID)
	if !a.begin() {
		return
	}
	defer a.inflight.Done()
	done := a.queue.Handle(ctx, h, ev)
	timer := time.NewTimer(a.ackWithin)
	defer timer.Stop()
	select {
	case resp := <-done:
		a.answerNow(i, resp, log)
	case <-timer.C:
		log.Info("core slow; answered deferred")
		rctx, cancel := replyCtx(ctx)
		err := a.session.InteractionRespond(i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
		}, discordgo.WithContext(rctx))
		cancel()
		if err != nil {
			log.Warn("deferred answer failed", "err", err)
		}
		a.answerLate(i, <-done, log)
	}
}

// onRawInteraction handles a modal submit from the raw INTERACTION_CREATE.
// discordgo v0.28.1 cannot decode one that holds Labels (it fires its
// InteractionCreate with no data, which the typed handler skips), so the
// interaction is decoded here without its data, and the data is read by
// parseModalSubmit.
func (a *Adapter) onRawInteraction(raw json.RawMessage) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		a.log.Warn("interaction not understood", "err", err)
		return
	}
	var kind discordgo.InteractionType
	if err := json.Unmarshal(fields["type"], &kind); err != nil || kind != discordgo.InteractionModalSubmit {
		return
	}
	sub, err := parseModalSubmit(fields["data"])
	fields["data"] = json.RawMessage(`{}`)
	var i discordgo.Interaction
	if err == nil {
		var b []byte
		if b, err = json.Marshal(fields); err == nil {
			err = json.Unmarshal(b, &i)
		}
	}
	if err != nil {
		a.log.Warn("modal submit not understood", "err", err)
		return
	}
	i.Data = discordgo.ModalSubmitInteractionData{CustomID: sub.CustomID}
	a.onInteraction(&i, &sub)
}

// replyCtx is a context for answering an event: not cancelled with Run's,
// but bounded.
func replyCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), replyTimeout)
}

// translateInteraction turns an interaction into a neutral event; sub is
// a modal submit's answers.
func (a *Adapter) translateInteraction(i *discordgo.Interaction, sub *modalSubmit) (bot.Event, bool) {
	// A form longer than a modal holds is asked as modal pages with a
	// Continue button between them, so that its
	// choices stay selects and the resident stays where they are.
	ev := bot.Event{
		ID: i.ID, Platform: Platform, Channel: i.ChannelID, Workspace: i.GuildID,
		DM: i.GuildID == "", FormLimit: formLimit, FormButtons: true,
	}
	switch {
	case i.Member != nil && i.Member.User != nil:
		ev.User = bot.User{ID: i.Member.User.ID, Name: memberName(i.Member)}
	case i.User != nil:
		ev.User = bot.User{ID: i.User.ID, Name: userName(i.User)}
	default:
		return ev, false
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		ev.Kind = bot.EventCommand
		ev.Command = commandInput(i.ApplicationCommandData())
	case discordgo.InteractionMessageComponent:
		d := i.MessageComponentData()
		id, value, ok := a.decodeCustomID(d.CustomID)
		if !ok {
			return ev, false
		}
		if len(d.Values) > 0 {
			value = a.decodeValue(d.Values[0])
		}
		ev.Kind = bot.EventAction
		ev.Action = &bot.ActionInput{ID: id, Value: value}
		if i.Message != nil {
			ev.Action.Message = bot.MessageRef{Channel: i.Message.ChannelID, ID: i.Message.ID}
			if ev.Action.Message.Channel == "" {
				ev.Action.Message.Channel = i.ChannelID
			}
		}
	case discordgo.InteractionModalSubmit:
		if sub == nil {
			return ev, false
		}
		id := sub.CustomID
		if strings.HasPrefix(id, localPrefix) {
			st, ok := a.stash.get(id)
			if !ok || st.formID == "" {
				return ev, false
			}
			id = st.formID
		}
		ev.Kind = bot.EventForm
		ev.Form = &bot.FormInput{ID: id, Values: sub.Values}
	default:
		return ev, false
	}
	return ev, true
}

// memberName picks the best name of a guild member.
func memberName(m *discordgo.Member) string {
	if m.Nick != "" {
		return m.Nick
	}
	return userName(m.User)
}

// userName picks the best name of a user.
func userName(u *discordgo.User) string {
	if u == nil {
		return ""
	}
	if u.GlobalName != "" {
		return u.GlobalName
	}
	return u.Username
}

// answerNow gives the core's response as the interaction's first answer:
// a modal when it asks for a form (and the interaction may open one),
// otherwise an ephemeral message, with further messages as ephemeral
// follow-ups.
func (a *Adapter) answerNow(i *discordgo.Interaction, resp bot.Response, log *slog.Logger) {
	if resp.Form != nil && i.Type != discordgo.InteractionModalSubmit {
		a.respondModal(i, *resp.Form, kit.Lang(resp.Lang), log)
		a.followUps(i, a.renderAll(kit.Replies(resp)), log)
		return
	}
	parts := a.privateParts(resp)
	if len(parts) == 0 {
		a.acknowledge(i, kit.Lang(resp.Lang), log)
		return
	}
	ctx, cancel := replyCtx(context.Background())
	defer cancel()
	first := parts[0]
	err := a.session.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content: first.content, Components: first.components,
			Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: allowedMentions(),
		},
	}, discordgo.WithContext(ctx))
	if err != nil {
		log.Warn("interaction answer failed", "err", err, "code", discordCode(err))
		a.fallbackDM(i, parts, log)
		return
	}
	a.followUps(i, parts[1:], log)
}

// answerLate delivers the core's response after a deferred answer: the
// first part replaces the "thinking…" placeholder, the rest follow.
func (a *Adapter) answerLate(i *discordgo.Interaction, resp bot.Response, log *slog.Logger) {
	parts := a.privateParts(resp)
	ctx, cancel := replyCtx(context.Background())
	defer cancel()
	if len(parts) == 0 {
		if err := a.session.InteractionResponseDelete(i, discordgo.WithContext(ctx)); err != nil {
			log.Warn("removing the placeholder failed", "err", err)
		}
		return
	}
	first := parts[0]
	comps := first.components
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	_, err := a.session.InteractionResponseEdit(i, &discordgo.WebhookEdit{
		Content: &first.content, Components: &comps, AllowedMentions: allowedMentions(),
	}, discordgo.WithContext(ctx))
	if err != nil {
		log.Warn("late answer failed", "err", err, "code", discordCode(err))
		a.fallbackDM(i, parts, log)
		return
	}
	a.followUps(i, parts[1:], log)
}

// privateParts renders everything a response shows the actor as messages.
// A form that cannot be the answer (after a deferral, or to a modal
// submit, which cannot open another modal) becomes a button that opens
// it; field errors become a message with a button that reopens the form,
// prefilled, since Discord cannot keep a modal open with errors.
func (a *Adapter) privateParts(resp bot.Response) []part {
	l := kit.Lang(resp.Lang)
	msgs := kit.Replies(resp)
	if len(resp.FieldErrors) > 0 {
		m := bot.Message{Text: fieldErrorText(l, resp.FieldErrors), Lang: resp.Lang}
		if resp.Reopen != nil {
			m.Choices = []bot.Choice{{ID: a.formButton(resp.ReopenAction, resp.Reopen, resp.Lang), Label: l.T("adapter.form.fix.button"), Style: bot.StylePrimary}}
		}
		msgs = append([]bot.Message{m}, msgs...)
	}
	if resp.Form != nil {
		label := l.T("adapter.form.open.button")
		if t := strings.TrimSpace(resp.Form.Title); t != "" {
			label = l.T("discord.form.open_titled.button", "Title", t)
		}
		msgs = append(msgs, bot.Message{
			Text:    l.T("discord.form.open.prompt"),
			Choices: []bot.Choice{{ID: a.formButton(resp.FormAction, resp.Form, resp.Lang), Label: label, Style: bot.StylePrimary}},
			Lang:    resp.Lang,
		})
	}
	return a.renderAll(msgs)
}

// formButton is the id of a button that opens f: the core's durable
// action for it when it kept the form, which works across a restart, or
// else a stash key, which opens f, in language lang, without asking the
// core.
func (a *Adapter) formButton(action string, f *bot.Form, lang string) string {
	if action != "" {
		return action
	}
	return a.stash.put(stashed{form: f, lang: lang})
}

// renderAll renders messages in order.
func (a *Adapter) renderAll(msgs []bot.Message) []part {
	var parts []part
	for _, m := range msgs {
		parts = append(parts, a.render(m)...)
	}
	return parts
}

// fieldErrorText lists field errors as a message in l, by field id.
func fieldErrorText(l i18n.Lang, errs map[string]string) string {
	return kit.FieldErrors(l, errs, l.T("discord.form.errors.end"))
}

// respondModal answers an interaction with a modal.
func (a *Adapter) respondModal(i *discordgo.Interaction, f bot.Form, l i18n.Lang, log *slog.Logger) {
	ctx, cancel := replyCtx(context.Background())
	defer cancel()
	err := a.session.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseModal, Data: a.modal(l, f),
	}, discordgo.WithContext(ctx))
	if err != nil {
		log.Warn("opening the form failed", "err", err, "code", discordCode(err))
	}
}

// acknowledge answers an interaction that needs no visible reply: a press
// quietly (deferred update), a command or a form with a short note in l.
func (a *Adapter) acknowledge(i *discordgo.Interaction, l i18n.Lang, log *slog.Logger) {
	ctx, cancel := replyCtx(context.Background())
	defer cancel()
	r := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	if i.Type == discordgo.InteractionApplicationCommand || (i.Type == discordgo.InteractionModalSubmit && i.Message == nil) {
		r = &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: l.T("discord.done"), Flags: discordgo.MessageFlagsEphemeral},
		}
	}
	if err := a.session.InteractionRespond(i, r, discordgo.WithContext(ctx)); err != nil {
		log.Warn("acknowledgement failed", "err", err, "code", discordCode(err))
	}
}

// followUps sends parts as ephemeral follow-up messages.
func (a *Adapter) followUps(i *discordgo.Interaction, parts []part, log *slog.Logger) {
	if len(parts) == 0 {
		return
	}
	ctx, cancel := replyCtx(context.Background())
	defer cancel()
	for n, p := range parts {
		_, err := a.session.FollowupMessageCreate(i, true, &discordgo.WebhookParams{
			Content: p.content, Components: p.components, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: allowedMentions(),
		}, discordgo.WithContext(ctx))
		if err != nil {
			log.Warn("follow-up failed", "err", err, "code", discordCode(err))
			a.fallbackDM(i, parts[n:], log)
			return
		}
	}
}

// fallbackDM delivers private parts in the user's DM when the interaction
// token no longer works (expired, or Discord trouble).
func (a *Adapter) fallbackDM(i *discordgo.Interaction, parts []part, log *slog.Logger) {
	user := ""
	switch {
	case i.Member != nil && i.Member.User != nil:
		user = i.Member.User.ID
	case i.User != nil:
		user = i.User.ID
	}
	ctx, cancel := replyCtx(context.Background())
	defer cancel()
	if err := a.sendParts(ctx, user, parts); err != nil {
		log.Warn("private reply lost", "err", err)
	}
}

// sendParts sends rendered parts to a user's DM.
func (a *Adapter) sendParts(ctx context.Context, user string, parts []part) error {
	ch, err := a.dms.Get(ctx, user)
	if err != nil {
		return err
	}
	for _, p := range parts {
		_, err := a.session.ChannelMessageSendComplex(ch, &discordgo.MessageSend{
			Content: p.content, Components: p.components, AllowedMentions: allowedMentions(),
		}, discordgo.WithContext(ctx))
		if err != nil {
			return classify("send DM", err)
		}
	}
	return nil
}

// onMessage handles MESSAGE_CREATE: a DM to the bot becomes a DM event; with
// message content on, a reply to a bot message in a guild channel (a
// Discord reply, or a message in a thread started from the bot's message)
// becomes a reply event. Group chat itself is never read.
func (a *Adapter) onMessage(m *discordgo.Message) {
	h, ctx, ok := a.state()
	if !ok || m == nil || m.Author == nil || m.Author.Bot {
		return
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return
	}
	a.mu.Lock()
	self := a.botUser
	a.mu.Unlock()
	if m.Author.ID == self {
		return
	}
	if !a.seen.FirstSight("message:"+m.ID, time.Now()) {
		return
	}
	ev := bot.Event{ID: m.ID, Platform: Platform, User: bot.User{ID: m.Author.ID, Name: userName(m.Author)}, Text: m.Content}
	if m.Member != nil && m.Member.Nick != "" {
		ev.User.Name = m.Member.Nick
	}
	rctx, cancel := replyCtx(ctx)
	defer cancel()
	switch {
	case m.GuildID == "":
		ev.Kind, ev.DM, ev.Channel = bot.EventDM, true, m.ChannelID
	case !a.cfg.MessageContent:
		return
	default:
		ev.Workspace = m.GuildID
		ref, channel, ok := a.replyTarget(rctx, m, self)
		if !ok {
			return
		}
		ev.Kind, ev.Channel, ev.Thread = bot.EventReply, channel, ref
	}
	if strings.TrimSpace(ev.Text) == "" {
		return
	}
	log := a.log.With("message", m.ID, "kind", ev.Kind.String(), "user", ev.User.ID)
	if !a.begin() {
		return
	}
	defer a.inflight.Done()
	resp := <-a.queue.Handle(ctx, h, ev)
	parts := a.privateParts(bot.Response{Messages: resp.Messages, FieldErrors: resp.FieldErrors})
	if len(parts) == 0 {
		return
	}
	// A message has no private answer on Discord but the DM.
	if err := a.sendParts(rctx, ev.User.ID, parts); err != nil {
		log.Warn("private reply lost", "err", err)
	}
}

// replyTarget finds the bot message a guild message replies to: the message
// it references, when the bot wrote it, or the message a thread was
// started from (a thread started from a message has that message's id).
// channel is the channel of that message, where the house lives.
func (a *Adapter) replyTarget(ctx context.Context, m *discordgo.Message, self string) (bot.MessageRef, string, bool) {
	if m.MessageReference != nil && m.ReferencedMessage != nil && m.ReferencedMessage.Author != nil &&
		self != "" && m.ReferencedMessage.Author.ID == self {
		ch := m.MessageReference.ChannelID
		if ch == "" {
			ch = m.ChannelID
		}
		if info := a.channelInfo(ctx, ch); info.thread && info.parent != "" && ch == m.ReferencedMessage.ID {
			ch = info.parent
		}
		return bot.MessageRef{Channel: ch, ID: m.ReferencedMessage.ID}, ch, true
	}
	info := a.channelInfo(ctx, m.ChannelID)
	if info.thread && info.parent != "" {
		return bot.MessageRef{Channel: info.parent, ID: m.ChannelID}, info.parent, true
	}
	return bot.MessageRef{}, "", false
}

// channelInfo says whether a channel is a thread and of which channel,
// from discordgo's state when it has the channel, else from REST, cached.
func (a *Adapter) channelInfo(ctx context.Context, id string) channelInfo {
	info, ok := a.channels.Get(id, time.Now())
	if ok {
		return info
	}
	var c *discordgo.Channel
	if a.session.State != nil {
		c, _ = a.session.State.Channel(id)
	}
	if c == nil {
		var err error
		c, err = a.session.Channel(id, discordgo.WithContext(ctx))
		if err != nil {
			// No channel id: this one may be a member's DM.
			a.log.Warn("channel lookup failed", "code", platformCode(err), "err", bot.SafeError(err))
			return channelInfo{}
		}
	}
	info = channelInfo{thread: c.IsThread(), parent: c.ParentID, guild: c.GuildID}
	a.channels.Put(id, info, time.Now())
	return info
}

// onMember turns a member joining or leaving a guild into a member event.
// The event names the guild's house channel when the config gives one.
func (a *Adapter) onMember(kind bot.EventKind, id, guild string, u *discordgo.User) {
	h, ctx, ok := a.state()
	if !ok || u.Bot {
		return
	}
	if id != "" && !a.seen.FirstSight(id, time.Now()) {
		return
	}
	ev := bot.Event{
		ID: id, Platform: Platform, Kind: kind, User: bot.User{ID: u.ID, Name: userName(u)},
		Workspace: guild, Channel: a.cfg.HouseChannels[guild],
	}
	if !a.begin() {
		return
	}
	defer a.inflight.Done()
	resp := <-a.queue.Handle(ctx, h, ev)
	if parts := a.privateParts(bot.Response{Messages: resp.Messages}); len(parts) > 0 && kind == bot.EventMemberJoined {
		rctx, cancel := replyCtx(ctx)
		defer cancel()
		if err := a.sendParts(rctx, u.ID, parts); err != nil {
			a.log.Warn("welcome message lost", "user", u.ID, "err", err)
		}
	}
}
