package slacktest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Pseudo method names under which the fake records requests that are not
// Web API methods.
const (
	// MethodUpload is the Method of a [Call] that posted file bytes to an
	// upload_url from files.getUploadURLExternal.
	MethodUpload = "upload"
	// MethodResponseURL is the Method of a [Call] that posted to a
	// response_url.
	MethodResponseURL = "response_url"
)

// Call is one recorded request to the fake.
type Call struct {
	// Seq numbers calls from 1 in order of arrival.
	Seq int
	// Method is the Web API method ("chat.postMessage"), or MethodUpload or
	// MethodResponseURL.
	Method string
	// Token is the token sent, from the form field "token" or from an
	// "Authorization: Bearer" header.
	Token string
	// Encoding is how the parameters came: "form", "json", "multipart",
	// "query" or "" when there were none.
	Encoding string
	// Params holds the parameters whatever their encoding. For a JSON body,
	// each top-level field is here too: strings as they are, anything else
	// as its JSON text, so Params.Get("view") is the view's JSON.
	Params url.Values
	// Body is the raw request body of a JSON request.
	Body json.RawMessage
	// Status is the HTTP status the fake answered.
	Status int
	// Response is the body the fake answered.
	Response json.RawMessage
	// At is when the call arrived.
	At time.Time
}

// Param returns the named parameter, whatever the request encoding.
func (c Call) Param(name string) string { return c.Params.Get(name) }

// DecodeParam unmarshals a parameter that holds JSON (such as "blocks" or
// "view") into v.
func (c Call) DecodeParam(name string, v any) error {
	raw := c.Params.Get(name)
	if raw == "" {
		return fmt.Errorf("slacktest: %s has no parameter %q", c.Method, name)
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return fmt.Errorf("slacktest: decode %s parameter %q: %w", c.Method, name, err)
	}
	return nil
}

// OK reports whether the fake answered 200 with {"ok":true} (or, for an
// upload or response_url, with any 200).
func (c Call) OK() bool {
	if c.Status != http.StatusOK {
		return false
	}
	var r struct {
		OK *bool `json:"ok"`
	}
	if json.Unmarshal(c.Response, &r) != nil || r.OK == nil {
		return true
	}
	return *r.OK
}

// APIError returns the "error" field of the answer, such as
// "channel_not_found", or "" when there was none.
func (c Call) APIError() string {
	var r struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(c.Response, &r)
	return r.Error
}

// String describes the call for failure messages, without its parameters.
func (c Call) String() string {
	if e := c.APIError(); e != "" {
		return fmt.Sprintf("#%d %s (%d %s)", c.Seq, c.Method, c.Status, e)
	}
	return fmt.Sprintf("#%d %s (%d)", c.Seq, c.Method, c.Status)
}

// Method returns a predicate matching calls to the named method.
func Method(name string) func(Call) bool {
	return func(c Call) bool { return c.Method == name }
}

// Calls returns every call recorded so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsTo returns the recorded calls to one method, in order.
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// WaitForCall returns the first recorded call, past or future, that match
// accepts. The call is recorded after the fake has answered it, so its
// Response is set.
func (s *Server) WaitForCall(ctx context.Context, match func(Call) bool) (Call, error) {
	calls, err := s.WaitForCalls(ctx, 1, match)
	if err != nil {
		return Call{}, err
	}
	return calls[0], nil
}

// WaitForCalls returns the first n recorded calls that match accepts,
// waiting until there are that many.
func (s *Server) WaitForCalls(ctx context.Context, n int, match func(Call) bool) ([]Call, error) {
	var got []Call
	cond := func() bool {
		got = got[:0]
		for _, c := range s.calls {
			if match(c) {
				got = append(got, c)
				if len(got) == n {
					return true
				}
			}
		}
		return false
	}
	seen := func() string {
		names := make([]string, len(s.calls))
		for i, c := range s.calls {
			names[i] = c.String()
		}
		return trimmed(names)
	}
	if err := s.wait(ctx, fmt.Sprintf("%d matching calls", n), cond, seen); err != nil {
		return nil, err
	}
	return append([]Call(nil), got...), nil
}

// Fault is an answer the fake gives instead of running a method. Build one
// with RateLimited, APIError or HTTPError.
type Fault struct {
	// Status is the HTTP status; 0 means 200.
	Status int
	// RetryAfter is sent as the Retry-After header, in whole seconds rounded
	// up, when Status is 429.
	RetryAfter time.Duration
	// Error is the code of an {"ok":false,"error":...} answer.
	Error string
	// pass lets the call through untouched; see Pass.
	pass bool
}

// Pass lets a call through normally. Queued before another fault, it makes
// the fault hit a later call: Inject(m, 1, Pass()) then Inject(m, 1,
// RateLimited(d)) fails the second call of m.
func Pass() Fault { return Fault{pass: true} }

