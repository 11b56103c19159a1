package bot_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/render"
)

// terms are the agreement form's values: a weekly call on Tuesdays at
// 19:00, with boundaries.
func terms() map[string]string {
	return map[string]string{"every": "weekly", "mode": "call", "day": "Tuesday", "time": "19:00", "boundaries": "No calls after 21:00, please"}
}

// tuesday7pm is the first agreed contact of terms() from the harness's
// start (Monday 16 November, 08:00 Chicago).
var tuesday7pm = time.Date(2026, 11, 17, 19, 0, 0, 0, chicago)

// propose runs /mentor agree @u as Morgan and submits vals; it returns
// the reply to the submit.
func propose(t *testing.T, h *harness, u bot.User, vals map[string]string) string {
	t.Helper()
	resp := h.do(h.ev.Command(mentor, "mentor", "agree <@"+u.ID+">"))
	if resp.Form == nil || !strings.HasPrefix(resp.Form.ID, "mentor:new:") || len(resp.Form.Fields) != 5 {
		t.Fatalf("/mentor agree = %+v, want the agreement form", resp)
	}
	return text(h.do(h.ev.Submit(mentor, resp.Form.ID, vals)))
}

// lastTo is the latest message sent to u.
func lastTo(t *testing.T, h *harness, u bot.User) bot.Outgoing {
	t.Helper()
	got := h.ad.To(u.ID)
	if len(got) == 0 {
		t.Fatalf("nothing was sent to %s", u.Name)
	}
	return got[len(got)-1]
}

// agreedHarness has Morgan (a House Mentor who joined) and Robin in an
// agreement on terms(), confirmed by Robin; Casey is a housemate.
func agreedHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	h.join(mentor, robin, casey)
	if got := propose(t, h, robin, terms()); !strings.Contains(got, "*Robin* to confirm") {
		t.Fatalf("submit = %q", got)
	}
	offer := lastTo(t, h, robin)
	if !strings.Contains(offer.Text, "No calls after 21:00") || len(offer.Choices) != 2 {
		t.Fatalf("Robin's offer = %+v, want the terms with the boundaries and two buttons", offer)
	}
	if got := text(h.do(h.ev.Press(robin, offer.Choices[0].ID, ""))); !strings.Contains(got, "You're set with *Morgan*") {
		t.Fatalf("confirm = %q", got)
	}
	if got := lastTo(t, h, mentor).Text; !strings.Contains(got, "*Robin* agreed") {
		t.Fatalf("Morgan told = %q", got)
	}
	h.ad.Reset()
	return h
}

// TestMentoringAgreementNeedsBothSides: the proposal stores nothing in
// force until the resident agrees; the reminders and the question come
// only after.
func TestMentoringAgreementNeedsBothSides(t *testing.T) {
	h := newHarness(t)
	h.join(mentor, robin)
	propose(t, h, robin, terms())
	tick(t, h, tuesday7pm.Add(-time.Hour))
	if got := h.ad.To(mentor.ID); len(got) != 0 {
		t.Errorf("a proposal reminded Morgan: %s", texts(got))
	}
	if got := text(h.do(h.ev.Command(mentor, "mentor", "list"))); !strings.Contains(got, "waiting for *Robin* to confirm") {
		t.Errorf("Morgan's list = %q", got)
	}
	offer := h.ad.To(robin.ID)[0]
	if got := text(h.do(h.ev.Press(robin, offer.Choices[1].ID, ""))); !strings.Contains(got, "No problem") {
		t.Errorf("decline = %q", got)
	}
	if got := lastTo(t, h, mentor).Text; !strings.Contains(got, "would rather not") {
		t.Errorf("Morgan told = %q", got)
	}
	if got := text(h.do(h.ev.Press(robin, offer.Choices[0].ID, ""))); !strings.Contains(got, "no longer open") {
		t.Errorf("agree after declining = %q", got)
	}
	if got := text(h.do(h.ev.Command(robin, "mentor", "list"))); !strings.Contains(got, "don't have a mentoring agreement") {
		t.Errorf("Robin's list = %q", got)
	}
}

