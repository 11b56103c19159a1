package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

var lee = bot.User{ID: "U-lee", Name: "Lee"}

// pairedHarness has Robin and Casey paired by a mentor.
func pairedHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t, func(h *bot.House) { h.Partners.AvoidRepeatRounds = 3 })
	h.join(robin, casey)
	if got := text(h.do(h.ev.Command(mentor, "partner", "pair <@"+robin.ID+"> <@"+casey.ID+">"))); !strings.Contains(got, "Paired") {
		t.Fatalf("pair = %q", got)
	}
	h.flush()
	h.ad.Reset()
	return h
}

func TestManualPairing(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey, jamie)
	if got := text(h.do(h.ev.Command(robin, "partner", "pair <@"+robin.ID+"> <@"+casey.ID+">"))); !strings.Contains(got, "House Mentor") {
		t.Errorf("resident pairing = %q, want a refusal", got)
	}
	for raw, want := range map[string]string{
		"pair <@" + robin.ID + "> <@" + robin.ID + ">": "two different",
		"pair <@" + robin.ID + "> <@" + guest.ID + ">": "hasn't joined",
		"pair <@" + robin.ID + ">":                     "<b>",
		"unpair <@" + jamie.ID + ">":                   "doesn't have a partner",
	} {
		if got := text(h.do(h.ev.Command(mentor, "partner", raw))); !strings.Contains(got, want) {
			t.Errorf("/partner %s = %q, want %q", raw, got, want)
		}
	}
	h.do(h.ev.Command(mentor, "partner", "pair <@"+robin.ID+"> <@"+casey.ID+">"))
	h.flush()
	for _, u := range []bot.User{robin, casey} {
		if got := h.ad.To(u.ID); len(got) != 1 || !strings.Contains(got[0].Text, "accountability partner") {
			t.Errorf("%s told = %s", u.Name, texts(got))
		}
	}
	if got := text(h.do(h.ev.Command(robin, "partner", ""))); !strings.Contains(got, "*Casey*") {
		t.Errorf("/partner = %q, want Casey", got)
	}
	// Re-pairing Robin with Jamie tells Casey.
	h.ad.Reset()
	h.do(h.ev.Command(mentor, "partner", "pair <@"+robin.ID+"> <@"+jamie.ID+">"))
	h.flush()
	if got := h.ad.To(casey.ID); len(got) != 1 || !strings.Contains(got[0].Text, "no longer your accountability partner") {
		t.Errorf("Casey told = %s", texts(got))
	}
	if got := text(h.do(h.ev.Command(casey, "partner", ""))); !strings.Contains(got, "don't have") {
		t.Errorf("Casey's /partner = %q", got)
	}
}

func TestRotation(t *testing.T) {
	h := newHarness(t, func(h *bot.House) { h.Partners.AvoidRepeatRounds = 3 })
	// Robin is the most established, then Casey, Jamie and Lee, the newest.
	for i, u := range []bot.User{robin, casey, jamie, lee} {
		h.clock.Set(time.Date(2026, 11, 16+i, 8, 0, 0, 0, chicago))
		h.join(u)
	}
	h.ad.Reset() // the House Mentor heard of each newcomer; the rotation's list is what counts here
	rotate := func(day int) {
		t.Helper()
		at := time.Date(2026, 11, 16+day, 7, 0, 0, 0, chicago)
		h.clock.Set(at)
		if err := h.bot.RunJob(h.ctx, bot.JobPartnersRotate, h.house, at); err != nil {
			t.Fatal(err)
		}
		h.flush()
	}
	partnerOf := func(u bot.User) string { return text(h.do(h.ev.Command(u, "partner", ""))) }
	rotate(7)
	if got := partnerOf(lee); !strings.Contains(got, "*Robin*") {
		t.Errorf("newest resident's partner = %q, want the most established", got)
	}
	if got := partnerOf(jamie); !strings.Contains(got, "*Casey*") {
		t.Errorf("Jamie's partner = %q, want Casey", got)
	}
	list := h.ad.To(mentor.ID)
	if len(list) != 1 || !strings.Contains(list[0].Text, "*Lee* and *Robin*") || !strings.Contains(list[0].Text, "*Jamie* and *Casey*") {
		t.Errorf("mentor list = %s", texts(list))
	}
	// The next rotation avoids last week's pairs.
	rotate(14)
	if got := partnerOf(lee); strings.Contains(got, "Robin") {
		t.Errorf("rotation repeated a recent pair: %q", got)
	}
	// Jamie is away and Lee and Casey must not be paired: the three left
	// could only be a trio with Lee and Casey in it, so no pairing exists,
	// and the mentors hear why.
	h.do(h.ev.Command(mentor, "partner", "avoid <@"+lee.ID+"> <@"+casey.ID+">"))
	h.do(h.ev.Command(jamie, "checkin", "pause until 2027-01-10"))
	h.ad.Reset()
	rotate(21)
	if got := h.ad.To(mentor.ID); len(got) != 1 || !strings.Contains(got[0].Text, "didn't run") || !strings.Contains(got[0].Text, "do-not-pair") {
		t.Errorf("mentors told = %s, want why the rotation did not run", texts(got))
	}
	// Jamie back: four residents, Lee and Casey kept apart.
	h.do(h.ev.Command(jamie, "checkin", "resume"))
	rotate(28)
	if got := partnerOf(lee); strings.Contains(got, "Casey") {
		t.Errorf("avoided couple paired: %q", got)
	}
	// Three residents make one trio.
	h.do(h.ev.Command(casey, "leave", ""))
	h.ad.Reset()
	rotate(35)
	if got := partnerOf(robin); !strings.Contains(got, " and ") {
		t.Errorf("odd count: Robin's partners = %q, want a trio", got)
	}
}

