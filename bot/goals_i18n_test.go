package bot_test

import (
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
)

// TestGoalsInSpanish: a resident who reads Spanish is asked about their
// goal in Spanish, with Spanish buttons, in a house that speaks English;
// their answer is stored as its number, which reads the same in English.
func TestGoalsInSpanish(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	h.do(h.ev.Command(robin, "language", "es"))
	if got := text(h.do(h.ev.Command(robin, "goal", "add llamar a mi padrino"))); !strings.HasPrefix(got, "Meta 1 agregada: “llamar a mi padrino”. Es privada") ||
		!strings.Contains(got, "los domingos por la tarde") {
		t.Errorf("/goal add in Spanish = %q", got)
	}
	h.do(h.ev.Command(casey, "goal", "add call my sponsor"))
	if got := text(h.do(h.ev.Command(robin, "goal", "done 4"))); !strings.HasPrefix(got, "Tienes 1 meta; da un número del 1 al 1") {
		t.Errorf("a wrong number in Spanish = %q", got)
	}
	h.ad.Reset()
	askGoals(t, h, sunday6pm)
	es, en := h.ad.To(robin.ID), h.ad.To(casey.ID)
	if len(es) != 1 || es[0].Text != "🌱 ¿Cómo te fue esta semana con: *llamar a mi padrino*?" || es[0].Choices[3].Label != "4 · en buena parte" {
		t.Fatalf("Robin's question = %s %+v", texts(es), es)
	}
	if len(en) != 1 || en[0].Choices[3].Label != "4 · mostly" {
		t.Errorf("Casey's question = %s", texts(en))
	}
	resp := h.do(h.ev.Press(robin, es[0].Choices[1].ID, ""))
	if got := text(resp); got != "Gracias por tu honestidad. Anoté 2 · un poco para “llamar a mi padrino”. Hay semanas así; la próxima es un nuevo comienzo. 💚" ||
		resp.Messages[0].Choices[0].Label != "Agregar una nota" {
		t.Errorf("the reply to a rating = %+v", resp)
	}
	if got := text(h.do(h.ev.Command(robin, "goal", "list"))); !strings.Contains(got, "*Tus metas* (solo tú ves esto)") || !strings.Contains(got, "Últimas: 2 · un poco (22 nov)") {
		t.Errorf("/goal list in Spanish = %q", got)
	}
	h.do(h.ev.Command(robin, "language", bot.SourceLang().Code()))
	if got := text(h.do(h.ev.Command(robin, "goal", "list"))); !strings.Contains(got, "Recent: 2 · a little (22 Nov)") {
		t.Errorf("/goal list in English = %q", got)
	}
}
