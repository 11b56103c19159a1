package discordtest

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/porchlight/porchlight/bot"
)

// request is a REST request with its body already read.
type request struct {
	r      *http.Request
	params map[string]string
	body   json.RawMessage
	obj    map[string]any // body, when it is a JSON object
	files  []File
}

// param returns a path wildcard.
func (q *request) param(name string) string { return q.params[name] }

// reply is a handler's answer: a status and a JSON body (nil for none).
type reply struct {
	status int
	body   any
}

// ok answers 200 with a JSON body.
func ok(body any) reply { return reply{status: http.StatusOK, body: body} }

// noContent answers 204.
func noContent() reply { return reply{status: http.StatusNoContent} }

// apiErr is a Discord JSON error: {"message","code"} plus, for 50035, the
// nested "errors" object.
type apiErr struct {
	status  int
	code    int
	message string
	errors  map[string]any
}

// reply turns the error into its answer.
func (e *apiErr) reply() reply {
	body := map[string]any{"message": e.message, "code": e.code}
	if e.errors != nil {
		body["errors"] = e.errors
	}
	return reply{status: e.status, body: body}
}

// Discord's errors, with their real codes and messages.
func errUnknownChannel() *apiErr { return &apiErr{404, 10003, "Unknown Channel", nil} }
func errUnknownGuild() *apiErr   { return &apiErr{404, 10004, "Unknown Guild", nil} }
func errUnknownMember() *apiErr  { return &apiErr{404, 10007, "Unknown Member", nil} }
func errUnknownMessage() *apiErr { return &apiErr{404, 10008, "Unknown Message", nil} }
func errUnknownUser() *apiErr    { return &apiErr{404, 10013, "Unknown User", nil} }
func errUnknownWebhook() *apiErr { return &apiErr{404, 10015, "Unknown Webhook", nil} }
func errUnknownInteraction() *apiErr {
	return &apiErr{404, 10062, "Unknown interaction", nil}
}
func errAlreadyAcked() *apiErr {
	return &apiErr{400, 40060, "Interaction has already been acknowledged.", nil}
}
func errInvalidWebhookToken() *apiErr {
	return &apiErr{401, 50027, "Invalid Webhook Token", nil}
}
func errMissingAccess() *apiErr { return &apiErr{403, 50001, "Missing Access", nil} }
func errEditOthers() *apiErr {
	return &apiErr{403, 50005, "Cannot edit a message authored by another user", nil}
}
func errEmptyMessage() *apiErr { return &apiErr{400, 50006, "Cannot send an empty message", nil} }
func errUnauthorized() *apiErr { return &apiErr{401, 0, "401: Unauthorized", nil} }

// routes builds the mux. Bot routes check the token; interaction callbacks
// and webhooks are authorized by the token in their URL, as on Discord.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, r := range []struct {
		route string
		auth  bool // a bot route; the others carry their token in the URL
		fn    func(*request) reply
	}{
		{RouteGatewayBot, true, s.getGatewayBot},
		{RouteCurrentUser, true, s.getCurrentUser},
		{RouteUser, true, s.getUser},
		{RouteCreateDM, true, s.createDM},
		{RouteChannel, true, s.getChannel},
		{RouteCreateMessage, true, s.createMessage},
		{RouteEditMessage, true, s.editMessage},
		{RouteDeleteMessage, true, s.deleteMessage},
		{RouteGuildMember, true, s.getMember},
		{RouteGuild, true, s.getGuild},
		{RouteGlobalCommands, true, s.overwriteCommands},
		{RouteGuildCommands, true, s.overwriteCommands},
		{RouteStartThread, true, s.startThread},
		{RouteCreateEvent, true, s.createEvent},
		{RouteEditEvent, true, s.editEvent},
		{RouteDeleteEvent, true, s.deleteEvent},
		{RouteListEvents, true, s.listEvents},
		{RouteGateway, false, s.getGateway},
		{RouteInteractionCallback, false, s.interactionCallback},
		{RouteExecuteWebhook, false, s.executeWebhook},
		{RouteWebhookMessage, false, s.getWebhookMessage},
		{RouteEditWebhookMessage, false, s.editWebhookMessage},
		{RouteDeleteWebhookMsg, false, s.deleteWebhookMessage},
	} {
		mux.Handle(r.route, s.endpoint(r.route, r.auth, r.fn))
	}
	mux.HandleFunc("GET /gateway/", s.serveGateway)
	mux.Handle("/", s.endpoint("", false, func(*request) reply {
		return reply{status: http.StatusNotFound, body: map[string]any{"message": "404: Not Found", "code": 0}}
	}))
	return mux
}

