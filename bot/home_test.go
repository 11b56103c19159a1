package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/bot/bottest"
	"github.com/porchlight/porchlight/storage/storagetest"
)

// homeHarness is a harness whose platform has home pages.
func homeHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessWith(t, storagetest.Open(t), time.Date(2026, 11, 16, 8, 0, 0, 0, chicago),
		func(c *bot.Config) { c.HomePlatforms = []string{"test"} }, testHouse())
}

// home builds u's home page and returns its one house section.
func (h *harness) home(u bot.User) bot.HomeHouse {
	h.t.Helper()
	home, err := h.bot.Home(h.ctx, "test", u.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	if len(home.Houses) != 1 {
		h.t.Fatalf("home of %s has %d houses, want 1", u.ID, len(home.Houses))
	}
	return home.Houses[0]
}

// homeRefreshes counts the refreshes of user's home page sent so far.
func (h *harness) homeRefreshes(user string) int {
	n := 0
	for _, m := range h.ad.Sent() {
		if m.Target.Kind == bot.TargetHome && m.Target.User == user {
			n++
		}
	}
	return n
}

// choiceIDs lists the ids of a section's buttons.
func choiceIDs(cs []bot.Choice) string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return strings.Join(ids, " ")
}

func TestHomeResident(t *testing.T) {
	h := homeHarness(t)
	h.join(robin, casey)
	if got := text(h.do(h.ev.Command(mentor, "partner", "pair <@"+robin.ID+"> <@"+casey.ID+">"))); !strings.Contains(got, "Paired") {
		t.Fatalf("pair = %q", got)
	}
	id, _ := addActivity(t, h, nil)
	h.do(h.ev.Press(robin, fmt.Sprintf("activity:rsvp:%d:going", id), ""))

	// Before the round: the next check-in, no button to check in.
	got := h.home(robin)
	if !got.Joined || got.Staff != nil || got.Round != nil || !got.NextCheckin.Equal(at9(0)) || got.Partner != "Casey" {
		t.Fatalf("home before the round = %+v", got)
	}
	if len(got.Activities) != 1 || got.Activities[0].RSVP != "going" || got.Activities[0].Title != "Movie night" {
		t.Errorf("activities = %+v, want Movie night, going", got.Activities)
	}
	if ids := choiceIDs(got.Choices); ids != "home:pause home:resources" {
		t.Errorf("buttons = %q", ids)
	}
	if other := h.home(casey); len(other.Activities) != 1 || other.Activities[0].RSVP != "" {
		t.Errorf("Casey's home shows %+v, want no answer of hers", other.Activities)
	}

	// A round opens: a Check in button; answered, it says so.
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	got = h.home(robin)
	if got.Round == nil || got.Answered || !strings.HasPrefix(got.Choices[0].ID, "checkin:open:") {
		t.Fatalf("home in an open round = %+v", got)
	}
	h.answer(robin, vals("4", "a walk", "", "no", "private"))
	got = h.home(robin)
	if !got.Answered || got.Choices[0].Label != "Change my check-in" {
		t.Errorf("home after answering = %+v", got)
	}

	// The streak counts answers since the last miss: Robin answered twice,
	// Casey missed the first round and answered the second.
	h.clock.Set(at9(0).Add(5 * time.Hour))
	h.tick(h.clock.Now())
	h.clock.Set(at9(1))
	h.openRound(at9(1))
	h.flush()
	h.answer(robin, vals("3", "", "", "no", "private"))
	h.answer(casey, vals("3", "", "", "no", "private"))
	if s := h.home(robin).Streak; s != 2 {
		t.Errorf("Robin's streak = %d, want 2", s)
	}
	if s := h.home(casey).Streak; s != 1 {
		t.Errorf("Casey's streak = %d, want 1 (the miss breaks it)", s)
	}

	// A guest has no section; a paused resident gets Resume.
	if home, err := h.bot.Home(h.ctx, "test", guest.ID); err != nil || len(home.Houses) != 0 {
		t.Errorf("guest's home = %+v, %v; want none", home, err)
	}
	h.do(h.ev.Command(robin, "checkin", "pause until 2026-12-01"))
	if got := h.home(robin); got.PausedUntil.IsZero() || !strings.Contains(choiceIDs(got.Choices), "home:resume") {
		t.Errorf("paused home = %+v", got)
	}
}

