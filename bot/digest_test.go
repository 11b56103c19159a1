package bot_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/bot/bottest"
	"github.com/porchlight/porchlight/outbox"
	"github.com/porchlight/porchlight/render"
	"github.com/porchlight/porchlight/storage/storagetest"
)

var updateGolden = flag.Bool("update", false, "rewrite the digest golden files in testdata")

// seededWeek plays ISO week 2026-W47 (Mon 16 – Sun 22 November, Chicago)
// in a house and returns the harness. By hand:
//
//   - Robin, Casey and Jamie joined the week before; Lee on Monday.
//   - Seven daily rounds at 09:00. Robin answers all seven: mood 1 and 3
//     privately on Monday and Tuesday, then mood 3 for the mentors, asking
//     for someone to reach out on Thursday. Casey answers Monday to
//     Wednesday, mood 4, privately on Monday and then shared with the
//     house, then misses four in a row.
//     Lee answers Monday to Saturday, mood 5 privately, and misses Sunday.
//     Jamie is paused all week.
//   - Expected 7+7+7+0 = 21, answered 7+3+6 = 16: 76 %. Moods: (1+3+3*5) +
//     3*4 + 6*5 = 61 over 16 answers from 3 residents: 3.8.
//   - As the operator reads it, Robin's visible moods average 3.0 (Monday
//     and Tuesday are private), Casey's 4.0, Lee's none. Three residents
//     keep some moods private (1, 3, 4 and 5), so the house average may be
//     shown: it says no more about them than an average of three.
//   - Casey's crisis alert on Tuesday is acknowledged after 6 minutes.
//   - Robin and Casey are partners; they connect once. Casey's four misses
//     and Robin's request ping the partner: 5 pings.
//   - Friday's movie night: Robin and Lee going, Casey maybe; Robin came.
//   - Robin shares milestones: 90 days on Monday.
func seededWeek(t *testing.T, config ...func(*bot.Config)) *harness {
	t.Helper()
	var cfg func(*bot.Config)
	if len(config) > 0 {
		cfg = config[0]
	}
	h := newHarnessWith(t, storagetest.Open(t), time.Date(2026, 11, 16, 8, 0, 0, 0, chicago), cfg, testHouse())
	h.clock.Set(time.Date(2026, 11, 10, 12, 0, 0, 0, chicago))
	h.join(robin, casey, jamie)
	h.do(h.ev.Command(robin, "sober-date", "set "+ninetyDays))
	h.do(h.ev.Command(robin, "sober-date", "share on"))
	h.do(h.ev.Command(jamie, "checkin", "pause until 2026-11-30"))
	h.clock.Set(time.Date(2026, 11, 16, 8, 0, 0, 0, chicago))
	h.join(lee)
	h.do(h.ev.Command(mentor, "partner", "pair <@"+robin.ID+"> <@"+casey.ID+">"))
	morning(h, 0, 0)
	id, post := addActivity(t, h, nil)
	_ = id
	rsvp(h, robin, post, 0)
	rsvp(h, lee, post, 0)
	rsvp(h, casey, post, 1)
	for day := 0; day < 7; day++ {
		h.clock.Set(at9(day))
		h.openRound(at9(day))
		h.flush()
		switch {
		case day < 2:
			h.answer(robin, vals([]string{"1", "3"}[day], "", "", "no", "private"))
		case day == 3:
			h.answer(robin, vals("3", "", "", "yes", "mentors"))
		default:
			h.answer(robin, vals("3", "", "", "no", "mentors"))
		}
		switch {
		case day == 0:
			h.answer(casey, vals("4", "A walk", "", "no", "private"))
		case day < 3:
			h.answer(casey, vals("4", "A walk", "", "no", "house"))
		}
		if day < 6 {
			h.answer(lee, vals("5", "", "", "no", "private"))
		}
		if day == 1 {
			h.do(h.ev.DM(casey, "I'm not safe right now"))
			h.do(h.ev.Press(casey, "crisis:alert", ""))
			h.flush()
			alert := h.ad.To(mentor.ID)
			h.clock.Set(at9(day).Add(6 * time.Minute))
			h.do(h.ev.Press(mentor, alert[len(alert)-1].Choices[0].ID, ""))
		}
		if day == 2 {
			if err := h.bot.RunJob(h.ctx, bot.JobPartnersNudge, h.house, at9(day).Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			h.flush()
			nudge := h.ad.To(robin.ID)
			h.do(h.ev.Press(robin, nudge[len(nudge)-1].Choices[0].ID, ""))
		}
		if day == 4 { // Friday: the movie night
			tick(t, h, friday7pm)
			here := h.ad.To(robin.ID)
			h.do(h.ev.Press(robin, here[len(here)-1].Choices[0].ID, ""))
			tick(t, h, friday7pm.Add(2*time.Hour))
			continue
		}
		tick(t, h, at9(day).Add(4*time.Hour))
	}
	h.clock.Set(time.Date(2026, 11, 23, 8, 0, 0, 0, chicago))
	return h
}

// digestOf builds W47 for the operator through the command line's path.
func digestOf(t *testing.T, h *harness, week string) *bot.Digest {
	t.Helper()
	d, err := h.bot.Digest(h.ctx, h.house, week, "cli")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func f(v *float64) string {
	if v == nil {
		return "nil"
	}
	return fmt.Sprintf("%.2f", *v)
}

func TestDigestNumbers(t *testing.T) {
	h := seededWeek(t)
	d := digestOf(t, h, "2026-W47")
	if d.Week != "2026-W47" || d.PeriodStart.Format(time.RFC3339) != "2026-11-16T00:00:00-06:00" || d.PeriodEnd.Format(time.RFC3339) != "2026-11-23T00:00:00-06:00" {
		t.Errorf("period = %s %v – %v", d.Week, d.PeriodStart, d.PeriodEnd)
	}
	var got []string
	for _, r := range d.Residents {
		got = append(got, fmt.Sprintf("%s %d/%d missed %d streak %d paused %d mood %s support %d", r.Name, r.CheckinsAnswered, r.CheckinsExpected, r.Missed, r.ConsecutiveMisses, r.PausedDays, f(r.MoodAvg), r.SupportRequests))
	}
	want := []string{
		"Robin 7/7 missed 0 streak 0 paused 0 mood 3.00 support 1",
		"Casey 3/7 missed 4 streak 4 paused 0 mood 4.00 support 0",
		"Jamie 0/0 missed 0 streak 0 paused 7 mood nil support 0",
		"Lee 6/7 missed 1 streak 1 paused 0 mood nil support 0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("residents:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	tt := d.Totals
	if tt.Expected != 21 || tt.Answered != 16 || f(tt.ParticipationRate) != "0.76" || f(tt.MoodAvg) != "3.80" || tt.PreviousRate != nil {
		t.Errorf("totals = %d/%d rate %s mood %s previous %s", tt.Answered, tt.Expected, f(tt.ParticipationRate), f(tt.MoodAvg), f(tt.PreviousRate))
	}
	if len(tt.MoodTrend) != 4 || tt.MoodTrend[3] == nil || tt.MoodTrend[0] != nil || len(d.Trend) != 8 {
		t.Errorf("trend = %v / %d weeks", tt.MoodTrend, len(d.Trend))
	}
	if s := d.Support; s.ReachOutRequests != 1 || len(s.CrisisAlerts) != 1 || s.CrisisAlerts[0].Resident != "Casey" || f(s.CrisisAlerts[0].AckMinutes) != "6.00" {
		t.Errorf("support = %+v", s)
	}
	if len(d.Activities) != 1 || fmt.Sprintf("%+v", d.Activities[0]) == "" || d.Activities[0].Going != 2 || d.Activities[0].Maybe != 1 || d.Activities[0].Attended != 1 || d.Activities[0].Status != "held" {
		t.Errorf("activities = %+v", d.Activities)
	}
	if p := d.Partners; len(p.Pairs) != 1 || p.Pairs[0].ConnectedDays != 1 || p.PingsSent != 5 || p.Nudges != 1 {
		t.Errorf("partners = %+v", p)
	}
	if m := d.Milestones; len(m.Celebrated) != 1 || m.Celebrated[0].Milestone != "90 days" || strings.Join(m.Joined, ",") != "Lee" || len(m.Left) != 0 {
		t.Errorf("milestones = %+v", m)
	}
	if n, err := h.db.CountAudit(h.ctx, "digest.read"); err != nil || n != 1 {
		t.Errorf("digest audit rows = %d, %v; want 1", n, err)
	}
}

// TestDigestSmallGroup: with fewer than three residents' moods, the house
// average is not shown, anywhere.
func TestDigestSmallGroup(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.answer(robin, vals("2", "", "", "no", "private"))
	h.answer(casey, vals("4", "", "", "no", "private"))
	tick(t, h, at9(0).Add(4*time.Hour))
	d := digestOf(t, h, "2026-W47")
	if d.Totals.MoodAvg != nil {
		t.Errorf("mood average over 2 residents = %s, want hidden", f(d.Totals.MoodAvg))
	}
	for _, r := range d.Residents {
		if r.MoodAvg != nil {
			t.Errorf("%s's private mood shown: %s", r.Name, f(r.MoodAvg))
		}
	}
	if text := render.DigestText(d); !strings.Contains(text, "not shown this week (it needs moods from at least 3 residents") || strings.Contains(text, "3.0") {
		t.Errorf("text = %q", text)
	}
}

// TestDigestDSTWeek: the week the clocks go back (Sun 1 Nov 2026) is seven
// local days and one hour long, and its Sunday round belongs to it.
func TestDigestDSTWeek(t *testing.T) {
	h := newHarnessDB(t, storagetest.Open(t), time.Date(2026, 10, 20, 8, 0, 0, 0, chicago))
	h.join(robin)
	sunday := time.Date(2026, 11, 1, 9, 0, 0, 0, chicago)
	monday := time.Date(2026, 11, 2, 9, 0, 0, 0, chicago)
	for _, at := range []time.Time{sunday, monday} {
		h.clock.Set(at)
		h.openRound(at)
		h.flush()
		h.answer(robin, vals("3", "", "", "no", "mentors"))
		tick(t, h, at.Add(4*time.Hour))
	}
	d := digestOf(t, h, "2026-W44")
	if got := d.PeriodEnd.Sub(d.PeriodStart); got != 7*24*time.Hour+time.Hour {
		t.Errorf("W44 lasts %v, want 169h", got)
	}
	if d.Totals.Answered != 1 || d.Residents[0].CheckinsAnswered != 1 {
		t.Errorf("W44 answered = %d, want Sunday's only", d.Totals.Answered)
	}
	if d := digestOf(t, h, "2026-W45"); d.Totals.Answered != 1 {
		t.Errorf("W45 answered = %d, want Monday's", d.Totals.Answered)
	}
}

func TestWeekStart(t *testing.T) {
	for week, want := range map[string]string{
		"2026-W47": "2026-11-16", "2026-W01": "2025-12-29", "2026-W53": "2026-12-28", "2027-W01": "2027-01-04", "2020-W53": "2020-12-28",
	} {
		got, err := bot.WeekStart(week, chicago)
		if err != nil || got.Format(time.DateOnly) != want || got.Weekday() != time.Monday {
			t.Errorf("WeekStart(%s) = %v, %v; want Monday %s", week, got, err, want)
		}
	}
	for _, bad := range []string{"2027-W53", "2026-47", "W47", "2026-W0", "2026-W54", "next week"} {
		if _, err := bot.WeekStart(bad, chicago); bot.ErrorCode(err) != bot.EInvalid {
			t.Errorf("WeekStart(%q) = %v, want a user-safe error", bad, err)
		}
	}
}

func TestDigestGoldenFormats(t *testing.T) {
	h := seededWeek(t)
	d := digestOf(t, h, "2026-W47")
	csv, err := render.DigestCSV(d)
	if err != nil {
		t.Fatal(err)
	}
	js, err := render.DigestJSON(d)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]string{
		"digest.txt": render.DigestText(d) + "\n", "digest.md": render.DigestMarkdown(d), "digest.csv": string(csv), "digest.json": string(js) + "\n",
	} {
		path := "testdata/" + name
		if *updateGolden {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s differs from the golden file (go test ./bot -run TestDigestGoldenFormats -update after a deliberate change):\n%s", name, got)
		}
	}
	html, err := render.DigestHTML(d, []byte("\x89PNG fake"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), `src="data:image/png;base64,`) || !strings.Contains(string(html), "<td>Casey</td>") {
		t.Errorf("html lacks the embedded chart or the residents")
	}
	// The same week read in Spanish: the texts are Spanish (goldens), the
	// JSON and CSV the same codes and numbers as in English.
	d.Lang = (&bot.House{Locale: "es"}).Lang()
	if js2, _ := render.DigestJSON(d); string(js2) != string(js) {
		t.Errorf("the JSON of a Spanish reader differs from the English:\n%s", js2)
	}
	if csv2, _ := render.DigestCSV(d); string(csv2) != string(csv) {
		t.Errorf("the CSV of a Spanish reader differs from the English:\n%s", csv2)
	}
	for name, got := range map[string]string{"digest.es.txt": render.DigestText(d) + "\n", "digest.es.md": render.DigestMarkdown(d)} {
		path := "testdata/" + name
		if *updateGolden {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s differs from the golden file (go test ./bot -run TestDigestGoldenFormats -update after a deliberate change):\n%s", name, got)
		}
	}
	html, err = render.DigestHTML(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<html lang="es">`, "<h1>Resumen semanal — Cedar House, 2026-W47</h1>", "<th>Residente</th>", "<h2>Apoyo</h2>"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("Spanish html lacks %q", want)
		}
	}
}

// TestDigestFollowsItsReader: the digest is a private letter, so it is in
// its reader's language: an operator who is not a member reads the
// house's, a staff member who chose a language reads theirs, as do the
// replies to /digest.
func TestDigestFollowsItsReader(t *testing.T) {
	h := seededWeek(t)
	h.house.Locale = "es"
	h.ad.Reset()
	if got := text(h.do(h.ev.Command(owner, "digest", "2026-W47"))); !strings.HasPrefix(got, "Te mandé el resumen de 2026-W47 por mensaje directo.") {
		t.Errorf("/digest in a Spanish house = %q", got)
	}
	if got := text(h.do(h.ev.Command(owner, "digest", "pasada"))); !strings.Contains(got, "forma ISO") {
		t.Errorf("bad week in Spanish = %q", got)
	}
	if err := h.bot.RunJob(h.ctx, bot.JobDigest, h.house, time.Date(2026, 11, 23, 8, 0, 0, 0, chicago)); err != nil {
		t.Fatal(err)
	}
	h.flush()
	got := h.ad.To(owner.ID)
	if len(got) != 2 {
		t.Fatalf("the operator got %d digests, want 2", len(got))
	}
	for _, m := range got {
		if !strings.HasPrefix(m.Text, "*Resumen semanal — Cedar House, 2026-W47* (lun 16 nov – dom 22 nov 2026)") || !strings.Contains(m.Text, "*Participación:*") {
			t.Errorf("digest to the operator of a Spanish house = %s", m.Text)
		}
	}
	// A House Mentor who is a member and chose English reads English in
	// the Spanish house.
	h.join(mentor)
	h.do(h.ev.Command(mentor, "language", "en"))
	h.ad.Reset()
	if got := text(h.do(h.ev.Command(mentor, "digest", "2026-W47"))); !strings.HasPrefix(got, "I've sent you the digest for 2026-W47 by direct message.") {
		t.Errorf("/digest of an English mentor = %q", got)
	}
	h.flush()
	if got := h.ad.To(mentor.ID); len(got) != 1 || !strings.HasPrefix(got[0].Text, "*Weekly digest — Cedar House, 2026-W47*") {
		t.Errorf("the mentor's digest = %s", texts(got))
	}
}

func TestDigestCommand(t *testing.T) {
	h := seededWeek(t)
	h.ad.Reset()
	if got := text(h.do(h.ev.Command(robin, "digest", ""))); !strings.Contains(got, "House Mentor") {
		t.Errorf("resident /digest = %q, want a refusal", got)
	}
	if got := text(h.do(h.ev.Command(owner, "digest", "lastweek"))); !strings.Contains(got, "ISO form") {
		t.Errorf("bad week = %q", got)
	}
	if got := text(h.do(h.ev.Command(owner, "digest", ""))); !strings.Contains(got, "2026-W47") {
		t.Fatalf("/digest = %q", got)
	}
	h.flush()
	dm := h.ad.To(owner.ID)
	if len(dm) != 1 || dm[0].Target.Kind != bot.TargetDM || !strings.Contains(dm[0].Text, "Weekly digest — Cedar House, 2026-W47") {
		t.Errorf("digest DM = %s", texts(dm))
	}
	if strings.Contains(dm[0].Text, "A walk") {
		t.Error("the digest quotes an answer")
	}
	// The scheduled job sends it to operators only (mentors: false).
	h.ad.Reset()
	if err := h.bot.RunJob(h.ctx, bot.JobDigest, h.house, time.Date(2026, 11, 23, 8, 0, 0, 0, chicago)); err != nil {
		t.Fatal(err)
	}
	h.flush()
	if got := h.ad.To(owner.ID); len(got) != 1 || !strings.Contains(got[0].Text, "2026-W47") {
		t.Errorf("weekly digest to the operator = %s", texts(got))
	}
	if got := h.ad.To(mentor.ID); len(got) != 0 {
		t.Errorf("mentors got the digest without digest.mentors: %s", texts(got))
	}
}

// TestCombinedDigest: an operator of two houses with combined digests gets
// one message covering both, however many of the houses' jobs run.
func TestCombinedDigest(t *testing.T) {
	ctx := context.Background()
	db := storagetest.Open(t)
	clock := bottest.NewClock(time.Date(2026, 11, 23, 8, 0, 0, 0, chicago))
	a, b := testHouse(), testHouse()
	b.Name, b.Channel = "Birch House", "C-birch"
	for _, h := range []*bot.House{a, b} {
		h.Digest = bot.DigestConfig{Schedule: "0 8 * * 1", Combined: true, Mentors: true}
	}
	core, err := bot.New(bot.Config{Store: db, Clock: clock, Houses: []*bot.House{a, b}, DigestText: render.DigestText})
	if err != nil {
		t.Fatal(err)
	}
	if err := core.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// A resident in each house, so each digest shows per-resident data.
	err = db.Update(ctx, func(tx bot.Tx) error {
		for _, h := range []*bot.House{a, b} {
			m := &bot.Member{HouseID: h.ID, Platform: "test", UserID: robin.ID, Name: "Robin", Status: bot.MemberActive,
				JoinedAt: clock.Now().AddDate(0, 0, -10), ConsentAt: clock.Now().AddDate(0, 0, -10)}
			if err := tx.SaveMember(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ad := bottest.NewAdapter("test")
	sender := outbox.NewSender(db, clock, nil, ad)
	for _, h := range []*bot.House{a, b} {
		if err := core.RunJob(ctx, bot.JobDigest, h, clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sender.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := ad.To(owner.ID)
	if len(got) != 1 || !strings.Contains(got[0].Text, "Cedar House, 2026-W47") || !strings.Contains(got[0].Text, "Birch House, 2026-W47") {
		t.Fatalf("operator's digests = %s, want one covering both houses", texts(got))
	}
	// Mentors (digest.mentors) get their own house's, one per house.
	if got := ad.To(mentor.ID); len(got) != 2 {
		t.Errorf("mentor's digests = %d, want one per house", len(got))
	}
	// One read each: the operator's combined message, the mentor's two.
	if n, err := db.CountAudit(ctx, "digest.read"); err != nil || n != 4 {
		t.Errorf("digest.read audit rows = %d, %v; want 4 (two houses for the operator, one each for the mentor)", n, err)
	}
}

// TestDigestChartDrawnOncePerJob: the weekly job draws a chart once for
// the readers who would get the same one (the same house's trend in the
// same language), and again for a reader of another language.
func TestDigestChartDrawnOncePerJob(t *testing.T) {
	house := testHouse()
	house.Digest = bot.DigestConfig{Schedule: "0 8 * * 1", Mentors: true}
	var drawn []string
	chart := func(l bot.Lang, title string, weeks []bot.DigestWeek) ([]byte, error) {
		drawn = append(drawn, l.Code())
		return []byte("png " + l.Code() + " " + title), nil
	}
	h := newHarnessWith(t, storagetest.Open(t), time.Date(2026, 11, 16, 8, 0, 0, 0, chicago), func(c *bot.Config) { c.Chart = chart }, house)
	h.join(robin)
	digest := func(at time.Time) {
		t.Helper()
		drawn = nil
		h.ad.Reset()
		if err := h.bot.RunJob(h.ctx, bot.JobDigest, h.house, at); err != nil {
			t.Fatal(err)
		}
		h.flush()
		for _, u := range []bot.User{owner, mentor} {
			got := h.ad.To(u.ID)
			if len(got) != 1 || got[0].Attachment == nil || !strings.Contains(string(got[0].Attachment.Data), "Cedar House") {
				t.Errorf("%s's digest = %+v, want one with its chart", u.ID, got)
			}
		}
	}
	digest(time.Date(2026, 11, 23, 8, 0, 0, 0, chicago))
	if len(drawn) != 1 {
		t.Errorf("charts drawn for an operator and a mentor of one language = %v, want one", drawn)
	}
	// The mentor joins as a member and reads Spanish: their chart is
	// drawn in it.
	h.join(mentor)
	h.do(h.ev.Command(mentor, "language", "es"))
	digest(time.Date(2026, 11, 30, 8, 0, 0, 0, chicago))
	if slices.Sort(drawn); fmt.Sprint(drawn) != "[en es]" {
		t.Errorf("charts drawn for readers of two languages = %v, want [en es]", drawn)
	}
	if got := h.ad.To(mentor.ID); len(got) == 1 && !strings.HasPrefix(string(got[0].Attachment.Data), "png es") {
		t.Errorf("the Spanish reader's chart = %q", got[0].Attachment.Data)
	}
}
