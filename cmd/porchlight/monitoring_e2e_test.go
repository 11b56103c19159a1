package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/discord/discordtest"
)

// listenAddrRE finds the health listener's address in the log.
var listenAddrRE = regexp.MustCompile(`health and metrics listening.*addr=([0-9.]+:[0-9]+)`)

// get fetches url and returns its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// answersWith polls url until its status is want and its body holds every
// one of holds, and returns the body.
func answersWith(t *testing.T, url string, want int, holds ...string) string {
	t.Helper()
	var body string
	eventually(t, fmt.Sprintf("GET %s to answer %d with %q", url, want, holds), func() bool {
		var status int
		status, body = get(t, url)
		ok := status == want
		for _, h := range holds {
			ok = ok && strings.Contains(body, h)
		}
		return ok
	})
	return body
}

// TestMonitoringOnDiscord runs the bot with [http] listen against the
// Discord fake: /healthz answers, /readyz and porchlight_adapter_connected
// follow the gateway as the fake drops the bot and refuses it, and the
// counters see the events and the messages of a round.
func TestMonitoringOnDiscord(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	d := newDiscordRestart(t)
	d.cfgPath, d.dbPath = restartConfig(t,
		fmt.Sprintf("[http]\nlisten = \"127.0.0.1:0\"\n\n[discord]\napplication_id = %q\napi_base = %q", discordtest.AppID, d.f.URL()),
		fmt.Sprintf("platform = \"discord\"\nguild = %q\nchannel = %q\noperators = [\"1400000000000000009\"]", discordtest.GuildID, discordtest.ChannelGeneral))
	logs, stop, advance := d.start(1)
	defer stop()
	var base string
	for ctx := e2eCtx(t); base == ""; {
		if m := listenAddrRE.FindStringSubmatch(logs.String()); m != nil {
			base = "http://" + m[1]
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("the log never says where health and metrics listen")
		case <-time.After(20 * time.Millisecond):
		}
	}
	if status, body := get(t, base+"/healthz"); status != 200 || body != "ok\n" {
		t.Fatalf("/healthz = %d %q", status, body)
	}
	answersWith(t, base+"/readyz", 200, "ok")

	d.joinAndOpenRound(advance)
	answersWith(t, base+"/metrics", 200,
		`porchlight_build_info{goversion="go`,
		`porchlight_adapter_connected{platform="discord"} 1`,
		`porchlight_inbound_events_total{kind="command",platform="discord"} 1`,
		`porchlight_inbound_events_total{kind="action",platform="discord"} 1`,
		`porchlight_handler_seconds_count 2`,
		`porchlight_messages_sent_total{kind="channel",platform="discord"} 1`,
		"porchlight_outbox_pending 0",
		"porchlight_outbox_failed 0",
		"porchlight_crisis_alerts_unacknowledged 0",
		"porchlight_database_up 1",
		"porchlight_database_wal_bytes ",
		"porchlight_database_checkpoint_failures_total 0",
		"porchlight_database_wal_truncations_total 0",
	)

	// An outage: the connection drops and the gateway refuses the bot.
	d.f.RefuseGateway(true)
	d.f.DropConnections()
	body := answersWith(t, base+"/readyz", 503, "discord: not connected")
	if strings.Contains(body, "database") || strings.Contains(body, "outbox") {
		t.Errorf("/readyz during the outage = %q, want only the adapter named", body)
	}
	answersWith(t, base+"/metrics", 200, `porchlight_adapter_connected{platform="discord"} 0`)
	if status, _ := get(t, base+"/healthz"); status != 200 {
		t.Errorf("/healthz during the outage = %d, want 200: the process is alive", status)
	}

	// The gateway is back: discordgo reconnects on its own.
	d.f.RefuseGateway(false)
	answersWith(t, base+"/readyz", 200, "ok")
	answersWith(t, base+"/metrics", 200, `porchlight_adapter_connected{platform="discord"} 1`)

	// The healthcheck subcommand asks the same listener.
	addr := strings.TrimPrefix(base, "http://")
	var out strings.Builder
	code := run(context.Background(), []string{"healthcheck", "--addr", addr, "--ready"}, nil, &out, io.Discard, func(string) string { return "" })
	if code != exitOK || out.String() != "ok\n" {
		t.Errorf("healthcheck --ready = %d %q, want 0 ok", code, out.String())
	}
}
