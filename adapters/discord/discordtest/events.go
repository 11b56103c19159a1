package discordtest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
)

// Discord's interaction windows: the initial response within 3 s, then
// follow-ups and edits for 15 min with the same token.
const (
	responseWindow = 3 * time.Second
	followupWindow = 15 * time.Minute
)

// Interaction types.
const (
	interactionCommand      = 2
	interactionComponent    = 3
	interactionAutocomplete = 4
	interactionModalSubmit  = 5
)

// Application command option types, as Discord numbers them.
const (
	OptionSubCommand      = 1
	OptionSubCommandGroup = 2
	OptionString          = 3
	OptionInteger         = 4
	OptionBoolean         = 5
	OptionUser            = 6
	OptionChannel         = 7
	OptionRole            = 8
	OptionNumber          = 10
)

// Message component types a user can interact with.
const (
	ComponentButton       = 2
	ComponentStringSelect = 3
	ComponentUserSelect   = 5
)

// interaction is the fake's state for one dispatched interaction.
type interaction struct {
	id, token, appID string
	kind             int
	guildID          string
	channelID        string
	userID           string
	messageID        string // the message with the component, if any
	created          time.Time
	acked            bool
	expired          bool
	responseType     int
	originalID       string
	followups        []string
	modal            map[string]any
}

// owners is authorizing_integration_owners for a bot installed to a guild.
func (in *interaction) owners() map[string]any {
	if in.guildID == "" {
		return map[string]any{"0": "0"}
	}
	return map[string]any{"0": in.guildID}
}

// Interaction identifies a dispatched interaction: its callback URL is
// /api/v9/interactions/{ID}/{Token}/callback.
type Interaction struct {
	ID        string
	Token     string
	ChannelID string
	GuildID   string // "" in a DM
}

// InteractionState is what the client has done with an interaction.
type InteractionState struct {
	Acknowledged bool
	// ResponseType is the callback type (4 message, 5 deferred, 6 deferred
	// update, 7 update, 9 modal), 0 before the response.
	ResponseType int
	// OriginalID is the message @original refers to, if any.
	OriginalID string
	// Followups are follow-up message ids, in order.
	Followups []string
	// Modal is the modal's data (custom_id, title, components) for type 9.
	Modal map[string]any
}

// InteractionState returns the state of a dispatched interaction.
func (s *Server) InteractionState(id string) (InteractionState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.inters[id]
	if !ok {
		return InteractionState{}, false
	}
	return InteractionState{
		Acknowledged: in.acked, ResponseType: in.responseType, OriginalID: in.originalID,
		Followups: append([]string(nil), in.followups...), Modal: in.modal,
	}, true
}

// ExpireInteraction makes an interaction's token invalid at once, as after
// Discord's 3 s response window or 15 min follow-up window: callbacks then
// get 10062 and webhooks 50027. The windows are also enforced against
// Config.Now, so a test with an injected clock can simply advance it.
func (s *Server) ExpireInteraction(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in, ok := s.inters[id]; ok {
		in.expired = true
	}
}

// Option is one option of an application command invocation.
type Option struct {
	Name string
	// Type is an Option* constant.
	Type int
	// Value is a string, number or bool; for OptionUser, the user id.
	Value any
	// Options are a subcommand's options.
	Options []Option
}

// Command is an application (slash) command invocation.
type Command struct {
	Name    string
	Options []Option
	// UserID is who ran it; "" means UserRobin.
	UserID string
	// ChannelID is where; "" means ChannelGeneral, or with InDM the user's
	// DM channel. A DM channel makes it a DM interaction (user, not member).
	ChannelID string
	InDM      bool
}

// ComponentPress is a click on a button or a choice in a select menu.
type ComponentPress struct {
	CustomID string
	// ComponentType is a Component* constant; 0 means a button.
	ComponentType int
	// Values are the chosen values of a select menu.
	Values []string
	// MessageID is the message carrying the component; if the fake does
	// not know it, a bot message is made up.
	MessageID string
	UserID    string
	ChannelID string
	InDM      bool
}

// TextValue is one input's answer in a modal submission: a text input's
// text, or the value chosen in a select ("" for none).
type TextValue struct {
	CustomID string
	Value    string
}

