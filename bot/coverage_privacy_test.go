package bot_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// exported is the part of a /mydata export these tests read: one field per
// feature that stores something about a resident.
type exported struct {
	House  string `json:"house"`
	Member struct {
		UserID string `json:"user_id"`
	} `json:"member"`
	Answers []struct {
		Values map[string]string `json:"values"`
	} `json:"checkin_answers"`
	Misses           []time.Time       `json:"checkin_misses"`
	SoberDates       []json.RawMessage `json:"sober_dates"`
	MilestonesShared bool              `json:"milestones_shared"`
	Activities       []json.RawMessage `json:"activities"`
	Partnerships     []json.RawMessage `json:"partnerships"`
	PartnerPingsOff  bool              `json:"partner_pings_off"`
	Mentoring        []struct {
		Role       string            `json:"role"`
		Boundaries string            `json:"boundaries"`
		Contacts   []json.RawMessage `json:"contacts"`
	} `json:"mentoring_agreements"`
	Goals []struct {
		Goal struct {
			Text   string `json:"text"`
			Shared bool   `json:"shared_with_mentor"`
		} `json:"goal"`
		Checks []struct {
			Rating int    `json:"rating"`
			Note   string `json:"note"`
		} `json:"checks"`
	} `json:"goals"`
	GoalCadence int `json:"goal_cadence_weeks"`
	// raw is the whole file.
	raw []byte
}

// exportOf runs /mydata export as u and decodes the file it sends by DM.
func exportOf(t *testing.T, h *harness, u bot.User) exported {
	t.Helper()
	before := len(h.ad.To(u.ID))
	if got := text(h.do(h.ev.Command(u, "mydata", "export"))); !strings.Contains(got, "direct message") {
		t.Fatalf("export = %q", got)
	}
	h.flush()
	dms := h.ad.To(u.ID)[before:]
	if len(dms) != 1 || dms[0].Attachment == nil {
		t.Fatalf("export DMs = %s, want one file", texts(dms))
	}
	var d exported
	if err := json.Unmarshal(dms[0].Attachment.Data, &d); err != nil {
		t.Fatal(err)
	}
	d.raw = dms[0].Attachment.Data
	return d
}

