package discordtest

import (
	"strings"
	"testing"
)

// label wraps a component in a modal Label.
func label(text string, c map[string]any) map[string]any {
	return map[string]any{"type": float64(componentLabel), "label": text, "component": c}
}

// sel is a modal string select with n options.
func sel(id string, n int) map[string]any {
	var opts []any
	for i := range n {
		v := strings.Repeat("v", i+1)
		opts = append(opts, map[string]any{"label": v, "value": v})
	}
	return map[string]any{"type": float64(componentStringSelect), "custom_id": id, "options": opts}
}

// text is a text input for inside a Label.
func text(id string) map[string]any {
	return map[string]any{"type": float64(componentTextInput), "custom_id": id, "style": float64(1)}
}

func modalOf(comps ...any) map[string]any {
	return map[string]any{"custom_id": "m", "title": "Check-in", "components": comps}
}

// TestValidateModal checks that the fake refuses what Discord refuses in a
// modal of Labels.
func TestValidateModal(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	withOpt := func(c map[string]any, key string, v any) map[string]any {
		c = sel("s", 2)
		opts := c["options"].([]any)
		opts[0].(map[string]any)[key] = v
		return c
	}
	tests := []struct {
		name  string
		modal map[string]any
		path  string // "" when valid
	}{
		{"labels around a select and a text input", modalOf(label("Mood", sel("mood", 5)), label("A win", text("win"))), ""},
		{"old action row of a text input", modalOf(map[string]any{"type": float64(1), "components": []any{map[string]any{"type": float64(4), "custom_id": "a", "label": "A", "style": float64(1)}}}), ""},
		{"six components", modalOf(label("a", text("a")), label("b", text("b")), label("c", text("c")), label("d", text("d")), label("e", text("e")), label("f", text("f"))), "data.components"},
		{"label too long", modalOf(label(long(46), text("a"))), "data.components.0.label"},
		{"description too long", modalOf(map[string]any{"type": float64(componentLabel), "label": "a", "description": long(101), "component": text("a")}), "data.components.0.description"},
		{"no select options", modalOf(label("a", sel("s", 0))), "data.components.0.component.options"},
		{"26 select options", modalOf(label("a", sel("s", 26))), "data.components.0.component.options"},
		{"option label too long", modalOf(label("a", withOpt(nil, "label", long(101)))), "data.components.0.component.options.0.label"},
		{"option description too long", modalOf(label("a", withOpt(nil, "description", long(101)))), "data.components.0.component.options.0.description"},
		{"placeholder too long", modalOf(label("a", func() map[string]any { c := sel("s", 2); c["placeholder"] = long(151); return c }())), "data.components.0.component.placeholder"},
		{"disabled select", modalOf(label("a", func() map[string]any { c := sel("s", 2); c["disabled"] = true; return c }())), "data.components.0.component.disabled"},
		{"custom id too long", modalOf(label("a", text(long(101)))), "data.components.0.component.custom_id"},
		{"duplicate custom ids", modalOf(label("a", text("x")), label("b", sel("x", 2))), "data.components.1.component.custom_id"},
		{"text input with a label inside a Label", modalOf(label("a", func() map[string]any { c := text("a"); c["label"] = "A"; return c }())), "data.components.0.component.label"},
		{"button in a modal", modalOf(label("a", map[string]any{"type": float64(2), "custom_id": "b"})), "data.components.0.component.type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantRefusal(t, validateModal(tt.modal), tt.path) })
	}
}

// wantRefusal checks a validation's outcome: accepted when path is "",
// else refused with an error at path.
func wantRefusal(t *testing.T, e *apiErr, path string) {
	t.Helper()
	switch {
	case path == "" && e != nil:
		t.Errorf("refused: %+v", e.errors)
	case path != "" && e == nil:
		t.Errorf("accepted, want an error at %s", path)
	case path != "" && !hasPath(e.errors, strings.Split(path, ".")):
		t.Errorf("error at %+v, want %s", e.errors, path)
	}
}

// hasPath reports whether a 50035 error tree has an error at path.
func hasPath(errs map[string]any, path []string) bool {
	node := errs
	for _, p := range path {
		next, ok := node[p].(map[string]any)
		if !ok {
			return false
		}
		node = next
	}
	_, ok := node["_errors"]
	return ok
}

// TestSubmittedComponents checks that a submit answers the modal that was
// shown, in Discord's shape, and that the client's rules hold.
func TestSubmittedComponents(t *testing.T) {
	shown := modalOf(label("Mood", sel("mood", 3)), label("A win", text("win")))
	got, err := submittedComponents(shown, map[string]string{"mood": "vv", "win": "a walk"})
	if err != nil {
		t.Fatal(err)
	}
	mood := got[0].(map[string]any)["component"].(map[string]any)
	win := got[1].(map[string]any)["component"].(map[string]any)
	if mood["type"] != componentStringSelect || mood["values"].([]string)[0] != "vv" || win["value"] != "a walk" {
		t.Errorf("submitted = %+v", got)
	}
	if _, err := submittedComponents(shown, map[string]string{"mood": "nope", "win": "x"}); err == nil {
		t.Error("a value that is not an option was submitted")
	}
	if _, err := submittedComponents(shown, map[string]string{"win": "x"}); err == nil {
		t.Error("a required select was left empty")
	}
}

// TestValidateCommandLocalizations checks that the fake refuses what
// Discord refuses in a command's translations.
func TestValidateCommandLocalizations(t *testing.T) {
	cmd := func(key string, v any) []map[string]any {
		d := map[string]any{"name": "language", "description": "The language of your messages"}
		if key != "" {
			d[key] = v
		}
		return []map[string]any{d}
	}
	opt := func(key string, v any) []map[string]any {
		d := cmd("", nil)
		o := map[string]any{"type": float64(3), "name": "code", "description": "A code", key: v}
		d[0]["options"] = []any{o}
		return d
	}
	tests := []struct {
		name string
		defs []map[string]any
		path string // "" when valid
	}{
		{"Spanish in both locales", cmd("name_localizations", map[string]any{"es-ES": "idioma", "es-419": "idioma"}), ""},
		{"null map", cmd("description_localizations", nil), ""},
		{"descriptions", cmd("description_localizations", map[string]any{"es-419": "El idioma de tus mensajes"}), ""},
		{"unknown locale", cmd("name_localizations", map[string]any{"es": "idioma"}), "0.name_localizations.es"},
		{"upper-case name", cmd("name_localizations", map[string]any{"es-ES": "Idioma"}), "0.name_localizations.es-ES"},
		{"name with a space", cmd("name_localizations", map[string]any{"es-ES": "mi idioma"}), "0.name_localizations.es-ES"},
		{"name too long", cmd("name_localizations", map[string]any{"es-ES": strings.Repeat("a", 33)}), "0.name_localizations.es-ES"},
		{"empty description", cmd("description_localizations", map[string]any{"es-ES": ""}), "0.description_localizations.es-ES"},
		{"description too long", cmd("description_localizations", map[string]any{"es-419": strings.Repeat("a", 101)}), "0.description_localizations.es-419"},
		{"not a map", cmd("name_localizations", "idioma"), "0.name_localizations"},
		{"option name", opt("name_localizations", map[string]any{"es-ES": "Código"}), "0.options.0.name_localizations.es-ES"},
		{"option description", opt("description_localizations", map[string]any{"es-ES": strings.Repeat("a", 101)}), "0.options.0.description_localizations.es-ES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantRefusal(t, validateCommands(tt.defs), tt.path) })
	}
}
