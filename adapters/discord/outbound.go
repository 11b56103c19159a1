package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/porchlight/porchlight/adapters/kit"
	"github.com/porchlight/porchlight/bot"
)

// codeCannotDM is Discord's error for a DM to a user who does not accept
// DMs from the bot.
const codeCannotDM = 50007

// Send delivers one outbox message: a channel post (in the thread on
// m.Thread when set, started if need be; see threadFor), a DM through the user's DM channel, or, since Discord
// has ephemeral messages only in answer to an interaction, an ephemeral
// target as a DM. An attachment goes up as a file of the first message.
// Rate limits and server errors come back as *bot.RetryError; errors that
// will never succeed, such as a user who refuses DMs (50007), wrap
// bot.ErrUndeliverable.
func (a *Adapter) Send(ctx context.Context, m bot.Outgoing) (bot.MessageRef, error) {
	if m.Target.Kind == bot.TargetCalendar && m.Event != nil {
		return a.sendEvent(ctx, m)
	}
	if !m.Edit.IsZero() {
		return m.Edit, a.Edit(ctx, m.Edit, m.Message)
	}
	var ch string
	// A new channel post that asks for a thread of its own gets one once
	// it is posted.
	openThread := m.Target.Kind == bot.TargetChannel && m.Thread.IsZero() && m.ThreadName != ""
	threadName := m.ThreadName
	if strings.TrimSpace(threadName) == "" {
		threadName = kit.Lang(m.Lang).T("discord.thread.title")
	}
	switch m.Target.Kind {
	case bot.TargetChannel:
		ch = m.Target.Channel
		if !m.Thread.IsZero() && (m.Thread.Channel == "" || m.Thread.Channel == ch) {
			// In the thread on the parent post, keeping the channel
			// readable.
			th, ok, err := a.threadFor(ctx, ch, m.Thread.ID, threadName)
			if err != nil {
				return bot.MessageRef{}, err
			}
			if ok {
				ch = th
			}
			// Without a thread it is a plain post: a reply would need Read
			// Message History, which the bot does not ask for.
			m.Thread = bot.MessageRef{}
		}
	case bot.TargetDM, bot.TargetEphemeral:
		var err error
		if ch, err = a.dms.Get(ctx, m.Target.User); err != nil {
			return bot.MessageRef{}, err
		}
		m.Thread = bot.MessageRef{}
	default:
		return bot.MessageRef{}, fmt.Errorf("discord: target %q: %w", m.Target.Kind, bot.ErrUndeliverable)
	}
	if ch == "" {
		return bot.MessageRef{}, fmt.Errorf("discord: no channel: %w", bot.ErrUndeliverable)
	}
	ref, err := a.post(ctx, m.Key, ch, m.Message)
	if err == nil && openThread {
		a.openThread(ctx, ref, threadName)
	}
	return ref, err
}

// post posts a message's parts in order and returns the first one's ref,
// which is where replies and edits attach. The file goes with the first
// part. When a later part fails, the outbox retries, and a.parts makes the
// retry start after the parts already posted (keyed by the outbox key).
func (a *Adapter) post(ctx context.Context, key, ch string, m bot.Message) (bot.MessageRef, error) {
	parts := a.render(m)
	if att := m.Attachment; att != nil && (len(att.Data) == 0 || att.Name == "") {
		return bot.MessageRef{}, fmt.Errorf("discord: empty attachment: %w", bot.ErrUndeliverable)
	}
	return a.parts.Send(key, len(parts), func(i int) (bot.MessageRef, error) {
		p := parts[i]
		send := &discordgo.MessageSend{Content: p.content, Components: p.components, AllowedMentions: allowedMentions()}
		if i == 0 && m.Attachment != nil {
			att := m.Attachment
			send.Files = []*discordgo.File{{Name: att.Name, ContentType: att.ContentType, Reader: bytes.NewReader(att.Data)}}
			if p.content == "\u200b" {
				send.Content = ""
			}
		}
		msg, err := a.createMessage(ctx, ch, send, partNonce(key, i))
		if err != nil {
			return bot.MessageRef{}, classify("send message", err)
		}
		return bot.MessageRef{Channel: msg.ChannelID, ID: msg.ID}, nil
	})
}

// partNonce is the nonce of part i of the message keyed key: the key for
// the first part, "key.i" for the others (the sender's keys are 20
// characters, so this stays within Discord's 25), "" without a key.
func partNonce(key string, i int) string {
	if key == "" || i == 0 {
		return key
	}
	return key + "." + strconv.Itoa(i)
}