// fullLife gives Robin data in every feature: a shared check-in and a
// missed one, a sober date shared for milestones, pings off, an RSVP and an
// accountability partner (Casey).
func fullLife(t *testing.T, h *harness) {
	t.Helper()
	h.join(robin, casey)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.answer(robin, vals("4", "Cooked for the house", "", "no", "house"))
	h.clock.Set(at9(0).Add(4 * time.Hour))
	if err := h.bot.Tick(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.clock.Set(at9(1))
	h.openRound(at9(1))
	h.clock.Set(at9(1).Add(4 * time.Hour))
	if err := h.bot.Tick(h.ctx); err != nil { // Robin misses day two
		t.Fatal(err)
	}
	h.flush()
	for _, c := range []struct{ cmd, raw, want string }{
		{"sober-date", "set 2026-06-01", "Saved"},
		{"sober-date", "share on", "celebrate"},
		{"partner", "pings off", "won't be pinged"},
	} {
		if got := text(h.do(h.ev.Command(robin, c.cmd, c.raw))); !strings.Contains(got, c.want) {
			t.Fatalf("/%s %s = %q, want %q", c.cmd, c.raw, got, c.want)
		}
	}
	if got := text(h.do(h.ev.Command(mentor, "partner", "pair <@"+robin.ID+"> <@"+casey.ID+">"))); !strings.Contains(got, "Paired") {
		t.Fatalf("pair = %q", got)
	}
	_, post := addActivity(t, h, map[string]string{"when": "2026-11-27 19:00"})
	if got := rsvp(h, robin, post, 0); !strings.Contains(got, "You're going") {
		t.Fatalf("rsvp = %q", got)
	}
	h.flush()
}

// TestEraseCoversEveryFeature: a resident with data in every feature
// exports it all, erases it, and after joining again finds nothing of the
// old life; their partner is told, and nobody else's data goes.
func TestEraseCoversEveryFeature(t *testing.T) {
	h := newHarness(t)
	fullLife(t, h)
	d := exportOf(t, h, robin)
	switch {
	case len(d.Answers) != 1 || d.Answers[0].Values["win"] != "Cooked for the house":
		t.Errorf("export answers = %+v", d.Answers)
	case len(d.Misses) != 1:
		t.Errorf("export misses = %v, want day two", d.Misses)
	case len(d.SoberDates) != 1 || !d.MilestonesShared:
		t.Errorf("export sober dates = %s, shared %v", d.SoberDates, d.MilestonesShared)
	case len(d.Activities) != 1 || len(d.Partnerships) != 1 || !d.PartnerPingsOff:
		t.Errorf("export activities = %s, partnerships = %s, pings off %v", d.Activities, d.Partnerships, d.PartnerPingsOff)
	}

	// Before: many messages name Robin or go to them.
	for trace, least := range map[string]int{robin.Name: 3, robin.ID: 2} {
		if n := len(outboxNaming(t, h, trace)); n < least {
			t.Fatalf("outbox rows holding %q before the erasure = %d, want at least %d", trace, n, least)
		}
	}
	h.ad.Reset()
	resp := h.do(h.ev.Command(robin, "mydata", "erase"))
	if got := text(h.do(h.ev.Press(robin, resp.Messages[0].Choices[0].ID, ""))); !strings.Contains(got, "erased") {
		t.Fatalf("erase = %q", got)
	}
	h.flush()
	if got := h.ad.To(casey.ID); len(got) != 1 || !strings.Contains(got[0].Text, "has left") {
		t.Errorf("partner told = %s", texts(got))
	}
	if n := outboxWith(t, h, "Cooked for the house"); n != 0 {
		t.Errorf("%d outbox row(s) still hold Robin's shared words", n)
	}
	// Nothing in the outbox names Robin or is addressed to them any more:
	// not the shares, reminders, summaries, partner news or activity
	// posts that did.
	for _, trace := range []string{robin.Name, robin.ID} {
		if ids := outboxNaming(t, h, trace); len(ids) != 0 {
			t.Errorf("outbox rows %v still hold %q", ids, trace)
		}
	}

	h.join(robin)
	d = exportOf(t, h, robin)
	if len(d.Answers)+len(d.Misses)+len(d.SoberDates)+len(d.Activities)+len(d.Partnerships) != 0 || d.MilestonesShared || d.PartnerPingsOff {
		t.Errorf("after erase and rejoin, export = %+v", d)
	}
	for cmd, want := range map[string]string{"sober-date show": "haven't set", "checkin history": "no check-ins", "partner": "don't have"} {
		name, raw, _ := strings.Cut(cmd, " ")
		if got := text(h.do(h.ev.Command(robin, name, raw))); !strings.Contains(got, want) {
			t.Errorf("/%s after erase = %q, want %q", cmd, got, want)
		}
	}
	if d := exportOf(t, h, casey); d.Member.UserID != casey.ID || len(d.Partnerships) != 1 {
		t.Errorf("Casey's export after Robin's erase = %+v, want her own record kept", d)
	}
}

// TestEraseConfirmationChoices: the erase button is only ever a choice
// the resident makes; "Keep it", a stale or malformed button, or someone
// who has nothing stored erase nothing and say so.
func TestEraseConfirmationChoices(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	resp := h.do(h.ev.Command(robin, "mydata", "erase"))
	if len(resp.Messages) != 1 || len(resp.Messages[0].Choices) != 2 {
		t.Fatalf("erase = %+v, want a confirmation", resp)
	}
	keep := resp.Messages[0].Choices[1].ID
	for _, tc := range []struct{ id, want string }{
		{keep, "nothing was erased"},
		{"mydata:erase:abc", "not valid any more"},
		{"mydata:erase:999", "nothing stored about you"},
	} {
		if got := text(h.do(h.ev.Press(robin, tc.id, ""))); !strings.Contains(got, tc.want) {
			t.Errorf("press %s = %q, want %q", tc.id, got, tc.want)
		}
	}
	if _, err := memberOf(h, robin); err != nil {
		t.Fatalf("Robin was erased without confirming: %v", err)
	}
	for _, sub := range []string{"erase", "export"} {
		if got := text(h.do(h.ev.Command(guest, "mydata", sub))); !strings.Contains(got, "don't have anything stored") {
			t.Errorf("guest /mydata %s = %q", sub, got)
		}
	}
	if n, err := h.db.CountAudit(h.ctx, "data.erase"); err != nil || n != 0 {
		t.Errorf("erase audits = %d, %v; want none", n, err)
	}
}

// TestOperatorCommandLineExportAndErase: the command line's export and
// erase act on one resident, are audited under the operator's name, and
// say clearly when nobody by that id is stored.
func TestOperatorCommandLineExportAndErase(t *testing.T) {
	h := newHarness(t)
	fullLife(t, h)
	h.ad.Reset()
	data, err := h.bot.ExportData(h.ctx, h.house, robin.ID, "cli:olive")
	if err != nil {
		t.Fatal(err)
	}
	var d exported
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	if d.House != h.house.Name || d.Member.UserID != robin.ID || len(d.Answers) != 1 || len(d.SoberDates) != 1 {
		t.Errorf("CLI export = %s", data)
	}
	if strings.Contains(string(data), casey.ID) {
		t.Error("the CLI export holds another resident's data")
	}
	if _, err := h.bot.ExportData(h.ctx, h.house, guest.ID, "cli:olive"); !errors.Is(err, bot.ErrNoMember) {
		t.Errorf("export of a stranger = %v, want ErrNoMember", err)
	}
	if err := h.bot.EraseData(h.ctx, h.house, guest.ID, "cli:olive"); !errors.Is(err, bot.ErrNoMember) {
		t.Errorf("erase of a stranger = %v, want ErrNoMember", err)
	}
	if err := h.bot.EraseData(h.ctx, h.house, robin.ID, "cli:olive"); err != nil {
		t.Fatal(err)
	}
	h.flush()
	if _, err := memberOf(h, robin); err == nil {
		t.Error("Robin is still stored after the CLI erase")
	}
	if got := h.ad.To(casey.ID); len(got) != 1 || !strings.Contains(got[0].Text, "has left") {
		t.Errorf("partner told = %s", texts(got))
	}
	if got := text(h.do(h.ev.Command(casey, "partner", ""))); !strings.Contains(got, "don't have") {
		t.Errorf("Casey's /partner = %q, want none", got)
	}
	h.wantAudit(map[string]int{"data.export": 1, "data.erase": 1})
}

// TestRoleGrantExplainsOddCases: granting a role someone already has, or
// removing one they don't, changes nothing and says why.
func TestRoleGrantExplainsOddCases(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	for _, tc := range []struct{ raw, want string }{
		{"mentor <@" + mentor.ID + ">", "set in the config"},
		{"mentor <@" + owner.ID + ">", "is an operator"},
		{"mentor <@" + robin.ID + ">", "is now a House Mentor"},
		{"mentor <@" + robin.ID + ">", "already a House Mentor"},
		{"remove <@" + casey.ID + ">", "isn't a House Mentor"},
		{"mentor Robin", "must mention someone"},
		{"", "Try one of: /role mentor, /role remove"},
		{"promote <@" + robin.ID + ">", "Try one of"},
	} {
		if got := text(h.do(h.ev.Command(owner, "role", tc.raw))); !strings.Contains(got, tc.want) {
			t.Errorf("/role %s = %q, want %q", tc.raw, got, tc.want)
		}
	}
	if n, err := h.db.CountAudit(h.ctx, "role.grant"); err != nil || n != 1 {
		t.Errorf("grant audits = %d, %v; want only the real grant", n, err)
	}
}
