package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestFormatVersion(t *testing.T) {
	stamped := &debug.BuildInfo{
		GoVersion: "go1.26.0",
		Main:      debug.Module{Path: "github.com/porchlight/porchlight", Version: "v0.0.0-20261207104508-0644d65bef21+dirty"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "0644d65bef21c5ebd0b5f6a32067498e2a10fe87"},
			{Key: "vcs.time", Value: "2026-12-07T10:45:08Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	tagged := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.4.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "false"}}}
	devel := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}}
	tests := []struct {
		name    string
		release string
		info    *debug.BuildInfo
		want    string
	}{
		{"a pseudo-version from the commit", "", stamped, "v0.0.0-20261207104508-0644d65bef21+dirty (revision 0644d65bef21, committed 2026-12-07T10:45:08Z, modified, go1.26.0)"},
		{"a tag", "", tagged, "v1.4.0 (revision abc123, go1.26.0)"},
		{"the release set with -ldflags wins", "v1.5.0", tagged, "v1.5.0 (revision abc123, go1.26.0)"},
		{"go run, no VCS", "", devel, "devel (go1.26.0)"},
		{"no build information", "", nil, "devel"},
		{"no build information, a release", "v1.5.0", nil, "v1.5.0"},
	}
	for _, tt := range tests {
		if got := formatVersion(tt.release, tt.info); got != tt.want {
			t.Errorf("%s: formatVersion = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestVersionCommand runs "porchlight version" as built for the tests: it
// never prints the old placeholder "dev", and names the Go toolchain.
func TestVersionCommand(t *testing.T) {
	code, out, _ := porchlight(t, "", "version")
	if code != exitOK || !strings.HasPrefix(out, "porchlight ") || strings.HasPrefix(out, "porchlight dev\n") || !strings.Contains(out, "go1.") {
		t.Errorf("exit %d, stdout %q; want 0 and a version with the Go toolchain", code, out)
	}
}
