// Package i18n is Porchlight's message catalogue: every text a person reads
// comes from it, in their language, through go-i18n.
//
// The catalogue is a set of TOML files in locales/, embedded in the binary,
// one per area and language: locales/checkin.en.toml, locales/checkin.es.toml.
// A file's language is the part of its name before ".toml". Message IDs are
// flat, quoted keys named after their area ("checkin.thanks"); a message with
// plural forms is a table of CLDR forms ("one", "other", and for Spanish
// "many"), rendered with a count. Messages are Go text/template: data comes
// as {{.Name}}, and {{cmd "checkin pause"}} names a command (a neutral
// marker each platform renders with its own spelling).
//
// English is the source language: every message exists in English, and a
// message missing in another language falls back to it (a test fails the
// build before that can ship). Adding a language is adding its files, one
// per area, beside the English ones; Languages lists it from then on.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	texttemplate "text/template"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/nicksnyder/go-i18n/v2/i18n/template"
	"golang.org/x/text/language"
)

// Source is the source language's code: every message exists in it.
const Source = "en"

//go:embed locales/*.toml
var files embed.FS

// Catalog is a loaded set of messages in every language it has.
type Catalog struct {
	bundle *i18n.Bundle
	// langs are the language codes with files, Source first.
	langs []string
	// ids maps each language to the IDs it has.
	ids map[string]map[string]bool
	// raw keeps each message's template text by form, for tests.
	raw map[string]map[string][]string
	// locs caches one Localizer per language.
	locs map[string]*i18n.Localizer
	// plain caches the messages rendered with no data and no count, by
	// language and ID (a plainKey): they never change, and go-i18n matches
	// languages and runs the template on every call, which made rendering
	// a check-in form's questions a tenth of an answer's time with the
	// writer held.
	plain sync.Map
	// folded caches Fold of the plain messages Same compares with, by
	// plainKey: yes/no fields compare every answer with four of them.
	folded sync.Map
}

// plainKey names a message rendered with no data in a language.
type plainKey struct{ code, id string }

var (
	defaultOnce sync.Once
	defaultCat  *Catalog
)

// Default is the catalogue built into the binary. It panics if the embedded
// files do not parse, which a test catches before any build ships.
func Default() *Catalog {
	defaultOnce.Do(func() {
		c, err := Load(files)
		if err != nil {
			panic(fmt.Sprintf("i18n: the built-in catalogue: %v", err))
		}
		defaultCat = c
	})
	return defaultCat
}

// Load reads every locales/*.toml file of fsys into a catalogue.
func Load(fsys fs.FS) (*Catalog, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	names, err := fs.Glob(fsys, "locales/*.toml")
	if err != nil {
		return nil, err
	}
	c := &Catalog{bundle: b, ids: map[string]map[string]bool{}, raw: map[string]map[string][]string{}, locs: map[string]*i18n.Localizer{}}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		mf, err := b.ParseMessageFileBytes(data, path.Base(name))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		code := mf.Tag.String()
		if c.ids[code] == nil {
			c.ids[code], c.raw[code] = map[string]bool{}, map[string][]string{}
		}
		for _, m := range mf.Messages {
			if c.ids[code][m.ID] {
				return nil, fmt.Errorf("%s: message %q is defined twice", name, m.ID)
			}
			c.ids[code][m.ID] = true
			for _, f := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
				if f != "" {
					c.raw[code][m.ID] = append(c.raw[code][m.ID], f)
				}
			}
		}
	}
	if len(c.ids[Source]) == 0 {
		return nil, fmt.Errorf("no %s messages", Source)
	}
	for code := range c.ids {
		c.langs = append(c.langs, code)
	}
	sort.Slice(c.langs, func(i, j int) bool {
		return c.langs[i] == Source || (c.langs[j] != Source && c.langs[i] < c.langs[j])
	})
	for _, code := range c.langs {
		c.locs[code] = i18n.NewLocalizer(b, code, Source)
	}
	return c, nil
}

// Languages lists the language codes the catalogue has, the source first.
func (c *Catalog) Languages() []string { return append([]string(nil), c.langs...) }

// Has reports whether code is a language of the catalogue.
func (c *Catalog) Has(code string) bool { return c.locs[code] != nil }

