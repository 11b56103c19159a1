package bot_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage/storagetest"
)

// The crisis flows. Danger is reached with an unmistakable phrase; relapse
// through the house's own relapse phrase, so that these tests do not depend
// on the screener's built-in phrase lists.

const (
	dangerLine  = "I want to kill myself"
	relapseLine = "I used again last night"
)

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

// channelOutbox returns every message ever queued for a channel, sent or
// not: what the group would see.
func channelOutbox(h *harness) []*bot.OutboxMessage {
	h.t.Helper()
	return outboxWhere(h, func(m *bot.OutboxMessage) bool { return m.Out.Target.Kind == bot.TargetChannel })
}

// outboxWhere returns the outbox messages, as stored, for which keep is
// true, up to the first id that is not there.
func outboxWhere(h *harness, keep func(*bot.OutboxMessage) bool) []*bot.OutboxMessage {
	h.t.Helper()
	var out []*bot.OutboxMessage
	for id := int64(1); ; id++ {
		m, err := h.db.OutboxMessage(h.ctx, id)
		if errors.Is(err, bot.ErrNotFound) {
			return out
		}
		if err != nil {
			h.t.Fatal(err)
		}
		if keep(m) {
			out = append(out, m)
		}
	}
}

// answerIn returns u's answer in the house's latest round.
func answerIn(h *harness, u bot.User) *bot.Answer {
	h.t.Helper()
	var a *bot.Answer
	err := h.db.View(h.ctx, func(tx bot.Tx) error {
		m, err := tx.MemberByUser(h.ctx, h.house.ID, u.ID)
		if err != nil {
			return err
		}
		rounds, err := tx.OpenRounds(h.ctx, h.house.ID)
		if err != nil || len(rounds) == 0 {
			return errors.Join(err, errors.New("no open round"))
		}
		a, err = tx.AnswerOf(h.ctx, rounds[0].ID, m.ID)
		return err
	})
	if err != nil {
		h.t.Fatalf("answer of %s: %v", u.Name, err)
	}
	return a
}

// press is u pressing a button of a direct message.
func press(h *harness, u bot.User, id string) bot.Event {
	ev := h.ev.Press(u, id, "")
	ev.DM, ev.Channel = true, "dm-"+u.ID
	return ev
}

