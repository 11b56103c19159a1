package slacktest

import (
	"strings"
)

// SetBotMember says whether the bot is a member of channel, a C or G
// channel id. The bot is a member of every channel until a test says
// otherwise. A channel the bot is not in refuses its posts with
// not_in_channel; conversations.info reports is_member false for a public
// one and channel_not_found for a private one (G), which a non-member
// cannot see, as on Slack.
func (s *Server) SetBotMember(channel string, member bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if member {
		delete(s.outside, channel)
	} else {
		s.outside[channel] = true
	}
	s.notifyLocked()
}

// conversationsInfo answers conversations.info for a channel id: its type,
// and whether the bot is a member. The fake knows no names; a channel's
// name is its id in lower case.
func (s *Server) conversationsInfo(c Call) answer {
	ch := c.Param("channel")
	if len(ch) < 2 || !strings.ContainsRune("CGD", rune(ch[0])) {
		return errAnswer("channel_not_found")
	}
	member := !s.outside[ch]
	private := strings.HasPrefix(ch, "G")
	if private && !member {
		return errAnswer("channel_not_found")
	}
	im := strings.HasPrefix(ch, "D")
	info := map[string]any{
		"id":          ch,
		"created":     1700000000,
		"is_channel":  !private && !im,
		"is_group":    private && !s.isGroupDMLocked(ch),
		"is_mpim":     private && s.isGroupDMLocked(ch),
		"is_im":       im,
		"is_private":  private || im,
		"is_archived": false,
		"is_member":   member,
	}
	if !im {
		info["name"] = strings.ToLower(ch)
	}
	return okAnswer(map[string]any{"channel": info})
}
