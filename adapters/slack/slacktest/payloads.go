package slacktest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// verificationToken is the deprecated verification token Slack still puts
// in payloads; clients ignore it in Socket Mode.
const verificationToken = "verification-token-0001"

// MessageEvent is a "message" event from a user: message.im when Channel is
// a DM (D...), message.channels or message.groups otherwise, and a thread
// reply when ThreadTS is set. SendEvent also adds it to the fake's message
// record.
type MessageEvent struct {
	User    string
	Channel string
	// ChannelType is "im", "mpim", "channel" or "group"; when empty it
	// follows from the channel id.
	ChannelType string
	Text        string
	// TS is generated when empty.
	TS       string
	ThreadTS string
	// ParentUserID is the author of the thread's first message.
	ParentUserID string
	Subtype      string
	BotID        string
}

// MemberJoinedChannel is a member_joined_channel event.
type MemberJoinedChannel struct {
	User    string
	Channel string
	// ChannelType is "C" (public) or "G" (private); when empty it follows
	// from the channel id.
	ChannelType string
	Inviter     string
}

// MemberLeftChannel is a member_left_channel event.
type MemberLeftChannel struct {
	User        string
	Channel     string
	ChannelType string // "C" or "G", as for MemberJoinedChannel
}

// SlashCommand is a slash command invocation, delivered as a slash_commands
// envelope that accepts a response payload.
type SlashCommand struct {
	Command string // such as "/porch-checkin"
	Text    string
	UserID  string
	// UserName defaults to the name of the user added with AddUser.
	UserName    string
	ChannelID   string
	ChannelName string // defaults to "directmessage" in a DM, else "general"
	// TriggerID and ResponseURL are generated when empty.
	TriggerID   string
	ResponseURL string
}

// Option is a choice in a select menu or a set of checkboxes.
type Option struct {
	Value string
	Text  string
}

// json renders an option object.
func (o Option) json() map[string]any {
	text := o.Text
	if text == "" {
		text = o.Value
	}
	return map[string]any{
		"text":  map[string]any{"type": "plain_text", "text": text, "emoji": true},
		"value": o.Value,
	}
}

// Action is one action in a block_actions payload: a button press or a
// menu choice.
type Action struct {
	ActionID string
	// BlockID is generated when empty.
	BlockID string
	// Type defaults to "button", or "static_select" when SelectedOption is set.
	Type  string
	Value string
	// Text is a button's label.
	Text           string
	SelectedOption *Option
}

// BlockActions is a block_actions interaction: buttons or menus in a
// message (set ChannelID and MessageTS) or in a modal (set ViewID).
type BlockActions struct {
	UserID   string
	UserName string
	// ChannelID and MessageTS locate the message holding the elements; its
	// text and blocks come from the fake's record when it knows the message.
	ChannelID   string
	ChannelName string
	MessageTS   string
	// ViewID is the modal holding the elements, for actions in a view.
	ViewID  string
	Actions []Action
	// TriggerID and ResponseURL (for messages) are generated when empty.
	TriggerID   string
	ResponseURL string
}

// Value is the state of one input in a view_submission.
type Value struct {
	// Type is the element's type. When empty it is the type of the
	// element at that block and action in the view the submission is
	// for, or else the type implied by the field that is set:
	// "static_select", "checkboxes", "datepicker", "timepicker",
	// "datetimepicker", "users_select", or "plain_text_input".
	Type            string
	Value           string // a text or number input's text, such as "12"
	SelectedOption  *Option
	SelectedOptions []Option
	SelectedDate    string // "2024-05-01"
	SelectedTime    string // "09:30"
	// SelectedDateTime is a datetimepicker's moment, in Unix seconds.
	SelectedDateTime int64
	SelectedUser     string
}

