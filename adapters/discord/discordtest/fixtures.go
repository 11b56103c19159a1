package discordtest

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
)

// fixtureFS holds the payloads in testdata, embedded so that tests in other
// packages (the adapter's) can use them without relative paths.
//
//go:embed testdata/*.json
var fixtureFS embed.FS

// Fixture returns a gateway dispatch payload (the "d" of the frame) from
// testdata by name, e.g. "INTERACTION_CREATE.command.guild". The files are
// named by event type, then variant; Fixtures lists them. They are the exact
// shapes this fake dispatches, written against Discord's documented and
// observed payloads, and decode with discordgo v0.29.0.
func Fixture(name string) (json.RawMessage, error) {
	b, err := fixtureFS.ReadFile(path.Join("testdata", name+".json"))
	if err != nil {
		return nil, fmt.Errorf("discordtest: fixture %s: %w", name, err)
	}
	return b, nil
}

// Fixtures lists the fixture names, sorted.
func Fixtures() []string {
	entries, _ := fixtureFS.ReadDir("testdata")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(names)
	return names
}

// FixtureEvent returns the event type of a fixture name: the part before
// the first dot.
func FixtureEvent(name string) string {
	t, _, _ := strings.Cut(name, ".")
	return t
}