// TestMentoringRemindsAndAsksOnceEach: both sides are reminded before the
// contact and asked after it, once each, across ticks and a restart; the
// first answer counts, and a miss shows in the mentor's view and, as a
// count, in the digest.
func TestMentoringRemindsAndAsksOnceEach(t *testing.T) {
	h := agreedHarness(t)
	tick(t, h, tuesday7pm.Add(-3*time.Hour))
	if n := len(h.ad.Sent()); n != 0 {
		t.Fatalf("%d message(s) three hours before", n)
	}
	tick(t, h, tuesday7pm.Add(-2*time.Hour))
	tick(t, h, tuesday7pm.Add(-time.Hour))
	// A restart: a new core on the same database ticks again.
	h2 := newHarnessDB(t, h.db, tuesday7pm.Add(-time.Hour))
	if err := h2.bot.Tick(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()
	for _, u := range []bot.User{mentor, robin} {
		if got := h.ad.To(u.ID); len(got) != 1 || !strings.Contains(got[0].Text, "Coming up: a call with") {
			t.Errorf("%s reminded = %s, want one reminder", u.Name, texts(got))
		}
	}
	if got := h.ad.To(robin.ID)[0].Text; !strings.Contains(got, "your House Mentor *Morgan*") {
		t.Errorf("Robin's reminder = %q", got)
	}
	h.ad.Reset()
	tick(t, h, tuesday7pm.Add(time.Hour))
	if n := len(h.ad.Sent()); n != 0 {
		t.Errorf("asked too early: %s", texts(h.ad.Sent()))
	}
	tick(t, h, tuesday7pm.Add(2*time.Hour))
	tick(t, h, tuesday7pm.Add(3*time.Hour))
	var asks []bot.Outgoing
	for _, u := range []bot.User{mentor, robin} {
		got := h.ad.To(u.ID)
		if len(got) != 1 || len(got[0].Choices) != 3 || !strings.Contains(got[0].Text, "Did a call with") {
			t.Fatalf("%s asked = %s, want one question with three answers", u.Name, texts(got))
		}
		asks = append(asks, got[0])
	}
	if got := text(h.do(h.ev.Press(robin, asks[1].Choices[1].ID, ""))); !strings.Contains(got, "it happens") {
		t.Errorf("Robin's answer = %q", got)
	}
	if got := text(h.do(h.ev.Press(mentor, asks[0].Choices[0].ID, ""))); !strings.Contains(got, "Already noted by *Robin*") {
		t.Errorf("Morgan's later answer = %q", got)
	}
	if got := text(h.do(h.ev.Press(casey, asks[0].Choices[0].ID, ""))); !strings.Contains(got, "isn't for you") {
		t.Errorf("Casey pressing = %q", got)
	}
	list := text(h.do(h.ev.Command(mentor, "mentor", "list")))
	for _, want := range []string{"*Robin* (you're their mentor)", "a call every week, on Tuesdays at 19:00", "No calls after 21:00", "0 happened · 1 missed (Tue 17 Nov)"} {
		if !strings.Contains(list, want) {
			t.Errorf("Morgan's list lacks %q:\n%s", want, list)
		}
	}
	// The next contact is a week later, and is reminded in its turn.
	h.ad.Reset()
	tick(t, h, tuesday7pm.AddDate(0, 0, 7).Add(-time.Hour))
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "Coming up") {
		t.Errorf("second week = %s", texts(got))
	}

	d := digestOf(t, h, "2026-W47")
	if m := d.Mentoring; m.Agreements != 1 || m.ContactsDue != 1 || m.Missed != 1 || m.Happened != 0 || m.Unanswered != 0 {
		t.Errorf("digest mentoring = %+v", m)
	}
	js, err := render.DigestJSON(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"No calls after", "Tuesday", "19:00"} {
		if strings.Contains(string(js)+render.DigestText(d), secret) {
			t.Errorf("the digest holds %q", secret)
		}
	}
	var raw map[string]any
	if err := json.Unmarshal(js, &raw); err != nil {
		t.Fatal(err)
	}
	if raw["schema_version"] != float64(bot.DigestSchemaVersion) || raw["mentoring"] == nil || raw["goals"] == nil {
		t.Errorf("digest JSON = schema %v, mentoring %v, goals %v", raw["schema_version"], raw["mentoring"], raw["goals"])
	}
}

