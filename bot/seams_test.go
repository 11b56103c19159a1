package bot

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// featureStores is the seam between each feature and storage: the narrow
// store interfaces (the *Tx interfaces in the *_store.go files) that a
// feature's file may call. Every event runs in one transaction, so a
// Request carries the whole Tx; this table, checked below against the
// code, is what keeps a feature to its own tables and says which other
// features' tables it reads. A new feature adds its file here with its own
// store interface; a feature that needs another's tables shows it here.
var featureStores = map[string][]string{
	// The router: houses, memberships and roles, delivery ids, the outbox
	// and the audit log of every event.
	"bot.go":           {"AuditTx", "EventTx", "HouseTx", "MemberTx", "OutboxTx"},
	"jobs.go":          {"CheckinTx", "EventTx", "HouseTx", "RunTx"},
	"membership.go":    {"MemberTx"},
	"undeliverable.go": {"MemberTx"},
	"convo.go":         {"ConvoTx"},
	"checkin.go":       {"CheckinTx", "MemberTx", "OutboxTx"},
	"activity.go":      {"ActivityTx", "MemberTx"},
	"partner.go":       {"MemberTx", "PartnerTx"},
	"milestone.go":     {"MemberTx", "MilestoneTx"},
	"crisis_alert.go":  {"CrisisTx"},
	// A resident asking for support pings their accountability partner.
	"crisis_reply.go": {"PartnerTx"},
	// Erasure and export reach every answer; retention redacts them.
	"privacy.go": {"CheckinTx", "MemberTx", "PrivacyTx"},
	// The weekly digest reports on every feature, so it reads their tables
	// (aggregates only; DigestTx holds its own queries).
	"digest.go": {"ActivityTx", "AuditTx", "CheckinTx", "DigestTx", "MilestoneTx", "PartnerTx"},
}

func TestFeatureStoreSeams(t *testing.T) {
	fset := token.NewFileSet()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*ast.File{}
	owner := map[string]string{} // method -> narrow interface
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = f
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok || !strings.HasSuffix(ts.Name.Name, "Tx") || ts.Name.Name == "Tx" {
				return true
			}
			if it, ok := ts.Type.(*ast.InterfaceType); ok {
				for _, m := range it.Methods.List {
					for _, name := range m.Names {
						if prev, dup := owner[name.Name]; dup {
							t.Errorf("%s is in both %s and %s; a method belongs to one store interface", name.Name, prev, ts.Name.Name)
						}
						owner[name.Name] = ts.Name.Name
					}
				}
			}
			return true
		})
	}
	if len(owner) < 50 {
		t.Fatalf("found only %d store methods; the parse is wrong", len(owner))
	}
	for p, f := range files {
		allowed, listed := featureStores[p]
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !isTx(sel.X) {
				return true
			}
			iface, known := owner[sel.Sel.Name]
			switch {
			case !known:
				t.Errorf("%s: %s calls %s, which no narrow store interface declares", p, fset.Position(call.Pos()), sel.Sel.Name)
			case !listed:
				t.Errorf("%s calls the store (%s.%s); list the file and its store interfaces in featureStores", p, iface, sel.Sel.Name)
			case !slices.Contains(allowed, iface):
				t.Errorf("%s: %s calls %s of %s, which featureStores does not give this feature", p, fset.Position(call.Pos()), sel.Sel.Name, iface)
			}
			return true
		})
	}
	for p := range featureStores {
		if files[p] == nil {
			t.Errorf("featureStores lists %s, which is not in the package", p)
		}
	}
}

// isTx reports whether x is a transaction: r.Tx, or a variable named tx.
func isTx(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name == "tx"
	case *ast.SelectorExpr:
		return x.Sel.Name == "Tx"
	}
	return false
}
