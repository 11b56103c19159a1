package slacktest

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// User is a workspace member the fake knows; users.info answers with it.
type User struct {
	ID          string
	Name        string // the handle, such as "robin"
	RealName    string
	DisplayName string
	TZ          string // IANA zone, such as "America/Chicago"
	TZLabel     string
	TZOffset    int // seconds east of UTC
	Locale      string
	IsBot       bool
	IsAdmin     bool
	Deleted     bool
}

// AddUser adds or replaces a user. The bot user is added by New.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// userJSON renders u as users.info does.
func (s *Server) userJSON(u User, withLocale bool) map[string]any {
	name := u.Name
	if name == "" {
		name = strings.ToLower(u.ID)
	}
	out := map[string]any{
		"id":                  u.ID,
		"team_id":             s.cfg.TeamID,
		"name":                name,
		"deleted":             u.Deleted,
		"color":               "9f69e7",
		"real_name":           u.RealName,
		"tz":                  u.TZ,
		"tz_label":            u.TZLabel,
		"tz_offset":           u.TZOffset,
		"is_admin":            u.IsAdmin,
		"is_owner":            false,
		"is_primary_owner":    false,
		"is_restricted":       false,
		"is_ultra_restricted": false,
		"is_bot":              u.IsBot,
		"is_app_user":         false,
		"updated":             baseTime,
		"profile": map[string]any{
			"real_name":               u.RealName,
			"real_name_normalized":    u.RealName,
			"display_name":            u.DisplayName,
			"display_name_normalized": u.DisplayName,
			"avatar_hash":             "g0000000000",
			"team":                    s.cfg.TeamID,
		},
	}
	if withLocale {
		locale := u.Locale
		if locale == "" {
			locale = "en-US"
		}
		out["locale"] = locale
	}
	return out
}

// userNameLocked returns the handle of a known user, or "" for an unknown one.
// The caller holds s.mu.
func (s *Server) userNameLocked(id string) string {
	if u, ok := s.users[id]; ok {
		if u.Name != "" {
			return u.Name
		}
		return strings.ToLower(id)
	}
	return ""
}

// Message is a message in the fake's record of the workspace: posted by the
// bot, sent by a user through SendEvent, or shared with a file.
type Message struct {
	Channel  string
	TS       string
	ThreadTS string
	// User is the author: the bot user for the bot's own messages.
	User string
	// BotID is set on the bot's own messages.
	BotID  string
	Text   string
	Blocks json.RawMessage
	// Ephemeral marks a chat.postEphemeral or ephemeral response_url
	// message, seen only by VisibleTo.
	Ephemeral bool
	VisibleTo string
	// Edited is set once chat.update or a response_url replaced the message.
	Edited  bool
	FileIDs []string
	// Metadata is the message metadata chat.postMessage was given
	// ({"event_type":…,"event_payload":{…}}), or nil.
	Metadata json.RawMessage
}

// Messages returns the messages in a channel, oldest first, or those of
// every channel when channel is "". Deleted messages are gone.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if channel == "" || m.Channel == channel {
			out = append(out, m)
		}
	}
	return out
}

// findMessageLocked returns the index of the non-ephemeral message at
// channel and ts, or -1. The caller holds s.mu.
func (s *Server) findMessageLocked(channel, ts string) int {
	for i, m := range s.messages {
		if m.Channel == channel && m.TS == ts && !m.Ephemeral {
			return i
		}
	}
	return -1
}

// messageJSON renders m as chat.postMessage returns it, without metadata.
func (s *Server) messageJSON(m Message) map[string]any { return s.messageJSONLocked(m, false) }