// roundOpen opens the day's round and returns the harness's clock to it.
func roundOpen(h *harness) {
	h.t.Helper()
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.prompt()
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
	var onIt []bot.Outgoing
	for _, m := range h.ad.To(robin.ID) {
		if strings.Contains(m.Text, "is on it") {
			onIt = append(onIt, m)
		}
	}
	if len(onIt) != 1 || !strings.Contains(onIt[0].Text, "Bea, a House Mentor, is on it") {
		t.Errorf("Robin was told %s", texts(onIt))
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

// TestHeldShare: a house-visible answer with danger is not shared until the
// resident chooses; nothing is queued for the channel before that.
func TestHeldShare(t *testing.T) {
	setup := func(t *testing.T) (*harness, bot.Response) {
		h := newHarness(t)
		h.join(robin, casey)
		roundOpen(h)
		resp := h.answer(robin, vals("2", "", dangerLine, "no", "house"))
		if choiceID(resp, "checkin:post:") == "" || choiceID(resp, "checkin:private:") == "" {
			t.Fatalf("answer reply = %q, want the choice about sharing", text(resp))
		}
		if !strings.Contains(text(resp), "Would you like someone from the house to reach out?") {
			t.Errorf("answer reply = %q, want the crisis reply too", text(resp))
		}
		if got := channelOutbox(h); len(got) != 1 {
			t.Fatalf("channel messages queued = %d, want only the prompt", len(got))
		}
		if a := answerIn(h, robin); !a.ShareHeld || a.Visibility != bot.VisHouse || a.Share != 0 {
			t.Errorf("stored answer = %+v, want held", a)
		}
		// Nobody else reads a held answer meanwhile.
		if got := text(h.do(h.ev.Command(mentor, "checkin", "answers"))); strings.Contains(got, "kill") || !strings.Contains(got, "0 visible to you") {
			t.Errorf("mentor's listing while held = %q", got)
		}
		return h, resp
	}

	t.Run("post anyway", func(t *testing.T) {
		h, resp := setup(t)
		if got := text(h.do(h.ev.Press(robin, choiceID(resp, "checkin:post:"), ""))); !strings.Contains(got, "Posted to the house") {
			t.Fatalf("post anyway = %q", got)
		}
		if got := text(h.do(h.ev.Press(robin, choiceID(resp, "checkin:post:"), ""))); !strings.Contains(got, "already posted") {
			t.Errorf("second press = %q", got)
		}
		h.flush()
		posts := h.ad.InChannel(h.house.Channel)
		if len(posts) != 2 || !strings.Contains(posts[1].Text, "*Robin* checked in") || posts[1].Thread.IsZero() {
			t.Fatalf("channel = %s, want the prompt and one share in its thread", texts(posts))
		}
		if a := answerIn(h, robin); a.ShareHeld || a.Share == 0 {
			t.Errorf("stored answer = %+v, want shared", a)
		}
		// An edit that keeps the words keeps the choice: the post is
		// updated, and nothing is asked again.
		resp = h.answer(robin, vals("3", "", dangerLine, "no", "house"))
		if choiceID(resp, "checkin:") != "" || choiceID(resp, "crisis:") != "" {
			t.Errorf("edit keeping the words asked again: %q", text(resp))
		}
		h.flush()
		if edits := h.ad.Edits(); len(edits) != 1 || !strings.Contains(edits[0].Text, "*Robin* checked in") {
			t.Errorf("edits = %+v, want the share updated", edits)
		}
	})

	t.Run("keep private", func(t *testing.T) {
		h, resp := setup(t)
		got := text(h.do(h.ev.Press(robin, choiceID(resp, "checkin:private:"), "")))
		if !strings.Contains(got, "it stays private") {
			t.Fatalf("keep private = %q", got)
		}
		if a := answerIn(h, robin); a.ShareHeld || a.Visibility != bot.VisPrivate || a.Values[bot.QVisibility] != "private" {
			t.Errorf("stored answer = %+v, want private", a)
		}
		// Posting after keeping it private is refused, and says why.
		if got := text(h.do(h.ev.Press(robin, choiceID(resp, "checkin:post:"), ""))); !strings.Contains(got, "Nothing is waiting") || !strings.Contains(got, "private") {
			t.Errorf("post after keep private = %q", got)
		}
		if got := channelOutbox(h); len(got) != 1 {
			t.Errorf("channel messages queued = %d, want only the prompt", len(got))
		}
	})

	t.Run("keep private after the check-in closed", func(t *testing.T) {
		h, resp := setup(t)
		h.clock.Set(at9(0).Add(5 * time.Hour))
		if err := h.bot.Tick(h.ctx); err != nil {
			t.Fatal(err)
		}
		if got := text(h.do(h.ev.Press(robin, choiceID(resp, "checkin:private:"), ""))); !strings.Contains(got, "it stays private") {
			t.Errorf("keep private after the close = %q", got)
		}
		if got := text(h.do(h.ev.Press(robin, choiceID(resp, "checkin:post:"), ""))); !strings.Contains(got, "closed") {
			t.Errorf("post after the close = %q", got)
		}
	})

	t.Run("an edit while held asks again, and only that", func(t *testing.T) {
		h, _ := setup(t)
		resp := h.answer(robin, vals("3", "", dangerLine, "no", "house"))
		if choiceID(resp, "checkin:post:") == "" || strings.Contains(text(resp), "I'm really glad") {
			t.Errorf("edit while held = %q, want the choice again and no second crisis reply", text(resp))
		}
		if got := channelOutbox(h); len(got) != 1 {
			t.Errorf("channel messages queued = %d, want only the prompt", len(got))
		}
	})

	t.Run("an edit decides too", func(t *testing.T) {
		h, resp := setup(t)
		h.answer(robin, vals("2", "", dangerLine, "no", "mentors"))
		if got := text(h.do(h.ev.Press(robin, choiceID(resp, "checkin:post:"), ""))); !strings.Contains(got, "Nothing is waiting") {
			t.Errorf("post after an edit to mentors = %q", got)
		}
		if got := channelOutbox(h); len(got) != 1 {
			t.Errorf("channel messages queued = %d, want only the prompt", len(got))
		}
	})
}

// TestAlwaysAlertsOncePerAnswer: with alert = "always", an answer (and an
// edit that newly holds danger) alerts once; an edit that keeps it does not.
func TestAlwaysAlertsOncePerAnswer(t *testing.T) {
	h := newHarness(t, func(h *bot.House) { h.Crisis.AlertAlways = true })
	h.join(robin)
	roundOpen(h)
	steps := []struct {
		name       string
		hard       string
		wantAlerts int
		wantReply  bool
	}{
		{"benign", "Sleep", 0, false},
		{"edit adds danger", dangerLine, 1, true},
		{"edit keeps danger", dangerLine, 1, false},
		{"edit drops it", "Sleep", 1, false},
	}
	for _, s := range steps {
		resp := h.answer(robin, vals("3", "", s.hard, "no", "private"))
		if got := len(alertsTo(h, mentor.ID)); got != s.wantAlerts {
			t.Errorf("%s: alerts = %d, want %d", s.name, got, s.wantAlerts)
		}
		if got := strings.Contains(text(resp), "I'm really glad you told me"); got != s.wantReply {
			t.Errorf("%s: crisis reply = %v, want %v: %q", s.name, got, s.wantReply, text(resp))
		}
	}
	// Once a mentor is on it, danger in a later edit is news again.
	alert := alertsTo(h, mentor.ID)[0]
	h.do(press(h, mentor, alert.Choices[0].ID))
	h.clock.Advance(time.Minute)
	resp := h.answer(robin, vals("3", "", dangerLine, "no", "private"))
	if got := len(alertsTo(h, mentor.ID)); got != 2 {
		t.Errorf("edit newly holding danger: alerts = %d, want 2", got)
	}
	if !strings.Contains(text(resp), "I've let your House Mentors know") {
		t.Errorf("reply = %q, want the resident told", text(resp))
	}
}

// TestAlertCooldown: no second alert while the resident's last one is open
// and younger than escalate_after; they are told their mentors know.
func TestAlertCooldown(t *testing.T) {
	t.Run("always", func(t *testing.T) {
		h := newHarness(t, func(h *bot.House) { h.Crisis.AlertAlways = true })
		h.join(robin)
		h.clock.Set(at9(0))
		if got := text(h.do(h.ev.DM(robin, dangerLine))); !strings.Contains(got, "I've let your House Mentors know") {
			t.Fatalf("first = %q", got)
		}
		h.clock.Advance(5 * time.Minute)
		if got := text(h.do(h.ev.DM(robin, dangerLine))); !strings.Contains(got, "already know") || !strings.Contains(got, "In an emergency, call 911") {
			t.Errorf("second = %q, want the resources and that mentors already know", got)
		}
		if got := len(alertsTo(h, mentor.ID)); got != 1 {
			t.Fatalf("alerts = %d, want 1", got)
		}
		// After escalate_after the open alert went to the operators; a new
		// message is a new alert.
		h.clock.Advance(11 * time.Minute)
		h.do(h.ev.DM(robin, dangerLine))
		if got := len(alertsTo(h, mentor.ID)); got != 2 {
			t.Errorf("alerts after the window = %d, want 2", got)
		}
	})
	t.Run("ask", func(t *testing.T) {
		h := newHarness(t)
		h.join(robin)
		h.clock.Set(at9(0))
		yes := choiceID(h.do(h.ev.DM(robin, dangerLine)), "crisis:alert")
		h.do(press(h, robin, yes))
		h.clock.Advance(time.Minute)
		resp := h.do(h.ev.DM(robin, dangerLine))
		if choiceID(resp, "crisis:alert") != "" || !strings.Contains(text(resp), "already know") {
			t.Errorf("while open = %q, want no second offer", text(resp))
		}
		if got := text(h.do(press(h, robin, yes))); !strings.Contains(got, "already know") {
			t.Errorf("pressing yes again = %q", got)
		}
		alerts := alertsTo(h, mentor.ID)
		if len(alerts) != 1 {
			t.Fatalf("alerts = %d, want 1", len(alerts))
		}
		h.do(press(h, mentor, alerts[0].Choices[0].ID))
		if choiceID(h.do(h.ev.DM(robin, dangerLine)), "crisis:alert") == "" {
			t.Error("after the ack, no offer")
		}
	})
}

// TestRelapseNeverAlertsWithoutYes: a relapse gets warmth and an offer,
// no emergency numbers, and nobody hears of it without the resident's yes,
// even in a house that always alerts on danger. What the mentor and the
// partner hear never says why.
func TestRelapseNeverAlertsWithoutYes(t *testing.T) {
	h := newHarness(t, func(h *bot.House) {
		h.Crisis.AlertAlways = true
		h.Crisis.Phrases.Relapse = []string{relapseLine}
	})
	h.join(robin, casey, jamie)
	h.do(h.ev.Command(mentor, "partner", "pair <@"+robin.ID+"> <@"+casey.ID+">"))
	roundOpen(h)
	h.ad.Reset()

	numbers := []string{"988", "911", "741741", "1-800", "findahelpline", "danger"}
	noNumbers := func(what, s string) {
		t.Helper()
		for _, n := range numbers {
			if strings.Contains(s, n) {
				t.Errorf("%s holds %q: %q", what, n, s)
			}
		}
	}
	hides := func(what, s string) {
		t.Helper()
		for _, w := range []string{"relapse", "used", "🚨", "crisis", "danger"} {
			if strings.Contains(strings.ToLower(s), w) {
				t.Errorf("%s hints why (%q): %q", what, w, s)
			}
		}
	}
	var replies []bot.Response
	replies = append(replies, h.do(h.ev.DM(robin, relapseLine)))
	replies = append(replies, h.do(h.ev.Command(robin, "checkin", "pause until "+relapseLine)))
	replies = append(replies, h.answer(robin, vals("2", "", relapseLine, "no", "house")))
	for i, resp := range replies {
		noNumbers("relapse reply", text(resp))
		for _, p := range []string{"crisis:mentor:", "crisis:partner:", "crisis:later"} {
			if choiceID(resp, p) == "" {
				t.Errorf("reply %d lacks %s: %q", i, p, text(resp))
			}
		}
	}
	if choiceID(replies[2], "checkin:post:") == "" {
		t.Error("a house-visible relapse answer was not held")
	}
	h.flush()
	for _, m := range h.ad.Sent() {
		if m.Target.User != robin.ID {
			t.Fatalf("sent to someone other than Robin without a yes: %s", m.Text)
		}
	}

	// Yes to the partner: the usual support ping.
	offer := replies[0]
	if got := text(h.do(press(h, robin, choiceID(offer, "crisis:partner:")))); !strings.Contains(got, "I've let *Casey* know") {
		t.Errorf("partner yes = %q", got)
	}
	h.flush()
	pings := h.ad.To(casey.ID)
	if len(pings) != 1 || !strings.Contains(pings[0].Text, "asked for someone to reach out") {
		t.Fatalf("partner got %s", texts(pings))
	}
	hides("partner ping", pings[0].Text)

	// Yes to a House Mentor: one alert, in the words of a reach-out request.
	yes := choiceID(offer, "crisis:mentor:")
	h.do(press(h, robin, yes))
	if got := text(h.do(press(h, robin, yes))); !strings.Contains(got, "already know") {
		t.Errorf("second yes = %q", got)
	}
	alerts := alertsTo(h, mentor.ID)
	if len(alerts) != 1 || !strings.Contains(alerts[0].Text, "*Robin* asked for a House Mentor to reach out") {
		t.Fatalf("mentor alerts = %s", texts(alerts))
	}
	hides("mentor alert", alerts[0].Text)
	ack := text(h.do(press(h, mentor, alerts[0].Choices[0].ID)))
	noNumbers("ack reply", ack)
	h.flush()
	var told []bot.Outgoing
	for _, m := range h.ad.To(robin.ID) {
		if strings.Contains(m.Text, "is on it") {
			told = append(told, m)
		}
	}
	if len(told) != 1 {
		t.Fatalf("robin told %s", texts(h.ad.To(robin.ID)))
	}
	noNumbers("on it", told[0].Text)

	// Unacknowledged, it reaches the operators in the same words.
	h.do(press(h, jamie, yes))
	h.clock.Advance(15 * time.Minute)
	if err := h.bot.Tick(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()
	esc := h.ad.To(owner.ID)
	if len(esc) != 1 || !strings.Contains(esc[0].Text, "*Jamie* asked for a House Mentor to reach out") {
		t.Fatalf("escalation = %s", texts(esc))
	}
	hides("escalation", esc[0].Text)
	noNumbers("escalation", esc[0].Text)
}

// TestResourcesFollowTheHouse: every text that names help names the
// house's own resources; the US ones only when the house lists none.
func TestResourcesFollowTheHouse(t *testing.T) {
	uk := []string{"Samaritans: call 116 123 (free, 24/7)", "Emergencies: 999"}
	for _, c := range []struct {
		name      string
		resources []string
		want      []string
		never     []string
	}{
		{"uk", uk, uk, []string{"911", "988", "741741"}},
		{"default", nil, []string{"988 Suicide & Crisis Lifeline", "In an emergency, call 911"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			mentor2 := bot.User{ID: "U-mentor2", Name: "Max"}
			h := newHarness(t, func(h *bot.House) {
				h.Crisis.Resources = c.resources
				h.Mentors = append(h.Mentors, mentor2.ID)
			})
			h.join(robin, casey)
			h.clock.Set(at9(0))
			last := func(u bot.User) string {
				h.flush()
				got := h.ad.To(u.ID)
				if len(got) == 0 {
					t.Fatalf("nothing sent to %s", u.Name)
				}
				return got[len(got)-1].Text
			}
			named := map[string]string{} // texts that must name the resources
			named["consent"] = text(h.do(h.ev.Command(guest, "join", "")))
			h.do(bot.Event{ID: "welcome-1", Platform: "test", Kind: bot.EventMemberJoined, User: guest, Channel: h.house.Channel})
			named["welcome"] = last(guest)
			named["/resources"] = text(h.do(h.ev.Command(robin, "resources", "")))
			resp := h.do(h.ev.DM(robin, dangerLine))
			named["crisis reply"] = text(resp)
			named["yes"] = text(h.do(press(h, robin, choiceID(resp, "crisis:alert"))))
			named["alert"] = last(mentor)
			ackID := alertsTo(h, mentor.ID)[0].Choices[0].ID
			named["ack reply"] = text(h.do(press(h, mentor, ackID)))
			named["on it, to the resident"] = last(robin)
			staff := last(mentor2)
			// Casey's alert waits for escalate_after and goes to the
			// operator.
			h.do(press(h, casey, choiceID(h.do(h.ev.DM(casey, dangerLine)), "crisis:alert")))
			h.clock.Advance(15 * time.Minute)
			if err := h.bot.Tick(h.ctx); err != nil {
				t.Fatal(err)
			}
			named["escalation"] = last(owner)
			// A house that always alerts.
			h.house.Crisis.AlertAlways = true
			named["consent, always"] = text(h.do(h.ev.Command(guest, "join", "")))
			named["crisis reply, always"] = text(h.do(h.ev.DM(jamie, dangerLine)))
			named["alert, always"] = last(mentor)

			for what, s := range named {
				for _, w := range c.want {
					if !strings.Contains(s, w) {
						t.Errorf("%s lacks the house's resource %q: %q", what, w, s)
					}
				}
			}
			named["on it, to staff"] = staff
			for what, s := range named {
				for _, n := range c.never {
					if strings.Contains(s, n) {
						t.Errorf("%s holds %q: %q", what, n, s)
					}
				}
			}
		})
	}
}

// TestCrisisMidCheckinGoesOn: danger in the middle of a DM check-in is
// answered at once, the line is kept as its answer, the next line answers
// the next question, and the finished check-in answers nothing twice.
func TestCrisisMidCheckinGoesOn(t *testing.T) {
	for _, always := range []bool{false, true} {
		name := "ask"
		if always {
			name = "always"
		}
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, func(h *bot.House) { h.Crisis.AlertAlways = always })
			h.join(robin)
			roundOpen(h)
			steps := []struct{ say, want string }{
				{"hi", "(1/5)"},
				{"4", "(2/5)"},
				{"Went to a meeting", "(3/5)"},
				{dangerLine, "(4/5)"},
				{"no", "(5/5)"},
				{"private", "checked in"},
			}
			var mid, last bot.Response
			for _, s := range steps {
				resp := h.do(h.ev.DM(robin, s.say))
				if !strings.Contains(text(resp), s.want) {
					t.Fatalf("say %q: got %q, want %q", s.say, text(resp), s.want)
				}
				if s.say == dangerLine {
					mid = resp
				}
				last = resp
			}
			if !strings.Contains(text(mid), "I'm really glad you told me") || !strings.HasPrefix(mid.Messages[len(mid.Messages)-1].Text, "(4/5)") {
				t.Errorf("mid-check-in reply = %q, want the crisis reply, then the next question", text(mid))
			}
			if always != (choiceID(mid, "crisis:alert") == "") {
				t.Errorf("offer of a mentor = %q", text(mid))
			}
			if strings.Contains(text(last), "I'm really glad") || choiceID(last, "crisis:") != "" {
				t.Errorf("the finished check-in answered the crisis again: %q", text(last))
			}
			a := answerIn(h, robin)
			if a.Mood != 4 || a.Values["win"] != "Went to a meeting" || a.Values["hard"] != dangerLine || a.Visibility != bot.VisPrivate {
				t.Errorf("stored answer = %+v", a)
			}
			if !always {
				h.do(press(h, robin, choiceID(mid, "crisis:alert")))
			}
			if got := len(alertsTo(h, mentor.ID)); got != 1 {
				t.Errorf("alerts = %d, want 1", got)
			}
		})
	}
}

