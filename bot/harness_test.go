package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/bot/bottest"
	"github.com/porchlight/porchlight/outbox"
	"github.com/porchlight/porchlight/render"
	"github.com/porchlight/porchlight/storage"
	"github.com/porchlight/porchlight/storage/storagetest"
)

// People of the test house. No real personal data.
var (
	robin  = bot.User{ID: "U-robin", Name: "Robin"}
	casey  = bot.User{ID: "U-casey", Name: "Casey"}
	jamie  = bot.User{ID: "U-jamie", Name: "Jamie"}
	mentor = bot.User{ID: "U-mentor", Name: "Morgan"}
	owner  = bot.User{ID: "U-owner", Name: "Olive"}
	guest  = bot.User{ID: "U-guest", Name: "Gale"}
)

// harness is a core wired to real SQLite, a fake clock and a recording
// adapter.
type harness struct {
	t      *testing.T
	ctx    context.Context
	db     *storage.DB
	bot    *bot.Bot
	clock  *bottest.Clock
	ad     *bottest.Adapter
	ev     *bottest.Events
	sender *outbox.Sender
	house  *bot.House
	// lastPrompt is the latest check-in prompt seen by prompt().
	lastPrompt *bot.Outgoing
}

// start is the harness's initial time: Monday 2026-11-16 08:00 in Chicago.
var chicago = mustLoc("America/Chicago")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func testHouse() *bot.House {
	return &bot.House{
		Name: "Cedar House", Platform: "test", Channel: "C-house", Location: chicago,
		Operators: []string{owner.ID}, Mentors: []string{mentor.ID},
		Checkin: bot.CheckinConfig{
			Schedules: []string{"0 9 * * *"}, Window: 4 * time.Hour, ReminderAfter: 2 * time.Hour,
			DefaultVisibility: bot.VisMentors, SkipDates: []string{"2026-12-25"},
		},
		Crisis:        bot.CrisisConfig{EscalateAfter: 15 * time.Minute},
		RetentionDays: 180,
	}
}

// dailyAt9 is a Schedules for "0 9 * * *" only, so core tests need no
// scheduler.
type dailyAt9 struct{}

