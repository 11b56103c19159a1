// Package console is the terminal adapter: the bot in a terminal, with no
// token, config or network. `porchlight demo` runs on it.
//
// A line is one of:
//
//	/name args     a slash command; @Name mentions become <@ID>
//	N              a number picks choice N of your open numbered list (the last
//	               private message to you, else the last channel post with choices)
//	:as NAME       type as another person of the directory
//	:who, :help    list the people, or these controls
//	:other         handed to Options.Directive (the demo's own controls)
//	# comment      ignored (echoed in Echo mode)
//	anything else  a direct message to the bot
//
// Everything the bot says is printed with a tag saying who sees it:
// [#house] for the house channel, [DM] and [only you] for you alone, and
// [DM → Robin] for what another person would see.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/porchlight/porchlight/adapters/kit"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
)

// Platform is the platform name of console events and houses.
const Platform = "console"

// Options configures an Adapter. The zero value works.
type Options struct {
	// Channel is the house channel's id; houses on the console must use the
	// same value. Default "house".
	Channel string
	// Users is the directory of people at the console: the human first,
	// then any simulated housemates. Default: one user with id "you".
	Users []bot.User
	// Echo prints each input line after a "name>" prompt, so that output
	// piped from a script reads as a transcript.
	Echo bool
	// Directive handles ":" lines the adapter does not know, with the whole
	// line. It returns false when it does not know the line either.
	Directive func(ctx context.Context, line string) (handled bool, err error)
	// AfterLine, when set, runs after each input line other than blanks
	// and comments has been handled and its reply printed. A script driver
	// uses it to deliver the outbox before the next line, so a transcript
	// reads in order.
	AfterLine func(ctx context.Context)
	// Session makes event ids unique across runs, because the core
	// remembers handled ids in its store and would ignore a repeat.
	// Default: random.
	Session string
	// Locale is the language of the console's own words (its notices,
	// :help, the tags that say who sees a message): the house's, in the
	// demo. Default English.
	Locale string
}

// Adapter is the console adapter. Send, Edit and Run may be called from
// different goroutines.
type Adapter struct {
	in   io.Reader
	opts Options
	// lang is the language of the console's own words (Options.Locale).
	lang i18n.Lang

	// mu guards the output and everything below it: the outbox sender
	// calls Send while Run prints replies.
	mu      sync.Mutex
	out     io.Writer
	current bot.User
	sent    int
	events  int
	// picks is, per user id, the numbered list of the last private message
	// to them; while it is open a bare number chooses from it.
	picks map[string][]pick
	// posted is the numbered list of the last channel post with choices,
	// which a bare number chooses from when no private list is open. It
	// never takes over a private list: a check-in post landing in the
	// middle of a conversation must not turn "1" into "Check in".
	posted []pick
	// sentTo remembers where each sent message went, for edits.
	sentTo map[string]audience
}

// audience is where a message was shown: its tag, and the user and place
// its choices act for (user "" means everyone in a channel).
type audience struct {
	tag     string
	user    string
	channel string
	dm      bool
}

// pick is one numbered choice and where it was shown.
type pick struct {
	choice bot.Choice
	ref    bot.MessageRef
	// channel and dm are where the resulting action happens.
	channel string
	dm      bool
}

var (
	_ bot.Adapter = (*Adapter)(nil)
	_ bot.Editor  = (*Adapter)(nil)
)

// New returns a console adapter reading lines from in and printing to out.
func New(in io.Reader, out io.Writer, opts Options) *Adapter {
	if opts.Channel == "" {
		opts.Channel = "house"
	}
	if len(opts.Users) == 0 {
		opts.Users = []bot.User{{ID: "you", Name: "You"}}
	}
	opts.Users = append([]bot.User(nil), opts.Users...)
	if opts.Session == "" {
		opts.Session = strconv.FormatUint(rand.Uint64()&0xffffffffff, 36)
	}
	return &Adapter{
		in:      in,
		out:     out,
		opts:    opts,
		lang:    kit.Lang(opts.Locale),
		current: opts.Users[0],
		picks:   map[string][]pick{},
		sentTo:  map[string]audience{},
	}
}

