package console

import (
	"context"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
)

// TestConsoleSpeaksItsLocale: the console's own words (notices, :help,
// the tags that say who sees a message) are in Options.Locale, English by
// default; what the core says is printed as it comes.
func TestConsoleSpeaksItsLocale(t *testing.T) {
	reply := func(ev bot.Event) bot.Response {
		return bot.Response{Lang: "es", Messages: []bot.Message{{Text: "Hola"}}, Form: &bot.Form{Title: "", Fields: []bot.Field{{ID: "a", Label: "¿Cómo estás?", Value: "bien"}}}}
	}
	_, out := run(t, ":who\n:as Nadie\n:nope\nhola\n", Options{Users: users, Locale: "es"}, reply)
	for _, want := range []string{
		"Escribes como Robin. Los comandos empiezan con / (prueba /help)",
		"Eres Robin. Personas: Robin, Sam, Alex.",
		`Aquí no hay nadie que se llame "Nadie".`,
		"No conozco el control :nope.",
		"[solo tú] Hola",
		"📝 Formulario (en la consola, los formularios se hacen pregunta por pregunta)",
		"• ¿Cómo estás? [ahora: bien]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	var dm syncBuffer
	a := New(strings.NewReader(""), &dm, Options{Users: users, Locale: "es"})
	if _, err := a.Send(context.Background(), bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: "U0002"}, Message: bot.Message{Text: "x"}}); err != nil {
		t.Fatal(err)
	}
	if got := dm.String(); got != "[MD → Sam] x\n" {
		t.Errorf("a DM to Sam prints %q", got)
	}
	_, en := run(t, ":who\n", Options{Users: users}, nil)
	if !strings.Contains(en, "You are Robin. People: Robin, Sam, Alex.") {
		t.Errorf("English output lacks :who's answer:\n%s", en)
	}
}
