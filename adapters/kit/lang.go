package kit

import (
	"maps"
	"slices"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
)

// The core writes every text it sends in its reader's language and marks
// the message with it (Message.Lang, Response.Lang, HomeHouse.Lang); the
// few words an adapter adds itself (a select's placeholder, the button
// that reopens a form) are written in that language too.

// Lang is the language of a code the core (or the platform) gave: the
// catalogue's language for it, English for "" or one it lacks.
func Lang(code string) i18n.Lang { return i18n.Default().Lang(code) }

// Replies are a response's messages, each marked with the response's
// language where the core left it unmarked, so that what an adapter adds
// to them reads in the actor's language.
func Replies(resp bot.Response) []bot.Message {
	out := make([]bot.Message, len(resp.Messages))
	for i, m := range resp.Messages {
		if m.Lang == "" {
			m.Lang = resp.Lang
		}
		out[i] = m
	}
	return out
}

// FieldErrors lists a refused form's field errors (by field id) as one
// message in l: what was wrong, one line each in the order of the fields'
// ids, then end (what to do next, which differs by platform).
func FieldErrors(l i18n.Lang, errs map[string]string, end string) string {
	text := l.T("adapter.form.errors")
	for _, id := range slices.Sorted(maps.Keys(errs)) {
		text += "\n• " + errs[id]
	}
	return text + "\n" + end
}