// endpoint wraps a handler: it reads the body, checks the token and
// injected faults, runs the handler under the server lock and records the
// call before answering, so a client that has its answer can assert on it.
func (s *Server) endpoint(route string, auth bool, fn func(*request) reply) http.Handler {
	names := wildcards(route)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := &request{r: r, params: map[string]string{}}
		for _, n := range names {
			q.params[n] = r.PathValue(n)
		}
		// The request's arrival, for the rate limits: before the fake's
		// own work and its lock, which a client is not to be charged for.
		arrived := time.Now()
		bad := q.readBody()
		if s.cfg.Latency > 0 {
			time.Sleep(s.cfg.Latency) // the network's round trip
		}

		s.mu.Lock()
		call := Call{
			Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Route: route,
			Header: r.Header.Clone(), Params: q.params, Body: q.body, Files: q.files,
		}
		if len(q.body) > 0 {
			var v any
			if json.Unmarshal(q.body, &v) == nil {
				call.JSON = v
			}
		}
		var rep reply
		var header http.Header
		switch {
		case bad != nil:
			rep = bad.reply()
		case auth && r.Header.Get("Authorization") != s.cfg.Token:
			rep = errUnauthorized().reply()
		default:
			now := arrived
			f, hit := s.overGlobalLocked(auth, now)
			var limits http.Header
			routeHit := false
			if !hit {
				limits, f, hit = s.routeLimitLocked(route, q.params, now)
				routeHit = hit
			}
			if !hit {
				f, hit = s.takeFaultLocked(route, r.Method, r.URL.Path)
			}
			if hit {
				header, rep.body = faultResponse(f, bucketFor(route, r.URL.Path), s.cfg.Now())
				rep.status = f.Status
				call.Fault = true
			} else {
				rep = fn(q)
			}
			// Every answer on a limited route says where its bucket
			// stands, a 429 of the route's own limit included.
			if header == nil {
				header = http.Header{}
			}
			for k, v := range limits {
				if header.Get(k) == "" || routeHit {
					header[k] = v
				}
			}
		}
		call.Status = rep.status
		call.Seq = len(s.calls) + 1
		s.calls = append(s.calls, call)
		s.notifyLocked()
		s.mu.Unlock()

		for k, v := range header {
			w.Header()[k] = v
		}
		if rep.body == nil {
			w.WriteHeader(rep.status)
			return
		}
		b, err := json.Marshal(rep.body)
		if err != nil {
			http.Error(w, "discordtest: encode reply: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rep.status)
		_, _ = w.Write(b)
	})
}

// overGlobalLocked applies Discord's global rate limit to a request made
// at now (real time): with the bot token, and more than the limit of them
// in the last second, it returns the 429 Discord gives, with the wait
// until the oldest of them leaves the window.
func (s *Server) overGlobalLocked(auth bool, now time.Time) (Fault, bool) {
	limit := s.cfg.GlobalLimit
	if limit == 0 {
		limit = DefaultGlobalLimit
	}
	if !auth || limit < 0 {
		return Fault{}, false
	}
	// Requests reach the lock a little out of the order they arrived
	// in: the window is the arrivals in the second up to now, whenever
	// they were counted.
	keep := s.recent[:0]
	for _, t := range s.recent {
		if now.Sub(t) < time.Second || t.After(now) {
			keep = append(keep, t)
		}
	}
	s.recent = keep
	in := 0
	oldest := now
	for _, t := range s.recent {
		if !t.After(now) {
			in++
			if t.Before(oldest) {
				oldest = t
			}
		}
	}
	if in >= limit {
		f := RateLimited(oldest.Add(time.Second).Sub(now), true)
		s.globalHits++
		return f, true
	}
	s.recent = append(s.recent, now)
	return Fault{}, false
}

// GlobalRateLimited counts the requests the fake refused for exceeding the
// global rate limit.
func (s *Server) GlobalRateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.globalHits
}

// wildcardRE finds {name} wildcards in a route pattern.
var wildcardRE = regexp.MustCompile(`\{([a-z_]+)\}`)

// wildcards lists a pattern's wildcard names.
func wildcards(route string) []string {
	var out []string
	for _, m := range wildcardRE.FindAllStringSubmatch(route, -1) {
		out = append(out, m[1])
	}
	return out
}