func TestNudgeAndWeConnected(t *testing.T) {
	h := pairedHarness(t)
	nudge := func(at time.Time) {
		t.Helper()
		h.clock.Set(at)
		if err := h.bot.RunJob(h.ctx, bot.JobPartnersNudge, h.house, at); err != nil {
			t.Fatal(err)
		}
		h.flush()
	}
	evening := time.Date(2026, 11, 16, 18, 0, 0, 0, chicago)
	nudge(evening)
	dms := h.ad.To(robin.ID)
	if len(dms) != 1 || !strings.Contains(dms[0].Text, "*Casey*") || len(dms[0].Choices) != 1 {
		t.Fatalf("Robin's nudge = %s", texts(dms))
	}
	if got := h.ad.To(casey.ID); len(got) != 1 {
		t.Errorf("Casey's nudges = %d, want 1", len(got))
	}
	we := dms[0].Choices[0].ID
	if got := text(h.do(h.ev.Press(jamie, we, ""))); !strings.Contains(got, "join") && !strings.Contains(got, "isn't for you") {
		t.Errorf("a stranger's press = %q, want refused", got)
	}
	if got := text(h.do(h.ev.Press(robin, we, ""))); !strings.Contains(got, "connected today") {
		t.Errorf("press = %q", got)
	}
	if got := text(h.do(h.ev.Press(casey, we, ""))); !strings.Contains(got, "Already noted") {
		t.Errorf("second press = %q", got)
	}
	// A later nudge the same day skips the pair that connected.
	h.ad.Reset()
	nudge(evening.Add(2 * time.Hour))
	if n := len(h.ad.Sent()); n != 0 {
		t.Errorf("nudged a pair that connected: %s", texts(h.ad.Sent()))
	}
	nudge(evening.AddDate(0, 0, 1))
	if n := len(h.ad.To(robin.ID)); n != 1 {
		t.Errorf("next day's nudges to Robin = %d, want 1", n)
	}
	// A nudge missed while the bot was down is not sent the next day.
	h.ad.Reset()
	h.clock.Set(evening.AddDate(0, 0, 3))
	if err := h.bot.RunJob(h.ctx, bot.JobPartnersNudge, h.house, evening.AddDate(0, 0, 2)); err != nil {
		t.Fatal(err)
	}
	h.flush()
	if n := len(h.ad.Sent()); n != 0 {
		t.Errorf("a stale nudge went out: %s", texts(h.ad.Sent()))
	}
}

