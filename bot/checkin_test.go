package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// answer presses the prompt's button and submits the form with vals.
func (h *harness) answer(u bot.User, vals map[string]string) bot.Response {
	h.t.Helper()
	p := h.prompt()
	resp := h.do(h.ev.Press(u, p.Choices[0].ID, ""))
	if resp.Form == nil {
		h.t.Fatalf("pressing Check in: got %q, want a form", text(resp))
	}
	return h.do(h.ev.Submit(u, resp.Form.ID, vals))
}

func vals(mood, win, hard, reach, vis string) map[string]string {
	return map[string]string{"mood": mood, "win": win, "hard": hard, "reach_out": reach, "visibility": vis}
}

func TestRoundOpensOncePerKey(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.openRound(at9(0)) // a restart or a double fire
	h.flush()
	if n := len(h.ad.InChannel(h.house.Channel)); n != 1 {
		t.Fatalf("prompts posted = %d, want 1", n)
	}
	p := h.prompt()
	if !strings.Contains(p.Text, "Check-in time") || p.Choices[0].Label != "Check in" {
		t.Errorf("prompt = %q %+v", p.Text, p.Choices)
	}
}

func TestRoundLateInsideWindowAndSkippedAfter(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	// Down from 08:00 to 11:00: the 09:00 round is still inside its window.
	h.clock.Set(at9(0).Add(2 * time.Hour))
	if err := h.bot.CatchUp(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()
	if n := len(h.ad.InChannel(h.house.Channel)); n != 1 {
		t.Fatalf("late prompts = %d, want 1", n)
	}
	// The 11:00 reminder is not sent on the heels of the late prompt; it
	// moves to halfway through what is left of the window (12:00).
	if got := h.ad.To(robin.ID); len(got) != 0 {
		t.Errorf("nudged with the late prompt: %s", texts(got))
	}
	h.clock.Set(at9(0).Add(3 * time.Hour))
	if err := h.bot.Tick(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "nudge") {
		t.Errorf("reminder after a late open = %s, want one nudge", texts(got))
	}
	// Down again until the next day at 14:00: that round's window closed.
	h.ad.Reset()
	h.clock.Set(at9(1).Add(5 * time.Hour))
	if err := h.bot.CatchUp(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()
	for _, m := range h.ad.InChannel(h.house.Channel) {
		if strings.Contains(m.Text, "Check-in time") {
			t.Errorf("a round outside its window was posted: %q", m.Text)
		}
	}
	// Catching up again finds nothing new.
	h.ad.Reset()
	if err := h.bot.CatchUp(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()
	for _, m := range h.ad.Sent() {
		if strings.Contains(m.Text, "Check-in time") {
			t.Errorf("catch-up posted again: %q", m.Text)
		}
	}
}

func TestSkipDateHasNoRound(t *testing.T) {
	h := newHarness(t)
	xmas := time.Date(2026, 12, 25, 9, 0, 0, 0, chicago)
	h.clock.Set(xmas)
	h.openRound(xmas)
	h.flush()
	if n := len(h.ad.Sent()); n != 0 {
		t.Errorf("messages on a skip date = %d, want 0", n)
	}
}

func TestAnswerStoredEchoedAndEditable(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	resp := h.answer(robin, vals("4", "Went to a meeting", "", "no", "mentors"))
	got := text(resp)
	for _, want := range []string{"checked in", "4 – good", "Went to a meeting", "House Mentors"} {
		if !strings.Contains(got, want) {
			t.Errorf("ack %q lacks %q", got, want)
		}
	}
	// Editing opens the form prefilled.
	p := h.prompt()
	resp = h.do(h.ev.Press(robin, p.Choices[0].ID, ""))
	if resp.Form == nil || resp.Form.Title != "Edit your check-in" {
		t.Fatalf("edit: got %+v", resp)
	}
	if v := resp.Form.Fields[1].Value; v != "Went to a meeting" {
		t.Errorf("prefilled win = %q", v)
	}
	resp = h.do(h.ev.Submit(robin, resp.Form.ID, vals("5", "Went to a meeting", "", "no", "private")))
	if !strings.Contains(text(resp), "Updated") {
		t.Errorf("edit ack = %q", text(resp))
	}
	// One answer per resident per round.
	resp = h.do(h.ev.Command(robin, "checkin", "history"))
	if n := strings.Count(text(resp), "mood "); n != 1 {
		t.Errorf("history has %d answers, want 1: %q", n, text(resp))
	}
}

func TestAnswerValidationStoresNothing(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	tests := []struct {
		name  string
		vals  map[string]string
		field string
		want  string
	}{
		{"mood out of range", vals("9", "", "", "no", "mentors"), "mood", "out of range"},
		{"mood missing", vals("", "", "", "no", "mentors"), "mood", "needs an answer"},
		{"text too long", vals("3", strings.Repeat("a", 501), "", "no", "mentors"), "win", "limit is 500"},
		{"bad visibility", vals("3", "", "", "no", "everyone"), "visibility", "one of"},
		{"bad yes/no", vals("3", "", "", "maybe", "mentors"), "reach_out", "yes or no"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.answer(robin, tt.vals)
			if msg := resp.FieldErrors[tt.field]; !strings.Contains(msg, tt.want) {
				t.Errorf("field error %q = %q, want it to contain %q", tt.field, msg, tt.want)
			}
			if resp.Reopen == nil {
				t.Fatal("no form to reopen")
			}
			for _, f := range resp.Reopen.Fields {
				if f.ID == tt.field && f.Value != tt.vals[tt.field] {
					t.Errorf("reopened %s = %q, want what was typed", f.ID, f.Value)
				}
			}
		})
	}
	resp := h.do(h.ev.Command(robin, "checkin", "history"))
	if !strings.Contains(text(resp), "no check-ins") {
		t.Errorf("history after invalid answers = %q, want none stored", text(resp))
	}
}

func TestSharingFollowsVisibility(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.prompt()
	h.ad.Reset()
	h.answer(robin, vals("2", "Called my sponsor", "Cravings at night", "no", "house"))
	h.answer(casey, vals("4", "Secret win", "", "no", "mentors"))
	h.flush()
	posts := h.ad.InChannel(h.house.Channel)
	if len(posts) != 1 {
		t.Fatalf("channel posts = %d (%s), want only Robin's share", len(posts), texts(posts))
	}
	share := posts[0]
	if share.Thread.IsZero() {
		t.Error("share is not in the prompt's thread")
	}
	if !strings.Contains(share.Text, "Called my sponsor") || !strings.Contains(share.Text, "Cravings at night") {
		t.Errorf("share = %q", share.Text)
	}
	if strings.Contains(share.Text, "2") {
		t.Errorf("share reveals the mood number: %q", share.Text)
	}
	if strings.Contains(texts(h.ad.Sent()), "Secret win") {
		t.Error("a mentors-only answer reached a message")
	}
	// Withdrawing the share edits the post.
	h.answer(robin, vals("2", "Called my sponsor", "", "no", "private"))
	h.flush()
	edits := h.ad.Edits()
	if len(edits) != 1 || !strings.Contains(edits[0].Text, "withdrew") {
		t.Errorf("edits = %+v, want the share withdrawn", edits)
	}
}

func TestReachOutTellsMentorsAtOnceWithoutContent(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.prompt()
	h.ad.Reset()
	h.answer(robin, vals("1", "", "Very hard day with family", "yes", "private"))
	h.flush()
	got := h.ad.To(mentor.ID)
	if len(got) != 1 || !strings.Contains(got[0].Text, "Robin") || !strings.Contains(got[0].Text, "reach out") {
		t.Fatalf("mentor messages = %s", texts(got))
	}
	if strings.Contains(texts(h.ad.Sent()), "family") {
		t.Error("the answer's content reached a message")
	}
}

func TestReminderOnlyToNonResponders(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey, jamie)
	// Jamie is away until December.
	resp := h.do(h.ev.Command(jamie, "checkin", "pause until 2026-12-01"))
	if !strings.Contains(text(resp), "Paused") {
		t.Fatalf("pause = %q", text(resp))
	}
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.answer(robin, vals("3", "", "", "no", "mentors"))
	// Someone joining after the round opened is not expected.
	h.clock.Set(at9(0).Add(time.Hour))
	late := bot.User{ID: "U-late", Name: "Lee"}
	h.join(late)
	h.ad.Reset()
	h.clock.Set(at9(0).Add(2 * time.Hour))
	if err := h.bot.Tick(h.ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.bot.Tick(h.ctx); err != nil { // a second tick nudges nobody again
		t.Fatal(err)
	}
	h.flush()
	sent := h.ad.Sent()
	if len(sent) != 1 || sent[0].Target.User != casey.ID || !strings.Contains(sent[0].Text, "nudge") {
		t.Fatalf("reminders = %+v, want one to Casey", sent)
	}
	if len(sent[0].Choices) != 1 || !strings.HasPrefix(sent[0].Choices[0].ID, "checkin:open:") {
		t.Errorf("reminder has no direct check-in action: %+v", sent[0].Choices)
	}
}

func TestCloseRecordsMissesAndSummarises(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey, jamie)
	h.do(h.ev.Command(jamie, "checkin", "pause until 2026-12-01"))
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.answer(robin, vals("2", "", "", "yes", "private"))
	h.flush() // Robin's reach-out request goes out at once, before the close
	h.clock.Set(at9(0).Add(4 * time.Hour))
	h.ad.Reset()
	if err := h.bot.Tick(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()
	sum := h.ad.To(mentor.ID)
	if len(sum) != 1 {
		t.Fatalf("mentor summaries = %d (%s), want 1", len(sum), texts(sum))
	}
	for _, want := range []string{"1 of 2 answered", "Not checked in: Casey", "Paused: Jamie", "reach out: Robin"} {
		if !strings.Contains(sum[0].Text, want) {
			t.Errorf("summary %q lacks %q", sum[0].Text, want)
		}
	}
	// A closed round takes no answers and is not closed twice.
	p := h.prompt()
	resp := h.do(h.ev.Press(casey, p.Choices[0].ID, ""))
	if !strings.Contains(text(resp), "closed") {
		t.Errorf("late press = %q, want closed", text(resp))
	}
	h.ad.Reset()
	if err := h.bot.Tick(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()
	if n := len(h.ad.Sent()); n != 0 {
		t.Errorf("second close sent %d messages", n)
	}
}

func TestPauseValidation(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	tests := []struct{ raw, want string }{
		{"until 2026-13-01", "not a date"},
		{"until 2026-11-10", "after today"},
		{"until 2028-01-01", "up to a year"},
		{"", "Missing <until>"},
		{"until tomorrow", "YYYY-MM-DD"},
	}
	for _, tt := range tests {
		resp := h.do(h.ev.Command(robin, "checkin", "pause "+tt.raw))
		if !strings.Contains(text(resp), tt.want) {
			t.Errorf("pause %q = %q, want %q", tt.raw, text(resp), tt.want)
		}
	}
	if resp := h.do(h.ev.Command(robin, "checkin", "resume")); !strings.Contains(text(resp), "not paused") {
		t.Errorf("resume = %q", text(resp))
	}
}

func TestConversationalCheckin(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.ev.FormLimit = 0 // no modals: the form becomes a conversation
	resp := h.do(h.ev.DM(robin, "hi"))
	if !strings.Contains(text(resp), "(1/5)") {
		t.Fatalf("DM during a round = %q, want the first question", text(resp))
	}
	steps := []struct{ say, want string }{
		{"7", "out of range"}, // re-asked, nothing stored
		{"3", "(2/5)"},
		{"skip", "(3/5)"},
		{"Sleep", "(4/5)"},
		{"no", "(5/5)"},
		{"2", "checked in"}, // "2" picks the second choice: mentors
	}
	for _, s := range steps {
		resp = h.do(h.ev.DM(robin, s.say))
		if !strings.Contains(text(resp), s.want) {
			t.Fatalf("say %q: got %q, want %q", s.say, text(resp), s.want)
		}
	}
	if !strings.Contains(text(resp), "House Mentors") {
		t.Errorf("final ack = %q", text(resp))
	}
}

func TestPagedModalForLongForms(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.ev.FormLimit = 3
	p := h.prompt()
	resp := h.do(h.ev.Press(robin, p.Choices[0].ID, ""))
	if resp.Form == nil || len(resp.Form.Fields) != 3 {
		t.Fatalf("first page = %+v", resp.Form)
	}
	resp = h.do(h.ev.Submit(robin, resp.Form.ID, map[string]string{"mood": "4", "win": "", "hard": ""}))
	if len(resp.Messages) != 1 || resp.Messages[0].Choices[0].ID != "form:continue" {
		t.Fatalf("after page 1 = %+v", resp)
	}
	resp = h.do(h.ev.Press(robin, "form:continue", ""))
	if resp.Form == nil || len(resp.Form.Fields) != 2 {
		t.Fatalf("second page = %+v", resp.Form)
	}
	resp = h.do(h.ev.Submit(robin, resp.Form.ID, map[string]string{"reach_out": "no", "visibility": "private"}))
	if !strings.Contains(text(resp), "4 – good") {
		t.Errorf("ack = %q", text(resp))
	}
}

func TestThreadReplyCountsAsHouseAnswer(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	// The recording adapter numbered the prompt m1.
	ref := bot.MessageRef{Channel: h.house.Channel, ID: "m1"}
	resp := h.do(h.ev.Reply(robin, ref, "Doing a 4 today, thanks all"))
	if !strings.Contains(text(resp), "Mood: 4") || !strings.Contains(text(resp), "visible to the house") {
		t.Fatalf("reply ack = %q", text(resp))
	}
	if len(resp.Messages[0].Choices) != 1 {
		t.Error("no button to add the rest")
	}
	// A reply to another message is not read.
	resp = h.do(h.ev.Reply(casey, bot.MessageRef{Channel: h.house.Channel, ID: "other"}, "5"))
	if !resp.Empty() {
		t.Errorf("reply elsewhere = %q, want nothing", text(resp))
	}
}

func TestDuplicateDeliveryHandledOnce(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	p := h.prompt()
	form := h.do(h.ev.Press(robin, p.Choices[0].ID, "")).Form
	ev := h.ev.Submit(robin, form.ID, vals("3", "", "", "yes", "mentors"))
	h.do(ev)
	if resp := h.do(ev); !resp.Empty() {
		t.Errorf("redelivery answered %q, want nothing", text(resp))
	}
	h.flush()
	if n := len(h.ad.To(mentor.ID)); n != 1 {
		t.Errorf("mentor alerted %d times, want 1", n)
	}
}

func TestAnswersTableRespectsVisibilityAndAudits(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey, jamie)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.answer(robin, vals("2", "shared-win", "", "no", "house"))
	h.answer(casey, vals("3", "mentor-win", "", "no", "mentors"))
	h.answer(jamie, vals("4", "private-win", "", "no", "private"))

	resp := h.do(h.ev.Command(mentor, "checkin", "answers 2026-11-16"))
	got := text(resp)
	for _, want := range []string{"3 answered, 2 visible", "shared-win", "mentor-win"} {
		if !strings.Contains(got, want) {
			t.Errorf("mentor table %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "private-win") {
		t.Error("a private answer reached a mentor")
	}
	if resp := h.do(h.ev.Command(robin, "checkin", "answers")); !strings.Contains(text(resp), "only House Mentors and operators") {
		t.Errorf("resident asking for the table = %q", text(resp))
	}
	n, err := h.db.CountAudit(h.ctx, "answers.read")
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("audit rows = %d, want 1", n)
	}
}

// TestAnswersSummariseABusyDay: a day of many rounds (a demo's round every
// few minutes, or a mentor back after a gap) gets a one-line summary and
// the answers of its latest rounds with answers, not every round; only
// the rounds listed are audited.
func TestAnswersSummariseABusyDay(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	for i := range 8 {
		at := at9(0).Add(time.Duration(i) * 5 * time.Minute)
		h.clock.Set(at)
		h.openRound(at)
		h.flush()
		switch {
		case i == 0:
			h.answer(robin, vals("2", "first-win", "", "no", "mentors"))
		case i == 1:
			h.answer(casey, vals("3", "hidden-win", "", "no", "private"))
		case i >= 4 && i <= 7 && i != 6:
			h.answer(robin, vals("4", fmt.Sprintf("win-%d", i), "", "no", "mentors"))
		}
	}
	got := text(h.do(h.ev.Command(mentor, "checkin", "answers 2026-11-16")))
	for _, want := range []string{
		"8 check-ins: 5 answer(s) in all, 4 visible to you; 4 check-in(s) had no answers.",
		"The latest 3 with answers you can see (1 earlier not listed",
		"win-4", "win-5", "win-7",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("busy day lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "first-win") || strings.Contains(got, "hidden-win") || strings.Count(got, "visible to you:") != 3 {
		t.Errorf("busy day lists more than its latest three rounds with answers:\n%s", got)
	}
	h.wantAudit(map[string]int{"answers.read": 3})
}

// TestCheckinFollowsEachReadersLanguage: the prompt follows the house's
// language, the form, the echo and the reminder the resident's own; the
// default questions are in the reader's words, and what is stored is the
// visibility's code, whichever language it was picked in.
func TestCheckinFollowsEachReadersLanguage(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey, jamie)
	for _, u := range []bot.User{robin, jamie} {
		if got := text(h.do(h.ev.Command(u, "language", "es"))); !strings.Contains(got, "español") {
			t.Fatalf("/language es = %q", got)
		}
	}
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	p := h.prompt()
	if !strings.Contains(p.Text, "*Check-in time*") || p.Choices[0].Label != "Check in" {
		t.Errorf("prompt in an English house = %q %+v, want English", p.Text, p.Choices)
	}
	resp := h.do(h.ev.Press(robin, p.Choices[0].ID, ""))
	if resp.Form == nil {
		t.Fatalf("pressing Check in: got %q, want a form", text(resp))
	}
	f := *resp.Form
	if f.Submit != "Enviar" || f.Fields[0].Label != "¿Cómo te sientes hoy?" || f.Fields[0].Options[4] != "muy bien" {
		t.Errorf("Spanish form = %+v", f)
	}
	vis := f.Fields[len(f.Fields)-1]
	if vis.ID != bot.QVisibility || strings.Join(vis.Options, "/") != "privado/mentores/casa" || vis.Value != "mentors" || vis.Shown(vis.Value) != "mentores" || !strings.Contains(vis.Help, "privado: solo se cuenta") {
		t.Errorf("visibility question = %+v, want Spanish choices with mentores preselected", vis)
	}
	got := text(h.do(h.ev.Submit(robin, f.ID, vals("4", "Fui a una reunión", "", "no", "casa"))))
	for _, want := range []string{"✓ Gracias, Robin", "• ¿Quién puede ver esto?: casa", "• ¿Cómo te sientes hoy?: 4 – bien", "Compartido con la casa", "/checkin"} {
		if !strings.Contains(got, want) {
			t.Errorf("Robin's echo = %q, want %q in it", got, want)
		}
	}
	if a := answerIn(h, robin); a.Visibility != bot.VisHouse || a.Values[bot.QVisibility] != "house" || a.Mood != 4 {
		t.Errorf("stored = %q %q mood %d; want the code house and mood 4", a.Visibility, a.Values[bot.QVisibility], a.Mood)
	}
	h.answer(casey, vals("3", "", "", "no", "private"))
	if a := answerIn(h, casey); a.Visibility != bot.VisPrivate || a.Values[bot.QVisibility] != "private" {
		t.Errorf("Casey's stored visibility = %q, want private", a.Visibility)
	}
	h.flush()
	// Robin's share is a group post: in the house's language.
	var share string
	for _, m := range h.ad.InChannel(h.house.Channel) {
		if strings.Contains(m.Text, "Fui a una reunión") {
			share = m.Text
		}
	}
	if !strings.Contains(share, "*Robin* checked in:") || !strings.Contains(share, "• A win since last check-in: Fui a una reunión") {
		t.Errorf("share = %q, want the house's English", share)
	}
	// Editing starts from the code, shown in Robin's words.
	if resp := h.do(h.ev.Press(robin, p.Choices[0].ID, "")); resp.Form == nil || resp.Form.Title != "Cambia tu check-in" || resp.Form.Fields[len(resp.Form.Fields)-1].Value != "house" || resp.Form.Fields[len(resp.Form.Fields)-1].Shown("house") != "casa" {
		t.Errorf("edit form = %+v, want casa prefilled", resp.Form)
	}
	if got := text(h.do(h.ev.Command(robin, "checkin", "history"))); !strings.Contains(got, "*Tus últimos check-ins*") || !strings.Contains(got, "ánimo 4") || !strings.Contains(got, "(casa)") {
		t.Errorf("Robin's history = %q", got)
	}
	// The reminder follows its recipient; the mentors' summary the house.
	h.ad.Reset()
	h.tick(at9(0).Add(2 * time.Hour))
	if got := texts(h.ad.To(jamie.ID)); !strings.Contains(got, "Hola, Jamie, un recordatorio amable") {
		t.Errorf("Jamie's reminder = %q, want Spanish", got)
	}
	h.tick(at9(0).Add(4 * time.Hour))
	if got := texts(h.ad.To(mentor.ID)); !strings.Contains(got, "*Check-in closed*") || !strings.Contains(got, "Not checked in: Jamie") {
		t.Errorf("mentor's summary = %q, want the house's English", got)
	}
}

// TestSpanishHouseCheckin: a Spanish house posts its prompt in Spanish; a
// resident who chose English answers in English; a House Mentor who never
// joined reads the house's language.
func TestSpanishHouseCheckin(t *testing.T) {
	h := newHarness(t, func(h *bot.House) { h.Locale = "es" })
	h.join(robin, casey)
	h.do(h.ev.Command(casey, "language", "en"))
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	p := h.prompt()
	if !strings.Contains(p.Text, "*Hora del check-in*") || p.Choices[0].Label != "Hacer check-in" {
		t.Errorf("prompt = %q %+v, want Spanish", p.Text, p.Choices)
	}
	if got := text(h.answer(casey, vals("2", "", "", "no", "private"))); !strings.Contains(got, "Thanks, Casey") || !strings.Contains(got, "Who can see this?: private") {
		t.Errorf("Casey's echo = %q, want English", got)
	}
	if got := text(h.answer(robin, vals("5", "", "", "no", "mentores"))); !strings.Contains(got, "Tus mentores de la casa y quien administra la casa pueden ver esto") {
		t.Errorf("Robin's echo = %q, want Spanish", got)
	}
	if a := answerIn(h, robin); a.Visibility != bot.VisMentors {
		t.Errorf("mentores stored as %q, want mentors", a.Visibility)
	}
	h.tick(at9(0).Add(4 * time.Hour))
	if got := texts(h.ad.To(mentor.ID)); !strings.Contains(got, "*Check-in cerrado*") || !strings.Contains(got, "respondieron 2 de 2") {
		t.Errorf("mentor's summary = %q, want Spanish", got)
	}
	if got := text(h.do(h.ev.Command(mentor, "checkin", "answers 2026-11-16"))); !strings.Contains(got, "*Check-ins del lunes 16 de noviembre*") || !strings.Contains(got, "• Robin: ánimo 5 · (mentores)") || strings.Contains(got, "Casey") {
		t.Errorf("answers = %q", got)
	}
}