// messageJSONLocked renders m as the Web API returns it; withMetadata adds
// its metadata, which conversations.history and .replies return only when
// asked with include_all_metadata. The caller holds s.mu.
func (s *Server) messageJSONLocked(m Message, withMetadata bool) map[string]any {
	out := map[string]any{
		"type": "message",
		"user": m.User,
		"text": m.Text,
		"ts":   m.TS,
		"team": s.cfg.TeamID,
	}
	if m.BotID != "" {
		out["bot_id"] = m.BotID
		out["app_id"] = s.cfg.AppID
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if len(m.Blocks) > 0 {
		out["blocks"] = m.Blocks
	}
	if withMetadata && len(m.Metadata) > 0 {
		out["metadata"] = m.Metadata
	}
	if len(m.FileIDs) > 0 {
		var files []any
		for _, id := range m.FileIDs {
			if f, ok := s.files[id]; ok {
				files = append(files, map[string]any{"id": f.ID, "name": f.Name, "title": f.Title})
			}
		}
		out["files"] = files
	}
	return out
}

// DMChannel returns the id of the direct-message channel between the bot and
// a user, creating it if needed. conversations.open answers with the same
// id, so tests can build message.im events for it.
func (s *Server) DMChannel(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, _ := s.dmLocked(userID)
	return id
}

// dmLocked returns the DM channel of a user, or of a comma-joined sorted set
// of users, and whether it already existed. The caller holds s.mu.
func (s *Server) dmLocked(key string) (string, bool) {
	if id, ok := s.dms[key]; ok {
		return id, true
	}
	prefix := "D"
	if strings.Contains(key, ",") {
		prefix = "G" // a multi-person DM
	}
	id := s.idLocked(prefix)
	s.dms[key] = id
	return id, false
}

// isUserID reports whether id looks like a user id.
func isUserID(id string) bool {
	return len(id) > 1 && (id[0] == 'U' || id[0] == 'W')
}

// resolveChannelLocked maps a channel parameter to the channel a message
// lands in: a user id means the DM with that user, as in Slack. It returns
// an error code for anything that is not a channel. The caller holds s.mu.
func (s *Server) resolveChannelLocked(ch string) (string, string) {
	switch {
	case ch == "":
		return "", "channel_not_found"
	case isUserID(ch):
		id, _ := s.dmLocked(ch)
		return id, ""
	case len(ch) > 1 && strings.ContainsRune("CGD", rune(ch[0])):
		return ch, ""
	default:
		return "", "channel_not_found"
	}
}

// maxTextLen is the longest text chat.postMessage accepts.
const maxTextLen = 40000

// checkContent validates the text and blocks of a chat message. It
// returns the error answer, if any, and the blocks as JSON. needContent
// makes a message with neither text nor blocks an error.
func checkContent(c Call, needContent bool) (json.RawMessage, *answer) {
	text, blocks := c.Param("text"), c.Param("blocks")
	if needContent && text == "" && blocks == "" && c.Param("attachments") == "" {
		a := errAnswer("no_text")
		return nil, &a
	}
	if len([]rune(text)) > maxTextLen {
		a := errAnswer("msg_too_long")
		return nil, &a
	}
	if blocks == "" {
		return nil, nil
	}
	var list []any
	if err := json.Unmarshal([]byte(blocks), &list); err != nil {
		a := errAnswer("invalid_blocks_format")
		return nil, &a
	}
	if msgs := validateBlocks(list, maxMessageBlocks, ""); len(msgs) > 0 {
		a := errAnswerMsgs("invalid_blocks", msgs)
		return nil, &a
	}
	return json.RawMessage(blocks), nil
}

// authTest reports the bot identity.
func (s *Server) authTest(Call) answer {
	return okAnswer(map[string]any{
		"url":                   "https://" + s.cfg.TeamDomain + ".slack.com/",
		"team":                  s.cfg.TeamName,
		"user":                  s.cfg.BotName,
		"team_id":               s.cfg.TeamID,
		"user_id":               s.cfg.BotUserID,
		"bot_id":                s.cfg.BotID,
		"is_enterprise_install": false,
	})
}

// chatPostMessage records a message from the bot and returns its ts.
func (s *Server) chatPostMessage(c Call) answer {
	ch, code := s.resolveChannelLocked(c.Param("channel"))
	if code != "" {
		return errAnswer(code)
	}
	if s.outside[ch] {
		return errAnswer("not_in_channel")
	}
	blocks, bad := checkContent(c, true)
	if bad != nil {
		return *bad
	}
	meta, code := checkMetadata(c.Param("metadata"))
	if code != "" {
		return errAnswer(code)
	}
	m := Message{
		Channel: ch, TS: s.tsLocked(), ThreadTS: c.Param("thread_ts"),
		User: s.cfg.BotUserID, BotID: s.cfg.BotID, Text: c.Param("text"), Blocks: blocks, Metadata: meta,
	}
	s.messages = append(s.messages, m)
	// The answer carries the metadata back, as Slack's does.
	return okAnswer(map[string]any{"channel": ch, "ts": m.TS, "message": s.messageJSONLocked(m, true)})
}

// chatPostEphemeral records a message only one user sees; Slack returns
// its ts as message_ts.
func (s *Server) chatPostEphemeral(c Call) answer {
	ch, code := s.resolveChannelLocked(c.Param("channel"))
	if code != "" {
		return errAnswer(code)
	}
	user := c.Param("user")
	if !isUserID(user) {
		return errAnswer("user_not_found")
	}
	blocks, bad := checkContent(c, true)
	if bad != nil {
		return *bad
	}
	m := Message{
		Channel: ch, TS: s.tsLocked(), ThreadTS: c.Param("thread_ts"),
		User: s.cfg.BotUserID, BotID: s.cfg.BotID, Text: c.Param("text"), Blocks: blocks,
		Ephemeral: true, VisibleTo: user,
	}
	s.messages = append(s.messages, m)
	return okAnswer(map[string]any{"message_ts": m.TS})
}

// chatUpdate edits one of the bot's messages.
func (s *Server) chatUpdate(c Call) answer {
	ch, ts := c.Param("channel"), c.Param("ts")
	i := s.findMessageLocked(ch, ts)
	if i < 0 {
		return errAnswer("message_not_found")
	}
	if s.messages[i].BotID == "" {
		return errAnswer("cant_update_message")
	}
	blocks, bad := checkContent(c, true)
	if bad != nil {
		return *bad
	}
	m := &s.messages[i]
	m.Text = c.Param("text")
	// Slack keeps the old blocks when chat.update sends none.
	if blocks != nil {
		m.Blocks = blocks
	}
	m.Edited = true
	return okAnswer(map[string]any{"channel": ch, "ts": ts, "text": m.Text, "message": s.messageJSON(*m)})
}

// chatDelete removes one of the bot's messages.
func (s *Server) chatDelete(c Call) answer {
	ch, ts := c.Param("channel"), c.Param("ts")
	i := s.findMessageLocked(ch, ts)
	if i < 0 {
		return errAnswer("message_not_found")
	}
	if s.messages[i].BotID == "" {
		return errAnswer("cant_delete_message")
	}
	s.messages = append(s.messages[:i], s.messages[i+1:]...)
	return okAnswer(map[string]any{"channel": ch, "ts": ts})
}

// conversationsOpen returns the DM (D...) of one user or the group DM of
// several, the same id each time.
func (s *Server) conversationsOpen(c Call) answer {
	var users []string
	for u := range strings.SplitSeq(c.Param("users"), ",") {
		if u = strings.TrimSpace(u); u != "" {
			users = append(users, u)
		}
	}
	if len(users) == 0 {
		if ch := c.Param("channel"); ch != "" {
			return okAnswer(map[string]any{"no_op": true, "already_open": true, "channel": map[string]any{"id": ch}})
		}
		return errAnswer("users_list_not_supplied")
	}
	for _, u := range users {
		if !isUserID(u) {
			return errAnswer("user_not_found")
		}
	}
	sort.Strings(users)
	id, existed := s.dmLocked(strings.Join(users, ","))
	channel := map[string]any{"id": id}
	if ret, _ := strconv.ParseBool(c.Param("return_im")); ret {
		channel["created"] = baseTime
		channel["is_open"] = true
		channel["is_org_shared"] = false
		if len(users) == 1 {
			channel["is_im"] = true
			channel["user"] = users[0]
		} else {
			channel["is_mpim"] = true
		}
	}
	return okAnswer(map[string]any{"no_op": existed, "already_open": existed, "channel": channel})
}

// usersInfo returns a user added with AddUser.
func (s *Server) usersInfo(c Call) answer {
	u, ok := s.users[c.Param("user")]
	if !ok {
		return errAnswer("user_not_found")
	}
	locale, _ := strconv.ParseBool(c.Param("include_locale"))
	return okAnswer(map[string]any{"user": s.userJSON(u, locale)})
}

// responseURL is one response_url the fake handed out, with where a reply
// posted to it goes.
type responseURL struct {
	uses      int
	channel   string
	user      string
	messageTS string // the message an action came from, for replace_original
}

// maxResponseURLUses is how many posts a response_url takes, as in Slack.
const maxResponseURLUses = 5

// NewResponseURL returns a fresh response_url on the fake. Posts to it are
// recorded as calls to MethodResponseURL. It accepts five posts, as Slack's
// do; its 30-minute lifetime is not modelled.
func (s *Server) NewResponseURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.responseURLLocked("commands", "", "", "")
}