// json renders the value as Slack puts it in view.state.values.
func (v Value) json() map[string]any {
	out := map[string]any{}
	typ := v.Type
	switch {
	case typ != "":
	case v.SelectedOption != nil:
		typ = "static_select"
	case v.SelectedOptions != nil:
		typ = "checkboxes"
	case v.SelectedDate != "":
		typ = "datepicker"
	case v.SelectedTime != "":
		typ = "timepicker"
	case v.SelectedDateTime != 0:
		typ = "datetimepicker"
	case v.SelectedUser != "":
		typ = "users_select"
	default:
		typ = "plain_text_input"
	}
	out["type"] = typ
	switch typ {
	case "static_select", "external_select", "radio_buttons":
		if v.SelectedOption != nil {
			out["selected_option"] = v.SelectedOption.json()
		} else {
			out["selected_option"] = nil
		}
	case "checkboxes", "multi_static_select":
		opts := []any{}
		for _, o := range v.SelectedOptions {
			opts = append(opts, o.json())
		}
		out["selected_options"] = opts
	case "datepicker":
		out["selected_date"] = nullable(v.SelectedDate)
	case "timepicker":
		out["selected_time"] = nullable(v.SelectedTime)
	case "datetimepicker":
		if v.SelectedDateTime != 0 {
			out["selected_date_time"] = v.SelectedDateTime
		} else {
			out["selected_date_time"] = nil
		}
	case "users_select":
		out["selected_user"] = nullable(v.SelectedUser)
	default:
		// An empty text input comes as null, not "".
		out["value"] = nullable(v.Value)
	}
	return out
}

// nullable returns nil for "", so the field marshals as null.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ViewSubmission is a view_submission interaction: the user pressed a
// modal's submit button. The envelope accepts a response payload, such as
// {"response_action":"errors","errors":{...}}.
type ViewSubmission struct {
	UserID   string
	UserName string
	// ViewID names a view the fake opened; its blocks, callback_id and
	// private_metadata are used. When empty or unknown, a bare modal is made.
	ViewID string
	// CallbackID and PrivateMetadata, when set, override the view's own.
	CallbackID      string
	PrivateMetadata string
	// Values are the inputs, by block_id then action_id.
	Values map[string]map[string]Value
	// TriggerID is generated when empty.
	TriggerID string
}

// teamJSON is the "team" object of interaction payloads.
func (s *Server) teamJSON() map[string]any {
	return map[string]any{"id": s.cfg.TeamID, "domain": s.cfg.TeamDomain}
}

// userRefLocked is the "user" object of interaction payloads. The caller
// holds s.mu.
func (s *Server) userRefLocked(id, name string) map[string]any {
	if name == "" {
		name = s.userNameLocked(id)
	}
	return map[string]any{"id": id, "username": name, "name": name, "team_id": s.cfg.TeamID}
}

// channelType returns the channel_type of a message event in channel.
func channelType(channel string) string {
	switch {
	case strings.HasPrefix(channel, "D"):
		return "im"
	case strings.HasPrefix(channel, "G"):
		return "group"
	default:
		return "channel"
	}
}

// memberChannelType returns the channel_type of a member event in channel.
func memberChannelType(channel string) string {
	if strings.HasPrefix(channel, "G") {
		return "G"
	}
	return "C"
}

// richText renders text as the rich_text block Slack attaches to a user's
// message.
func richText(blockID, text string) []any {
	return []any{map[string]any{
		"type": "rich_text", "block_id": blockID,
		"elements": []any{map[string]any{
			"type":     "rich_text_section",
			"elements": []any{map[string]any{"type": "text", "text": text}},
		}},
	}}
}

