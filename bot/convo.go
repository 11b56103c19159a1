package bot

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// conversations holds forms in progress: conversational forms asked one
// question at a time (console, DMs), and forms split into modal pages.
// They live in memory: nothing in them has been acknowledged as stored, so
// a restart only means the resident is asked again.
type conversations struct {
	mu sync.Mutex
	m  map[string]*convo
}

type convo struct {
	formID  string
	houseID int64
	// fields are the form's fields; values the answers so far.
	fields []Field
	values map[string]string
	// next is the index of the next field to ask (conversation) or the
	// first field of the next page (paged modal).
	next    int
	paged   bool
	limit   int
	started time.Time
	// concern is the highest level of concern already answered for this
	// form: its earlier answer's (for an edit), raised by a line on the
	// way. Only a higher level is answered again.
	concern Concern
}

// convoTTL is how long an unfinished form is kept.
const convoTTL = 2 * time.Hour

func newConversations() *conversations { return &conversations{m: map[string]*convo{}} }

func convoKey(platform, user string) string { return platform + "\x00" + user }

func (cs *conversations) get(platform, user string, now time.Time) *convo {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c := cs.m[convoKey(platform, user)]
	if c != nil && now.Sub(c.started) > convoTTL {
		delete(cs.m, convoKey(platform, user))
		return nil
	}
	return c
}

func (cs *conversations) put(platform, user string, c *convo) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.m[convoKey(platform, user)] = c
}

func (cs *conversations) drop(platform, user string) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	delete(cs.m, convoKey(platform, user))
}

// registerForms registers the actions the form engine itself uses.
func (b *Bot) registerForms() {
	// form:continue opens the next page of a paged form.
	b.action("form", Anyone, func(r *Request, parts []string) (Response, error) {
		c := b.convos.get(r.Event.Platform, r.Event.User.ID, r.Now)
		if len(parts) == 0 || parts[0] != "continue" || c == nil || !c.paged {
			return Response{}, Errorf(EInvalid, "That form has expired. Please start again.")
		}
		if r.Event.FormLimit == 0 {
			c.paged = false
			return b.askNext(r, c)
		}
		f := Form{ID: c.formID, Title: "Continued", Fields: c.fields}.Prefill(c.values)
		p := f.Page(c.next, r.Event.FormLimit)
		return Response{Form: &p}, nil
	})
}

// OpenForm shows the form for id to the caller: as one modal when the
// platform can, as modal pages when it has too many fields, or as a
// conversation otherwise. prefill holds earlier answers, for edits.
func (b *Bot) openForm(r *Request, f Form, prefill map[string]string) (Response, error) {
	f = f.Prefill(prefill)
	limit := r.Event.FormLimit
	switch {
	case limit >= len(f.Fields):
		b.convos.drop(r.Event.Platform, r.Event.User.ID)
		return Response{Form: &f}, nil
	case limit > 0 && r.Event.FormOverflowDM && !r.Event.DM:
		return b.converseByDM(r, f)
	case limit > 0:
		b.convos.put(r.Event.Platform, r.Event.User.ID, &convo{
			formID: f.ID, houseID: r.House.ID, fields: f.Fields, values: map[string]string{},
			paged: true, limit: limit, started: r.Now,
		})
		p := f.Page(0, limit)
		return Response{Form: &p}, nil
	}
	c := b.newConvo(r, f)
	resp, err := b.askNext(r, c)
	if err != nil {
		return resp, err
	}
	resp.Messages = append([]Message{{Text: fmt.Sprintf("*%s* — %d questions. Reply to each; type \"cancel\" to stop.", f.Title, len(f.Fields))}}, resp.Messages...)
	return resp, nil
}

// converseByDM asks a form too long for one modal as a conversation in a
// direct message: the questions go by DM through the outbox, and the answers
// come back as DMs (or presses of the DM's buttons).
func (b *Bot) converseByDM(r *Request, f Form) (Response, error) {
	c := b.newConvo(r, f)
	first, err := b.askNext(r, c)
	if err != nil {
		return Response{}, err
	}
	msgs := append([]Message{{Text: fmt.Sprintf("*%s* — %d questions. Reply to each here; type \"cancel\" to stop.", f.Title, len(f.Fields))}}, first.Messages...)
	for _, m := range msgs {
		if _, err := r.DM(r.Event.User.ID, m); err != nil {
			return Response{}, err
		}
	}
	return Reply("*%s* has %d questions, more than one form here can hold, so I've sent them to you as a direct message.", f.Title, len(f.Fields)), nil
}

// newConvo starts the caller's conversation for f, prefilled with f's
// values. Words of concern in an earlier answer were answered when it was
// given, so they count as answered here.
func (b *Bot) newConvo(r *Request, f Form) *convo {
	c := &convo{formID: f.ID, houseID: r.House.ID, fields: f.Fields, values: map[string]string{}, started: r.Now}
	for _, fl := range f.Fields {
		if fl.Value != "" {
			c.values[fl.ID] = fl.Value
		}
	}
	c.concern = b.concern(r, textValues(c.fields, c.values)...)
	b.convos.put(r.Event.Platform, r.Event.User.ID, c)
	return c
}

// textValues returns the free-text values of fields, the ones screened.
func textValues(fields []Field, vals map[string]string) []string {
	var out []string
	for _, f := range fields {
		if f.Kind == KindText && vals[f.ID] != "" {
			out = append(out, vals[f.ID])
		}
	}
	return out
}

