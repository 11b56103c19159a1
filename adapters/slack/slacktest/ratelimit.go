package slacktest

import (
	"strconv"
	"time"

	"golang.org/x/time/rate"
)

// Tier is a Web API rate-limit tier: PerMinute calls a minute to one
// method from one app in one workspace, with bursts of up to Burst, as
// Slack's "burst behavior" allows.
type Tier struct {
	PerMinute int
	Burst     int
}

// Slack's tiers (Slack docs: Rate limits). Slack names their rates "20+",
// "50+" and "100+" per minute; the fake holds to those and allows bursts
// of a quarter of a minute's calls.
var (
	Tier2 = Tier{PerMinute: 20, Burst: 5}
	Tier3 = Tier{PerMinute: 50, Burst: 12}
	Tier4 = Tier{PerMinute: 100, Burst: 25}
	// PostMessagePerChannel is chat.postMessage's own limit: about one
	// message a second to a channel, with short bursts (three here).
	PostMessagePerChannel = Tier{PerMinute: 60, Burst: 3}
)

// MethodTiers are the tiers of the methods the fake serves (Slack's
// documentation page of each method). chat.postMessage is limited per
// channel instead (PostMessagePerChannel); apps.connections.open (Tier 1)
// and the upload and response URLs are not limited by the fake.
var MethodTiers = map[string]Tier{
	"auth.test":                    Tier4,
	"chat.postEphemeral":           Tier4,
	"chat.update":                  Tier3,
	"chat.delete":                  Tier3,
	"conversations.open":           Tier3,
	"conversations.history":        Tier3,
	"conversations.replies":        Tier3,
	"conversations.info":           Tier3,
	"users.info":                   Tier4,
	"views.open":                   Tier4,
	"views.push":                   Tier4,
	"views.update":                 Tier4,
	"views.publish":                Tier4,
	"files.getUploadURLExternal":   Tier4,
	"files.completeUploadExternal": Tier4,
}

// overLimitLocked takes a token for the call from its method's bucket (or,
// for chat.postMessage, its channel's) and reports whether there was none:
// Slack then answers HTTP 429 with Retry-After. The caller holds s.mu.
func (s *Server) overLimitLocked(c Call, now time.Time) (Fault, bool) {
	if s.cfg.Unlimited {
		return Fault{}, false
	}
	key, tier := c.Method, MethodTiers[c.Method]
	if c.Method == "chat.postMessage" {
		key, tier = c.Method+" "+c.Param("channel"), PostMessagePerChannel
	}
	if tier.PerMinute <= 0 {
		return Fault{}, false
	}
	l := s.limits[key]
	if l == nil {
		l = rate.NewLimiter(rate.Limit(float64(tier.PerMinute)/60), tier.Burst)
		s.limits[key] = l
	}
	r := l.ReserveN(now, 1)
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		s.limited++
		return RateLimited(wait), true
	}
	return Fault{}, false
}

// RateLimited counts the calls the fake answered 429 for going over a
// tier or chat.postMessage's per-channel limit; injected faults are not
// counted. A client that keeps Slack's limits gets none.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited
}

// retryAfter is a Retry-After header's value: whole seconds, rounded up.
func retryAfter(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}
