// Package porchlight_test holds repository-wide checks, such as the
// dependency rules between packages from DESIGN.md.
package porchlight_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/porchlight/porchlight"

// The third-party libraries with a home: each may be imported only by the
// packages whose rule lists it.
const (
	discordgo = "github.com/bwmarrin/discordgo"
	slackgo   = "github.com/slack-go/slack"
	websocket = "github.com/gorilla/websocket"
	sqlite    = "modernc.org/sqlite"
	cron      = "github.com/robfig/cron"
	toml      = "github.com/BurntSushi/toml"
	plot      = "gonum.org/v1/plot"
	prom      = "github.com/prometheus/client_golang"
	sqlPkg    = "database/sql"
	goi18n    = "github.com/nicksnyder/go-i18n"
)

// homed lists every library that only some packages may use.
var homed = []string{discordgo, slackgo, websocket, sqlite, cron, toml, plot, prom, sqlPkg, goi18n}

// testSupport are the packages that exist for tests: a fake core adapter,
// database helpers and the platforms' wire fakes. No production package
// may import them, so they are never linked into the binary.
var testSupport = []string{
	"bot/bottest", "storage/storagetest", "adapters/discord/discordtest", "adapters/slack/slacktest",
}

// rule is what one package may import: packages of this module (by path
// below the module) and homed libraries (by import-path prefix).
type rule struct {
	module []string
	libs   []string
	// fakes allows the test helpers among module: a package that exists
	// to measure, which the bot never links (no production rule lists
	// it), may drive a real adapter against a wire fake.
	fakes bool
}

// rules states the allowed imports of every package with Go code. A new
// package must be given a rule here; TestDependencyRules fails until it is.
var rules = map[string]rule{
	// The product: only its words (the catalogue), no SDK, no database.
	"bot": {module: []string{"i18n"}},
	// The message catalogue: go-i18n over embedded TOML files; a leaf.
	"i18n": {libs: []string{goi18n, toml}},
	// What implements or serves the core, each importing only bot.
	"storage": {module: []string{"bot"}, libs: []string{sqlite, sqlPkg}},
	"outbox":  {module: []string{"bot", "backoff"}},
	// The one retry delay, and the process's account of what is failing:
	// leaves anyone may use.
	"backoff":   {},
	"health":    {},
	"render":    {module: []string{"bot", "chart", "i18n"}},
	"config":    {module: []string{"bot", "i18n"}, libs: []string{toml}},
	"scheduler": {module: []string{"backoff"}, libs: []string{cron}},
	"chart":     {libs: []string{plot}},
	// Health, readiness and metrics: knows nothing of the product.
	"monitor": {libs: []string{prom}},
	// Adapters translate: bot and the shared kit, and their own SDK.
	"adapters/kit":     {module: []string{"bot", "i18n"}},
	"adapters/console": {module: []string{"bot", "adapters/kit", "i18n"}},
	"adapters/discord": {module: []string{"bot", "adapters/kit", "backoff", "i18n"}, libs: []string{discordgo, websocket}}, // discordgo dials with gorilla/websocket
	"adapters/slack":   {module: []string{"bot", "adapters/kit", "backoff", "i18n"}, libs: []string{slackgo}},
	// The binary wires everything, but never a test helper.
	"cmd/porchlight": {
		module: []string{"bot", "i18n", "storage", "outbox", "render", "config", "scheduler", "chart", "monitor", "health", "adapters/kit", "adapters/console", "adapters/discord", "adapters/slack", "bench"},
		libs:   []string{discordgo, slackgo, toml, cron},
	},
	// Histories built by driving the real core on a fake clock, the
	// benchmarks on them (apart, so that the bot never links package
	// testing), and the command that prints them.
	"bench":                {module: []string{"bot", "storage", "outbox", "render", "scheduler"}, libs: []string{sqlite, sqlPkg}},         // the raw SQLite reference of ingest
	"bench/benchmarks":     {module: []string{"bench", "bot", "outbox", "adapters/discord", "adapters/discord/discordtest"}, fakes: true}, // fan-out through the real adapter and its fake
	"cmd/porchlight-bench": {module: []string{"bench", "bench/benchmarks"}},
	// Test support may use what it fakes.
	"bot/bottest":                  {module: []string{"bot"}},
	"storage/storagetest":          {module: []string{"bot", "storage"}, libs: []string{sqlPkg}}, // to damage a file as a failing disk would
	"adapters/discord/discordtest": {module: []string{"bot"}, libs: []string{discordgo, websocket}},
	"adapters/slack/slacktest":     {module: []string{"bot"}, libs: []string{slackgo, websocket}},
}

