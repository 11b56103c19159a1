package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/porchlight/porchlight/adapters/console"
	"github.com/porchlight/porchlight/bot"
)

// The demo house and its simulated housemates. The person at the keyboard
// is "you"; Sam is a House Mentor; Alex shares with the house; Kim is quiet
// and will be nudged, then missed. Jo is moving in: not joined at the
// start, so a script can show a newcomer's welcome.
func demoUsers() []bot.User {
	return []bot.User{{ID: "you", Name: "You"}, {ID: "sam", Name: "Sam"}, {ID: "alex", Name: "Alex"}, {ID: "kim", Name: "Kim"}, {ID: "jo", Name: "Jo"}}
}

// demoResidents are the users who have joined when the demo starts.
func demoResidents() []bot.User { return demoUsers()[:4] }

// housemate is a simulated resident's canned answer.
type housemate struct {
	user   bot.User
	values map[string]string
}

func demoHousemates() []housemate {
	return []housemate{
		{demoUsers()[1], map[string]string{bot.QMood: "4", "win": "Walked to the morning meeting", "hard": "", bot.QReachOut: "no", bot.QVisibility: "mentors"}},
		{demoUsers()[2], map[string]string{bot.QMood: "3", "win": "Cooked dinner for the house", "hard": "Missing my kids", bot.QReachOut: "no", bot.QVisibility: "house"}},
	}
}

