package bot_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/render"
	"github.com/porchlight/porchlight/storage/storagetest"
)

func TestRoleGrantAndRemove(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	answersCmd := func(u bot.User) string { return text(h.do(h.ev.Command(u, "checkin", "answers"))) }
	if got := answersCmd(casey); !strings.Contains(got, "House Mentor") {
		t.Fatalf("resident listing answers = %q, want a refusal naming who can", got)
	}
	// Only operators grant roles; a mentor cannot make another mentor.
	for _, u := range []bot.User{robin, mentor} {
		if got := text(h.do(h.ev.Command(u, "role", "mentor <@"+casey.ID+">"))); !strings.Contains(got, "operator") {
			t.Errorf("/role by %s = %q, want a refusal naming operators", u.Name, got)
		}
	}
	if got := text(h.do(h.ev.Command(owner, "role", "mentor <@"+casey.ID+">"))); got != "Casey is now a House Mentor of Cedar House." {
		t.Fatalf("grant = %q, want Casey named by her house name", got)
	}
	h.flush()
	if got := h.ad.To(casey.ID); len(got) != 1 || !strings.Contains(got[0].Text, "House Mentor") {
		t.Errorf("DMs to the new mentor = %s", texts(got))
	}
	if got := answersCmd(casey); strings.Contains(got, "can do that") || strings.Contains(got, "Only") {
		t.Errorf("new mentor listing answers = %q, want it allowed", got)
	}
	if got := text(h.do(h.ev.Command(owner, "role", "remove <@"+mentor.ID+">"))); !strings.Contains(got, "config") {
		t.Errorf("removing a config mentor = %q, want it refused with the reason", got)
	}
	if got := text(h.do(h.ev.Command(owner, "role", "remove <@"+casey.ID+">"))); got != "Casey is no longer a House Mentor of Cedar House." {
		t.Fatalf("remove = %q", got)
	}
	if got := answersCmd(casey); !strings.Contains(got, "House Mentor") {
		t.Errorf("after removal, listing answers = %q, want a refusal", got)
	}
	h.wantAudit(map[string]int{"role.grant": 1, "role.revoke": 1})
	// Someone who never joined is named as the platform named them with
	// the command, or else by a mention (which Discord and Slack show as a
	// name).
	ev := h.ev.Command(owner, "role", "mentor <@"+jamie.ID+">")
	ev.Command.Names = map[string]string{jamie.ID: "Jamie G."}
	if got := text(h.do(ev)); got != "Jamie G. is now a House Mentor of Cedar House." {
		t.Errorf("grant to someone who never joined = %q", got)
	}
	if got := text(h.do(h.ev.Command(owner, "role", "remove <@"+jamie.ID+">"))); got != "<@U-jamie> is no longer a House Mentor of Cedar House." {
		t.Errorf("remove without a name = %q", got)
	}
}

// crisisAlert has robin say something in crisis by DM and accept the offer
// to alert the mentors.
func crisisAlert(t *testing.T, h *harness) {
	t.Helper()
	resp := h.do(h.ev.DM(robin, "I don't want to be alive anymore"))
	var alert string
	for _, m := range resp.Messages {
		for _, c := range m.Choices {
			if strings.HasPrefix(c.ID, "crisis:alert:") {
				alert = c.ID
			}
		}
	}
	if alert == "" || !strings.Contains(text(resp), "988") {
		t.Fatalf("crisis reply = %q, want resources and the offer", text(resp))
	}
	h.do(h.ev.Press(robin, alert, ""))
	h.flush()
}

