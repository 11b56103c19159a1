package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage"
)

// The crash tests kill "porchlight run" with SIGKILL at random points of
// a check-in round's fan-out (the reminders it DMs every resident) and of a
// burst of answers, restart it on the same database and the same fake
// platform, and check the promises residents rely on:
//
//   - no acknowledged answer is lost: every answer the platform saw
//     acknowledged is in the database;
//   - no message is created twice on the platform: no outbox key (Discord
//     nonce, Slack metadata) twice, and no text twice to the same place;
//   - no round is doubled: one prompt per round, one round per hour;
//   - and, once the bot has run in peace, every outbox message is sent,
//     and is on the platform.
//
// go test ./cmd/porchlight -run TestCrash -kills 200 runs longer; -seed N
// replays a run whose seed a failure printed.
var (
	crashKills = flag.Int("kills", 10, "SIGKILLs per platform in TestCrash*")
	crashSeed  = flag.Uint64("seed", 0, "seed of TestCrash*'s kill points; 0 picks one (printed)")
)

// The crash tests' house: three residents and a mentor, an hourly check-in
// whose reminders go out ten minutes in and which closes at fifty.
const (
	crashResidents = 3
	crashSchedule  = "0 * * * *"
	crashReminder  = 10 * time.Minute
	crashWindow    = 50 * time.Minute
)

// crashPlatform drives one fake platform for the crash test.
type crashPlatform interface {
	// name is the platform's name in the config and the database.
	name() string
	// setup returns the config's platform section and house lines, and
	// the environment with the tokens.
	setup(t *testing.T) (section, house string, env []string)
	// connected waits until the n-th process is connected.
	connected(t *testing.T, n int)
	// join makes a user a resident: /join, then agree.
	join(t *testing.T, user string)
	// baseline marks the messages on the platform so far (the joins') as
	// outside the checks.
	baseline()
	// residents and mentor are the platform user ids.
	residents() []string
	mentor() string
	// prompts lists the check-in prompts in the house channel, in order.
	prompts() []crashPrompt
	// reminders counts the reminder DMs of round on the platform.
	reminders(round int64) int
	// reminderSent returns as soon as the platform has answered the n-th
	// post of a reminder of round, so that a kill then lands between the
	// platform taking a message and the bot recording it.
	reminderSent(t *testing.T, round int64, n int)
	// prepare readies the residents' answers to round (Slack opens the
	// forms first).
	prepare(t *testing.T, round int64)
	// submit sends a resident's answer and returns what acked reads.
	submit(t *testing.T, round int64, user string) string
	// acked reports whether the platform saw the answer acknowledged.
	acked(id string) bool
	// summaries counts the closing summaries DMed to the mentor.
	summaries() int
	// check returns the duplicates on the platform, by key and by text and
	// place.
	check(t *testing.T) []string
	// has reports whether a message with this ref is on the platform.
	has(ref bot.MessageRef) bool
}

// crashPrompt is a round's prompt on the platform: the round id and the
// message's id (Discord) or ts (Slack).
type crashPrompt struct {
	round int64
	ref   string
}

// newPrompt waits for the prompt of a round not in seen and returns the
// round id.
func newPrompt(t *testing.T, p crashPlatform, seen map[int64]bool) int64 {
	t.Helper()
	var round int64
	eventually(t, "a new round's prompt", func() bool {
		for _, pr := range p.prompts() {
			if !seen[pr.round] {
				round = pr.round
				return true
			}
		}
		return false
	})
	return round
}

// promptRef returns the message id or ts of a round's prompt.
func promptRef(p crashPlatform, round int64) string {
	for _, pr := range p.prompts() {
		if pr.round == round {
			return pr.ref
		}
	}
	return ""
}

// virtualClock is the time of the bot's test clock, kept by the test: it
// runs at wall speed and jumps with each advance, across restarts. The
// fake Slack stamps messages with it, so the bot's history lookups mean
// what they mean on Slack.
type virtualClock struct {
	mu   sync.Mutex
	base time.Time // the virtual time at real
	real time.Time
}

func newVirtualClock(start time.Time) *virtualClock {
	return &virtualClock{base: start, real: time.Now()}
}

// Now returns the virtual time.
func (c *virtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base.Add(time.Since(c.real))
}

