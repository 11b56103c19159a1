package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/discord/discordtest"
	slackadapter "github.com/porchlight/porchlight/adapters/slack"
	"github.com/porchlight/porchlight/adapters/slack/slacktest"
	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/config"
)

func TestCrashDiscord(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary, and kills it")
	}
	f := discordtest.NewServer(t, discordtest.Config{Token: "Bot " + fakeDiscordToken})
	p := &crashDiscord{f: f, old: map[string]bool{}}
	f.AddUser(discordtest.User{ID: crashDiscordThird, Username: "kai"})
	f.AddMember(discordtest.Member{GuildID: discordtest.GuildID, UserID: crashDiscordThird})
	f.AddUser(discordtest.User{ID: crashDiscordMentor, Username: "morgan"})
	runCrash(t, p, newVirtualClock(e2eCheckinAt(t).Add(-2*time.Minute)))
}

func TestCrashSlack(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary, and kills it")
	}
	clock := newVirtualClock(e2eCheckinAt(t).Add(-2 * time.Minute))
	var scopes []string
	for _, s := range slackadapter.BotScopes(slackadapter.Features{}) {
		scopes = append(scopes, s.Name)
	}
	// The fake grants only the manifest's scopes, and stamps messages with
	// the bot's clock.
	srv := slacktest.New(slacktest.Config{Now: clock.Now, Scopes: scopes, Unlimited: true}) // limits: adapters/slack pace_test.go
	t.Cleanup(srv.Close)
	p := &crashSlack{srv: srv, views: map[string]string{}, old: map[string]bool{}}
	for i, u := range p.residents() {
		srv.AddUser(slacktest.User{ID: u, Name: []string{"robin", "sam", "kai"}[i]})
	}
	srv.AddUser(slacktest.User{ID: p.mentor(), Name: "morgan"})
	runCrash(t, p, clock)
}

// Discord users beside the fake's Robin and Sam.
const (
	crashDiscordThird  = "1400000000000000003"
	crashDiscordMentor = "1400000000000000009"
)

// crashDiscord drives the fake Discord.
type crashDiscord struct {
	f *discordtest.Server
	// old holds the ids of the messages before the rounds.
	old map[string]bool
}

func (*crashDiscord) name() string { return "discord" }

func (p *crashDiscord) setup(*testing.T) (string, string, []string) {
	return fmt.Sprintf("[discord]\napplication_id = %q\napi_base = %q", discordtest.AppID, p.f.URL()),
		fmt.Sprintf("platform = \"discord\"\nguild = %q\nchannel = %q", discordtest.GuildID, discordtest.ChannelGeneral),
		[]string{config.EnvDiscordToken + "=" + fakeDiscordToken}
}

func (p *crashDiscord) connected(t *testing.T, n int) {
	t.Helper()
	if _, err := p.f.WaitCalls(e2eCtx(t), n, func(c discordtest.Call) bool {
		return c.Route == discordtest.RouteGuildCommands && c.Status == 200
	}); err != nil {
		t.Fatal(err)
	}
	// The killed process's session must be seen dead first: Discord sends
	// a session's events to it until then, and they would be lost.
	eventually(t, "one live gateway session", func() bool { return p.f.Connected() == 1 })
}

func (*crashDiscord) residents() []string {
	return []string{discordtest.UserRobin, discordtest.UserSam, crashDiscordThird}
}

func (*crashDiscord) mentor() string { return crashDiscordMentor }

// callback waits for the interaction's callback.
func (p *crashDiscord) callback(t *testing.T, id string) discordBody {
	t.Helper()
	c, err := p.f.WaitCall(e2eCtx(t), func(c discordtest.Call) bool {
		return c.Route == discordtest.RouteInteractionCallback && c.Params["interaction_id"] == id
	})
	if err != nil {
		t.Fatal(err)
	}
	return decodeDiscord(t, c)
}

