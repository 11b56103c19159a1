package slacktest

import (
	"slices"
	"strings"
)

// AllScopes returns the bot scopes the fake knows. A fake whose
// Config.Scopes is empty grants them all.
func AllScopes() []string {
	return []string{
		"chat:write", "im:write", "mpim:write", "files:write", "users:read",
		"channels:history", "groups:history", "im:history", "mpim:history",
		"channels:read", "groups:read", "im:read", "mpim:read", "commands",
	}
}

// neededScopeLocked returns the scope a Web API call needs, or "" when it
// needs none the fake checks. History and read scopes follow the
// conversation's type, as on Slack: a public channel needs
// channels:history, a private one groups:history, a DM im:history and a
// group DM mpim:history (and likewise :read). The caller holds s.mu.
func (s *Server) neededScopeLocked(c Call) string {
	switch c.Method {
	case "chat.postMessage", "chat.postEphemeral", "chat.update", "chat.delete":
		return "chat:write"
	case "conversations.open":
		if strings.Contains(c.Param("users"), ",") {
			return "mpim:write"
		}
		return "im:write"
	case "files.getUploadURLExternal", "files.completeUploadExternal":
		return "files:write"
	case "users.info":
		return "users:read"
	case "conversations.info":
		return s.conversationScopeLocked(c.Param("channel"), "read")
	case "conversations.history", "conversations.replies":
		return s.conversationScopeLocked(c.Param("channel"), "history")
	}
	return ""
}

// conversationScopeLocked returns the scope of an access ("history",
// "read") to a conversation, which follows its type: im: for a DM, mpim:
// for a group DM, groups: for a private channel, channels: for a public
// one. The caller holds s.mu.
func (s *Server) conversationScopeLocked(ch, access string) string {
	switch {
	case strings.HasPrefix(ch, "D"):
		return "im:" + access
	case strings.HasPrefix(ch, "G") && s.isGroupDMLocked(ch):
		return "mpim:" + access
	case strings.HasPrefix(ch, "G"):
		return "groups:" + access
	default:
		return "channels:" + access
	}
}

// isGroupDMLocked reports whether a G channel is a group DM the fake
// opened. The caller holds s.mu.
func (s *Server) isGroupDMLocked(ch string) bool {
	for key, id := range s.dms {
		if id == ch && strings.Contains(key, ",") {
			return true
		}
	}
	return false
}

// scopeAnswerLocked returns Slack's missing_scope answer when the token
// lacks the scope c needs. The caller holds s.mu.
func (s *Server) scopeAnswerLocked(c Call) (answer, bool) {
	need := s.neededScopeLocked(c)
	if need == "" || slices.Contains(s.cfg.Scopes, need) {
		return answer{}, false
	}
	return jsonAnswer(map[string]any{
		"ok": false, "error": "missing_scope",
		"needed": need, "provided": strings.Join(s.cfg.Scopes, ","),
	}), true
}

// scopesHeader is the header in which Slack names a token's scopes on
// every Web API answer to it.
const scopesHeader = "X-OAuth-Scopes"