// SendEvent pushes an events_api envelope carrying an event_callback around
// ev. ev is a MessageEvent, MemberJoinedChannel or MemberLeftChannel, or any
// other value (a map, a struct, json.RawMessage) that marshals to an inner
// event with a "type".
func (s *Server) SendEvent(ev any) (Sent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sent Sent
	var inner any
	switch e := ev.(type) {
	case MessageEvent:
		if e.TS == "" {
			e.TS = s.tsLocked()
		}
		if e.ChannelType == "" {
			e.ChannelType = channelType(e.Channel)
		}
		m := map[string]any{
			"type": "message", "text": e.Text, "user": e.User, "ts": e.TS,
			"team": s.cfg.TeamID, "channel": e.Channel, "event_ts": e.TS,
			"channel_type": e.ChannelType,
		}
		if e.Subtype == "" {
			m["client_msg_id"] = s.uuidLocked()
			m["blocks"] = richText(fmt.Sprintf("b%d", s.nextLocked()), e.Text)
		} else {
			m["subtype"] = e.Subtype
		}
		if e.BotID != "" {
			m["bot_id"] = e.BotID
		}
		if e.ThreadTS != "" {
			m["thread_ts"] = e.ThreadTS
			if e.ParentUserID != "" {
				m["parent_user_id"] = e.ParentUserID
			}
		}
		inner = m
		sent.TS = e.TS
		s.messages = append(s.messages, Message{
			Channel: e.Channel, TS: e.TS, ThreadTS: e.ThreadTS, User: e.User, BotID: e.BotID, Text: e.Text,
		})
	case MemberJoinedChannel:
		if e.ChannelType == "" {
			e.ChannelType = memberChannelType(e.Channel)
		}
		m := map[string]any{
			"type": "member_joined_channel", "user": e.User, "channel": e.Channel,
			"channel_type": e.ChannelType, "team": s.cfg.TeamID, "event_ts": s.tsLocked(),
		}
		if e.Inviter != "" {
			m["inviter"] = e.Inviter
		}
		inner = m
	case MemberLeftChannel:
		if e.ChannelType == "" {
			e.ChannelType = memberChannelType(e.Channel)
		}
		inner = map[string]any{
			"type": "member_left_channel", "user": e.User, "channel": e.Channel,
			"channel_type": e.ChannelType, "team": s.cfg.TeamID, "event_ts": s.tsLocked(),
		}
	default:
		inner = ev
	}
	innerJSON, err := json.Marshal(inner)
	if err != nil {
		return Sent{}, fmt.Errorf("slacktest: marshal event: %w", err)
	}
	var head struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(innerJSON, &head) != nil || head.Type == "" {
		return Sent{}, fmt.Errorf("slacktest: send event: inner event has no type")
	}
	sent.EventID = fmt.Sprintf("Ev%08d", s.nextLocked())
	payload := rawJSON(map[string]any{
		"token":                 verificationToken,
		"team_id":               s.cfg.TeamID,
		"context_team_id":       s.cfg.TeamID,
		"context_enterprise_id": nil,
		"api_app_id":            s.cfg.AppID,
		"event":                 json.RawMessage(innerJSON),
		"type":                  "event_callback",
		"event_id":              sent.EventID,
		"event_time":            baseTime + s.seq/1000000,
		"authorizations": []any{map[string]any{
			"enterprise_id": nil, "team_id": s.cfg.TeamID, "user_id": s.cfg.BotUserID,
			"is_bot": true, "is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         "4-" + head.Type + "-" + s.cfg.TeamID + "-" + sent.EventID,
	})
	return s.sendLocked(Envelope{Type: TypeEventsAPI, Payload: payload}, sent)
}

// issueTriggerLocked returns id, or a new trigger id the fake remembers so
// that views.open accepts it once. The caller holds s.mu.
func (s *Server) issueTriggerLocked(id string) string {
	if id == "" {
		id = s.triggerIDLocked()
		s.triggers[id] = false
	}
	return id
}

// SendSlashCommand pushes a slash_commands envelope.
func (s *Server) SendSlashCommand(cmd SlashCommand) (Sent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cmd.UserName == "" {
		cmd.UserName = s.userNameLocked(cmd.UserID)
	}
	if cmd.ChannelName == "" {
		cmd.ChannelName = "general"
		if strings.HasPrefix(cmd.ChannelID, "D") {
			cmd.ChannelName = "directmessage"
		}
	}
	cmd.TriggerID = s.issueTriggerLocked(cmd.TriggerID)
	if cmd.ResponseURL == "" {
		cmd.ResponseURL = s.responseURLLocked("commands", cmd.ChannelID, cmd.UserID, "")
	}
	payload := rawJSON(map[string]any{
		"token":                 verificationToken,
		"team_id":               s.cfg.TeamID,
		"team_domain":           s.cfg.TeamDomain,
		"channel_id":            cmd.ChannelID,
		"channel_name":          cmd.ChannelName,
		"user_id":               cmd.UserID,
		"user_name":             cmd.UserName,
		"command":               cmd.Command,
		"text":                  cmd.Text,
		"api_app_id":            s.cfg.AppID,
		"is_enterprise_install": false,
		"response_url":          cmd.ResponseURL,
		"trigger_id":            cmd.TriggerID,
	})
	sent := Sent{TriggerID: cmd.TriggerID, ResponseURL: cmd.ResponseURL}
	return s.sendLocked(Envelope{Type: TypeSlashCommands, Payload: payload, AcceptsResponsePayload: true}, sent)
}

// viewJSONLocked returns the view object of a stored view, or a bare modal
// with the given id. The caller holds s.mu.
func (s *Server) viewJSONLocked(id string) map[string]any {
	if v, ok := s.views[id]; ok {
		var out map[string]any
		if json.Unmarshal(v.JSON, &out) == nil {
			return out
		}
	}
	if id == "" {
		id = s.idLocked("V")
	}
	return map[string]any{
		"id": id, "team_id": s.cfg.TeamID, "type": "modal", "blocks": []any{},
		"private_metadata": "", "callback_id": "", "external_id": "",
		"state":          map[string]any{"values": map[string]any{}},
		"hash":           strconv.Itoa(baseTime) + ".0",
		"title":          map[string]any{"type": "plain_text", "text": "Porchlight", "emoji": true},
		"clear_on_close": false, "notify_on_close": false, "close": nil, "submit": nil,
		"previous_view_id": nil, "root_view_id": id, "app_id": s.cfg.AppID,
		"app_installed_team_id": s.cfg.TeamID, "bot_id": s.cfg.BotID,
	}
}

// SendBlockActions pushes an interactive envelope with a block_actions
// payload.
func (s *Server) SendBlockActions(ba BlockActions) (Sent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ba.TriggerID = s.issueTriggerLocked(ba.TriggerID)
	actionTS := s.tsLocked()
	actions := make([]any, 0, len(ba.Actions))
	for _, a := range ba.Actions {
		if a.BlockID == "" {
			a.BlockID = fmt.Sprintf("b%d", s.nextLocked())
		}
		if a.Type == "" {
			a.Type = "button"
			if a.SelectedOption != nil {
				a.Type = "static_select"
			}
		}
		m := map[string]any{"action_id": a.ActionID, "block_id": a.BlockID, "type": a.Type, "action_ts": actionTS}
		if a.Type == "button" {
			label := a.Text
			if label == "" {
				label = a.Value
			}
			m["text"] = map[string]any{"type": "plain_text", "text": label, "emoji": true}
			m["value"] = a.Value
		} else if a.Value != "" {
			m["value"] = a.Value
		}
		if a.SelectedOption != nil {
			m["selected_option"] = a.SelectedOption.json()
		}
		actions = append(actions, m)
	}
	p := map[string]any{
		"type":                  "block_actions",
		"user":                  s.userRefLocked(ba.UserID, ba.UserName),
		"api_app_id":            s.cfg.AppID,
		"token":                 verificationToken,
		"trigger_id":            ba.TriggerID,
		"team":                  s.teamJSON(),
		"enterprise":            nil,
		"is_enterprise_install": false,
		"state":                 map[string]any{"values": map[string]any{}},
		"actions":               actions,
	}
	sent := Sent{TriggerID: ba.TriggerID}
	if ba.ViewID != "" {
		view := s.viewJSONLocked(ba.ViewID)
		sent.ViewID, _ = view["id"].(string)
		p["container"] = map[string]any{"type": "view", "view_id": sent.ViewID}
		p["view"] = view
	} else {
		if ba.ResponseURL == "" {
			ba.ResponseURL = s.responseURLLocked("actions", ba.ChannelID, ba.UserID, ba.MessageTS)
		}
		sent.ResponseURL = ba.ResponseURL
		name := ba.ChannelName
		if name == "" {
			name = "general"
			if strings.HasPrefix(ba.ChannelID, "D") {
				name = "directmessage"
			}
		}
		p["container"] = map[string]any{
			"type": "message", "message_ts": ba.MessageTS, "channel_id": ba.ChannelID, "is_ephemeral": false,
		}
		p["channel"] = map[string]any{"id": ba.ChannelID, "name": name}
		msg := map[string]any{"type": "message", "ts": ba.MessageTS, "user": s.cfg.BotUserID, "bot_id": s.cfg.BotID, "text": "", "team": s.cfg.TeamID}
		if i := s.findMessageLocked(ba.ChannelID, ba.MessageTS); i >= 0 {
			msg = s.messageJSON(s.messages[i])
		}
		p["message"] = msg
		p["response_url"] = ba.ResponseURL
	}
	sent.Payload = rawJSON(p)
	return s.sendLocked(Envelope{Type: TypeInteractive, Payload: sent.Payload}, sent)
}

// SendViewSubmission pushes an interactive envelope with a view_submission
// payload, which accepts a response payload.
func (s *Server) SendViewSubmission(vs ViewSubmission) (Sent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	vs.TriggerID = s.issueTriggerLocked(vs.TriggerID)
	view := s.viewJSONLocked(vs.ViewID)
	if vs.CallbackID != "" {
		view["callback_id"] = vs.CallbackID
	}
	if vs.PrivateMetadata != "" {
		view["private_metadata"] = vs.PrivateMetadata
	}
	values, err := submittedValues(view, vs.Values)
	if err != nil {
		return Sent{}, err
	}
	view["state"] = map[string]any{"values": values}
	viewID, _ := view["id"].(string)
	payload := rawJSON(map[string]any{
		"type":                  "view_submission",
		"team":                  s.teamJSON(),
		"user":                  s.userRefLocked(vs.UserID, vs.UserName),
		"api_app_id":            s.cfg.AppID,
		"token":                 verificationToken,
		"trigger_id":            vs.TriggerID,
		"view":                  view,
		"response_urls":         []any{},
		"is_enterprise_install": false,
		"enterprise":            nil,
	})
	sent := Sent{TriggerID: vs.TriggerID, ViewID: viewID}
	return s.sendLocked(Envelope{Type: TypeInteractive, Payload: payload, AcceptsResponsePayload: true}, sent)
}

// submittedValues builds view.state.values as Slack sends it: every input
// block of the view is there, by block_id then action_id, an empty one as
// null in its element's shape; a value given without a Type takes its
// element's. A value for an input the view does not have is an error, as
// is one of another type than its element: Slack never sends either. A
// view the fake did not store (no blocks) takes the values as given.
func submittedValues(view map[string]any, given map[string]map[string]Value) (map[string]any, error) {
	types := map[string]map[string]string{} // block_id -> action_id -> element type
	blocks, _ := view["blocks"].([]any)
	for _, b := range blocks {
		block, _ := b.(map[string]any)
		el, _ := block["element"].(map[string]any)
		if block["type"] != "input" || el == nil {
			continue
		}
		bid, _ := block["block_id"].(string)
		aid, _ := el["action_id"].(string)
		typ, _ := el["type"].(string)
		if types[bid] == nil {
			types[bid] = map[string]string{}
		}
		types[bid][aid] = typ
	}
	values := map[string]any{}
	for bid, byAction := range types {
		out := map[string]any{}
		for aid, typ := range byAction {
			out[aid] = Value{Type: typ}.json()
		}
		values[bid] = out
	}
	for bid, inputs := range given {
		out, _ := values[bid].(map[string]any)
		if out == nil {
			out = map[string]any{}
		}
		for aid, v := range inputs {
			if len(types) > 0 {
				typ, ok := types[bid][aid]
				if !ok {
					return nil, fmt.Errorf("slacktest: view submission: the view has no input %s/%s", bid, aid)
				}
				if v.Type == "" {
					v.Type = typ
				} else if v.Type != typ {
					return nil, fmt.Errorf("slacktest: view submission: input %s/%s is a %s, not a %s", bid, aid, typ, v.Type)
				}
			}
			out[aid] = v.json()
		}
		values[bid] = out
	}
	return values, nil
}