// responseURLLocked registers a response_url under /commands/ or /actions/.
// The caller holds s.mu.
func (s *Server) responseURLLocked(kind, channel, user, messageTS string) string {
	n := s.nextLocked()
	path := "/" + kind + "/" + s.cfg.TeamID + "/" + strconv.Itoa(n) + "/" + strconv.FormatInt(int64(n)*7919, 36)
	s.respURLs[path] = &responseURL{channel: channel, user: user, messageTS: messageTS}
	return s.http.URL + path
}

// applyResponseLocked applies a post to a response_url to the message
// record, as Slack would show it. The caller holds s.mu.
func (s *Server) applyResponseLocked(ru *responseURL, c Call) {
	var blocks json.RawMessage
	if b := c.Param("blocks"); b != "" && b != "null" {
		blocks = json.RawMessage(b)
	}
	flag := func(name string) bool { v, _ := strconv.ParseBool(c.Param(name)); return v }
	if ru.messageTS != "" {
		i := s.findMessageLocked(ru.channel, ru.messageTS)
		switch {
		case i >= 0 && flag("delete_original"):
			s.messages = append(s.messages[:i], s.messages[i+1:]...)
			return
		case i >= 0 && flag("replace_original"):
			s.messages[i].Text, s.messages[i].Blocks, s.messages[i].Edited = c.Param("text"), blocks, true
			return
		}
	}
	if ru.channel == "" {
		return
	}
	m := Message{
		Channel: ru.channel, TS: s.tsLocked(), ThreadTS: c.Param("thread_ts"),
		User: s.cfg.BotUserID, BotID: s.cfg.BotID, Text: c.Param("text"), Blocks: blocks,
	}
	if c.Param("response_type") != "in_channel" {
		m.Ephemeral, m.VisibleTo = true, ru.user
	}
	s.messages = append(s.messages, m)
}