func TestCrisisAlertEscalatesWithoutAck(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	crisisAlert(t, h)
	got := h.ad.To(mentor.ID)
	if len(got) != 1 || !strings.Contains(got[0].Text, "Robin") || len(got[0].Choices) != 1 {
		t.Fatalf("mentor alert = %s, want one naming Robin with an I'm-on-it button", texts(got))
	}
	if strings.Contains(got[0].Text, "alive") {
		t.Error("the alert quotes the resident's words")
	}
	if posts := h.ad.InChannel(h.house.Channel); len(posts) != 0 {
		t.Errorf("crisis posted to the group: %s", texts(posts))
	}
	h.ad.Reset()
	h.clock.Set(at9(0).Add(14 * time.Minute))
	if err := h.bot.Tick(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()
	if got := h.ad.To(owner.ID); len(got) != 0 {
		t.Fatalf("escalated before escalate_after: %s", texts(got))
	}
	h.clock.Set(at9(0).Add(15 * time.Minute))
	for range 2 { // the second tick escalates nothing again
		if err := h.bot.Tick(h.ctx); err != nil {
			t.Fatal(err)
		}
	}
	h.flush()
	esc := h.ad.To(owner.ID)
	if len(esc) != 1 || !strings.Contains(esc[0].Text, "Robin") || !strings.Contains(esc[0].Text, "No House Mentor has responded") {
		t.Fatalf("operator escalation = %s, want one", texts(esc))
	}
	// The operator can acknowledge it; the resident hears someone is coming.
	if got := text(h.do(h.ev.Press(owner, esc[0].Choices[0].ID, ""))); !strings.Contains(got, "reach out to *Robin*") {
		t.Errorf("operator ack = %q", got)
	}
	h.flush()
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "on it") {
		t.Errorf("resident told = %s", texts(got))
	}
}

