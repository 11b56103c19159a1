package discordtest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// REST routes the fake serves, as net/http patterns. A Call records the
// pattern it matched in Route, and faults are injected per route.
const (
	RouteGateway             = "GET /api/v9/gateway"
	RouteGatewayBot          = "GET /api/v9/gateway/bot"
	RouteCurrentUser         = "GET /api/v9/users/@me"
	RouteUser                = "GET /api/v9/users/{user_id}"
	RouteCreateDM            = "POST /api/v9/users/@me/channels"
	RouteChannel             = "GET /api/v9/channels/{channel_id}"
	RouteCreateMessage       = "POST /api/v9/channels/{channel_id}/messages"
	RouteEditMessage         = "PATCH /api/v9/channels/{channel_id}/messages/{message_id}"
	RouteDeleteMessage       = "DELETE /api/v9/channels/{channel_id}/messages/{message_id}"
	RouteGuildMember         = "GET /api/v9/guilds/{guild_id}/members/{user_id}"
	RouteGuild               = "GET /api/v9/guilds/{guild_id}"
	RouteInteractionCallback = "POST /api/v9/interactions/{interaction_id}/{interaction_token}/callback"
	RouteExecuteWebhook      = "POST /api/v9/webhooks/{application_id}/{interaction_token}"
	RouteWebhookMessage      = "GET /api/v9/webhooks/{application_id}/{interaction_token}/messages/{message_id}"
	RouteEditWebhookMessage  = "PATCH /api/v9/webhooks/{application_id}/{interaction_token}/messages/{message_id}"
	RouteDeleteWebhookMsg    = "DELETE /api/v9/webhooks/{application_id}/{interaction_token}/messages/{message_id}"
	RouteGlobalCommands      = "PUT /api/v9/applications/{application_id}/commands"
	RouteGuildCommands       = "PUT /api/v9/applications/{application_id}/guilds/{guild_id}/commands"
	RouteStartThread         = "POST /api/v9/channels/{channel_id}/messages/{message_id}/threads"
	RouteCreateEvent         = "POST /api/v9/guilds/{guild_id}/scheduled-events"
	RouteEditEvent           = "PATCH /api/v9/guilds/{guild_id}/scheduled-events/{event_id}"
	RouteDeleteEvent         = "DELETE /api/v9/guilds/{guild_id}/scheduled-events/{event_id}"
	RouteListEvents          = "GET /api/v9/guilds/{guild_id}/scheduled-events"
)

// Call is one REST request the fake received, with the answer it gave.
type Call struct {
	// Seq numbers calls from 1 in arrival order.
	Seq    int
	Method string
	// Path is the request path, e.g. /api/v9/channels/1300.../messages.
	Path  string
	Query url.Values
	// Route is the matched pattern (one of the Route constants), or "" for
	// a request no route matched (answered 404).
	Route  string
	Header http.Header
	// Params holds the route's path wildcards, e.g. "channel_id".
	Params map[string]string
	// Body is the JSON body: the request body, or the payload_json part of
	// a multipart upload. It is nil for requests without one.
	Body json.RawMessage
	// JSON is Body decoded into maps, slices, strings, float64s and bools.
	JSON any
	// Files are the uploaded files of a multipart request, in order.
	Files []File
	// Status is the HTTP status the fake answered with.
	Status int
	// Fault is true when the answer was an injected fault.
	Fault bool
}

// File is one uploaded file.
type File struct {
	// ID is the attachment id the fake assigned, once stored on a message.
	ID string
	// Field is the form field, e.g. "files[0]".
	Field       string
	Name        string
	ContentType string
	Data        []byte
}

// Decode unmarshals the call's JSON body into v.
func (c Call) Decode(v any) error {
	if c.Body == nil {
		return fmt.Errorf("decode call %d: no body", c.Seq)
	}
	if err := json.Unmarshal(c.Body, v); err != nil {
		return fmt.Errorf("decode call %d: %w", c.Seq, err)
	}
	return nil
}

// Field returns a top-level field of a JSON object body, or nil.
func (c Call) Field(name string) any {
	m, _ := c.JSON.(map[string]any)
	return m[name]
}

// ByRoute matches calls to one route.
func ByRoute(route string) func(Call) bool {
	return func(c Call) bool { return c.Route == route }
}

// Calls returns a copy of every call so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsTo returns the calls to one route, in order.
func (s *Server) CallsTo(route string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if c.Route == route {
			out = append(out, c)
		}
	}
	return out
}