func TestHomeStaff(t *testing.T) {
	h := homeHarness(t)
	h.join(robin, casey)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	const secret = "only mentors may know this"
	h.answer(robin, vals("2", secret, secret, "no", "private"))
	h.do(press(h, casey, choiceID(h.do(h.ev.DM(casey, dangerLine)), "crisis:alert")))

	got := h.home(mentor)
	if got.Joined || got.Staff == nil {
		t.Fatalf("mentor's home = %+v, want the staff part only", got)
	}
	w := got.Staff.Week
	if w.Rounds != 1 || w.Answers != 1 || w.Residents != 2 || !w.From.Equal(time.Date(2026, 11, 16, 0, 0, 0, 0, chicago)) {
		t.Errorf("week = %+v, want 1 round, 1 answer, 2 residents from Monday", w)
	}
	if len(got.Staff.Alerts) != 1 || got.Staff.Alerts[0].Name != "Casey" || !strings.HasPrefix(got.Staff.Alerts[0].Choice.ID, "crisisack:") {
		t.Fatalf("alerts = %+v", got.Staff.Alerts)
	}
	if s := fmt.Sprintf("%+v", got); strings.Contains(s, secret) {
		t.Errorf("the mentor's home holds an answer's words: %s", s)
	}
	// Acknowledged, the alert leaves every mentor's page.
	h.do(press(h, mentor, got.Staff.Alerts[0].Choice.ID))
	if a := h.home(owner).Staff.Alerts; len(a) != 0 {
		t.Errorf("alerts after I'm on it = %+v", a)
	}
	// A resident's home never has the staff part.
	if h.home(robin).Staff != nil {
		t.Error("a resident sees the staff part")
	}
}

func TestHomeButtons(t *testing.T) {
	h := homeHarness(t)
	h.join(robin)
	if got := text(h.do(h.ev.Press(robin, "home:resources", ""))); !strings.Contains(got, "988") {
		t.Errorf("resources = %q", got)
	}
	resp := h.do(h.ev.Press(robin, "home:pause", ""))
	if resp.Form == nil || resp.Form.Fields[0].Kind != bot.KindDate {
		t.Fatalf("Pause = %+v, want the form with a date", resp)
	}
	bad := h.do(h.ev.Submit(robin, resp.Form.ID, map[string]string{"until": "2026-11-10"}))
	if bad.FieldErrors["until"] == "" || bad.Reopen == nil {
		t.Errorf("a date in the past = %+v, want a field error", bad)
	}
	if got := text(h.do(h.ev.Submit(robin, resp.Form.ID, map[string]string{"until": "2026-12-01"}))); !strings.Contains(got, "Paused") {
		t.Errorf("pause = %q", got)
	}
	if got := text(h.do(h.ev.Press(robin, "home:resume", ""))); !strings.Contains(got, "Welcome back") {
		t.Errorf("resume = %q", got)
	}
	if got := text(h.do(h.ev.Press(guest, "home:pause", ""))); !strings.Contains(got, "join") {
		t.Errorf("a guest's Pause = %q, want to join first", got)
	}
}

func TestHomeRefreshesQueued(t *testing.T) {
	h := homeHarness(t)
	h.join(robin)
	homes := h.homeRefreshes
	// Robin's own actions refresh Robin's page a moment later, once for
	// actions close together; the staff's pages follow after a wait.
	h.ad.Reset()
	h.do(h.ev.Command(robin, "checkin", "history"))
	h.do(h.ev.Command(robin, "sober-date", "show"))
	if n := homes(robin.ID); n != 0 {
		t.Fatalf("refreshes sent before their time = %d", n)
	}
	h.clock.Advance(3 * time.Second)
	h.flush()
	if n, m := homes(robin.ID), homes(mentor.ID); n != 1 || m != 0 {
		t.Fatalf("after 3 s: Robin's refreshes = %d (want 1), the mentor's = %d (want 0)", n, m)
	}
	h.clock.Advance(30 * time.Second)
	h.flush()
	if n, o := homes(mentor.ID), homes(owner.ID); n != 1 || o != 1 {
		t.Errorf("staff refreshes = %d, %d; want 1 each", n, o)
	}
	// A round opening refreshes everyone's page.
	h.ad.Reset()
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.clock.Advance(time.Minute)
	h.flush()
	for _, u := range []bot.User{robin, mentor, owner} {
		if n := homes(u.ID); n != 1 {
			t.Errorf("refreshes of %s after the round opened = %d, want 1", u.ID, n)
		}
	}
}

