package bot_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// schemaRow matches a field row of docs/export-schema.md: | `path` | type | meaning |
var schemaRow = regexp.MustCompile("^\\| `([^`]+)` \\| ([^|]+?) \\|")

// TestExportMatchesSchemaDoc exports a resident with data in every feature
// (a form in progress too) and checks the JSON against the documented
// schema, both ways: every field in the export is documented with the
// type it has, and every documented field is there wherever its parent is.
// Maps (an answer's values) are leaves: their keys are question ids.
func TestExportMatchesSchemaDoc(t *testing.T) {
	doc, err := os.ReadFile("../docs/export-schema.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("The current `schema_version` is **%d**.", bot.ExportSchemaVersion); !bytes.Contains(doc, []byte(want)) {
		t.Errorf("docs/export-schema.md does not say %q", want)
	}
	types := map[string]string{}
	for _, line := range strings.Split(string(doc), "\n") {
		if m := schemaRow.FindStringSubmatch(line); m != nil && m[1] != "Field" {
			types[m[1]] = m[2]
		}
	}
	if len(types) < 20 {
		t.Fatalf("read %d fields from the schema doc; is the table still there?", len(types))
	}

	h := newHarness(t)
	fullLife(t, h)
	// A mentoring agreement with a contact that happened, and a goal with
	// an answered ask.
	h.join(mentor)
	propose(t, h, robin, terms())
	if got := text(h.do(h.ev.Press(robin, lastTo(t, h, robin).Choices[0].ID, ""))); !strings.Contains(got, "You're set") {
		t.Fatalf("confirm = %q", got)
	}
	tick(t, h, tuesday7pm.Add(3*time.Hour))
	if got := text(h.do(h.ev.Command(robin, "goal", "add call my sponsor twice"))); !strings.Contains(got, "Added goal") {
		t.Fatalf("goal add = %q", got)
	}
	askGoals(t, h, sunday6pm)
	ask := lastTo(t, h, robin)
	h.do(h.ev.Press(robin, ask.Choices[3].ID, ""))
	// A recovery meeting, logged.
	if got := text(logMeeting(h, robin, "today", "NA", "online", "a good share")); !strings.Contains(got, "Logged") {
		t.Fatalf("meeting log = %q", got)
	}
	// A DM check-in left half done: the form in progress.
	h.clock.Set(at9(2))
	h.openRound(at9(2))
	h.flush()
	// A refused submit where forms are shown as buttons: a kept form.
	h.ev.FormButtons = true
	if resp := h.answer(robin, vals("9", "A win", "", "no", "private")); resp.ReopenAction == "" {
		t.Fatalf("refused submit = %+v, want a kept form", resp)
	}
	h.ev.FormButtons = false
	h.do(h.ev.DM(robin, "hi"))
	h.do(h.ev.DM(robin, "3"))
	// A language chosen for private messages.
	h.do(h.ev.Command(robin, "language", "es"))
	data, err := h.bot.ExportData(h.ctx, h.house, robin.ID, "os:olive via porchlight export")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var export map[string]any
	if err := dec.Decode(&export); err != nil {
		t.Fatal(err)
	}
	if v := export["schema_version"]; v != json.Number(fmt.Sprint(bot.ExportSchemaVersion)) {
		t.Errorf("schema_version = %v, want %d", v, bot.ExportSchemaVersion)
	}

	seen := map[string]bool{}
	var walk func(path string, v any)
	// object walks the fields of an object at path ("" for the top,
	// "sober_dates[]" for a list's elements).
	object := func(path string, v map[string]any) {
		prefix := ""
		if path != "" {
			prefix = path + "."
		}
		for k, child := range v {
			walk(prefix+k, child)
		}
		// Every documented field of a present object is present.
		for p := range types {
			if rest, ok := strings.CutPrefix(p, prefix); ok && !strings.ContainsAny(rest, ".[") {
				if _, ok := v[rest]; !ok {
					t.Errorf("documented field %s is missing from the export", p)
				}
			}
		}
	}
	walk = func(path string, v any) {
		seen[path] = true
		typ, documented := types[path]
		if !documented {
			t.Errorf("export field %s is not in docs/export-schema.md", path)
			return
		}
		if err := checkType(typ, v); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		if strings.HasPrefix(typ, "map") {
			return
		}
		switch v := v.(type) {
		case map[string]any:
			object(path, v)
		case []any:
			for _, child := range v {
				if o, ok := child.(map[string]any); ok {
					object(path+"[]", o)
				}
			}
		}
	}
	object("", export)
	// The life above touches every part of the schema but celebrations.
	var missing []string
	for p := range types {
		if !seen[p] && !strings.HasPrefix(p, "milestones_celebrated[]") {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("documented fields the full export never showed: %v", missing)
	}
}

// checkType checks a decoded JSON value against a documented type.
func checkType(typ string, v any) error {
	nullable := strings.HasSuffix(typ, " or null")
	base := strings.TrimSuffix(typ, " or null")
	if v == nil {
		if nullable {
			return nil
		}
		return fmt.Errorf("null, documented as %s", typ)
	}
	ok := false
	switch {
	case base == "integer":
		n, isNum := v.(json.Number)
		_, err := n.Int64()
		ok = isNum && err == nil
	case base == "string":
		_, ok = v.(string)
	case base == "boolean":
		_, ok = v.(bool)
	case base == "time":
		s, isStr := v.(string)
		tm, err := time.Parse(time.RFC3339, s)
		ok = isStr && err == nil && !tm.IsZero() && tm.Location() == time.UTC
	case base == "object", strings.HasPrefix(base, "map"):
		_, ok = v.(map[string]any)
	case strings.HasPrefix(base, "array"):
		_, ok = v.([]any)
	default:
		return fmt.Errorf("unknown documented type %q", typ)
	}
	if !ok {
		return fmt.Errorf("%v (%T), documented as %s", v, v, typ)
	}
	return nil
}

// TestExportFindsMemberByIDPlatformIDOrName: the command line names a
// member by Porchlight's member id, their platform user id or @Name; a
// name or number that fits several members is refused with each of them
// listed, and how to name it. A former member is found too, and their
// left_at is set while a current member's is null.
func TestExportFindsMemberByIDPlatformIDOrName(t *testing.T) {
	h := newHarness(t)
	// A second Robin, whose platform id is "1": a number that is also
	// the first Robin's member id.
	twin := bot.User{ID: "1", Name: "Robin"}
	h.join(robin, casey, twin)
	ids := map[string]int64{}
	for _, u := range []bot.User{robin, casey, twin} {
		m, err := memberOf(h, u)
		if err != nil {
			t.Fatal(err)
		}
		ids[u.ID] = m.ID
	}
	if ids[robin.ID] != 1 {
		t.Fatalf("Robin is member %d; the test wants member 1", ids[robin.ID])
	}
	if got := text(h.do(h.ev.Command(casey, "leave", ""))); got == "" {
		t.Fatal("/leave said nothing")
	}
	type member struct {
		ID     int64   `json:"id"`
		UserID string  `json:"user_id"`
		LeftAt *string `json:"left_at"`
	}
	export := func(who string) (member, error) {
		data, err := h.bot.ExportData(h.ctx, h.house, who, "os:olive via porchlight export")
		if err != nil {
			return member{}, err
		}
		var d struct {
			Member member `json:"member"`
		}
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatal(err)
		}
		return d.Member, nil
	}
	for _, tc := range []struct{ who, want string }{
		{"U-robin", robin.ID},
		{"member:1", robin.ID},
		{fmt.Sprint(ids[twin.ID]), twin.ID},
		{"@casey", casey.ID},
		{" @Casey ", casey.ID},
		{"U-casey", casey.ID},
	} {
		m, err := export(tc.who)
		if err != nil || m.UserID != tc.want {
			t.Errorf("export %q = %s, %v; want %s", tc.who, m.UserID, err, tc.want)
		}
		if wantLeft := tc.want == casey.ID; (m.LeftAt != nil) != wantLeft {
			t.Errorf("export %q: left_at = %v, want set %v", tc.who, m.LeftAt, wantLeft)
		}
	}
	for _, who := range []string{"@ROBIN", "1"} {
		_, err := export(who)
		msg := bot.ErrorMessage(err)
		if bot.ErrorCode(err) != bot.EInvalid || !strings.Contains(msg, "matches 2 members") ||
			!strings.Contains(msg, "--member 1 or --member U-robin") || !strings.Contains(msg, fmt.Sprintf("--member %d or --member 1", ids[twin.ID])) {
			t.Errorf("export %q = %v; want an ambiguity listing both Robins and how to name each", who, err)
		}
	}
	for _, who := range []string{"@Nobody", "U-nobody", "999", "member:x"} {
		if _, err := export(who); !errors.Is(err, bot.ErrNoMember) {
			t.Errorf("export %q = %v, want ErrNoMember", who, err)
		}
	}
	h.wantAudit(map[string]int{"data.export": 6})
}