// bucketFor names a rate-limit bucket, as the X-RateLimit-Bucket header.
func bucketFor(route, path string) string {
	key := route
	if key == "" {
		key = path
	}
	var h uint32 = 2166136261
	for i := 0; i < len(key); i++ {
		h = (h ^ uint32(key[i])) * 16777619
	}
	const hexdigits = "0123456789abcdef"
	b := make([]byte, 8)
	for i := range b {
		b[i] = hexdigits[(h>>(28-4*uint(i)))&0xf]
	}
	return string(b)
}

// readBody reads a JSON or multipart body into q.
func (q *request) readBody() *apiErr {
	ct, params, _ := mime.ParseMediaType(q.r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		return q.readMultipart(params["boundary"])
	}
	b, err := io.ReadAll(q.r.Body)
	if err != nil {
		return &apiErr{400, 50109, "The request body contains invalid JSON.", nil}
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	q.body = b
	if !json.Valid(b) {
		return &apiErr{400, 50109, "The request body contains invalid JSON.", nil}
	}
	_ = json.Unmarshal(b, &q.obj) // stays nil for arrays
	return nil
}

// readMultipart reads payload_json and files[n] parts, keeping their order.
func (q *request) readMultipart(boundary string) *apiErr {
	bad := &apiErr{400, 50035, "Invalid Form Body", nil}
	mr, err := q.r.MultipartReader()
	if err != nil || boundary == "" {
		return bad
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return bad
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return bad
		}
		name := p.FormName()
		switch {
		case name == "payload_json":
			q.body = data
			if !json.Valid(data) {
				return &apiErr{400, 50109, "The request body contains invalid JSON.", nil}
			}
			_ = json.Unmarshal(data, &q.obj)
		case strings.HasPrefix(name, "files["):
			q.files = append(q.files, File{Field: name, Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: data})
		}
	}
	return nil
}

// getGateway answers GET /gateway with the fake's websocket URL.
func (s *Server) getGateway(*request) reply {
	return ok(map[string]any{"url": s.GatewayURL()})
}

// getGatewayBot answers GET /gateway/bot.
func (s *Server) getGatewayBot(*request) reply {
	return ok(map[string]any{
		"url":    s.GatewayURL(),
		"shards": 1,
		"session_start_limit": map[string]any{
			"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1,
		},
	})
}

// getCurrentUser answers GET /users/@me with the bot user.
func (s *Server) getCurrentUser(*request) reply {
	u := s.userJSONLocked(AppID)
	u["verified"] = true
	u["mfa_enabled"] = false
	u["locale"] = "en-US"
	u["email"] = nil
	return ok(u)
}

// getUser answers GET /users/{id}.
func (s *Server) getUser(q *request) reply {
	if _, known := s.users[q.param("user_id")]; !known {
		return errUnknownUser().reply()
	}
	return ok(s.userJSONLocked(q.param("user_id")))
}

// createDM answers POST /users/@me/channels {"recipient_id"}.
func (s *Server) createDM(q *request) reply {
	id, _ := q.obj["recipient_id"].(string)
	if _, known := s.users[id]; !known {
		return formError("recipient_id", "NUMBER_TYPE_COERCE", "Value \""+id+"\" is not snowflake.").reply()
	}
	return ok(s.channelJSONLocked(s.channels[s.dmChannelLocked(id)]))
}

// getChannel answers GET /channels/{id}.
func (s *Server) getChannel(q *request) reply {
	c, known := s.channels[q.param("channel_id")]
	if !known {
		return errUnknownChannel().reply()
	}
	return ok(s.channelJSONLocked(c))
}

// getGuild answers GET /guilds/{id} for a guild the bot is in, with its
// roles.
func (s *Server) getGuild(q *request) reply {
	for _, g := range s.guilds {
		if g.ID == q.param("guild_id") {
			return ok(s.guildJSONLocked(g))
		}
	}
	return errUnknownGuild().reply()
}

// getMember answers GET /guilds/{gid}/members/{uid}.
func (s *Server) getMember(q *request) reply {
	if !s.knownGuildLocked(q.param("guild_id")) {
		return errUnknownGuild().reply()
	}
	m, known := s.members[q.param("guild_id")+"/"+q.param("user_id")]
	if !known {
		return errUnknownMember().reply()
	}
	return ok(s.memberJSONLocked(m, true, false))
}

// knownGuildLocked reports whether the bot is in a guild.
func (s *Server) knownGuildLocked(id string) bool {
	for _, g := range s.guilds {
		if g.ID == id {
			return true
		}
	}
	return false
}