// TestMentoringAfterDowntime: a contact whose reminder time passed while
// Porchlight was down is not reminded late, but still asked about; one
// long past is neither.
func TestMentoringAfterDowntime(t *testing.T) {
	h := agreedHarness(t)
	tick(t, h, tuesday7pm.Add(30*time.Minute))
	if got := h.ad.To(robin.ID); len(got) != 0 {
		t.Errorf("reminded after the time: %s", texts(got))
	}
	tick(t, h, tuesday7pm.Add(3*time.Hour))
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "How did it go?") {
		t.Errorf("asked = %s", texts(got))
	}
	h.ad.Reset()
	// Down for three weeks: nothing about the old contacts.
	tick(t, h, tuesday7pm.AddDate(0, 0, 21).Add(-30*time.Hour))
	if n := len(h.ad.Sent()); n != 0 {
		t.Errorf("after three weeks down: %s", texts(h.ad.Sent()))
	}
	tick(t, h, tuesday7pm.AddDate(0, 0, 21).Add(-time.Hour))
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "Coming up") {
		t.Errorf("the next contact after downtime = %s", texts(got))
	}
}

// TestMentoringPausedSideIsNotReminded: while a side is paused, their
// contacts are skipped: no reminder, no question, not counted.
func TestMentoringPausedSideIsNotReminded(t *testing.T) {
	h := agreedHarness(t)
	h.do(h.ev.Command(robin, "checkin", "pause until 2026-11-20"))
	h.ad.Reset()
	tick(t, h, tuesday7pm.Add(-time.Hour))
	tick(t, h, tuesday7pm.Add(3*time.Hour))
	if n := len(h.ad.Sent()); n != 0 {
		t.Errorf("while paused: %s", texts(h.ad.Sent()))
	}
	if d := digestOf(t, h, "2026-W47"); d.Mentoring.ContactsDue != 0 {
		t.Errorf("digest counts a skipped contact: %+v", d.Mentoring)
	}
}

// TestMentoringChangeNeedsTheOtherSide: a change by the resident keeps the
// agreement until the mentor agrees, then replaces it.
func TestMentoringChangeNeedsTheOtherSide(t *testing.T) {
	h := agreedHarness(t)
	resp := h.do(h.ev.Command(robin, "mentor", "change"))
	if resp.Form == nil || resp.Form.Values()["day"] != "Tuesday" || resp.Form.Values()["boundaries"] != "No calls after 21:00, please" {
		t.Fatalf("/mentor change = %+v, want the form prefilled with the terms", resp)
	}
	v := terms()
	v["day"], v["time"], v["mode"] = "thu", "18:30", "in person"
	if got := text(h.do(h.ev.Submit(robin, resp.Form.ID, v))); !strings.Contains(got, "current agreement stays") {
		t.Fatalf("change = %q", got)
	}
	offer := lastTo(t, h, mentor)
	if !strings.Contains(offer.Text, "suggests a change") || !strings.Contains(offer.Text, "Thursdays at 18:30") {
		t.Fatalf("Morgan's offer = %q", offer.Text)
	}
	if got := text(h.do(h.ev.Press(robin, offer.Choices[0].ID, ""))); !strings.Contains(got, "isn't for you") {
		t.Errorf("Robin confirming her own change = %q", got)
	}
	if got := text(h.do(h.ev.Command(robin, "mentor", "list"))); !strings.Contains(got, "Tuesdays at 19:00") || !strings.Contains(got, "a change, waiting for *Morgan*") {
		t.Errorf("Robin's list while the change waits = %q", got)
	}
	if got := text(h.do(h.ev.Press(mentor, offer.Choices[0].ID, ""))); !strings.Contains(got, "a meet-up in person every week, on Thursdays at 18:30") {
		t.Errorf("Morgan confirms = %q", got)
	}
	got := text(h.do(h.ev.Command(robin, "mentor", "list")))
	if strings.Contains(got, "Tuesdays") || !strings.Contains(got, "Thursdays at 18:30") {
		t.Errorf("Robin's list after the change = %q", got)
	}
	h.ad.Reset()
	tick(t, h, tuesday7pm.Add(-time.Hour))
	if got := h.ad.To(robin.ID); len(got) != 0 {
		t.Errorf("the old Tuesday time was reminded: %s", texts(got))
	}
	tick(t, h, time.Date(2026, 11, 19, 17, 30, 0, 0, chicago))
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "a meet-up in person") {
		t.Errorf("Thursday's reminder = %s", texts(got))
	}
}

