package bot

import (
	"strings"

	"github.com/porchlight/porchlight/i18n"
)

// Every text a person reads comes from the catalogue (package i18n), in the
// reader's language: group posts in the house's (House.Locale), private
// messages in the member's own choice (Member.Locale, set with /language),
// else the house's. Stored values (visibilities, moods, RSVPs, choice
// answers) are stable codes, shown through the catalogue, and what a
// resident types is read in any language the catalogue has (Same).

// Lang is a reader's language.
type Lang = i18n.Lang

// catalog is the built-in message catalogue.
func catalog() *i18n.Catalog { return i18n.Default() }

// SourceLang is the source language, English: for texts with no reader
// yet (the command line, what a platform shows everyone by default).
func SourceLang() Lang { return catalog().Lang(i18n.Source) }

// Lang is the house's language, for group posts.
func (h *House) Lang() Lang {
	if h == nil {
		return catalog().Lang(i18n.Source)
	}
	return catalog().Lang(h.Locale)
}

// LangOf is the language of member m's private messages in house h: their
// choice, or the house's when they chose none (or one the catalogue no
// longer has).
func LangOf(h *House, m *Member) Lang {
	if m != nil && m.Locale != "" && catalog().Has(m.Locale) {
		return catalog().Lang(m.Locale)
	}
	return h.Lang()
}

// Lang is the caller's language: what the bot answers them in.
func (r *Request) Lang() Lang { return LangOf(r.House, r.Member) }

// LangOf is the language of member m's private messages in the request's
// house. It is remembered for m's user, so that queueing a message to
// them (enqueue) does not read the member again.
func (r *Request) LangOf(m *Member) Lang {
	l := LangOf(r.House, m)
	if r.House != nil && m != nil && m.HouseID == r.House.ID && m.UserID != "" {
		r.rememberLang(m.UserID, l)
	}
	return l
}

// HouseLang is the language of the house's group posts.
func (r *Request) HouseLang() Lang { return r.House.Lang() }

// Say is a Response with one private message from the catalogue, in the
// caller's language.
func (r *Request) Say(id string, pairs ...any) Response {
	return Response{Messages: []Message{{Text: r.Lang().T(id, pairs...)}}}
}

// listAnd joins words for a sentence in l: "a", "a and b", "a, b and c"
// ("a, b y c"); "" for none.
func listAnd(l Lang, s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return l.T("core.list.and", "Rest", strings.Join(s[:len(s)-1], ", "), "Last", s[len(s)-1])
}

// Same reports whether input is the catalogue's message id in any
// language: "privado" and "private" are both the private visibility.
func Same(id, input string) bool { return catalog().Same(id, input) }