func demoHouse(loc *time.Location) *bot.House {
	return &bot.House{
		Name: "Maple House (demo)", Platform: "console", Channel: "house", Location: loc,
		Operators: []string{"sam"}, Mentors: []string{"sam"},
		Checkin: bot.CheckinConfig{
			// Compressed for the demo: a round every 5 minutes, open for 4,
			// with a nudge after 1. The first round opens within seconds.
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
		MentorsOnDuty: []string{"sam"},
		Chores: bot.ChoresConfig{Summary: "0 19 * * 0", List: []bot.Chore{
			{Name: "Kitchen clean-up", Every: "0 9 * * 2", People: 2},
			{Name: "Take out the trash", Every: "0 9 * * 2", People: 1},
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
	fs := flags(e, "demo", "[--db FILE] [--script FILE]", `Run Porchlight in this terminal with a demo house, you as a resident and
three simulated housemates. No token, config or network is needed.

Type /help to start; /checkin opens a check-in at once. Numbers pick the
numbered choices. Other lines:
  :as NAME        act as a housemate (You, Sam the House Mentor, Alex, Kim,
                  or Jo, who is moving in and has not joined yet)
  :advance 2h     move the demo clock forward (runs reminders and closes)
  # text          a comment
When input is not a terminal (or with --script), lines are read until the
end of input and the demo exits.`)
	dbPath := fs.String("db", "", "keep the demo database in `FILE` (default: a temporary file)")
	script := fs.String("script", "", "read input lines from `FILE` instead of the terminal")
	start := fs.String("start", "", "with a script, start the demo clock at `TIME` (RFC 3339, e.g. 2026-11-16T08:59:00-06:00)\nso that a transcript is the same on every run")
	logLevel := fs.String("log-level", "error", "log `level` on stderr: debug, info, warn or error")
	if code, ok := parse(fs, e); !ok {
		return code
	}
	log, err := newLogger(e.stderr, *logLevel, "text")
	if err != nil {
		fmt.Fprintf(e.stderr, "porchlight demo: %v\n", err)
		return exitUsage
	}
	in := e.stdin
	scripted := *script != "" || !isTerminal(e.stdin)
	if *script != "" {
		f, err := os.Open(*script)
		if err != nil {
			fmt.Fprintf(e.stderr, "porchlight demo: %v\n", err)
			return exitUsage
		}
		defer f.Close()
		in = f
	}
	if *dbPath == "" {
		dir, err := os.MkdirTemp("", "porchlight-demo-")
		if err != nil {
			fmt.Fprintf(e.stderr, "porchlight demo: %v\n", err)
			return exitRuntime
		}
		defer os.RemoveAll(dir)
		*dbPath = filepath.Join(dir, "demo.db")
	}
	clock := &demoClock{}
	loc := time.Local
	if scripted {
		// A script runs on its own clock, so it plays the same at any speed.
		clock.fixed = time.Now().Truncate(time.Minute)
	}
	if *start != "" {
		t, err := time.Parse(time.RFC3339, *start)
		if err != nil || !scripted {
			fmt.Fprintf(e.stderr, "porchlight demo: --start takes an RFC 3339 time (2026-11-16T08:59:00-06:00) and needs a script\n")
			return exitUsage
		}
		clock.fixed, loc = t, t.Location()
	}
	return runDemo(ctx, e.stdout, in, *dbPath, clock, loc, scripted, log)
}

func runDemo(ctx context.Context, out io.Writer, in io.Reader, dbPath string, clock *demoClock, loc *time.Location, scripted bool, log *slog.Logger) int {
	house := demoHouse(loc)
	d := &demo{clock: clock, house: house, scripted: scripted, log: log}
	con := console.New(in, out, console.Options{
		Channel: house.Channel, Users: demoUsers(), Echo: scripted,
		Directive: d.directive, AfterLine: d.afterLine,
	})
	d.con = &demoAdapter{Adapter: con, d: d}
	a, err := newApp(ctx, appOptions{dbPath: dbPath, houses: []*bot.House{house}, clock: clock, log: log, adapters: []bot.Adapter{d.con}, demo: true, manualJobs: true})
	if err != nil {
		fmt.Fprintf(out, "porchlight demo: %v\n", err)
		return exitRuntime
	}
	d.app = a
	if err := d.seed(ctx); err != nil {
		fmt.Fprintf(out, "porchlight demo: %v\n", err)
		return exitRuntime
	}
	fmt.Fprintf(out, "Welcome to %s — a Porchlight demo in your terminal.\nYou are a resident; Sam is your House Mentor; Alex and Kim are housemates.\nType /help to see commands, or /checkin to check in now.\n\n", house.Name)
	if scripted {
		d.flush(ctx) // the partners just paired, before the first line
	}
	if !scripted {
		go d.drive(ctx)
	}
	if err := a.serve(ctx); err != nil {
		fmt.Fprintf(out, "porchlight demo: %v\n", err)
		return exitRuntime
	}
	return exitOK
}

// demo drives the simulated housemates and the script directives.
type demo struct {
	app      *app
	con      *demoAdapter
	clock    *demoClock
	house    *bot.House
	scripted bool
	log      *slog.Logger

	mu      sync.Mutex
	pending []int64 // rounds whose prompt the housemates have yet to answer
	n       int
}

// seed joins the user and the housemates through the core, as if each had
// typed /join and agreed.
func (d *demo) seed(ctx context.Context) error {
	for _, u := range demoResidents() {
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

// openRound opens a round now, as the demo's first scheduled run.
func (d *demo) openRound(ctx context.Context) {
	now := d.clock.Now().Truncate(time.Second)
	if err := d.app.bot.RunJob(ctx, "checkin.open/0", d.house, now); err != nil {
		d.log.Error("demo round", "err", err)
	}
}

// directive handles ":advance DURATION".
func (d *demo) directive(ctx context.Context, line string) (bool, error) {
	dur, ok, err := parseAdvance(line)
	if !ok || err != nil {
		return ok, err
	}
	d.clock.advance(dur)
	fmt.Fprintf(d.con.out(), "… %s later …\n", dur)
	// Run what fell due in the skipped time: keyed check-in runs (a round
	// that would already be closed is recorded as skipped), reminders and
	// closes.
	return true, d.app.bot.CatchUp(ctx)
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
		for _, hm := range demoHousemates() {
			d.mu.Lock()
			d.n++
			id := fmt.Sprintf("housemate-%d", d.n)
			d.mu.Unlock()
			ev := bot.Event{ID: id, Platform: "console", Kind: bot.EventForm, User: hm.user, Channel: d.house.Channel,
				Form: &bot.FormInput{ID: fmt.Sprintf("checkin:%d", round), Values: hm.values}}
			d.app.bot.Handle(ctx, ev)
			fmt.Fprintf(d.con.out(), "(%s checked in.)\n", hm.user.Name)
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
