package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/porchlight/porchlight/i18n"
)

// Config is what New needs.
type Config struct {
	Store  Store
	Clock  Clock
	Logger *slog.Logger
	// Houses are the configured houses. New keeps them; Start syncs them to
	// the store and fills in their ids.
	Houses []*House
	// Schedules computes next and missed runs; the scheduler package
	// provides it. Without it there is no catch-up of cron jobs.
	Schedules Schedules
	// Demo makes /checkin open the next scheduled round at once when none
	// is open, so the console demo needs no waiting, and makes /digest
	// default to this week, since a fresh demo has no last week.
	Demo bool
	// Chart draws the digest's PNG chart from its trend, its legend in l;
	// cmd gives it the chart package's renderer. Without it the digest is
	// sent as text.
	Chart func(l Lang, title string, weeks []DigestWeek) ([]byte, error)
	// DigestText renders a digest as chat text; cmd gives it the render
	// package's. Without it the digest cannot be sent in chat.
	DigestText func(d *Digest) string
	// HomePlatforms are the platforms whose adapter shows each member a
	// home page (HomePages); the core queues refreshes of those pages.
	HomePlatforms []string
	// Screener is the crisis screener with the built-in lexicons; each
	// house's own phrases are added to it. New compiles one when nil;
	// tests that build many cores pass one in.
	Screener *Screener
}

// Bot is the platform-neutral core. It implements Handler.
type Bot struct {
	store  Store
	clock  Clock
	log    *slog.Logger
	houses []*House
	// The configured houses indexed for the questions every event asks
	// (configHouse, houseByID), so that finding an event's house does not
	// cost more with every house configured: by platform and channel and
	// by platform from New, by id from Start, which gives the ids.
	byChannel  map[platformChannel]*House
	onPlatform map[string][]*House
	byID       map[int64]*House
	schedules  Schedules
	demo       bool
	chart      func(l Lang, title string, weeks []DigestWeek) ([]byte, error)
	digestTxt  func(d *Digest) string
	// homePlatforms are the platforms with home pages (Config.HomePlatforms).
	homePlatforms map[string]bool

	reg     Registry
	actions map[string]actionRoute
	forms   map[string]formRoute
	jobs    map[string]jobFunc
	// screeners holds each house's screener (its own phrases added to the
	// built-in ones); screener is the one for text with no house.
	screeners map[*House]*Screener
	screener  *Screener
	// txScreens counts the texts screened inside transactions, which
	// pre-screening (preScreen) did not foresee.
	txScreens atomic.Int64
	// defaultQuestions keeps the default check-in questions localised,
	// by defaultQuestionsKey ([]Field; questionsIn).
	defaultQuestions sync.Map

	checkinHooks checkinHooks
	// leaveHooks run when a member leaves or pauses, in the same
	// transaction; why is the reason, for the people affected, rendered
	// in each one's language.
	leaveHooks []func(r *Request, m *Member, why Phrase) error
	houseJobs  []houseJob
	tickers    []func(ctx context.Context, now time.Time) error

	// eraseHooks run before a member's data is erased, in the same
	// transaction, so a feature can tell the people it concerns.
	eraseHooks []func(r *Request, m *Member) error
	// retentionHooks redact a feature's free text written before before,
	// in the daily retention job, at most about limit rows a call; each
	// returns how many rows it redacted (the job calls again while any
	// hook used up its limit).
	retentionHooks []func(r *Request, before time.Time, limit int) (int, error)
	// joinHooks run when a member joins with consent, in the same
	// transaction; r.Role is the role they had before joining.
	joinHooks []func(r *Request, m *Member) error

	// committed is called after every transaction that wrote the outbox,
	// to wake the sender (see committedFrom).
	committed func()
}

// actionRoute handles button presses whose id starts with prefix + ":".
type actionRoute struct {
	roles Role
	// house, when set, finds the house a press belongs to from what its id
	// names (an alert, a round), for people in several houses on one
	// platform; nil from it keeps the house resolveHouse found. Dispatch
	// then loads the presser's role in that house and checks roles against
	// it: the id itself grants nothing.
	house func(r *Request, parts []string) (*House, error)
	run   func(r *Request, parts []string) (Response, error)
}