// add moves the virtual time forward.
func (c *virtualClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.base = c.base.Add(d)
}

// eventually polls cond until it holds or e2eWait passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(e2eWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", e2eWait, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// crashSeedFor returns the run's seed and logs it for a replay.
func crashSeedFor(t *testing.T) uint64 {
	seed := *crashSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay: go test ./cmd/porchlight -run '%s$' -kills %d -seed %d)", seed, t.Name(), *crashKills, seed)
	return seed
}

// runCrash runs the crash test on one platform.
func runCrash(t *testing.T, p crashPlatform, clock *virtualClock) {
	if testing.Short() {
		t.Skip("builds and runs the binary, and kills it")
	}
	rng := rand.New(rand.NewPCG(crashSeedFor(t), 0))
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "porchlight.db")
	cfgPath := filepath.Join(dir, "porchlight.toml")
	section, house, env := p.setup(t)
	cfg := fmt.Sprintf(`
[storage]
path = %q

%s

[[house]]
name = "Maple House"
timezone = "America/Chicago"
mentors = [%q]
operators = [%q]
%s

[house.checkin]
schedule = [%q]
window = %q
reminder_after = %q
`, dbPath, section, p.mentor(), p.mentor(), house, crashSchedule, crashWindow, crashReminder)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	starts := 0
	var proc *porchlightProc
	start := func() {
		t.Helper()
		starts++
		proc = launchPorchlight(t, cfgPath, clock.Now().Format(time.RFC3339Nano), env...)
		p.connected(t, starts)
	}
	advance := func(d time.Duration) {
		clock.add(d)
		proc.advance(d)
	}
	crash := func(why string) {
		t.Helper()
		proc.kill()
		t.Logf("killed %s; restarting", why)
		start()
	}

	start()
	for _, u := range p.residents() {
		p.join(t, u)
	}
	p.baseline()
	// The clock starts at 13:58; each round opens on the hour.
	advance(2 * time.Minute)
	seen := map[int64]bool{}
	var answers []crashAnswer
	for k := range *crashKills {
		round := newPrompt(t, p, seen)
		seen[round] = true
		advance(crashReminder)
		if k%2 == 0 {
			// Killed after a random number of the reminders are on the
			// platform: before the first, between two, or after the last
			// (but maybe before its delivery was recorded).
			n := rng.IntN(crashResidents + 1)
			if n > 0 {
				p.reminderSent(t, round, n)
			}
			time.Sleep(time.Duration(rng.IntN(1000)) * time.Microsecond)
			crash(fmt.Sprintf("after %d of round %d's reminders", n, round))
		}
		eventually(t, fmt.Sprintf("the reminders of round %d", round), func() bool { return p.reminders(round) >= crashResidents })
		p.prepare(t, round)
		var ids []string
		for _, u := range p.residents() {
			id := p.submit(t, round, u)
			ids = append(ids, id)
			answers = append(answers, crashAnswer{round: round, user: u, id: id})
		}
		if k%2 == 1 {
			// Killed after a random number of the answers were
			// acknowledged.
			n := rng.IntN(crashResidents + 1)
			eventually(t, fmt.Sprintf("%d acknowledged answers to round %d", n, round), func() bool {
				acked := 0
				for _, id := range ids {
					if p.acked(id) {
						acked++
					}
				}
				return acked >= n
			})
			time.Sleep(time.Duration(rng.IntN(1000)) * time.Microsecond)
			crash(fmt.Sprintf("after %d of round %d's answers were acknowledged", n, round))
			// Those who saw no acknowledgement send their answer again,
			// as a resident would.
			for i, u := range p.residents() {
				if !p.acked(ids[i]) {
					ids[i] = p.submit(t, round, u)
					answers = append(answers, crashAnswer{round: round, user: u, id: ids[i]})
				}
			}
		}
		eventually(t, fmt.Sprintf("the acknowledged answers to round %d", round), func() bool {
			for _, id := range ids {
				if !p.acked(id) {
					return false
				}
			}
			return true
		})
		advance(crashWindow - crashReminder)
		eventually(t, fmt.Sprintf("the summary of round %d", round), func() bool { return p.summaries() > k })
		if k < *crashKills-1 {
			advance(time.Hour - crashWindow)
		}
	}
	// Pages changed by the last answers and the summary are refreshed
	// after a short wait (Slack's App Home): move past it, so that those
	// refreshes are sent too.
	advance(time.Minute)
	waitOutboxEmpty(t, dbPath, clock.Now)
	proc.stop()

	for _, d := range p.check(t) {
		t.Errorf("created twice on the platform: %s", d)
	}
	prompts := map[int64]int{}
	for _, pr := range p.prompts() {
		prompts[pr.round]++
	}
	for round, n := range prompts {
		if n != 1 {
			t.Errorf("round %d has %d prompts, want 1", round, n)
		}
	}
	checkCrashDB(t, dbPath, p, answers, len(seen), len(prompts))
}

