package bot_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/render"
)

// meetingHouse asks for two meetings a week, reminded on Wednesdays.
func meetingHouse(h *bot.House) {
	h.Meetings = bot.MeetingsConfig{PerWeek: 2, Kinds: []string{"AA", "NA", "SMART", "other"}, Reminder: "0 18 * * 3"}
}

// logMeeting submits the meeting form as u.
func logMeeting(h *harness, u bot.User, date, kind, mode, note string) bot.Response {
	h.t.Helper()
	return h.do(h.ev.Submit(u, "meeting:new", map[string]string{"date": date, "kind": kind, "mode": mode, "note": note}))
}

// meetingID reads the entry number from a log reply's Edit button.
func meetingID(t *testing.T, resp bot.Response) int64 {
	t.Helper()
	var id int64
	for _, m := range resp.Messages {
		for _, c := range m.Choices {
			if _, err := fmt.Sscanf(c.ID, "meeting:edit:%d", &id); err == nil {
				return id
			}
		}
	}
	t.Fatalf("no Edit button in %q", text(resp))
	return 0
}

func TestMeetingLogListEditDelete(t *testing.T) {
	h := newHarness(t, meetingHouse) // Monday 16 November 2026
	h.join(robin, casey)
	h.clock.Set(time.Date(2026, 11, 18, 20, 0, 0, 0, chicago)) // Wednesday evening

	// The command opens the form, prefilled with today.
	resp := h.do(h.ev.Command(robin, "meeting", "log"))
	if resp.Form == nil || resp.Form.ID != "meeting:new" || resp.Form.Fields[0].Value != "2026-11-18" || resp.Form.Fields[1].Options[2] != "SMART" {
		t.Fatalf("/meeting log = %+v, want the form with today's date and the house's kinds", resp)
	}

	resp = logMeeting(h, robin, "yesterday", "NA", "online", "Spoke for the first time")
	if got := text(resp); !strings.Contains(got, "Logged #") || !strings.Contains(got, "NA, online, Tue 17 Nov") || !strings.Contains(got, "1 meeting this week; the house asks for 2") {
		t.Errorf("log reply = %q", got)
	}
	first := meetingID(t, resp)
	if got := text(logMeeting(h, robin, "2026-11-16", "AA", "in person", "")); !strings.Contains(got, "2 meetings this week — the house asks for 2, and you're there") {
		t.Errorf("second log = %q", got)
	}

	// Wrong dates are refused on the form, as typed, and nothing is stored.
	for date, want := range map[string]string{
		"2026-11-19": "in the future",
		"2026-11-10": "more than 7 days ago",
		"last week":  "YYYY-MM-DD",
	} {
		resp := logMeeting(h, robin, date, "AA", "in person", "")
		if !strings.Contains(resp.FieldErrors["date"], want) || resp.Reopen == nil || resp.Reopen.Fields[0].Value != date {
			t.Errorf("date %q: %+v, want the form back with %q", date, resp, want)
		}
	}
	resp = h.do(h.ev.Submit(robin, "meeting:new", map[string]string{"date": "today", "kind": "Bingo", "mode": "in person"}))
	if resp.FieldErrors["kind"] == "" {
		t.Errorf("unknown kind: %+v, want a field error", resp)
	}

	list := text(h.do(h.ev.Command(robin, "meeting", "list")))
	for _, want := range []string{"Mon 16 Nov — AA, in person", "Tue 17 Nov — NA, online · Spoke for the first time", "2 meetings this week", "Last week: 0."} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q:\n%s", want, list)
		}
	}

	// Edit by the button: the form opens with the entry; the submit changes it.
	resp = h.do(h.ev.Press(robin, fmt.Sprintf("meeting:edit:%d", first), ""))
	if resp.Form == nil || resp.Form.Fields[0].Value != "2026-11-17" || resp.Form.Fields[3].Value != "Spoke for the first time" {
		t.Fatalf("edit button = %+v, want the entry's form", resp)
	}
	resp = h.do(h.ev.Submit(robin, resp.Form.ID, map[string]string{"date": "2026-11-17", "kind": "SMART", "mode": "online", "note": ""}))
	if got := text(resp); !strings.Contains(got, fmt.Sprintf("Updated #%d: SMART", first)) {
		t.Errorf("edit = %q", got)
	}

	// Nobody else can read, edit or delete it, by command, button or form.
	for _, ev := range []bot.Event{
		h.ev.Command(casey, "meeting", fmt.Sprintf("edit %d", first)),
		h.ev.Command(casey, "meeting", fmt.Sprintf("delete %d", first)),
		h.ev.Press(casey, fmt.Sprintf("meeting:delete:%d", first), ""),
		h.ev.Submit(casey, fmt.Sprintf("meeting:%d", first), map[string]string{"date": "today", "kind": "AA", "mode": "online"}),
	} {
		if got := text(h.do(ev)); !strings.Contains(got, fmt.Sprintf("no meeting entry #%d", first)) {
			t.Errorf("Casey on Robin's entry: %q, want not found", got)
		}
	}
	if got := text(h.do(h.ev.Command(casey, "meeting", "list"))); !strings.Contains(got, "None logged yet") {
		t.Errorf("Casey's list = %q, want her own (none)", got)
	}
	if got := text(h.do(h.ev.Command(guest, "meeting", "log"))); !strings.Contains(got, "residents who have joined") {
		t.Errorf("guest /meeting log = %q, want a refusal", got)
	}

	if got := text(h.do(h.ev.Press(robin, fmt.Sprintf("meeting:delete:%d", first), ""))); !strings.Contains(got, "Deleted") || !strings.Contains(got, "1 meeting this week") {
		t.Errorf("delete = %q", got)
	}
	// The next week counts afresh; a week after logging, an entry stays
	// as it is.
	h.clock.Set(time.Date(2026, 11, 25, 21, 0, 0, 0, chicago))
	if list := text(h.do(h.ev.Command(robin, "meeting", "list"))); !strings.Contains(list, "Last week: 1.") || !strings.Contains(list, "None logged yet") {
		t.Errorf("list next week = %q", list)
	}
	if got := text(h.do(h.ev.Command(robin, "meeting", fmt.Sprintf("edit %d", first+1)))); !strings.Contains(got, "can be changed for 7 days") {
		t.Errorf("edit after a week = %q, want refused", got)
	}
}

