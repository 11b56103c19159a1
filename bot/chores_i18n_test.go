package bot_test

import (
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
)

// TestChoresInSpanish: a turn goes to each person in their own language,
// the House Mentors' summary in the house's, and /chores in the caller's;
// the chore's name stays as the house configured it.
func TestChoresInSpanish(t *testing.T) {
	h := newHarness(t, func(h *bot.House) {
		h.Locale = "es"
		h.Chores = bot.ChoresConfig{List: []bot.Chore{{Name: "Kitchen", Every: "daily", People: 2}}, Summary: "0 9 * * *"}
	})
	h.join(robin, casey)
	h.do(h.ev.Command(casey, "language", "en"))
	h.ad.Reset()
	h.clock.Set(at9(0))
	if err := h.bot.RunJob(h.ctx, bot.JobChoreTurnPrefix+"kitchen", h.house, at9(0)); err != nil {
		t.Fatal(err)
	}
	h.flush()
	es, en := h.ad.To(robin.ID), h.ad.To(casey.ID)
	if len(es) != 1 || !strings.HasPrefix(es[0].Text, "🧹 Te toca: *Kitchen* con *Casey*.") || es[0].Choices[0].Label != "Hecho" || es[0].Choices[1].Label != "Pedir un cambio" {
		t.Errorf("Robin's turn (house language, Spanish) = %s", texts(es))
	}
	if len(en) != 1 || !strings.HasPrefix(en[0].Text, "🧹 Your turn: *Kitchen* with *Robin*.") || en[0].Choices[0].Label != "Done" {
		t.Errorf("Casey's turn (chose English) = %s", texts(en))
	}
	if got := text(h.do(h.ev.Command(robin, "chores", ""))); !strings.Contains(got, "Te toca ahora: *Kitchen* (desde el lun 16 nov)") || !strings.Contains(got, "• Kitchen — cada día, 2 personas") {
		t.Errorf("/chores in Spanish = %q", got)
	}
	if got := text(h.do(h.ev.Command(casey, "chores", ""))); !strings.Contains(got, "• Kitchen — every day, 2 people") {
		t.Errorf("/chores in English = %q", got)
	}
	h.ad.Reset()
	h.clock.Set(at9(1))
	if err := h.bot.RunJob(h.ctx, bot.JobChoresSummary, h.house, at9(1)); err != nil {
		t.Fatal(err)
	}
	h.flush()
	sum := h.ad.To(mentor.ID)
	if len(sum) != 1 || !strings.Contains(sum[0].Text, "*Las tareas de esta semana en Cedar House*") || !strings.Contains(sum[0].Text, "Kitchen: 0 de 2 turnos marcados como hechos") {
		t.Errorf("the House Mentor's summary (house language) = %s", texts(sum))
	}
}