// TestMentoringEnd: either side ends it and the other is told kindly;
// reminders stop.
func TestMentoringEnd(t *testing.T) {
	h := agreedHarness(t)
	if got := text(h.do(h.ev.Command(mentor, "mentor", "end <@"+casey.ID+">"))); !strings.Contains(got, "don't have a mentoring agreement with") {
		t.Errorf("ending a non-agreement = %q", got)
	}
	if got := text(h.do(h.ev.Command(robin, "mentor", "end"))); !strings.Contains(got, "has ended; I've let them know") {
		t.Errorf("end = %q", got)
	}
	if got := lastTo(t, h, mentor).Text; !strings.Contains(got, "*Robin* has ended your mentoring agreement. Thank you") {
		t.Errorf("Morgan told = %q", got)
	}
	h.ad.Reset()
	tick(t, h, tuesday7pm.Add(-time.Hour))
	if n := len(h.ad.Sent()); n != 0 {
		t.Errorf("reminded after the end: %s", texts(h.ad.Sent()))
	}
	if got := text(h.do(h.ev.Command(mentor, "mentor", "end"))); !strings.Contains(got, "don't have a mentoring agreement") {
		t.Errorf("ending twice = %q", got)
	}
}

// TestMentoringRefusals: every wrong way in gets a clear private message
// and stores nothing.
func TestMentoringRefusals(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	// Morgan is a House Mentor who has not joined.
	if got := text(h.do(h.ev.Command(mentor, "mentor", "agree <@"+robin.ID+">"))); !strings.Contains(got, "Please /join Cedar House first") {
		t.Errorf("unjoined mentor = %q", got)
	}
	h.join(mentor)
	for raw, want := range map[string]string{
		"agree":                      "Missing <resident>",
		"agree robin":                "must mention someone",
		"agree <@" + guest.ID + ">":  "hasn't joined",
		"agree <@" + mentor.ID + ">": "between two people",
		"list":                       "don't have a mentoring agreement right now. Set one up",
		"change":                     "don't have a mentoring agreement",
	} {
		if got := text(h.do(h.ev.Command(mentor, "mentor", raw))); !strings.Contains(got, want) {
			t.Errorf("/mentor %s = %q, want %q", raw, got, want)
		}
	}
	if got := text(h.do(h.ev.Command(robin, "mentor", "agree <@"+casey.ID+">"))); !strings.Contains(got, "only House Mentors") {
		t.Errorf("resident /mentor agree = %q", got)
	}
	if got := text(h.do(h.ev.Command(guest, "mentor", "list"))); !strings.Contains(got, "Sorry, only") {
		t.Errorf("guest /mentor list = %q", got)
	}
	// A resident cannot use the mentor's form, even with its id.
	if got := text(h.do(h.ev.Submit(robin, "mentor:new:2", terms()))); !strings.Contains(got, "only House Mentors") {
		t.Errorf("resident submitting the form = %q", got)
	}
	// Bad values reopen the form with what to fix; nothing is stored.
	resp := h.do(h.ev.Command(mentor, "mentor", "agree <@"+robin.ID+">"))
	bad := terms()
	bad["every"] = "daily"
	if resp := h.do(h.ev.Submit(mentor, resp.Form.ID, bad)); resp.FieldErrors["every"] == "" || resp.Reopen == nil {
		t.Errorf("bad frequency = %+v, want an error on every", resp)
	}
	bad["day"], bad["time"], bad["every"] = "someday", "7pm", "every 2 weeks"
	resp = h.do(h.ev.Submit(mentor, resp.Form.ID, bad))
	if resp.FieldErrors["day"] == "" || resp.FieldErrors["time"] == "" || resp.Reopen == nil || resp.Reopen.Values()["every"] != "2" || resp.Reopen.Fields[0].Shown("2") != "every 2 weeks" {
		t.Errorf("bad values = %+v, want errors on day and time, and the form again with every 2 weeks chosen", resp)
	}
	long := terms()
	long["boundaries"] = strings.Repeat("x", 501)
	if resp := h.do(h.ev.Submit(mentor, resp.Reopen.ID, long)); resp.FieldErrors["boundaries"] == "" {
		t.Errorf("501-character boundaries = %+v", resp)
	}
	if n := len(h.ad.To(robin.ID)); n != 0 {
		t.Errorf("Robin got %d message(s) from refused proposals", n)
	}
	if got := text(h.do(h.ev.Command(mentor, "mentor", "list"))); !strings.Contains(got, "don't have") {
		t.Errorf("after refusals, list = %q", got)
	}
	// One agreement at a time per pair, and per resident.
	propose(t, h, robin, terms())
	if got := text(h.do(h.ev.Command(mentor, "mentor", "agree <@"+robin.ID+">"))); !strings.Contains(got, "already waiting to be confirmed") {
		t.Errorf("second proposal = %q", got)
	}
	h.do(h.ev.Press(robin, lastTo(t, h, robin).Choices[0].ID, ""))
	if got := text(h.do(h.ev.Command(mentor, "mentor", "agree <@"+robin.ID+">"))); !strings.Contains(got, "/mentor change") {
		t.Errorf("agreeing again = %q", got)
	}
	h.do(h.ev.Command(owner, "role", "mentor <@"+casey.ID+">"))
	if got := text(h.do(h.ev.Command(casey, "mentor", "agree <@"+robin.ID+">"))); !strings.Contains(got, "another House Mentor") {
		t.Errorf("a second mentor = %q", got)
	}
}