// ModalSubmit is a submitted modal.
type ModalSubmit struct {
	CustomID string
	Values   []TextValue
	// MessageID is set when the modal was opened from a component on that
	// message; it allows update-type responses.
	MessageID string
	UserID    string
	ChannelID string
	InDM      bool
}

// IncomingMessage is a user's message for MESSAGE_CREATE.
type IncomingMessage struct {
	UserID string
	// ChannelID is a guild channel, thread or DM channel; "" means
	// ChannelGeneral, or with InDM the user's DM channel.
	ChannelID string
	InDM      bool
	Content   string
	// MentionBot prefixes the content with a mention of the bot, which
	// also makes Discord include the content without MESSAGE_CONTENT.
	MentionBot bool
}

// DispatchCommand dispatches INTERACTION_CREATE for a slash command.
func (s *Server) DispatchCommand(c Command) (Interaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	opts, resolved := s.optionsJSONLocked(c.Options)
	data := map[string]any{"id": s.commandIDLocked(c.Name), "name": c.Name, "type": 1}
	if len(opts) > 0 {
		data["options"] = opts
	}
	if len(resolved) > 0 {
		data["resolved"] = resolved
	}
	return s.dispatchInteractionLocked(interactionCommand, c.UserID, c.ChannelID, c.InDM, "", data)
}

// DispatchComponent dispatches INTERACTION_CREATE for a component.
func (s *Server) DispatchComponent(p ComponentPress) (Interaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	typ := p.ComponentType
	if typ == 0 {
		typ = ComponentButton
	}
	data := map[string]any{"custom_id": p.CustomID, "component_type": typ}
	if typ != ComponentButton {
		values := p.Values
		if values == nil {
			values = []string{}
		}
		data["values"] = values
	}
	return s.dispatchInteractionLocked(interactionComponent, p.UserID, p.ChannelID, p.InDM, p.MessageID, data)
}

// DispatchModalSubmit dispatches INTERACTION_CREATE for a modal submission
// in the shape Discord sends for the modal the bot last showed this user
// with that custom id: for a Label, {"type":18,"component":{…}} holding a
// text input's "value" or a select's "values"; for an old action row, the
// row with its text input. A value for a select must be one of its
// options ("" chooses none), and a required input must be answered, as
// Discord's client enforces. Without a shown modal, every value is sent as
// a text input in a Label.
func (s *Server) DispatchModalSubmit(m ModalSubmit) (Interaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	user := m.UserID
	if user == "" {
		user = UserRobin
	}
	given := map[string]string{}
	for _, v := range m.Values {
		given[v.CustomID] = v.Value
	}
	var comps []any
	if shown := s.shownModalLocked(user, m.CustomID); shown != nil {
		var err error
		if comps, err = submittedComponents(shown, given); err != nil {
			return Interaction{}, err
		}
	} else {
		for i, v := range m.Values {
			comps = append(comps, map[string]any{"type": componentLabel, "id": 2*i + 1, "component": map[string]any{
				"type": componentTextInput, "id": 2*i + 2, "custom_id": v.CustomID, "value": v.Value,
			}})
		}
	}
	data := map[string]any{"custom_id": m.CustomID, "components": comps}
	return s.dispatchInteractionLocked(interactionModalSubmit, m.UserID, m.ChannelID, m.InDM, m.MessageID, data)
}

// shownModalLocked is the modal most recently shown to user with customID.
func (s *Server) shownModalLocked(user, customID string) map[string]any {
	var best *interaction
	for _, in := range s.inters {
		if in.userID == user && in.modal != nil && str(in.modal["custom_id"]) == customID &&
			(best == nil || in.created.After(best.created) || (in.created.Equal(best.created) && idLess(best.id, in.id))) {
			best = in
		}
	}
	if best == nil {
		return nil
	}
	return best.modal
}

// idLess orders snowflakes.
func idLess(a, b string) bool { return len(a) < len(b) || (len(a) == len(b) && a < b) }