func (p *crashDiscord) join(t *testing.T, user string) {
	t.Helper()
	join, err := p.f.DispatchCommand(discordtest.Command{Name: "join", UserID: user})
	if err != nil {
		t.Fatal(err)
	}
	consent := p.callback(t, join.ID)
	press, err := p.f.DispatchComponent(discordtest.ComponentPress{CustomID: consent.customID(consent.Data.Components, "join:accept"), UserID: user})
	if err != nil {
		t.Fatal(err)
	}
	if w := p.callback(t, press.ID); !strings.Contains(w.Data.Content, "Welcome") {
		t.Fatalf("%s's agree answer = %q, want a welcome", user, w.Data.Content)
	}
}

// botMessages returns the bot's own lasting messages (not interaction
// answers) in
// the house channel and the DMs of the residents and the mentor.
func (p *crashDiscord) botMessages() []discordtest.Message {
	var out []discordtest.Message
	chans := []string{discordtest.ChannelGeneral, p.f.DMChannel(p.mentor())}
	for _, u := range p.residents() {
		chans = append(chans, p.f.DMChannel(u))
	}
	for _, ch := range chans {
		for _, m := range p.f.Messages(ch) {
			// Ephemeral messages (flag 64) are private answers to an
			// interaction, not outbox messages.
			if m.AuthorID == discordtest.AppID && m.InteractionID == "" && m.Flags&64 == 0 && !p.old[m.ID] {
				out = append(out, m)
			}
		}
	}
	return out
}

func (p *crashDiscord) baseline() {
	for _, m := range p.botMessages() {
		p.old[m.ID] = true
	}
}

func (p *crashDiscord) prompts() []crashPrompt {
	var out []crashPrompt
	for _, m := range p.botMessages() {
		if r := roundOf(string(m.Components)); r != 0 && m.ChannelID == discordtest.ChannelGeneral {
			out = append(out, crashPrompt{round: r, ref: m.ID})
		}
	}
	return out
}

func (p *crashDiscord) reminders(round int64) int {
	n := 0
	for _, m := range p.botMessages() {
		if m.ChannelID != discordtest.ChannelGeneral && strings.Contains(m.Content, "gentle nudge") && roundOf(string(m.Components)) == round {
			n++
		}
	}
	return n
}

func (p *crashDiscord) reminderSent(t *testing.T, round int64, n int) {
	t.Helper()
	open := fmt.Sprintf("checkin:open:%d\"", round)
	if _, err := p.f.WaitCalls(e2eCtx(t), n, func(c discordtest.Call) bool {
		return c.Route == discordtest.RouteCreateMessage && c.Status == 200 && strings.Contains(string(c.Body), "gentle nudge") && strings.Contains(string(c.Body), open)
	}); err != nil {
		t.Fatal(err)
	}
}

func (*crashDiscord) prepare(*testing.T, int64) {}

