package bot_test

import (
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage/storagetest"
)

// The crisis flows. Danger is reached with an unmistakable phrase, so that
// these tests do not depend on the screener's phrase lists.

const dangerLine = "I want to kill myself"

// choiceID returns the id of the first choice in resp whose id starts with
// prefix, or "".
func choiceID(resp bot.Response, prefix string) string {
	for _, m := range resp.Messages {
		for _, c := range m.Choices {
			if strings.HasPrefix(c.ID, prefix) {
				return c.ID
			}
		}
	}
	return ""
}

// alertsTo returns the crisis alerts delivered so far to user: messages
// with an "I'm on it" button.
func alertsTo(h *harness, user string) []bot.Outgoing {
	h.t.Helper()
	h.flush()
	var out []bot.Outgoing
	for _, m := range h.ad.To(user) {
		if len(m.Choices) > 0 && strings.HasPrefix(m.Choices[0].ID, "crisisack:") {
			out = append(out, m)
		}
	}
	return out
}

// press is u pressing a button of a direct message.
func press(h *harness, u bot.User, id string) bot.Event {
	ev := h.ev.Press(u, id, "")
	ev.DM, ev.Channel = true, "dm-"+u.ID
	return ev
}

// TestAckFollowsTheAlertsHouse: a House Mentor of two houses on one
// platform acknowledges the second house's alert, though everything else
// she does is placed in the first house; a mentor of the first house only
// cannot.
func TestAckFollowsTheAlertsHouse(t *testing.T) {
	bea := bot.User{ID: "U-bea", Name: "Bea"}
	birchOwner := bot.User{ID: "U-owner-birch", Name: "Oakley"}
	cedar := testHouse()
	cedar.Mentors = []string{mentor.ID, bea.ID}
	birch := testHouse()
	birch.Name, birch.Channel = "Birch House", "C-birch"
	birch.Mentors, birch.Operators = []string{bea.ID}, []string{birchOwner.ID}
	h := newHarnessHouses(t, storagetest.Open(t), at9(0), cedar, birch)
	inBirch := func(ev bot.Event) bot.Event {
		ev.Channel = birch.Channel
		return ev
	}
	consent := h.do(inBirch(h.ev.Command(robin, "join", "")))
	if !strings.Contains(text(h.do(inBirch(h.ev.Press(robin, consent.Messages[0].Choices[0].ID, "")))), "Welcome to Birch House") {
		t.Fatal("robin did not join Birch House")
	}
	// Outside a house channel, Bea is placed in Cedar House, the first
	// house she mentors.
	dm := h.ev.Command(bea, "join", "")
	dm.DM, dm.Channel = true, "dm-"+bea.ID
	if got := text(h.do(dm)); !strings.Contains(got, "Joining Cedar House") {
		t.Fatalf("Bea's /join in a DM = %q, want Cedar House (the premise of this test)", got)
	}

	resp := h.do(h.ev.DM(robin, dangerLine))
	yes := choiceID(resp, "crisis:alert")
	if yes == "" {
		t.Fatalf("crisis reply = %q, want the offer", text(resp))
	}
	h.do(press(h, robin, yes))
	alerts := alertsTo(h, bea.ID)
	if len(alerts) != 1 {
		t.Fatalf("Bea got %d alerts, want 1", len(alerts))
	}
	if got := alertsTo(h, mentor.ID); len(got) != 0 {
		t.Errorf("Cedar House's mentor got Birch House's alert: %s", texts(got))
	}
	ack := alerts[0].Choices[0].ID

	// Authorization follows the alert's house, never the id: Cedar House's
	// mentor is a guest in Birch House.
	if got := text(h.do(press(h, mentor, ack))); !strings.Contains(got, "Sorry, only") {
		t.Errorf("a mentor of another house acknowledged: %q", got)
	}
	if got := text(h.do(press(h, bea, ack))); !strings.Contains(got, "Thank you. Please reach out to *Robin*") {
		t.Fatalf("Bea's ack = %q", got)
	}
	h.flush()
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "Bea, a House Mentor, is on it") {
		t.Errorf("Robin was told %s", texts(got))
	}
	// A second press, by anyone allowed, says who took it and when.
	got := text(h.do(press(h, birchOwner, ack)))
	if want := "<@U-bea> is already on it, since Mon 16 Nov 09:00 CST"; !strings.Contains(bot.PlainTimes(got), want) {
		t.Errorf("second press = %q, want %q", got, want)
	}
	if got := text(h.do(press(h, bea, ack))); !strings.Contains(got, "You're already on it") {
		t.Errorf("Bea's second press = %q", got)
	}
}