// RateLimited answers 429 with a Retry-After header, which slack-go turns
// into a *slack.RateLimitedError.
func RateLimited(retryAfter time.Duration) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter, Error: "ratelimited"}
}

// APIError answers 200 with {"ok":false,"error":code}.
func APIError(code string) Fault { return Fault{Error: code} }

// HTTPError answers with a bare HTTP status, such as 500 or 503.
func HTTPError(status int) Fault { return Fault{Status: status} }

// Inject makes the next n calls of method (a Web API method, MethodUpload or
// MethodResponseURL) get f instead of their normal answer. Faults queue up:
// injecting twice queues the second batch after the first.
func (s *Server) Inject(method string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[method] = append(s.faults[method], f)
	}
}

// Handle installs h as the answer of a Web API method, replacing the fake's
// own or adding one it lacks. h gets the recorded call (without its
// Response) and returns the JSON body to answer; the fake still records the
// call, checks the token and applies injected faults first. h runs without
// the fake's lock, so it may call the Server.
func (s *Server) Handle(method string, h func(Call) any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[method] = h
}

// popFaultLocked takes the next injected fault of method, if any. The
// caller holds s.mu.
func (s *Server) popFaultLocked(method string) (Fault, bool) {
	q := s.faults[method]
	if len(q) == 0 {
		return Fault{}, false
	}
	s.faults[method] = q[1:]
	if q[0].pass {
		return Fault{}, false
	}
	return q[0], true
}

// maxBody bounds request bodies; Slack's own limits are far below it.
const maxBody = 16 << 20

// readCall decodes a request into a Call, accepting form, multipart, JSON
// and query parameters.
func readCall(r *http.Request, method string) (Call, error) {
	c := Call{Method: method, Params: url.Values{}, At: time.Now()}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case mediaType == "application/json":
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			return c, fmt.Errorf("read body: %w", err)
		}
		c.Encoding = "json"
		if len(bytes.TrimSpace(body)) > 0 {
			c.Body = body
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(body, &fields); err != nil {
				return c, fmt.Errorf("decode json body: %w", err)
			}
			for k, v := range fields {
				var str string
				if json.Unmarshal(v, &str) == nil {
					c.Params.Set(k, str)
				} else {
					c.Params.Set(k, string(v))
				}
			}
		}
	case mediaType == "multipart/form-data":
		if err := r.ParseMultipartForm(maxBody); err != nil {
			return c, fmt.Errorf("parse multipart: %w", err)
		}
		c.Encoding = "multipart"
		for k, v := range r.MultipartForm.Value {
			c.Params[k] = v
		}
	default:
		if err := r.ParseForm(); err != nil {
			return c, fmt.Errorf("parse form: %w", err)
		}
		if len(r.PostForm) > 0 {
			c.Encoding = "form"
		}
		for k, v := range r.PostForm {
			c.Params[k] = v
		}
	}
	// Query parameters count too (GET methods send them), but never
	// override the body.
	for k, v := range r.URL.Query() {
		if _, ok := c.Params[k]; !ok {
			c.Params[k] = v
			if c.Encoding == "" {
				c.Encoding = "query"
			}
		}
	}
	c.Token = c.Params.Get("token")
	if c.Token == "" {
		if auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			c.Token = auth
		}
	}
	return c, nil
}

// answer is what a handler decided: an HTTP status, headers and a body.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// jsonAnswer answers 200 with v as JSON.
func jsonAnswer(v any) answer {
	body, err := json.Marshal(v)
	if err != nil {
		return answer{status: http.StatusInternalServerError, body: []byte("slacktest: " + err.Error())}
	}
	return answer{status: http.StatusOK, header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, body: body}
}

// okAnswer answers {"ok":true} merged with fields.
func okAnswer(fields map[string]any) answer {
	out := map[string]any{"ok": true}
	for k, v := range fields {
		out[k] = v
	}
	return jsonAnswer(out)
}

// errAnswer answers {"ok":false,"error":code}.
func errAnswer(code string) answer {
	return jsonAnswer(map[string]any{"ok": false, "error": code})
}

// errAnswerMsgs answers {"ok":false,"error":code} with the detail messages
// Slack puts in response_metadata.messages.
func errAnswerMsgs(code string, msgs []string) answer {
	return jsonAnswer(map[string]any{
		"ok": false, "error": code,
		"response_metadata": map[string]any{"messages": msgs},
	})
}

