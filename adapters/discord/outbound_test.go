package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/porchlight/porchlight/adapters/discord/discordtest"
	"github.com/porchlight/porchlight/adapters/kit"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/bot/bottest"
	"github.com/porchlight/porchlight/outbox"
)

// TestSend shares one running adapter among its subtests, since
// discordgo's Close sleeps a second. Rate limits are kept short: after a
// 429, discordgo's bucket waits out the announced reset (in real time)
// before the next request on that route.
func TestSend(t *testing.T) {
	t.Parallel()
	hs := start(t, discordtest.Config{}, nil, nil)
	ctx := ctxFor(t)
	at := time.Date(2026, 1, 2, 15, 4, 0, 0, time.UTC)

	t.Run("channel message with buttons and a time", func(t *testing.T) {
		ref, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Message: bot.Message{
			Text:    "Check-in closes " + bot.FormatTime(bot.SourceLang(), at, time.UTC) + ". @everyone *please* answer.",
			Choices: []bot.Choice{{ID: "checkin:open:1", Label: "Check in", Style: bot.StylePrimary}, {ID: "checkin:skip:1", Label: "Skip", Style: bot.StyleDanger}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		m, ok := hs.f.Message(ref.ID)
		if !ok || ref.Channel != general {
			t.Fatalf("ref %+v not stored", ref)
		}
		if want := "Check-in closes <t:1767366240:F>. @everyone **please** answer."; m.Content != want {
			t.Errorf("content = %q, want %q", m.Content, want)
		}
		calls := hs.f.CallsTo(discordtest.RouteCreateMessage)
		w := decode(t, calls[len(calls)-1])
		if w.AllowedMentions == nil || strings.Join(w.AllowedMentions.Parse, ",") != "users" {
			t.Errorf("allowed mentions = %+v, want users only", w.AllowedMentions)
		}
		if len(w.Components) != 1 || w.Components[0].Components[0].Style != 1 || w.Components[0].Components[1].Style != 4 {
			t.Errorf("components = %+v", w.Components)
		}
	})

	t.Run("long text splits at lines, buttons on the last part", func(t *testing.T) {
		before := len(hs.f.CallsTo(discordtest.RouteCreateMessage))
		var lines []string
		for i := range 90 {
			lines = append(lines, fmt.Sprintf("line %02d %s", i, strings.Repeat("x", 40)))
		}
		text := strings.Join(lines, "\n")
		ref, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general},
			Message: bot.Message{Text: text, Choices: []bot.Choice{{ID: "digest:more", Label: "More"}}}})
		if err != nil {
			t.Fatal(err)
		}
		calls := hs.f.CallsTo(discordtest.RouteCreateMessage)[before:]
		if len(calls) != 3 {
			t.Fatalf("sent %d messages, want 3", len(calls))
		}
		var got []string
		for i, c := range calls {
			w := decode(t, c)
			if n := utf8.RuneCountInString(w.Content); n > 2000 {
				t.Errorf("part %d is %d characters", i, n)
			}
			if !strings.HasSuffix(w.Content, strings.Repeat("x", 40)) {
				t.Errorf("part %d does not end at a line: …%q", i, w.Content[len(w.Content)-10:])
			}
			if (len(w.Components) > 0) != (i == 2) {
				t.Errorf("part %d has %d rows", i, len(w.Components))
			}
			got = append(got, w.Content)
		}
		if strings.Join(got, "\n") != text {
			t.Errorf("parts lose text")
		}
		if m, _ := hs.f.Message(ref.ID); !strings.HasPrefix(m.Content, "line 00") {
			t.Errorf("ref is not the first part")
		}
	})

	t.Run("30 buttons: 5 rows of 5, then a second message", func(t *testing.T) {
		before := len(hs.f.CallsTo(discordtest.RouteCreateMessage))
		var cs []bot.Choice
		for i := range 30 {
			cs = append(cs, bot.Choice{ID: fmt.Sprintf("rsvp:%d", i), Label: fmt.Sprintf("Option %d", i)})
		}
		if _, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Message: bot.Message{Text: "Pick", Choices: cs}}); err != nil {
			t.Fatal(err)
		}
		calls := hs.f.CallsTo(discordtest.RouteCreateMessage)[before:]
		if len(calls) != 2 {
			t.Fatalf("sent %d messages, want 2", len(calls))
		}
		first, second := decode(t, calls[0]), decode(t, calls[1])
		if len(first.Components) != 5 || len(customIDs(first.Components)) != 25 || len(customIDs(second.Components)) != 5 {
			t.Errorf("rows %d/%d buttons, %d buttons after", len(first.Components), len(customIDs(first.Components)), len(customIDs(second.Components)))
		}
	})

	t.Run("a scale of one choice becomes a select", func(t *testing.T) {
		var cs []bot.Choice
		for n := 1; n <= 10; n++ {
			cs = append(cs, bot.Choice{ID: "form:answer", Label: fmt.Sprint(n), Value: fmt.Sprint(n)})
		}
		if _, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Message: bot.Message{Text: "How many?", Choices: cs}}); err != nil {
			t.Fatal(err)
		}
		calls := hs.f.CallsTo(discordtest.RouteCreateMessage)
		w := decode(t, calls[len(calls)-1])
		if len(w.Components) != 1 || w.Components[0].Components[0].Type != 3 || len(w.Components[0].Components[0].Options) != 10 {
			t.Errorf("select = %+v", w.Components)
		}
	})

	t.Run("a reply goes in the thread on its parent", func(t *testing.T) {
		parent, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Message: bot.Message{Text: "Prompt"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{"Robin checked in", "Sam checked in"} {
			ref, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Thread: parent, ThreadName: "Check-ins shared Tue 17 Nov", Message: bot.Message{Text: text}})
			if err != nil {
				t.Fatal(err)
			}
			if ref.Channel != parent.ID {
				t.Errorf("%q went to channel %s, want the thread %s", text, ref.Channel, parent.ID)
			}
		}
		starts := hs.f.CallsTo(discordtest.RouteStartThread)
		if len(starts) != 1 || starts[0].Params["message_id"] != parent.ID || starts[0].Status != 200 {
			t.Fatalf("thread starts = %+v, want one on the prompt", starts)
		}
		var body map[string]any
		if err := json.Unmarshal(starts[0].Body, &body); err != nil || body["name"] != "Check-ins shared Tue 17 Nov" || body["auto_archive_duration"] != float64(1440) || len(body) != 2 {
			t.Errorf("thread start body = %s", starts[0].Body)
		}
		if got := hs.f.Messages(parent.ID); len(got) != 2 {
			t.Errorf("thread holds %d messages, want 2", len(got))
		}
	})

	t.Run("a post that asks for a thread opens one", func(t *testing.T) {
		ref, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, ThreadName: "Movie night", Message: bot.Message{Text: "Movie night, Friday"}})
		if err != nil {
			t.Fatal(err)
		}
		starts := hs.f.CallsTo(discordtest.RouteStartThread)
		if last := starts[len(starts)-1]; last.Params["message_id"] != ref.ID || !strings.Contains(string(last.Body), "Movie night") {
			t.Errorf("thread start = %+v, want one on the post %s", last, ref.ID)
		}
	})

	t.Run("without thread permissions a reply is a plain post", func(t *testing.T) {
		parent, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Message: bot.Message{Text: "Prompt"}})
		if err != nil {
			t.Fatal(err)
		}
		hs.f.FailNext(discordtest.RouteStartThread, 1, discordtest.Fault{Status: 403, Code: 50013, Message: "Missing Permissions"})
		ref, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Thread: parent, ThreadName: "x", Message: bot.Message{Text: "Robin checked in"}})
		if err != nil || ref.Channel != general {
			t.Fatalf("send = %+v, %v; want a post in the channel", ref, err)
		}
		calls := hs.f.CallsTo(discordtest.RouteCreateMessage)
		if w := decode(t, calls[len(calls)-1]); w.MessageReference != nil {
			t.Errorf("a reply reference (needs Read Message History): %+v", w.MessageReference)
		}
	})

	t.Run("edit", func(t *testing.T) {
		ref, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Message: bot.Message{Text: "Walk: 1 going"}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := hs.ad.Send(ctx, bot.Outgoing{Edit: ref, Message: bot.Message{Text: "Walk: 2 going", Choices: []bot.Choice{{ID: "rsvp:1", Label: "Going"}}}})
		if err != nil || got != ref {
			t.Fatalf("edit = %+v, %v", got, err)
		}
		m, _ := hs.f.Message(ref.ID)
		if m.Content != "Walk: 2 going" || m.EditedAt.IsZero() || !strings.Contains(string(m.Components), "0|rsvp:1") {
			t.Errorf("edited = %q %s", m.Content, m.Components)
		}
		if err := hs.ad.Edit(ctx, bot.MessageRef{Channel: general, ID: "1399999999999999999"}, bot.Message{Text: "x"}); !errors.Is(err, bot.ErrUndeliverable) {
			t.Errorf("edit of an unknown message = %v, want undeliverable", err)
		}
	})

	t.Run("file attachment", func(t *testing.T) {
		if _, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Message: bot.Message{
			Text: "Weekly digest", Attachment: &bot.Attachment{Name: "digest.png", ContentType: "image/png", Data: []byte("\x89PNG fake")},
		}}); err != nil {
			t.Fatal(err)
		}
		calls := hs.f.CallsTo(discordtest.RouteCreateMessage)
		c := calls[len(calls)-1]
		if len(c.Files) != 1 || c.Files[0].Name != "digest.png" || string(c.Files[0].Data) != "\x89PNG fake" || c.Field("content") != "Weekly digest" {
			t.Errorf("upload = %+v content %v", c.Files, c.Field("content"))
		}
	})

	t.Run("DM and ephemeral go to the DM channel, opened once", func(t *testing.T) {
		before := len(hs.f.CallsTo(discordtest.RouteCreateDM))
		for _, kind := range []bot.TargetKind{bot.TargetDM, bot.TargetEphemeral} {
			ref, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: kind, User: robin, Channel: general}, Message: bot.Message{Text: "How are you?"}})
			if err != nil {
				t.Fatal(err)
			}
			if ref.Channel != hs.f.DMChannel(robin) {
				t.Errorf("%s went to %s, want the DM", kind, ref.Channel)
			}
		}
		if got := len(hs.f.CallsTo(discordtest.RouteCreateDM)) - before; got != 1 {
			t.Errorf("DM channel opened %d times, want 1", got)
		}
	})

	faults := []struct {
		name  string
		fault discordtest.Fault
		retry bool
		after time.Duration
		undel bool
		code  string
	}{
		{"429 is a retry after its delay", discordtest.RateLimited(300*time.Millisecond, false), true, 300 * time.Millisecond, false, "429"},
		{"500 is a retry", discordtest.ServerError(500), true, 0, false, "500"},
		{"502 is a retry, not retried by discordgo", discordtest.ServerError(502), true, 0, false, "502"},
		{"50007 is undeliverable", discordtest.CannotMessageUser(), false, 0, true, "403"},
		{"missing permissions is undeliverable", discordtest.APIError(403, 50013, "Missing Permissions"), false, 0, true, "403"},
	}
	for _, tc := range faults {
		t.Run(tc.name, func(t *testing.T) {
			before := len(hs.f.CallsTo(discordtest.RouteCreateMessage))
			hs.f.FailNext(discordtest.RouteCreateMessage, 1, tc.fault)
			_, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: discordtest.ChannelThread}, Message: bot.Message{Text: "hello"}})
			var re *bot.RetryError
			if got := errors.As(err, &re); got != tc.retry {
				t.Errorf("err = %v, retry = %v, want %v", err, got, tc.retry)
			}
			if tc.retry && re.After != tc.after {
				t.Errorf("retry after %v, want %v", re.After, tc.after)
			}
			if got := errors.Is(err, bot.ErrUndeliverable); got != tc.undel {
				t.Errorf("err = %v, undeliverable = %v, want %v", err, got, tc.undel)
			}
			if got := bot.PlatformCode(err); got != tc.code {
				t.Errorf("platform code = %q, want %q", got, tc.code)
			}
			if got := len(hs.f.CallsTo(discordtest.RouteCreateMessage)) - before; got != 1 {
				t.Errorf("calls = %d, want exactly 1 (no retry inside discordgo)", got)
			}
			hs.f.ClearFaults()
		})
	}
}

