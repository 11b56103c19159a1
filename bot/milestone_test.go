package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
)

// ninetyDays is a sober date whose 90 days fall on the harness's first day.
const ninetyDays = "2026-08-18"

func morning(h *harness, day int, late time.Duration) {
	h.t.Helper()
	at := at9(day)
	h.clock.Set(at.Add(late))
	if err := h.bot.RunJob(h.ctx, bot.JobMilestones, h.house, at); err != nil {
		h.t.Fatal(err)
	}
	h.flush()
}

func TestSoberDateValidation(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	for raw, want := range map[string]string{
		"set 2026-11-17": "in the future",
		"set 1899-12-31": "before 1900",
		"set 17/11/2026": "YYYY-MM-DD",
		"set 2026-02-30": "YYYY-MM-DD",
		"set":            "<date>",
		"share maybe":    "on or off",
	} {
		if got := text(h.do(h.ev.Command(robin, "sober-date", raw))); !strings.Contains(got, want) {
			t.Errorf("/sober-date %s = %q, want %q", raw, got, want)
		}
	}
	if got := text(h.do(h.ev.Command(robin, "sober-date", "show"))); !strings.Contains(got, "haven't set") {
		t.Errorf("show after refusals = %q, want nothing stored", got)
	}
	if got := text(h.do(h.ev.Command(robin, "sober-date", "set 2025-08-31"))); !strings.Contains(got, "only you") || !strings.Contains(got, "442 days — 1 year, 2 months and 16 days") {
		t.Errorf("set = %q", got)
	}
	if got := text(h.do(h.ev.Command(guest, "sober-date", "set 2025-08-31"))); !strings.Contains(got, "Sorry, only") {
		t.Errorf("guest set = %q, want a refusal", got)
	}
}

func TestMilestoneOptInAndPrivateCongratulation(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	h.do(h.ev.Command(robin, "sober-date", "set "+ninetyDays))
	h.do(h.ev.Command(robin, "sober-date", "share on"))
	h.do(h.ev.Command(casey, "sober-date", "set "+ninetyDays))
	h.flush()
	h.ad.Reset()
	morning(h, 0, 0)
	posts := h.ad.InChannel(h.house.Channel)
	if len(posts) != 1 || !strings.Contains(posts[0].Text, "*Robin* celebrates *90 days*") {
		t.Fatalf("channel = %s, want Robin's celebration only", texts(posts))
	}
	if strings.Contains(posts[0].Text, "2026") || strings.Contains(posts[0].Text, "Casey") {
		t.Errorf("the post reveals a date or someone who did not opt in: %q", posts[0].Text)
	}
	for _, u := range []bot.User{robin, casey} {
		if got := h.ad.To(u.ID); len(got) != 1 || !strings.Contains(got[0].Text, "90 days today") {
			t.Errorf("%s's private congratulation = %s", u.Name, texts(got))
		}
	}
	// Never twice: a second run the same day (a restart, another key).
	h.ad.Reset()
	morning(h, 0, 3*time.Hour)
	if n := len(h.ad.Sent()); n != 0 {
		t.Errorf("celebrated twice: %s", texts(h.ad.Sent()))
	}
}

func TestMilestoneCatchUp(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.do(h.ev.Command(robin, "sober-date", "set "+ninetyDays))
	h.do(h.ev.Command(robin, "sober-date", "share on"))
	h.flush()
	h.ad.Reset()
	// Down over the 09:00 morning, back at 15:00 the same day: late, once.
	h.clock.Set(at9(0).Add(6 * time.Hour))
	for range 2 {
		if err := h.bot.CatchUp(h.ctx); err != nil {
			t.Fatal(err)
		}
	}
	h.flush()
	if posts := h.ad.InChannel(h.house.Channel); countContaining(posts, "celebrates") != 1 {
		t.Errorf("late celebration posts = %s, want one", texts(posts))
	}
}

func TestMilestoneNotAnnouncedOnAnotherDay(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.do(h.ev.Command(robin, "sober-date", "set "+ninetyDays))
	h.do(h.ev.Command(robin, "sober-date", "share on"))
	h.flush()
	h.ad.Reset()
	// Down all of the milestone's day: the next morning does not announce it.
	morning(h, 0, 25*time.Hour)
	if n := len(h.ad.Sent()); n != 0 {
		t.Errorf("announced on another day: %s", texts(h.ad.Sent()))
	}
}