// TestMentoringEraseAndLeave: when either side erases their data or
// leaves, the other is told the agreement ended, and it is gone from
// both views; the export holds the agreement without naming the other.
func TestMentoringEraseAndLeave(t *testing.T) {
	h := agreedHarness(t)
	tick(t, h, tuesday7pm.Add(3*time.Hour))
	d := exportOf(t, h, robin)
	if len(d.Mentoring) != 1 || d.Mentoring[0].Role != "mentee" || d.Mentoring[0].Boundaries != "No calls after 21:00, please" || len(d.Mentoring[0].Contacts) != 1 {
		t.Errorf("Robin's export = %+v", d.Mentoring)
	}
	if strings.Contains(string(d.raw), "Morgan") || strings.Contains(string(d.raw), mentor.ID) {
		t.Errorf("Robin's export names her mentor")
	}
	h.ad.Reset()
	resp := h.do(h.ev.Command(mentor, "mydata", "erase"))
	h.do(h.ev.Press(mentor, resp.Messages[0].Choices[0].ID, ""))
	h.flush()
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "The other person in your mentoring agreement is no longer part of the house's check-ins") || strings.Contains(got[0].Text, "Morgan") {
		t.Errorf("Robin told = %s", texts(got))
	}
	if got := text(h.do(h.ev.Command(robin, "mentor", "list"))); !strings.Contains(got, "don't have") {
		t.Errorf("Robin's list after Morgan erased = %q", got)
	}
	if d := exportOf(t, h, robin); len(d.Mentoring) != 0 {
		t.Errorf("the agreement outlived the mentor's erasure: %+v", d.Mentoring)
	}

	// A resident who leaves ends theirs too.
	h.join(mentor)
	propose(t, h, robin, terms())
	h.do(h.ev.Press(robin, lastTo(t, h, robin).Choices[0].ID, ""))
	h.ad.Reset()
	h.do(h.ev.Command(robin, "leave", ""))
	h.flush()
	if got := h.ad.To(mentor.ID); len(got) != 1 || !strings.Contains(got[0].Text, "Robin has left the house's check-ins, so your mentoring agreement has ended") {
		t.Errorf("Morgan told = %s", texts(got))
	}
}

