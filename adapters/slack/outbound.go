package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/porchlight/porchlight/bot"
)

// Send delivers one outbox message: a channel post (in a thread when
// m.Thread is set), a DM through conversations.open, an ephemeral
// message, or a refresh of a user's App Home (home.go); an attachment goes
// up through the external upload flow. Rate
// limits and server errors come back as *bot.RetryError, errors that will
// never succeed wrap bot.ErrUndeliverable.
//
// chat.postMessage has no idempotency key, so every post of an outbox
// message carries its key as message metadata, and a message in doubt (an
// earlier attempt may have landed: m.InDoubtSince) is first looked for in
// the conversation's history: the parts found are not posted again.
// Ephemeral messages are not in any history and carry no metadata; the
// core sends none through the outbox.
func (a *Adapter) Send(ctx context.Context, m bot.Outgoing) (bot.MessageRef, error) {
	if !m.Edit.IsZero() {
		return m.Edit, a.Edit(ctx, m.Edit, m.Message)
	}
	var ch string
	switch m.Target.Kind {
	case bot.TargetChannel:
		ch = m.Target.Channel
	case bot.TargetDM:
		var err error
		if ch, err = a.dms.Get(ctx, m.Target.User); err != nil {
			return bot.MessageRef{}, err
		}
	case bot.TargetEphemeral:
		return a.sendEphemeral(ctx, m)
	case bot.TargetHome:
		return bot.MessageRef{}, a.publishHome(ctx, m.Target.User)
	default:
		return bot.MessageRef{}, fmt.Errorf("slack: target %q: %w", m.Target.Kind, bot.ErrUndeliverable)
	}
	if ch == "" {
		return bot.MessageRef{}, fmt.Errorf("slack: no channel: %w", bot.ErrUndeliverable)
	}
	found, err := a.findEarlier(ctx, ch, m)
	if err != nil {
		return bot.MessageRef{}, err
	}
	if m.Attachment != nil {
		return a.sendFile(ctx, ch, m, found)
	}
	return a.post(ctx, m.Key, ch, m.Thread.ID, a.render(m.Message), found.parts)
}

// post posts parts in order and returns the first one's ref, which is
// where threads and edits attach. Each part carries the outbox key in its
// metadata. The parts in landed (found on Slack from an earlier attempt)
// are not posted again, and a retry of the same outbox key in this process
// resumes after the parts already posted.
func (a *Adapter) post(ctx context.Context, key, ch, thread string, parts []part, landed map[int]bot.MessageRef) (bot.MessageRef, error) {
	return a.parts.Send(key, len(parts), func(i int) (bot.MessageRef, error) {
		if ref, ok := landed[i]; ok {
			return ref, nil
		}
		opts := parts[i].options(thread)
		if key != "" {
			opts = append(opts, slackgo.MsgOptionMetadata(outboxMetadata(key, i)))
		}
		postedCh, ts, err := a.api.PostMessageContext(ctx, ch, opts...)
		if err != nil {
			return bot.MessageRef{}, classify("chat.postMessage", err)
		}
		return bot.MessageRef{Channel: postedCh, ID: ts}, nil
	})
}

// metadataEvent is the event_type of the metadata on the messages the
// outbox posts; its payload names the outbox key and the part.
const metadataEvent = "porchlight_outbox"

// outboxMetadata is the metadata of part i of the message keyed key.
func outboxMetadata(key string, i int) slackgo.SlackMetadata {
	return slackgo.SlackMetadata{EventType: metadataEvent, EventPayload: map[string]any{"key": key, "part": i}}
}

// outboxBlockID is the block_id of the comment on a file share of the
// message keyed key: a file share carries no metadata, so its comment goes
// as a block whose id names the key.
func outboxBlockID(key string) string { return metadataEvent + ":" + key }

// outboxBlockKey returns the outbox key a message's blocks name, or "".
func outboxBlockKey(bs slackgo.Blocks) string {
	for _, b := range bs.BlockSet {
		if k, ok := strings.CutPrefix(b.ID(), metadataEvent+":"); ok {
			return k
		}
	}
	return ""
}

// outboxPart returns the part number that metadata names for key.
func outboxPart(md slackgo.SlackMetadata, key string) (int, bool) {
	if md.EventType != metadataEvent || md.EventPayload["key"] != key {
		return 0, false
	}
	n, ok := md.EventPayload["part"].(float64)
	return int(n), ok && n >= 0 && n == float64(int(n))
}

