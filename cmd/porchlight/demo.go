package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/porchlight/porchlight/adapters/console"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
	"github.com/porchlight/porchlight/scheduler"
)

// The demo's cast, all made up. The person at the keyboard is "you", a
// resident. Jordan is the House Mentor and Dana the operator; neither lives
// in the house, so neither checks in or is paired. Alex and Kim are your
// housemates: Alex answers each check-in on their own and shares it with
// the house; Kim stays quiet, so is nudged, then missed.
const (
	demoYou      = "you"
	demoMentor   = "jordan"
	demoOperator = "dana"
)

// demoUsers are the people of the demo house: you, your House Mentor, the
// operator, two housemates, and Jo, who is moving in: not joined at the
// start, so a script can show a newcomer's welcome. You are called You in
// the demo's language.
func demoUsers(l bot.Lang) []bot.User {
	return []bot.User{
		{ID: demoYou, Name: l.T("demo.you")},
		{ID: demoMentor, Name: "Jordan"},
		{ID: demoOperator, Name: "Dana"},
		{ID: "alex", Name: "Alex"},
		{ID: "kim", Name: "Kim"},
		{ID: "jo", Name: "Jo"},
	}
}

// demoResidents are the people who joined the house with consent: you and
// your two housemates.
func demoResidents() []bot.User { return demoResidentsIn(bot.SourceLang()) }

// demoResidentsIn is demoResidents with names in l.
func demoResidentsIn(l bot.Lang) []bot.User {
	u := demoUsers(l)
	return []bot.User{u[0], u[3], u[4]}
}

// housemate is a simulated resident's canned answer.
type housemate struct {
	user   bot.User
	values map[string]string
}

// demoHousemates are the simulated residents, whose answers are in l: the
// visibility as the form's choice reads in l, as a platform would send it.
func demoHousemates(l bot.Lang) []housemate {
	return []housemate{
		{demoResidentsIn(l)[1], map[string]string{bot.QMood: "3", "win": l.T("demo.alex.win"), "hard": l.T("demo.alex.hard"), bot.QReachOut: "no", bot.QVisibility: l.T("checkin.vis.house.option")}},
	}
}

// demoHouse is the demo house, in English.
func demoHouse(loc *time.Location) *bot.House { return demoHouseIn(loc, bot.SourceLang()) }

// demoHouseIn is the demo house speaking l: its name, its chores and its
// language.
func demoHouseIn(loc *time.Location, l bot.Lang) *bot.House {
	return &bot.House{
		Name: l.T("demo.house"), Platform: "console", Channel: "house", Location: loc, Locale: l.Code(),
		Operators: []string{demoOperator}, Mentors: []string{demoMentor},
		Checkin: bot.CheckinConfig{
			// Compressed for the demo: a round every 5 minutes, open for 4,
			// with a nudge after 1, so rounds never overlap. The first opens
			// within seconds: the next round, opened early.
			Schedules: []string{"*/5 * * * *"}, Window: 4 * time.Minute, ReminderAfter: time.Minute,
			DefaultVisibility: bot.VisMentors,
		},
		// Partners re-pair daily at noon and are nudged at :02, :12, …
		// (the demo pairs everyone at start, so there is a partner at once).
		Partners:      bot.PartnersConfig{Rotate: "0 12 * * *", Nudge: "2-59/10 * * * *", AvoidRepeatRounds: 3},
		Crisis:        bot.CrisisConfig{Resources: bot.DefaultCrisisResources(), EscalateAfter: 15 * time.Minute},
		RetentionDays: 180,

		// Meetings, newcomers and chores; the chores' first turn is on the
		// Tuesday, so the shorter scripts never reach it.
		Meetings:      bot.MeetingsConfig{PerWeek: 3, Kinds: bot.DefaultMeetingKinds(), Reminder: "0 18 * * 3"},
		MentorsOnDuty: []string{demoMentor},
		Chores: bot.ChoresConfig{Summary: "0 19 * * 0", List: []bot.Chore{
			{Name: l.T("demo.chore.kitchen"), Every: "0 9 * * 2", People: 2},
			{Name: l.T("demo.chore.trash"), Every: "0 9 * * 2", People: 1},
		}},
	}
}

