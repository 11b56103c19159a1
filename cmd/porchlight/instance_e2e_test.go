package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/storage"
)

// TestOneInstancePerDatabase runs "porchlight run" as a process on a
// console house, and beside it a second run, a migrate, a demo and a
// restore on the same database: each exits 1 at once, naming the first's
// pid and host, while digest and backup keep working beside it and doctor
// names it. Then the first is killed
// with SIGKILL, its record left in the lock file, and the next run starts
// with no cleanup.
func TestOneInstancePerDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	cfgPath, dbPath := writeConfig(t, "")
	first := exec.Command(buildBinary(t), "run", "--config", cfgPath)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PORCHLIGHT_") {
			first.Env = append(first.Env, kv)
		}
	}
	logs := &syncBuffer{}
	first.Stdout, first.Stderr = logs, logs
	stdin, err := first.StdinPipe() // held open: the console waits for input
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- first.Wait() }()
	t.Cleanup(func() {
		first.Process.Kill()
		stdin.Close()
		if t.Failed() {
			t.Logf("first porchlight's log:\n%s", logs.String())
		}
	})
	deadline := time.Now().Add(e2eWait)
	for !strings.Contains(logs.String(), "porchlight running") {
		if time.Now().After(deadline) {
			t.Fatal("the first porchlight did not start")
		}
		time.Sleep(20 * time.Millisecond) // polling the process's output, not a schedule
	}

	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	holder := []string{fmt.Sprintf("pid %d", first.Process.Pid), "host " + host, dbPath}
	backup := filepath.Join(t.TempDir(), "before.db")
	if code, _, stderr := porchlight(t, "", "backup", "--config", cfgPath, backup); code != exitOK {
		t.Fatalf("backup beside the running bot: exit %d: %s", code, stderr)
	}
	refused := []struct {
		name string
		args []string
	}{
		{"run", []string{"run", "--config", cfgPath}},
		{"migrate", []string{"migrate", "--config", cfgPath}},
		{"demo", []string{"demo", "--db", dbPath}},
		{"restore", []string{"restore", "--config", cfgPath, backup}},
	}
	for _, c := range refused {
		t.Run(c.name+" refused", func(t *testing.T) {
			code, stdout, stderr := porchlight(t, "/help\n", c.args...)
			if code != exitRuntime {
				t.Fatalf("exit %d beside a running porchlight, want %d; stdout:\n%s", code, exitRuntime, stdout)
			}
			for _, want := range holder {
				if !strings.Contains(stdout+stderr, want) {
					t.Errorf("the error does not name %q:\n%s%s", want, stdout, stderr)
				}
			}
		})
	}
	t.Run("doctor names it", func(t *testing.T) {
		code, out, _ := porchlight(t, "", "doctor", "--config", cfgPath)
		if want := fmt.Sprintf("in use by a running porchlight: pid %d on host %s", first.Process.Pid, host); code != exitOK || !strings.Contains(out, want) {
			t.Errorf("doctor: exit %d, want 0 and %q:\n%s", code, want, out)
		}
	})
	t.Run("digest and backup beside it", func(t *testing.T) {
		if code, _, stderr := porchlight(t, "", "digest", "--config", cfgPath); code != exitOK {
			t.Errorf("digest: exit %d:\n%s", code, stderr)
		}
		out := filepath.Join(t.TempDir(), "backup.db")
		if code, _, stderr := porchlight(t, "", "backup", "--config", cfgPath, out); code != exitOK {
			t.Errorf("backup: exit %d:\n%s", code, stderr)
		}
	})

	// kill -9: no chance to clean up. The record stays; the lock does not.
	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(e2eWait):
		t.Fatal("the first porchlight did not die")
	}
	if rec, err := os.ReadFile(storage.LockPath(dbPath)); err != nil || !strings.Contains(string(rec), fmt.Sprintf(`"pid":%d`, first.Process.Pid)) {
		t.Fatalf("lock file after kill -9 = %q, %v; want the dead holder's record", rec, err)
	}
	code, stdout, stderr := porchlight(t, "/help\n", "run", "--config", cfgPath)
	if code != exitOK || !strings.Contains(stdout, "/checkin") {
		t.Errorf("run after kill -9: exit %d, want 0 and the help; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}