// formRoute builds and handles forms whose id starts with prefix + ":".
type formRoute struct {
	roles Role
	// build returns the form for an id, as it should be shown now.
	build func(r *Request, parts []string) (Form, error)
	// submit stores validated values. The form's free text was screened
	// before (submitForm); submit never answers a concern itself.
	submit func(r *Request, parts []string, vals map[string]string) (Response, error)
	// answered, when set, is the level of concern the earlier version of
	// what the form edits already raised (and was answered for), so that
	// an edit that keeps its words is not answered again.
	answered func(r *Request, parts []string) Concern
	// fields, when set, are the form's fields in house h as the config
	// alone gives them (their ids and kinds), so that pre-screening
	// screens only the values of its text fields (formTextFields).
	fields func(h *House) []Field
}

// jobFunc runs one scheduled job occurrence inside its transaction.
type jobFunc func(r *Request, at time.Time) error

// New returns a core with every feature registered.
func New(cfg Config) (*Bot, error) {
	if cfg.Store == nil {
		return nil, errors.New("bot: no store")
	}
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	b := &Bot{
		store:     cfg.Store,
		clock:     cfg.Clock,
		log:       cfg.Logger.With("component", "bot"),
		houses:    cfg.Houses,
		schedules: cfg.Schedules,
		demo:      cfg.Demo,
		chart:     cfg.Chart,
		digestTxt: cfg.DigestText,
		actions:   map[string]actionRoute{},
		forms:     map[string]formRoute{},
		jobs:      map[string]jobFunc{},
		committed: func() {},
	}
	b.homePlatforms = make(map[string]bool, len(cfg.HomePlatforms))
	for _, p := range cfg.HomePlatforms {
		b.homePlatforms[p] = true
	}
	var err error
	if b.screener = cfg.Screener; b.screener == nil {
		if b.screener, err = NewScreener(ScreenPhrases{}); err != nil {
			return nil, fmt.Errorf("bot: screener: %w", err)
		}
	}
	b.screeners = make(map[*House]*Screener, len(b.houses))
	b.byChannel = make(map[platformChannel]*House, len(b.houses))
	b.onPlatform = map[string][]*House{}
	for _, h := range b.houses {
		b.onPlatform[h.Platform] = append(b.onPlatform[h.Platform], h)
		if k := (platformChannel{h.Platform, h.Channel}); h.Channel != "" && b.byChannel[k] == nil {
			b.byChannel[k] = h
		}
		if h.Location == nil {
			return nil, fmt.Errorf("bot: house %q has no time zone", h.Name)
		}
		// A house with no phrases of its own reads with the shared
		// screener, so that an event whose house is not known before its
		// transaction is pre-screened once, not once a house (preScreen).
		if p := h.Crisis.Phrases; len(p.Danger)+len(p.Relapse)+len(p.Ignore) == 0 {
			b.screeners[h] = b.screener
		} else if b.screeners[h], err = b.screener.With(p); err != nil {
			return nil, fmt.Errorf("bot: house %q: crisis phrases: %w", h.Name, err)
		}
	}
	b.registerFeatures()
	return b, nil
}

// registerFeatures lets every feature register its commands, buttons,
// forms, scheduled jobs and hooks, each in its own register function. A
// new feature adds one line here.
func (b *Bot) registerFeatures() {
	b.registerMembership()
	b.registerForms()
	b.registerCheckin()
	b.registerCrisis()
	b.registerPrivacy()
	b.registerPartners()
	b.registerMilestones()
	b.registerActivities()
	b.registerDigest()
	b.registerPause()
	b.registerMentoring()
	b.registerHistory()
	b.registerGoals()
	b.registerMeetings()
	b.registerNewcomers()
	b.registerChores()
	b.registerHome()
	b.registerLanguage()
}

// AllCommands returns the command registry without building a core: the
// Slack manifest and Discord's command list come from it, with no store,
// clock or houses. Registering touches nothing but the registry.
func AllCommands() []*Command {
	return registryOnly(nil).reg.All()
}