// createMessage answers POST /channels/{id}/messages.
func (s *Server) createMessage(q *request) reply {
	c, known := s.channels[q.param("channel_id")]
	if !known {
		return errUnknownChannel().reply()
	}
	if e := validateMessage(q.obj, len(q.files), true); e != nil {
		return e.reply()
	}
	nonce, enforce, e := nonceOf(q.obj)
	if e != nil {
		return e.reply()
	}
	if enforce {
		if m := s.nonceMessageLocked(c.ID, nonce); m != nil {
			// A recent message of the bot's with this nonce: Discord
			// returns it and creates nothing; if it was deleted since, the
			// create fails with Unknown Message rather than posting again.
			if m.Deleted {
				return errUnknownMessage().reply()
			}
			return ok(s.messageJSONLocked(m))
		}
	}
	m := s.storeMessageLocked(c.ID, c.GuildID, q.obj, q.files, "")
	m.Nonce, m.EnforceNonce = nonce, enforce
	return ok(s.messageJSONLocked(m))
}

// nonceOf reads a create's nonce (a string of at most 25 characters, or
// an integer) and enforce_nonce. enforce is false without a nonce: there
// is nothing to enforce.
func nonceOf(obj map[string]any) (nonce string, enforce bool, e *apiErr) {
	switch v := obj["nonce"].(type) {
	case nil:
	case string:
		if runeLen(v) > 25 {
			return "", false, tooLong("nonce", 25)
		}
		nonce = v
	case float64:
		if v != math.Trunc(v) {
			return "", false, formError("nonce", "NONCE_TYPE_INVALID", "Nonce must be an integer or a string.")
		}
		nonce = strconv.FormatFloat(v, 'f', 0, 64)
	default:
		return "", false, formError("nonce", "NONCE_TYPE_INVALID", "Nonce must be an integer or a string.")
	}
	switch v := obj["enforce_nonce"].(type) {
	case nil:
	case bool:
		enforce = v
	default:
		return "", false, formError("enforce_nonce", "BASE_TYPE_BAD_BOOLEAN", "Must be either true or false.")
	}
	return nonce, enforce && nonce != "", nil
}

// nonceMessageLocked returns the bot's message created in channel with
// nonce enforced within the nonce window, or nil. Deleted messages count:
// Discord does not post again over a deleted one.
func (s *Server) nonceMessageLocked(channelID, nonce string) *Message {
	since := s.cfg.Now().Add(-s.cfg.NonceWindow)
	for i := len(s.msgOrder) - 1; i >= 0; i-- {
		m := s.messages[s.msgOrder[i]]
		if m.ChannelID == channelID && m.AuthorID == AppID && m.EnforceNonce && m.Nonce == nonce && !m.Timestamp.Before(since) {
			return m
		}
	}
	return nil
}

// storeMessageLocked records a new message from the bot.
func (s *Server) storeMessageLocked(channelID, guildID string, obj map[string]any, files []File, interactionID string) *Message {
	m := &Message{
		ID: s.newIDLocked(), ChannelID: channelID, GuildID: guildID, AuthorID: AppID,
		InteractionID: interactionID, Timestamp: s.cfg.Now().UTC(),
	}
	applyMessage(m, obj)
	s.checkCommandNamesLocked(m.Content)
	for _, f := range files {
		f.ID = s.newIDLocked()
		m.Attachments = append(m.Attachments, f)
	}
	s.messages[m.ID] = m
	s.msgOrder = append(s.msgOrder, m.ID)
	return m
}

// applyMessage copies the message fields present in a request body.
func applyMessage(m *Message, obj map[string]any) {
	if v, present := obj["content"]; present {
		m.Content, _ = v.(string)
	}
	if v, present := obj["flags"]; present {
		f, _ := v.(float64)
		m.Flags = int(f)
	}
	if v, present := obj["embeds"]; present {
		m.Embeds, _ = json.Marshal(v)
	}
	if v, present := obj["components"]; present {
		m.Components, _ = json.Marshal(v)
	}
}

// editMessage answers PATCH /channels/{id}/messages/{mid}.
func (s *Server) editMessage(q *request) reply {
	if _, known := s.channels[q.param("channel_id")]; !known {
		return errUnknownChannel().reply()
	}
	m, known := s.messages[q.param("message_id")]
	if !known || m.Deleted || m.ChannelID != q.param("channel_id") {
		return errUnknownMessage().reply()
	}
	if m.AuthorID != AppID {
		return errEditOthers().reply()
	}
	if e := validateMessage(q.obj, len(q.files), false); e != nil {
		return e.reply()
	}
	s.editLocked(m, q)
	return ok(s.messageJSONLocked(m))
}

