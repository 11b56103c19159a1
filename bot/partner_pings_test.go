package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// roundAt opens a check-in round at t (a 4-hour window) and delivers the
// prompt.
func (h *harness) roundAt(t time.Time) {
	h.t.Helper()
	h.clock.Set(t)
	h.openRound(t)
	h.flush()
}

// pingsTo returns the partner pings u got about missed check-ins.
func pingsTo(h *harness, u bot.User) []bot.Outgoing {
	var out []bot.Outgoing
	for _, m := range h.ad.To(u.ID) {
		if strings.HasPrefix(m.Text, "💛") && !strings.Contains(m.Text, "asked for someone to reach out") {
			out = append(out, m)
		}
	}
	return out
}

func TestMissPingsOncePerDayCountingMissesInARow(t *testing.T) {
	h := pairedHarness(t)
	// Day 0, 09:00: Casey misses; Robin hears at the close.
	h.roundAt(at9(0))
	h.tick(at9(0).Add(4 * time.Hour))
	got := pingsTo(h, robin)
	if len(got) != 1 || got[0].Text != "💛 *Casey* hasn't checked in today — maybe reach out?" {
		t.Fatalf("first miss = %s", texts(got))
	}
	if labels := fmt.Sprint(got[0].Choices); !strings.Contains(labels, "I reached out") || !strings.Contains(labels, "Mute these for a week") {
		t.Errorf("buttons = %s", labels)
	}
	// Day 0, 15:00: a second miss the same day pings nobody.
	h.ad.Reset()
	h.roundAt(at9(0).Add(6 * time.Hour))
	h.tick(at9(0).Add(10 * time.Hour))
	if got := pingsTo(h, robin); len(got) != 0 {
		t.Errorf("second miss the same day = %s, want no ping", texts(got))
	}
	// Day 1: the third miss in a row is one message.
	h.ad.Reset()
	h.roundAt(at9(1))
	h.tick(at9(1).Add(4 * time.Hour))
	got = pingsTo(h, robin)
	if len(got) != 1 || got[0].Text != "💛 *Casey* has missed the last 3 check-ins — maybe reach out?" {
		t.Fatalf("third miss = %s", texts(got))
	}

	// Robin mutes them for a week from the ping's button.
	if reply := text(h.do(h.ev.Press(casey, got[0].Choices[1].ID, ""))); !strings.Contains(reply, "isn't for you") {
		t.Errorf("Casey muting Robin's ping = %q", reply)
	}
	if reply := text(h.do(h.ev.Press(robin, got[0].Choices[1].ID, ""))); !strings.Contains(reply, "won't be pinged when your partner misses a check-in") || !strings.Contains(reply, "still hear, always") {
		t.Errorf("mute = %q", reply)
	}
	h.ad.Reset()
	h.roundAt(at9(2))
	h.tick(at9(2).Add(4 * time.Hour))
	if got := pingsTo(h, robin); len(got) != 0 {
		t.Errorf("muted, Robin got %s", texts(got))
	}
	// A request for support is never muted.
	h.roundAt(at9(3))
	h.answer(casey, vals("1", "", "", "yes", "private"))
	h.flush()
	if got := texts(h.ad.To(robin.ID)); !strings.Contains(got, "Your partner *Casey* asked for someone to reach out") {
		t.Errorf("support while muted = %q", got)
	}
	// Unmuted, the next miss pings again; the answer on day 3 ended the
	// streak.
	if reply := text(h.do(h.ev.Command(robin, "partner", "unmute"))); !strings.Contains(reply, "Pings are back on") {
		t.Errorf("unmute = %q", reply)
	}
	if reply := text(h.do(h.ev.Command(robin, "partner", "unmute"))); !strings.Contains(reply, "aren't muted") {
		t.Errorf("second unmute = %q", reply)
	}
	h.ad.Reset()
	h.roundAt(at9(4))
	h.tick(at9(4).Add(4 * time.Hour))
	if got := pingsTo(h, robin); len(got) != 1 || !strings.Contains(got[0].Text, "hasn't checked in today") {
		t.Errorf("after unmute = %s", texts(got))
	}
	// The command mutes too, until a week later.
	if reply := text(h.do(h.ev.Command(robin, "partner", "mute"))); !strings.Contains(reply, "Fri 27 Nov") {
		t.Errorf("/partner mute = %q, want the end of the week", reply)
	}
}