// TestMentoringAndGoalsWithTypedOptions: the commands work as Discord
// delivers them (subcommand and options split out, users as bare ids) and
// as Slack does (a mention in the text, with the name after a bar).
func TestMentoringAndGoalsWithTypedOptions(t *testing.T) {
	h := newHarness(t)
	h.join(mentor, robin)
	resp := h.do(typed(h, mentor, "mentor", "agree", map[string]string{"resident": robin.ID}))
	if resp.Form == nil {
		t.Fatalf("typed /mentor agree = %+v, want the form", resp)
	}
	h.do(h.ev.Submit(mentor, resp.Form.ID, terms()))
	h.do(h.ev.Press(robin, lastTo(t, h, robin).Choices[0].ID, ""))
	for _, tc := range []struct {
		u         bot.User
		name, sub string
		opts      map[string]string
		want      string
	}{
		{robin, "goal", "add", map[string]string{"goal": "call my sponsor twice"}, "Added goal 1"},
		{robin, "goal", "share", map[string]string{"number": "1", "setting": "true"}, "is shared"},
		{robin, "goal", "share", map[string]string{"number": "1", "setting": "false"}, "private again"},
		{robin, "goal", "cadence", map[string]string{"how": "every-4-weeks"}, "every 4 weeks"},
		{robin, "goal", "cadence", map[string]string{"how": "daily"}, "must be one of"},
		{mentor, "mentor", "list", map[string]string{}, "*Robin* (you're their mentor)"},
		{mentor, "mentor", "change", map[string]string{"person": casey.ID}, "don't have a mentoring agreement with"},
	} {
		if got := text(h.do(typed(h, tc.u, tc.name, tc.sub, tc.opts))); !strings.Contains(got, tc.want) {
			t.Errorf("typed /%s %s %v = %q, want %q", tc.name, tc.sub, tc.opts, got, tc.want)
		}
	}
	// Slack: "/porch-mentor end <@U-robin|robin>", the prefix already gone.
	if got := text(h.do(h.ev.Command(mentor, "mentor", "end <@"+robin.ID+"|robin>"))); !strings.Contains(got, "has ended") {
		t.Errorf("Slack-style /mentor end = %q", got)
	}
}

// TestRevokedMentorSeesNoSharedGoals: a House Mentor whose role is revoked
// has their agreements as a mentor ended (the resident is told kindly),
// and one who is no longer staff by any means sees no shared goals.
func TestRevokedMentorSeesNoSharedGoals(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	h.do(h.ev.Command(owner, "role", "mentor <@"+casey.ID+">"))
	resp := h.do(h.ev.Command(casey, "mentor", "agree <@"+robin.ID+">"))
	if resp.Form == nil {
		t.Fatalf("/mentor agree = %q", text(resp))
	}
	h.do(h.ev.Submit(casey, resp.Form.ID, terms()))
	if got := text(h.do(h.ev.Press(robin, lastTo(t, h, robin).Choices[0].ID, ""))); !strings.Contains(got, "You're set with *Casey*") {
		t.Fatalf("confirm = %q", got)
	}
	h.do(h.ev.Command(robin, "goal", "add call my sponsor twice"))
	h.do(h.ev.Command(robin, "goal", "share 1"))
	if got := text(h.do(h.ev.Command(casey, "mentor", "list"))); !strings.Contains(got, "call my sponsor") {
		t.Fatalf("Casey's view before = %q", got)
	}
	h.ad.Reset()
	if got := text(h.do(h.ev.Command(owner, "role", "remove <@"+casey.ID+">"))); !strings.Contains(got, "no longer a House Mentor") || !strings.Contains(got, "1 mentoring agreement(s)") {
		t.Errorf("/role remove = %q", got)
	}
	if got := texts(h.ad.To(robin.ID)); !strings.Contains(got, "isn't a House Mentor any more, so the agreement has ended") {
		t.Errorf("Robin told %q", got)
	}
	if got := text(h.do(h.ev.Command(casey, "mentor", "list"))); strings.Contains(got, "sponsor") || strings.Contains(got, "No calls after") {
		t.Errorf("after the role was revoked, Casey sees %q", got)
	}
}

// TestMentorNoLongerStaffSeesNoSharedGoals: a mentor taken out of the
// config file keeps their agreement until someone ends it, but their list
// shows no shared goals: those are for House Mentors.
func TestMentorNoLongerStaffSeesNoSharedGoals(t *testing.T) {
	h := agreedHarness(t)
	h.do(h.ev.Command(robin, "goal", "add call my sponsor twice"))
	h.do(h.ev.Command(robin, "goal", "share 1"))
	if got := text(h.do(h.ev.Command(mentor, "mentor", "list"))); !strings.Contains(got, "call my sponsor") {
		t.Fatalf("Morgan's view before = %q", got)
	}
	h2 := newHarnessDB(t, h.db, h.clock.Now(), func(h *bot.House) { h.Mentors = nil })
	h2.ev = h.ev // the same event ids go on: a restart, not a replay
	got := text(h2.do(h2.ev.Command(mentor, "mentor", "list")))
	if !strings.Contains(got, "With *Robin*") || strings.Contains(got, "sponsor") {
		t.Errorf("no longer a House Mentor, Morgan sees %q, want the agreement without the goals", got)
	}
}