// TestSameCrisisReplyEverywhere: a plain DM, a line of a DM check-in, a
// check-in form, a command and a reply in the prompt's thread get the same
// crisis reply, with the same buttons.
func TestSameCrisisReplyEverywhere(t *testing.T) {
	h := newHarness(t)
	bea := bot.User{ID: "U-bea", Name: "Bea"}
	h.join(robin, casey, jamie, bea)
	roundOpen(h)
	// crisisPart keeps the crisis reply's messages: from the resources to
	// the offer.
	crisisPart := func(resp bot.Response) []bot.Message {
		t.Helper()
		for i, m := range resp.Messages {
			if strings.HasPrefix(m.Text, "I'm really glad") && i+1 < len(resp.Messages) {
				return resp.Messages[i : i+2]
			}
		}
		t.Fatalf("no crisis reply in %q", text(resp))
		return nil
	}
	want := crisisPart(h.do(h.ev.DM(robin, dangerLine)))
	h.do(h.ev.DM(casey, "hi"))
	h.do(h.ev.DM(casey, "3"))
	got := map[string][]bot.Message{
		"conversation": crisisPart(h.do(h.ev.DM(casey, dangerLine))),
		"form":         crisisPart(h.answer(jamie, vals("3", dangerLine, "", "no", "private"))),
		"thread reply": crisisPart(h.do(h.ev.Reply(bea, bot.MessageRef{Channel: h.house.Channel, ID: "m1"}, dangerLine))),
		"command":      crisisPart(h.do(h.ev.Command(robin, "help", dangerLine))),
	}
	for what, msgs := range got {
		for i := range want {
			if msgs[i].Text != want[i].Text || len(msgs[i].Choices) != len(want[i].Choices) {
				t.Errorf("%s: message %d = %q %+v, want %q %+v", what, i, msgs[i].Text, msgs[i].Choices, want[i].Text, want[i].Choices)
				continue
			}
			for j := range want[i].Choices {
				if msgs[i].Choices[j] != want[i].Choices[j] {
					t.Errorf("%s: choice %d = %+v, want %+v", what, j, msgs[i].Choices[j], want[i].Choices[j])
				}
			}
		}
	}
	// The thread reply is recorded; nothing is posted for it.
	if a := answerIn(h, bea); a.Values["note"] != dangerLine {
		t.Errorf("thread reply stored as %+v", a)
	}
	for _, m := range channelOutbox(h) {
		if strings.Contains(m.Out.Text, "kill") {
			t.Errorf("posted to the channel: %q", m.Out.Text)
		}
	}
}

