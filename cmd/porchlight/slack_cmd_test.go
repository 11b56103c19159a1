package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSlackManifestCommand(t *testing.T) {
	dir := t.TempDir()
	// A Slack house without tokens yet: the manifest comes first.
	cfgPath := filepath.Join(dir, "porchlight.toml")
	cfg := `
[storage]
path = "porchlight.db"

[slack]
command_prefix = "ph-"

[[house]]
name = "Maple House"
timezone = "America/Chicago"
platform = "slack"
channel = "C0HOUSE"
operators = ["U0OPER"]

[house.checkin]
schedule = ["0 9 * * *"]
`
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	badPath := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(badPath, []byte(strings.Replace(cfg, `"ph-"`, `"Porch "`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	threadsPath := filepath.Join(dir, "threads.toml")
	if err := os.WriteFile(threadsPath, []byte(strings.Replace(cfg, `command_prefix = "ph-"`, "command_prefix = \"ph-\"\nthread_replies = true", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	noEnv := func(string) string { return "" }
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"defaults", []string{"slack", "manifest"}, exitOK, []string{`"command": "/porch-join"`, `"command": "/porch-checkin"`, `"socket_mode_enabled": true`, `"home_tab_enabled": true`, `"app_home_opened"`, `"users:read"`}},
		{"config prefix", []string{"slack", "manifest", "--config", cfgPath}, exitOK, []string{`"command": "/ph-join"`}},
		{"thread replies", []string{"slack", "manifest", "--config", threadsPath}, exitOK, []string{`"channels:history"`, `"groups:history"`, `"message.channels"`}},
		{"name", []string{"slack", "manifest", "--name", "Maple Bot"}, exitOK, []string{`"name": "Maple Bot"`}},
		{"help", []string{"slack", "manifest", "--help"}, exitOK, []string{"Usage: porchlight slack manifest"}},
		{"no subcommand", []string{"slack"}, exitUsage, nil},
		{"unknown subcommand", []string{"slack", "nope"}, exitUsage, nil},
		{"missing config", []string{"slack", "manifest", "--config", filepath.Join(dir, "none.toml")}, exitUsage, nil},
		{"bad prefix", []string{"slack", "manifest", "--config", badPath}, exitUsage, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tc.args, strings.NewReader(""), &out, &errOut, noEnv)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, errOut.String())
			}
			if tc.code == exitOK && strings.HasPrefix(out.String(), "{") {
				var m map[string]any
				if err := json.Unmarshal(out.Bytes(), &m); err != nil {
					t.Fatalf("the manifest is not JSON: %v", err)
				}
			}
			if tc.name == "defaults" && strings.Contains(out.String(), "message.channels") {
				t.Errorf("the channel's messages subscribed without thread_replies:\n%s", out.String())
			}
			for _, want := range tc.contains {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}
