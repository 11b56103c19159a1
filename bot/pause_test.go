package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// memberOf loads u's membership in the test house.
func (h *harness) memberOf(u bot.User) *bot.Member {
	h.t.Helper()
	var m *bot.Member
	if err := h.db.View(h.ctx, func(tx bot.Tx) (err error) {
		m, err = tx.MemberByUser(h.ctx, h.house.ID, u.ID)
		return err
	}); err != nil {
		h.t.Fatal(err)
	}
	return m
}

// wholeRound forgets what was sent, then opens a round at t and runs its
// reminder and its close.
func (h *harness) wholeRound(t time.Time) {
	h.t.Helper()
	h.ad.Reset()
	h.clock.Set(t)
	h.openRound(t)
	h.tick(t.Add(2 * time.Hour))
	h.tick(t.Add(4 * time.Hour))
}

// tick runs the tick at t and delivers the outbox.
func (h *harness) tick(t time.Time) {
	h.t.Helper()
	h.clock.Set(t)
	if err := h.bot.Tick(h.ctx); err != nil {
		h.t.Fatal(err)
	}
	h.flush()
}

func TestMentorPausesAResidentUntilADate(t *testing.T) {
	h := pairedHarness(t)
	h.clock.Set(at9(0).Add(-time.Hour))
	got := text(h.do(h.ev.Command(mentor, "pause", "<@"+robin.ID+"> until 2026-11-20 family visit")))
	if !strings.Contains(got, "Paused *Robin* until Friday 20 November") || !strings.Contains(got, "/pause @Robin end") {
		t.Errorf("mentor's reply = %q", got)
	}
	h.flush()
	told := texts(h.ad.To(robin.ID))
	for _, want := range []string{"Morgan, a House Mentor, has paused your check-ins", "until Friday 20 November (family visit)", "not a mark against you", "/checkin resume"} {
		if !strings.Contains(told, want) {
			t.Errorf("Robin told %q, want %q in it", told, want)
		}
	}
	if got := texts(h.ad.To(casey.ID)); !strings.Contains(got, "Robin is away for a while") || strings.Contains(got, "family") {
		t.Errorf("Casey told %q, want that Robin is away, without the reason", got)
	}
	m := h.memberOf(robin)
	if want := time.Date(2026, 11, 20, 0, 0, 0, 0, chicago); !m.PausedUntil.Equal(want) || m.PausedBy != mentor.ID || m.PauseReason != "family visit" {
		t.Errorf("Robin = until %v by %q for %q; want %v by %s for the reason", m.PausedUntil, m.PausedBy, m.PauseReason, want, mentor.ID)
	}
	h.wantAudit(map[string]int{"member.pause": 1})

	// While paused: no nudge, no miss, no ping; the mentors' summary says
	// paused.
	h.wholeRound(at9(1))
	if got := h.ad.To(robin.ID); len(got) != 0 {
		t.Errorf("paused Robin got %s", texts(got))
	}
	if got := texts(h.ad.To(mentor.ID)); !strings.Contains(got, "Paused: Robin (until Fri 20 Nov)") {
		t.Errorf("mentor's summary = %q, want Robin paused", got)
	}
	if got := texts(h.ad.To(casey.ID)); strings.Contains(got, "Robin") {
		t.Errorf("Casey pinged about paused Robin: %q", got)
	}

	// On the date prompts resume on their own: no job ends the pause.
	h.ad.Reset()
	h.clock.Set(at9(4))
	h.openRound(at9(4))
	h.tick(at9(4).Add(2 * time.Hour))
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "gentle nudge") {
		t.Errorf("Robin after the pause = %s, want a nudge", texts(got))
	}
}