// TestThreadReplyWithDanger: a reply in the prompt's thread is public
// already; it is recorded as the answer, and the crisis reply is private.
func TestThreadReplyWithDanger(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	roundOpen(h)
	resp := h.do(h.ev.Reply(robin, bot.MessageRef{Channel: h.house.Channel, ID: "m1"}, dangerLine))
	if !strings.Contains(text(resp), "you're checked in") || choiceID(resp, "crisis:alert") == "" {
		t.Errorf("reply = %q, want the answer acknowledged and the crisis reply", text(resp))
	}
	if a := answerIn(h, robin); a.Values["note"] != dangerLine || a.Visibility != bot.VisHouse {
		t.Errorf("stored answer = %+v", a)
	}
	if got := channelOutbox(h); len(got) != 1 {
		t.Errorf("channel messages queued = %d, want only the prompt", len(got))
	}
}

// TestEditByConversationKeepsItsConcern: editing a check-in by conversation
// and keeping its words neither alerts nor answers the crisis again.
func TestEditByConversationKeepsItsConcern(t *testing.T) {
	h := newHarness(t, func(h *bot.House) { h.Crisis.AlertAlways = true })
	h.join(robin)
	roundOpen(h)
	h.answer(robin, vals("2", "", dangerLine, "no", "private"))
	h.ev.FormLimit = 0 // the edit is asked as a conversation
	resp := h.do(h.ev.Command(robin, "checkin", ""))
	for i := 0; i < 5; i++ {
		if strings.Contains(text(resp), "I'm really glad") {
			t.Fatalf("step %d answered the crisis again: %q", i, text(resp))
		}
		resp = h.do(h.ev.DM(robin, "keep"))
	}
	if !strings.Contains(text(resp), "Updated your check-in") || strings.Contains(text(resp), "I'm really glad") {
		t.Errorf("finished edit = %q", text(resp))
	}
	if got := len(alertsTo(h, mentor.ID)); got != 1 {
		t.Errorf("alerts = %d, want 1", got)
	}
}
