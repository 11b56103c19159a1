package main

import (
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportEraseAudit: a resident joins on the console; the operator
// exports their data, erases it, and reads both in the audit log.
func TestExportEraseAudit(t *testing.T) {
	cfg, _ := writeConfig(t, "")
	if code, out, stderr := porchlight(t, "/join\n1\n", "run", "--config", cfg); code != exitOK || !strings.Contains(out, "Welcome") {
		t.Fatalf("join on the console: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, stderr := porchlight(t, "", "export", "--config", cfg, "--member", "you")
	if code != exitOK || !strings.Contains(out, `"user_id": "you"`) || !strings.Contains(out, `"schema_version": 1`) || !strings.Contains(out, `"left_at": null`) {
		t.Fatalf("export: exit %d\n%s\n%s", code, out, stderr)
	}
	// The same member by display name and by member id.
	for _, who := range []string{"@You", "1", "member:1"} {
		if code, out, stderr := porchlight(t, "", "export", "--config", cfg, "--member", who); code != exitOK || !strings.Contains(out, `"user_id": "you"`) {
			t.Errorf("export --member %s: exit %d\n%s\n%s", who, code, out, stderr)
		}
	}
	file := filepath.Join(t.TempDir(), "you.json")
	if code, _, stderr := porchlight(t, "", "export", "--config", cfg, "--member", "you", "--out", file); code != exitOK {
		t.Fatalf("export --out: exit %d: %s", code, stderr)
	}
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("export file: %v, mode %v; want 0600", err, st.Mode().Perm())
	}
	if code, _, stderr := porchlight(t, "", "erase", "--config", cfg, "--member", "you"); code != exitUsage || !strings.Contains(stderr, "--yes") {
		t.Errorf("erase without --yes: exit %d, %q; want a refusal asking for --yes", code, stderr)
	}
	if code, _, stderr := porchlight(t, "", "erase", "--config", cfg, "--member", "you", "--yes"); code != exitOK {
		t.Fatalf("erase: exit %d: %s", code, stderr)
	}
	if code, _, stderr := porchlight(t, "", "export", "--config", cfg, "--member", "you"); code != exitUsage || !strings.Contains(stderr, "nothing is stored") {
		t.Errorf("export after erase: exit %d, %q", code, stderr)
	}
	if code, _, stderr := porchlight(t, "", "export", "--config", cfg); code != exitUsage || !strings.Contains(stderr, "--member") {
		t.Errorf("export without --member: exit %d, %q", code, stderr)
	}
	code, out, stderr = porchlight(t, "", "audit", "--config", cfg, "--since", "2000-01-01")
	if code != exitOK {
		t.Fatalf("audit: exit %d: %s", code, stderr)
	}
	// The audit names the operating-system user beside the command.
	osUser := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		osUser = u.Username
	}
	for _, want := range []string{"Cedar House", "os:" + osUser + " via porchlight export", "os:" + osUser + " via porchlight erase", "data.export", "data.erase"} {
		if !strings.Contains(out, want) {
			t.Errorf("audit lacks %q:\n%s", want, out)
		}
	}
	if code, _, stderr := porchlight(t, "", "audit", "--config", cfg, "--since", "last week"); code != exitUsage || !strings.Contains(stderr, "YYYY-MM-DD") {
		t.Errorf("audit with a bad date: exit %d, %q", code, stderr)
	}
}
