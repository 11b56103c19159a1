package bot_test

import (
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
)

// The consent text is a privacy promise: in Spanish it makes every promise
// the English makes.
func TestSpanishConsentMakesTheSamePromises(t *testing.T) {
	h := newHarness(t, func(h *bot.House) { h.Locale = "es" })
	resp := h.do(h.ev.Command(guest, "join", ""))
	got := text(resp)
	for _, want := range []string{
		"*Unirte a los check-ins de Cedar House*",
		"*privado* (solo se cuenta en los totales), *mentores* (tus mentores de la casa y quien administra la casa) o *casa*",
		"nunca lo que escribiste",
		"se borran después de 180 días; solo se guardan los conteos",
		"nunca se usan para decidir sanciones ni desalojos",
		"Solo les aviso si dices que sí",
		"no le digo nada a nadie a menos que tú digas que sí",
		"Nadie atiende este bot las 24 horas",
		"Discord o Slack guardan su propia copia",
		"¿Estás de acuerdo?",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Spanish consent lacks %q:\n%s", want, got)
		}
	}
	// As many promises (bullets) as the English.
	en := text(newHarness(t).do(h.ev.Command(guest, "join", "")))
	if strings.Count(got, "\n• ") != strings.Count(en, "\n• ") || strings.Count(en, "\n• ") < 10 {
		t.Errorf("Spanish consent has %d bullets, English %d", strings.Count(got, "\n• "), strings.Count(en, "\n• "))
	}
	if c := resp.Messages[0].Choices; c[0].Label != "Estoy de acuerdo — unirme" || c[1].Label != "Ahora no" {
		t.Errorf("consent buttons: %+v", c)
	}
	got = text(h.do(h.ev.Press(guest, resp.Messages[0].Choices[0].ID, "")))
	if !strings.Contains(got, "¡Te damos la bienvenida a Cedar House, Gale!") {
		t.Errorf("welcome: %q", got)
	}
}

// In an English house, a member who chose Spanish reads their replies in
// Spanish; a newcomer to the channel, who has chosen nothing, is welcomed
// in the house's language.
func TestMembershipRepliesFollowTheReader(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	speak(h, robin, "es")
	if got := text(h.do(h.ev.Command(robin, "join", ""))); !strings.Contains(got, "Ya formas parte de los check-ins de Cedar House") {
		t.Errorf("/join again, in Spanish: %q", got)
	}
	if got := text(h.do(h.ev.Command(robin, "help", ""))); !strings.HasPrefix(got, "*Lo que puedes hacer aquí*") {
		t.Errorf("/help in Spanish: %q", got)
	}
	if got := text(h.do(h.ev.Command(robin, "leave", ""))); !strings.Contains(got, "Saliste de los check-ins de Cedar House") {
		t.Errorf("/leave in Spanish: %q", got)
	}

	es := newHarness(t, func(h *bot.House) { h.Locale = "es" })
	es.do(bot.Event{ID: "welcome-es", Platform: "test", Kind: bot.EventMemberJoined, User: casey, Channel: es.house.Channel})
	es.flush()
	dms := es.ad.To(casey.ID)
	if len(dms) != 1 || !strings.Contains(dms[0].Text, "¡Te damos la bienvenida a Cedar House!") || !strings.Contains(dms[0].Text, "oprime 2") {
		t.Errorf("welcome DM in a Spanish house: %+v", dms)
	}
}

// Refusals and usage errors are in the caller's language, the list of who
// may act joined the Spanish way.
func TestSpanishRefusalAndUsage(t *testing.T) {
	h := newHarness(t, func(h *bot.House) { h.Locale = "es" })
	if got := text(h.do(h.ev.Command(guest, "role", "mentor <@U-casey>"))); got != "Perdona, solo los administradores pueden usar /role mentor." {
		t.Errorf("refusal: %q", got)
	}
	if got := text(h.do(h.ev.Command(guest, "nonsense", ""))); !strings.HasPrefix(got, "No conozco el comando") {
		t.Errorf("unknown command: %q", got)
	}
	if got := text(h.do(h.ev.Command(owner, "role", "mentor"))); !strings.HasPrefix(got, "Falta <user>. Se usa así:") {
		t.Errorf("usage: %q", got)
	}
	// English stays as it was.
	en := newHarness(t)
	if got := text(en.do(en.ev.Command(guest, "role", "mentor <@U-casey>"))); got != "Sorry, only operators can use /role mentor." {
		t.Errorf("English refusal: %q", got)
	}
}

// A boolean option reads on and off, yes and no, in either language.
func TestBoolOptionInEitherLanguage(t *testing.T) {
	c := &bot.Command{Name: "x", Options: []bot.Option{{Name: "setting", Type: bot.OptBool}}}
	for in, want := range map[string]string{"on": "true", "sí": "true", "Si": "true", "activado": "true", "yes": "true", "off": "false", "no": "false", "desactivado": "false"} {
		args, err := bot.CheckOptions(c, "", map[string]string{"setting": in})
		if err != nil || args["setting"] != want {
			t.Errorf("%q: %v, %v; want %s", in, args["setting"], err, want)
		}
	}
	_, err := bot.CheckOptions(c, "", map[string]string{"setting": "quizás"})
	if got := bot.ErrorText((&bot.House{Locale: "es"}).Lang(), err); !strings.HasPrefix(got, "<setting> tiene que ser activado o desactivado") {
		t.Errorf("Spanish error: %q", got)
	}
}