// nonceSend is a create-message body with Discord's nonce fields, which
// discordgo v0.28.1's MessageSend lacks. With enforce_nonce, a create that
// repeats a nonce Discord saw from the bot in the past few minutes returns
// the earlier message and creates none: an outbox resend after a crash
// between the send and its record posts nothing twice.
type nonceSend struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// createMessage posts a message through discordgo's own request path, so
// its rate-limit buckets and 429 handling apply as in
// ChannelMessageSendComplex, with the nonce added to the body (the JSON
// body, or the payload_json part of an upload).
func (a *Adapter) createMessage(ctx context.Context, ch string, send *discordgo.MessageSend, nonce string) (*discordgo.Message, error) {
	ep := discordgo.EndpointChannelMessages(ch)
	body := nonceSend{MessageSend: send, Nonce: nonce, EnforceNonce: nonce != ""}
	var resp []byte
	var err error
	if len(send.Files) > 0 {
		contentType, data, encErr := discordgo.MultipartBodyWithJSON(body, send.Files)
		if encErr != nil {
			return nil, fmt.Errorf("encode upload: %w: %w", encErr, bot.ErrUndeliverable)
		}
		resp, err = a.session.RequestWithLockedBucket("POST", ep, contentType, data, a.session.Ratelimiter.LockBucket(ep), 0, discordgo.WithContext(ctx))
	} else {
		resp, err = a.session.RequestWithBucketID("POST", ep, body, ep, discordgo.WithContext(ctx))
	}
	if err != nil {
		return nil, err
	}
	var msg discordgo.Message
	if err := json.Unmarshal(resp, &msg); err != nil {
		// The platform took the message; a retry under the same nonce
		// gets it back.
		return nil, &bot.RetryError{Err: fmt.Errorf("decode the created message: %w", err)}
	}
	return &msg, nil
}

// Edit replaces the text and buttons of a message sent earlier (live
// counts on a prompt). It implements bot.Editor.
func (a *Adapter) Edit(ctx context.Context, ref bot.MessageRef, m bot.Message) error {
	if ref.Channel == "" || ref.ID == "" {
		return fmt.Errorf("discord: edit of an unknown message: %w", bot.ErrUndeliverable)
	}
	p := a.renderOne(m)
	comps := p.components
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	edit := &discordgo.MessageEdit{ID: ref.ID, Channel: ref.Channel, Content: &p.content, Components: &comps, AllowedMentions: allowedMentions()}
	if _, err := a.session.ChannelMessageEditComplex(edit, discordgo.WithContext(ctx)); err != nil {
		return classify("edit message", err)
	}
	return nil
}

// openDM asks the platform for a user's DM channel; a.dms caches it.
func (a *Adapter) openDM(ctx context.Context, user string) (string, error) {
	c, err := a.session.UserChannelCreate(user, discordgo.WithContext(ctx))
	if err != nil {
		return "", classify("open DM", err)
	}
	return c.ID, nil
}

// classify maps a REST error to the outbox's terms: a *bot.RetryError for
// rate limits, server trouble and network failures, bot.ErrUndeliverable
// for errors no retry can fix (every 4xx but 429 and 401), and the error as
// it is otherwise. The result carries the HTTP status (or "network") for
// metrics, and its text is bot.SafeReason's: a network error's URL names
// the channel, a DM's among them.
func classify(what string, err error) error {
	return bot.WithPlatformCode(platformCode(err), bot.SafeError(classifyREST(what, err)))
}

// platformCode is the HTTP status of a failed call, "429" for a rate limit
// discordgo caught itself, or "network".
func platformCode(err error) string {
	var rl *discordgo.RateLimitError
	var re *discordgo.RESTError
	var ue *url.Error
	var ne net.Error
	switch {
	case errors.As(err, &rl):
		return "429"
	case errors.As(err, &re) && re.Response != nil:
		return strconv.Itoa(re.Response.StatusCode)
	case strings.Contains(err.Error(), "Exceeded Max retries"):
		return "502"
	case errors.As(err, &ue) || errors.As(err, &ne):
		return "network"
	}
	return "other"
}

func classifyREST(what string, err error) error {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) {
		after := rl.RetryAfter
		return &bot.RetryError{After: after, RateLimit: true, Err: fmt.Errorf("discord %s: rate limited: %w", what, err)}
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		status := re.Response.StatusCode
		code := 0
		if re.Message != nil {
			code = re.Message.Code
		}
		switch {
		case status == http.StatusTooManyRequests:
			return &bot.RetryError{RateLimit: true, Err: fmt.Errorf("discord %s: HTTP %d: %w", what, status, err)}
		case status >= 500:
			return &bot.RetryError{Err: fmt.Errorf("discord %s: HTTP %d: %w", what, status, err)}
		case code == codeCannotDM:
			return fmt.Errorf("discord %s: the user does not accept DMs from the bot (50007): %w", what, bot.ErrUndeliverable)
		case status == http.StatusUnauthorized:
			// A refused token is the bot's trouble, not the message's:
			// every message would fail alike, so none is given up on for it.
			return fmt.Errorf("discord %s: token refused: %w", what, err)
		case status >= 400 && status < 500:
			// Any other 4xx (bad request, missing access, unknown
			// channel, too large…) fails again however often it is sent.
			return fmt.Errorf("discord %s: HTTP %d code %d: %w", what, status, code, bot.ErrUndeliverable)
		}
		return fmt.Errorf("discord %s: %w", what, err)
	}
	// With MaxRestRetries at 0, discordgo reports a 502 with this plain
	// error instead of a *RESTError.
	if strings.Contains(err.Error(), "Exceeded Max retries") {
		return &bot.RetryError{Err: fmt.Errorf("discord %s: %w", what, err)}
	}
	var ue *url.Error
	var ne net.Error
	if errors.As(err, &ue) || errors.As(err, &ne) {
		return &bot.RetryError{Err: fmt.Errorf("discord %s: %w", what, err)}
	}
	return fmt.Errorf("discord %s: %w", what, err)
}

// discordCode returns the Discord JSON error code of err, or 0.
func discordCode(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		return re.Message.Code
	}
	return 0
}