// demoClock is the demo's clock: real time interactively, or a clock the
// script moves with ":advance". "porchlight run" uses it too under
// EnvTestClock, for the end-to-end tests.
type demoClock struct {
	mu     sync.Mutex
	offset time.Duration
	fixed  time.Time
}

func (c *demoClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.fixed.IsZero() {
		return c.fixed.Add(c.offset)
	}
	return time.Now().Add(c.offset)
}

func (c *demoClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

func cmdDemo(ctx context.Context, e env) int {
	fs := flags(e, "demo", "[--db FILE] [--locale CODE] [--script FILE [--start TIME]]", `Run Porchlight in this terminal with a demo house: you are a resident, Jordan
is your House Mentor, Dana the operator, and Alex and Kim are housemates. No
token, config or network is needed; everyone is made up.

Type /help to start; /checkin opens a check-in at once. Numbers pick the
numbered choices. Other lines:
  :as NAME        type as someone else (You, Jordan, Dana, Alex, Kim, or Jo,
                  who is moving in and has not joined yet)
  :advance 2h     move the demo clock forward and run what fell due
                  (1d, 1d2h and 2h30m work too)
  # text          a comment
When input is not a terminal (piped, or with --script), the lines are read
and echoed as a transcript, on a clock of the demo's own that only :advance
moves; at the end of the input the demo exits.`)
	dbPath := fs.String("db", "", "keep the demo database in `FILE` (default: a temporary file)")
	script := fs.String("script", "", "read input lines from `FILE` instead of the terminal")
	start := fs.String("start", "", "with a script, start the demo clock at `TIME` (RFC 3339, e.g. 2026-11-16T08:59:00-06:00)\nso that a transcript is the same on every run")
	logLevel := fs.String("log-level", "error", "log `level` on stderr: debug, info, warn or error")
	locale := fs.String("locale", i18n.Source, "the demo house's language: `CODE` is one of "+strings.Join(i18n.Default().Languages(), ", "))
	if code, ok := parse(fs, e); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return e.unexpected(fs)
	}
	if !i18n.Default().Has(*locale) {
		return e.usageError("--locale %q: Porchlight speaks %s", *locale, strings.Join(i18n.Default().Languages(), ", "))
	}
	log, err := newLogger(e.stderr, *logLevel, "text")
	if err != nil {
		return e.usageError("%v", err)
	}
	in := e.stdin
	// source says where the lines come from when it is not a person at a
	// terminal; the demo says so, so piped or empty input is not a mystery.
	source := ""
	if *script != "" {
		f, err := os.Open(*script)
		if err != nil {
			return e.usageError("%v", err)
		}
		defer f.Close()
		in, source = f, *script
	} else if !isTerminal(e.stdin) {
		source = i18n.Default().Lang(*locale).T("demo.source.stdin")
	}
	scripted := source != ""
	clock := &demoClock{}
	loc := time.Local
	if scripted {
		// A script runs on its own clock, so it plays the same at any speed.
		clock.fixed = time.Now().Truncate(time.Minute)
	}
	if *start != "" {
		t, err := time.Parse(time.RFC3339, *start)
		if err != nil || !scripted {
			return e.usageError("--start takes an RFC 3339 time (2026-11-16T08:59:00-06:00) and needs a script")
		}
		clock.fixed, loc = t, t.Location()
	}
	if *dbPath == "" {
		dir, err := os.MkdirTemp("", "porchlight-demo-")
		if err != nil {
			return e.fail(err)
		}
		defer os.RemoveAll(dir)
		*dbPath = filepath.Join(dir, "demo.db")
	}
	if err := runDemo(ctx, e.stdout, in, source, *dbPath, clock, loc, *locale, log); err != nil {
		return e.fail(err)
	}
	return exitOK
}