// Bounds of the search for an earlier attempt.
const (
	// lookBack reaches before the attempt's recorded start, in case the
	// bot's clock runs ahead of Slack's.
	lookBack = 5 * time.Minute
	// lookupPage is the page size asked for: apps on Slack's lowest history
	// tier get at most 15 messages a page.
	lookupPage = 15
	// maxLookupPages bounds the pages read; DMs, where most messages go,
	// take one.
	maxLookupPages = 20
)

// earlier is what an earlier attempt of a message in doubt left on Slack.
type earlier struct {
	parts map[int]bot.MessageRef // parts found, by number
	file  bool                   // the attachment's file share
}

// findEarlier looks, for a message in doubt, for what an earlier attempt
// posted since it started: the bot's messages whose metadata carries the
// key (conversations.history with include_all_metadata, or
// conversations.replies in a thread), and its file share. A file share
// carries no metadata: it is the one whose comment block names the key,
// or, when the text went before the file, the bot's next message after the
// text's last part, if it carries a file of the attachment's name and
// names no other key. Another message's file of the same name is not
// taken for this one's. It needs the history scope of the conversation's
// type. A rate limit or Slack's trouble is returned to
// be retried; any other failure to look is logged and the message is sent
// again, since a message twice is better than none.
func (a *Adapter) findEarlier(ctx context.Context, ch string, m bot.Outgoing) (earlier, error) {
	if m.InDoubtSince.IsZero() || m.Key == "" {
		return earlier{}, nil
	}
	file := ""
	if m.Attachment != nil {
		file = m.Attachment.Name
	}
	found, err := a.lookup(ctx, ch, m.Thread.ID, m.InDoubtSince.Add(-lookBack), m.Key, file)
	var retry *bot.RetryError
	switch {
	case errors.As(err, &retry):
		return earlier{}, err
	case err != nil:
		a.log.Error("cannot look for an earlier attempt of a message; sending it again", "channel_kind", channelKind(ch), "code", platformCode(err), "err", bot.SafeError(err))
		return earlier{}, nil
	}
	a.log.Info("looked for an earlier attempt of a message", "channel_kind", channelKind(ch), "parts_found", len(found.parts), "file_found", found.file)
	return found, nil
}

// channelKind is what the log says of the conversation ch instead of its
// id, which for a DM leads to one member: "dm", "channel", "private" (a
// private channel or group DM) or "other".
func channelKind(ch string) string {
	switch {
	case strings.HasPrefix(ch, "D"):
		return "dm"
	case strings.HasPrefix(ch, "C"):
		return "channel"
	case strings.HasPrefix(ch, "G"):
		return "private"
	}
	return "other"
}

// lookup reads the history of ch (or of the thread) since oldest.
func (a *Adapter) lookup(ctx context.Context, ch, thread string, oldest time.Time, key, file string) (earlier, error) {
	found := earlier{parts: map[int]bot.MessageRef{}}
	var shares []share // the bot's messages, to find the share after the text
	since := fmt.Sprintf("%d.000000", oldest.Unix())
	cursor := ""
	for range maxLookupPages {
		var msgs []slackgo.Message
		var more bool
		var err error
		if thread != "" {
			msgs, more, cursor, err = a.api.GetConversationRepliesContext(ctx, &slackgo.GetConversationRepliesParameters{
				ChannelID: ch, Timestamp: thread, Oldest: since, Cursor: cursor, Limit: lookupPage, IncludeAllMetadata: true})
			if err != nil {
				return found, classify("conversations.replies", err)
			}
		} else {
			resp, err := a.api.GetConversationHistoryContext(ctx, &slackgo.GetConversationHistoryParameters{
				ChannelID: ch, Oldest: since, Cursor: cursor, Limit: lookupPage, IncludeAllMetadata: true})
			if err != nil {
				return found, classify("conversations.history", err)
			}
			msgs, more, cursor = resp.Messages, resp.HasMore, resp.ResponseMetaData.NextCursor
		}
		for _, msg := range msgs {
			if msg.BotID == "" {
				continue
			}
			if i, ok := outboxPart(msg.Metadata, key); ok {
				found.parts[i] = bot.MessageRef{Channel: ch, ID: msg.Timestamp}
			}
			sh := share{ts: msg.Timestamp, key: outboxBlockKey(msg.Blocks)}
			for _, f := range msg.Files {
				sh.file = sh.file || (file != "" && f.Name == file)
			}
			found.file = found.file || (sh.file && sh.key == key)
			shares = append(shares, sh)
		}
		if !more || cursor == "" {
			found.file = found.file || shareAfterText(found.parts, shares)
			return found, nil
		}
	}
	a.log.Warn("an earlier attempt was looked for in the most history a lookup reads", "channel_kind", channelKind(ch), "pages", maxLookupPages)
	found.file = found.file || shareAfterText(found.parts, shares)
	return found, nil
}

