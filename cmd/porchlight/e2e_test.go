package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage"
)

// e2eWait bounds each step of the end-to-end test: the time for the
// process to observe an event, never a schedule.
const e2eWait = 20 * time.Second

// The end-to-end tests run porchlight on its test clock (EnvTestClock),
// started two minutes before the house's daily check-in: the check-in
// opens when the test calls advance, not when the wall clock says so. The
// day and hour are clear of the other jobs a house has by default (the
// 09:00 milestones, Monday's 08:00 digest, the 18:00 partner nudge).
const (
	e2eStart   = "2026-11-17T13:58:00-06:00" // a Tuesday, in the houses' America/Chicago
	e2eCheckin = "0 14 * * *"
)

// e2eCheckinAt is when the check-in the tests open is scheduled: 14:00 on
// e2eStart's day.
func e2eCheckinAt(t *testing.T) time.Time {
	t.Helper()
	start, err := time.Parse(time.RFC3339, e2eStart)
	if err != nil {
		t.Fatal(err)
	}
	return start.Add(2 * time.Minute)
}

// e2eBin is the porchlight binary the end-to-end tests run. It is built at
// most once per package run, on first use, so that -short and -run of other
// tests pay nothing; TestMain makes its directory and removes it afterwards.
var e2eBin struct {
	dir  string
	once sync.Once
	path string
	err  error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "porchlight-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	e2eBin.dir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildBinary returns the porchlight binary, building it on the first call.
func buildBinary(t *testing.T) string {
	t.Helper()
	e2eBin.once.Do(func() {
		bin := filepath.Join(e2eBin.dir, "porchlight")
		args := []string{"build", "-o", bin}
		if raceEnabled {
			args = append(args, "-race")
		}
		out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
		if err != nil {
			e2eBin.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		e2eBin.path = bin
	})
	if e2eBin.err != nil {
		t.Fatal(e2eBin.err)
	}
	return e2eBin.path
}

// syncBuffer is a bytes.Buffer safe for a process to write while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// e2eCtx is a context for one step.
func e2eCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), e2eWait)
	t.Cleanup(cancel)
	return ctx
}

// startPorchlight runs "porchlight run" with the config and the given
// environment (and no PORCHLIGHT_ variable of the caller's), on the test
// clock started at e2eStart. advance moves that clock forward and runs the
// jobs that fell due; the test then waits for their effect. stop sends
// SIGTERM and checks the clean exit; it also runs at cleanup, which prints
// the log if the test failed.
func startPorchlight(t *testing.T, cfgPath string, env ...string) (logs *syncBuffer, stop func(), advance func(time.Duration)) {
	t.Helper()
	p := launchPorchlight(t, cfgPath, e2eStart, env...)
	return p.logs, p.stop, p.advance
}

// porchlightProc is a running "porchlight run".
type porchlightProc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	logs   *syncBuffer
	exited chan error
	done   bool // stopped or killed
}

// launchPorchlight starts "porchlight run" on the test clock started at
// start (RFC 3339), with the config and env (and no PORCHLIGHT_ variable
// of the caller's). At cleanup it is stopped, and its log printed if the
// test failed.
func launchPorchlight(t *testing.T, cfgPath, start string, env ...string) *porchlightProc {
	t.Helper()
	bin := buildBinary(t)
	cmd := exec.Command(bin, "run", "--config", cfgPath)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PORCHLIGHT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, EnvTestClock+"="+start)
	cmd.Env = append(cmd.Env, env...)
	p := &porchlightProc{t: t, cmd: cmd, logs: &syncBuffer{}, exited: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	var err error
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("porchlight log:\n%s", p.logs.String())
		}
	})
	return p
}

// advance moves the process's test clock forward and runs the jobs that
// fell due.
func (p *porchlightProc) advance(d time.Duration) {
	p.t.Helper()
	if _, err := fmt.Fprintf(p.stdin, ":advance %s\n", d); err != nil {
		p.t.Fatalf("advance the test clock: %v", err)
	}
}

// stop sends SIGTERM and checks the clean exit.
func (p *porchlightProc) stop() {
	if p.done {
		return
	}
	p.done = true
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.exited:
		if err != nil {
			p.t.Errorf("porchlight exited with %v", err)
		}
	case <-time.After(e2eWait):
		_ = p.cmd.Process.Kill()
		p.t.Errorf("porchlight did not stop on SIGTERM")
	}
}

// kill ends the process with SIGKILL, as a crash or an OOM kill would,
// and waits for it to be gone.
func (p *porchlightProc) kill() {
	if p.done {
		return
	}
	p.done = true
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// dangerLine is a line of danger typed in the middle of a DM check-in.
const dangerLine = "I want to kill myself"

// dmCheckinWithDanger is a DM check-in, line by line, with the reply each
// line should get: a line of danger in the middle gets the crisis reply,
// and the next line still answers the next question.
var dmCheckinWithDanger = []struct{ say, want string }{
	{"hi", "(1/5)"},
	{"4", "(2/5)"},
	{"Went to group", "(3/5)"},
	{dangerLine, "(4/5)"},
	{"no", "(5/5)"},
	{"private", "you're checked in"},
}

// checkE2EAnswers checks, after a platform end-to-end run, that neither
// the answers nor the secrets are in the log, and that the database holds
// Robin's form answer to the round and Sam's DM conversation answer, the
// line of danger kept, both private.
func checkE2EAnswers(t *testing.T, logs, dbPath, platform, robin, sam string, roundID int64, secrets ...string) {
	t.Helper()
	for _, secret := range append(secrets, "Went to a meeting", "Went to group", dangerLine) {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
	db, err := storage.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(context.Background(), func(tx bot.Tx) error {
		// The round is the 14:00 check-in the test clock reached.
		r, err := tx.RoundByID(context.Background(), roundID)
		if err != nil {
			return fmt.Errorf("round %d: %w", roundID, err)
		}
		if want := e2eCheckinAt(t); !r.ScheduledFor.Equal(want) {
			return fmt.Errorf("round scheduled for %v, want %v", r.ScheduledFor, want)
		}
		ms, err := tx.MembershipsOf(context.Background(), platform, robin)
		if err != nil {
			return err
		}
		if len(ms) != 1 || !ms[0].Active() {
			return fmt.Errorf("memberships = %+v, want one active", ms)
		}
		a, err := tx.AnswerOf(context.Background(), roundID, ms[0].ID)
		if err != nil {
			return fmt.Errorf("answer of round %d: %w", roundID, err)
		}
		if a.Mood != 4 || a.Values["win"] != "Went to a meeting" || a.Visibility != bot.VisPrivate || a.Source != "form" {
			return fmt.Errorf("answer = %+v", a)
		}
		ms, err = tx.MembershipsOf(context.Background(), platform, sam)
		if err != nil || len(ms) != 1 {
			return fmt.Errorf("Sam's memberships = %d, %v", len(ms), err)
		}
		hist, err := tx.MemberHistory(context.Background(), ms[0].ID, 10)
		if err != nil {
			return err
		}
		if len(hist) != 1 || hist[0].Mood != 4 || hist[0].Values["win"] != "Went to group" || hist[0].Values["hard"] != dangerLine || hist[0].Visibility != bot.VisPrivate {
			return fmt.Errorf("Sam's answers = %+v, want the conversation's, the line of danger kept", hist)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