func (dailyAt9) Next(_ string, loc *time.Location, after time.Time) (time.Time, error) {
	a := after.In(loc)
	t := time.Date(a.Year(), a.Month(), a.Day(), 9, 0, 0, 0, loc)
	if !t.After(after) {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

func (s dailyAt9) Missed(spec string, loc *time.Location, last, now time.Time) ([]time.Time, error) {
	var out []time.Time
	for t, _ := s.Next(spec, loc, last); !t.After(now); t, _ = s.Next(spec, loc, t) {
		out = append(out, t)
	}
	return out, nil
}

func newHarness(t *testing.T, opts ...func(*bot.House)) *harness {
	t.Helper()
	return newHarnessDB(t, storagetest.Open(t), time.Date(2026, 11, 16, 8, 0, 0, 0, chicago), opts...)
}

func newHarnessDB(t *testing.T, db *storage.DB, now time.Time, opts ...func(*bot.House)) *harness {
	t.Helper()
	house := testHouse()
	for _, o := range opts {
		o(house)
	}
	return newHarnessHouses(t, db, now, house)
}

// newHarnessHouses is a harness with several houses on the test platform;
// h.house is the first, and events happen in its channel.
func newHarnessHouses(t *testing.T, db *storage.DB, now time.Time, houses ...*bot.House) *harness {
	t.Helper()
	return newHarnessWith(t, db, now, nil, houses...)
}

// newHarnessWith is newHarnessHouses with a change to the core's config,
// such as a chart renderer.
func newHarnessWith(t *testing.T, db *storage.DB, now time.Time, config func(*bot.Config), houses ...*bot.House) *harness {
	t.Helper()
	h := &harness{t: t, ctx: context.Background(), db: db, clock: bottest.NewClock(now), ad: bottest.NewAdapter("test"), house: houses[0]}
	cfg := bot.Config{Store: db, Clock: h.clock, Houses: houses, Schedules: dailyAt9{}, Screener: sharedScreener(t), DigestText: render.DigestText}
	if config != nil {
		config(&cfg)
	}
	b, err := bot.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Start(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.bot = b
	h.ev = &bottest.Events{Platform: "test", Channel: h.house.Channel, FormLimit: 5}
	h.sender = outbox.NewSender(db, h.clock, nil, h.ad)
	h.sender.OnUndeliverable = b.Undeliverable
	return h
}

// do handles an event and returns what its actor sees privately: the
// response, then the direct messages the event sent them through the
// outbox (a reply to words of concern goes that way), delivered here.
func (h *harness) do(ev bot.Event) bot.Response {
	h.t.Helper()
	before := len(h.ad.To(ev.User.ID))
	resp := h.bot.Handle(h.ctx, ev)
	h.flush()
	for _, m := range h.ad.To(ev.User.ID)[before:] {
		resp.Messages = append(resp.Messages, m.Message)
	}
	return resp
}

// join makes users members through /join and the consent button.
func (h *harness) join(users ...bot.User) {
	h.t.Helper()
	for _, u := range users {
		resp := h.do(h.ev.Command(u, "join", ""))
		if len(resp.Messages) != 1 || len(resp.Messages[0].Choices) != 2 {
			h.t.Fatalf("/join: got %+v, want the consent text with two choices", resp)
		}
		resp = h.do(h.ev.Press(u, resp.Messages[0].Choices[0].ID, ""))
		// The welcome, in English or in a Spanish house's Spanish.
		if got := text(resp); !strings.Contains(got, "Welcome") && !strings.Contains(got, "bienvenida") {
			h.t.Fatalf("join accept: got %q", text(resp))
		}
	}
}

// flush delivers the outbox.
// wantAudit checks how many audit entries of each action are stored.
func (h *harness) wantAudit(want map[string]int) {
	h.t.Helper()
	for action, n := range want {
		if got, err := h.db.CountAudit(h.ctx, action); err != nil || got != n {
			h.t.Errorf("audit %s = %d, %v; want %d", action, got, err, n)
		}
	}
}

func (h *harness) flush() {
	h.t.Helper()
	if _, err := h.sender.Flush(h.ctx); err != nil {
		h.t.Fatal(err)
	}
}

// at9 is 09:00 Chicago on the harness's first day plus days.
func at9(days int) time.Time { return time.Date(2026, 11, 16+days, 9, 0, 0, 0, chicago) }

// openRound sets the clock and runs the day's check-in job.
func (h *harness) openRound(at time.Time) {
	h.t.Helper()
	if err := h.bot.RunJob(h.ctx, "checkin.open/0", h.house, at); err != nil {
		h.t.Fatal(err)
	}
}

// prompt returns the latest check-in prompt posted in the channel. It
// remembers the prompt, so tests may reset the recorder after it was posted.
func (h *harness) prompt() bot.Outgoing {
	h.t.Helper()
	posts := h.ad.InChannel(h.house.Channel)
	for i := len(posts) - 1; i >= 0; i-- {
		if len(posts[i].Choices) > 0 && strings.HasPrefix(posts[i].Choices[0].ID, "checkin:open:") {
			h.lastPrompt = &posts[i]
			return posts[i]
		}
	}
	if h.lastPrompt != nil {
		return *h.lastPrompt
	}
	h.t.Fatalf("no check-in prompt posted; channel has %d posts", len(posts))
	return bot.Outgoing{}
}

// text is a response's text as the console shows commands, so that tests
// read "/join" where the core wrote bot.Cmd("join").
func text(r bot.Response) string { return bot.Naming{}.Render(strings.Join(bottest.Texts(r), "\n")) }

func texts(ms []bot.Outgoing) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, bot.Naming{}.Render(m.Text))
	}
	return strings.Join(parts, "\n---\n")
}

// screenerOnce compiles the built-in screener once for all core tests:
// compiling it for every harness would dominate the run under -race.
var screenerOnce = sync.OnceValues(func() (*bot.Screener, error) { return bot.NewScreener(bot.ScreenPhrases{}) })

func sharedScreener(t testing.TB) *bot.Screener {
	t.Helper()
	s, err := screenerOnce()
	if err != nil {
		t.Fatal(err)
	}
	return s
}