// runDemo plays the demo until the input ends or ctx does. source names
// where scripted input comes from; empty means a person at a terminal.
func runDemo(ctx context.Context, out io.Writer, in io.Reader, source, dbPath string, clock *demoClock, loc *time.Location, locale string, log *slog.Logger) error {
	l := i18n.Default().Lang(locale)
	house := demoHouseIn(loc, l)
	scripted := source != ""
	d := &demo{clock: clock, house: house, lang: l, scripted: scripted, log: log}
	con := console.New(in, out, console.Options{
		Channel: house.Channel, Users: demoUsers(l), Echo: scripted,
		Directive: d.directive, AfterLine: d.afterLine, Locale: locale,
	})
	d.con = &demoAdapter{Adapter: con, d: d}
	a, err := newApp(ctx, appOptions{dbPath: dbPath, houses: []*bot.House{house}, clock: clock, log: log, adapters: []bot.Adapter{d.con}, demo: true, manualJobs: true, manualSend: scripted})
	if err != nil {
		return err
	}
	d.app = a
	if err := d.seed(ctx); err != nil {
		return err
	}
	fmt.Fprint(out, bot.PlainText(l.T("demo.intro", "House", house.Name))+"\n\n")
	if scripted {
		fmt.Fprint(out, l.T("demo.reading", "Source", source)+"\n\n")
		d.flush(ctx) // the partners just paired, before the first line
	} else {
		go d.drive(ctx)
	}
	if err := a.serve(ctx); err != nil {
		return err
	}
	if scripted {
		fmt.Fprint(out, "\n"+l.T("demo.end")+"\n")
	}
	return nil
}

// demo drives the simulated housemates and the script directives.
type demo struct {
	app      *app
	con      *demoAdapter
	clock    *demoClock
	house    *bot.House
	lang     bot.Lang // the house's, for the demo's own words
	scripted bool
	log      *slog.Logger

	mu      sync.Mutex
	pending []int64 // rounds whose prompt the housemates have yet to answer
	n       int
}

// seed joins you and the housemates through the core, as if each had
// typed /join and agreed. The House Mentor and the operator hold their
// roles from the house's config, as in a real house, and do not join.
func (d *demo) seed(ctx context.Context) error {
	for _, u := range demoResidentsIn(d.lang) {
		d.n++
		ev := bot.Event{ID: fmt.Sprintf("seed-%d", d.n), Platform: "console", Kind: bot.EventAction, User: u, Channel: d.house.Channel,
			Action: &bot.ActionInput{ID: "join:accept"}}
		if resp := d.app.bot.Handle(ctx, ev); len(resp.Messages) == 0 {
			return fmt.Errorf("could not seed %s", u.Name)
		}
	}
	// Pair the housemates now rather than at the next rotation.
	return d.app.bot.RunJob(ctx, bot.JobPartnersRotate, d.house, d.clock.Now().Truncate(time.Second))
}

// drive runs the demo's schedule on the demo clock: the first round opens a
// few seconds in, so there is something to see at once, and then the keyed
// jobs run as they fall due (also after ":advance").
func (d *demo) drive(ctx context.Context) {
	select {
	case <-ctx.Done():
		return
	case <-time.After(3 * time.Second):
		d.openRound(ctx)
	}
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := d.app.bot.CatchUp(ctx); err != nil && ctx.Err() == nil {
				d.log.Error("demo jobs", "err", err)
			}
		}
	}
}

// openRound runs the next scheduled round now, early, so that nobody waits
// for the schedule. It is that run, keyed as the scheduler would key it, so
// it never overlaps the round after it and never opens twice.
func (d *demo) openRound(ctx context.Context) {
	now := d.clock.Now()
	next, err := scheduler.Specs{}.Next(d.house.Checkin.Schedules[0], d.house.Location, now)
	if err == nil {
		err = d.app.bot.RunJob(ctx, "checkin.open/0", d.house, next)
	}
	if err != nil {
		d.log.Error("demo round", "err", err)
	}
}