// Platform returns "console".
func (a *Adapter) Platform() string { return Platform }

// Run reads lines and hands them to h as events until the input ends
// (then it returns nil) or ctx ends (also nil: the console just stops).
// The reader is not closed; a read blocked on a terminal is left behind.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	lines := make(chan string)
	errc := make(chan error, 1)
	done := make(chan struct{})
	defer close(done)
	go func() {
		sc := bufio.NewScanner(a.in)
		sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
		for sc.Scan() {
			select {
			case lines <- strings.TrimRight(sc.Text(), "\r"):
			case <-done:
				return
			}
		}
		errc <- sc.Err()
		close(lines)
	}()

	a.mu.Lock()
	a.notice(a.lang.T("console.typing_as", "Name", a.nameOf(a.current.ID)))
	a.mu.Unlock()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				if err := <-errc; err != nil {
					return fmt.Errorf("console: read input: %w", err)
				}
				return nil
			}
			a.line(ctx, h, line)
		}
	}
}

// line handles one input line.
func (a *Adapter) line(ctx context.Context, h bot.Handler, line string) {
	text := strings.TrimSpace(line)
	a.mu.Lock()
	if a.opts.Echo && text != "" {
		a.write(a.nameOf(a.current.ID) + "> " + line + "\n")
	}
	a.mu.Unlock()
	if text == "" || strings.HasPrefix(text, "#") {
		return
	}
	if strings.HasPrefix(text, ":") {
		a.directive(ctx, text)
	} else if ev, ok := a.event(text); ok {
		// Handle is called without the lock: the core commits, and the
		// outbox sender may call Send meanwhile.
		resp := h.Handle(ctx, ev)
		a.mu.Lock()
		a.printResponse(ev, resp)
		a.mu.Unlock()
	}
	if a.opts.AfterLine != nil {
		a.opts.AfterLine(ctx)
	}
}

// Output returns a writer to the console's output for the demo's own
// lines. It is safe to use alongside Send: each Write is printed whole.
// Do not use it from inside Send or Edit.
func (a *Adapter) Output() io.Writer { return lockedWriter{a} }

// lockedWriter writes to the adapter's output under its lock.
type lockedWriter struct{ a *Adapter }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.a.mu.Lock()
	defer w.a.mu.Unlock()
	return w.a.out.Write(p)
}