// editLocked applies an edit request to a stored message.
func (s *Server) editLocked(m *Message, q *request) {
	applyMessage(m, q.obj)
	s.checkCommandNamesLocked(m.Content)
	for _, f := range q.files {
		f.ID = s.newIDLocked()
		m.Attachments = append(m.Attachments, f)
	}
	m.EditedAt = s.cfg.Now().UTC()
}

// deleteMessage answers DELETE /channels/{id}/messages/{mid}.
func (s *Server) deleteMessage(q *request) reply {
	if _, known := s.channels[q.param("channel_id")]; !known {
		return errUnknownChannel().reply()
	}
	m, known := s.messages[q.param("message_id")]
	if !known || m.Deleted || m.ChannelID != q.param("channel_id") {
		return errUnknownMessage().reply()
	}
	m.Deleted = true
	return noContent()
}

// startThread answers POST /channels/{id}/messages/{mid}/threads: a
// public thread started on a message, with the message's id. The name is
// 1–100 characters, auto_archive_duration one of 60, 1440, 4320 and
// 10080; a message has at most one thread (160004).
func (s *Server) startThread(q *request) reply {
	c, known := s.channels[q.param("channel_id")]
	if !known {
		return errUnknownChannel().reply()
	}
	m, known := s.messages[q.param("message_id")]
	if !known || m.Deleted || m.ChannelID != c.ID {
		return errUnknownMessage().reply()
	}
	if c.Type != ChannelTypeGuildText {
		return (&apiErr{400, 50024, "Cannot execute action on this channel type", nil}).reply()
	}
	name := str(q.obj["name"])
	switch {
	case strings.TrimSpace(name) == "":
		return required("name").reply()
	case runeLen(name) > 100:
		return tooLong("name", 100).reply()
	}
	if v, set := q.obj["auto_archive_duration"]; set {
		switch number(v) {
		case 60, 1440, 4320, 10080:
		default:
			return formError("auto_archive_duration", "BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}.").reply()
		}
	}
	if _, exists := s.channels[m.ID]; exists {
		return (&apiErr{400, 160004, "A thread has already been created for this message", nil}).reply()
	}
	th := &Channel{ID: m.ID, Type: ChannelTypePublicThread, GuildID: c.GuildID, Name: name, ParentID: c.ID}
	s.channels[th.ID] = th
	return ok(s.channelJSONLocked(th))
}

