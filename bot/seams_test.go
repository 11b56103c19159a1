package bot

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// kernelFiles may use Request.Tx and a whole Tx: the router, which runs
// each event in its transaction, and the jobs that run scheduled work.
var kernelFiles = map[string]bool{"bot.go": true, "jobs.go": true}

// TestFeatureStoreSeams checks the seams of seams.go: every store method
// belongs to exactly one narrow *Tx interface; no feature file uses
// Request.Tx, so each reaches storage only through its typed accessor; and
// a feature's calls on a whole Tx (a tx in a View or Update closure) stay
// within the interfaces of the accessors that file uses.
func TestFeatureStoreSeams(t *testing.T) {
	fset := token.NewFileSet()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*ast.File{}
	owner := map[string]string{}       // store method -> narrow interface
	embeds := map[string][]string{}    // interface -> what it embeds
	accessors := map[string][]string{} // Request accessor -> narrow interfaces
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = f
		for _, d := range f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok {
				for _, s := range gd.Specs {
					ts, ok := s.(*ast.TypeSpec)
					if !ok {
						continue
					}
					it, ok := ts.Type.(*ast.InterfaceType)
					if !ok {
						continue
					}
					for _, m := range it.Methods.List {
						if len(m.Names) == 0 {
							if id, ok := m.Type.(*ast.Ident); ok {
								embeds[ts.Name.Name] = append(embeds[ts.Name.Name], id.Name)
							}
							continue
						}
						if !strings.HasSuffix(ts.Name.Name, "Tx") || ts.Name.Name == "Tx" {
							continue
						}
						for _, name := range m.Names {
							if prev, dup := owner[name.Name]; dup {
								t.Errorf("%s is in both %s and %s; a method belongs to one store interface", name.Name, prev, ts.Name.Name)
							}
							owner[name.Name] = ts.Name.Name
						}
					}
				}
			}
		}
	}
	// The accessors: methods of *Request in seams.go returning an interface.
	for _, d := range files["seams.go"].Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || fd.Type.Results == nil {
			continue
		}
		ret, ok := fd.Type.Results.List[0].Type.(*ast.Ident)
		if !ok {
			continue
		}
		if e, ok := embeds[ret.Name]; ok {
			accessors[fd.Name.Name] = e
		} else {
			accessors[fd.Name.Name] = []string{ret.Name}
		}
	}
	if len(owner) < 50 || len(accessors) < 8 {
		t.Fatalf("found %d store methods and %d accessors; the parse is wrong", len(owner), len(accessors))
	}
	for p, f := range files {
		if kernelFiles[p] || p == "seams.go" {
			continue
		}
		// The interfaces this file may use: those of the accessors it calls.
		allowed := map[string]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && len(call.Args) == 0 {
					for _, i := range accessors[sel.Sel.Name] {
						allowed[i] = true
					}
				}
			}
			return true
		})
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if n.Sel.Name == "Tx" {
					if _, isField := n.X.(*ast.Ident); isField {
						t.Errorf("%s uses Request.Tx; a feature reaches storage through its accessor in seams.go", fset.Position(n.Pos()))
					}
				}
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "tx" {
					if iface, known := owner[sel.Sel.Name]; !known || !allowed[iface] {
						t.Errorf("%s calls tx.%s (%s), outside the store interfaces of this file's accessors", fset.Position(n.Pos()), sel.Sel.Name, iface)
					}
				}
			}
			return true
		})
	}
}