// askNext asks the conversation's next question.
func (b *Bot) askNext(r *Request, c *convo) (Response, error) {
	fl := c.fields[c.next]
	text := fmt.Sprintf("(%d/%d) %s", c.next+1, len(c.fields), fl.Label)
	if h := fl.Hint(); h != "" && fl.Kind == KindText {
		text += " — " + h
	}
	var choices []Choice
	for _, ch := range fl.Choices() {
		ch.ID = "form:answer"
		choices = append(choices, ch)
	}
	if cur := c.values[fl.ID]; cur != "" {
		text += fmt.Sprintf("\n(now: %s — type \"keep\" to keep it)", clip(cur, 60))
	}
	if !fl.Required && fl.Kind == KindText {
		text += "\n(optional: type \"skip\" to leave it empty)"
	}
	return Response{Messages: []Message{{Text: text, Choices: choices}}}, nil
}

// step feeds an event to the caller's conversation, if one is waiting for an
// answer. ok is false when the event is not an answer.
func (b *Bot) stepConversation(r *Request) (Response, bool, error) {
	c := b.convos.get(r.Event.Platform, r.Event.User.ID, r.Now)
	if c == nil || c.paged {
		return Response{}, false, nil
	}
	var raw string
	switch {
	case r.Event.Kind == EventDM:
		raw = r.Event.Text
	case r.Event.Kind == EventAction && r.Event.Action != nil && r.Event.Action.ID == "form:answer":
		raw = r.Event.Action.Value
	default:
		return Response{}, false, nil
	}
	if r.House == nil || r.House.ID != c.houseID {
		h := b.houseByID(c.houseID)
		if h == nil {
			b.convos.drop(r.Event.Platform, r.Event.User.ID)
			return Response{}, false, nil
		}
		if err := b.setHouse(r, h); err != nil {
			return Response{}, true, err
		}
	}
	// Every line is screened first. A concern is answered at once, and the
	// line still answers its question: the conversation goes on, and the
	// crisis buttons stay usable beside it.
	var crisis []Message
	if level := b.concern(r, raw); level > c.concern {
		msgs, err := b.concernReply(r, level)
		if err != nil {
			return Response{}, true, err
		}
		crisis, c.concern = msgs, level
	}
	with := func(resp Response) Response {
		resp.Messages = append(append([]Message(nil), crisis...), resp.Messages...)
		return resp
	}
	word := strings.ToLower(strings.TrimSpace(raw))
	if word == "cancel" {
		b.convos.drop(r.Event.Platform, r.Event.User.ID)
		return with(Reply("Okay, I stopped. Nothing was saved.")), true, nil
	}
	fl := c.fields[c.next]
	switch {
	case word == "keep" && c.values[fl.ID] != "":
		raw = c.values[fl.ID]
	case word == "skip" && !fl.Required:
		raw = ""
	}
	v, err := fl.Normalize(raw)
	if err != nil {
		resp, _ := b.askNext(r, c)
		resp.Messages = append([]Message{{Text: ErrorMessage(err)}}, resp.Messages...)
		return with(resp), true, nil
	}
	c.values[fl.ID] = v
	c.next++
	if c.next < len(c.fields) {
		resp, err := b.askNext(r, c)
		return with(resp), true, err
	}
	b.convos.drop(r.Event.Platform, r.Event.User.ID)
	// Each line was answered as it came; the submit answers only news.
	r.answered = c.concern
	resp, err := b.submitForm(r, c.formID, c.values)
	if err != nil && len(crisis) > 0 && ErrorCode(err) != EInternal {
		// The answer was refused (the check-in closed, say), but the crisis
		// reply, and any alert it made, must still go out.
		resp, err = errorResponse(err), nil
	}
	return with(resp), true, err
}

// step is stepConversation under the name dispatch uses.
func (cs *conversations) step(r *Request) (Response, bool, error) {
	return r.bot.stepConversation(r)
}

// submitForm validates a submitted form (or one page of it) and hands the
// clean values to the form's feature. Invalid values store nothing.
func (b *Bot) submitForm(r *Request, id string, raw map[string]string) (Response, error) {
	prefix, parts := splitID(id)
	route, ok := b.forms[prefix]
	if !ok {
		return Response{}, Errorf(EInvalid, "That form is no longer valid.")
	}
	if r.House == nil {
		return Response{}, errNoHouse
	}
	if !r.Role.Has(route.roles) {
		return Response{}, refusal("fill in this form", route.roles)
	}
	full, err := route.build(r, parts)
	if err != nil {
		return Response{}, err
	}
	// A page of a paged form: check it, keep it, and offer the next page.
	if c := b.convos.get(r.Event.Platform, r.Event.User.ID, r.Now); c != nil && c.paged && c.formID == id {
		page := Form{ID: id, Title: full.Title, Fields: c.fields}.Page(c.next, c.limit)
		clean, errs := page.Validate(raw)
		if errs != nil {
			p := page.Prefill(raw)
			return Response{FieldErrors: errs, Reopen: &p}, nil
		}
		for k, v := range clean {
			c.values[k] = v
		}
		c.next += len(page.Fields)
		if c.next < len(c.fields) {
			return Response{Messages: []Message{{
				Text:    fmt.Sprintf("Saved so far — %d more question(s).", len(c.fields)-c.next),
				Choices: []Choice{{ID: "form:continue", Label: "Continue", Style: StylePrimary}},
			}}}, nil
		}
		b.convos.drop(r.Event.Platform, r.Event.User.ID)
		raw = c.values
	}
	clean, errs := full.Validate(raw)
	if errs != nil {
		f := full.Prefill(raw)
		return Response{FieldErrors: errs, Reopen: &f}, nil
	}
	return route.submit(r, parts, clean)
}
