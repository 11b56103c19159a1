package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"text/template/parse"
	"unicode/utf8"
)

// idShape is what a message ID looks like: dotted lower-case words.
var idShape = regexp.MustCompile(`^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$`)

// idFuncs are the calls whose string-literal arguments are message IDs.
var idFuncs = map[string]bool{"T": true, "N": true, "Fail": true, "Say": true, "ID": true, "Same": true, "Date": true}

// idKeys are the struct fields whose string-literal values are message IDs.
var idKeys = map[string]bool{"Description": true}

// sourceIDs reads every non-test Go file of the module and returns the
// IDs the code passes to the catalogue (used), and every string literal
// (seen), which keeps a message in use however the code reaches it.
func sourceIDs(t *testing.T) (used map[string][]string, seen map[string]bool) {
	t.Helper()
	used, seen = map[string][]string{}, map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		lit := func(e ast.Expr) (string, bool) {
			bl, ok := e.(*ast.BasicLit)
			if !ok || bl.Kind != token.STRING {
				return "", false
			}
			s, err := strconv.Unquote(bl.Value)
			return s, err == nil && idShape.MatchString(s)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if s, err := strconv.Unquote(n.Value); n.Kind == token.STRING && err == nil {
					seen[s] = true
				}
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				if idFuncs[name] {
					for _, a := range n.Args {
						if s, ok := lit(a); ok {
							used[s] = append(used[s], fset.Position(a.Pos()).String())
						}
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && idKeys[k.Name] {
					if s, ok := lit(n.Value); ok {
						used[s] = append(used[s], fset.Position(n.Value.Pos()).String())
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return used, seen
}

// TestCatalogueComplete fails when the code uses a message a language
// lacks, when a language has a message the code never uses, or when a
// language has messages the source language does not.
func TestCatalogueComplete(t *testing.T) {
	c, err := Load(files)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Languages()) < 2 {
		t.Fatalf("languages %v: want English and Spanish at least", c.Languages())
	}
	used, seen := sourceIDs(t)
	for id, where := range used {
		for _, code := range c.Languages() {
			if !c.ids[code][id] {
				t.Errorf("%s: message %q is missing in %s", where[0], id, code)
			}
		}
	}
	for _, code := range c.Languages() {
		for id := range c.ids[code] {
			if !c.ids[Source][id] {
				t.Errorf("%s has %q, which %s lacks", code, id, Source)
			}
			inUse := seen[id] || (strings.HasSuffix(id, ".name") && seen[strings.TrimSuffix(id, ".name")+".desc"])
			if code == Source && !inUse {
				t.Errorf("message %q is never used", id)
			}
		}
	}
}

// Platform limits a message must fit in every language, by the end of its
// ID; the rest are message texts (Discord's 2,000 characters; Slack's
// 3,000 per section, and the adapters split longer text).
var limits = []struct {
	suffix string
	max    int
}{
	{".desc", 100},        // command and option descriptions (Discord)
	{".button", 80},       // button labels (Discord)
	{".label", 45},        // modal field labels (Discord)
	{".placeholder", 100}, // input placeholders (Discord)
	{".option", 100},      // select option labels (Discord)
	{".choice", 100},      // a command option's choice names (Discord)
	{"", 2000},
}

// discordName is a valid Discord command or option name.
var discordName = regexp.MustCompile(`^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$`)

// TestEveryMessageRendersWithinLimits renders every message of every
// language with long sample data, in every plural form, and checks it
// against the limits of where it is shown.
func TestEveryMessageRendersWithinLimits(t *testing.T) {
	c, err := Load(files)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range c.Languages() {
		l := c.Lang(code)
		for _, id := range c.IDs(code) {
			for _, count := range []any{nil, 1, 2, 5, 1000000} {
				data := sampleData(t, c, code, id)
				s, err := l.check(id, count, data)
				if err != nil {
					if count == nil {
						continue // a plural message, rendered with counts below
					}
					t.Errorf("%s %s (count %v): %v", code, id, count, err)
					continue
				}
				if strings.Contains(s, "TODO") {
					t.Errorf("%s %s is not translated yet: %q", code, id, s)
				}
				if strings.HasPrefix(id, "cmd.") && strings.HasSuffix(id, ".name") && !discordName.MatchString(s) {
					t.Errorf("%s %s = %q: not a valid command name (lower case, no spaces, 1-32)", code, id, s)
				}
				shown := cmdShown.ReplaceAllString(s, "/porch-$1")
				for _, lim := range limits {
					if strings.HasSuffix(id, lim.suffix) {
						if n := utf8.RuneCountInString(shown); n > lim.max {
							t.Errorf("%s %s: %d characters with sample data, over %d", code, id, n, lim.max)
						}
						break
					}
				}
				if count == nil {
					break
				}
			}
		}
	}
}

// sampleValue is the sample of every field: as long as a name may be.
var sampleValue = strings.Repeat("Samplename ", 4)[:40]

// TestTranslationsReadTheSourcesFields: a translation may only read data
// its English source reads too, since the code passes what the English
// needs; a field only the translation reads fails to render, and the
// reader silently gets English.
func TestTranslationsReadTheSourcesFields(t *testing.T) {
	c, err := Load(files)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range c.Languages() {
		if code == Source {
			continue
		}
		for _, id := range c.IDs(code) {
			src := sampleData(t, c, Source, id)
			for field := range sampleData(t, c, code, id) {
				if _, ok := src[field]; !ok && field != "Count" {
					t.Errorf("%s %s reads {{.%s}}, which the English does not", code, id, field)
				}
			}
		}
	}
}

// cmdShown is a command marker, rendered as its longest spelling.
var cmdShown = regexp.MustCompile(`\{\{cmd:([^}]*)\}\}`)

// sampleData fills every field a message's template reads with a sample
// value of typical length: a name, a date or a number.
func sampleData(t *testing.T, c *Catalog, code, id string) map[string]any {
	data := map[string]any{}
	for _, form := range c.sources(code, id) {
		tmpl, err := template.New("").Funcs(template.FuncMap{"cmd": CmdMarker}).Parse(form)
		if err != nil {
			t.Errorf("%s %s: %v", code, id, err)
			continue
		}
		var walk func(n parse.Node)
		walk = func(n parse.Node) {
			switch n := n.(type) {
			case *parse.ListNode:
				if n != nil {
					for _, x := range n.Nodes {
						walk(x)
					}
				}
			case *parse.ActionNode:
				walk(n.Pipe)
			case *parse.PipeNode:
				for _, cmd := range n.Cmds {
					for _, a := range cmd.Args {
						walk(a)
					}
				}
			case *parse.FieldNode:
				// As long as a display name may be (displayName clips
				// names to 40 characters).
				data[n.Ident[0]] = sampleValue
			case *parse.IfNode:
				walk(n.Pipe)
				walk(n.List)
				walk(n.ElseList)
			case *parse.RangeNode:
				walk(n.Pipe)
				walk(n.List)
				walk(n.ElseList)
			}
		}
		if tmpl.Tree != nil {
			walk(tmpl.Tree.Root)
		}
	}
	return data
}

// TestNoFileOutsideLocales keeps the catalogue in one place: the loader
// reads only locales/*.toml.
func TestLocaleFilesNamed(t *testing.T) {
	names, _ := filepath.Glob("locales/*")
	for _, n := range names {
		base := filepath.Base(n)
		parts := strings.Split(base, ".")
		if len(parts) != 3 || parts[2] != "toml" {
			t.Errorf("%s: catalogue files are named <area>.<language>.toml", n)
		}
	}
	if _, err := os.Stat("locales/core.en.toml"); err != nil {
		t.Error(err)
	}
}

// A message rendered with no data is kept (Catalog.plain) and given again
// as rendered, in every language, for every ID, and a message that needs
// data is never answered from that cache.
func TestPlainMessagesCached(t *testing.T) {
	c, err := Load(files)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range c.Languages() {
		l := c.Lang(code)
		for _, id := range c.IDs(Source) {
			want := c.render(code, id, nil, nil)
			if got := l.T(id); got != want {
				t.Fatalf("%s %s: first T = %q, want %q", code, id, got, want)
			}
			if got := l.T(id); got != want {
				t.Fatalf("%s %s: cached T = %q, want %q", code, id, got, want)
			}
		}
	}
	// A new catalogue, whose cache the loop above has not filled.
	if c, err = Load(files); err != nil {
		t.Fatal(err)
	}
	l := c.Lang(Source)
	l.T("checkin.q.mood.label")
	if _, ok := c.plain.Load(plainKey{Source, "checkin.q.mood.label"}); !ok {
		t.Error("a plain message was not kept")
	}
	if got := l.N("activity.duration.hours", 2); got != "2 hours" {
		t.Errorf("N with a count = %q, want %q", got, "2 hours")
	}
	if _, ok := c.plain.Load(plainKey{Source, "activity.duration.hours"}); ok {
		t.Error("a message with a count was kept as plain")
	}
}