// event translates a command, number or text line into an event.
func (a *Adapter) event(text string) (bot.Event, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.events++
	ev := bot.Event{
		ID:       fmt.Sprintf("console-%s-%d", a.opts.Session, a.events),
		Platform: Platform,
		User:     a.current,
	}
	if rest, ok := strings.CutPrefix(text, "/"); ok {
		name, raw, _ := strings.Cut(rest, " ")
		if name == "" {
			a.notice(a.lang.T("console.command_name"))
			return ev, false
		}
		ev.Kind = bot.EventCommand
		ev.Channel = a.opts.Channel
		raw = strings.TrimSpace(raw)
		ev.Command = &bot.CommandInput{Name: strings.ToLower(name), Raw: a.mentions(raw), Names: a.mentionNames(raw)}
		return ev, true
	}
	if n, err := strconv.Atoi(text); err == nil && isDigits(text) {
		list, ok := a.picks[a.current.ID]
		if !ok || len(list) == 0 {
			list = a.posted
		}
		if n >= 1 && n <= len(list) {
			p := list[n-1]
			ev.Kind = bot.EventAction
			ev.Channel, ev.DM = p.channel, p.dm
			ev.Action = &bot.ActionInput{ID: p.choice.ID, Value: p.choice.Value, Message: p.ref}
			return ev, true
		}
	}
	ev.Kind = bot.EventDM
	ev.DM = true
	ev.Channel = dmChannel(a.current.ID)
	ev.Text = text
	return ev, true
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// dmChannel is the console's name for a user's DM channel.
func dmChannel(user string) string { return "dm-" + user }

// mentionRe matches @Name; dots inside a name are allowed, a trailing one
// is punctuation.
var mentionRe = regexp.MustCompile(`@([\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)*)`)

// mentions replaces @Name of a known user, by name or id and ignoring
// case, with the platform-neutral <@ID>. Unknown names are left alone.
func (a *Adapter) mentions(s string) string {
	return mentionRe.ReplaceAllStringFunc(s, func(m string) string {
		if u, ok := a.lookup(m[1:]); ok {
			return "<@" + u.ID + ">"
		}
		return m
	})
}

// mentionNames are the directory names of the known users s mentions, by
// id; nil when it mentions nobody known.
func (a *Adapter) mentionNames(s string) map[string]string {
	var names map[string]string
	for _, m := range mentionRe.FindAllStringSubmatch(s, -1) {
		if u, ok := a.lookup(m[1]); ok && u.Name != "" {
			if names == nil {
				names = map[string]string{}
			}
			names[u.ID] = u.Name
		}
	}
	return names
}

// lookup finds a user of the directory by name or id, ignoring case.
func (a *Adapter) lookup(name string) (bot.User, bool) {
	for _, u := range a.opts.Users {
		if strings.EqualFold(u.Name, name) {
			return u, true
		}
	}
	for _, u := range a.opts.Users {
		if strings.EqualFold(u.ID, name) {
			return u, true
		}
	}
	return bot.User{}, false
}

// nameOf is a user's display name, or the id of a stranger.
func (a *Adapter) nameOf(id string) string {
	for _, u := range a.opts.Users {
		if u.ID == id && u.Name != "" {
			return u.Name
		}
	}
	return id
}

// outMention is a platform-neutral mention in the core's text.
var outMention = regexp.MustCompile(`<@([A-Za-z0-9_.-]+)>`)

// plainMentions shows each <@ID> in outgoing text as @Name, the way
// Discord and Slack show a mention; an unknown id shows as @ID.
func (a *Adapter) plainMentions(s string) string {
	return outMention.ReplaceAllStringFunc(s, func(m string) string {
		return "@" + a.nameOf(outMention.FindStringSubmatch(m)[1])
	})
}

// directive handles a ":" line: the adapter's own controls, then the
// Directive hook. The hook runs without the lock, since it may drive the
// bot and so call Send.
func (a *Adapter) directive(ctx context.Context, text string) {
	word, arg, _ := strings.Cut(text[1:], " ")
	word, arg = strings.ToLower(word), strings.TrimSpace(arg)
	if word == "as" || word == "who" || word == "help" {
		a.mu.Lock()
		a.control(word, arg)
		a.mu.Unlock()
		if word != "help" {
			return
		}
	}
	handled := word == "help"
	if a.opts.Directive != nil {
		ok, err := a.opts.Directive(ctx, text)
		if err != nil {
			a.mu.Lock()
			a.notice(fmt.Sprintf("⚠ %s: %v", text, err))
			a.mu.Unlock()
			return
		}
		// The demo may add to :help, so both may handle it.
		handled = handled || ok
	}
	if !handled {
		a.mu.Lock()
		a.notice(a.lang.T("console.unknown_control", "Control", text))
		a.mu.Unlock()
	}
}

// control runs one of the adapter's own controls. Callers hold mu.
func (a *Adapter) control(word, arg string) {
	switch word {
	case "as":
		u, ok := a.lookup(arg)
		if !ok {
			a.notice(a.lang.T("console.no_one", "Name", strconv.Quote(arg), "People", a.people()))
			return
		}
		a.current = u
		a.notice(a.lang.T("console.you_are_now", "Name", a.nameOf(u.ID)))
	case "who":
		a.notice(a.lang.T("console.you_are", "Name", a.nameOf(a.current.ID), "People", a.people()))
	case "help":
		a.notice(a.lang.T("console.help", "People", a.people()))
	}
}

// people lists the directory's names.
func (a *Adapter) people() string {
	names := make([]string, len(a.opts.Users))
	for i, u := range a.opts.Users {
		names[i] = a.nameOf(u.ID)
	}
	return strings.Join(names, ", ")
}

// notice prints a line from the console itself. Callers hold mu.
func (a *Adapter) notice(text string) {
	a.write(a.block("[console]", bot.PlainText(text), nil, 0, nil))
}

// write prints s. Callers hold mu. A broken terminal is not worth failing
// a reply over, so errors are dropped here; Send reports its own.
func (a *Adapter) write(s string) { _, _ = io.WriteString(a.out, s) }

// printResponse prints the core's private reply to the actor of ev. Its
// choices act where ev happened, as an ephemeral reply's buttons do on
// Discord and Slack. Callers hold mu.
func (a *Adapter) printResponse(ev bot.Event, r bot.Response) {
	tag := a.onlyTag(ev.User.ID)
	if len(r.Messages) > 0 {
		to := audience{tag: tag, user: ev.User.ID, channel: ev.Channel, dm: ev.DM}
		a.write(a.deliver(to, r.Messages, bot.MessageRef{}))
	}
	if len(r.FieldErrors) > 0 {
		for _, id := range fieldOrder(r.FieldErrors, r.Reopen) {
			a.write(a.block(tag, "⚠ "+r.FieldErrors[id], nil, 0, nil))
		}
	}
	if r.Reopen != nil {
		a.write(a.formBlock(tag, *r.Reopen))
	}
	if r.Form != nil {
		a.write(a.formBlock(tag, *r.Form))
	}
}

// fieldOrder orders field errors as the form orders its fields.
func fieldOrder(errs map[string]string, f *bot.Form) []string {
	var ids []string
	seen := map[string]bool{}
	if f != nil {
		for _, fl := range f.Fields {
			if _, ok := errs[fl.ID]; ok {
				ids = append(ids, fl.ID)
				seen[fl.ID] = true
			}
		}
	}
	var rest []string
	for id := range errs {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	sort.Strings(rest)
	return append(ids, rest...)
}

// formBlock prints a form. The console cannot open one (its events have
// FormLimit 0), so this only shows what was asked.
func (a *Adapter) formBlock(tag string, f bot.Form) string {
	var lines []string
	title := f.Title
	if title == "" {
		title = a.lang.T("console.form")
	}
	lines = append(lines, a.lang.T("console.form.title", "Title", title))
	for _, fl := range f.Fields {
		l := "• " + fl.Label
		if h := fl.HintIn(a.lang); h != "" {
			l += " — " + h
		}
		if fl.Value != "" {
			l += a.lang.T("console.form.value", "Value", fl.Shown(fl.Value))
		}
		lines = append(lines, l)
	}
	return a.block(tag, strings.Join(lines, "\n"), nil, 0, nil)
}

// onlyTag labels a private reply to user.
func (a *Adapter) onlyTag(user string) string {
	if user == a.current.ID {
		return a.lang.T("console.tag.only_you")
	}
	return a.lang.T("console.tag.only", "Name", a.nameOf(user))
}

// deliver renders messages under one tag and makes their choices the
// numbered list of the user they are for, or the channel's list. Choices
// are numbered on across the messages, so one number means one thing. A
// private delivery without choices closes the user's list, so numbers
// typed after it are text, or pick from the channel's list. Callers hold mu.
func (a *Adapter) deliver(to audience, msgs []bot.Message, ref bot.MessageRef) string {
	var b strings.Builder
	var list []pick
	for _, m := range msgs {
		b.WriteString(a.block(to.tag, a.plainMentions(bot.PlainText(m.Text)), m.Choices, len(list), m.Attachment))
		for _, c := range m.Choices {
			list = append(list, pick{choice: c, ref: ref, channel: to.channel, dm: to.dm})
		}
	}
	switch {
	case to.user != "":
		a.picks[to.user] = list
	case len(list) > 0:
		a.posted = list
	}
	return b.String()
}

// block renders one message: the tag, the text with continuation lines
// aligned under its first line, then the choices numbered from first+1.
func (a *Adapter) block(tag, text string, choices []bot.Choice, first int, att *bot.Attachment) string {
	indent := strings.Repeat(" ", utf8.RuneCountInString(tag)+1)
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		switch {
		case i == 0:
			b.WriteString(tag + " " + l)
		case l == "":
		default:
			b.WriteString(indent + l)
		}
		b.WriteString("\n")
	}
	for i, c := range choices {
		n := strconv.Itoa(first + i + 1)
		label := bot.PlainText(c.Label)
		// A scale's labels already start with their number ("3 – okay").
		if rest, ok := strings.CutPrefix(label, n); ok && (rest == "" || rest[0] == ' ') {
			b.WriteString(indent + label + "\n")
			continue
		}
		b.WriteString(indent + n + ") " + label + "\n")
	}
	if att != nil {
		b.WriteString(indent + a.lang.T("console.attachment", "Name", att.Name, "Type", att.ContentType, "Size", a.size(len(att.Data))) + "\n")
	}
	return b.String()
}

// size is a file's size in words.
func (a *Adapter) size(n int) string {
	if n < 1024 {
		return a.lang.N("console.size.bytes", n)
	}
	return a.lang.T("console.size.kb", "KB", (n+1023)/1024)
}

// Send prints an outgoing message with a tag saying who sees it.
func (a *Adapter) Send(ctx context.Context, m bot.Outgoing) (bot.MessageRef, error) {
	if !m.Edit.IsZero() {
		return m.Edit, a.Edit(ctx, m.Edit, m.Message)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sent++
	id := "m" + strconv.Itoa(a.sent)
	var to audience
	var ref bot.MessageRef
	switch m.Target.Kind {
	case bot.TargetChannel:
		if m.Target.Channel == "" {
			return bot.MessageRef{}, fmt.Errorf("console: send to channel: no channel: %w", bot.ErrUndeliverable)
		}
		to.tag = "[#" + m.Target.Channel
		if !m.Thread.IsZero() {
			to.tag += a.lang.T("console.tag.thread")
		}
		to.tag += "]"
		to.channel = m.Target.Channel
		ref = bot.MessageRef{Channel: m.Target.Channel, ID: id}
	case bot.TargetDM:
		if m.Target.User == "" {
			return bot.MessageRef{}, fmt.Errorf("console: send DM: no user: %w", bot.ErrUndeliverable)
		}
		to = audience{tag: a.lang.T("console.tag.dm"), user: m.Target.User, channel: dmChannel(m.Target.User), dm: true}
		if to.user != a.current.ID {
			to.tag = a.lang.T("console.tag.dm_to", "Name", a.nameOf(to.user))
		}
		ref = bot.MessageRef{Channel: to.channel, ID: id}
	case bot.TargetEphemeral:
		if m.Target.User == "" {
			return bot.MessageRef{}, fmt.Errorf("console: send ephemeral: no user: %w", bot.ErrUndeliverable)
		}
		to = audience{tag: a.onlyTag(m.Target.User), user: m.Target.User, channel: m.Target.Channel}
		if to.channel == "" {
			to.channel = a.opts.Channel
		}
		ref = bot.MessageRef{Channel: to.channel, ID: id}
	default:
		return bot.MessageRef{}, fmt.Errorf("console: send: unknown target %q: %w", m.Target.Kind, bot.ErrUndeliverable)
	}
	a.sentTo[id] = to
	out := a.deliver(to, []bot.Message{m.Message}, ref)
	if _, err := io.WriteString(a.out, out); err != nil {
		return bot.MessageRef{}, fmt.Errorf("console: write: %w", err)
	}
	return ref, nil
}

// Edit prints the new content of a message sent earlier.
func (a *Adapter) Edit(ctx context.Context, ref bot.MessageRef, m bot.Message) error {
	if ref.IsZero() {
		return errors.New("console: edit: empty message ref")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	// An edited message keeps its audience: a channel post's choices go to
	// everyone, a private message's to its reader.
	to, ok := a.sentTo[ref.ID]
	if !ok {
		to = audience{tag: "[#" + ref.Channel + "]", channel: ref.Channel}
	}
	to.tag = strings.TrimSuffix(to.tag, "]") + a.lang.T("console.tag.edited") + "]"
	out := a.deliver(to, []bot.Message{m}, ref)
	if _, err := io.WriteString(a.out, out); err != nil {
		return fmt.Errorf("console: write: %w", err)
	}
	return nil
}
