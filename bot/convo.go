package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Forms in progress (Conversation) live in the store, not in memory: each
// step below reads the caller's conversation and writes it back inside the
// event's transaction. A restart resumes where the resident was, and a step
// whose transaction rolls back leaves the conversation as it was before.

// convoTTL is how long an unfinished form is kept.
const convoTTL = 2 * time.Hour

// convoPruneBatch bounds how many expired conversations one transaction of
// the tick deletes.
const convoPruneBatch = 500

// convo returns the caller's form in progress; ok is false when there is
// none (or only an expired one, which the tick prunes).
func (r *Request) convo() (c *Conversation, ok bool, err error) {
	c, err = r.convos().Conversation(r.Ctx, r.Event.Platform, r.Event.User.ID, r.Now.Add(-convoTTL))
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("load conversation: %w", err)
	}
	return c, true, nil
}

// saveConvo stores c as the caller's form in progress.
func (r *Request) saveConvo(c *Conversation) error {
	c.Platform, c.UserID = r.Event.Platform, r.Event.User.ID
	if err := r.convos().SaveConversation(r.Ctx, c); err != nil {
		return fmt.Errorf("save conversation: %w", err)
	}
	return nil
}

// dropConvo ends the caller's form in progress, if any.
func (r *Request) dropConvo() error {
	if err := r.convos().DropConversation(r.Ctx, r.Event.Platform, r.Event.User.ID); err != nil {
		return fmt.Errorf("drop conversation: %w", err)
	}
	return nil
}

// registerForms registers the actions the form engine itself uses, and the
// tick that prunes expired forms in progress and kept forms.
func (b *Bot) registerForms() {
	b.route("form", actionRoute{roles: Anyone, house: b.draftHouse, run: func(r *Request, parts []string) (Response, error) {
		if len(parts) == 2 && parts[0] == "draft" {
			return b.openDraft(r, parts[1])
		}
		// form:continue opens the next page of a paged form.
		c, ok, err := r.convo()
		if err != nil {
			return Response{}, err
		}
		if len(parts) == 0 || parts[0] != "continue" || !ok || !c.Paged {
			return Response{}, errFormExpired
		}
		if r.Event.FormLimit == 0 {
			c.Paged = false
			if err := r.saveConvo(c); err != nil {
				return Response{}, err
			}
			return b.askNext(r, c)
		}
		f := Form{ID: c.FormID, Title: r.Lang().T("form.continued.title"), Fields: c.Fields}.Prefill(c.Values)
		p := f.Page(c.Next, r.Event.FormLimit)
		return Response{Form: &p}, nil
	}})
	b.tickers = append(b.tickers, b.pruneConversations)
}

var errFormExpired = Fail(EInvalid, "form.expired")

// keepForms stores the forms of a response to an event with FormButtons,
// so that the buttons the adapter shows for them have durable ids
// (form:draft:<id>): the form to fix after field errors, with what was
// typed, and a form the adapter may not be able to open at once. It runs
// in the event's transaction, so a kept form exists exactly when the
// response that offers it was committed.
func (b *Bot) keepForms(r *Request, resp Response) (Response, error) {
	if !r.Event.FormButtons || r.House == nil {
		return resp, nil
	}
	keep := func(f *Form) (string, error) {
		d := &FormDraft{Platform: r.Event.Platform, UserID: r.Event.User.ID, HouseID: r.House.ID, Form: *f, CreatedAt: r.Now}
		id, err := r.convos().SaveFormDraft(r.Ctx, d)
		if err != nil {
			return "", fmt.Errorf("keep form: %w", err)
		}
		return fmt.Sprintf("form:draft:%d", id), nil
	}
	var err error
	if resp.Reopen != nil && resp.ReopenAction == "" {
		if resp.ReopenAction, err = keep(resp.Reopen); err != nil {
			return Response{}, err
		}
	}
	if resp.Form != nil && resp.FormAction == "" {
		if resp.FormAction, err = keep(resp.Form); err != nil {
			return Response{}, err
		}
	}
	return resp, nil
}

// draft returns the kept form an id of form:draft:<id> names, if it is
// the presser's and not expired.
func (b *Bot) draft(r *Request, idText string) (*FormDraft, error) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return nil, errBadButton
	}
	d, err := r.convos().FormDraft(r.Ctx, id, r.Now.Add(-convoTTL))
	if errors.Is(err, ErrNotFound) {
		return nil, errFormExpired
	}
	if err != nil {
		return nil, fmt.Errorf("kept form: %w", err)
	}
	// The button was shown to one person only; anyone else gets the
	// same answer as for a form that never existed.
	if d.Platform != r.Event.Platform || d.UserID != r.Event.User.ID {
		return nil, errFormExpired
	}
	return d, nil
}