// submittedComponents answers a shown modal's inputs with given values.
func submittedComponents(modal map[string]any, given map[string]string) ([]any, error) {
	var out []any
	n := 0
	next := func() int { n++; return n }
	answer := func(c map[string]any) (map[string]any, error) {
		id := str(c["custom_id"])
		v, ok := given[id]
		req := c["required"] != false // true unless sent false
		switch number(c["type"]) {
		case componentStringSelect:
			values := []string{}
			if ok && v != "" {
				found := false
				for _, o := range list(c["options"]) {
					opt, _ := o.(map[string]any)
					found = found || str(opt["value"]) == v
				}
				if !found {
					return nil, fmt.Errorf("discordtest: %q is not an option of select %q", v, id)
				}
				values = append(values, v)
			} else if !ok {
				// Untouched: the client submits the options marked default.
				for _, o := range list(c["options"]) {
					if opt, _ := o.(map[string]any); opt["default"] == true {
						values = append(values, str(opt["value"]))
					}
				}
			}
			if req && len(values) == 0 {
				return nil, fmt.Errorf("discordtest: select %q is required", id)
			}
			return map[string]any{"type": componentStringSelect, "id": next(), "custom_id": id, "values": values}, nil
		default:
			if !ok {
				v = str(c["value"]) // untouched: the prefilled text
			}
			if req && v == "" {
				return nil, fmt.Errorf("discordtest: text input %q is required", id)
			}
			return map[string]any{"type": componentTextInput, "id": next(), "custom_id": id, "value": v}, nil
		}
	}
	for _, t := range list(modal["components"]) {
		top, _ := t.(map[string]any)
		switch number(top["type"]) {
		case componentLabel:
			child, _ := top["component"].(map[string]any)
			id := next()
			a, err := answer(child)
			if err != nil {
				return nil, err
			}
			out = append(out, map[string]any{"type": componentLabel, "id": id, "component": a})
		case componentActionRow:
			id := next()
			var inner []any
			for _, c := range list(top["components"]) {
				child, _ := c.(map[string]any)
				a, err := answer(child)
				if err != nil {
					return nil, err
				}
				inner = append(inner, a)
			}
			out = append(out, map[string]any{"type": componentActionRow, "id": id, "components": inner})
		}
	}
	return out, nil
}

// commandIDLocked returns the id the last bulk overwrite gave a command,
// or a stable made-up one if it was never registered.
func (s *Server) commandIDLocked(name string) string {
	for _, scope := range []string{"", GuildID, "unregistered"} {
		if id, ok := s.cmdIDs[scope+"/"+name]; ok {
			return id
		}
	}
	id := s.newIDLocked()
	s.cmdIDs["unregistered/"+name] = id
	return id
}

// optionsJSONLocked renders options and the "resolved" map for user
// options.
func (s *Server) optionsJSONLocked(opts []Option) ([]any, map[string]any) {
	users := map[string]any{}
	var render func([]Option) []any
	render = func(opts []Option) []any {
		out := make([]any, 0, len(opts))
		for _, o := range opts {
			j := map[string]any{"name": o.Name, "type": o.Type}
			if o.Type == OptionSubCommand || o.Type == OptionSubCommandGroup {
				j["options"] = render(o.Options)
			} else {
				j["value"] = o.Value
			}
			if id, isUser := o.Value.(string); isUser && o.Type == OptionUser {
				users[id] = s.userJSONLocked(id)
			}
			out = append(out, j)
		}
		return out
	}
	out := render(opts)
	if len(users) == 0 {
		return out, nil
	}
	return out, map[string]any{"users": users}
}

// placeChannelLocked resolves the channel of an event.
func (s *Server) placeChannelLocked(userID, channelID string, inDM bool) (*Channel, error) {
	switch {
	case channelID != "":
	case inDM:
		channelID = s.dmChannelLocked(userID)
	default:
		channelID = ChannelGeneral
	}
	c, ok := s.channels[channelID]
	if !ok {
		return nil, fmt.Errorf("discordtest: unknown channel %s", channelID)
	}
	return c, nil
}

