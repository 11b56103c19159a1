package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// users is the test directory: the human first, then housemates.
var users = []bot.User{{ID: "U0001", Name: "Robin"}, {ID: "U0002", Name: "Sam"}, {ID: "U0003", Name: "Alex"}}

// fakeHandler records events and answers each with reply, if set.
type fakeHandler struct {
	mu     sync.Mutex
	events []bot.Event
	reply  func(ev bot.Event) bot.Response
}

func (h *fakeHandler) Handle(_ context.Context, ev bot.Event) bot.Response {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, ev)
	if h.reply != nil {
		return h.reply(ev)
	}
	return bot.Response{}
}

func (h *fakeHandler) Commands() []*bot.Command { return nil }

func (h *fakeHandler) recorded() []bot.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bot.Event(nil), h.events...)
}

// syncBuffer is a bytes.Buffer safe to read while the adapter writes.
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

// run plays input through a new adapter and returns the events and output.
func run(t *testing.T, input string, opts Options, reply func(bot.Event) bot.Response) ([]bot.Event, string) {
	t.Helper()
	if opts.Users == nil {
		opts.Users = users
	}
	if opts.Session == "" {
		opts.Session = "t"
	}
	var out syncBuffer
	a := New(strings.NewReader(input), &out, opts)
	h := &fakeHandler{reply: reply}
	if err := a.Run(context.Background(), h); err != nil {
		t.Fatalf("Run = %v, want nil at EOF", err)
	}
	return h.recorded(), out.String()
}

// body drops the banner line Run prints first.
func body(out string) string {
	_, rest, _ := strings.Cut(out, "\n")
	return rest
}

func TestCommands(t *testing.T) {
	tests := []struct {
		line, name, raw string
		names           map[string]string
	}{
		{"/checkin", "checkin", "", nil},
		{"/checkin pause until 2026-07-01", "checkin", "pause until 2026-07-01", nil},
		{"/Partner pair @robin @SAM", "partner", "pair <@U0001> <@U0002>", map[string]string{"U0001": "Robin", "U0002": "Sam"}},
		{"/partner pair @nobody, @Alex.", "partner", "pair @nobody, <@U0003>.", map[string]string{"U0003": "Alex"}},
		{"/thanks @u0002 for dinner", "thanks", "<@U0002> for dinner", map[string]string{"U0002": "Sam"}},
		{"/mentor add email@example.org", "mentor", "add email@example.org", nil},
		{"  /help   ", "help", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			evs, _ := run(t, tt.line+"\n", Options{}, nil)
			if len(evs) != 1 {
				t.Fatalf("events = %d, want 1", len(evs))
			}
			ev := evs[0]
			if ev.Kind != bot.EventCommand || ev.Command == nil {
				t.Fatalf("event = %+v, want a command", ev)
			}
			if got, want := *ev.Command, (bot.CommandInput{Name: tt.name, Raw: tt.raw, Names: tt.names}); !reflect.DeepEqual(got, want) {
				t.Errorf("command = %+v, want %+v", got, want)
			}
			if ev.Platform != "console" || ev.Channel != "house" || ev.DM || ev.FormLimit != 0 || ev.User != users[0] {
				t.Errorf("event = %+v; want a console event by Robin in #house, no DM, no forms", ev)
			}
			if ev.ID != "console-t-1" {
				t.Errorf("id = %q, want console-t-1", ev.ID)
			}
		})
	}
	t.Run("bare slash", func(t *testing.T) {
		evs, out := run(t, "/\n", Options{}, nil)
		if len(evs) != 0 || !strings.Contains(out, "[console] Type a command name") {
			t.Errorf("events = %v, output %q; want a hint and no event", evs, out)
		}
	})
}

func TestDirectMessages(t *testing.T) {
	evs, _ := run(t, "I had a good day\n42\n", Options{}, nil)
	want := []bot.Event{
		{ID: "console-t-1", Platform: "console", Kind: bot.EventDM, User: users[0], Channel: "dm-U0001", DM: true, Text: "I had a good day"},
		{ID: "console-t-2", Platform: "console", Kind: bot.EventDM, User: users[0], Channel: "dm-U0001", DM: true, Text: "42"},
	}
	if !reflect.DeepEqual(evs, want) {
		t.Errorf("events =\n%+v\nwant\n%+v", evs, want)
	}
}