func (p *crashDiscord) submit(t *testing.T, round int64, user string) string {
	t.Helper()
	msg := promptRef(p, round)
	in, err := p.f.DispatchModalSubmit(discordtest.ModalSubmit{CustomID: fmt.Sprintf("checkin:%d", round), MessageID: msg, UserID: user, Values: []discordtest.TextValue{
		{CustomID: bot.QMood, Value: "4"},
		{CustomID: "win", Value: "Cooked dinner for the house"},
		{CustomID: "hard", Value: ""},
		{CustomID: bot.QReachOut, Value: "no"},
		{CustomID: bot.QVisibility, Value: "private"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return in.ID
}

func (p *crashDiscord) acked(id string) bool {
	for _, c := range p.f.CallsTo(discordtest.RouteInteractionCallback) {
		// A first answer is "checked in"; an answer sent again after a
		// crash, already saved, is "Updated your check-in".
		body := string(c.Body)
		if c.Params["interaction_id"] == id && c.Status == 204 && (strings.Contains(body, "checked in") || strings.Contains(body, "Updated your check-in")) {
			return true
		}
	}
	return false
}

func (p *crashDiscord) summaries() int {
	n := 0
	for _, m := range p.f.Messages(p.f.DMChannel(p.mentor())) {
		if strings.Contains(m.Content, "Check-in closed") {
			n++
		}
	}
	return n
}

func (p *crashDiscord) check(*testing.T) []string {
	var dups []string
	nonces, texts := map[string]int{}, map[string]int{}
	for _, m := range p.botMessages() {
		if m.Nonce != "" {
			if nonces[m.Nonce]++; nonces[m.Nonce] == 2 {
				dups = append(dups, "nonce "+m.Nonce)
			}
		}
		key := m.ChannelID + " " + m.Content + " " + string(m.Components)
		if texts[key]++; texts[key] == 2 {
			dups = append(dups, fmt.Sprintf("in channel %s: %.60q %s (message %s)", m.ChannelID, m.Content, m.Components, m.ID))
		}
	}
	return dups
}

func (p *crashDiscord) has(ref bot.MessageRef) bool {
	m, ok := p.f.Message(ref.ID)
	return ok && !m.Deleted && m.ChannelID == ref.Channel
}

// crashSlackHouse is the Slack house channel of the crash test.
const crashSlackHouse = "C0HOUSE"

// crashSlack drives the fake Slack.
type crashSlack struct {
	srv *slacktest.Server
	mu  sync.Mutex
	// views maps a round and user ("12 U0001") to the check-in form
	// opened for them.
	views map[string]string
	// old holds the channel and ts of the messages before the rounds.
	old map[string]bool
}

func (*crashSlack) name() string { return "slack" }

func (p *crashSlack) setup(*testing.T) (string, string, []string) {
	return fmt.Sprintf("[slack]\napi_url = %q", p.srv.APIURL()),
		fmt.Sprintf("platform = \"slack\"\nchannel = %q", crashSlackHouse),
		[]string{config.EnvSlackBotToken + "=" + p.srv.BotToken(), config.EnvSlackAppToken + "=" + p.srv.AppToken()}
}

func (p *crashSlack) connected(t *testing.T, n int) {
	t.Helper()
	if err := p.srv.WaitForConnections(e2eCtx(t), n); err != nil {
		t.Fatal(err)
	}
}

func (*crashSlack) residents() []string { return []string{"U0001", "U0002", "U0003"} }

func (*crashSlack) mentor() string { return "U0MENT" }

func (p *crashSlack) join(t *testing.T, user string) {
	t.Helper()
	join, err := p.srv.SendSlashCommand(slacktest.SlashCommand{Command: "/porch-join", UserID: user, ChannelID: crashSlackHouse})
	if err != nil {
		t.Fatal(err)
	}
	ack, err := p.srv.WaitForAck(e2eCtx(t), join.EnvelopeID)
	if err != nil {
		t.Fatal(err)
	}
	press, err := p.srv.SendBlockActions(slacktest.BlockActions{UserID: user, ChannelID: crashSlackHouse, Actions: []slacktest.Action{{ActionID: findActionID(string(ack.Payload), "join:accept")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.srv.WaitForAck(e2eCtx(t), press.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	if _, err := p.srv.WaitForCall(e2eCtx(t), func(c slacktest.Call) bool {
		return c.Method == slacktest.MethodResponseURL && strings.Contains(c.Param("text"), "Welcome to Maple House")
	}); err != nil {
		t.Fatalf("%s did not join: %v", user, err)
	}
}

// botMessages returns the bot's messages that stay (not ephemeral).
func (p *crashSlack) botMessages() []slacktest.Message {
	var out []slacktest.Message
	for _, m := range p.srv.Messages("") {
		if m.BotID != "" && !m.Ephemeral && !p.old[m.Channel+" "+m.TS] {
			out = append(out, m)
		}
	}
	return out
}

func (p *crashSlack) baseline() {
	for _, m := range p.botMessages() {
		p.old[m.Channel+" "+m.TS] = true
	}
}

func (p *crashSlack) prompts() []crashPrompt {
	var out []crashPrompt
	for _, m := range p.botMessages() {
		if r := roundOf(string(m.Blocks)); r != 0 && m.Channel == crashSlackHouse {
			out = append(out, crashPrompt{round: r, ref: m.TS})
		}
	}
	return out
}

func (p *crashSlack) reminders(round int64) int {
	n := 0
	for _, m := range p.botMessages() {
		if m.Channel != crashSlackHouse && strings.Contains(m.Text, "gentle nudge") && roundOf(string(m.Blocks)) == round {
			n++
		}
	}
	return n
}

func (p *crashSlack) reminderSent(t *testing.T, round int64, n int) {
	t.Helper()
	open := fmt.Sprintf("checkin:open:%d\"", round)
	if _, err := p.srv.WaitForCalls(e2eCtx(t), n, func(c slacktest.Call) bool {
		return c.Method == "chat.postMessage" && c.OK() && strings.Contains(c.Param("text"), "gentle nudge") && strings.Contains(c.Param("blocks"), open)
	}); err != nil {
		t.Fatal(err)
	}
}

// prepare opens each resident's check-in form from the round's prompt.
func (p *crashSlack) prepare(t *testing.T, round int64) {
	t.Helper()
	ts := promptRef(p, round)
	var blocks string
	for _, m := range p.srv.Messages(crashSlackHouse) {
		if m.TS == ts {
			blocks = string(m.Blocks)
		}
	}
	open := findActionID(blocks, fmt.Sprintf("checkin:open:%d", round))
	for _, u := range p.residents() {
		press, err := p.srv.SendBlockActions(slacktest.BlockActions{UserID: u, ChannelID: crashSlackHouse, MessageTS: ts, Actions: []slacktest.Action{{ActionID: open, Text: "Check in"}}})
		if err != nil {
			t.Fatal(err)
		}
		c, err := p.srv.WaitForCall(e2eCtx(t), func(c slacktest.Call) bool {
			return c.Method == "views.open" && c.OK() && c.Param("trigger_id") == press.TriggerID
		})
		if err != nil {
			t.Fatal(err)
		}
		var opened struct {
			View struct {
				ID string `json:"id"`
			} `json:"view"`
		}
		if err := json.Unmarshal(c.Response, &opened); err != nil {
			t.Fatal(err)
		}
		p.mu.Lock()
		p.views[fmt.Sprint(round, " ", u)] = opened.View.ID
		p.mu.Unlock()
	}
}

func (p *crashSlack) submit(t *testing.T, round int64, user string) string {
	t.Helper()
	p.mu.Lock()
	view := p.views[fmt.Sprint(round, " ", user)]
	p.mu.Unlock()
	radio := func(v string) map[string]slacktest.Value {
		return map[string]slacktest.Value{"value": {Type: "radio_buttons", SelectedOption: &slacktest.Option{Value: v}}}
	}
	sent, err := p.srv.SendViewSubmission(slacktest.ViewSubmission{UserID: user, ViewID: view, Values: map[string]map[string]slacktest.Value{
		bot.QMood:       radio("4"),
		"win":           {"value": {Value: "Cooked dinner for the house"}},
		"hard":          {"value": {}},
		bot.QReachOut:   radio("no"),
		bot.QVisibility: radio("private"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	return sent.EnvelopeID
}

func (p *crashSlack) acked(id string) bool {
	for _, a := range p.srv.Acks() {
		if a.EnvelopeID == id && strings.Contains(string(a.Payload), `"clear"`) {
			return true
		}
	}
	return false
}

func (p *crashSlack) summaries() int {
	n := 0
	for _, m := range p.srv.Messages(p.srv.DMChannel(p.mentor())) {
		if strings.Contains(m.Text, "Check-in closed") {
			n++
		}
	}
	return n
}

func (p *crashSlack) check(t *testing.T) []string {
	t.Helper()
	var dups []string
	keys, texts := map[string]int{}, map[string]int{}
	for _, m := range p.botMessages() {
		if len(m.Metadata) > 0 {
			var md struct {
				Payload struct {
					Key  string `json:"key"`
					Part int    `json:"part"`
				} `json:"event_payload"`
			}
			if err := json.Unmarshal(m.Metadata, &md); err != nil {
				t.Fatal(err)
			}
			k := fmt.Sprint(md.Payload.Key, ".", md.Payload.Part)
			if keys[k]++; keys[k] == 2 {
				dups = append(dups, "metadata key "+k)
			}
		}
		key := m.Channel + " " + m.ThreadTS + " " + m.Text
		if texts[key]++; texts[key] == 2 {
			dups = append(dups, fmt.Sprintf("in %s: %.60q", m.Channel, m.Text))
		}
	}
	return dups
}

func (p *crashSlack) has(ref bot.MessageRef) bool {
	for _, m := range p.srv.Messages(ref.Channel) {
		if m.TS == ref.ID && !m.Ephemeral {
			return true
		}
	}
	return false
}
