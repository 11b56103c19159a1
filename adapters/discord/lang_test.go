package discord

import (
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/porchlight/porchlight/adapters/kit"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
)

// TestAddedWordsFollowTheReader: what the adapter adds to the core's
// texts (the note over a refused form, its buttons, a select's
// placeholder) is in the reader's language, which the core gives with the
// response or the message; English when it gives none.
func TestAddedWordsFollowTheReader(t *testing.T) {
	a := &Adapter{stash: newStash(time.Hour)}
	form := &bot.Form{ID: "checkin:1", Title: "Check-in", Fields: []bot.Field{{ID: "win", Label: "A win", Kind: bot.KindText}}}
	refused := func(lang string) bot.Response {
		return bot.Response{Lang: lang, FieldErrors: map[string]string{"win": "…"}, Reopen: form, ReopenAction: "form:reopen:1"}
	}
	for _, tt := range []struct {
		lang, note, fix, end string
	}{
		{"", "I couldn't save that form:", "Fix my answers", "Nothing was saved."},
		{"en", "I couldn't save that form:", "Fix my answers", "Nothing was saved."},
		{"es", "No pude guardar ese formulario:", "Corregir mis respuestas", "No se guardó nada."},
	} {
		parts := a.privateParts(refused(tt.lang))
		if len(parts) != 1 || !strings.HasPrefix(parts[0].content, tt.note) || !strings.Contains(parts[0].content, tt.end) {
			t.Fatalf("%q: refused form reads %+v, want %q … %q", tt.lang, parts, tt.note, tt.end)
		}
		btn := parts[0].components[0].(discordgo.ActionsRow).Components[0].(discordgo.Button)
		if btn.Label != tt.fix {
			t.Errorf("%q: the button reads %q, want %q", tt.lang, btn.Label, tt.fix)
		}
	}

	// A form that cannot be the answer comes as a button, in the reader's
	// language, titled after the form.
	parts := a.privateParts(bot.Response{Lang: "es", Form: form, FormAction: "form:open:1"})
	if got := parts[0].content; got != "Presiona el botón para abrir el formulario." {
		t.Errorf("form offer reads %q", got)
	}
	if got := parts[0].components[0].(discordgo.ActionsRow).Components[0].(discordgo.Button).Label; got != "Abrir: Check-in" {
		t.Errorf("form button reads %q", got)
	}

	// A long list of one choice is a select whose placeholder follows the
	// message's language; buttons past a message's 25 go in a next message
	// introduced in it too.
	var scale, buttons []bot.Choice
	for i := range 30 {
		scale = append(scale, bot.Choice{ID: "pick", Label: strings.Repeat("x", i+1), Value: strings.Repeat("v", i+1)})
		buttons = append(buttons, bot.Choice{ID: "b" + strings.Repeat("x", i+1), Label: "B"})
	}
	for lang, want := range map[string][2]string{"es": {"Elige…", "Más opciones:"}, "en": {"Choose…", "More choices:"}} {
		parts := a.render(bot.Message{Text: "?", Choices: scale, Lang: lang})
		sel := parts[0].components[0].(discordgo.ActionsRow).Components[0].(discordgo.SelectMenu)
		if sel.Placeholder != want[0] {
			t.Errorf("%s: placeholder %q, want %q", lang, sel.Placeholder, want[0])
		}
		parts = a.render(bot.Message{Text: "?", Choices: buttons, Lang: lang})
		if len(parts) != 2 || parts[1].content != want[1] {
			t.Errorf("%s: %d parts, want 2, the second introduced by %q", lang, len(parts), want[1])
		}
	}

	// A modal's select placeholder follows the language it is opened in.
	choose := bot.Form{ID: "f", Fields: []bot.Field{{ID: "mood", Label: "Mood", Kind: bot.KindScale, Min: 1, Max: 5}}}
	for lang, want := range map[string]string{"es": "Elige…", "en": "Choose…"} {
		m := a.modal(kitLang(lang), choose)
		if got := m.Components[0].(label).Component.(stringSelect).Placeholder; got != want {
			t.Errorf("%s: modal select placeholder %q, want %q", lang, got, want)
		}
	}

	// A calendar event's words are in the house's language.
	ev := a.eventFields(kitLang("es"), &bot.CalendarEvent{Name: "Cena", Start: time.Unix(0, 0), End: time.Unix(3600, 0)}, "1", "2", bot.MessageRef{Channel: "2", ID: "3"})
	if ev.EntityMetadata.Location != "La casa" || !strings.Contains(ev.Description, "Responde en la publicación si vas a ir: https://discord.com/channels/1/2/3") {
		t.Errorf("Spanish event = %+v", ev)
	}
}

// kitLang is the catalogue's language for a code.
func kitLang(code string) i18n.Lang { return kit.Lang(code) }
