package bot_test

import (
	"strings"
	"testing"
	"time"
)

// TestMentoringInSpanish: a House Mentor who reads Spanish proposes with
// the form in Spanish ("cada semana", "llamada", "martes"); the agreement
// stores the same terms as English ones, and each side reads its
// messages in its own language: the proposal, the reminder and the
// question after.
func TestMentoringInSpanish(t *testing.T) {
	h := newHarness(t)
	h.join(mentor, robin)
	h.do(h.ev.Command(mentor, "language", "es"))

	resp := h.do(h.ev.Command(mentor, "mentor", "agree <@"+robin.ID+">"))
	f := resp.Form
	if f == nil || f.Title != "Acuerdo de mentoría" || f.Submit != "Proponer" || f.Fields[0].Value != "1" || f.Fields[0].Shown("1") != "cada semana" || strings.Join(f.Fields[1].Options, "/") != "llamada/mensaje de texto/en persona" {
		t.Fatalf("/mentor agree in Spanish = %+v", resp.Form)
	}
	bad := h.do(h.ev.Submit(mentor, f.ID, map[string]string{"every": "cada semana", "mode": "llamada", "day": "el martes", "time": "19:00"}))
	if got := bad.FieldErrors["day"]; got != "Escribe un día de la semana, como martes." {
		t.Errorf("a wrong day in Spanish = %q", got)
	}
	vals := map[string]string{"every": "cada semana", "mode": "llamada", "day": "Martes", "time": "19:00", "boundaries": "Nada de llamadas después de las 21:00"}
	if got := text(h.do(h.ev.Submit(mentor, f.ID, vals))); got != "Le mandé el acuerdo a *Robin* para que lo confirme: una llamada cada semana, los martes a las 19:00 (hora de la casa). Empieza en cuanto diga que sí." {
		t.Errorf("the proposal's reply in Spanish = %q", got)
	}
	// Robin reads English: the same terms, stored as codes.
	offer := lastTo(t, h, robin)
	if !strings.HasPrefix(offer.Text, "🤝 *Morgan*, a House Mentor, would like to agree on mentoring with you:\n• a call every week, on Tuesdays at 19:00 (house time)") || offer.Choices[0].Label != "I agree" {
		t.Fatalf("Robin's offer = %+v", offer)
	}
	h.do(h.ev.Press(robin, offer.Choices[0].ID, ""))
	if got := lastTo(t, h, mentor).Text; !strings.HasPrefix(got, "🤝 *Robin* aceptó: una llamada cada semana, los martes a las 19:00 (hora de la casa). La primera vez es ") ||
		!strings.HasSuffix(got, "Les voy a recordar a los dos 2 horas antes.") || !strings.Contains(got, "mar 17 nov, 19:00") {
		t.Errorf("Morgan told in Spanish = %q", got)
	}
	if got := text(h.do(h.ev.Command(mentor, "mentor", "list"))); !strings.Contains(got, "• Con *Robin* (eres su mentor): una llamada cada semana") ||
		!strings.Contains(got, "Límites: Nada de llamadas después de las 21:00") || !strings.Contains(got, "Todavía no hay contactos en las últimas 8 semanas.") {
		t.Errorf("/mentor list in Spanish = %q", got)
	}

	h.ad.Reset()
	tick(t, h, tuesday7pm.Add(-2*time.Hour))
	if got := lastTo(t, h, mentor).Text; !strings.HasPrefix(got, "⏰ Se acerca: una llamada con *Robin*, ") {
		t.Errorf("Morgan's reminder = %q", got)
	}
	if got := lastTo(t, h, robin).Text; !strings.HasPrefix(got, "⏰ Coming up: a call with your House Mentor *Morgan*, ") {
		t.Errorf("Robin's reminder = %q", got)
	}
	tick(t, h, tuesday7pm.Add(2*time.Hour))
	ask := lastTo(t, h, mentor)
	if ask.Text != "¿Cómo les fue? ¿Se dio una llamada con *Robin* (martes, 19:00)?" || ask.Choices[0].Label != "Sí, nos conectamos" {
		t.Fatalf("Morgan's question = %+v", ask)
	}
	if got := text(h.do(h.ev.Press(mentor, ask.Choices[1].ID, ""))); !strings.HasPrefix(got, "Gracias por avisarme; a veces pasa.") {
		t.Errorf("the answer's reply = %q", got)
	}
	if got := text(h.do(h.ev.Press(robin, lastTo(t, h, robin).Choices[0].ID, ""))); got != "Already noted by *Morgan*: it didn't happen this time. Thank you!" {
		t.Errorf("Robin's late answer = %q", got)
	}
	if got := text(h.do(h.ev.Command(mentor, "mentor", "list"))); !strings.Contains(got, "Últimas 8 semanas: 0 se dieron · 1 no se dio (mar 17 nov).") {
		t.Errorf("/mentor list after a missed contact = %q", got)
	}

	// Robin leaves: Morgan is told in Spanish.
	h.ad.Reset()
	h.do(h.ev.Command(robin, "leave", ""))
	h.flush()
	if got := lastTo(t, h, mentor).Text; got != "Robin ya no forma parte de los check-ins de la casa, así que tu acuerdo de mentoría terminó. Gracias por el tiempo que le diste." {
		t.Errorf("Morgan told Robin left = %q", got)
	}
}