// share is what a lookup notes of each of the bot's messages.
type share struct {
	ts   string
	key  string // the outbox key its blocks name, if any
	file bool   // it carries a file of the attachment's name
}

// shareAfterText reports whether the bot's next message after the last
// of the text's parts is the attachment's file share with no other key:
// sendFile uploads the file right after posting text too long for a
// comment.
func shareAfterText(parts map[int]bot.MessageRef, shares []share) bool {
	last := ""
	for _, p := range parts {
		if tsAfter(p.ID, last) {
			last = p.ID
		}
	}
	if last == "" {
		return false
	}
	var next *share
	for i, sh := range shares {
		if tsAfter(sh.ts, last) && (next == nil || tsAfter(next.ts, sh.ts)) {
			next = &shares[i]
		}
	}
	return next != nil && next.file && next.key == ""
}

// tsAfter reports whether Slack timestamp a is later than b ("" is
// earliest).
func tsAfter(a, b string) bool {
	if b == "" {
		return a != ""
	}
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	if errA != nil || errB != nil {
		return a > b
	}
	return x > y
}

// sendEphemeral posts a message only the target user sees.
func (a *Adapter) sendEphemeral(ctx context.Context, m bot.Outgoing) (bot.MessageRef, error) {
	if m.Target.Channel == "" || m.Target.User == "" {
		return bot.MessageRef{}, fmt.Errorf("slack: ephemeral needs a channel and a user: %w", bot.ErrUndeliverable)
	}
	if m.Attachment != nil {
		a.log.Warn("ephemeral messages cannot carry files; sending the text only")
	}
	parts := a.render(m.Message)
	return a.parts.Send(m.Key, len(parts), func(i int) (bot.MessageRef, error) {
		ts, err := a.api.PostEphemeralContext(ctx, m.Target.Channel, m.Target.User, parts[i].options(m.Thread.ID)...)
		if err != nil {
			return bot.MessageRef{}, classify("chat.postEphemeral", err)
		}
		return bot.MessageRef{Channel: m.Target.Channel, ID: ts}, nil
	})
}

// sendFile uploads an attachment through files.getUploadURLExternal, the
// upload itself and files.completeUploadExternal. Short text without
// choices goes with the file as its comment; otherwise the text is posted
// first and the file follows it.
func (a *Adapter) sendFile(ctx context.Context, ch string, m bot.Outgoing, found earlier) (bot.MessageRef, error) {
	att := m.Attachment
	if len(att.Data) == 0 || att.Name == "" {
		return bot.MessageRef{}, fmt.Errorf("slack: empty attachment: %w", bot.ErrUndeliverable)
	}
	params := slackgo.UploadFileParameters{
		Filename: att.Name, Title: att.Name, FileSize: len(att.Data), Reader: bytes.NewReader(att.Data),
		Channel: ch, ThreadTimestamp: m.Thread.ID,
	}
	text := a.formatText(m.Text)
	ref := bot.MessageRef{Channel: ch}
	switch {
	case len(m.Choices) > 0 || len([]rune(text)) > maxSectionText:
		var err error
		if ref, err = a.post(ctx, m.Key, ch, m.Thread.ID, a.render(m.Message), found.parts); err != nil {
			return ref, err
		}
	case text != "":
		// The comment goes as a block, whose id carries the outbox key
		// (findEarlier): a file share takes no metadata.
		sec := slackgo.NewSectionBlock(slackgo.NewTextBlockObject(slackgo.MarkdownType, text, false, false), nil, nil)
		if m.Key != "" {
			sec.BlockID = outboxBlockID(m.Key)
		}
		params.Blocks = slackgo.Blocks{BlockSet: []slackgo.Block{sec}}
	}
	if found.file {
		return ref, nil // an earlier attempt shared it
	}
	if _, err := a.api.UploadFileContext(ctx, params); err != nil {
		return ref, classify("file upload", err)
	}
	return ref, nil
}

