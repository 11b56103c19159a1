package config

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// decoder decodes a document key by key into the config's structs, so
// that every key is named with its array indexes ("house[1].chanel") and
// one bad value does not hide the others.
//
// All it knows of the document comes from the TOML library's own types:
// values are handed over as toml.Primitive, an unknown key is one no
// struct field claims, and the line of a wrong value comes from the
// toml.ParseError the library returns when a probe refuses the value. It
// never reads the library's error messages.
type decoder struct {
	md toml.MetaData
	// order is each key's (without indexes) place in the document, so
	// unknown keys are reported in the order they were written.
	order map[string]int
	// types are values of the wrong TOML type, in the order visited.
	types problems
	// unknown are the keys no field claims.
	unknown []unknownKey
	// invalid holds, by key, what a typed value's UnmarshalText said was
	// wrong with it; Validate reports them in its own order.
	invalid map[string]string
}

func newDecoder(md toml.MetaData) *decoder {
	d := &decoder{md: md, order: map[string]int{}, invalid: map[string]string{}}
	for i, k := range md.Keys() {
		if _, ok := d.order[k.String()]; !ok {
			d.order[k.String()] = i
		}
	}
	return d
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// tomlKind names the TOML type of a decoded value.
func tomlKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case int64:
		return "integer"
	case float64:
		return "float"
	case bool:
		return "boolean"
	case time.Time:
		return "datetime"
	case map[string]any:
		return "table"
	case []any, []map[string]any:
		return "array"
	}
	return fmt.Sprintf("%T", v)
}

// wantKind names the TOML type a Go destination takes.
func wantKind(t reflect.Type) string {
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		return "string"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "float"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "table"
	}
	return t.String()
}

// kindProbe learns the TOML type of a value. It refuses a value of another
// type than want, and the library wraps the refusal in a toml.ParseError
// that carries the value's line.
type kindProbe struct{ want, got string }

var errWrongKind = errors.New("wrong TOML type")

// UnmarshalTOML implements toml.Unmarshaler.
func (k *kindProbe) UnmarshalTOML(v any) error {
	k.got = tomlKind(v)
	if k.got != k.want {
		return errWrongKind
	}
	return nil
}

// kind reports whether the value p at key has the TOML type want, and
// records a problem naming both types and the line when it has not.
func (d *decoder) kind(key string, p toml.Primitive, want string) bool {
	probe := kindProbe{want: want}
	err := d.md.PrimitiveDecode(p, &probe)
	if err == nil {
		return true
	}
	msg := fmt.Sprintf("is a TOML %s; want %s", probe.got, want)
	var pe toml.ParseError
	if errors.As(err, &pe) && pe.Position.Line > 0 {
		msg += fmt.Sprintf(" (line %d)", pe.Position.Line)
	}
	d.types.add(key, "%s", msg)
	return false
}

// table decodes the table p, found at key, into the struct dst, whose
// fields keep their values (the defaults) for keys the table leaves out.
func (d *decoder) table(key string, p toml.Primitive, dst reflect.Value) {
	if !d.kind(key, p, "table") {
		return
	}
	var keys map[string]toml.Primitive
	if err := d.md.PrimitiveDecode(p, &keys); err != nil {
		d.types.add(key, "%v", err) // a table decodes into a map; not reached
		return
	}
	d.fields(key, keys, dst)
}

// fields decodes the keys of the table at key into the fields of the
// struct dst that claim them, by their toml tags, and reports the keys no
// field claims.
func (d *decoder) fields(key string, keys map[string]toml.Primitive, dst reflect.Value) {
	claimed := map[string]bool{}
	t := dst.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := f.Tag.Get("toml")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		// Like the library, an exact name wins and a name that differs
		// only in case is accepted.
		k, ok := name, false
		if _, ok = keys[name]; !ok {
			for have := range keys {
				if !claimed[have] && strings.EqualFold(have, name) {
					k, ok = have, true
					break
				}
			}
		}
		if !ok {
			continue
		}
		claimed[k] = true
		d.value(join(key, k), keys[k], dst.Field(i))
	}
	var unknown []string
	for k := range keys {
		if !claimed[k] {
			unknown = append(unknown, k)
		}
	}
	// An unknown table is reported once, not once per key inside it.
	for _, k := range unknown {
		d.unknown = append(d.unknown, unknownKey{key: join(key, k), at: d.order[join(unindexed(key), k)]})
	}
}

// unknownKey is a key no field claims, with its place in the document.
type unknownKey struct {
	key string
	at  int
}

// unknownProblems lists the unknown keys in the order they were written.
func (d *decoder) unknownProblems() []Problem {
	keys := slices.Clone(d.unknown)
	slices.SortStableFunc(keys, func(a, b unknownKey) int { return a.at - b.at })
	out := make([]Problem, 0, len(keys))
	for _, k := range keys {
		out = append(out, Problem{Key: k.key, Msg: "unknown key"})
	}
	return out
}

// value decodes the value p, found at key, into dst.
func (d *decoder) value(key string, p toml.Primitive, dst reflect.Value) {
	t := dst.Type()
	if !d.kind(key, p, wantKind(t)) {
		return
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		// A typed value checks itself; what it says is wrong is kept
		// for Validate, which reports it among the other problems.
		err := d.md.PrimitiveDecode(p, dst.Addr().Interface())
		var pe toml.ParseError
		switch {
		case errors.As(err, &pe):
			d.invalid[key] = pe.Message
		case err != nil:
			d.invalid[key] = err.Error()
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		d.table(key, p, dst)
		return
	case reflect.Slice:
		var elems []toml.Primitive
		if err := d.md.PrimitiveDecode(p, &elems); err != nil {
			d.types.add(key, "%v", err) // an array decodes into a slice; not reached
			return
		}
		// A fresh slice: a default's backing array is never written to.
		out := reflect.MakeSlice(t, len(elems), len(elems))
		for i, e := range elems {
			if def, ok := out.Index(i).Addr().Interface().(defaulter); ok {
				def.setDefaults()
			}
			d.value(fmt.Sprintf("%s[%d]", key, i), e, out.Index(i))
		}
		dst.Set(out)
		return
	}
	if err := d.md.PrimitiveDecode(p, dst.Addr().Interface()); err != nil {
		// The type is right, so this is a value out of range, such as
		// an integer too large; the library's message says so.
		var pe toml.ParseError
		if errors.As(err, &pe) {
			d.types.add(key, "%s (line %d)", pe.Message, pe.Position.Line)
		} else {
			d.types.add(key, "%v", err)
		}
	}
}

// defaulter is an element of an array of tables that starts from defaults
// of its own, as each [[house]] does.
type defaulter interface{ setDefaults() }

// join appends a key to a path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// unindexed drops the array indexes from a path: "house[1].checkin"
// becomes "house.checkin", as the library writes keys.
func unindexed(path string) string {
	var b strings.Builder
	skip := false
	for _, r := range path {
		switch {
		case r == '[':
			skip = true
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}