// IDs lists the message IDs of a language, sorted.
func (c *Catalog) IDs(code string) []string {
	out := make([]string, 0, len(c.ids[code]))
	for id := range c.ids[code] {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Lang returns the reader's language code: code if the catalogue has it,
// else its base language ("es-419" reads Spanish), else the source.
func (c *Catalog) Lang(code string) Lang {
	return Lang{cat: c, code: c.Match(code)}
}

// Match returns the catalogue's language for a language tag such as
// "es", "es-419" or "es_MX", and the source language for one it lacks.
func (c *Catalog) Match(code string) string {
	code = strings.ReplaceAll(strings.TrimSpace(code), "_", "-")
	if c.Has(code) {
		return code
	}
	if t, err := language.Parse(code); err == nil {
		base, _ := t.Base()
		if c.Has(base.String()) {
			return base.String()
		}
	}
	return Source
}

// Lang is one reader's language: it renders messages for them.
type Lang struct {
	cat  *Catalog
	code string
}

// Code is the language's code ("en", "es").
func (l Lang) Code() string {
	if l.cat == nil {
		return Source
	}
	return l.code
}

// catalog is l's catalogue; a zero Lang reads the built-in one in English.
func (l Lang) catalog() (*Catalog, string) {
	if l.cat == nil {
		return Default(), Source
	}
	return l.cat, l.code
}

// T renders message id with data given as pairs of a name and a value:
// l.T("checkin.thanks", "Name", name).
func (l Lang) T(id string, pairs ...any) string {
	return l.render(id, nil, pairs)
}

// N renders message id's plural form for count n; the data has {{.Count}}
// as well as pairs.
func (l Lang) N(id string, n int, pairs ...any) string {
	return l.render(id, n, pairs)
}

func (l Lang) render(id string, count any, pairs []any) string {
	c, code := l.catalog()
	if count != nil || len(pairs) > 0 {
		return c.render(code, id, count, pairs)
	}
	k := plainKey{code, id}
	if s, ok := c.plain.Load(k); ok {
		return s.(string)
	}
	s := c.render(code, id, nil, nil)
	c.plain.Store(k, s)
	return s
}

// render renders message id in language code, falling back to the source
// language, then to the ID.
func (c *Catalog) render(code, id string, count any, pairs []any) string {
	data := make(map[string]any, len(pairs)/2+1)
	for i := 0; i+1 < len(pairs); i += 2 {
		data[fmt.Sprint(pairs[i])] = pairs[i+1]
	}
	if count != nil {
		data["Count"] = count
	}
	s, err := c.locs[code].Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count, TemplateParser: tmplParser})
	if err != nil {
		// A message missing or broken in this language: the source's
		// words beat none (tests keep this from shipping).
		if s, err2 := c.locs[Source].Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count, TemplateParser: tmplParser}); err2 == nil {
			return s
		}
		return id
	}
	return s
}

// check renders message id like T and N, but returns the error a missing
// message, a missing plural form or a template error gives: for tests.
func (l Lang) check(id string, count any, data map[string]any) (string, error) {
	c, code := l.catalog()
	if !c.ids[code][id] {
		return "", fmt.Errorf("message %q missing in %s", id, code)
	}
	if count != nil {
		data["Count"] = count
	}
	return c.locs[code].Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count, TemplateParser: tmplParser})
}

// Same reports whether input is message id's text in any language,
// ignoring case, accents and the spaces around it: how a resident may type
// a choice ("privado" or "private") in either language.
func (c *Catalog) Same(id, input string) bool {
	in := Fold(input)
	if in == "" {
		return false
	}
	for _, code := range c.langs {
		if !c.ids[code][id] {
			continue
		}
		k := plainKey{code, id}
		f, ok := c.folded.Load(k)
		if !ok {
			f = Fold(c.Lang(code).T(id))
			c.folded.Store(k, f)
		}
		if f.(string) == in {
			return true
		}
	}
	return false
}

// Fold is text folded for comparing words a person typed: lower case, no
// accents, spaces trimmed.
func Fold(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if f, ok := unaccent[r]; ok {
			return f
		}
		return r
	}, s)
}

var unaccent = map[rune]rune{'á': 'a', 'é': 'e', 'í': 'i', 'ó': 'o', 'ú': 'u', 'ü': 'u', 'ñ': 'n', 'à': 'a', 'è': 'e', 'ì': 'i', 'ò': 'o', 'ù': 'u'}

// ID marks a message ID the code composes or keeps in a table, so that the
// catalogue test sees it used: moodLabel := i18n.ID("checkin.mood.rough").
func ID(id string) string { return id }

// CmdMarker is the neutral marker for a command path that message text
// carries and each platform renders (see bot.Cmd).
func CmdMarker(path string) string { return "{{cmd:" + path + "}}" }

// tmplParser parses message templates with the catalogue's functions; its
// templates are cached, as the functions never change.
var tmplParser template.Parser = cachedParser{&template.TextParser{
	Option: "missingkey=error",
	Funcs:  texttemplate.FuncMap{"cmd": CmdMarker},
}}

type cachedParser struct{ *template.TextParser }

func (cachedParser) Cacheable() bool { return true }

// sources returns the template text of each plural form of message id in
// a language, for tests.
func (c *Catalog) sources(code, id string) []string {
	var out []string
	for _, f := range c.raw[code][id] {
		out = append(out, f)
	}
	return out
}