func TestNumbersPickChoices(t *testing.T) {
	scale := bot.Field{Kind: bot.KindScale, Min: 1, Max: 3, Options: []string{"low", "okay", "good"}}
	var scaleChoices []bot.Choice
	for _, c := range scale.ChoicesIn(bot.SourceLang()) {
		c.ID = "form:answer"
		scaleChoices = append(scaleChoices, c)
	}
	reply := func(ev bot.Event) bot.Response {
		switch {
		case ev.Kind == bot.EventCommand && ev.Command.Name == "checkin":
			return bot.Response{Messages: []bot.Message{{Text: "Check-in — 2 questions."}, {Text: "(1/2) How are you?", Choices: scaleChoices}}}
		case ev.Kind == bot.EventCommand && ev.Command.Name == "two":
			return bot.Response{Messages: []bot.Message{
				{Text: "First", Choices: []bot.Choice{{ID: "a:1", Label: "A"}}},
				{Text: "Second", Choices: []bot.Choice{{ID: "b:1", Label: "B"}, {ID: "b:2", Label: "C"}}},
			}}
		case ev.Kind == bot.EventAction:
			return bot.Reply("(2/2) A win? — up to 500 characters")
		}
		return bot.Response{}
	}
	evs, out := run(t, "/checkin\n2\n3\n/two\n3\n4\n", Options{}, reply)
	var got []string
	for _, ev := range evs {
		switch ev.Kind {
		case bot.EventAction:
			got = append(got, fmt.Sprintf("action %s=%s in %s dm=%v", ev.Action.ID, ev.Action.Value, ev.Channel, ev.DM))
		case bot.EventDM:
			got = append(got, "dm "+ev.Text)
		case bot.EventCommand:
			got = append(got, "command "+ev.Command.Name)
		}
	}
	want := []string{
		"command checkin",
		// The scale's second choice, acting where the command was typed.
		"action form:answer=2 in house dm=false",
		// The reply to it had no choices, so a number is text again.
		"dm 3",
		"command two",
		// Choices are numbered on across the messages of one reply.
		"action b:2= in house dm=false",
		"dm 4",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events =\n%q\nwant\n%q", got, want)
	}
	wantOut := `[only you] Check-in — 2 questions.
[only you] (1/2) How are you?
           1 – low
           2 – okay
           3 – good
[only you] (2/2) A win? — up to 500 characters
[only you] First
           1) A
[only you] Second
           2) B
           3) C
[only you] (2/2) A win? — up to 500 characters
`
	if got := body(out); got != wantOut {
		t.Errorf("output =\n%s\nwant\n%s", got, wantOut)
	}
}