// draftHouse is the house of the kept form a form:draft button opens;
// ErrNotFound for the form engine's other buttons.
func (b *Bot) draftHouse(r *Request, parts []string) (*House, error) {
	if len(parts) != 2 || parts[0] != "draft" {
		return nil, ErrNotFound
	}
	d, err := b.draft(r, parts[1])
	if err != nil {
		return nil, err
	}
	return b.houseOn(r, d.HouseID)
}

// openDraft answers a form:draft button with the kept form, prefilled as
// it was kept. The button keeps its id, so a press answered late offers
// the same kept form again rather than keeping another.
func (b *Bot) openDraft(r *Request, idText string) (Response, error) {
	d, err := b.draft(r, idText)
	if err != nil {
		return Response{}, err
	}
	f := d.Form
	if r.Event.FormLimit > 0 && len(f.Fields) > r.Event.FormLimit && r.House != nil {
		// A kept form longer than one modal opens as pages again, so no
		// field is left off; its values are already in it.
		return b.openForm(r, f, nil)
	}
	return Response{Form: &f, FormAction: r.Event.Action.ID}, nil
}

// pruneConversations deletes the forms in progress and the kept forms that
// expired, a bounded batch per transaction. Expired ones are already
// ignored; this removes the answers they held.
func (b *Bot) pruneConversations(ctx context.Context, now time.Time) error {
	// Read first: a tick with nothing expired takes no write transaction.
	var due bool
	if err := b.store.View(ctx, func(tx Tx) (err error) {
		due, err = tx.ConvosBefore(ctx, now.Add(-convoTTL))
		return err
	}); err != nil || !due {
		return err
	}
	for _, p := range []struct {
		what  string
		prune func(ConvoTx) (int, error)
	}{
		{"forms in progress", func(tx ConvoTx) (int, error) { return tx.PruneConversations(ctx, now.Add(-convoTTL), convoPruneBatch) }},
		{"kept forms", func(tx ConvoTx) (int, error) { return tx.PruneFormDrafts(ctx, now.Add(-convoTTL), convoPruneBatch) }},
	} {
		total := 0
		for {
			var n int
			err := b.store.Update(ctx, func(tx Tx) error {
				var err error
				n, err = p.prune(tx)
				return err
			})
			if err != nil {
				return fmt.Errorf("prune %s: %w", p.what, err)
			}
			total += n
			if n < convoPruneBatch {
				break
			}
		}
		if total > 0 {
			b.log.Info("expired "+p.what+" pruned", "count", total)
		}
	}
	return nil
}

// OpenForm shows the form for id to the caller: as one modal when the
// platform can, as modal pages when it has too many fields, or as a
// conversation otherwise. prefill holds earlier answers, for edits.
func (b *Bot) openForm(r *Request, f Form, prefill map[string]string) (Response, error) {
	f = f.Prefill(prefill)
	limit := r.Event.FormLimit
	switch {
	case limit >= len(f.Fields):
		if err := r.dropConvo(); err != nil {
			return Response{}, err
		}
		return Response{Form: &f}, nil
	case limit > 0:
		// Each page is prefilled from the values, which its submit replaces.
		err := r.saveConvo(&Conversation{
			HouseID: r.House.ID, FormID: f.ID, Fields: bareFields(f.Fields), Values: prefilled(f.Fields),
			Paged: true, Limit: limit, StartedAt: r.Now,
		})
		if err != nil {
			return Response{}, err
		}
		p := f.Page(0, limit)
		return Response{Form: &p}, nil
	}
	c, err := b.newConvo(r, f)
	if err != nil {
		return Response{}, err
	}
	resp, err := b.askNext(r, c)
	if err != nil {
		return resp, err
	}
	resp.Messages = append([]Message{{Text: r.Lang().N("form.convo.start", len(f.Fields), "Title", f.Title)}}, resp.Messages...)
	return resp, nil
}

// newConvo starts and stores the caller's conversation for f, prefilled
// with f's values. Words of concern in an earlier answer were answered when
// it was given, so they count as answered here.
func (b *Bot) newConvo(r *Request, f Form) (*Conversation, error) {
	c := &Conversation{HouseID: r.House.ID, FormID: f.ID, Fields: bareFields(f.Fields), Values: prefilled(f.Fields), StartedAt: r.Now}
	c.Concern = b.concern(r, textValues(c.Fields, c.Values)...)
	return c, r.saveConvo(c)
}

