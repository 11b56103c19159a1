package bot

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sourceStrings returns every string literal of the package's non-test Go
// files, with where it is, and the arguments of every Cmd call.
func sourceStrings(t *testing.T) (lits map[string]string, cmds map[string]string) {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	lits, cmds = map[string]string{}, map[string]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if n.Kind == token.STRING {
					if s, err := strconv.Unquote(n.Value); err == nil {
						lits[s] = fset.Position(n.Pos()).String()
					}
				}
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "Cmd" && len(n.Args) == 1 {
					if lit, ok := n.Args[0].(*ast.BasicLit); ok {
						s, _ := strconv.Unquote(lit.Value)
						cmds[s] = fset.Position(n.Pos()).String()
					} else {
						t.Errorf("%s: Cmd takes a constant command path, so that this test can check it", fset.Position(n.Pos()))
					}
				}
			}
			return true
		})
	}
	return lits, cmds
}

// registered reports whether path names a command of the registry: a
// command, or a command and one of its subcommands.
func registered(cmds []*Command, path string) bool {
	name, sub, hasSub := strings.Cut(path, " ")
	for _, c := range cmds {
		if c.Name != name {
			continue
		}
		if !hasSub {
			return c.Run != nil
		}
		return c.Sub(sub) != nil
	}
	return false
}

// TestNoCommandNameIsHardCoded fails for any text in the core that types a
// command name ("/checkin") instead of Cmd("checkin"): such a name is wrong
// on Slack, where commands carry a prefix, and on Discord, where a command
// with subcommands needs one. It also checks that every Cmd names a
// command that is registered, so a renamed command cannot leave a text
// behind. Texts added later (new commands, new features) are caught too.
func TestNoCommandNameIsHardCoded(t *testing.T) {
	lits, cmds := sourceStrings(t)
	all := AllCommands()
	for s, at := range lits {
		if m := TypedCommands(s); m != nil {
			t.Errorf("%s: %q types the command /%s; write Cmd(%q) so each platform names it its own way", at, clip(s, 60), m[0][0], m[0][0])
		}
		for _, path := range CommandPaths(s) {
			if !registered(all, path) {
				t.Errorf("%s: marker for %q names no registered command", at, path)
			}
		}
	}
	if len(cmds) == 0 {
		t.Fatal("no Cmd calls found; is the scan broken?")
	}
	for path, at := range cmds {
		if !registered(all, path) {
			t.Errorf("%s: Cmd(%q) names no registered command", at, path)
		}
	}
}

func TestNamingRender(t *testing.T) {
	cmds := []*Command{
		{Name: "checkin", Run: func(*Request) (Response, error) { return Response{}, nil }, Subs: []*Command{{Name: "pause"}}},
		{Name: "activity", Subs: []*Command{{Name: "add"}}},
		{Name: "help", Run: func(*Request) (Response, error) { return Response{}, nil }},
	}
	text := "Use " + Cmd("checkin") + ", " + Cmd("checkin pause") + ", " + Cmd("activity add") + " or " + Cmd("help") + "."
	tests := []struct {
		name   string
		naming Naming
		want   string
	}{
		{"console", Naming{}, "Use /checkin, /checkin pause, /activity add or /help."},
		{"slack", Naming{Prefix: "porch-"}, "Use /porch-checkin, /porch-checkin pause, /porch-activity add or /porch-help."},
		{"discord", Naming{BareSub: "now", Commands: cmds}, "Use /checkin now, /checkin pause, /activity add or /help."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.naming.Render(text); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got, want := PlainText("a {{cmd:help}} b"), "a /help b"; got != want {
		t.Errorf("PlainText: got %q, want %q", got, want)
	}
}
