package slacktest

import (
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// eventType is what Slack accepts as a metadata event_type.
var eventType = regexp.MustCompile(`^[A-Za-z0-9_]{1,255}$`)

// maxMetadata bounds the metadata JSON of one message.
const maxMetadata = 8000

// checkMetadata validates chat.postMessage's metadata parameter, an
// object with an event_type and an event_payload object, and returns it
// compacted, or Slack's error code.
func checkMetadata(raw string) (json.RawMessage, string) {
	if raw == "" {
		return nil, ""
	}
	if len(raw) > maxMetadata {
		return nil, "metadata_too_large"
	}
	var m struct {
		EventType    *string         `json:"event_type"`
		EventPayload json.RawMessage `json:"event_payload"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, "invalid_metadata_format"
	}
	var payload map[string]any
	if m.EventType == nil || !eventType.MatchString(*m.EventType) || json.Unmarshal(m.EventPayload, &payload) != nil || payload == nil {
		return nil, "invalid_metadata_schema"
	}
	out, _ := json.Marshal(map[string]any{"event_type": *m.EventType, "event_payload": payload})
	return out, ""
}

// parseTS reads a message timestamp or a bound ("1700000000.000042",
// "1700000000", "0") as microseconds; ok is false for anything else.
func parseTS(ts string) (int64, bool) {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s < 0 || len(frac) > 6 {
		return 0, false
	}
	f := int64(0)
	if frac != "" {
		if f, err = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64); err != nil || f < 0 {
			return 0, false
		}
	}
	return s*1e6 + f, true
}

// truthy reads a boolean parameter as Slack does: "1" or "true".
func truthy(v string) bool { return v == "1" || v == "true" }

// window is a history request's bounds, paging and metadata choice.
type window struct {
	oldest, latest int64
	inclusive      bool
	limit, offset  int
	metadata       bool
}

// readWindow reads oldest, latest, inclusive, limit, cursor and
// include_all_metadata, or returns Slack's error code.
func readWindow(c Call) (window, string) {
	w := window{latest: 1 << 62, limit: 100, inclusive: truthy(c.Param("inclusive")), metadata: truthy(c.Param("include_all_metadata"))}
	var ok bool
	if v := c.Param("oldest"); v != "" {
		if w.oldest, ok = parseTS(v); !ok {
			return w, "invalid_ts_oldest"
		}
	}
	if v := c.Param("latest"); v != "" {
		if w.latest, ok = parseTS(v); !ok {
			return w, "invalid_ts_latest"
		}
	}
	if v := c.Param("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return w, "invalid_limit"
		}
		w.limit = min(n, 999)
	}
	if v := c.Param("cursor"); v != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(v, "offset:"))
		if !strings.HasPrefix(v, "offset:") || err != nil || n < 0 {
			return w, "invalid_cursor"
		}
		w.offset = n
	}
	return w, ""
}

// has reports whether ts is within the window's bounds.
func (w window) has(ts string) bool {
	t, _ := parseTS(ts)
	if w.inclusive {
		return t >= w.oldest && t <= w.latest
	}
	return t > w.oldest && t < w.latest
}

// page answers one page of msgs (already in the order Slack returns them).
func (s *Server) page(w window, msgs []Message) answer {
	more := w.offset+w.limit < len(msgs)
	msgs = msgs[min(w.offset, len(msgs)):min(w.offset+w.limit, len(msgs))]
	list := make([]any, len(msgs))
	for i, m := range msgs {
		list[i] = s.messageJSONLocked(m, w.metadata)
	}
	next := ""
	if more {
		next = "offset:" + strconv.Itoa(w.offset+w.limit)
	}
	return okAnswer(map[string]any{
		"messages": list, "has_more": more,
		"response_metadata": map[string]any{"next_cursor": next},
	})
}

// conversationChannelLocked checks a history request's channel: a
// conversation id (never a user id) the fake has seen. The caller holds
// s.mu.
func (s *Server) conversationChannelLocked(ch string) string {
	if ch == "" || !strings.ContainsRune("CGD", rune(ch[0])) || len(ch) < 2 {
		return "channel_not_found"
	}
	if ch[0] == 'D' && !slices.Contains(slices.Collect(maps.Values(s.dms)), ch) {
		return "channel_not_found"
	}
	return ""
}

// conversationsHistory answers a channel's top-level messages, newest
// first, within oldest and latest. Thread replies are not in a channel's
// history (conversations.replies has them), nor are ephemeral messages.
// Metadata comes only with include_all_metadata.
func (s *Server) conversationsHistory(c Call) answer {
	ch := c.Param("channel")
	if code := s.conversationChannelLocked(ch); code != "" {
		return errAnswer(code)
	}
	w, code := readWindow(c)
	if code != "" {
		return errAnswer(code)
	}
	var msgs []Message
	for i := len(s.messages) - 1; i >= 0; i-- {
		m := s.messages[i]
		if m.Channel == ch && !m.Ephemeral && (m.ThreadTS == "" || m.ThreadTS == m.TS) && w.has(m.TS) {
			msgs = append(msgs, m)
		}
	}
	return s.page(w, msgs)
}

// conversationsReplies answers a thread, its parent first, then its
// replies oldest first, within oldest and latest (the parent always
// comes). Metadata comes only with include_all_metadata.
func (s *Server) conversationsReplies(c Call) answer {
	ch, ts := c.Param("channel"), c.Param("ts")
	if code := s.conversationChannelLocked(ch); code != "" {
		return errAnswer(code)
	}
	w, code := readWindow(c)
	if code != "" {
		return errAnswer(code)
	}
	parent := s.findMessageLocked(ch, ts)
	if parent < 0 {
		return errAnswer("thread_not_found")
	}
	msgs := []Message{s.messages[parent]}
	for _, m := range s.messages {
		if m.Channel == ch && !m.Ephemeral && m.ThreadTS == ts && m.TS != ts && w.has(m.TS) {
			msgs = append(msgs, m)
		}
	}
	return s.page(w, msgs)
}