func TestChannelChoices(t *testing.T) {
	var out syncBuffer
	pr, pw := io.Pipe()
	a := New(pr, &out, Options{Users: users, Session: "t"})
	h := &fakeHandler{reply: func(ev bot.Event) bot.Response {
		if ev.Kind == bot.EventCommand {
			return bot.Response{Messages: []bot.Message{{Text: "(1/2) How are you?", Choices: []bot.Choice{{ID: "form:answer", Label: "low", Value: "low"}}}}}
		}
		return bot.Reply("(2/2) Anything else?")
	}}
	done := make(chan error)
	go func() { done <- a.Run(context.Background(), h) }()

	fmt.Fprint(pw, "/checkin\n")
	// A check-in post lands while Robin's conversation is open.
	ref, err := a.Send(context.Background(), bot.Outgoing{
		Target:  bot.Target{Kind: bot.TargetChannel, Channel: "house"},
		Message: bot.Message{Text: "Time for today's check-in!", Choices: []bot.Choice{{ID: "checkin:open:7", Label: "Check in"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(pw, "1\n1\n:as sam\n1\n")
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range h.recorded()[1:] {
		got = append(got, fmt.Sprintf("%s %s %s in %s dm=%v ref=%s", ev.User.Name, ev.Kind, ev.Action.ID, ev.Channel, ev.DM, ev.Action.Message.ID))
	}
	want := []string{
		// Robin's open private list wins over the newer channel post.
		"Robin action form:answer in house dm=false ref=",
		// The reply to it had no choices, so the channel's list applies.
		"Robin action checkin:open:7 in house dm=false ref=" + ref.ID,
		// Sam has no private list: the channel's list is everyone's.
		"Sam action checkin:open:7 in house dm=false ref=" + ref.ID,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events =\n%q\nwant\n%q", got, want)
	}
}

func TestSwitchUsers(t *testing.T) {
	evs, out := run(t, ":as sam\nhello\n:as Nobody\n:who\n:AS u0003\nhey\n", Options{}, nil)
	if len(evs) != 2 || evs[0].User != users[1] || evs[1].User != users[2] {
		t.Errorf("events = %+v; want one by Sam, one by Alex", evs)
	}
	want := `[console] You are now Sam.
[console] No one called "Nobody" here. People: Robin, Sam, Alex.
[console] You are Sam. People: Robin, Sam, Alex.
[console] You are now Alex.
`
	if got := body(out); got != want {
		t.Errorf("output =\n%s\nwant\n%s", got, want)
	}
}

func TestCommentsAndEcho(t *testing.T) {
	input := "# a script\n\n   \n/checkin\nfine thanks\n"
	t.Run("quiet", func(t *testing.T) {
		evs, out := run(t, input, Options{}, nil)
		if len(evs) != 2 {
			t.Errorf("events = %d, want 2", len(evs))
		}
		if got := body(out); got != "" {
			t.Errorf("output = %q, want nothing", got)
		}
	})
	t.Run("echo", func(t *testing.T) {
		_, out := run(t, input, Options{Echo: true}, nil)
		want := "Robin> # a script\nRobin> /checkin\nRobin> fine thanks\n"
		if got := body(out); got != want {
			t.Errorf("output =\n%s\nwant\n%s", got, want)
		}
	})
}

func TestDirectives(t *testing.T) {
	var got []string
	directive := func(_ context.Context, line string) (bool, error) {
		got = append(got, line)
		switch line {
		case ":tick":
			return true, nil
		case ":broken":
			return true, errors.New("clock stopped")
		}
		return false, nil
	}
	_, out := run(t, ":tick\n:broken\n:nope\n", Options{Directive: directive}, nil)
	if want := []string{":tick", ":broken", ":nope"}; !reflect.DeepEqual(got, want) {
		t.Errorf("directive lines = %q, want %q", got, want)
	}
	want := "[console] ⚠ :broken: clock stopped\n[console] Unknown control :nope. Type :help for the list.\n"
	if got := body(out); got != want {
		t.Errorf("output =\n%s\nwant\n%s", got, want)
	}
	t.Run("none", func(t *testing.T) {
		_, out := run(t, ":tick\n", Options{}, nil)
		if !strings.Contains(out, "[console] Unknown control :tick.") {
			t.Errorf("output = %q; want an unknown-control line", out)
		}
	})
	t.Run("help reaches the directive too", func(t *testing.T) {
		got = nil
		_, out := run(t, ":help\n", Options{Directive: directive}, nil)
		if !strings.Contains(out, "Console controls:") || strings.Contains(out, "Unknown") || len(got) != 1 {
			t.Errorf("output = %q, directive saw %q", out, got)
		}
	})
}

func TestResponseRendering(t *testing.T) {
	form := bot.Form{ID: "checkin:1", Title: "Check-in", Fields: []bot.Field{
		{ID: "mood", Kind: bot.KindScale, Label: "How are you?", Min: 1, Max: 2, Value: "7"},
		{ID: "win", Kind: bot.KindText, Label: "A win", MaxLen: 500},
	}}
	at := time.Date(2026, 3, 2, 18, 30, 0, 0, time.UTC)
	reply := func(bot.Event) bot.Response {
		return bot.Response{
			Messages: []bot.Message{
				{Text: "Movie night starts " + bot.FormatTime(bot.SourceLang(), at, time.UTC) + ".\n\nBring snacks.\n", Choices: []bot.Choice{{ID: "rsvp:1", Label: "Going"}}},
				{Text: "Chart", Attachment: &bot.Attachment{Name: "mood.png", ContentType: "image/png", Data: make([]byte, 3000)}},
			},
			FieldErrors: map[string]string{"win": "Too long.", "mood": "Out of range."},
			Reopen:      &form,
		}
	}
	_, out := run(t, "/x\n", Options{}, reply)
	want := `[only you] Movie night starts Mon 2 Mar 18:30 UTC.

           Bring snacks.
           1) Going
[only you] Chart
           📎 mood.png (image/png, 3 KB; not shown on the console)
[only you] ⚠ Out of range.
[only you] ⚠ Too long.
[only you] 📝 Check-in (forms are asked one question at a time on the console)
           • How are you? — a number from 1 to 2 [now: 7]
           • A win — up to 500 characters
`
	if got := body(out); got != want {
		t.Errorf("output =\n%s\nwant\n%s", got, want)
	}
}

func TestSend(t *testing.T) {
	at := time.Date(2026, 3, 2, 18, 30, 0, 0, time.UTC)
	tests := []struct {
		name    string
		m       bot.Outgoing
		wantRef bot.MessageRef
		want    string
	}{
		{"channel", bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: "house"},
			Message: bot.Message{Text: "Good morning!\nCheck-in is open until " + bot.FormatTime(bot.SourceLang(), at, time.UTC), Choices: []bot.Choice{{ID: "checkin:open:1", Label: "Check in"}}}},
			bot.MessageRef{Channel: "house", ID: "m1"},
			"[#house] Good morning!\n         Check-in is open until Mon 2 Mar 18:30 UTC\n         1) Check in\n"},
		{"thread", bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: "house"}, Thread: bot.MessageRef{Channel: "house", ID: "m1"},
			Message: bot.Message{Text: "Sam checked in 🌤"}},
			bot.MessageRef{Channel: "house", ID: "m1"},
			"[#house › thread] Sam checked in 🌤\n"},
		{"DM to you", bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: "U0001"}, Message: bot.Message{Text: "Reminder: check-in closes soon."}},
			bot.MessageRef{Channel: "dm-U0001", ID: "m1"},
			"[DM] Reminder: check-in closes soon.\n"},
		{"DM to a housemate", bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: "U0002"}, Message: bot.Message{Text: "Your partner asked for support."}},
			bot.MessageRef{Channel: "dm-U0002", ID: "m1"},
			"[DM → Sam] Your partner asked for support.\n"},
		{"DM to a stranger", bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: "U0099"}, Message: bot.Message{Text: "Hi"}},
			bot.MessageRef{Channel: "dm-U0099", ID: "m1"},
			"[DM → U0099] Hi\n"},
		{"ephemeral to you", bot.Outgoing{Target: bot.Target{Kind: bot.TargetEphemeral, Channel: "house", User: "U0001"}, Message: bot.Message{Text: "Only you see this."}},
			bot.MessageRef{Channel: "house", ID: "m1"},
			"[only you] Only you see this.\n"},
		{"mentions shown as names", bot.Outgoing{Target: bot.Target{Kind: bot.TargetEphemeral, Channel: "house", User: "U0001"}, Message: bot.Message{Text: "<@U0002> is a House Mentor; <@U0099> is not."}},
			bot.MessageRef{Channel: "house", ID: "m1"},
			"[only you] @Sam is a House Mentor; @U0099 is not.\n"},
		{"ephemeral to a housemate", bot.Outgoing{Target: bot.Target{Kind: bot.TargetEphemeral, Channel: "house", User: "U0003"}, Message: bot.Message{Text: "Only Alex sees this."}},
			bot.MessageRef{Channel: "house", ID: "m1"},
			"[only Alex] Only Alex sees this.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			a := New(strings.NewReader(""), &out, Options{Users: users})
			ref, err := a.Send(context.Background(), tt.m)
			if err != nil {
				t.Fatal(err)
			}
			if ref != tt.wantRef {
				t.Errorf("ref = %+v, want %+v", ref, tt.wantRef)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("output =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
	t.Run("bad targets are undeliverable", func(t *testing.T) {
		a := New(strings.NewReader(""), io.Discard, Options{})
		for _, target := range []bot.Target{{Kind: bot.TargetDM}, {Kind: bot.TargetChannel}, {Kind: "carrier-pigeon"}} {
			if _, err := a.Send(context.Background(), bot.Outgoing{Target: target}); !errors.Is(err, bot.ErrUndeliverable) {
				t.Errorf("Send to %+v = %v, want ErrUndeliverable", target, err)
			}
		}
	})
	t.Run("refs count up", func(t *testing.T) {
		a := New(strings.NewReader(""), io.Discard, Options{})
		for i := 1; i <= 3; i++ {
			ref, err := a.Send(context.Background(), bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: "house"}})
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("m%d", i); ref.ID != want {
				t.Errorf("ref %d = %q, want %q", i, ref.ID, want)
			}
		}
	})
}