// HouseJobs lists the recurring jobs of houses, as Jobs does, without
// building a core: `porchlight doctor` shows each one's next runs from the
// config alone, with no store to write to.
func HouseJobs(houses []*House) []JobSpec {
	return registryOnly(houses).Jobs()
}

// registryOnly is a core with only its registry (commands, routes, jobs)
// filled in, for houses: no store, clock or logger, so nothing can run.
func registryOnly(houses []*House) *Bot {
	b := &Bot{houses: houses, actions: map[string]actionRoute{}, forms: map[string]formRoute{}, jobs: map[string]jobFunc{}}
	b.registerFeatures()
	return b
}

// OnCommit sets a function called after each committed transaction; cmd
// wires it to the outbox sender's Wake.
func (b *Bot) OnCommit(f func()) { b.committed = f }

// committedFrom wakes the sender after r's transaction committed, if it
// enqueued a message: a commit that enqueued nothing (most of the tick's,
// a retention step) would only cost the sender a Due pass. r may be nil.
func (b *Bot) committedFrom(r *Request) {
	if r != nil && r.enqueued {
		b.committed()
	}
}

// Commands returns the command registry.
func (b *Bot) Commands() []*Command { return b.reg.All() }

// Houses returns the configured houses.
func (b *Bot) Houses() []*House { return b.houses }

