package slack

import (
	"context"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"
	"golang.org/x/time/rate"

	"github.com/porchlight/porchlight/adapters/kit"
)

// tier is a Web API rate-limit tier as the adapter paces it: perMinute
// calls a minute with bursts of burst, half of what Slack tolerates, so
// that calls bunched up on their way still arrive within the tier.
type tier struct {
	perMinute float64
	burst     int
}

// Slack's tiers the adapter's methods fall in (Slack docs: Rate limits):
// "50+" and "100+" calls a minute per method, app and workspace;
// chat.postMessage about one a second per channel.
var (
	tier3       = tier{perMinute: 50, burst: 5}
	tier4       = tier{perMinute: 100, burst: 10}
	postPerChan = tier{perMinute: 60, burst: 1}
)

// methodTiers are the tiers of the Web API methods the adapter calls, by
// the webAPI method that calls them.
var methodTiers = map[string]tier{
	"auth.test":             tier4,
	"chat.postEphemeral":    tier4,
	"chat.update":           tier3,
	"conversations.open":    tier3,
	"conversations.history": tier3,
	"conversations.replies": tier3,
	"users.info":            tier4,
	"views.open":            tier4,
	"views.publish":         tier4,
	"files.upload":          tier4, // files.getUploadURLExternal and files.completeUploadExternal, both Tier 4
}

// Bounds of the per-channel limiters: a limiter idle for a second is full
// again, so forgetting it after a minute changes nothing.
const (
	channelPaceTTL   = time.Minute
	channelPaceLimit = 10_000
)

// paced is the Web API client with Slack's limits kept: each method waits
// for its tier's limiter, and chat.postMessage also for its channel's, so
// that a fan-out to many channels goes at Slack's pace without a 429. A
// wait ends with the call's context. A 429 that still comes back is the
// sender's to wait out (RetryError.RateLimit).
type paced struct {
	webAPI
	methods map[string]*rate.Limiter
	// perChannel is chat.postMessage's pace per channel, 1 a second; zero
	// means Slack's.
	perChannel rate.Limit

	mu       sync.Mutex
	channels *kit.TTLMap[*rate.Limiter]
}

// newPaced paces api; channelRate (posts a second per channel) zero means
// Slack's one.
func newPaced(api webAPI, channelRate float64) *paced {
	p := &paced{webAPI: api, methods: map[string]*rate.Limiter{}, channels: kit.NewTTLMap[*rate.Limiter](channelPaceTTL, channelPaceLimit)}
	for m, t := range methodTiers {
		p.methods[m] = rate.NewLimiter(rate.Limit(t.perMinute/60), t.burst)
	}
	p.perChannel = rate.Limit(postPerChan.perMinute / 60)
	if channelRate > 0 {
		p.perChannel = rate.Limit(channelRate)
	}
	return p
}

// wait waits for a call of method, and for chat.postMessage to channel.
func (p *paced) wait(ctx context.Context, method, channel string) error {
	if l := p.methods[method]; l != nil {
		if err := l.Wait(ctx); err != nil {
			return err
		}
	}
	if channel == "" {
		return nil
	}
	p.mu.Lock()
	now := time.Now()
	l, ok := p.channels.Get(channel, now)
	if !ok {
		l = rate.NewLimiter(p.perChannel, postPerChan.burst)
	}
	p.channels.Put(channel, l, now) // refreshes its time to live
	p.mu.Unlock()
	return l.Wait(ctx)
}

func (p *paced) AuthTestContext(ctx context.Context) (*slackgo.AuthTestResponse, error) {
	if err := p.wait(ctx, "auth.test", ""); err != nil {
		return nil, err
	}
	return p.webAPI.AuthTestContext(ctx)
}

func (p *paced) PostMessageContext(ctx context.Context, channelID string, options ...slackgo.MsgOption) (string, string, error) {
	if err := p.wait(ctx, "", channelID); err != nil {
		return "", "", err
	}
	return p.webAPI.PostMessageContext(ctx, channelID, options...)
}

func (p *paced) PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slackgo.MsgOption) (string, error) {
	if err := p.wait(ctx, "chat.postEphemeral", ""); err != nil {
		return "", err
	}
	return p.webAPI.PostEphemeralContext(ctx, channelID, userID, options...)
}

func (p *paced) UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slackgo.MsgOption) (string, string, string, error) {
	if err := p.wait(ctx, "chat.update", ""); err != nil {
		return "", "", "", err
	}
	return p.webAPI.UpdateMessageContext(ctx, channelID, timestamp, options...)
}

func (p *paced) OpenConversationContext(ctx context.Context, params *slackgo.OpenConversationParameters) (*slackgo.Channel, bool, bool, error) {
	if err := p.wait(ctx, "conversations.open", ""); err != nil {
		return nil, false, false, err
	}
	return p.webAPI.OpenConversationContext(ctx, params)
}

func (p *paced) OpenViewContext(ctx context.Context, triggerID string, view slackgo.ModalViewRequest) (*slackgo.ViewResponse, error) {
	if err := p.wait(ctx, "views.open", ""); err != nil {
		return nil, err
	}
	return p.webAPI.OpenViewContext(ctx, triggerID, view)
}

func (p *paced) UploadFileContext(ctx context.Context, params slackgo.UploadFileParameters) (*slackgo.FileSummary, error) {
	// Two Tier 4 calls: a slot for each.
	for range 2 {
		if err := p.wait(ctx, "files.upload", ""); err != nil {
			return nil, err
		}
	}
	return p.webAPI.UploadFileContext(ctx, params)
}

func (p *paced) GetConversationHistoryContext(ctx context.Context, params *slackgo.GetConversationHistoryParameters) (*slackgo.GetConversationHistoryResponse, error) {
	if err := p.wait(ctx, "conversations.history", ""); err != nil {
		return nil, err
	}
	return p.webAPI.GetConversationHistoryContext(ctx, params)
}

func (p *paced) GetConversationRepliesContext(ctx context.Context, params *slackgo.GetConversationRepliesParameters) ([]slackgo.Message, bool, string, error) {
	if err := p.wait(ctx, "conversations.replies", ""); err != nil {
		return nil, false, "", err
	}
	return p.webAPI.GetConversationRepliesContext(ctx, params)
}

func (p *paced) GetUserInfoContext(ctx context.Context, user string, options ...slackgo.GetUserInfoOption) (*slackgo.User, error) {
	if err := p.wait(ctx, "users.info", ""); err != nil {
		return nil, err
	}
	return p.webAPI.GetUserInfoContext(ctx, user, options...)
}

func (p *paced) PublishViewContext(ctx context.Context, req slackgo.PublishViewContextRequest) (*slackgo.ViewResponse, error) {
	if err := p.wait(ctx, "views.publish", ""); err != nil {
		return nil, err
	}
	return p.webAPI.PublishViewContext(ctx, req)
}