func TestEdit(t *testing.T) {
	var out bytes.Buffer
	a := New(strings.NewReader(""), &out, Options{Users: users})
	ctx := context.Background()
	post, err := a.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: "house"}, Message: bot.Message{Text: "Sam: okay"}})
	if err != nil {
		t.Fatal(err)
	}
	dm, err := a.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: "U0002"}, Message: bot.Message{Text: "Alert"}})
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := a.Edit(ctx, post, bot.Message{Text: "Sam: good"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Edit(ctx, dm, bot.Message{Text: "Alert (acknowledged)"}); err != nil {
		t.Fatal(err)
	}
	// Send with Edit set edits too.
	ref, err := a.Send(ctx, bot.Outgoing{Edit: post, Message: bot.Message{Text: "Sam: great"}})
	if err != nil || ref != post {
		t.Errorf("Send with Edit = %+v, %v; want %+v", ref, err, post)
	}
	want := "[#house ✎ edited] Sam: good\n[DM → Sam ✎ edited] Alert (acknowledged)\n[#house ✎ edited] Sam: great\n"
	if got := out.String(); got != want {
		t.Errorf("output =\n%s\nwant\n%s", got, want)
	}
	if err := a.Edit(ctx, bot.MessageRef{}, bot.Message{}); err == nil {
		t.Error("Edit of an empty ref succeeded")
	}
}

func TestRunStops(t *testing.T) {
	t.Run("EOF", func(t *testing.T) {
		a := New(strings.NewReader("hello"), io.Discard, Options{})
		h := &fakeHandler{}
		if err := a.Run(context.Background(), h); err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
		if evs := h.recorded(); len(evs) != 1 || evs[0].Text != "hello" {
			t.Errorf("events = %+v; want the unterminated last line", evs)
		}
	})
	t.Run("context", func(t *testing.T) {
		pr, pw := io.Pipe()
		t.Cleanup(func() { pw.Close() })
		a := New(pr, io.Discard, Options{})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- a.Run(ctx, &fakeHandler{}) }()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v, want nil", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return after cancel")
		}
	})
	t.Run("read error", func(t *testing.T) {
		pr, pw := io.Pipe()
		pw.CloseWithError(errors.New("terminal gone"))
		a := New(pr, io.Discard, Options{})
		if err := a.Run(context.Background(), &fakeHandler{}); err == nil || !strings.Contains(err.Error(), "terminal gone") {
			t.Errorf("Run = %v, want the read error", err)
		}
	})
}

