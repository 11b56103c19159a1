package bot_test

import (
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/bot/bottest"
)

// logUndeliverable wires the sender's final failures to a core over the
// same database and houses whose log is returned.
func logUndeliverable(h *harness) *bottest.Buffer {
	h.t.Helper()
	var buf bottest.Buffer
	b, err := bot.New(bot.Config{Store: h.db, Clock: h.clock, Houses: []*bot.House{h.house}, Schedules: dailyAt9{},
		Screener: sharedScreener(h.t), Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	if err != nil {
		h.t.Fatal(err)
	}
	if err := b.Start(h.ctx); err != nil {
		h.t.Fatal(err)
	}
	h.sender.OnUndeliverable = b.Undeliverable
	return &buf
}

// alwaysAlert is a house that alerts its mentors on words of danger.
func alwaysAlert(h *bot.House) { h.Crisis.AlertAlways = true }

// failedOutbox returns the failed outbox messages, as stored.
func failedOutbox(h *harness) []*bot.OutboxMessage {
	h.t.Helper()
	return outboxWhere(h, func(m *bot.OutboxMessage) bool { return m.Status == bot.OutboxFailed })
}

// refused is a platform's refusal of a DM.
var refused = fmt.Errorf("50007 cannot send messages to this user: %w", bot.ErrUndeliverable)

// TestFailedCrisisAlertGoesToTheOtherStaff: whatever makes a copy of a
// crisis alert fail for good (a refusal, too many attempts, a stored
// message that cannot be read), the alert goes to every other House Mentor
// and operator, once, with the same "I'm on it"; never to the resident or
// the group. The failed copy stays visible to the operator.
func TestFailedCrisisAlertGoesToTheOtherStaff(t *testing.T) {
	for name, breakIt := range map[string]func(h *harness){
		"refused":           func(h *harness) { h.ad.Refuse(mentor.ID, refused) },
		"too many attempts": func(h *harness) { h.ad.Refuse(mentor.ID, errors.New("connection reset")); h.sender.MaxAttempts = 1 },
		"undecodable": func(h *harness) {
			raw, err := sql.Open("sqlite", h.db.Path())
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.Exec(`UPDATE outbox SET payload = '{"text": ' WHERE target_user = ? AND kind = 'crisis_alert'`, mentor.ID); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, alwaysAlert)
			h.join(robin)
			h.do(h.ev.Command(owner, "role", "mentor <@"+casey.ID+">"))
			h.flush()
			h.ad.Reset()
			h.clock.Set(at9(0))

			// The alert is queued with the resident's reply; Morgan's copy
			// breaks before the sender gets to it.
			if resp := h.bot.Handle(h.ctx, h.ev.DM(robin, dangerLine)); len(resp.Messages) == 0 && len(h.ad.Sent()) != 0 {
				t.Fatalf("unexpected response %+v", resp)
			}
			breakIt(h)
			h.flush()
			h.flush()

			if got := alertsTo(h, mentor.ID); len(got) != 0 {
				t.Fatalf("Morgan got %s despite the failure", texts(got))
			}
			casey, olive := alertsTo(h, casey.ID), alertsTo(h, owner.ID)
			if len(casey) != 2 || len(olive) != 1 {
				t.Fatalf("alerts to Casey %d (%s), to Olive %d (%s); want the alert and its reroute to Casey, the reroute to Olive",
					len(casey), texts(casey), len(olive), texts(olive))
			}
			reroute := olive[0]
			if !strings.Contains(reroute.Text, "*Robin*") || !strings.Contains(reroute.Text, "<@"+mentor.ID+">") || strings.Contains(reroute.Text, dangerLine) {
				t.Errorf("reroute = %q, want it to name Robin and Morgan, never quote Robin", reroute.Text)
			}
			if reroute.Choices[0].ID != casey[0].Choices[0].ID {
				t.Errorf("reroute button %q, want the alert's own %q", reroute.Choices[0].ID, casey[0].Choices[0].ID)
			}
			for _, m := range h.ad.To(robin.ID) {
				if strings.Contains(m.Text, "couldn't deliver") {
					t.Errorf("Robin was told about the failed alert: %q", m.Text)
				}
			}
			if posts := h.ad.InChannel(h.house.Channel); len(posts) != 0 {
				t.Errorf("the group saw %s", texts(posts))
			}
			failed := failedOutbox(h)
			if len(failed) != 1 || failed[0].Kind != bot.MsgCrisisAlert || failed[0].Out.Target.User != mentor.ID || failed[0].LastError == "" {
				t.Errorf("failed messages = %+v, want Morgan's copy, with a reason", failed)
			}

			// Another pass sends nothing more: each person gets the
			// reroute once.
			h.clock.Advance(time.Hour)
			h.flush()
			if n := len(alertsTo(h, owner.ID)); n != 1 {
				t.Errorf("Olive has %d alerts after another pass, want 1", n)
			}
		})
	}
}