func TestMentorEndsAPauseEarly(t *testing.T) {
	h := pairedHarness(t)
	h.clock.Set(at9(0))
	if got := text(h.do(h.ev.Command(mentor, "pause", "<@"+robin.ID+"> end"))); !strings.Contains(got, "*Robin* isn't paused") {
		t.Errorf("ending no pause = %q", got)
	}
	h.do(h.ev.Command(owner, "pause", "<@"+robin.ID+"> until 2026-12-01"))
	if got := text(h.do(h.ev.Command(owner, "pause", "<@"+robin.ID+"> until 2026-12-05"))); !strings.Contains(got, "now runs until Saturday 5 December") {
		t.Errorf("pausing again = %q", got)
	}
	h.flush()
	h.ad.Reset()
	if got := text(h.do(h.ev.Command(mentor, "pause", "<@"+robin.ID+"> end"))); !strings.Contains(got, "pause has ended") {
		t.Errorf("end = %q", got)
	}
	h.flush()
	if got := texts(h.ad.To(robin.ID)); !strings.Contains(got, "Welcome back, Robin! Morgan, a House Mentor, has turned your check-in prompts") {
		t.Errorf("Robin told %q", got)
	}
	if m := h.memberOf(robin); m.Paused(h.clock.Now()) || m.PausedBy != "" || m.PauseReason != "" {
		t.Errorf("Robin after the end = %+v, want no pause left", m)
	}
	h.wantAudit(map[string]int{"member.pause": 2, "member.resume": 1})
}

func TestPauseAndRemoveRefuseBadInputAndWriteNothing(t *testing.T) {
	h := pairedHarness(t)
	h.clock.Set(at9(0))
	long := strings.Repeat("a", 201)
	for _, tc := range []struct {
		who       bot.User
		cmd, raw  string
		want      string
		typedOpts map[string]string
	}{
		{robin, "pause", "<@" + casey.ID + "> until 2026-11-20", "only House Mentors and operators", nil},
		{robin, "remove", "<@" + casey.ID + ">", "only House Mentors and operators", nil},
		{mentor, "pause", "<@" + guest.ID + "> until 2026-11-20", "hasn't joined Cedar House's check-ins", nil},
		{mentor, "remove", "<@" + guest.ID + ">", "hasn't joined Cedar House's check-ins", nil},
		{mentor, "pause", "<@" + robin.ID + "> until 2026-11-10", "must be after today", nil},
		{mentor, "pause", "<@" + robin.ID + "> until 2026-11-16", "must be after today", nil},
		{mentor, "pause", "<@" + robin.ID + "> until 2027-02-17", "up to 3 months", nil},
		{mentor, "pause", "<@" + robin.ID + "> until tomorrow", "“tomorrow” is not a date", nil},
		{mentor, "pause", "<@" + robin.ID + "> until 2026-13-01", "is not a date", nil},
		{mentor, "pause", "<@" + robin.ID + "> until", "is not a date", nil},
		{mentor, "pause", "<@" + robin.ID + ">", "Missing <until>", nil},
		{mentor, "pause", "<@" + robin.ID + "> until 2026-11-20 " + long, "The reason is 201 characters", nil},
		{mentor, "pause", "", "The reason is 201 characters", map[string]string{"resident": robin.ID, "until": "2026-11-20", "reason": long}},
		{mentor, "pause", "", "must be after today", map[string]string{"resident": robin.ID, "until": "2026-11-01"}},
	} {
		ev := h.ev.Command(tc.who, tc.cmd, tc.raw)
		if tc.typedOpts != nil {
			ev.Command.Options = tc.typedOpts
		}
		if got := text(h.do(ev)); !strings.Contains(got, tc.want) {
			t.Errorf("/%s %s (%v) = %q, want %q", tc.cmd, clipped(tc.raw), tc.typedOpts != nil, got, tc.want)
		}
	}
	h.flush()
	if sent := h.ad.Sent(); len(sent) != 0 {
		t.Errorf("refused commands sent %s", texts(sent))
	}
	if m := h.memberOf(robin); !m.PausedUntil.IsZero() || m.PauseReason != "" || !m.Active() {
		t.Errorf("Robin = %+v, want untouched", m)
	}
	h.wantAudit(map[string]int{"member.pause": 0, "member.remove": 0})
	if got := text(h.do(h.ev.Command(robin, "partner", ""))); !strings.Contains(got, "*Casey*") {
		t.Errorf("Robin's pair after refusals = %q, want Casey still", got)
	}
}