// check reports why an import is not allowed in dir, or "" when it is.
func check(dir, imp string) string {
	r, ok := rules[dir]
	if !ok {
		return "package has no rule in arch_test.go"
	}
	if rest, ok := strings.CutPrefix(imp, module+"/"); ok {
		if slices.Contains(testSupport, rest) && !slices.Contains(testSupport, dir) && !r.fakes {
			return "a test helper must not be linked into production code"
		}
		if !slices.Contains(r.module, rest) && !slices.Contains(testSupport, dir) {
			return "not among " + dir + "'s allowed packages of this module"
		}
		return ""
	}
	for _, lib := range homed {
		if (imp == lib || strings.HasPrefix(imp, lib+"/")) && !slices.Contains(r.libs, lib) {
			return lib + " belongs in another package"
		}
	}
	return ""
}

// TestDependencyRules checks every non-test Go file against the rules.
func TestDependencyRules(t *testing.T) {
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		if dir == "." {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		if _, ok := rules[dir]; !ok {
			t.Errorf("%s: package %s has no rule in arch_test.go; state what it may import", path, dir)
			return nil
		}
		for _, is := range f.Imports {
			imp, _ := strconv.Unquote(is.Path.Value)
			if why := check(dir, imp); why != "" {
				t.Errorf("%s imports %s: %s", path, imp, why)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no files checked")
	}
}

// TestRules proves the rules catch what they should, so the test above
// cannot pass by accident.
func TestRules(t *testing.T) {
	tests := []struct {
		dir, imp string
		ok       bool
	}{
		{"bot", module + "/storage", false},
		{"bot", sqlPkg, false},
		{"bot", discordgo, false},
		{"bot", "github.com/robfig/cron/v3", false},
		{"bot", "strings", true},
		{"storage", module + "/bot", true},
		{"storage", sqlPkg, true},
		{"storage", module + "/adapters/console", false},
		{"outbox", sqlPkg, false},
		{"outbox", module + "/render", false},
		{"render", module + "/outbox", false},
		{"adapters/discord", module + "/bot", true},
		{"adapters/discord", module + "/adapters/kit", true},
		{"adapters/discord", module + "/adapters/slack", false},
		{"adapters/discord", module + "/storage", false},
		{"adapters/discord", slackgo, false},
		{"adapters/slack", slackgo + "/socketmode", true},
		{"adapters/kit", discordgo, false},
		{"scheduler", module + "/bot", false},
		{"chart", module + "/bot", false},
		{"health", module + "/storage", false},
		{"cmd/porchlight", module + "/health", true},
		{"config", toml, true},
		{"config", module + "/storage", false},
		{"cmd/porchlight", module + "/bot/bottest", false},
		{"cmd/porchlight", module + "/adapters/discord/discordtest", false},
		{"cmd/porchlight", module + "/bench/benchmarks", false},
		{"bench/benchmarks", module + "/adapters/discord/discordtest", true},
		{"bench", module + "/adapters/discord/discordtest", false},
		{"cmd/porchlight", sqlPkg, false},
		{"cmd/porchlight", module + "/storage", true},
		{"bot/bottest", module + "/bot", true},
		{"newpkg", "strings", false},
	}
	for _, tt := range tests {
		if got := check(tt.dir, tt.imp) == ""; got != tt.ok {
			t.Errorf("%s importing %s: allowed = %v, want %v (%s)", tt.dir, tt.imp, got, tt.ok, check(tt.dir, tt.imp))
		}
	}
}