func TestOutboxRetries(t *testing.T) {
	t.Parallel()
	hs := start(t, discordtest.Config{}, nil, nil)
	clock := bottest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	newSender := func(out bot.Outgoing) (*outbox.Sender, *bottest.Outbox, *[]error) {
		ob := bottest.NewOutbox(&bot.OutboxMessage{ID: 1, HouseID: 1, Platform: Platform, Out: out, Status: bot.OutboxPending, NextAt: clock.Now()})
		s := outbox.NewSender(ob, clock, nil, hs.ad)
		var undeliverable []error
		s.OnUndeliverable = func(_ context.Context, _ *bot.OutboxMessage, err error) error {
			undeliverable = append(undeliverable, err)
			return nil
		}
		return s, ob, &undeliverable
	}

	t.Run("429 then retry", func(t *testing.T) {
		s, ob, _ := newSender(bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Message: bot.Message{Text: "Check-in is open"}})
		hs.f.FailNext(discordtest.RouteCreateMessage, 1, discordtest.RateLimited(300*time.Millisecond, false))
		if n, err := s.Flush(ctxFor(t)); err != nil || n != 0 {
			t.Fatalf("first flush = %d, %v", n, err)
		}
		if m := ob.Message(1); m.Status != bot.OutboxPending || !m.NextAt.Equal(clock.Now().Add(300*time.Millisecond)) {
			t.Fatalf("after 429: status %s next %v", m.Status, m.NextAt)
		}
		if n, _ := s.Flush(ctxFor(t)); n != 0 {
			t.Fatalf("sent before the rate limit ended")
		}
		clock.Advance(300 * time.Millisecond)
		if n, err := s.Flush(ctxFor(t)); err != nil || n != 1 {
			t.Fatalf("second flush = %d, %v", n, err)
		}
		if m, ok := hs.f.Message(ob.Message(1).Ref.ID); !ok || m.Content != "Check-in is open" {
			t.Errorf("sent message = %+v", m)
		}
	})

	t.Run("50007 is reported once and not retried", func(t *testing.T) {
		s, ob, undel := newSender(bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: sam}, Message: bot.Message{Text: "How are you?"}})
		dm := hs.f.DMChannel(sam)
		hs.f.FailPath("POST", "/api/v9/channels/"+dm+"/messages", discordtest.Forever, discordtest.CannotMessageUser())
		t.Cleanup(hs.f.ClearFaults)
		for range 3 {
			if _, err := s.Flush(ctxFor(t)); err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Hour)
		}
		if m := ob.Message(1); m.Status != bot.OutboxFailed || m.Attempts != 1 || len(*undel) != 1 {
			t.Errorf("status %s attempts %d reports %d, want failed once", m.Status, m.Attempts, len(*undel))
		}
	})
}

