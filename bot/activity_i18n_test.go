package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// TestActivityInSpanish: in an English house, a resident who chose Spanish
// gets their replies and reminders in Spanish, while the channel post
// stays in the house's English; the organiser's "who came?" follows the
// organiser.
func TestActivityInSpanish(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	if got := text(h.do(h.ev.Command(robin, "language", "es"))); !strings.Contains(got, "español") {
		t.Fatalf("/language es = %q", got)
	}
	_, post := addActivity(t, h, nil)
	if !strings.Contains(post.Text, "Going: 0") || post.Choices[0].Label != "Going" {
		t.Errorf("post in an English house = %q %+v, want English", post.Text, post.Choices)
	}
	if got := rsvp(h, robin, post, 0); !strings.Contains(got, "Vas a *Movie night*") || !strings.Contains(got, "vie 20 nov") {
		t.Errorf("Robin's RSVP = %q, want Spanish with a Spanish date", got)
	}
	if got := rsvp(h, casey, post, 1); !strings.Contains(got, "Noted as maybe") {
		t.Errorf("Casey's RSVP = %q, want English", got)
	}
	if got := rsvp(h, robin, post, 0); !strings.Contains(got, "Tu respuesta para *Movie night* ya está anotada: vas.") {
		t.Errorf("Robin's second RSVP = %q", got)
	}
	h.flush()
	h.ad.Reset()
	tick(t, h, friday7pm.Add(-time.Hour))
	if got := h.ad.To(robin.ID); len(got) != 1 || !strings.Contains(got[0].Text, "Recordatorio: *Movie night* empieza") ||
		!strings.Contains(got[0].Text, "en Living room") || got[0].Choices[0].Label != "No puedo ir" {
		t.Errorf("Robin's reminder = %s %+v, want Spanish", texts(got), got)
	}
	if got := h.ad.To(casey.ID); len(got) != 1 || !strings.Contains(got[0].Text, "Still coming?") || got[0].Choices[0].Label != "Going" {
		t.Errorf("Casey's reminder = %s, want English", texts(got))
	}
	if got := text(h.do(h.ev.Command(robin, "activity", "list"))); !strings.Contains(got, "*Próximamente*") || !strings.Contains(got, "tú: vas") {
		t.Errorf("Robin's list = %q", got)
	}
}

// TestActivitySpanishHouse: a Spanish house posts in Spanish, its form
// speaks Spanish, and Spanish answers to it are stored as the same codes.
func TestActivitySpanishHouse(t *testing.T) {
	h := newHarness(t, func(hs *bot.House) { hs.Locale = "es" })
	h.join(robin)
	// Spanish words for the day and the repeat, typed by a mentor who
	// reads Spanish, store the same moment and the code "weekly".
	got := text(h.do(h.ev.Submit(mentor, "activity:new", map[string]string{"title": "Caminata", "when": "viernes 19:00", "place": "El parque", "repeat": "Cada semana"})))
	if !strings.Contains(got, "Publiqué *Caminata*") || !strings.Contains(got, "1 hora antes") {
		t.Fatalf("add = %q", got)
	}
	h.flush()
	posts := h.ad.InChannel(h.house.Channel)
	post := posts[len(posts)-1]
	if !strings.Contains(post.Text, "Cada semana.") || !strings.Contains(post.Text, "Van: 0 · Tal vez: 0") || post.Choices[0].Label != "Voy" {
		t.Errorf("post = %q %+v, want Spanish", post.Text, post.Choices)
	}
	if !strings.Contains(post.Text, "{{time+until:"+itoa(friday7pm.Unix())+"|vie 20 nov, 19:00 CST}}") {
		t.Errorf("post = %q, want Friday 19:00 with a Spanish fallback", post.Text)
	}
	var up []*bot.Activity
	err := h.db.View(h.ctx, func(tx bot.Tx) (err error) {
		up, err = tx.UpcomingActivities(h.ctx, h.house.ID, h.clock.Now())
		return err
	})
	if err != nil || len(up) != 1 || up[0].Repeat != "weekly" || !up[0].StartsAt.Equal(friday7pm) {
		t.Errorf("stored = %+v, %v; want weekly, Friday 19:00", up, err)
	}
	// A mistake is explained in the mentor's language.
	if got := text(h.do(h.ev.Command(mentor, "activity", `add "Caminata" "algún día 19:00"`))); !strings.Contains(got, "No pude leer") {
		t.Errorf("bad time = %q, want Spanish", got)
	}
	resp := h.do(h.ev.Command(mentor, "activity", "add"))
	if resp.Form == nil || resp.Form.Title != "Nueva actividad" {
		t.Fatalf("form = %+v, want Spanish", resp.Form)
	}
	if f := resp.Form.Fields[0]; f.Label != "¿Qué es?" || f.Placeholder != "Noche de película" {
		t.Errorf("first field = %+v, want Spanish", f)
	}
}

// TestParseWhenSpanish: Spanish days read like English ones, whatever the
// reader's language, and errors come in the reader's language.
func TestParseWhenSpanish(t *testing.T) {
	now := time.Date(2026, 11, 18, 12, 0, 0, 0, chicago) // a Wednesday, noon
	es := bot.House{Locale: "es"}
	for es, en := range map[string]string{
		"hoy 19:00": "today 19:00", "Mañana 07:30": "tomorrow 07:30", "manana 07:30": "tomorrow 07:30",
		"vie 19:00": "fri 19:00", "viernes 19:00": "friday 19:00", "sáb 10:00": "sat 10:00", "sabado 10:00": "sat 10:00",
		"mié 19:00": "wed 19:00", "miercoles 09:00": "wed 09:00", "Lunes 19:00": "mon 19:00", "dom 08:00": "sun 08:00",
	} {
		want, err := bot.ParseWhen(bot.SourceLang(), en, now, chicago)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := bot.ParseWhen(bot.SourceLang(), es, now, chicago); err != nil || !got.Equal(want) {
			t.Errorf("ParseWhen(%q) = %v, %v; want %v as for %q", es, got, err, want, en)
		}
	}
	_, err := bot.ParseWhen(es.Lang(), "hoy 11:00", now, chicago)
	if got := bot.ErrorText(es.Lang(), err); got != "mié 18 nov, 11:00 ya pasó. Usa AAAA-MM-DD HH:MM, hoy 19:00, mañana 19:00 o vie 19:00 (hora de la casa)." {
		t.Errorf("passed, in Spanish = %q", got)
	}
	_, err = bot.ParseWhen(bot.SourceLang(), "today 11:00", now, chicago)
	if got := bot.ErrorMessage(err); got != "Wed 18 Nov 11:00 has already passed. Use YYYY-MM-DD HH:MM, today 19:00, tomorrow 19:00 or fri 19:00 (house time)." {
		t.Errorf("passed, in English = %q", got)
	}
}