func TestCrisisAckStopsEscalation(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	h.clock.Set(at9(0))
	crisisAlert(t, h)
	alert := h.ad.To(mentor.ID)[0]
	// A resident cannot acknowledge by replaying the button.
	if got := text(h.do(h.ev.Press(casey, alert.Choices[0].ID, ""))); !strings.Contains(got, "House Mentor") {
		t.Errorf("resident ack = %q, want a refusal", got)
	}
	if got := text(h.do(h.ev.Press(mentor, alert.Choices[0].ID, ""))); !strings.Contains(got, "Thank you") {
		t.Fatalf("mentor ack = %q", got)
	}
	if got := text(h.do(h.ev.Press(mentor, alert.Choices[0].ID, ""))); !strings.Contains(got, "already on it") {
		t.Errorf("second ack = %q, want already on it", got)
	}
	h.flush()
	h.ad.Reset()
	h.clock.Set(at9(0).Add(time.Hour))
	if err := h.bot.Tick(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()
	if got := h.ad.To(owner.ID); len(got) != 0 {
		t.Errorf("an acknowledged alert escalated: %s", texts(got))
	}
}

func TestMydataExportAndErase(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.answer(robin, vals("3", "Made my bed", "Sleep", "no", "private"))
	h.answer(casey, vals("4", "", "", "no", "mentors"))
	h.flush()
	h.ad.Reset()

	if got := text(h.do(h.ev.Command(robin, "mydata", "export"))); !strings.Contains(got, "direct message") {
		t.Fatalf("export = %q", got)
	}
	h.flush()
	dm := h.ad.To(robin.ID)
	if len(dm) != 1 || dm[0].Attachment == nil || dm[0].Target.Kind != bot.TargetDM {
		t.Fatalf("export DMs = %+v, want one with a file", dm)
	}
	var data struct {
		House  string `json:"house"`
		Member struct {
			UserID string `json:"user_id"`
		} `json:"member"`
		Answers []struct {
			Values map[string]string `json:"values"`
		} `json:"checkin_answers"`
	}
	if err := json.Unmarshal(dm[0].Attachment.Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.Member.UserID != robin.ID || len(data.Answers) != 1 || data.Answers[0].Values["win"] != "Made my bed" {
		t.Errorf("export = %s", dm[0].Attachment.Data)
	}
	if strings.Contains(string(dm[0].Attachment.Data), casey.ID) {
		t.Error("the export holds another resident's data")
	}

	resp := h.do(h.ev.Command(robin, "mydata", "erase"))
	if len(resp.Messages) != 1 || len(resp.Messages[0].Choices) != 2 {
		t.Fatalf("erase = %+v, want a confirmation", resp)
	}
	confirm := resp.Messages[0].Choices[0].ID
	// Casey replaying Robin's button erases nothing.
	h.do(h.ev.Press(casey, confirm, ""))
	if _, err := memberOf(h, robin); err != nil {
		t.Fatalf("someone else's press erased Robin: %v", err)
	}
	if _, err := memberOf(h, casey); err != nil {
		t.Fatalf("Casey's press erased Casey without her confirmation: %v", err)
	}
	if got := text(h.do(h.ev.Press(robin, confirm, ""))); !strings.Contains(got, "erased") {
		t.Fatalf("confirm = %q", got)
	}
	if _, err := memberOf(h, robin); err == nil {
		t.Error("Robin's profile is still stored")
	}
	if got := text(h.do(h.ev.Command(robin, "checkin", "history"))); strings.Contains(got, "Made my bed") {
		t.Errorf("history after erase = %q", got)
	}
	if got := text(h.do(h.ev.Command(robin, "mydata", "export"))); !strings.Contains(got, "don't have anything") {
		t.Errorf("export after erase = %q", got)
	}
	h.wantAudit(map[string]int{"data.export": 1, "data.erase": 1})
}

func TestRetentionRedactsOldFreeText(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.answer(robin, vals("2", "Called my sponsor", "Nights", "no", "house"))
	h.flush() // the share is posted: its text is in the outbox
	h.clock.Set(at9(1))
	h.openRound(at9(1))
	h.flush()
	h.answer(robin, vals("4", "Newer win", "", "no", "mentors"))

	run := func(day int) {
		t.Helper()
		at := time.Date(2026, 11, 16+day, 3, 30, 0, 0, chicago)
		h.clock.Set(at)
		if err := h.bot.RunJob(h.ctx, bot.JobRetention, h.house, at); err != nil {
			t.Fatal(err)
		}
	}
	run(180) // the first answer is 179 days and 18.5 hours old: kept
	if n := outboxWith(t, h, "Called my sponsor"); n != 1 {
		t.Fatalf("the share's outbox row = %d, want it kept until retention", n)
	}
	hist := text(h.do(h.ev.Command(robin, "checkin", "history")))
	if !strings.Contains(hist, "Called my sponsor") {
		t.Fatalf("redacted too early: %q", hist)
	}
	run(181)
	hist = text(h.do(h.ev.Command(robin, "checkin", "history")))
	if strings.Contains(hist, "Called my sponsor") || strings.Contains(hist, "Nights") {
		t.Errorf("old free text survived retention: %q", hist)
	}
	if n := outboxWith(t, h, "Called my sponsor"); n != 0 {
		t.Errorf("%d delivered message(s) still hold the old share's text", n)
	}
	for _, want := range []string{"mood 2", "Newer win"} {
		if !strings.Contains(hist, want) {
			t.Errorf("history lacks %q after retention: %q", want, hist)
		}
	}
}

// TestRetentionNightIsOneWrite checks that an ordinary night of the
// retention job, a day's answers to redact and delivered messages to
// delete, is one write transaction, its steps and the run's record
// together; and that a second call for the same night writes nothing.
func TestRetentionNightIsOneWrite(t *testing.T) {
	db := storagetest.Open(t)
	h := newHarnessHouses(t, db, time.Date(2026, 11, 16, 8, 0, 0, 0, chicago), testHouse())
	h.join(robin, casey)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.answer(robin, vals("2", "Called my sponsor", "Nights", "no", "house"))
	h.answer(casey, vals("3", "Walked the dog", "", "no", "mentors"))
	h.flush()

	store := &countingStore{DB: db}
	b, err := bot.New(bot.Config{Store: store, Clock: h.clock, Houses: []*bot.House{testHouse()}, Schedules: dailyAt9{}, Screener: sharedScreener(t), DigestText: render.DigestText})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 16+181, 3, 30, 0, 0, chicago)
	h.clock.Set(at)
	for i, want := range []int64{1, 0} {
		before := store.updates.Load()
		if err := b.RunJob(h.ctx, bot.JobRetention, h.house, at); err != nil {
			t.Fatal(err)
		}
		if got := store.updates.Load() - before; got != want {
			t.Errorf("retention run %d: %d write transactions, want %d", i+1, got, want)
		}
	}
	if n := outboxWith(t, h, "Called my sponsor"); n != 0 {
		t.Errorf("%d delivered message(s) still hold the old share's text", n)
	}
	if hist := text(h.do(h.ev.Command(robin, "checkin", "history"))); strings.Contains(hist, "Called my sponsor") {
		t.Errorf("old free text survived retention: %q", hist)
	}
}

// TestRetentionPrunesOldJobRuns: the nightly job deletes the records of
// job runs older than a month, each job's latest excepted, whether the
// house keeps its residents' words for ever or not: they are bookkeeping,
// and only the latest is read.
func TestRetentionPrunesOldJobRuns(t *testing.T) {
	for _, days := range []int{180, 0} {
		t.Run(fmt.Sprintf("retention %d days", days), func(t *testing.T) {
			h := newHarness(t, func(h *bot.House) { h.RetentionDays = days })
			for d := range 41 {
				h.clock.Set(at9(d))
				h.openRound(at9(d))
			}
			night := time.Date(2026, 11, 16+41, 3, 30, 0, 0, chicago)
			h.clock.Set(night)
			if err := h.bot.RunJob(h.ctx, bot.JobRetention, h.house, night); err != nil {
				t.Fatal(err)
			}
			// What is left to prune: nothing a month old, and days 11 to
			// 39 of the check-ins, all but the latest (day 40).
			err := h.db.Update(h.ctx, func(tx bot.Tx) error {
				if n, err := tx.PruneRuns(h.ctx, h.house.ID, night.Add(-30*24*time.Hour), 1000); err != nil || n != 0 {
					t.Errorf("runs a month old left = %d, %v; want none", n, err)
				}
				if n, err := tx.PruneRuns(h.ctx, h.house.ID, night, 1000); err != nil || n != 29 {
					t.Errorf("runs of the last month = %d, %v; want 29, the latest kept", n, err)
				}
				last, err := tx.LastRun(h.ctx, "checkin.open/0", h.house.ID)
				if err != nil || !last.Equal(at9(40)) {
					t.Errorf("LastRun = %v, %v; want day 40's", last, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// An occurrence whose record went does not run again: the
			// job's later runs say it ran, and nothing is recorded.
			h.flush()
			sent := len(h.ad.Sent())
			h.openRound(at9(5))
			h.flush()
			if got := len(h.ad.Sent()); got != sent {
				t.Errorf("running day 5's check-in again sent %d messages, want none", got-sent)
			}
			err = h.db.Update(h.ctx, func(tx bot.Tx) error {
				if n, err := tx.PruneRuns(h.ctx, h.house.ID, night.Add(-30*24*time.Hour), 1000); err != nil || n != 0 {
					t.Errorf("running day 5's check-in again recorded %d runs, %v; want none", n, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestEveryCommandRefusalNamesWhoCan runs each staff and operator command as
// a resident and a guest: the refusal is private and names who can.
func TestEveryCommandRefusalNamesWhoCan(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	for _, c := range h.bot.Commands() {
		for _, sub := range append([]*bot.Command{c}, c.Subs...) {
			if sub.Roles.Has(bot.RoleResident) || sub.Run == nil {
				continue
			}
			raw := ""
			if sub != c {
				raw = sub.Name
			}
			t.Run(fmt.Sprint(c.Name, " ", raw), func(t *testing.T) {
				got := text(h.do(h.ev.Command(robin, c.Name, raw)))
				if !strings.Contains(got, "operator") && !strings.Contains(got, "House Mentor") {
					t.Errorf("refusal = %q, want it to say who can", got)
				}
			})
		}
	}
}

// TestCommandTextIsScreened: crisis words typed into any command bring the
// resources, privately, instead of running the command.
func TestCommandTextIsScreened(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	for _, ev := range []bot.Event{
		h.ev.Command(robin, "checkin", "pause until I kill myself"),
		h.ev.Command(guest, "nosuchcommand", "i want to die"),
	} {
		resp := h.do(ev)
		if got := text(resp); !strings.Contains(got, "988") || strings.Contains(got, "Paused") {
			t.Errorf("%s = %q, want the resources", ev.Command.Raw, got)
		}
	}
	if m, _ := memberOf(h, robin); !m.PausedUntil.IsZero() {
		t.Error("the command ran anyway")
	}
}

// outboxWith counts outbox messages, of any status, whose text holds s.
func outboxWith(t *testing.T, h *harness, s string) int {
	t.Helper()
	n := 0
	for id := int64(1); id < 200; id++ {
		m, err := h.db.OutboxMessage(h.ctx, id)
		if err != nil {
			continue
		}
		if strings.Contains(m.Out.Text, s) {
			n++
		}
	}
	return n
}

// outboxNaming returns the outbox rows, as stored, whose text, target,
// key or kind holds s.
func outboxNaming(t *testing.T, h *harness, s string) []int64 {
	t.Helper()
	var ids []int64
	for id := int64(1); ; id++ {
		m, err := h.db.OutboxMessage(h.ctx, id)
		if errors.Is(err, bot.ErrNotFound) {
			if id > 500 {
				return ids
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		var choices []string
		for _, c := range m.Out.Choices {
			choices = append(choices, c.Label+" "+c.ID)
		}
		if strings.Contains(strings.Join([]string{m.Out.Text, m.Out.Target.User, m.Key, strings.Join(choices, " ")}, " "), s) {
			ids = append(ids, id)
		}
	}
}