func TestPartnerPings(t *testing.T) {
	h := pairedHarness(t)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.answer(robin, vals("1", "", "Very hard day with family", "yes", "private"))
	h.flush()
	support := h.ad.To(casey.ID)
	if len(support) != 1 || !strings.Contains(support[0].Text, "*Robin* asked for someone to reach out") {
		t.Fatalf("support ping = %s", texts(support))
	}
	if strings.Contains(texts(h.ad.Sent()), "family") {
		t.Error("a ping carries the answer's content")
	}
	if got := text(h.do(h.ev.Press(casey, support[0].Choices[0].ID, ""))); !strings.Contains(got, "Thank you") {
		t.Errorf("I reached out = %q", got)
	}
	// Casey misses the check-in: Robin is pinged at the close.
	h.ad.Reset()
	h.clock.Set(at9(0).Add(4 * time.Hour))
	if err := h.bot.Tick(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "*Casey* hasn't checked in today") {
		t.Errorf("missed ping = %s", texts(got))
	}
	// With pings off, Casey's next miss pings nobody.
	if got := text(h.do(h.ev.Command(casey, "partner", "pings off"))); !strings.Contains(got, "won't be pinged") {
		t.Fatalf("pings off = %q", got)
	}
	if got := text(h.do(h.ev.Command(casey, "partner", "pings maybe"))); !strings.Contains(got, "on or off") {
		t.Errorf("pings maybe = %q", got)
	}
	h.ad.Reset()
	h.clock.Set(at9(1))
	h.openRound(at9(1))
	h.flush()
	h.answer(robin, vals("3", "", "", "no", "private"))
	h.clock.Set(at9(1).Add(4 * time.Hour))
	if err := h.bot.Tick(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()
	for _, m := range h.ad.To(robin.ID) {
		if strings.Contains(m.Text, "hasn't checked in") {
			t.Errorf("pinged although Casey turned pings off: %q", m.Text)
		}
	}
	var stats bot.PartnerStats
	if err := h.db.View(h.ctx, func(tx bot.Tx) (err error) {
		stats, err = tx.PartnerStats(h.ctx, h.house.ID, at9(0).Add(-time.Hour), at9(2))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if stats.Pings != 2 || stats.PingsAnswered != 1 || stats.PingsOff != 1 || stats.Pairs != 1 {
		t.Errorf("stats = %+v", stats)
	}
}

func TestLeavingOrPausingEndsThePair(t *testing.T) {
	for _, tc := range []struct{ name, cmd, raw, want string }{
		{"leave", "leave", "", "has left"},
		{"pause", "checkin", "pause until 2026-12-20", "is away"},
		{"erase", "mydata", "erase", "has left"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := pairedHarness(t)
			h.clock.Set(at9(0))
			resp := h.do(h.ev.Command(robin, tc.cmd, tc.raw))
			if tc.cmd == "mydata" {
				h.do(h.ev.Press(robin, resp.Messages[0].Choices[0].ID, ""))
			}
			h.flush()
			if got := h.ad.To(casey.ID); len(got) != 1 || !strings.Contains(got[0].Text, tc.want) {
				t.Errorf("Casey told = %s, want %q", texts(got), tc.want)
			}
			if got := text(h.do(h.ev.Command(casey, "partner", ""))); !strings.Contains(got, "don't have") {
				t.Errorf("Casey's /partner = %q, want none", got)
			}
		})
	}
}

// TestReachOutAgainPingsThePartnerOnce: turning "reach out" off and on
// again in one check-in is the same request; the partner hears of it once.
func TestReachOutAgainPingsThePartnerOnce(t *testing.T) {
	h := pairedHarness(t)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.answer(robin, vals("2", "", "", "yes", "private"))
	h.answer(robin, vals("2", "", "", "no", "private"))
	h.answer(robin, vals("2", "", "", "yes", "private"))
	h.flush()
	n := 0
	for _, m := range h.ad.To(casey.ID) {
		if strings.Contains(m.Text, "asked for someone to reach out") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("support pings to the partner = %d, want 1: %s", n, texts(h.ad.To(casey.ID)))
	}
}

// TestPartnerTextsFollowEachRecipient: a pair's DMs are each in their
// recipient's language, the House Mentor's replies in theirs, and
// /partner pings reads "no" and "sí" as off and on.
func TestPartnerTextsFollowEachRecipient(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey, jamie)
	h.do(h.ev.Command(robin, "language", "es"))
	h.ad.Reset()
	if got := text(h.do(h.ev.Command(mentor, "partner", "pair <@"+robin.ID+"> <@"+casey.ID+">"))); !strings.Contains(got, "Paired *Robin* and *Casey*") {
		t.Errorf("mentor's reply = %q, want English", got)
	}
	h.flush()
	if got := texts(h.ad.To(robin.ID)); !strings.Contains(got, "Tu compañero de apoyo en Cedar House ahora es *Casey*") {
		t.Errorf("Robin told %q, want Spanish", got)
	}
	if got := texts(h.ad.To(casey.ID)); !strings.Contains(got, "Your accountability partner in Cedar House is now *Robin*") {
		t.Errorf("Casey told %q, want English", got)
	}
	if got := text(h.do(h.ev.Command(robin, "partner", ""))); !strings.Contains(got, "Tu compañero de apoyo: *Casey*, desde el lunes 16 de noviembre") {
		t.Errorf("Robin's /partner = %q", got)
	}
	if got := text(h.do(h.ev.Command(robin, "partner", "pings no"))); !strings.Contains(got, "a tu compañero no le va a llegar aviso") {
		t.Errorf("/partner pings no = %q", got)
	}
	if got := text(h.do(h.ev.Command(robin, "partner", "pings quizás"))); !strings.Contains(got, "Di sí o no") {
		t.Errorf("/partner pings quizás = %q, want a refusal in Spanish", got)
	}
	if got := text(h.do(h.ev.Command(robin, "partner", "pings sí"))); !strings.Contains(got, "Los avisos están activos") {
		t.Errorf("/partner pings sí = %q", got)
	}
	// Casey (English) says "off" in Spanish's "no": the setting is read in
	// any language.
	if got := text(h.do(h.ev.Command(casey, "partner", "pings no"))); !strings.Contains(got, "your partner won't be pinged") {
		t.Errorf("Casey's /partner pings no = %q, want English", got)
	}
	// Re-pairing Casey tells Robin, in Spanish, why.
	h.ad.Reset()
	h.do(h.ev.Command(mentor, "partner", "pair <@"+casey.ID+"> <@"+jamie.ID+">"))
	h.flush()
	if got := texts(h.ad.To(robin.ID)); !strings.Contains(got, "Un mentor de la casa le asignó otro compañero, así que *Casey* ya no es tu compañero de apoyo.") {
		t.Errorf("Robin told %q", got)
	}
}
