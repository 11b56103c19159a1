package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// chartRecorder is a chart renderer that keeps what it was asked to draw.
type chartRecorder struct {
	weeks [][]bot.DigestWeek
	// titles and langs are each chart's title and legend's language.
	titles, langs []string
}

func (c *chartRecorder) config(cfg *bot.Config) {
	cfg.Chart = func(l bot.Lang, title string, weeks []bot.DigestWeek) ([]byte, error) {
		c.weeks = append(c.weeks, weeks)
		c.titles, c.langs = append(c.titles, title), append(c.langs, l.Code())
		return []byte("\x89PNG fake"), nil
	}
}

// historyOf runs /history as the caller and returns the reply and the
// direct message it sent them.
func historyOf(t *testing.T, h *harness, caller bot.User, raw string) (string, []bot.Outgoing) {
	t.Helper()
	before := len(h.ad.To(caller.ID))
	reply := text(h.bot.Handle(h.ctx, h.ev.Command(caller, "history", raw)))
	h.flush()
	return reply, h.ad.To(caller.ID)[before:]
}

// TestResidentHistory reads the seeded week (see seededWeek) through
// /history as a House Mentor, on the Monday after it.
func TestResidentHistory(t *testing.T) {
	charts := &chartRecorder{}
	h := seededWeek(t, charts.config)

	reply, dms := historyOf(t, h, mentor, "<@"+robin.ID+"> 2")
	if !strings.Contains(reply, "sent you Robin's last 2 week(s) by direct message") || len(dms) != 1 || dms[0].Target.Kind != bot.TargetDM {
		t.Fatalf("reply %q, DMs %s", reply, texts(dms))
	}
	got := dms[0].Text
	for _, want := range []string{
		"*Robin — the last 2 week(s)* (Mon 16 Nov – Mon 23 Nov)",
		"7 of 7 answered, 0 missed.",
		"2 answer(s) were kept private: counted as answered, never shown.",
		// Wednesday to Sunday were shared with mentors, all mood 3; Monday's
		// 1 and Tuesday's 3 were private and must not move the average
		// (with them it would be 2.7).
		"• W47 (16 Nov): 7 of 7 · mood 3.0 · asked for someone to reach out 1 time(s) · connected with their partner on 1 day(s) · came to 1 of 1 activities",
		"• W48 (23 Nov): no check-ins",
		"Asked for someone to reach out in 1 check-in(s).",
		"• Casey",
		"• Movie night, Fri 20 Nov: came",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("history lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "2.7") || strings.Contains(got, "A walk") {
		t.Errorf("history shows a private mood or quotes an answer:\n%s", got)
	}
	if dms[0].Attachment == nil || dms[0].Attachment.ContentType != "image/png" {
		t.Errorf("history has no chart: %+v", dms[0].Attachment)
	}
	if len(charts.weeks) != 1 || len(charts.weeks[0]) != 2 || f(charts.weeks[0][0].MoodAvg) != "3.00" ||
		f(charts.weeks[0][0].ParticipationRate) != "1.00" || charts.weeks[0][1].MoodAvg != nil || charts.weeks[0][0].Week != "2026-W47" {
		t.Errorf("chart weeks = %+v", charts.weeks)
	}

	// Casey: a private Monday, a crisis alert on Tuesday, then four misses.
	_, dms = historyOf(t, h, owner, "<@"+casey.ID+">")
	if len(dms) != 1 {
		t.Fatalf("operator's DMs = %s", texts(dms))
	}
	for _, want := range []string{
		"*Casey — the last 4 week(s)*",
		"3 of 7 answered, 4 missed. ⚠️ The last 4 missed in a row.",
		"1 answer(s) were kept private",
		"• W47 (16 Nov): 3 of 7 · mood 4.0",
		"Tue 17 Nov: crisis alert, a House Mentor was on it after 6 min",
		"• W45 (2 Nov): no check-ins",
	} {
		if !strings.Contains(dms[0].Text, want) {
			t.Errorf("Casey's history lacks %q:\n%s", want, dms[0].Text)
		}
	}
	// Each read is audited.
	h.wantAudit(map[string]int{"history.read": 2})
}

// TestResidentHistoryRefusesAndExplains: residents get a kind refusal, and
// bad input a clear private message, with nothing read or sent.
func TestResidentHistoryRefusesAndExplains(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	h.do(h.ev.Command(casey, "leave", ""))
	for _, tc := range []struct {
		caller bot.User
		raw    string
		want   string
	}{
		{robin, "<@" + casey.ID + ">", "That one is for House Mentors, so they can look out for everyone. Your own check-ins are always yours to see: /checkin history."},
		{guest, "<@" + robin.ID + ">", "That one is for House Mentors"},
		{mentor, "", "Missing <resident>. Usage: /history <resident> [weeks]"},
		{mentor, "robin", "<resident> must mention someone"},
		{mentor, "<@" + robin.ID + "> four", "<weeks> must be a whole number"},
		{mentor, "<@" + robin.ID + "> 0", "<weeks> must be from 1 to 12"},
		{mentor, "<@" + robin.ID + "> 13", "<weeks> must be from 1 to 12"},
		{mentor, "<@" + guest.ID + ">", "<@U-guest> hasn't joined Cedar House's check-ins"},
		{owner, "<@" + casey.ID + ">", "Casey isn't a resident of Cedar House any more"},
	} {
		reply, dms := historyOf(t, h, tc.caller, tc.raw)
		if !strings.Contains(reply, tc.want) || len(dms) != 0 {
			t.Errorf("/history %s as %s = %q and %d DM(s); want %q and none", tc.raw, tc.caller.Name, reply, len(dms), tc.want)
		}
	}
	h.wantAudit(map[string]int{"history.read": 0})
	// A mentor who is also a resident may look at their own, private
	// answers included.
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.join(mentor)
	h.answer(mentor, vals("2", "", "", "no", "private"))
	tick(t, h, at9(0).Add(4*time.Hour))
	if _, dms := historyOf(t, h, mentor, "<@"+mentor.ID+"> 1"); len(dms) != 1 || !strings.Contains(dms[0].Text, "mood 2.0") {
		t.Errorf("own history = %s, want the private mood shown to its author", texts(dms))
	}
}

// TestHistoryIsErasedWithItsResident: the history DM names the resident
// and their partner; erasing either before it is sent takes it away.
func TestHistoryIsErasedWithItsResident(t *testing.T) {
	for _, erased := range []bot.User{robin, casey} {
		t.Run(erased.Name, func(t *testing.T) {
			h := seededWeek(t)
			before := len(h.ad.To(mentor.ID))
			h.bot.Handle(h.ctx, h.ev.Command(mentor, "history", "<@"+robin.ID+"> 2")) // not flushed
			if n := outboxWith(t, h, "the last 2 week(s)"); n != 1 {
				t.Fatalf("history messages queued = %d, want 1", n)
			}
			if err := h.bot.EraseData(h.ctx, h.house, erased.ID, "cli"); err != nil {
				t.Fatal(err)
			}
			h.flush()
			if n := outboxWith(t, h, "the last 2 week(s)"); n != 0 {
				t.Errorf("history messages left after erasing %s = %d, want 0", erased.Name, n)
			}
			if got := h.ad.To(mentor.ID)[before:]; strings.Contains(texts(got), "week(s)") {
				t.Errorf("the history of an erased resident was delivered: %s", texts(got))
			}
		})
	}
}

// TestResidentHistoryInSpanish: the history is a private letter to the
// House Mentor who asks, in their language: the house's, or their own
// choice; the resident's answers stay out of it in every language.
func TestResidentHistoryInSpanish(t *testing.T) {
	charts := &chartRecorder{}
	h := seededWeek(t, charts.config)
	h.house.Locale = "es"
	reply, dms := historyOf(t, h, mentor, "<@"+robin.ID+"> 2")
	if reply != "Te mandé las últimas 2 semanas de Robin por mensaje directo. Solo tú las puedes ver." || len(dms) != 1 {
		t.Fatalf("reply %q, DMs %s", reply, texts(dms))
	}
	got := dms[0].Text
	for _, want := range []string{
		"*Robin — las últimas 2 semanas* (lun 16 nov – lun 23 nov)",
		"7 de 7 respondidos, 0 sin responder.",
		"2 respuestas quedaron privadas: cuentan como respondidas, nunca se muestran.",
		"• W47 (16 nov): 7 de 7 · ánimo 3.0 · pidió 1 vez que alguien se comunicara · conectó con su compañero 1 día · vino a 1 de 1 actividad",
		"• W48 (23 nov): sin check-ins",
		"*Compañero de apoyo*\n• Casey",
		"• Movie night, vie 20 nov: vino",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Spanish history lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "2.7") || strings.Contains(got, "A walk") {
		t.Errorf("history shows a private mood or quotes an answer:\n%s", got)
	}
	if n := len(charts.langs); n != 1 || charts.langs[0] != "es" || charts.titles[0] != "Robin — las últimas 2 semanas" {
		t.Errorf("charts drawn: %q in %q, want one, in Spanish", charts.titles, charts.langs)
	}
	if got := text(h.bot.Handle(h.ctx, h.ev.Command(mentor, "history", "<@"+robin.ID+"> 13"))); !strings.Contains(got, "tiene que ser de 1 a 12") {
		t.Errorf("bad weeks in Spanish = %q", got)
	}
}