func clipped(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

func TestTypedPauseOptionsWork(t *testing.T) {
	h := pairedHarness(t)
	h.clock.Set(at9(0))
	ev := h.ev.Command(mentor, "pause", "")
	ev.Command.Options = map[string]string{"resident": robin.ID, "until": "2026-11-25", "reason": "hospital stay"}
	if got := text(h.do(ev)); !strings.Contains(got, "Paused *Robin* until Wednesday 25 November") {
		t.Fatalf("typed /pause = %q", got)
	}
	if m := h.memberOf(robin); m.PauseReason != "hospital stay" {
		t.Errorf("reason = %q", m.PauseReason)
	}
}

func TestMentorRemovesAResidentWhoMovedOut(t *testing.T) {
	h := pairedHarness(t)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.answer(robin, vals("4", "Found an apartment", "", "no", "mentors"))
	h.flush()
	h.ad.Reset()

	ask := h.do(h.ev.Command(mentor, "remove", "<@"+robin.ID+">"))
	if len(ask.Messages) != 1 || len(ask.Messages[0].Choices) != 2 || !strings.Contains(ask.Messages[0].Text, "Has *Robin* moved out") {
		t.Fatalf("/remove = %+v, want a question with two choices", ask)
	}
	if got := text(h.do(h.ev.Press(mentor, ask.Messages[0].Choices[1].ID, ""))); !strings.Contains(got, "nothing changed") {
		t.Errorf("cancel = %q", got)
	}
	if !h.memberOf(robin).Active() {
		t.Fatal("cancel removed Robin")
	}
	// A resident cannot press a mentor's button.
	if got := text(h.do(h.ev.Press(casey, ask.Messages[0].Choices[0].ID, ""))); !strings.Contains(got, "only House Mentors") {
		t.Errorf("Casey pressing = %q, want a refusal", got)
	}
	if got := text(h.do(h.ev.Press(mentor, ask.Messages[0].Choices[0].ID, ""))); !strings.Contains(got, "*Robin* is no longer a member of Cedar House") {
		t.Errorf("confirm = %q", got)
	}
	h.flush()
	told := texts(h.ad.To(robin.ID))
	for _, want := range []string{"you've moved on from Cedar House", "wish you all the best", "removed after 180 days", "/mydata export", "/mydata erase"} {
		if !strings.Contains(told, want) {
			t.Errorf("Robin told %q, want %q in it", told, want)
		}
	}
	if got := texts(h.ad.To(casey.ID)); !strings.Contains(got, "Robin has moved on from Cedar House, so *Robin* is no longer your accountability partner") {
		t.Errorf("Casey told %q", got)
	}
	if m := h.memberOf(robin); m.Active() || m.LeftAt.IsZero() {
		t.Errorf("Robin = %+v, want left", m)
	}
	h.wantAudit(map[string]int{"member.remove": 1, "member.leave": 0})
	if got := text(h.do(h.ev.Press(mentor, ask.Messages[0].Choices[0].ID, ""))); !strings.Contains(got, "no longer a member") {
		t.Errorf("second confirm = %q", got)
	}
	h.wantAudit(map[string]int{"member.remove": 1})

	// No more prompts for Robin; their data is still theirs to export.
	h.wholeRound(at9(1))
	if got := h.ad.To(robin.ID); len(got) != 0 {
		t.Errorf("removed Robin got %s", texts(got))
	}
	if got := texts(h.ad.To(mentor.ID)); strings.Contains(got, "Robin") {
		t.Errorf("mentor's summary names removed Robin: %q", got)
	}
	h.do(h.ev.Command(robin, "mydata", "export"))
	h.flush()
	dm := h.ad.To(robin.ID)
	if len(dm) != 1 || dm[0].Attachment == nil || !strings.Contains(string(dm[0].Attachment.Data), "Found an apartment") {
		t.Errorf("export after removal = %s, want the file with Robin's answer", texts(dm))
	}
}

// TestMessagesNamingTheMentorAreErasedWithThem: the pause notice and the
// "someone is coming" of a reach-out name the House Mentor; erasing the
// mentor before they are sent takes them away.
func TestMessagesNamingTheMentorAreErasedWithThem(t *testing.T) {
	h := newHarness(t)
	h.join(mentor, robin, casey)
	h.clock.Set(at9(0))
	h.openRound(at9(0))
	h.flush()
	h.answer(casey, vals("2", "", "", "yes", "private"))
	h.flush()
	var take string
	for _, m := range h.ad.To(mentor.ID) {
		if len(m.Choices) > 0 && strings.HasPrefix(m.Choices[0].ID, "reachout:") {
			take = m.Choices[0].ID
		}
	}
	if take == "" {
		t.Fatal("no reach-out notice to the mentor")
	}
	h.bot.Handle(h.ctx, h.ev.Press(mentor, take, ""))                                                   // not flushed
	h.bot.Handle(h.ctx, h.ev.Command(mentor, "pause", "<@"+robin.ID+"> until 2026-11-20 family visit")) // not flushed
	for _, s := range []string{"Morgan, a House Mentor, has paused", "Morgan, a House Mentor, saw your check-in"} {
		if n := outboxWith(t, h, s); n != 1 {
			t.Fatalf("messages with %q queued = %d, want 1", s, n)
		}
	}
	if err := h.bot.EraseData(h.ctx, h.house, mentor.ID, "cli"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Morgan, a House Mentor", "Morgan"} {
		if n := outboxWith(t, h, s); n != 0 {
			t.Errorf("messages with %q after erasing the mentor = %d, want 0", s, n)
		}
	}
}

// TestPauseInTheResidentsLanguage: a Spanish-speaking resident pauses with
// "hasta"; a House Mentor's pause tells them in Spanish while the House
// Mentor reads English, and "fin" ends it.
func TestPauseInTheResidentsLanguage(t *testing.T) {
	h := pairedHarness(t)
	h.do(h.ev.Command(robin, "language", "es"))
	h.clock.Set(at9(0).Add(-time.Hour))
	if got := text(h.do(h.ev.Command(robin, "checkin", "pause hasta 2026-11-18"))); !strings.Contains(got, "En pausa") || !strings.Contains(got, "miércoles 18 de noviembre") {
		t.Errorf("/checkin pause hasta = %q", got)
	}
	if !h.memberOf(robin).Paused(at9(1)) {
		t.Error("not paused after /checkin pause hasta")
	}
	if got := text(h.do(h.ev.Command(robin, "checkin", "pause hasta 2026-11-01"))); !strings.Contains(got, "después de hoy") || !strings.Contains(got, "/checkin pause hasta 2026-11-23") {
		t.Errorf("a date in the past = %q, want a Spanish example", got)
	}
	h.ad.Reset()
	got := text(h.do(h.ev.Command(mentor, "pause", "<@"+robin.ID+"> hasta 2026-11-20 visita familiar")))
	if !strings.Contains(got, "now runs until Friday 20 November") {
		t.Errorf("mentor's reply = %q, want English", got)
	}
	h.flush()
	if told := texts(h.ad.To(robin.ID)); !strings.Contains(told, "Morgan, mentor de la casa, puso en pausa tus check-ins") || !strings.Contains(told, "hasta el viernes 20 de noviembre (visita familiar)") {
		t.Errorf("Robin told %q, want Spanish", told)
	}
	h.ad.Reset()
	if got := text(h.do(h.ev.Command(mentor, "pause", "<@"+robin.ID+"> fin"))); !strings.Contains(got, "pause has ended") {
		t.Errorf("/pause fin = %q", got)
	}
	h.flush()
	if told := texts(h.ad.To(robin.ID)); !strings.Contains(told, "¡Qué bueno tenerte de vuelta, Robin!") {
		t.Errorf("Robin told %q", told)
	}
}