func TestResetIsSilentAndKind(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	h.clock.Set(at9(0))
	h.do(h.ev.Command(robin, "sober-date", "set 2026-01-01"))
	h.do(h.ev.Command(robin, "sober-date", "share on"))
	h.flush()
	h.ad.Reset()
	resp := h.do(h.ev.Command(robin, "sober-date", "reset 2026-11-16"))
	got := text(resp)
	for _, want := range []string{"nobody else is told", "/resources"} {
		if !strings.Contains(got, want) {
			t.Errorf("reset reply lacks %q: %q", want, got)
		}
	}
	if len(resp.Messages) != 1 || len(resp.Messages[0].Choices) != 1 {
		t.Fatalf("reset reply = %+v, want a resources button", resp)
	}
	if got := text(h.do(h.ev.Press(robin, resp.Messages[0].Choices[0].ID, ""))); !strings.Contains(got, "988") {
		t.Errorf("resources button = %q", got)
	}
	h.flush()
	if n := len(h.ad.Sent()); n != 0 {
		t.Errorf("a reset sent messages: %s", texts(h.ad.Sent()))
	}
	// The new date counts from today: 24 hours tomorrow, celebrated as
	// the resident chose, and the old date's history is theirs alone.
	morning(h, 1, 0)
	if posts := h.ad.InChannel(h.house.Channel); countContaining(posts, "*24 hours*") != 1 {
		t.Errorf("24-hour milestone = %s", texts(posts))
	}
	hist := text(h.do(h.ev.Command(robin, "sober-date", "history")))
	if !strings.Contains(hist, "2026-01-01") || !strings.Contains(hist, "2026-11-16 — new start") {
		t.Errorf("history = %q", hist)
	}
	if got := text(h.do(h.ev.Command(robin, "sober-date", "clear"))); !strings.Contains(got, "removed") {
		t.Errorf("clear = %q", got)
	}
	if got := text(h.do(h.ev.Command(robin, "sober-date", "show"))); !strings.Contains(got, "haven't set") {
		t.Errorf("show after clear = %q", got)
	}
}

func countContaining(ms []bot.Outgoing, s string) int {
	n := 0
	for _, m := range ms {
		if strings.Contains(m.Text, s) {
			n++
		}
	}
	return n
}

// TestMilestonesInEachReadersLanguage: in a Spanish house the channel post
// is in Spanish, a resident who chose English is congratulated in English,
// and "sí" turns sharing on.
func TestMilestonesInEachReadersLanguage(t *testing.T) {
	h := newHarness(t, func(h *bot.House) { h.Locale = "es" })
	h.join(robin, casey)
	h.do(h.ev.Command(robin, "language", "en"))
	h.clock.Set(at9(0))
	if got := text(h.do(h.ev.Command(casey, "sober-date", "set 2025-08-31"))); !strings.Contains(got, "Llevas 442 días — 1 año, 2 meses y 16 días.") {
		t.Errorf("Casey's set = %q, want Spanish", got)
	}
	if got := text(h.do(h.ev.Command(casey, "sober-date", "share quizás"))); !strings.Contains(got, "Di sí o no") {
		t.Errorf("share quizás = %q", got)
	}
	h.do(h.ev.Command(casey, "sober-date", "set "+ninetyDays))
	h.do(h.ev.Command(robin, "sober-date", "set "+ninetyDays))
	if got := text(h.do(h.ev.Command(robin, "sober-date", "share sí"))); !strings.Contains(got, "I'll celebrate with the house") {
		t.Errorf("Robin's share sí = %q, want English", got)
	}
	if got := text(h.do(h.ev.Command(casey, "sober-date", "history"))); !strings.Contains(got, "*Tus fechas de sobriedad*") || !strings.Contains(got, "guardada el 16 nov 2026") {
		t.Errorf("Casey's history = %q", got)
	}
	h.flush()
	h.ad.Reset()
	morning(h, 0, 0)
	if posts := h.ad.InChannel(h.house.Channel); len(posts) != 1 || !strings.Contains(posts[0].Text, "¡*Robin* celebra *90 días* hoy!") {
		t.Errorf("channel = %s, want Robin's celebration in Spanish", texts(posts))
	}
	if got := texts(h.ad.To(robin.ID)); !strings.Contains(got, "🎉 90 days today, Robin.") {
		t.Errorf("Robin's congratulation = %q, want English", got)
	}
	if got := texts(h.ad.To(casey.ID)); !strings.Contains(got, "🎉 ¡90 días hoy, Casey!") {
		t.Errorf("Casey's congratulation = %q, want Spanish", got)
	}
}

// TestMilestoneLabel: a celebration's label comes from its stable key, in
// the reader's language.
func TestMilestoneLabel(t *testing.T) {
	en, es := bot.SourceLang(), i18n.Default().Lang("es")
	for key, want := range map[string][2]string{
		"1d": {"24 hours", "24 horas"}, "90d": {"90 days", "90 días"}, "6m": {"6 months", "6 meses"},
		"1y": {"1 year", "1 año"}, "2y": {"2 years", "2 años"}, "": {"", ""}, "xd": {"xd", "xd"},
	} {
		if got := [2]string{bot.MilestoneLabel(en, key), bot.MilestoneLabel(es, key)}; got != want {
			t.Errorf("MilestoneLabel(%q) = %q, want %q", key, got, want)
		}
	}
	// The English labels are those MilestonesOn keeps as a record.
	sober := time.Date(2024, 8, 18, 0, 0, 0, 0, time.UTC)
	for _, day := range []time.Time{sober.AddDate(0, 0, 1), sober.AddDate(0, 0, 90), bot.AddMonths(sober, 6), bot.AddMonths(sober, 24)} {
		for _, m := range bot.MilestonesOn(sober, day, nil) {
			if got := bot.MilestoneLabel(en, m.Key); got != m.Label {
				t.Errorf("MilestoneLabel(%q) = %q, want %q", m.Key, got, m.Label)
			}
		}
	}
}