// Edit replaces the text and buttons of a message sent earlier (live
// counts on a prompt). It implements bot.Editor.
func (a *Adapter) Edit(ctx context.Context, ref bot.MessageRef, m bot.Message) error {
	if ref.Channel == "" || ref.ID == "" {
		return fmt.Errorf("slack: edit of an unknown message: %w", bot.ErrUndeliverable)
	}
	p := a.renderOne(m)
	if _, _, _, err := a.api.UpdateMessageContext(ctx, ref.Channel, ref.ID, p.options("")...); err != nil {
		return classify("chat.update", err)
	}
	return nil
}

// openDM asks the platform for a user's DM channel; a.dms caches it.
func (a *Adapter) openDM(ctx context.Context, user string) (string, error) {
	c, _, _, err := a.api.OpenConversationContext(ctx, &slackgo.OpenConversationParameters{Users: []string{user}})
	if err != nil {
		return "", classify("conversations.open", err)
	}
	return c.ID, nil
}

// classify maps a Web API error to the outbox's terms: a *bot.RetryError
// for rate limits and server trouble, bot.ErrUndeliverable for errors that
// will never succeed (an HTTP 4xx but 429 and 401, or an error code of
// undeliverable), and the error as it is otherwise. The result carries the
// HTTP status or Slack's error name for metrics, and its text is
// bot.SafeReason's, with no URL or id that could name a member.
func classify(method string, err error) error {
	return bot.WithPlatformCode(platformCode(err), bot.SafeError(classifyAPI(method, err)))
}

// platformCode is "429" for a rate limit, the HTTP status of a failed
// call, Slack's error name ("channel_not_found"), or "other".
func platformCode(err error) string {
	var rl *slackgo.RateLimitedError
	var sc slackgo.StatusCodeError
	var se slackgo.SlackErrorResponse
	switch {
	case errors.As(err, &rl):
		return "429"
	case errors.As(err, &sc):
		return strconv.Itoa(sc.Code)
	case errors.As(err, &se) && se.Err != "":
		return se.Err
	}
	return "other"
}

func classifyAPI(method string, err error) error {
	var rl *slackgo.RateLimitedError
	if errors.As(err, &rl) {
		return &bot.RetryError{After: rl.RetryAfter, RateLimit: true, Err: fmt.Errorf("slack %s: %w", method, err)}
	}
	var sc slackgo.StatusCodeError
	if errors.As(err, &sc) {
		switch {
		case sc.Code == http.StatusTooManyRequests:
			return &bot.RetryError{RateLimit: true, Err: fmt.Errorf("slack %s: %w", method, err)}
		case sc.Code >= 500:
			return &bot.RetryError{Err: fmt.Errorf("slack %s: %w", method, err)}
		case sc.Code >= 400 && sc.Code != http.StatusUnauthorized:
			// Any other 4xx fails again however often it is sent. A
			// refused token (401) is the bot's trouble, not the message's.
			return fmt.Errorf("slack %s: HTTP %d: %w", method, sc.Code, bot.ErrUndeliverable)
		}
	}
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) {
		switch {
		case undeliverable(se.Err):
			return fmt.Errorf("slack %s: %s: %w", method, se.Err, bot.ErrUndeliverable)
		case transient(se.Err):
			return &bot.RetryError{Err: fmt.Errorf("slack %s: %w", method, err)}
		}
	}
	return fmt.Errorf("slack %s: %w", method, err)
}

// undeliverable reports Web API errors that no retry can fix.
func undeliverable(code string) bool {
	switch code {
	case "channel_not_found", "not_in_channel", "is_archived", "channel_is_archived",
		"cannot_dm_bot", "user_not_found", "user_not_visible", "user_disabled",
		"user_not_in_channel", "messages_tab_disabled", "restricted_action",
		"restricted_action_read_only_channel", "restricted_action_thread_only_channel",
		"restricted_action_non_threadable_channel", "ekm_access_denied",
		"msg_too_long", "no_text", "invalid_blocks", "invalid_blocks_format",
		"too_many_attachments", "message_not_found", "cant_update_message",
		"edit_window_closed", "invalid_arguments", "file_not_found",
		"not_enabled": // views.publish: the app's Home tab is off

		return true
	}
	return false
}

// transient reports Web API errors Slack gives for trouble on its side.
func transient(code string) bool {
	switch code {
	case "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout":
		return true
	}
	return false
}