// failNth answers the nth message post with a 500, passing everything else
// on.
type failNth struct {
	mu   sync.Mutex
	n    int
	seen int
}

func (f *failNth) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages") {
		f.mu.Lock()
		f.seen++
		hit := f.seen == f.n
		f.mu.Unlock()
		if hit {
			return &http.Response{StatusCode: 500, Status: "500 Internal Server Error", Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(`{"message":"500: Internal Server Error","code":0}`)), Request: r}, nil
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestSplitRetryPostsEachPartOnce(t *testing.T) {
	t.Parallel()
	hs := start(t, discordtest.Config{}, func(c *Config) {
		c.HTTPClient = &http.Client{Transport: &failNth{n: 2}, Timeout: waitFor}
	}, nil)
	text := strings.Repeat("a", 1500) + "\n" + strings.Repeat("b", 1500) + "\n" + strings.Repeat("c", 1500)
	out := bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Message: bot.Message{Text: text}, Key: "outbox:9"}
	_, err := hs.ad.Send(ctxFor(t), out)
	var re *bot.RetryError
	if !errors.As(err, &re) {
		t.Fatalf("first try = %v, want a retry", err)
	}
	ref, err := hs.ad.Send(ctxFor(t), out)
	if err != nil {
		t.Fatal(err)
	}
	wantPartsOnce(t, hs.f, ref)
}