// WaitCall returns the first call (already made or still to come) that
// matches, or an error when ctx ends first.
func (s *Server) WaitCall(ctx context.Context, match func(Call) bool) (Call, error) {
	cs, err := s.WaitCalls(ctx, 1, match)
	if err != nil {
		return Call{}, err
	}
	return cs[0], nil
}

// WaitCalls waits until n calls match and returns the first n.
func (s *Server) WaitCalls(ctx context.Context, n int, match func(Call) bool) ([]Call, error) {
	return waitMatching(ctx, s, "calls", n, func() []Call { return s.calls }, match)
}

// MustCall is WaitCall with a 5 s deadline that fails the test on timeout.
func (s *Server) MustCall(tb testing.TB, match func(Call) bool) Call {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := s.WaitCall(ctx, match)
	if err != nil {
		tb.Fatalf("discordtest: %v", err)
	}
	return c
}

// notifyLocked wakes every waiter; the caller holds s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Fault is an error answer the fake gives instead of handling a request.
type Fault struct {
	// Status is the HTTP status, e.g. 429, 500, 403.
	Status int
	// Code and Message form Discord's JSON error body {"message","code"}.
	// With Code 0 and no Message, a generic body for Status is used.
	Code    int
	Message string
	// RetryAfter and Global shape a 429: the retry_after field and the
	// X-RateLimit-* headers.
	RetryAfter time.Duration
	Global     bool
}

// RateLimited is a 429 as Discord sends it for a per-route (or, with
// global, the global) rate limit.
func RateLimited(retryAfter time.Duration, global bool) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter, Global: global}
}

// ServerError is a 5xx. discordgo retries 502 by itself (MaxRestRetries
// times) and returns other statuses as *RESTError.
func ServerError(status int) Fault {
	return Fault{Status: status}
}

// APIError is a Discord JSON error, e.g. APIError(403, 50007, "Cannot send
// messages to this user").
func APIError(status, code int, message string) Fault {
	return Fault{Status: status, Code: code, Message: message}
}

// CannotMessageUser is the error Discord returns for a DM to a user who
// does not accept DMs from the bot.
func CannotMessageUser() Fault {
	return APIError(http.StatusForbidden, 50007, "Cannot send messages to this user")
}

// Forever, as a count, keeps a fault until ClearFaults.
const Forever = -1

// faultRule injects a fault for matching requests.
type faultRule struct {
	route     string // pattern, or "" to match by method and path
	method    string
	path      string
	remaining int // Forever for no limit
	fault     Fault
}

// FailNext answers the next n calls to route (a Route constant) with f;
// n may be Forever.
func (s *Server) FailNext(route string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultRule{route: route, remaining: n, fault: f})
}

// FailPath answers the next n requests with this method and exact path
// (e.g. one DM channel's messages) with f; n may be Forever.
func (s *Server) FailPath(method, path string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultRule{method: method, path: path, remaining: n, fault: f})
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFaultLocked returns the fault for a request, consuming one use.
func (s *Server) takeFaultLocked(route, method, path string) (Fault, bool) {
	for i, r := range s.faults {
		if r.remaining == 0 {
			continue
		}
		if r.route != "" && r.route != route {
			continue
		}
		if r.route == "" && (r.method != method || r.path != path) {
			continue
		}
		if r.remaining > 0 {
			r.remaining--
		}
		if r.remaining == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return r.fault, true
	}
	return Fault{}, false
}

// faultResponse turns a fault into headers and a JSON body.
func faultResponse(f Fault, bucket string, now time.Time) (http.Header, any) {
	h := http.Header{}
	if f.Status == http.StatusTooManyRequests {
		secs := f.RetryAfter.Seconds()
		after := strconv.FormatFloat(secs, 'f', 3, 64)
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
		h.Set("X-RateLimit-Limit", "5")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(now.Add(f.RetryAfter).UnixMilli())/1000, 'f', 3, 64))
		h.Set("X-RateLimit-Reset-After", after)
		h.Set("X-RateLimit-Bucket", bucket)
		if f.Global {
			h.Set("X-RateLimit-Global", "true")
			h.Set("X-RateLimit-Scope", "global")
		} else {
			h.Set("X-RateLimit-Scope", "user")
		}
		msg := f.Message
		if msg == "" {
			msg = "You are being rate limited."
		}
		body := map[string]any{"message": msg, "retry_after": math.Round(secs*1000) / 1000, "global": f.Global}
		if f.Code != 0 {
			body["code"] = f.Code
		}
		return h, body
	}
	msg := f.Message
	if msg == "" && f.Code == 0 {
		msg = strconv.Itoa(f.Status) + ": " + http.StatusText(f.Status)
	}
	return h, map[string]any{"message": msg, "code": f.Code}
}
