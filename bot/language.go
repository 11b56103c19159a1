package bot

import (
	"strings"

	"github.com/porchlight/porchlight/i18n"
)

// The language feature: each member chooses the language of their own
// private messages with /language; group posts stay in the house's
// language (House.Locale), which is also what a member who chose none
// reads.

// langHouse is the /language value that follows the house again.
const langHouse = "house"

func (b *Bot) registerLanguage() {
	b.reg.Add(&Command{
		Name:        "language",
		Description: "cmd.language.desc",
		Roles:       Members,
		Run:         b.cmdLanguage,
		Options:     []Option{{Name: "language", Description: "cmd.language.opt.language.desc", Type: OptString, MaxLen: 20}},
	})
}

// cmdLanguage shows the caller's language, or sets it.
func (b *Bot) cmdLanguage(r *Request) (Response, error) {
	if r.Member == nil || !r.Member.Active() {
		return Response{}, errNotJoined
	}
	want := i18n.Fold(r.Args.String("language"))
	if want == "" {
		return r.Say("language.current", "Language", r.Lang().T("language.name"),
			"House", r.HouseLang().T("language.name"), "Choices", languageChoices()), nil
	}
	code, ok := languageCode(want)
	if !ok {
		return Response{}, Fail(EInvalid, "language.unknown", "Given", quoted(want, 20), "Choices", languageChoices())
	}
	r.Member.Locale = code
	if err := r.members().SaveMember(r.Ctx, r.Member); err != nil {
		return Response{}, err
	}
	if code == "" {
		return r.Say("language.follows_house", "Language", r.Lang().T("language.name")), nil
	}
	return r.Say("language.set", "Language", r.Lang().T("language.name")), nil
}

// languageCode reads a language as a member may type it: its code ("es")
// or its own name ("español"); "house" (or "casa", in any language)
// is "", following the house.
func languageCode(in string) (string, bool) {
	if in == langHouse || Same("language.house", in) {
		return "", true
	}
	for _, code := range catalog().Languages() {
		if in == code || i18n.Fold(catalog().Lang(code).T("language.name")) == in {
			return code, true
		}
	}
	return "", false
}

// languageChoices lists the languages as "es (Español)", each in its own
// words.
func languageChoices() string {
	var out []string
	for _, code := range catalog().Languages() {
		out = append(out, code+" ("+catalog().Lang(code).T("language.name")+")")
	}
	return strings.Join(out, ", ")
}