// wantPartsOnce checks that the parts a, b and c of a split message are in
// the house channel once each, and returns the first, which ref must be.
func wantPartsOnce(t *testing.T, f *discordtest.Server, ref bot.MessageRef) discordtest.Message {
	t.Helper()
	var got []string
	for _, m := range f.Messages(general) {
		got = append(got, m.Content[:1])
	}
	if strings.Join(got, "") != "abc" {
		t.Errorf("messages on Discord = %v, want a, b, c once each", got)
	}
	m, _ := f.Message(ref.ID)
	if !strings.HasPrefix(m.Content, "a") {
		t.Errorf("ref %v is not the first part", ref)
	}
	return m
}

// loseAnswer passes every request to the fake but, for the nth message
// post, throws the answer away and reports a broken connection: the
// message is on the platform and the bot does not know it, as when it dies
// between the send and its record.
type loseAnswer struct {
	mu   sync.Mutex
	n    int
	seen int
}

func (l *loseAnswer) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/messages") {
		return resp, err
	}
	l.mu.Lock()
	l.seen++
	hit := l.seen == l.n
	l.mu.Unlock()
	if !hit {
		return resp, nil
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return nil, errors.New("connection reset by peer")
}

// TestResendUnderTheSameKeyPostsOnce sends a message whose answer is lost
// after Discord took it, then sends it again under the same key from a
// new adapter (a restarted process, with no memory of the parts it
// posted): every part carries its nonce with enforce_nonce, and Discord
// returns the messages it has instead of posting them twice.
func TestResendUnderTheSameKeyPostsOnce(t *testing.T) {
	t.Parallel()
	hs := start(t, discordtest.Config{}, func(c *Config) {
		c.HTTPClient = &http.Client{Transport: &loseAnswer{n: 2}, Timeout: waitFor}
	}, nil)
	text := strings.Repeat("a", 1500) + "\n" + strings.Repeat("b", 1500) + "\n" + strings.Repeat("c", 1500)
	chart := &bot.Attachment{Name: "chart.png", ContentType: "image/png", Data: []byte("png")}
	out := bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Message: bot.Message{Text: text, Attachment: chart},
		Key: "0123456789abcdef0123"}
	if _, err := hs.ad.Send(ctxFor(t), out); err == nil {
		t.Fatal("first try with the second answer lost: no error")
	}
	restarted, err := New(Config{Token: hs.f.Token(), ApplicationID: discordtest.AppID, APIBase: hs.f.URL(),
		Guilds: []string{guild}, HouseChannels: map[string]string{guild: general}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := restarted.Send(ctxFor(t), out)
	if err != nil {
		t.Fatal(err)
	}
	if first := wantPartsOnce(t, hs.f, ref); len(first.Attachments) != 1 {
		t.Errorf("the first part has %d files, want the chart", len(first.Attachments))
	}
	var nonces []string
	for _, c := range hs.f.CallsTo(discordtest.RouteCreateMessage) {
		var b struct {
			Nonce   string `json:"nonce"`
			Enforce bool   `json:"enforce_nonce"`
		}
		if err := c.Decode(&b); err != nil || !b.Enforce {
			t.Fatalf("create %s without enforce_nonce: %s", c.Path, c.Body)
		}
		nonces = append(nonces, b.Nonce)
	}
	// The first try posted a and b (b's answer lost); the resend posted
	// a, b and c, each under its part's nonce.
	want := "0123456789abcdef0123 0123456789abcdef0123.1 0123456789abcdef0123 0123456789abcdef0123.1 0123456789abcdef0123.2"
	if strings.Join(nonces, " ") != want {
		t.Errorf("nonces = %v, want %s", nonces, want)
	}
}

// TestSendClassifiesClientErrors: every 4xx but 429 and 401 is final
// (bot.ErrUndeliverable), so the outbox quarantines the message instead of
// retrying it; a refused token is the bot's trouble and is not.
func TestSendClassifiesClientErrors(t *testing.T) {
	t.Parallel()
	hs := start(t, discordtest.Config{}, nil, nil)
	post := bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Message: bot.Message{Text: "hello"}}
	for _, tc := range []struct {
		fault   discordtest.Fault
		undeliv bool
	}{
		{discordtest.APIError(http.StatusBadRequest, 50035, "Invalid Form Body"), true},
		{discordtest.APIError(http.StatusForbidden, 50001, "Missing Access"), true},
		{discordtest.APIError(http.StatusNotFound, 10003, "Unknown Channel"), true},
		{discordtest.APIError(http.StatusConflict, 0, "Conflict"), true},
		{discordtest.APIError(http.StatusRequestEntityTooLarge, 40005, "Request entity too large"), true},
		{discordtest.APIError(http.StatusUnauthorized, 0, "401: Unauthorized"), false},
	} {
		t.Run(fmt.Sprint(tc.fault.Status), func(t *testing.T) {
			hs.f.FailNext(discordtest.RouteCreateMessage, 1, tc.fault)
			_, err := hs.ad.Send(ctxFor(t), post)
			if err == nil {
				t.Fatal("no error")
			}
			var re *bot.RetryError
			if errors.Is(err, bot.ErrUndeliverable) != tc.undeliv || errors.As(err, &re) {
				t.Errorf("HTTP %d: %v; want undeliverable %v and no retry error", tc.fault.Status, err, tc.undeliv)
			}
		})
	}
}

