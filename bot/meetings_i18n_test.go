package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// TestMeetingsInSpanish: a resident who reads Spanish gets the form, the
// replies and the mid-week note in Spanish, may type "hoy" or "ayer", and
// their Spanish choices are stored as the same codes an English reader
// sees in English. A house's own kinds are shown as it wrote them.
func TestMeetingsInSpanish(t *testing.T) {
	h := newHarness(t, func(h *bot.House) { h.Meetings = bot.MeetingsConfig{PerWeek: 2, Reminder: "0 18 * * 3"} })
	h.join(robin, casey)
	h.do(h.ev.Command(robin, "language", "es"))
	h.clock.Set(time.Date(2026, 11, 25, 17, 0, 0, 0, chicago)) // the Wednesday after they joined

	resp := h.do(h.ev.Command(robin, "meeting", "log"))
	if f := resp.Form; f == nil || f.Title != "Anotar una reunión" || f.Fields[1].Options[4] != "otra" || f.Fields[2].Value != "in person" || f.Fields[2].Shown("in person") != "en persona" || f.Fields[2].Options[1] != "en línea" {
		t.Fatalf("/meeting log in Spanish = %+v", resp.Form)
	}
	resp = logMeeting(h, robin, "ayer", "otra", "en línea", "")
	if got := text(resp); !strings.Contains(got, "Anotada la #") || !strings.Contains(got, "otra, en línea, mar 24 nov") || !strings.Contains(got, "Llevas 1 reunión esta semana; la casa pide 2.") {
		t.Errorf("log reply in Spanish = %q", got)
	}
	if resp.Messages[0].Choices[0].Label != "Cambiar" {
		t.Errorf("buttons = %+v", resp.Messages[0].Choices)
	}
	if got := logMeeting(h, robin, "el martes", "AA", "en persona", "").FieldErrors["date"]; !strings.HasPrefix(got, "No puedo leer") || !strings.HasSuffix(got, "como fecha. Usa AAAA-MM-DD, por ejemplo 2026-12-01.") {
		t.Errorf("a bad date in Spanish = %q", got)
	}
	// The same entry, read in English: stored as codes.
	h.do(h.ev.Command(robin, "language", "en"))
	if got := text(h.do(h.ev.Command(robin, "meeting", "list"))); !strings.Contains(got, "— other, online") || !strings.Contains(got, "That's 1 meeting this week; the house asks for 2.") {
		t.Errorf("/meeting list in English = %q", got)
	}
	h.do(h.ev.Command(robin, "language", "es"))
	if got := text(h.do(h.ev.Command(robin, "meeting", "list"))); !strings.Contains(got, "*Tus reuniones de esta semana*") || !strings.Contains(got, "— otra, en línea") {
		t.Errorf("/meeting list in Spanish = %q", got)
	}
	logMeeting(h, casey, "hoy", "NA", "online", "")

	// The mid-week note follows each resident's language.
	h.ad.Reset()
	h.clock.Set(time.Date(2026, 11, 25, 18, 0, 0, 0, chicago))
	if err := h.bot.RunJob(h.ctx, bot.JobMeetingsReminder, h.house, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	h.flush()
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.HasPrefix(got[0].Text, "🌱 Una nota suave de mitad de semana: has anotado 1 de las 2") {
		t.Errorf("Robin's note = %s", texts(got))
	}
	if got := h.ad.To(casey.ID); len(got) != 1 || !strings.HasPrefix(got[0].Text, "🌱 A gentle mid-week note: you've logged 1 of the 2") {
		t.Errorf("Casey's note = %s", texts(got))
	}

	// A house's own kinds stay as it wrote them, in any language.
	h2 := newHarness(t, func(h *bot.House) {
		h.Locale = "es"
		h.Meetings = bot.MeetingsConfig{Kinds: []string{"AA", "Celebrate Recovery", "other"}}
	})
	h2.join(robin)
	if f := h2.do(h2.ev.Command(robin, "meeting", "log")).Form; f == nil || strings.Join(f.Fields[1].Options, ",") != "AA,Celebrate Recovery,other" {
		t.Errorf("configured kinds in Spanish = %+v", f)
	}
}