// commandNameRE is Discord's rule for command and option names.
var commandNameRE = regexp.MustCompile(`^[-_\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// overwriteCommands answers the bulk overwrite of global or guild commands.
// Ids are stable per name, as Discord keeps them across overwrites.
func (s *Server) overwriteCommands(q *request) reply {
	if q.param("application_id") != AppID {
		return errMissingAccess().reply()
	}
	scope := q.param("guild_id")
	if scope != "" && !s.knownGuildLocked(scope) {
		return errMissingAccess().reply()
	}
	var defs []map[string]any
	if err := json.Unmarshal(q.body, &defs); err != nil {
		return formError("", "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType").reply()
	}
	if len(defs) > 100 {
		return formError("", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.").reply()
	}
	if e := validateCommands(defs); e != nil {
		return e.reply()
	}
	version := s.newIDLocked()
	out := make([]map[string]any, 0, len(defs))
	for _, d := range defs {
		name, _ := d["name"].(string)
		key := scope + "/" + name
		id, seen := s.cmdIDs[key]
		if !seen {
			id = s.newIDLocked()
			s.cmdIDs[key] = id
		}
		c := map[string]any{}
		for k, v := range d {
			c[k] = v
		}
		c["id"] = id
		c["application_id"] = AppID
		c["version"] = version
		if _, set := c["type"]; !set {
			c["type"] = 1
		}
		if _, set := c["default_member_permissions"]; !set {
			c["default_member_permissions"] = nil
		}
		c["nsfw"] = false
		if scope != "" {
			c["guild_id"] = scope
		}
		out = append(out, c)
	}
	s.commands[scope] = out
	return ok(out)
}

// Commands returns the command definitions last written by a bulk
// overwrite, as the fake returned them; guildID "" means global.
func (s *Server) Commands(guildID string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]any(nil), s.commands[guildID]...)
}

// interactionCallback answers POST /interactions/{id}/{token}/callback.
func (s *Server) interactionCallback(q *request) reply {
	in, known := s.inters[q.param("interaction_id")]
	if !known || in.token != q.param("interaction_token") || in.expired {
		return errUnknownInteraction().reply()
	}
	if in.acked {
		return errAlreadyAcked().reply()
	}
	if s.cfg.Now().Sub(in.created) > responseWindow {
		return errUnknownInteraction().reply()
	}
	typ, _ := q.obj["type"].(float64)
	data, _ := q.obj["data"].(map[string]any)
	if e := validateCallback(in, int(typ), data, len(q.files)); e != nil {
		return e.reply()
	}
	in.acked = true
	in.responseType = int(typ)
	switch int(typ) {
	case callbackMessage, callbackDeferredMessage:
		m := s.storeMessageLocked(in.channelID, in.guildID, data, q.files, in.id)
		in.originalID = m.ID
	case callbackUpdateMessage:
		if m, known := s.messages[in.messageID]; known {
			applyMessage(m, data)
			s.checkCommandNamesLocked(m.Content)
			m.EditedAt = s.cfg.Now().UTC()
		}
		in.originalID = in.messageID
	case callbackDeferredUpdate:
		in.originalID = in.messageID
	case callbackModal:
		in.modal = data
	}
	return noContent()
}

// webhookInteractionLocked finds the interaction behind a webhook URL.
// Follow-ups need an acknowledged interaction, as on Discord.
func (s *Server) webhookInteractionLocked(q *request) (*interaction, *apiErr) {
	if q.param("application_id") != AppID {
		return nil, errUnknownWebhook()
	}
	for _, in := range s.inters {
		if in.token == q.param("interaction_token") {
			switch {
			case in.expired || s.cfg.Now().Sub(in.created) > followupWindow:
				return nil, errInvalidWebhookToken()
			case !in.acked:
				return nil, errUnknownWebhook()
			}
			return in, nil
		}
	}
	return nil, errUnknownWebhook()
}

// executeWebhook answers POST /webhooks/{app}/{token}: a follow-up.
func (s *Server) executeWebhook(q *request) reply {
	in, e := s.webhookInteractionLocked(q)
	if e != nil {
		return e.reply()
	}
	if e := validateMessage(q.obj, len(q.files), true); e != nil {
		return e.reply()
	}
	m := s.storeMessageLocked(in.channelID, in.guildID, q.obj, q.files, in.id)
	in.followups = append(in.followups, m.ID)
	if q.r.URL.Query().Get("wait") != "true" {
		return noContent()
	}
	return ok(s.messageJSONLocked(m))
}

// webhookMessageLocked resolves @original or a follow-up id.
func (s *Server) webhookMessageLocked(in *interaction, id string) (*Message, *apiErr) {
	if id == "@original" {
		id = in.originalID
	} else if !contains(in.followups, id) && id != in.originalID {
		return nil, errUnknownMessage()
	}
	m, known := s.messages[id]
	if id == "" || !known || m.Deleted {
		return nil, errUnknownMessage()
	}
	return m, nil
}

// getWebhookMessage answers GET /webhooks/{app}/{token}/messages/{mid}.
func (s *Server) getWebhookMessage(q *request) reply {
	in, e := s.webhookInteractionLocked(q)
	if e != nil {
		return e.reply()
	}
	m, e := s.webhookMessageLocked(in, q.param("message_id"))
	if e != nil {
		return e.reply()
	}
	return ok(s.messageJSONLocked(m))
}

// editWebhookMessage answers PATCH /webhooks/{app}/{token}/messages/{mid},
// including @original.
func (s *Server) editWebhookMessage(q *request) reply {
	in, e := s.webhookInteractionLocked(q)
	if e != nil {
		return e.reply()
	}
	m, e := s.webhookMessageLocked(in, q.param("message_id"))
	if e != nil {
		return e.reply()
	}
	if e := validateMessage(q.obj, len(q.files), false); e != nil {
		return e.reply()
	}
	s.editLocked(m, q)
	return ok(s.messageJSONLocked(m))
}

// deleteWebhookMessage answers DELETE /webhooks/{app}/{token}/messages/{mid}.
func (s *Server) deleteWebhookMessage(q *request) reply {
	in, e := s.webhookInteractionLocked(q)
	if e != nil {
		return e.reply()
	}
	m, e := s.webhookMessageLocked(in, q.param("message_id"))
	if e != nil {
		return e.reply()
	}
	m.Deleted = true
	return noContent()
}

// contains reports whether list holds v.
func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// runeLen counts characters as Discord's limits do.
func runeLen(v any) int {
	str, _ := v.(string)
	return utf8.RuneCountInString(str)
}

// checkCommandNamesLocked fails the test when a message names a command
// the bot has not registered, or one that Discord can only run with a
// subcommand without one ("/checkin" for "/checkin now"), or still holds
// a core marker. Discord itself would post such a message; the check is
// the fake's, so that no test lets a resident be told to type a command
// that does not exist. Until commands are registered there is nothing to
// check against.
func (s *Server) checkCommandNamesLocked(content string) {
	if strings.Contains(content, "{{cmd:") || strings.Contains(content, "{{time") {
		s.tb.Errorf("discordtest: a message holds an unrendered core marker: %q", content)
	}
	if len(s.commands) == 0 {
		return
	}
	for _, m := range bot.TypedCommands(content) {
		var def map[string]any
		for _, defs := range s.commands {
			for _, d := range defs {
				if d["name"] == m[0] {
					def = d
				}
			}
		}
		if def == nil {
			s.tb.Errorf("discordtest: a message names /%s, which is not a registered command: %q", m[0], content)
			continue
		}
		var subs []string
		for _, o := range list(def["options"]) {
			if opt, _ := o.(map[string]any); number(opt["type"]) == 1 {
				subs = append(subs, str(opt["name"]))
			}
		}
		if len(subs) > 0 && !contains(subs, m[1]) {
			s.tb.Errorf("discordtest: a message names /%s %s, but /%s runs only as one of %v: %q", m[0], m[1], m[0], subs, content)
		}
	}
}

// Scheduled event statuses and the entity type the fake accepts.
const (
	EventScheduled = 1
	EventActive    = 2
	EventCompleted = 3
	EventCanceled  = 4
	entityExternal = 3
)

// ScheduledEvent is a guild scheduled event the bot made.
type ScheduledEvent struct {
	ID, GuildID, CreatorID   string
	Name, Description, Place string
	Start, End               time.Time
	Status                   int
	Deleted                  bool
}

// ScheduledEvents returns the guild's scheduled events, oldest first,
// deleted ones included (with Deleted set).
func (s *Server) ScheduledEvents(guildID string) []ScheduledEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ScheduledEvent
	for _, id := range s.eventOrder {
		if e := s.events[id]; e.GuildID == guildID {
			out = append(out, *e)
		}
	}
	return out
}

// eventJSONLocked is a guild scheduled event object.
func eventJSONLocked(e *ScheduledEvent) map[string]any {
	return map[string]any{
		"id": e.ID, "guild_id": e.GuildID, "channel_id": nil, "creator_id": e.CreatorID,
		"name": e.Name, "description": nullable(e.Description),
		"scheduled_start_time": timestamp(e.Start), "scheduled_end_time": timestamp(e.End),
		"privacy_level": 2, "status": e.Status, "entity_type": entityExternal, "entity_id": nil,
		"entity_metadata": map[string]any{"location": e.Place}, "user_count": 0, "image": nil,
		"recurrence_rule": nil,
	}
}

// applyEventLocked validates the fields of a create (all required) or an
// edit (those present) of an EXTERNAL event, as Discord does (Guild
// Scheduled Event: name 1–100, description up to 1000, privacy_level 2,
// entity_metadata.location 1–100, a start in the future before the end, no
// channel_id), and applies them to e.
func (s *Server) applyEventLocked(e *ScheduledEvent, obj map[string]any, create bool) *apiErr {
	has := func(k string) bool { _, ok := obj[k]; return ok || create }
	if has("name") {
		switch n := runeLen(obj["name"]); {
		case n == 0:
			return required("name")
		case n > 100:
			return tooLong("name", 100)
		}
		e.Name = str(obj["name"])
	}
	if _, ok := obj["description"]; ok {
		if runeLen(obj["description"]) > 1000 {
			return tooLong("description", 1000)
		}
		e.Description = str(obj["description"])
	}
	if has("privacy_level") && number(obj["privacy_level"]) != 2 {
		return formError("privacy_level", "BASE_TYPE_CHOICES", "Value must be one of {2}.")
	}
	if has("entity_type") && number(obj["entity_type"]) != entityExternal {
		return formError("entity_type", "BASE_TYPE_CHOICES", "The fake supports EXTERNAL (3) events only.")
	}
	if c, ok := obj["channel_id"]; ok && c != nil {
		return formError("channel_id", "GUILD_SCHEDULED_EVENT_CHANNEL_NOT_ALLOWED", "An external event cannot have a channel.")
	}
	if has("entity_metadata") {
		md, _ := obj["entity_metadata"].(map[string]any)
		switch n := runeLen(md["location"]); {
		case n == 0:
			return required("entity_metadata.location")
		case n > 100:
			return tooLong("entity_metadata.location", 100)
		}
		e.Place = str(md["location"])
	}
	for _, f := range []struct {
		key string
		to  *time.Time
	}{{"scheduled_start_time", &e.Start}, {"scheduled_end_time", &e.End}} {
		if !has(f.key) {
			continue
		}
		t, err := time.Parse(time.RFC3339, str(obj[f.key]))
		if err != nil {
			return formError(f.key, "DATE_TIME_TYPE_PARSE", "Could not parse "+str(obj[f.key])+". Should be ISO8601.")
		}
		*f.to = t
	}
	if has("scheduled_start_time") && !e.Start.After(s.cfg.Now()) {
		return formError("scheduled_start_time", "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST", "Cannot schedule event in the past.")
	}
	if !e.End.After(e.Start) {
		return formError("scheduled_end_time", "GUILD_SCHEDULED_EVENT_END_BEFORE_START", "Cannot schedule event to end before starting.")
	}
	return nil
}

// createEvent answers POST /guilds/{id}/scheduled-events. A guild holds at
// most 100 scheduled or active events.
func (s *Server) createEvent(q *request) reply {
	g := q.param("guild_id")
	if !s.knownGuildLocked(g) {
		return errUnknownGuild().reply()
	}
	live := 0
	for _, e := range s.events {
		if e.GuildID == g && !e.Deleted && (e.Status == EventScheduled || e.Status == EventActive) {
			live++
		}
	}
	if live >= 100 {
		return (&apiErr{400, 30038, "Maximum number of guild scheduled events reached", nil}).reply()
	}
	e := &ScheduledEvent{GuildID: g, CreatorID: AppID, Status: EventScheduled}
	if err := s.applyEventLocked(e, q.obj, true); err != nil {
		return err.reply()
	}
	e.ID = s.newIDLocked()
	s.events[e.ID] = e
	s.eventOrder = append(s.eventOrder, e.ID)
	return ok(eventJSONLocked(e))
}

// eventLocked finds a live event of the request's guild.
func (s *Server) eventLocked(q *request) (*ScheduledEvent, *apiErr) {
	e, known := s.events[q.param("event_id")]
	if !known || e.Deleted || e.GuildID != q.param("guild_id") {
		return nil, &apiErr{404, 10070, "Unknown Guild Scheduled Event", nil}
	}
	return e, nil
}

// editEvent answers PATCH /guilds/{id}/scheduled-events/{eid}: changed
// fields, or a status change along SCHEDULED → ACTIVE → COMPLETED or
// SCHEDULED → CANCELED. A completed or canceled event cannot change.
func (s *Server) editEvent(q *request) reply {
	e, err := s.eventLocked(q)
	if err != nil {
		return err.reply()
	}
	if e.Status == EventCompleted || e.Status == EventCanceled {
		return (&apiErr{400, 180000, "Cannot modify a finished event", nil}).reply()
	}
	next := *e
	if v, ok := q.obj["status"]; ok {
		to := number(v)
		allowed := (e.Status == EventScheduled && (to == EventActive || to == EventCanceled)) || (e.Status == EventActive && to == EventCompleted) || to == e.Status
		if !allowed {
			return formError("status", "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION", "Invalid status transition.").reply()
		}
		next.Status = to
	}
	if err := s.applyEventLocked(&next, q.obj, false); err != nil {
		return err.reply()
	}
	*e = next
	return ok(eventJSONLocked(e))
}

// deleteEvent answers DELETE /guilds/{id}/scheduled-events/{eid}.
func (s *Server) deleteEvent(q *request) reply {
	e, err := s.eventLocked(q)
	if err != nil {
		return err.reply()
	}
	e.Deleted = true
	return noContent()
}

// listEvents answers GET /guilds/{id}/scheduled-events.
func (s *Server) listEvents(q *request) reply {
	g := q.param("guild_id")
	if !s.knownGuildLocked(g) {
		return errUnknownGuild().reply()
	}
	out := []any{}
	for _, id := range s.eventOrder {
		if e := s.events[id]; e.GuildID == g && !e.Deleted {
			out = append(out, eventJSONLocked(e))
		}
	}
	return ok(out)
}