// dispatchInteractionLocked builds and dispatches INTERACTION_CREATE. A
// guild interaction carries member (with member.user); a DM carries user.
func (s *Server) dispatchInteractionLocked(kind int, userID, channelID string, inDM bool, messageID string, data map[string]any) (Interaction, error) {
	if s.closed {
		return Interaction{}, errClosed
	}
	if userID == "" {
		userID = UserRobin
	}
	u, ok := s.users[userID]
	if !ok {
		return Interaction{}, fmt.Errorf("discordtest: unknown user %s", userID)
	}
	locale := u.Locale
	if locale == "" {
		locale = "en-US"
	}
	c, err := s.placeChannelLocked(userID, channelID, inDM)
	if err != nil {
		return Interaction{}, err
	}
	in := &interaction{
		id: s.newIDLocked(), appID: AppID, kind: kind, guildID: c.GuildID,
		channelID: c.ID, userID: userID, messageID: messageID, created: s.cfg.Now(),
	}
	in.token = base64.RawURLEncoding.EncodeToString([]byte("interaction:" + in.id + ":" + randomHex(32)))

	channel := s.channelJSONLocked(c)
	p := map[string]any{
		"id":                             in.id,
		"application_id":                 AppID,
		"type":                           kind,
		"data":                           data,
		"channel_id":                     c.ID,
		"channel":                        channel,
		"token":                          in.token,
		"version":                        1,
		"locale":                         locale,
		"app_permissions":                appPermissions,
		"entitlements":                   []any{},
		"entitlement_sku_ids":            []any{},
		"authorizing_integration_owners": in.owners(),
		"attachment_size_limit":          10485760,
	}
	if c.GuildID != "" {
		m, ok := s.members[c.GuildID+"/"+userID]
		if !ok {
			return Interaction{}, fmt.Errorf("discordtest: user %s is not a member of guild %s", userID, c.GuildID)
		}
		channel["permissions"] = memberPermissions
		p["guild_id"] = c.GuildID
		p["guild_locale"] = "en-US"
		p["guild"] = map[string]any{"id": c.GuildID, "locale": "en-US", "features": []any{}}
		p["member"] = s.memberJSONLocked(m, true, true)
		p["context"] = 0
	} else {
		p["user"] = s.userJSONLocked(userID)
		p["context"] = 1
	}
	if kind == interactionComponent || (kind == interactionModalSubmit && messageID != "") {
		p["message"] = s.componentMessageLocked(in, c, data)
	}
	if !s.anySessionLocked() {
		return Interaction{}, errNoSession
	}
	s.inters[in.id] = in
	s.dispatchLocked("INTERACTION_CREATE", func(int) (any, bool) { return p, true })
	return Interaction{ID: in.id, Token: in.token, ChannelID: c.ID, GuildID: c.GuildID}, nil
}

// componentMessageLocked returns the message a component interaction came
// from, making one up (and remembering it) when the fake does not know it:
// a bot message holding the pressed component.
func (s *Server) componentMessageLocked(in *interaction, c *Channel, data map[string]any) map[string]any {
	m, ok := s.messages[in.messageID]
	if !ok {
		m = &Message{ID: in.messageID, ChannelID: c.ID, GuildID: c.GuildID, AuthorID: AppID, Timestamp: s.cfg.Now().UTC()}
		if id, _ := data["custom_id"].(string); in.kind == interactionComponent {
			item := map[string]any{"type": ComponentButton, "id": 2, "style": 1, "label": "Open", "custom_id": id}
			if values, isSelect := data["values"].([]string); isSelect {
				options := []any{}
				for _, v := range values {
					options = append(options, map[string]any{"label": v, "value": v})
				}
				item = map[string]any{"type": data["component_type"], "id": 2, "custom_id": id, "options": options, "min_values": 1, "max_values": 1}
			}
			m.Components, _ = json.Marshal([]any{map[string]any{"type": componentActionRow, "id": 1, "components": []any{item}}})
		}
		if m.ID == "" {
			m.ID = s.newIDLocked()
		}
		s.messages[m.ID] = m
		s.msgOrder = append(s.msgOrder, m.ID)
		in.messageID = m.ID
	}
	return s.messageJSONLocked(m)
}

// anySessionLocked reports whether a live session exists.
func (s *Server) anySessionLocked() bool {
	for _, sess := range s.sessions {
		if !sess.dead {
			return true
		}
	}
	return false
}