// crashAnswer is one answer the test sent.
type crashAnswer struct {
	round int64
	user  string
	id    string
}

// waitOutboxEmpty waits until the running bot has sent every outbox
// message, reading the database as a second process would. A home page
// refresh queued for later than the bot's clock (now) does not count: it
// waits by design, and is built afresh whenever it goes.
func waitOutboxEmpty(t *testing.T, dbPath string, now func() time.Time) {
	t.Helper()
	db := openRaw(t, dbPath)
	eventually(t, "an empty outbox", func() bool {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM outbox WHERE status = 'pending'
			AND NOT (target_kind = 'home' AND next_at > ?)`, now().Unix()).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 0
	})
}

// openRaw opens the database read-only with database/sql, beside a
// running bot, for the counts no store method gives.
func openRaw(t *testing.T, dbPath string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(5000)&_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// checkCrashDB checks the database after the run: every acknowledged
// answer is there, one round per hour, and every outbox message was
// delivered once and is on the platform.
func checkCrashDB(t *testing.T, dbPath string, p crashPlatform, answers []crashAnswer, rounds, prompted int) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	platform := p.name()
	acked := 0
	err = db.View(ctx, func(tx bot.Tx) error {
		for _, a := range answers {
			if !p.acked(a.id) {
				continue
			}
			acked++
			ms, err := tx.MembershipsOf(ctx, platform, a.user)
			if err != nil || len(ms) != 1 {
				return fmt.Errorf("memberships of %s: %d, %v", a.user, len(ms), err)
			}
			if _, err := tx.AnswerOf(ctx, a.round, ms[0].ID); err != nil {
				t.Errorf("the acknowledged answer of %s to round %d is lost: %v", a.user, a.round, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if acked < len(answers)/2 {
		t.Errorf("only %d of %d answers were acknowledged; the test checked too little", acked, len(answers))
	}
	raw := openRaw(t, dbPath)
	var opened, sameHour int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM checkin_rounds WHERE status <> 'skipped'`).Scan(&opened); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT COUNT(*) FROM (SELECT scheduled_for FROM checkin_rounds GROUP BY house_id, scheduled_for HAVING COUNT(*) > 1)`).Scan(&sameHour); err != nil {
		t.Fatal(err)
	}
	if opened != rounds || prompted != rounds || sameHour != 0 {
		t.Errorf("rounds opened %d, prompted on the platform %d, hours with two rounds %d; want %d, %d, 0", opened, prompted, sameHour, rounds, rounds)
	}
	rows, err := raw.Query(`SELECT id, status, ref_channel, ref_id FROM outbox WHERE edit_of IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	sent := 0
	for rows.Next() {
		var id int64
		var status string
		var ref bot.MessageRef
		if err := rows.Scan(&id, &status, &ref.Channel, &ref.ID); err != nil {
			t.Fatal(err)
		}
		switch {
		case status != bot.OutboxSent:
			t.Errorf("outbox message %d is %s, want sent", id, status)
		case ref.ID != "" && !p.has(ref):
			t.Errorf("outbox message %d was recorded sent as %+v, which is not on the platform", id, ref)
		default:
			sent++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rounds, %d answers acknowledged of %d sent, %d outbox messages delivered once each", rounds, acked, len(answers), sent)
}

// roundOf reads the round id out of a check-in custom or action id
// ("checkin:open:12"), or 0.
func roundOf(id string) int64 {
	m := regexp.MustCompile(`checkin:open:([0-9]+)`).FindStringSubmatch(id)
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}