// dropPosts fails every message post with a network error, as a dropped
// connection does; everything else passes.
type dropPosts struct{}

func (dropPosts) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages") {
		return nil, errors.New("connection reset by peer")
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestNetworkErrorNamesNoChannel: a DM that fails on the network is
// retried, and neither the reason kept for the operator nor the sender's
// log holds the DM channel's id, which the request URL carries.
func TestNetworkErrorNamesNoChannel(t *testing.T) {
	t.Parallel()
	hs := start(t, discordtest.Config{}, func(c *Config) {
		c.HTTPClient = &http.Client{Transport: dropPosts{}, Timeout: waitFor}
	}, nil)
	clock := bottest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	ob := bottest.NewOutbox(&bot.OutboxMessage{ID: 1, HouseID: 1, Platform: Platform, Status: bot.OutboxPending, NextAt: clock.Now(),
		Out: bot.Outgoing{Target: bot.Target{Kind: bot.TargetDM, User: sam}, Message: bot.Message{Text: "How are you?"}}})
	var logs bytes.Buffer // the sender logs within Flush
	s := outbox.NewSender(ob, clock, slog.New(slog.NewTextHandler(&logs, nil)), hs.ad)
	if n, err := s.Flush(ctxFor(t)); err != nil || n != 0 {
		t.Fatalf("flush = %d, %v; want nothing sent", n, err)
	}
	dm := hs.f.DMChannel(sam)
	if dm == "" {
		t.Fatal("no DM channel was opened")
	}
	m := ob.Message(1)
	if m.Status != bot.OutboxPending || !strings.Contains(m.LastError, `/api/v9/channels/{id}/messages"`) || !strings.Contains(m.LastError, "connection reset by peer") {
		t.Errorf("after a network error: status %s, reason %q; want a retry, with the route and the cause", m.Status, m.LastError)
	}
	if strings.Contains(m.LastError, dm) || strings.Contains(m.LastError, "http://") {
		t.Errorf("reason %q names the DM channel %s or its URL", m.LastError, dm)
	}
	if !strings.Contains(logs.String(), "send failed; will retry") {
		t.Fatalf("the sender logged no retry:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), dm) {
		t.Errorf("the log names the DM channel %s:\n%s", dm, logs.String())
	}
}

// The cache of channels and threads is bounded; a thread it forgot is found
// again, so replies still go in it.
func TestThreadCacheIsBounded(t *testing.T) {
	hs := start(t, discordtest.Config{}, nil, func(a *Adapter) {
		a.channels = kit.NewTTLMap[channelInfo](channelTTL, 1)
	})
	ctx := ctxFor(t)
	reply := func(parent bot.MessageRef, text string) {
		t.Helper()
		ref, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Thread: parent, ThreadName: "Check-ins", Message: bot.Message{Text: text}})
		if err != nil {
			t.Fatal(err)
		}
		if ref.Channel != parent.ID {
			t.Errorf("%q went to channel %s, want the thread %s", text, ref.Channel, parent.ID)
		}
	}
	var prompts []bot.MessageRef
	for _, text := range []string{"Prompt 1", "Prompt 2"} {
		p, err := hs.ad.Send(ctx, bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Message: bot.Message{Text: text}})
		if err != nil {
			t.Fatal(err)
		}
		prompts = append(prompts, p)
		reply(p, "Robin checked in")
	}
	if n := hs.ad.channels.Len(); n > 1 {
		t.Errorf("channels cached = %d, want at most the limit, 1", n)
	}
	reply(prompts[0], "Sam checked in") // forgotten: Discord says the thread exists
	if got := hs.f.Messages(prompts[0].ID); len(got) != 2 {
		t.Errorf("first thread holds %d messages, want 2", len(got))
	}
	if starts := len(hs.f.CallsTo(discordtest.RouteStartThread)); starts != 3 {
		t.Errorf("thread starts = %d, want 3 (two new, one found again)", starts)
	}
}