// DispatchMessage dispatches MESSAGE_CREATE for a user's message and
// returns its id. As on Discord, guild messages need the GUILD_MESSAGES
// intent and DMs DIRECT_MESSAGES; a guild message's content (and embeds,
// attachments, components) is blank without MESSAGE_CONTENT unless it
// mentions the bot.
func (s *Server) DispatchMessage(im IncomingMessage) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "", errClosed
	}
	if im.UserID == "" {
		im.UserID = UserRobin
	}
	if _, ok := s.users[im.UserID]; !ok {
		return "", fmt.Errorf("discordtest: unknown user %s", im.UserID)
	}
	c, err := s.placeChannelLocked(im.UserID, im.ChannelID, im.InDM)
	if err != nil {
		return "", err
	}
	content := im.Content
	if im.MentionBot {
		content = "<@" + AppID + "> " + content
	}
	m := &Message{
		ID: s.newIDLocked(), ChannelID: c.ID, GuildID: c.GuildID, AuthorID: im.UserID,
		Content: content, Timestamp: s.cfg.Now().UTC(),
	}
	s.messages[m.ID] = m
	s.msgOrder = append(s.msgOrder, m.ID)

	full := s.messageJSONLocked(m)
	full["channel_type"] = c.Type
	if im.MentionBot {
		bot := s.userJSONLocked(AppID)
		if bm, ok := s.members[c.GuildID+"/"+AppID]; ok && c.GuildID != "" {
			bot["member"] = s.memberJSONLocked(bm, false, false)
		}
		full["mentions"] = []any{bot}
	}
	need := IntentDirectMessages
	if c.GuildID != "" {
		need = IntentGuildMessages
		full["guild_id"] = c.GuildID
		if mem, ok := s.members[c.GuildID+"/"+im.UserID]; ok {
			full["member"] = s.memberJSONLocked(mem, false, false)
		}
	}
	blank := map[string]any{}
	for k, v := range full {
		blank[k] = v
	}
	blank["content"] = ""
	blank["embeds"] = []any{}
	blank["attachments"] = []any{}
	blank["components"] = []any{}
	n := s.dispatchLocked("MESSAGE_CREATE", func(intents int) (any, bool) {
		if intents&need == 0 {
			return nil, false
		}
		if c.GuildID != "" && !im.MentionBot && intents&IntentMessageContent == 0 {
			return blank, true
		}
		return full, true
	})
	if n == 0 {
		return m.ID, errNoSession
	}
	return m.ID, nil
}

// DispatchMemberAdd adds a user (if new) and their membership, and
// dispatches GUILD_MEMBER_ADD, which needs the privileged GUILD_MEMBERS
// intent.
func (s *Server) DispatchMemberAdd(guildID string, u User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	if !s.knownGuildLocked(guildID) {
		return fmt.Errorf("discordtest: unknown guild %s", guildID)
	}
	if _, ok := s.users[u.ID]; !ok {
		s.users[u.ID] = u
	}
	m := &Member{GuildID: guildID, UserID: u.ID, JoinedAt: s.cfg.Now().UTC()}
	s.members[guildID+"/"+u.ID] = m
	p := s.memberJSONLocked(m, true, false)
	p["guild_id"] = guildID
	return s.dispatchMember("GUILD_MEMBER_ADD", p)
}

// DispatchMemberRemove removes a membership and dispatches
// GUILD_MEMBER_REMOVE {"guild_id","user"}.
func (s *Server) DispatchMemberRemove(guildID, userID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	delete(s.members, guildID+"/"+userID)
	return s.dispatchMember("GUILD_MEMBER_REMOVE", map[string]any{"guild_id": guildID, "user": s.userJSONLocked(userID)})
}

// dispatchMember sends a member event to sessions with GUILD_MEMBERS.
func (s *Server) dispatchMember(eventType string, p map[string]any) error {
	n := s.dispatchLocked(eventType, func(intents int) (any, bool) {
		return p, intents&IntentGuildMembers != 0
	})
	if n == 0 {
		return errNoSession
	}
	return nil
}

// Dispatch sends any event, with data marshalled as is (for example a
// fixture from testdata), to every live session regardless of intents.
func (s *Server) Dispatch(eventType string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("discordtest: dispatch %s: %w", eventType, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	if s.dispatchLocked(eventType, func(int) (any, bool) { return json.RawMessage(raw), true }) == 0 {
		return errNoSession
	}
	return nil
}