func TestMeetingReminderIsGentlePrivateAndOnce(t *testing.T) {
	h := newHarness(t, meetingHouse)
	h.clock.Set(time.Date(2026, 11, 10, 12, 0, 0, 0, chicago)) // the week before
	h.join(robin, casey, jamie)
	h.do(h.ev.Command(mentor, "partner", "pair <@"+robin.ID+"> <@"+casey.ID+">"))
	h.clock.Set(time.Date(2026, 11, 16, 8, 0, 0, 0, chicago))
	h.join(lee) // joined this week: left alone
	h.clock.Set(time.Date(2026, 11, 17, 8, 0, 0, 0, chicago))
	logMeeting(h, casey, "today", "AA", "in person", "")
	logMeeting(h, casey, "yesterday", "NA", "online", "")
	logMeeting(h, robin, "today", "AA", "in person", "")
	h.do(h.ev.Command(jamie, "checkin", "pause until 2026-12-01"))
	h.ad.Reset()

	wed := time.Date(2026, 11, 18, 18, 0, 0, 0, chicago)
	h.clock.Set(wed)
	for range 2 { // a restart runs the same key again: nothing doubles
		if err := h.bot.RunJob(h.ctx, bot.JobMeetingsReminder, h.house, wed); err != nil {
			t.Fatal(err)
		}
	}
	h.flush()
	got := h.ad.To(robin.ID)
	if len(got) != 1 || !strings.Contains(got[0].Text, "logged 1 of the 2 meetings") || got[0].Target.Kind != bot.TargetDM {
		t.Errorf("Robin got %s, want one private note", texts(got))
	}
	for _, u := range []bot.User{casey, jamie, lee, mentor, owner} {
		if got := h.ad.To(u.ID); len(got) != 0 {
			t.Errorf("%s got %s; only Robin is behind (Casey is his partner, Jamie away, Lee new)", u.Name, texts(got))
		}
	}
	if got := h.ad.InChannel(h.house.Channel); len(got) != 0 {
		t.Errorf("channel got %s", texts(got))
	}

	// Caught up on Friday, Wednesday's note is skipped.
	h.ad.Reset()
	next := wed.AddDate(0, 0, 7)
	h.clock.Set(next.AddDate(0, 0, 2))
	if err := h.bot.RunJob(h.ctx, bot.JobMeetingsReminder, h.house, next); err != nil {
		t.Fatal(err)
	}
	h.flush()
	if got := h.ad.Sent(); len(got) != 0 {
		t.Errorf("a late mid-week note went out: %s", texts(got))
	}
}

