package bot_test

import (
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
)

// /mydata and /role answer each person in their language: the operator in
// theirs, the new House Mentor's DM in the mentor's own.
func TestPrivacyRepliesFollowTheReader(t *testing.T) {
	h := newHarness(t)
	h.join(robin, casey)
	speak(h, robin, "es")
	resp := h.do(h.ev.Command(robin, "mydata", "erase"))
	if got := text(resp); !strings.Contains(got, "No se puede deshacer") || resp.Messages[0].Choices[0].Label != "Borrar mis datos" {
		t.Errorf("erase confirmation in Spanish: %q %+v", got, resp.Messages[0].Choices)
	}
	if got := text(h.do(h.ev.Press(robin, "mydata:keep", ""))); got != "Está bien, no se borró nada." {
		t.Errorf("keep: %q", got)
	}
	if got := text(h.do(h.ev.Command(robin, "mydata", "export"))); !strings.Contains(got, "Te envié un mensaje directo") {
		t.Errorf("export: %q", got)
	}

	// The operator reads English; Robin, made a House Mentor, is told in
	// Spanish.
	if got := text(h.do(h.ev.Command(owner, "role", "mentor <@"+robin.ID+">"))); got != "Robin is now a House Mentor of Cedar House." {
		t.Errorf("grant: %q", got)
	}
	h.flush()
	dms := h.ad.To(robin.ID)
	if last := dms[len(dms)-1].Text; !strings.HasPrefix(last, "Ahora eres mentor de la casa en Cedar House.") {
		t.Errorf("new mentor's DM: %q", last)
	}
}

// The Spanish plural of ended agreements.
func TestSpanishRoleRemovedPlural(t *testing.T) {
	es := (&bot.House{Locale: "es"}).Lang()
	if got := es.N("privacy.role.removed_agreements", 2, "Name", "Robin", "House", "Cedar House"); !strings.Contains(got, "Terminaron sus 2 acuerdos de mentoría como mentor") {
		t.Errorf("2: %q", got)
	}
	if got := es.N("privacy.role.removed_agreements", 1, "Name", "Robin", "House", "Cedar House"); !strings.Contains(got, "Terminó el acuerdo de mentoría que tenía como mentor") {
		t.Errorf("1: %q", got)
	}
}
