package discordtest

import (
	"encoding/json"
	"time"
)

// Permission bit sets the fake reports, as decimal strings the way Discord
// sends them (they exceed 2^53, so JSON numbers would lose bits), and the
// default bits of the guild's @everyone role (SetEveryonePermissions).
const (
	memberPermissions = "2248473465835073"
	appPermissions    = "2251799813685247"
	// everyonePerms holds what a fresh guild's roles give the bot: the
	// usual @everyone bits and Create Events (1<<44), which the invite asks
	// for, so its managed role would carry it.
	everyonePerms = 1071698660929 | 1<<44
)

// Message is a message the fake holds: sent through REST, as an interaction
// response or follow-up, or dispatched by a test.
type Message struct {
	ID        string
	ChannelID string
	GuildID   string
	AuthorID  string
	Content   string
	Flags     int
	// Embeds and Components are the JSON arrays as last sent, or nil.
	Embeds     json.RawMessage
	Components json.RawMessage
	// Attachments are the files uploaded with the message.
	Attachments []File
	// InteractionID is set for interaction responses and follow-ups.
	InteractionID string
	Timestamp     time.Time
	// EditedAt is zero until the message is edited.
	EditedAt time.Time
	Deleted  bool
	// Nonce is the nonce the message was created with, as a string
	// (a number is kept in its decimal form); EnforceNonce is whether the
	// create asked for it to be enforced.
	Nonce        string
	EnforceNonce bool
}

// Message returns a message by id.
func (s *Server) Message(id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[id]
	if !ok {
		return Message{}, false
	}
	return *m, true
}

// Messages returns the messages in a channel that are not deleted, oldest
// first.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, id := range s.msgOrder {
		if m := s.messages[id]; m.ChannelID == channelID && !m.Deleted {
			out = append(out, *m)
		}
	}
	return out
}

// timestamp formats t as Discord does: RFC 3339, microseconds, "+00:00".
func timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000-07:00")
}

// nullable returns nil (JSON null) for an empty string.
func nullable(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// userJSONLocked is a user object. Unknown ids get a placeholder user, as
// deleted users do on Discord.
func (s *Server) userJSONLocked(id string) map[string]any {
	u, ok := s.users[id]
	if !ok {
		u = User{ID: id, Username: "deleted_user_" + id}
	}
	m := map[string]any{
		"id":                     u.ID,
		"username":               u.Username,
		"global_name":            nullable(u.GlobalName),
		"avatar":                 nil,
		"discriminator":          "0",
		"public_flags":           0,
		"flags":                  0,
		"banner":                 nil,
		"accent_color":           nil,
		"avatar_decoration_data": nil,
		"clan":                   nil,
		"primary_guild":          nil,
	}
	if u.Bot {
		m["bot"] = true
		m["discriminator"] = "4821"
	}
	return m
}

// memberJSONLocked is a guild member object. Discord omits the user inside
// MESSAGE_CREATE's member and adds permissions inside interactions.
func (s *Server) memberJSONLocked(m *Member, withUser, withPermissions bool) map[string]any {
	roles := m.Roles
	if roles == nil {
		roles = []string{}
	}
	out := map[string]any{
		"nick":                         nullable(m.Nick),
		"avatar":                       nil,
		"banner":                       nil,
		"roles":                        roles,
		"joined_at":                    timestamp(m.JoinedAt),
		"premium_since":                nil,
		"deaf":                         false,
		"mute":                         false,
		"flags":                        0,
		"pending":                      false,
		"communication_disabled_until": nil,
	}
	if withUser {
		out["user"] = s.userJSONLocked(m.UserID)
	}
	if withPermissions {
		out["permissions"] = memberPermissions
	}
	return out
}

// channelJSONLocked is a channel object of the channel's type.
func (s *Server) channelJSONLocked(c *Channel) map[string]any {
	switch c.Type {
	case ChannelTypeDM:
		return map[string]any{
			"id":              c.ID,
			"type":            ChannelTypeDM,
			"last_message_id": nil,
			"flags":           0,
			"recipients":      []any{s.userJSONLocked(c.RecipientID)},
		}
	case ChannelTypePublicThread:
		created := timestamp(s.cfg.Now().Add(-24 * time.Hour))
		return map[string]any{
			"id":                  c.ID,
			"type":                c.Type,
			"guild_id":            c.GuildID,
			"name":                c.Name,
			"parent_id":           c.ParentID,
			"owner_id":            AppID,
			"last_message_id":     nil,
			"rate_limit_per_user": 0,
			"flags":               0,
			"message_count":       0,
			"member_count":        1,
			"total_message_sent":  0,
			"thread_metadata": map[string]any{
				"archived":              false,
				"archive_timestamp":     created,
				"auto_archive_duration": 1440,
				"locked":                false,
				"create_timestamp":      created,
			},
		}
	default:
		return map[string]any{
			"id":                    c.ID,
			"type":                  c.Type,
			"guild_id":              c.GuildID,
			"name":                  c.Name,
			"position":              0,
			"permission_overwrites": []any{},
			"parent_id":             nullable(c.ParentID),
			"nsfw":                  false,
			"topic":                 nil,
			"last_message_id":       nil,
			"rate_limit_per_user":   0,
			"flags":                 0,
		}
	}
}

// messageJSONLocked is a message object as REST returns it.
func (s *Server) messageJSONLocked(m *Message) map[string]any {
	var edited any
	if !m.EditedAt.IsZero() {
		edited = timestamp(m.EditedAt)
	}
	attachments := []any{}
	for _, f := range m.Attachments {
		id := f.ID
		url := "https://cdn.discordapp.com/attachments/" + m.ChannelID + "/" + id + "/" + f.Name
		attachments = append(attachments, map[string]any{
			"id":           id,
			"filename":     f.Name,
			"size":         len(f.Data),
			"url":          url,
			"proxy_url":    "https://media.discordapp.net/attachments/" + m.ChannelID + "/" + id + "/" + f.Name,
			"content_type": f.ContentType,
		})
	}
	out := map[string]any{
		"type":             0,
		"id":               m.ID,
		"channel_id":       m.ChannelID,
		"author":           s.userJSONLocked(m.AuthorID),
		"content":          m.Content,
		"timestamp":        timestamp(m.Timestamp),
		"edited_timestamp": edited,
		"tts":              false,
		"mention_everyone": false,
		"mentions":         []any{},
		"mention_roles":    []any{},
		"attachments":      attachments,
		"embeds":           rawOrEmpty(m.Embeds),
		"components":       rawOrEmpty(m.Components),
		"pinned":           false,
		"flags":            m.Flags,
	}
	if m.Nonce != "" {
		// Discord echoes the nonce in the create answer (and the gateway's
		// MESSAGE_CREATE), never in later fetches; the fake echoes it
		// whenever the message is rendered.
		out["nonce"] = m.Nonce
	}
	if in, ok := s.inters[m.InteractionID]; ok {
		out["webhook_id"] = in.appID
		out["application_id"] = in.appID
		if in.kind == interactionCommand {
			out["type"] = 20 // CHAT_INPUT_COMMAND reply
		}
		out["interaction_metadata"] = map[string]any{
			"id":                             in.id,
			"type":                           in.kind,
			"user":                           s.userJSONLocked(in.userID),
			"authorizing_integration_owners": in.owners(),
		}
	}
	return out
}

// rawOrEmpty returns a stored JSON array, or an empty one.
func rawOrEmpty(raw json.RawMessage) any {
	if len(raw) == 0 || string(raw) == "null" {
		return []any{}
	}
	return raw
}