// prefilled returns the values prefilled in fields, by field id.
func prefilled(fields []Field) map[string]string {
	vals := map[string]string{}
	for _, fl := range fields {
		if fl.Value != "" {
			vals[fl.ID] = fl.Value
		}
	}
	return vals
}

// bareFields returns a copy of fields without their prefilled values: a
// conversation keeps answers in its Values only, so a resident's words are
// stored once.
func bareFields(fields []Field) []Field {
	out := append([]Field(nil), fields...)
	for i := range out {
		out[i].Value = ""
	}
	return out
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
func (b *Bot) askNext(r *Request, c *Conversation) (Response, error) {
	l := r.Lang()
	fl := c.Fields[c.Next]
	text := fmt.Sprintf("(%d/%d) %s", c.Next+1, len(c.Fields), fl.Label)
	if h := fl.HintIn(l); h != "" && fl.Typed() {
		text += " — " + h
	}
	var choices []Choice
	for _, ch := range fl.ChoicesIn(l) {
		ch.ID = "form:answer"
		choices = append(choices, ch)
	}
	if cur := c.Values[fl.ID]; cur != "" {
		text += "\n" + l.T("form.convo.now", "Value", clip(fl.Shown(cur), 60))
	}
	if !fl.Required && fl.Typed() {
		text += "\n" + l.T("form.convo.optional")
	}
	return Response{Messages: []Message{{Text: text, Choices: choices}}}, nil
}

// stepConversation feeds an event to the caller's conversation, if one is
// waiting for an answer. ok is false when the event is not an answer.
func (b *Bot) stepConversation(r *Request) (Response, bool, error) {
	var raw string
	switch {
	case r.Event.Kind == EventDM:
		raw = r.Event.Text
	case r.Event.Kind == EventAction && r.Event.Action != nil && r.Event.Action.ID == "form:answer":
		raw = r.Event.Action.Value
	default:
		return Response{}, false, nil
	}
	c, ok, err := r.convo()
	if err != nil || !ok || c.Paged {
		return Response{}, err != nil, err
	}
	if r.House == nil || r.House.ID != c.HouseID {
		h := b.houseByID(c.HouseID)
		if h == nil {
			return Response{}, false, r.dropConvo()
		}
		if err := b.setHouse(r, h); err != nil {
			return Response{}, true, err
		}
	}
	// Every line is screened first. A concern is answered at once, and the
	// line still answers its question: the conversation goes on, and the
	// crisis buttons stay usable beside it.
	var crisis []Message
	if level := b.concern(r, raw); level > c.Concern {
		msgs, err := b.concernReply(r, level)
		if err != nil {
			return Response{}, true, err
		}
		crisis, c.Concern = msgs, level
	}
	with := func(resp Response) Response {
		resp.Messages = append(append([]Message(nil), crisis...), resp.Messages...)
		return resp
	}
	// The words that steer a conversation, in either language.
	if Same("form.word.cancel", raw) {
		if err := r.dropConvo(); err != nil {
			return Response{}, true, err
		}
		return with(r.Say("form.convo.cancelled")), true, nil
	}
	fl := c.Fields[c.Next]
	switch {
	case Same("form.word.keep", raw) && c.Values[fl.ID] != "":
		raw = c.Values[fl.ID]
	case Same("form.word.skip", raw) && !fl.Required:
		raw = ""
	}
	v, err := fl.Normalize(raw)
	if err != nil {
		// Asked again; the concern answered on the way is kept.
		if err := r.saveConvo(c); err != nil {
			return Response{}, true, err
		}
		resp, _ := b.askNext(r, c)
		resp.Messages = append([]Message{{Text: ErrorText(r.Lang(), err)}}, resp.Messages...)
		return with(resp), true, nil
	}
	c.Values[fl.ID] = v
	c.Next++
	if c.Next < len(c.Fields) {
		if err := r.saveConvo(c); err != nil {
			return Response{}, true, err
		}
		resp, err := b.askNext(r, c)
		return with(resp), true, err
	}
	if err := r.dropConvo(); err != nil {
		return Response{}, true, err
	}
	// Each line was answered as it came; the submit answers only news.
	r.answered = c.Concern
	r.finishing = c
	resp, err := b.submitForm(r, c.FormID, c.Values)
	if err != nil && len(crisis) > 0 && ErrorCode(err) != EInternal {
		// The answer was refused (the check-in closed, say), but the crisis
		// reply, and any alert it made, must still go out.
		resp, err = errorResponse(r.Lang(), err), nil
	}
	return with(resp), true, err
}

// endRefused ends a form in progress whose last step was refused: the
// refusal rolled the step back, conversation included, but the same answers
// would only be refused again (the check-in closed, say), so the resident is
// not kept answering the last question. It runs in a transaction of its
// own after the rollback and drops only the conversation the step began
// with, not one started since.
func (b *Bot) endRefused(ctx context.Context, ended *Conversation, now time.Time) error {
	return b.store.Update(ctx, func(tx Tx) error {
		c, err := tx.Conversation(ctx, ended.Platform, ended.UserID, now.Add(-convoTTL))
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if c.FormID != ended.FormID || !c.StartedAt.Equal(ended.StartedAt) {
			return nil
		}
		return tx.DropConversation(ctx, ended.Platform, ended.UserID)
	})
}

// submitForm screens and validates a submitted form (or one page of it)
// and hands the clean values to the form's feature. Invalid values store
// nothing. Its free text is words written to the bot: it is screened
// before anything else, and a concern is answered here, once, whether the
// form is stored, sent back with field errors or refused; the features
// never answer it themselves.
func (b *Bot) submitForm(r *Request, id string, raw map[string]string) (Response, error) {
	prefix, parts := splitID(id)
	route, ok := b.forms[prefix]
	if !ok {
		return Response{}, Fail(EInvalid, "form.stale")
	}
	if r.House == nil {
		return Response{}, errNoHouse
	}
	if !r.Role.Has(route.roles) {
		return Response{}, refusal("core.refusal.fill_form", route.roles)
	}
	full, err := route.build(r, parts)
	if err != nil {
		return Response{}, err
	}
	c, paged, err := r.convo()
	if err != nil {
		return Response{}, err
	}
	if paged = paged && c.Paged && c.FormID == id; paged {
		// Earlier pages were answered as they came.
		r.answered = max(r.answered, c.Concern)
	}
	if route.answered != nil {
		r.answered = max(r.answered, route.answered(r, parts))
	}
	var crisis []Message
	if level := b.concern(r, textValues(full.Fields, raw)...); level > r.answered {
		if crisis, err = b.concernReply(r, level); err != nil {
			return Response{}, err
		}
		r.answered = level
	}
	if paged {
		c.Concern = r.answered
	} else {
		c = nil
	}
	resp, err := b.validateAndSubmit(r, route, full, parts, c, raw)
	if len(crisis) == 0 {
		return resp, err
	}
	if err != nil {
		if ErrorCode(err) == EInternal {
			return Response{}, err
		}
		// The form was refused (a fourth goal, a closed check-in), but the
		// crisis reply, and any alert it made, must still go out.
		resp = errorResponse(r.Lang(), err)
	}
	resp.Messages = append(crisis, resp.Messages...)
	return resp, nil
}

// validateAndSubmit validates a screened form and hands the clean values
// to route. c is the caller's paged form in progress this submit is a page
// of, or nil.
func (b *Bot) validateAndSubmit(r *Request, route formRoute, full Form, parts []string, c *Conversation, raw map[string]string) (Response, error) {
	// A page of a paged form: check it, keep it, and offer the next page.
	if c != nil {
		page := Form{ID: c.FormID, Title: full.Title, Fields: c.Fields}.Page(c.Next, c.Limit)
		clean, errs := page.Validate(r.Lang(), raw)
		if errs != nil {
			// Kept as it was, with the concern answered on the way.
			if err := r.saveConvo(c); err != nil {
				return Response{}, err
			}
			p := page.Prefill(raw)
			return Response{FieldErrors: errs, Reopen: &p}, nil
		}
		for k, v := range clean {
			c.Values[k] = v
		}
		c.Next += len(page.Fields)
		if c.Next < len(c.Fields) {
			if err := r.saveConvo(c); err != nil {
				return Response{}, err
			}
			return Response{Messages: []Message{{
				Text:    r.Lang().N("form.paged.saved", len(c.Fields)-c.Next),
				Choices: []Choice{{ID: "form:continue", Label: r.Lang().T("form.continue.button"), Style: StylePrimary}},
			}}}, nil
		}
		if err := r.dropConvo(); err != nil {
			return Response{}, err
		}
		r.finishing = c
		raw = c.Values
	}
	clean, errs := full.Validate(r.Lang(), raw)
	if errs != nil {
		f := full.Prefill(raw)
		return Response{FieldErrors: errs, Reopen: &f}, nil
	}
	return route.submit(r, parts, clean)
}