func TestMeetingsInTheDigestAreCountsOnly(t *testing.T) {
	h := newHarness(t, meetingHouse)
	h.join(robin, casey)
	h.clock.Set(time.Date(2026, 11, 18, 9, 0, 0, 0, chicago))
	logMeeting(h, robin, "today", "NA", "online", "a private thought")
	logMeeting(h, robin, "yesterday", "AA", "in person", "")
	logMeeting(h, casey, "today", "SMART", "online", "")
	d, js := weekDigest(t, h)
	var got struct {
		SchemaVersion int `json:"schema_version"`
		Meetings      struct {
			Required  *int `json:"required_per_week"`
			Residents []struct {
				Name   string `json:"name"`
				Logged int    `json:"logged"`
				Met    *bool  `json:"met_requirement"`
			} `json:"residents"`
		} `json:"meetings"`
	}
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatal(err)
	}
	if got.SchemaVersion != 3 || got.Meetings.Required == nil || *got.Meetings.Required != 2 || len(got.Meetings.Residents) != 2 {
		t.Fatalf("digest meetings = %+v", got)
	}
	if r := got.Meetings.Residents[0]; r.Name != "Robin" || r.Logged != 2 || !*r.Met {
		t.Errorf("Robin = %+v, want 2 logged, met", r)
	}
	if r := got.Meetings.Residents[1]; r.Name != "Casey" || r.Logged != 1 || *r.Met {
		t.Errorf("Casey = %+v, want 1 logged, not met", r)
	}
	for _, secret := range []string{"private thought", "SMART", "NA", "online"} {
		if strings.Contains(string(js), secret) || strings.Contains(render.DigestText(d), secret) {
			t.Errorf("the digest shows %q", secret)
		}
	}
	if txt := render.DigestText(d); !strings.Contains(txt, "*Meetings*\n• The house asks for 2 a week.\n• Robin — 2 logged ✓\n• Casey — 1 logged") {
		t.Errorf("digest text:\n%s", txt)
	}
}

func TestMeetingNotesAreRedactedAndExported(t *testing.T) {
	h := newHarness(t, meetingHouse)
	h.join(robin)
	logMeeting(h, robin, "today", "NA", "online", "words to forget")
	export := func() string {
		data, err := h.bot.ExportData(h.ctx, h.house, robin.ID, "cli")
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if got := export(); !strings.Contains(got, `"note": "words to forget"`) || !strings.Contains(got, `"kind": "NA"`) {
		t.Errorf("export lacks the meeting:\n%s", got)
	}
	at := h.clock.Now().AddDate(0, 0, h.house.RetentionDays+1)
	h.clock.Set(at)
	if err := h.bot.RunJob(h.ctx, bot.JobMeetingsRetention, h.house, at); err != nil {
		t.Fatal(err)
	}
	if got := export(); strings.Contains(got, "words to forget") || !strings.Contains(got, `"redacted": true`) || !strings.Contains(got, `"kind": "NA"`) {
		t.Errorf("export after retention:\n%s", got)
	}
	if err := h.bot.EraseData(h.ctx, h.house, robin.ID, "cli"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.bot.ExportData(h.ctx, h.house, robin.ID, "cli"); err == nil {
		t.Error("Robin still has data after erasure")
	}
}

// weekDigest is week 47's digest, read on the Monday after, and its JSON.
func weekDigest(t *testing.T, h *harness) (*bot.Digest, []byte) {
	t.Helper()
	h.clock.Set(time.Date(2026, 11, 23, 9, 0, 0, 0, chicago))
	d, err := h.bot.Digest(h.ctx, h.house, "2026-W47", "cli")
	if err != nil {
		t.Fatal(err)
	}
	js, err := render.DigestJSON(d)
	if err != nil {
		t.Fatal(err)
	}
	return d, js
}