func TestMissPingsWaitForTheEndOfQuietHours(t *testing.T) {
	quiet, err := bot.ParseQuietHours("22:00-08:00")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(h *bot.House) { h.QuietHours = quiet })
	h.join(robin, casey)
	h.do(h.ev.Command(mentor, "partner", "pair <@"+robin.ID+"> <@"+casey.ID+">"))
	h.flush()
	evening := time.Date(2026, 11, 16, 19, 0, 0, 0, chicago)
	// Robin checks in every round; Casey is the one who misses.
	robinIn := func(at time.Time) {
		t.Helper()
		h.roundAt(at)
		h.answer(robin, vals("4", "", "", "no", "private"))
		h.flush()
	}
	robinIn(evening)
	h.ad.Reset()
	h.tick(evening.Add(4 * time.Hour)) // 23:00: the round closes in quiet hours
	if got := pingsTo(h, robin); len(got) != 0 {
		t.Fatalf("ping in quiet hours = %s", texts(got))
	}
	// A crisis request for the partner is never held back.
	h.clock.Set(evening.Add(4*time.Hour + 30*time.Minute))
	h.do(h.ev.Press(casey, fmt.Sprintf("crisis:partner:%d", h.house.ID), ""))
	h.flush()
	if got := texts(h.ad.To(robin.ID)); !strings.Contains(got, "Your partner *Casey* asked for someone to reach out") {
		t.Errorf("support in quiet hours = %q, want it at once", got)
	}
	h.ad.Reset()
	next := time.Date(2026, 11, 17, 8, 0, 0, 0, chicago)
	h.tick(next.Add(-time.Minute))
	if got := pingsTo(h, robin); len(got) != 0 {
		t.Errorf("ping at 07:59 = %s", texts(got))
	}
	h.tick(next)
	got := pingsTo(h, robin)
	if len(got) != 1 || got[0].Text != "💛 *Casey* missed their last check-in — maybe reach out?" {
		t.Fatalf("ping at 08:00 = %s", texts(got))
	}
	h.tick(next.Add(time.Minute))
	if got := pingsTo(h, robin); len(got) != 1 {
		t.Errorf("pings after a second tick = %d, want still 1", len(got))
	}
	// That ping was the day's: Casey's miss at 13:00 waits for tomorrow's.
	h.ad.Reset()
	robinIn(next.Add(time.Hour))
	h.tick(next.Add(5 * time.Hour))
	if got := pingsTo(h, robin); len(got) != 0 {
		t.Errorf("second ping on the 17th = %s", texts(got))
	}

	// A waiting ping is dropped if Casey checks in before it goes out.
	h.ad.Reset()
	robinIn(time.Date(2026, 11, 18, 19, 0, 0, 0, chicago))
	h.tick(time.Date(2026, 11, 18, 23, 0, 0, 0, chicago))
	robinIn(time.Date(2026, 11, 19, 6, 0, 0, 0, chicago))
	h.answer(casey, vals("4", "", "", "no", "private"))
	h.tick(time.Date(2026, 11, 19, 8, 0, 0, 0, chicago))
	if got := pingsTo(h, robin); len(got) != 0 {
		t.Errorf("ping after Casey checked in = %s, want it dropped", texts(got))
	}
	var stats bot.PartnerStats
	if err := h.db.View(h.ctx, func(tx bot.Tx) (err error) {
		stats, err = tx.PartnerStats(h.ctx, h.house.ID, evening, evening.AddDate(0, 0, 7))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if stats.Pings != 2 {
		t.Errorf("pings counted = %d, want 2 (the support request and the 08:00 ping; not the dropped one)", stats.Pings)
	}
}

func TestQuietHours(t *testing.T) {
	night, err := bot.ParseQuietHours("22:00-08:00")
	if err != nil {
		t.Fatal(err)
	}
	afternoon, err := bot.ParseQuietHours(" 13:30-15:00 ")
	if err != nil {
		t.Fatal(err)
	}
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, chicago) }
	for _, tc := range []struct {
		q        bot.QuietHours
		in, want time.Time
	}{
		{night, at(16, 21, 59), at(16, 21, 59)},
		{night, at(16, 22, 0), at(17, 8, 0)},
		{night, at(16, 23, 30), at(17, 8, 0)},
		{night, at(17, 3, 0), at(17, 8, 0)},
		{night, at(17, 8, 0), at(17, 8, 0)},
		{night, at(30, 23, 0), time.Date(2026, 12, 1, 8, 0, 0, 0, chicago)},
		{afternoon, at(16, 14, 0), at(16, 15, 0)},
		{afternoon, at(16, 13, 29), at(16, 13, 29)},
		{bot.QuietHours{}, at(16, 23, 0), at(16, 23, 0)},
		// The night daylight saving starts: 08:00 is CDT.
		{night, time.Date(2026, 3, 7, 23, 0, 0, 0, chicago), time.Date(2026, 3, 8, 8, 0, 0, 0, chicago)},
	} {
		if got := tc.q.Over(tc.in, chicago); !got.Equal(tc.want) {
			t.Errorf("%s.Over(%s) = %s, want %s", tc.q, tc.in, got, tc.want)
		}
	}
	for _, s := range []string{"", "off", "OFF"} {
		if q, err := bot.ParseQuietHours(s); err != nil || q.Set {
			t.Errorf("ParseQuietHours(%q) = %+v, %v; want none", s, q, err)
		}
	}
	for _, s := range []string{"22:00", "22-08", "10pm-8am", "25:00-08:00", "22:00-22:00", "22:00-08:00-09:00"} {
		if _, err := bot.ParseQuietHours(s); err == nil {
			t.Errorf("ParseQuietHours(%q) accepted", s)
		}
	}
	if got := night.String(); got != "22:00-08:00" {
		t.Errorf("String = %q", got)
	}
}