func TestHomeRefreshesOnlyWhereThereAreHomes(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Advance(time.Hour)
	h.flush()
	for _, m := range h.ad.Sent() {
		if m.Target.Kind == bot.TargetHome {
			t.Fatalf("a home refresh on a platform without homes: %+v", m)
		}
	}
}

func TestHomeClearedAfterErase(t *testing.T) {
	h := homeHarness(t)
	h.join(robin)
	resp := h.do(h.ev.Command(robin, "mydata", "erase"))
	h.do(h.ev.Press(robin, choiceID(resp, "mydata:erase:"), ""))
	if home, err := h.bot.Home(h.ctx, "test", robin.ID); err != nil || len(home.Houses) != 0 {
		t.Fatalf("home after erasure = %+v, %v; want none", home, err)
	}
	// The page Slack still shows is replaced by the empty one.
	h.ad.Reset()
	h.clock.Advance(3 * time.Second)
	h.flush()
	if n := h.homeRefreshes(robin.ID); n != 1 {
		t.Errorf("refreshes of Robin's page after erasure = %d, want 1", n)
	}
}

// TestHomeAlertsFollowWhoWasTold: House Mentors see every open alert; an
// operator who is not one sees an alert once it was escalated to them;
// nobody sees one withdrawn by erasure.
func TestHomeAlertsFollowWhoWasTold(t *testing.T) {
	h := homeHarness(t)
	h.join(robin, casey)
	h.clock.Set(at9(0))
	h.do(press(h, casey, choiceID(h.do(h.ev.DM(casey, dangerLine)), "crisis:alert")))
	if a := h.home(mentor).Staff.Alerts; len(a) != 1 {
		t.Fatalf("mentor's alerts = %+v, want Casey's", a)
	}
	if a := h.home(owner).Staff.Alerts; len(a) != 0 {
		t.Errorf("operator's alerts before any escalation = %+v, want none", a)
	}
	h.clock.Advance(20 * time.Minute)
	if err := h.bot.Tick(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()
	if a := h.home(owner).Staff.Alerts; len(a) != 1 || a[0].Name != "Casey" {
		t.Errorf("operator's alerts after the escalation = %+v, want Casey's", a)
	}
	// Robin's alert, withdrawn by their erasure, is on nobody's page.
	h.do(press(h, robin, choiceID(h.do(h.ev.DM(robin, dangerLine)), "crisis:alert")))
	if err := h.bot.EraseData(h.ctx, h.house, robin.ID, "cli"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []bot.User{mentor, owner} {
		for _, a := range h.home(u).Staff.Alerts {
			if a.Name != "Casey" {
				t.Errorf("%s's page lists %+v after the erasure", u.Name, a)
			}
		}
	}
	if a := h.home(mentor).Staff.Alerts; len(a) != 1 {
		t.Errorf("mentor's alerts after the erasure = %+v, want Casey's only", a)
	}
}

// TestCLIEraseRefreshesTheHomes: porchlight erase refreshes the erased
// person's page and every page in the house that could name them (their
// partner's, the staff's), as /mydata erase does.
func TestCLIEraseRefreshesTheHomes(t *testing.T) {
	h := homeHarness(t)
	h.join(robin, casey)
	h.clock.Advance(time.Minute)
	h.flush()
	h.ad.Reset()
	if err := h.bot.EraseData(h.ctx, h.house, robin.ID, "cli"); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Minute)
	h.flush()
	for _, u := range []bot.User{robin, casey, mentor, owner} {
		if n := h.homeRefreshes(u.ID); n != 1 {
			t.Errorf("refreshes of %s's page after porchlight erase = %d, want 1", u.Name, n)
		}
	}
}

// TestHomeInSpanish: each home page is in its reader's language: a
// resident who chose Spanish gets Spanish buttons, answers and pause form
// (and the section's Lang, for the adapter) in an English house, while a
// House Mentor there reads English.
func TestHomeInSpanish(t *testing.T) {
	h := homeHarness(t)
	h.join(robin)
	h.do(h.ev.Command(robin, "language", "es"))
	id, _ := addActivity(t, h, nil)
	h.do(h.ev.Press(robin, fmt.Sprintf("activity:rsvp:%d:going", id), ""))
	got := h.home(robin)
	if got.Lang.Code() != "es" || len(got.Activities) != 1 || got.Activities[0].RSVP != "vas" {
		t.Errorf("Robin's home = %+v, want Spanish", got)
	}
	var labels []string
	for _, c := range got.Choices {
		labels = append(labels, c.Label)
	}
	if strings.Join(labels, "|") != "Pausar check-ins|Recursos de crisis" {
		t.Errorf("Robin's buttons = %q", labels)
	}
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	if got := h.home(robin); got.Choices[0].Label != "Hacer check-in" {
		t.Errorf("Robin's first button in a round = %+v", got.Choices[0])
	}
	resp := h.do(h.ev.Press(robin, "home:pause", ""))
	if resp.Form == nil || resp.Form.Title != "Pausar check-ins" || resp.Form.Fields[0].Label != "Pausar mis check-ins hasta" {
		t.Errorf("pause form = %+v, want Spanish", resp.Form)
	}
	if got := h.home(mentor); got.Lang.Code() != "en" || got.Choices[len(got.Choices)-1].Label != "Crisis resources" {
		t.Errorf("the mentor's home = %+v, want English", got)
	}
}

// TestHomeListsOnlyTheUsersHouses: a page holds the houses where the
// person is a member, is named by the config, or was granted a role, in
// config order, and no other house on the platform or elsewhere.
func TestHomeListsOnlyTheUsersHouses(t *testing.T) {
	house := func(name, channel string, edit func(*bot.House)) *bot.House {
		h := testHouse()
		h.Name, h.Channel = name, channel
		edit(h)
		return h
	}
	cedar := testHouse()
	elm := house("Elm House", "C-elm", func(*bot.House) {})
	oak := house("Oak House", "C-oak", func(*bot.House) {})
	pine := house("Pine House", "C-pine", func(h *bot.House) { h.Mentors = append(h.Mentors, robin.ID) })
	away := house("Away House", "C-away", func(h *bot.House) { h.Platform = "other"; h.Operators = []string{robin.ID} })
	h := newHarnessWith(t, storagetest.Open(t), time.Date(2026, 11, 16, 8, 0, 0, 0, chicago),
		func(c *bot.Config) { c.HomePlatforms = []string{"test"} }, cedar, elm, oak, pine, away)
	h.join(robin)
	grant := (&bottest.Events{Platform: "test", Channel: oak.Channel}).Command(owner, "role", "mentor <@"+robin.ID+">")
	grant.ID = "in-oak" // not one of h.ev's ids
	if got := text(h.do(grant)); !strings.Contains(got, "is now a House Mentor") {
		t.Fatalf("/role in Oak = %q", got)
	}
	names := func(u bot.User) string {
		home, err := h.bot.Home(h.ctx, "test", u.ID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, hh := range home.Houses {
			out = append(out, hh.Name)
		}
		return strings.Join(out, ", ")
	}
	if got, want := names(robin), "Cedar House, Oak House, Pine House"; got != want {
		t.Errorf("Robin's home = %q, want %q", got, want)
	}
	if got, want := names(owner), "Cedar House, Elm House, Oak House, Pine House"; got != want {
		t.Errorf("the operator's home = %q, want %q", got, want)
	}
	if got := names(casey); got != "" {
		t.Errorf("a stranger's home = %q, want no house", got)
	}
}
