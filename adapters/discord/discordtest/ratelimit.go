package discordtest

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// RouteLimit is a per-route rate limit: at most Limit requests in a window
// of Window, per bucket. Like Discord's, a bucket's window starts with its
// first request and resets whole when it ends; every answer says how much
// of it is left in the X-RateLimit-* headers.
type RouteLimit struct {
	Limit  int
	Window time.Duration
}

// DefaultRouteLimits are the fake's per-route limits. Discord does not
// publish its numbers (clients are to read the headers); these are the
// ones observed: 5 messages a channel in 5 s for creating and for editing
// messages. Every other route gets DefaultRouteLimit.
var DefaultRouteLimits = map[string]RouteLimit{
	RouteCreateMessage:  {Limit: 5, Window: 5 * time.Second},
	RouteEditMessage:    {Limit: 5, Window: 5 * time.Second},
	RouteExecuteWebhook: {Limit: 5, Window: 2 * time.Second},
}

// DefaultRouteLimit is the limit of a route not in the route limits: one
// no client of the fake reaches by accident, still with the headers.
var DefaultRouteLimit = RouteLimit{Limit: 50, Window: time.Second}

// majorParams are the path parameters that split a route's limit into
// buckets, as Discord's top-level resources do: each channel, guild,
// webhook (with its token) and interaction has buckets of its own.
var majorParams = []string{"channel_id", "guild_id", "interaction_id", "application_id", "interaction_token"}

// bucketState is one bucket's window.
type bucketState struct {
	used  int
	reset time.Time // real time the window ends
}

// routeLimitLocked applies the route's limit to a request arriving at now
// (real time). It returns the headers every answer carries and, when the
// bucket is spent, the 429 Discord gives instead: retry_after until the
// window ends, scope "user". The caller holds s.mu.
func (s *Server) routeLimitLocked(route string, params map[string]string, now time.Time) (http.Header, Fault, bool) {
	lim, ok := s.cfg.RouteLimits[route]
	if !ok {
		lim = DefaultRouteLimit
	}
	if route == "" || lim.Limit <= 0 || lim.Window <= 0 {
		return nil, Fault{}, false
	}
	key := route
	for _, p := range majorParams {
		if v, ok := params[p]; ok {
			key += " " + p + "=" + v
		}
	}
	b := s.buckets[key]
	if b == nil || !now.Before(b.reset) {
		b = &bucketState{reset: now.Add(lim.Window)}
		s.buckets[key] = b
	}
	limited := b.used >= lim.Limit
	if !limited {
		b.used++
	}
	after := b.reset.Sub(now)
	h := http.Header{}
	h.Set("X-RateLimit-Limit", strconv.Itoa(lim.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(lim.Limit-b.used))
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(b.reset.UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(math.Ceil(after.Seconds()*1000)/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", bucketFor(route, ""))
	if !limited {
		return h, Fault{}, false
	}
	s.routeHits++
	return h, RateLimited(after, false), true
}

// RateLimited counts the requests the fake refused with a 429 of its own
// limits, per-route and global; injected faults are not counted. A client
// that keeps Discord's limits gets none.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.routeHits + s.globalHits
}