// directive handles ":advance DURATION", with its errors in the demo's
// language.
func (d *demo) directive(ctx context.Context, line string) (bool, error) {
	dur, ok, err := parseAdvance(line)
	switch {
	case !ok:
		return false, nil
	case err != nil && len(strings.Fields(line)) != 2:
		return true, errors.New(d.lang.T("demo.advance.usage"))
	case err != nil:
		return true, errors.New(d.lang.T("demo.advance.bad_span", "Span", strconv.Quote(strings.Fields(line)[1])))
	}
	d.clock.advance(dur)
	fmt.Fprintln(d.con.out(), d.lang.T("demo.later", "Span", formatSpan(dur)))
	// Run what fell due in the skipped time: keyed check-in runs (a round
	// that would already be closed is recorded as skipped), reminders and
	// closes.
	return true, d.app.bot.CatchUp(ctx)
}

// formatSpan writes a span as ":advance" reads it: 1d2h, 2h30m, 90s.
func formatSpan(d time.Duration) string {
	days := d / (24 * time.Hour)
	rest := d % (24 * time.Hour)
	s := ""
	if days > 0 {
		s = fmt.Sprintf("%dd", days)
	}
	if rest > 0 {
		r := rest.String() // 2h0m0s
		if strings.HasSuffix(r, "m0s") {
			r = strings.TrimSuffix(r, "0s")
		}
		if strings.HasSuffix(r, "h0m") {
			r = strings.TrimSuffix(r, "0m")
		}
		s += r
	}
	return s
}

// afterLine runs after each input line in a script: it delivers the outbox
// and lets housemates answer, so that a transcript reads in order.
func (d *demo) afterLine(ctx context.Context) {
	if !d.scripted {
		return
	}
	d.flush(ctx)
	d.answerPending(ctx)
	d.flush(ctx)
}

func (d *demo) flush(ctx context.Context) {
	if _, err := d.app.sender.Flush(ctx); err != nil {
		d.log.Error("demo flush", "err", err)
	}
}

// promptSeen is called when a check-in prompt reaches the console.
func (d *demo) promptSeen(ctx context.Context, round int64) {
	d.mu.Lock()
	d.pending = append(d.pending, round)
	d.mu.Unlock()
	if d.scripted {
		return // afterLine answers, in order
	}
	go func() {
		select {
		case <-ctx.Done():
		case <-time.After(4 * time.Second):
			d.answerPending(ctx)
		}
	}()
}

// answerPending makes the housemates answer the rounds they have seen.
func (d *demo) answerPending(ctx context.Context) {
	d.mu.Lock()
	rounds := d.pending
	d.pending = nil
	d.mu.Unlock()
	for _, round := range rounds {
		for _, hm := range demoHousemates(d.lang) {
			d.mu.Lock()
			d.n++
			id := fmt.Sprintf("housemate-%d", d.n)
			d.mu.Unlock()
			ev := bot.Event{ID: id, Platform: "console", Kind: bot.EventForm, User: hm.user, Channel: d.house.Channel,
				Form: &bot.FormInput{ID: fmt.Sprintf("checkin:%d", round), Values: hm.values}}
			d.app.bot.Handle(ctx, ev)
			fmt.Fprintln(d.con.out(), d.lang.T("demo.checked_in", "Name", hm.user.Name))
		}
	}
}

// demoAdapter is the console adapter, watching for check-in prompts so the
// simulated housemates can answer them.
type demoAdapter struct {
	*console.Adapter
	d *demo
}

func (a *demoAdapter) out() io.Writer { return a.Adapter.Output() }

// Send delivers through the console and notices check-in prompts.
func (a *demoAdapter) Send(ctx context.Context, m bot.Outgoing) (bot.MessageRef, error) {
	ref, err := a.Adapter.Send(ctx, m)
	if err == nil && m.Target.Kind == bot.TargetChannel {
		for _, c := range m.Choices {
			var round int64
			if _, scanErr := fmt.Sscanf(c.ID, "checkin:open:%d", &round); scanErr == nil {
				a.d.promptSeen(ctx, round)
			}
		}
	}
	return ref, err
}

// isTerminal reports whether r is an interactive terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