func TestEventIDsDifferAcrossRuns(t *testing.T) {
	a := New(strings.NewReader(""), io.Discard, Options{})
	b := New(strings.NewReader(""), io.Discard, Options{})
	if a.opts.Session == b.opts.Session {
		t.Errorf("two adapters share session %q; the core would drop the second run's events as duplicates", a.opts.Session)
	}
}

func TestConcurrentSend(t *testing.T) {
	var out syncBuffer
	pr, pw := io.Pipe()
	a := New(pr, &out, Options{Users: users})
	h := &fakeHandler{reply: func(ev bot.Event) bot.Response { return bot.Reply("got it\nthanks") }}
	done := make(chan error)
	go func() { done <- a.Run(context.Background(), h) }()

	const senders, each = 8, 25
	var wg sync.WaitGroup
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				m := bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: "house"},
					Message: bot.Message{Text: fmt.Sprintf("post %d-%d\nsecond line", s, i), Choices: []bot.Choice{{ID: "x", Label: "X"}}}}
				if _, err := a.Send(context.Background(), m); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	for i := range each {
		fmt.Fprintf(pw, "message %d\n:as %s\n", i, users[i%len(users)].Name)
	}
	pw.Close()
	wg.Wait()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Every block arrives whole: a post's three lines are never split.
	lines := strings.Split(out.String(), "\n")
	posts := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "[#house] post ") {
			posts++
			if i+2 >= len(lines) || lines[i+1] != "         second line" || lines[i+2] != "         1) X" {
				t.Fatalf("post at line %d is interleaved:\n%s", i, strings.Join(lines[i:min(i+3, len(lines))], "\n"))
			}
		}
	}
	if posts != senders*each {
		t.Errorf("posts = %d, want %d", posts, senders*each)
	}
	if got := len(h.recorded()); got != each {
		t.Errorf("events = %d, want %d", got, each)
	}
}

func TestAfterLineAndOutput(t *testing.T) {
	var out syncBuffer
	var a *Adapter
	var calls int
	a = New(strings.NewReader("# comment\n\n/checkin\nhi\n:as Sam\n"), &out, Options{
		Users: users, Session: "t",
		AfterLine: func(context.Context) {
			calls++
			fmt.Fprintf(a.Output(), "(after %d)\n", calls)
		},
	})
	h := &fakeHandler{reply: func(bot.Event) bot.Response { return bot.Reply("ok") }}
	if err := a.Run(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	want := "[only you] ok\n(after 1)\n[only you] ok\n(after 2)\n[console] You are now Sam.\n(after 3)\n"
	if got := body(out.String()); got != want {
		t.Errorf("output =\n%s\nwant\n%s", got, want)
	}
}