// faultAnswer turns an injected fault into an answer.
func faultAnswer(f Fault) answer {
	status := f.Status
	if status == 0 {
		status = http.StatusOK
	}
	a := answer{status: status, header: http.Header{}}
	if status == http.StatusTooManyRequests {
		a.header.Set("Retry-After", retryAfter(f.RetryAfter))
	}
	if f.Error != "" {
		body, _ := json.Marshal(map[string]any{"ok": false, "error": f.Error})
		a.header.Set("Content-Type", "application/json; charset=utf-8")
		a.body = body
	} else {
		a.header.Set("Content-Type", "text/html")
		a.body = []byte("<html><body>slacktest: injected " + strconv.Itoa(status) + "</body></html>")
	}
	return a
}

// write sends a to w.
func (a answer) write(w http.ResponseWriter) {
	for k, v := range a.header {
		w.Header()[k] = v
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// record appends c, completed with a, to the call log. The caller holds s.mu.
func (s *Server) recordLocked(c Call, a answer) {
	c.Seq = len(s.calls) + 1
	c.Status = a.status
	c.Response = append(json.RawMessage(nil), a.body...)
	s.calls = append(s.calls, c)
	s.notifyLocked()
}

// serveAPI answers /api/<method>.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	c, err := readCall(r, method)
	if err != nil {
		s.log.Warn("bad request", "method", method, "err", err)
		a := errAnswer("invalid_form_data")
		s.mu.Lock()
		s.recordLocked(c, a)
		s.mu.Unlock()
		a.write(w)
		return
	}

	s.mu.Lock()
	a, custom := s.routeLocked(c)
	if custom != nil {
		// A custom handler runs without the lock, then the call is recorded.
		s.mu.Unlock()
		a = jsonAnswer(custom(c))
		s.mu.Lock()
	}
	s.recordLocked(c, a)
	s.mu.Unlock()

	s.log.Debug("api call", "method", method, "status", a.status)
	if c.Token == s.cfg.BotToken {
		w.Header().Set(scopesHeader, strings.Join(s.cfg.Scopes, ","))
	}
	a.write(w)
}

// routeLocked decides the answer to a Web API call: an injected fault, an
// auth error, or the method's own answer. When the method has a custom
// handler it returns that handler instead, to be run without the lock. The
// caller holds s.mu.
func (s *Server) routeLocked(c Call) (answer, func(Call) any) {
	if f, ok := s.popFaultLocked(c.Method); ok {
		return faultAnswer(f), nil
	}
	if code := s.checkToken(c.Method, c.Token); code != "" {
		return errAnswer(code), nil
	}
	if f, over := s.overLimitLocked(c, time.Now()); over {
		return faultAnswer(f), nil
	}
	if a, missing := s.scopeAnswerLocked(c); missing {
		return a, nil
	}
	if h, ok := s.handlers[c.Method]; ok {
		return answer{}, h
	}
	h, ok := s.methodLocked(c.Method)
	if !ok {
		return errAnswer("unknown_method"), nil
	}
	return h(c), nil
}

// checkToken returns the error Slack gives for token on method, or "".
// apps.connections.open takes only the app-level token; every other method
// takes only the bot token.
func (s *Server) checkToken(method, token string) string {
	appMethod := method == "apps.connections.open"
	switch {
	case token == "":
		return "not_authed"
	case appMethod && token == s.cfg.AppToken, !appMethod && token == s.cfg.BotToken:
		return ""
	case appMethod && !strings.HasPrefix(token, "xapp-"), !appMethod && strings.HasPrefix(token, "xapp-"):
		return "not_allowed_token_type"
	default:
		return "invalid_auth"
	}
}

// methodLocked returns the handler of a Web API method the fake serves. The
// handler runs with s.mu held.
func (s *Server) methodLocked(name string) (func(Call) answer, bool) {
	switch name {
	case "auth.test":
		return s.authTest, true
	case "apps.connections.open":
		return s.appsConnectionsOpen, true
	case "chat.postMessage":
		return s.chatPostMessage, true
	case "chat.postEphemeral":
		return s.chatPostEphemeral, true
	case "chat.update":
		return s.chatUpdate, true
	case "chat.delete":
		return s.chatDelete, true
	case "conversations.open":
		return s.conversationsOpen, true
	case "conversations.history":
		return s.conversationsHistory, true
	case "conversations.replies":
		return s.conversationsReplies, true
	case "users.info":
		return s.usersInfo, true
	case "conversations.info":
		return s.conversationsInfo, true
	case "views.open":
		return s.viewsOpen, true
	case "views.push":
		return s.viewsPush, true
	case "views.update":
		return s.viewsUpdate, true
	case "views.publish":
		return s.viewsPublish, true
	case "files.getUploadURLExternal":
		return s.filesGetUploadURLExternal, true
	case "files.completeUploadExternal":
		return s.filesCompleteUploadExternal, true
	}
	return nil, false
}
