// Package porchlight_test holds repository-wide checks, such as the
// dependency rules between packages from DESIGN.md.
package porchlight_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/porchlight/porchlight"

// rule says which packages of this module a package may import, and which
// outside packages (by import path prefix) it must not.
type rule struct {
	allowed   func(imp string) bool
	forbidden []string
	describe  string
}

var sdks = []string{"github.com/bwmarrin/discordgo", "github.com/slack-go/slack", "modernc.org/sqlite", "github.com/robfig/cron", "github.com/gorilla/websocket", "github.com/BurntSushi/toml", "gonum.org/v1/plot"}

// configForbidden are what the config package must not reach for: it reads
// TOML, and leaves chat, storage and scheduling (even cron parsing, which
// cmd injects) to the packages that do them.
var configForbidden = []string{"github.com/bwmarrin/discordgo", "github.com/slack-go/slack", "github.com/gorilla/websocket", "modernc.org/sqlite", "database/sql", "github.com/robfig/cron"}

// ruleFor returns the rule for a package directory (slash-separated, relative
// to the module root), and false for packages with no rule (cmd, tests).
func ruleFor(dir string) (rule, bool) {
	onlyBot := func(imp string) bool { return imp == module+"/bot" }
	switch {
	case dir == "bot":
		return rule{allowed: func(string) bool { return false }, forbidden: sdks, describe: "bot imports no SDK and no other package of the module"}, true
	case dir == "config":
		return rule{allowed: onlyBot, forbidden: configForbidden, describe: "config imports only bot of this module, and no chat SDK, database driver or cron"}, true
	case dir == "storage":
		return rule{allowed: onlyBot, describe: "storage imports only bot of this module"}, true
	case dir == "scheduler":
		return rule{allowed: func(string) bool { return false }, describe: "scheduler imports nothing of this module"}, true
	case dir == "chart":
		return rule{allowed: func(string) bool { return false }, describe: "chart imports nothing of this module"}, true
	case strings.HasPrefix(dir, "adapters/") && strings.Count(dir, "/") == 1:
		return rule{allowed: onlyBot, describe: "adapters import only bot of this module"}, true
	}
	return rule{}, false
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
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		// Only cmd reads the config; everything else is handed its part.
		if !strings.HasPrefix(dir, "cmd/") {
			for _, is := range f.Imports {
				if imp, _ := strconv.Unquote(is.Path.Value); imp == module+"/config" {
					t.Errorf("%s imports %s: only cmd imports config", path, imp)
				}
			}
		}
		r, ok := ruleFor(dir)
		if !ok {
			return nil
		}
		checked++
		for _, is := range f.Imports {
			imp, _ := strconv.Unquote(is.Path.Value)
			if strings.HasPrefix(imp, module+"/") && !r.allowed(imp) {
				t.Errorf("%s imports %s: %s", path, imp, r.describe)
			}
			for _, s := range r.forbidden {
				if strings.HasPrefix(imp, s) {
					t.Errorf("%s imports %s: %s", path, imp, r.describe)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no files checked: the walk found no package with a rule")
	}
}

// TestRuleFor proves the rules catch what they should, so the test above
// cannot pass by accident.
func TestRuleFor(t *testing.T) {
	tests := []struct {
		dir, imp string
		want     bool
	}{
		{"bot", module + "/storage", false},
		{"storage", module + "/bot", true},
		{"storage", module + "/adapters/console", false},
		{"adapters/discord", module + "/bot", true},
		{"adapters/discord", module + "/adapters/slack", false},
		{"adapters/discord", module + "/storage", false},
		{"scheduler", module + "/bot", false},
		{"chart", module + "/bot", false},
		{"config", module + "/bot", true},
		{"config", module + "/scheduler", false},
		{"config", module + "/storage", false},
	}
	for _, tt := range tests {
		r, ok := ruleFor(tt.dir)
		if !ok {
			t.Fatalf("no rule for %s", tt.dir)
		}
		if got := r.allowed(tt.imp); got != tt.want {
			t.Errorf("%s importing %s: allowed = %v, want %v", tt.dir, tt.imp, got, tt.want)
		}
	}
	forbids := func(dir, imp string) bool {
		r, _ := ruleFor(dir)
		for _, f := range r.forbidden {
			if strings.HasPrefix(imp, f) {
				return true
			}
		}
		return false
	}
	for _, tt := range []struct {
		dir, imp string
		want     bool
	}{
		{"bot", "github.com/slack-go/slack", true},
		{"bot", "github.com/BurntSushi/toml", true},
		{"config", "github.com/robfig/cron/v3", true},
		{"config", "modernc.org/sqlite", true},
		{"config", "github.com/bwmarrin/discordgo", true},
		{"config", "github.com/BurntSushi/toml", false},
	} {
		if got := forbids(tt.dir, tt.imp); got != tt.want {
			t.Errorf("%s importing %s: forbidden = %v, want %v", tt.dir, tt.imp, got, tt.want)
		}
	}
}