// TestFailedCrisisAlertAlreadyTakenIsNotRerouted: once someone pressed
// "I'm on it", a copy that fails afterwards brings nobody else in.
func TestFailedCrisisAlertAlreadyTakenIsNotRerouted(t *testing.T) {
	h := newHarness(t, alwaysAlert)
	h.join(robin)
	h.do(h.ev.Command(owner, "role", "mentor <@"+casey.ID+">"))
	h.clock.Set(at9(0))
	h.ad.Refuse(mentor.ID, errors.New("connection reset"))
	h.do(h.ev.DM(robin, dangerLine))
	h.do(press(h, casey, alertsTo(h, casey.ID)[0].Choices[0].ID))
	h.sender.MaxAttempts = 1
	h.clock.Advance(time.Hour)
	h.flush()
	if got := alertsTo(h, owner.ID); len(got) != 0 {
		t.Errorf("Olive got %s for an alert Casey had taken", texts(got))
	}
	// Morgan's copy, and the news that Casey is on it, stay failed for the
	// operator.
	var got []string
	for _, m := range failedOutbox(h) {
		got = append(got, string(m.Kind)+"→"+m.Out.Target.User)
	}
	if want := "crisis_alert→U-mentor crisis_ack→U-mentor"; strings.Join(got, " ") != want {
		t.Errorf("failed = %v, want %s", got, want)
	}
}

// TestCrisisAlertThatReachesNobodyStaysVisible: when every member of staff
// refuses, each is tried once, and then the failed copies stay in the
// outbox for the operator and the log says so, without the words.
func TestCrisisAlertThatReachesNobodyStaysVisible(t *testing.T) {
	h := newHarness(t, alwaysAlert)
	logs := logUndeliverable(h)
	h.join(robin)
	h.clock.Set(at9(0))
	h.ad.Refuse(mentor.ID, refused)
	h.ad.Refuse(owner.ID, refused)
	h.do(h.ev.DM(robin, dangerLine))
	for range 4 {
		h.flush()
	}
	var got []string
	for _, m := range failedOutbox(h) {
		got = append(got, string(m.Kind)+"→"+m.Out.Target.User)
	}
	// Morgan's alert fails; it goes to Olive, which fails; Olive's goes to
	// Morgan, which fails; nobody is left.
	want := []string{"crisis_alert→U-mentor", "crisis_reroute→U-owner", "crisis_reroute→U-mentor"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("failed = %v, want %v", got, want)
	}
	log := logs.String()
	if !strings.Contains(log, "level=ERROR") || !strings.Contains(log, "nobody else left") {
		t.Errorf("log = %s\nwant an error saying nobody is left", log)
	}
	if strings.Contains(log, dangerLine) || strings.Contains(log, "Robin") {
		t.Errorf("the log quotes or names the resident:\n%s", log)
	}
}