// Start syncs the configured houses to the store, so that each has an id.
func (b *Bot) Start(ctx context.Context) error {
	now := b.clock.Now()
	err := b.store.Update(ctx, func(tx Tx) error {
		for _, h := range b.houses {
			id, err := tx.SyncHouse(ctx, h, now)
			if err != nil {
				return fmt.Errorf("sync house %q: %w", h.Name, err)
			}
			h.ID = id
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.byID = make(map[int64]*House, len(b.houses))
	for _, h := range b.houses {
		b.byID[h.ID] = h
	}
	return nil
}

func (b *Bot) action(prefix string, roles Role, run func(r *Request, parts []string) (Response, error)) {
	b.route(prefix, actionRoute{roles: roles, run: run})
}

// route registers an action route with all its options.
func (b *Bot) route(prefix string, route actionRoute) { b.actions[prefix] = route }

func (b *Bot) form(prefix string, route formRoute) { b.forms[prefix] = route }

// Handle runs one inbound event. The returned Response is for the actor
// only, and every change it reports has been committed.
func (b *Bot) Handle(ctx context.Context, ev Event) Response {
	start := b.clock.Now()
	log := b.log.With("platform", ev.Platform, "event", ev.ID, "kind", ev.Kind.String(), "user", ev.User.ID)
	var resp Response
	var req *Request
	// Reading, rendering and crisis screening first, outside the write
	// transaction, where the writer is not held and other events' work can
	// run beside it.
	prepared := b.prepareCommand(ctx, ev, start, log)
	screened := b.preScreen(ev)
	err := b.store.Update(ctx, func(tx Tx) error {
		if ev.ID != "" {
			if err := tx.MarkEvent(ctx, ev.Platform, ev.ID, start); err != nil {
				if errors.Is(err, ErrDuplicate) {
					log.Info("duplicate delivery ignored")
					resp = Response{}
					return errSkip
				}
				return fmt.Errorf("mark event: %w", err)
			}
		}
		r, err := b.newRequest(ctx, tx, ev, start, log)
		if err != nil {
			return err
		}
		req = r
		r.Prepared = prepared
		r.screened = screened
		if resp, err = b.dispatch(r); err == nil && r.replied > ConcernNone {
			resp, err = b.throughOutbox(r, resp)
		}
		if err == nil {
			resp, err = b.keepForms(r, resp)
		}
		if err == nil {
			err = r.actorHomeStale()
		}
		return err
	})
	switch {
	case err == nil:
		b.committedFrom(req)
	case errors.Is(err, errSkip):
	default:
		if ErrorCode(err) == EInternal {
			log.Error("event failed", "err", err)
		} else {
			log.Info("event refused", "code", ErrorCode(err))
			if req != nil && req.finishing != nil {
				if err := b.endRefused(ctx, req.finishing, start); err != nil {
					log.Error("ending a refused form failed", "err", err)
				}
			}
		}
		l := catalog().Lang("")
		if req != nil {
			l = req.Lang()
		}
		resp = errorResponse(l, err)
	}
	if req != nil && resp.Lang == "" {
		resp.Lang = req.Lang().Code()
	}
	return resp
}

// errSkip rolls back a transaction that has nothing to do, without error.
var errSkip = errors.New("skip")

func errorResponse(l Lang, err error) Response {
	return Response{Messages: []Message{{Text: ErrorText(l, err)}}}
}

// Reply is a Response with one private text message.
func Reply(format string, args ...any) Response {
	return Response{Messages: []Message{{Text: fmt.Sprintf(format, args...)}}}
}

// newRequest resolves the house, member and role for an event.
func (b *Bot) newRequest(ctx context.Context, tx Tx, ev Event, now time.Time, log *slog.Logger) (*Request, error) {
	r := &Request{Ctx: ctx, Event: ev, Tx: tx, Now: now, Log: log, Role: RoleGuest, bot: b, eventLog: log}
	h, err := b.resolveHouse(ctx, tx, ev)
	if errors.Is(err, ErrNotFound) {
		return r, nil // no house: only house-free commands will do
	}
	if err != nil {
		return nil, err
	}
	if err := b.setHouse(r, h); err != nil {
		return nil, err
	}
	return r, nil
}

// setHouse makes h the request's house and loads the caller's membership
// and role in it, so that every check after it is about h.
func (b *Bot) setHouse(r *Request, h *House) error {
	r.House = h
	if r.eventLog != nil {
		r.Log = r.eventLog.With("house", h.ID)
	}
	m, role, err := b.callerIn(r, h)
	if err != nil {
		return err
	}
	r.Member, r.Role = m, role
	return nil
}

// roleIn returns the caller's role in house h, which need not be the
// request's house.
func (b *Bot) roleIn(r *Request, h *House) (Role, error) {
	_, role, err := b.callerIn(r, h)
	return role, err
}

// callerIn loads the caller's membership (nil if they never joined) and
// role in house h.
func (b *Bot) callerIn(r *Request, h *House) (*Member, Role, error) {
	user := r.Event.User.ID
	m, err := r.Tx.MemberByUser(r.Ctx, h.ID, user)
	switch {
	case errors.Is(err, ErrNotFound):
		m = nil
	case err != nil:
		return nil, 0, fmt.Errorf("load member: %w", err)
	}
	granted, err := r.Tx.GrantedRoles(r.Ctx, h.ID, user)
	if err != nil {
		return nil, 0, fmt.Errorf("load roles: %w", err)
	}
	role := RoleGuest
	if m != nil && m.Active() {
		role |= RoleResident
	}
	if h.IsConfigMentor(user) || granted.Has(RoleMentor) {
		role |= RoleMentor
	}
	if h.IsOperator(user) {
		role |= RoleOperator
	}
	if role != RoleGuest {
		role &^= RoleGuest
	}
	return m, role, nil
}

// resolveHouse finds the house an event belongs to: the house whose channel
// it came from; else the one house the user belongs to or runs; else the
// only house on the platform. It returns ErrNotFound when none fits.
func (b *Bot) resolveHouse(ctx context.Context, tx Tx, ev Event) (*House, error) {
	h, onPlatform := b.configHouse(ev)
	if h != nil {
		return h, nil
	}
	ms, err := tx.MembershipsOf(ctx, ev.Platform, ev.User.ID)
	if err != nil {
		return nil, fmt.Errorf("memberships: %w", err)
	}
	if len(ms) == 1 {
		return b.houseByID(ms[0].HouseID), nil
	}
	for _, h := range onPlatform {
		if h.IsOperator(ev.User.ID) || h.IsConfigMentor(ev.User.ID) {
			return h, nil
		}
	}
	return nil, ErrNotFound
}

// configHouse returns the house the config alone names for ev: the house
// whose channel it came from, else the only house on its platform; nil
// when it takes the store to tell, with the houses on the platform.
// The returned slice is shared: callers only read it.
func (b *Bot) configHouse(ev Event) (*House, []*House) {
	if !ev.DM && ev.Channel != "" {
		if h := b.byChannel[platformChannel{ev.Platform, ev.Channel}]; h != nil {
			return h, nil
		}
	}
	onPlatform := b.onPlatform[ev.Platform]
	if len(onPlatform) == 1 {
		return onPlatform[0], onPlatform
	}
	return nil, onPlatform
}

// platformChannel keys a house by its platform and channel.
type platformChannel struct{ platform, channel string }

// houseOn returns the configured house with id when it is on the event's
// platform, else ErrNotFound.
func (b *Bot) houseOn(r *Request, id int64) (*House, error) {
	if h := b.houseByID(id); h != nil && h.Platform == r.Event.Platform {
		return h, nil
	}
	return nil, ErrNotFound
}

func (b *Bot) houseByID(id int64) *House {
	if h := b.byID[id]; h != nil && h.ID == id {
		return h
	}
	// Not started yet (ids come from Start), or no such house.
	for _, h := range b.houses {
		if h.ID == id {
			return h
		}
	}
	return nil
}

// HouseByName returns the configured house with that name, or nil.
func (b *Bot) HouseByName(name string) *House {
	for _, h := range b.houses {
		if strings.EqualFold(h.Name, name) {
			return h
		}
	}
	return nil
}

var errNoHouse = Fail(EInvalid, "core.no_house")

// errBadButton answers a button press the core cannot act on: an id it
// cannot read, or one whose record is not in the presser's house (a stale
// message, or a forged id).
var errBadButton = Fail(EInvalid, "core.bad_button")

// buttonID reads the number at parts[i] of a button's id.
func buttonID(parts []string, i int) (int64, error) {
	if i >= len(parts) {
		return 0, errBadButton
	}
	id, err := strconv.ParseInt(parts[i], 10, 64)
	if err != nil {
		return 0, errBadButton
	}
	return id, nil
}

// houseOfButton is the shared body of an actionRoute's house function:
// the button's id has n parts, the last naming a record; houseOf loads
// that record's house id. A malformed id is ErrNotFound, which keeps the
// presser's usual house (the handler then refuses the button).
func (b *Bot) houseOfButton(r *Request, parts []string, n int, houseOf func(id int64) (int64, error)) (*House, error) {
	if len(parts) != n {
		return nil, ErrNotFound
	}
	id, err := strconv.ParseInt(parts[n-1], 10, 64)
	if err != nil {
		return nil, ErrNotFound
	}
	hid, err := houseOf(id)
	if err != nil {
		return nil, err
	}
	return b.houseOn(r, hid)
}

// dispatch routes an event to its feature, enforcing roles in one place.
func (b *Bot) dispatch(r *Request) (Response, error) {
	ev := r.Event
	// An answer to a form conversation in progress goes to the conversation.
	if resp, ok, err := b.stepConversation(r); ok || err != nil {
		return resp, err
	}
	switch ev.Kind {
	case EventCommand:
		return b.runCommand(r)
	case EventAction:
		if ev.Action == nil {
			return Response{}, errBadButton
		}
		prefix, parts := splitID(ev.Action.ID)
		route, ok := b.actions[prefix]
		if !ok {
			return Response{}, Fail(EInvalid, "core.stale_button")
		}
		if route.house != nil {
			// ErrNotFound: the id names no house of its own; the presser's
			// usual house stays.
			h, err := route.house(r, parts)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return Response{}, err
			}
			if err == nil && h != r.House {
				if err := b.setHouse(r, h); err != nil {
					return Response{}, err
				}
			}
		}
		if r.House == nil {
			return Response{}, errNoHouse
		}
		if !r.Role.Has(route.roles) {
			return Response{}, refusal("core.refusal.do_that", route.roles)
		}
		return route.run(r, parts)
	case EventForm:
		if ev.Form == nil {
			return Response{}, Fail(EInvalid, "core.bad_form")
		}
		return b.submitForm(r, ev.Form.ID, ev.Form.Values)
	case EventDM:
		return b.handleDM(r)
	case EventReply:
		if r.House == nil {
			return Response{}, nil
		}
		return b.handleThreadReply(r)
	case EventMemberJoined, EventMemberLeft:
		return b.handleMemberEvent(r)
	}
	return Response{}, nil
}

func (b *Bot) runCommand(r *Request) (Response, error) {
	in := r.Event.Command
	if in == nil {
		return Response{}, Fail(EInvalid, "core.bad_command")
	}
	// Text addressed to the bot is screened first: someone who types a
	// crisis into any command gets resources, not a usage error.
	if resp, level, err := b.screen(r, commandSaid(in)); level != ConcernNone || err != nil {
		return resp, err
	}
	cmd, err := b.resolveCommand(r)
	if err != nil {
		return Response{}, err
	}
	return cmd.Run(r)
}

// prepareCommand runs the Prepare of the command ev invokes, if it has
// one, in a read transaction, then its rendering, and returns the result
// for Run (Request.Prepared); nil when there is nothing prepared. A
// failure here is not reported: Run does the work itself and reports it.
// The house, role and arguments are resolved and checked as Run's are.
func (b *Bot) prepareCommand(ctx context.Context, ev Event, now time.Time, log *slog.Logger) any {
	if ev.Kind != EventCommand || ev.Command == nil || !b.reg.Lookup(ev.Command.Name).prepares() {
		return nil // most commands: no read transaction for nothing
	}
	var render func() (any, error)
	err := b.store.View(ctx, func(tx Tx) error {
		r, err := b.newRequest(ctx, tx, ev, now, log)
		if err != nil {
			return err
		}
		cmd, err := b.resolveCommand(r)
		if err != nil || cmd.Prepare == nil {
			return err
		}
		render, err = cmd.Prepare(r)
		return err
	})
	if err != nil || render == nil {
		return nil
	}
	out, err := render()
	if err != nil {
		return nil
	}
	return out
}

// resolveCommand finds the command (or subcommand) r's event invokes,
// checks that the caller's role may run it, and parses its arguments into
// r.Args.
func (b *Bot) resolveCommand(r *Request) (*Command, error) {
	in := r.Event.Command
	cmd := b.reg.Lookup(in.Name)
	if cmd == nil {
		return nil, Fail(EInvalid, "core.unknown_command", "Command", quoted(in.Name, 32))
	}
	parent := ""
	raw := strings.TrimSpace(in.Raw)
	if len(cmd.Subs) > 0 {
		sub := in.Sub
		if sub == "" {
			sub, raw, _ = strings.Cut(raw, " ")
			raw = strings.TrimSpace(raw)
		}
		sc := cmd.Sub(strings.ToLower(sub))
		if sc == nil {
			if cmd.Run == nil || sub != "" {
				return nil, Fail(EInvalid, "core.try_one_of", "Commands", subNames(cmd))
			}
		} else {
			parent, cmd = cmd.Name, sc
		}
	}
	if r.House == nil && !cmd.NoHouse {
		return nil, errNoHouse
	}
	if !r.Role.Has(cmd.Roles) {
		if cmd.Refusal != "" {
			return nil, Fail(EForbidden, cmd.Refusal)
		}
		return nil, refusal("core.refusal.use", cmd.Roles, "Command", cmdMarkerOf(strings.TrimSpace(parent+" "+cmd.Name)))
	}
	var err error
	if in.Options != nil {
		r.Args, err = CheckOptions(cmd, parent, in.Options)
	} else {
		r.Args, err = ParseArgs(cmd, parent, raw)
	}
	if err != nil {
		return nil, err
	}
	return cmd, nil
}

// subNames lists a command's subcommands as commands to try.
func subNames(c *Command) string {
	names := make([]string, len(c.Subs))
	for i, s := range c.Subs {
		names[i] = cmdMarkerOf(c.Name + " " + s.Name)
	}
	return strings.Join(names, ", ")
}

// refusal is the polite message for a caller whose role may not act:
// what is a catalogue message ("core.refusal.do_that") with its data as
// pairs, saying what they may not do.
func refusal(what string, allowed Role, pairs ...any) error {
	var who []string
	if allowed.Has(RoleResident) {
		who = append(who, i18n.ID("core.refusal.residents"))
	}
	if allowed.Has(RoleMentor) {
		who = append(who, i18n.ID("core.refusal.mentors"))
	}
	if allowed.Has(RoleOperator) {
		who = append(who, i18n.ID("core.refusal.operators"))
	}
	whoIn := func(l Lang) string {
		names := make([]string, len(who))
		for i, id := range who {
			names[i] = l.T(id)
		}
		return listAnd(l, names)
	}
	return Fail(EForbidden, "core.refusal", "Who", Phrase(whoIn), "What", NewPhrase(what, pairs...))
}

// splitID splits a structured id "prefix:a:b" into its prefix and parts.
func splitID(id string) (string, []string) {
	parts := strings.Split(id, ":")
	return parts[0], parts[1:]
}

// Enqueue writes a message to the outbox in the request's transaction. A
// message whose Key was enqueued before is not written again; its id is
// returned.
func (r *Request) Enqueue(m *OutboxMessage) (int64, error) {
	id, _, err := r.enqueue(m)
	return id, err
}

// enqueueOnce is Enqueue reporting whether the message was written: false
// when its Key was enqueued before.
func (r *Request) enqueueOnce(m *OutboxMessage) (bool, error) {
	_, added, err := r.enqueue(m)
	return added, err
}

func (r *Request) enqueue(m *OutboxMessage) (int64, bool, error) {
	if m.HouseID == 0 && r.House != nil {
		m.HouseID = r.House.ID
	}
	if m.Platform == "" && r.House != nil {
		m.Platform = r.House.Platform
	}
	if m.Out.Lang == "" {
		l, err := r.targetLang(m.Out.Target)
		if err != nil {
			return 0, false, err
		}
		m.Out.Lang = l.Code()
	}
	m.CreatedAt, m.NextAt = r.Now, r.Now
	id, err := r.Tx.Enqueue(r.Ctx, m)
	switch {
	case errors.Is(err, ErrDuplicate):
		return id, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("enqueue: %w", err)
	}
	r.enqueued = true
	return id, true, nil
}

// targetLang is the language of a message's reader: the recipient's for
// a direct message, an ephemeral one or a home page (the house's for a
// recipient who is not a member), the house's for the rest.
func (r *Request) targetLang(t Target) (Lang, error) {
	switch t.Kind {
	case TargetDM, TargetEphemeral, TargetHome:
	default:
		return r.HouseLang(), nil
	}
	if t.User == "" {
		return r.HouseLang(), nil
	}
	return r.langOfUser(t.User)
}

// Post queues a message to the house channel.
func (r *Request) Post(m Message) (int64, error) {
	return r.Enqueue(&OutboxMessage{Out: Outgoing{Target: Target{Kind: TargetChannel, Channel: r.House.Channel}, Message: m}})
}

// DM queues a direct message to a user of the house.
func (r *Request) DM(userID string, m Message) (int64, error) {
	return r.DMAbout(userID, "", m)
}

// DMAbout queues a direct message of kind that names the people whose
// platform user ids are in about (OutboxMessage.About), so that erasing
// any of them finds it. The recipient need not be left out of about.
func (r *Request) DMAbout(userID string, kind MsgKind, m Message, about ...string) (int64, error) {
	named := slices.DeleteFunc(slices.Clone(about), func(id string) bool { return id == "" || id == userID })
	slices.Sort(named)
	named = slices.Compact(named)
	return r.Enqueue(&OutboxMessage{Kind: kind, About: named, Out: Outgoing{Target: Target{Kind: TargetDM, User: userID}, Message: m}})
}

// Audit writes an audit row for the caller.
func (r *Request) Audit(action, subject string) error {
	var hid int64
	if r.House != nil {
		hid = r.House.ID
	}
	return r.Tx.Audit(r.Ctx, AuditEntry{At: r.Now, HouseID: hid, Actor: r.Event.User.ID, Action: action, Subject: subject})
}

// Local returns t in the house's time zone.
func (r *Request) Local(t time.Time) time.Time { return t.In(r.House.Location) }
