package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/adapters/discord/discordtest"
	"github.com/porchlight/porchlight/bot"
)

// discordBody is the part of a message or interaction response body the
// end-to-end test reads.
type discordBody struct {
	Type       int              `json:"type"`
	Content    string           `json:"content"`
	Flags      int              `json:"flags"`
	Components []discordRowJSON `json:"components"`
	Data       struct {
		Content    string           `json:"content"`
		Flags      int              `json:"flags"`
		CustomID   string           `json:"custom_id"`
		Components []discordRowJSON `json:"components"`
	} `json:"data"`
}

type discordRowJSON struct {
	Type       int `json:"type"`
	Components []struct {
		CustomID string `json:"custom_id"`
		Label    string `json:"label"`
		Value    string `json:"value"`
	} `json:"components"`
	// Component is what a modal's Label holds.
	Component *struct {
		Type     int    `json:"type"`
		CustomID string `json:"custom_id"`
		Value    string `json:"value"`
		Options  []struct {
			Value   string `json:"value"`
			Default bool   `json:"default"`
		} `json:"options"`
	} `json:"component"`
}

// customID returns the first custom id in rows that matches pattern.
func (b discordBody) customID(rows []discordRowJSON, pattern string) string {
	re := regexp.MustCompile(`^(?:[0-9]+\|)?` + pattern + `$`)
	for _, r := range rows {
		for _, c := range r.Components {
			if re.MatchString(c.CustomID) {
				return c.CustomID
			}
		}
	}
	return ""
}

func decodeDiscord(t *testing.T, c discordtest.Call) discordBody {
	t.Helper()
	var b discordBody
	if err := json.Unmarshal(c.Body, &b); err != nil {
		t.Fatalf("decode %s: %v", c.Route, err)
	}
	return b
}

func TestDiscordEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	const operator = "1400000000000000009"
	robin := discordtest.UserRobin
	// The fake's clock is the bot's test clock, so that the activity
	// below is in the future for its scheduled event too.
	start, _ := time.Parse(time.RFC3339, e2eStart)
	f := discordtest.NewServer(t, discordtest.Config{Token: "Bot " + fakeDiscordToken, Now: func() time.Time { return start }})

	dir := t.TempDir()
	dbPath := filepath.Join(dir, "porchlight.db")
	cfgPath := filepath.Join(dir, "porchlight.toml")
	config := fmt.Sprintf(`
[storage]
path = %q

[log]
level = "debug"

[discord]
application_id = %q
api_base = %q

[[house]]
name = "Maple House"
timezone = "America/Chicago"
platform = "discord"
guild = %q
channel = %q
operators = [%q]

[house.checkin]
schedule = [%q]
window = "1h"
reminder_after = "30m"
`, dbPath, discordtest.AppID, f.URL(), discordtest.GuildID, discordtest.ChannelGeneral, operator, e2eCheckin)
	if err := os.WriteFile(cfgPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}

	logs, stop, advance := startPorchlight(t, cfgPath, "PORCHLIGHT_DISCORD_TOKEN="+fakeDiscordToken)

	// The commands are registered in the house's guild once connected.
	if _, err := f.WaitCall(e2eCtx(t), func(c discordtest.Call) bool {
		return c.Route == discordtest.RouteGuildCommands && c.Status == 200
	}); err != nil {
		t.Fatal(err)
	}
	answer := func(id string) discordBody {
		t.Helper()
		c, err := f.WaitCall(e2eCtx(t), func(c discordtest.Call) bool {
			return c.Route == discordtest.RouteInteractionCallback && c.Params["interaction_id"] == id
		})
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != 204 {
			t.Fatalf("callback refused (%d): %s", c.Status, c.Body)
		}
		return decodeDiscord(t, c)
	}

	// /join: the consent text comes back privately, with an agree button.
	join, err := f.DispatchCommand(discordtest.Command{Name: "join", UserID: robin})
	if err != nil {
		t.Fatal(err)
	}
	consent := answer(join.ID)
	if consent.Type != 4 || consent.Data.Flags != 64 || !strings.Contains(consent.Data.Content, "Do you agree?") {
		t.Fatalf("join answer = type %d flags %d %q", consent.Type, consent.Data.Flags, consent.Data.Content)
	}
	agree := consent.customID(consent.Data.Components, "join:accept")
	if agree == "" {
		t.Fatalf("no agree button in %+v", consent.Data.Components)
	}
	press, err := f.DispatchComponent(discordtest.ComponentPress{CustomID: agree, UserID: robin})
	if err != nil {
		t.Fatal(err)
	}
	if w := answer(press.ID); !strings.Contains(w.Data.Content, "Welcome") {
		t.Errorf("agree answer = %q, want a welcome", w.Data.Content)
	}

	// No check-in is due on the test clock yet. Moved past 14:00, the
	// scheduled check-in prompt appears in the house channel.
	for _, m := range f.Messages(discordtest.ChannelGeneral) {
		if strings.Contains(string(m.Components), "checkin:open:") {
			t.Fatalf("a check-in prompt before its time: %s", m.Components)
		}
	}
	advance(2 * time.Minute)
	var openID string
	post, err := f.WaitCall(e2eCtx(t), func(c discordtest.Call) bool {
		if c.Route != discordtest.RouteCreateMessage || c.Status != 200 || c.Params["channel_id"] != discordtest.ChannelGeneral {
			return false
		}
		var b discordBody
		if json.Unmarshal(c.Body, &b) != nil {
			return false
		}
		openID = b.customID(b.Components, `checkin:open:[0-9]+`)
		return openID != ""
	})
	if err != nil {
		t.Fatal(err)
	}
	prompt := decodeDiscord(t, post)
	if !strings.Contains(prompt.Content, "<t:") {
		t.Errorf("prompt %q has no Discord timestamp", prompt.Content)
	}
	roundID, _ := strconv.ParseInt(openID[strings.LastIndex(openID, ":")+1:], 10, 64)
	var msgID string
	for _, m := range f.Messages(discordtest.ChannelGeneral) {
		if strings.Contains(string(m.Components), `"`+openID+`"`) {
			msgID = m.ID
			break
		}
	}
	if msgID == "" {
		t.Fatal("the prompt is not stored")
	}

	// Robin presses "Check in": a modal opens.
	open, err := f.DispatchComponent(discordtest.ComponentPress{CustomID: openID, MessageID: msgID, UserID: robin})
	if err != nil {
		t.Fatal(err)
	}
	modal := answer(open.ID)
	if modal.Type != 9 || modal.Data.CustomID != fmt.Sprintf("checkin:%d", roundID) || len(modal.Data.Components) != 5 {
		t.Fatalf("press answer = type %d %q with %d inputs, want the check-in modal", modal.Type, modal.Data.CustomID, len(modal.Data.Components))
	}

	// Robin submits it and gets an ephemeral confirmation.
	submit, err := f.DispatchModalSubmit(discordtest.ModalSubmit{CustomID: modal.Data.CustomID, MessageID: msgID, UserID: robin, Values: []discordtest.TextValue{
		{CustomID: bot.QMood, Value: "4"},
		{CustomID: "win", Value: "Went to a meeting"},
		{CustomID: "hard", Value: ""},
		{CustomID: bot.QReachOut, Value: "no"},
		{CustomID: bot.QVisibility, Value: "private"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	confirm := answer(submit.ID)
	if confirm.Type != 4 || confirm.Data.Flags != 64 || !strings.Contains(confirm.Data.Content, "checked in") {
		t.Fatalf("submit answer = type %d flags %d %q, want an ephemeral confirmation", confirm.Type, confirm.Data.Flags, confirm.Data.Content)
	}

	// The operator posts a weekly activity through the form: seven
	// questions, so two modal pages with a Continue button between, the
	// repeat choice a select.
	f.AddUser(discordtest.User{ID: operator, Username: "olive", GlobalName: "Olive"})
	f.AddMember(discordtest.Member{GuildID: discordtest.GuildID, UserID: operator})
	add, err := f.DispatchCommand(discordtest.Command{Name: "activity", UserID: operator, Options: []discordtest.Option{{Name: "add", Type: discordtest.OptionSubCommand}}})
	if err != nil {
		t.Fatal(err)
	}
	page := answer(add.ID)
	if page.Type != 9 || page.Data.CustomID != "activity:new" || len(page.Data.Components) != 5 || page.Data.Components[0].Type != 18 {
		t.Fatalf("/activity add answer = type %d %q with %d components, want the first modal page of Labels", page.Type, page.Data.CustomID, len(page.Data.Components))
	}
	sub1, err := f.DispatchModalSubmit(discordtest.ModalSubmit{CustomID: "activity:new", UserID: operator, Values: []discordtest.TextValue{
		{CustomID: "title", Value: "Movie night"}, {CustomID: "when", Value: "fri 19:00"}, {CustomID: "place", Value: "Living room"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	saved := answer(sub1.ID)
	cont := saved.customID(saved.Data.Components, "form:continue")
	if cont == "" {
		t.Fatalf("first page answer = %q, want a Continue button", saved.Data.Content)
	}
	next, err := f.DispatchComponent(discordtest.ComponentPress{CustomID: cont, UserID: operator})
	if err != nil {
		t.Fatal(err)
	}
	page = answer(next.ID)
	if page.Type != 9 || len(page.Data.Components) != 2 || page.Data.Components[1].Component == nil || page.Data.Components[1].Component.Type != 3 {
		t.Fatalf("second page = type %d %+v, want capacity and the repeat select", page.Type, page.Data.Components)
	}
	sub2, err := f.DispatchModalSubmit(discordtest.ModalSubmit{CustomID: "activity:new", UserID: operator, Values: []discordtest.TextValue{
		{CustomID: "capacity", Value: "6"}, {CustomID: "repeat", Value: "weekly"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if done := answer(sub2.ID); !strings.Contains(done.Data.Content, "Posted **Movie night**") {
		t.Fatalf("activity form answer = %q", done.Data.Content)
	}
	if _, err := f.WaitCall(e2eCtx(t), func(c discordtest.Call) bool {
		if c.Route != discordtest.RouteCreateMessage || c.Params["channel_id"] != discordtest.ChannelGeneral {
			return false
		}
		var b discordBody
		_ = json.Unmarshal(c.Body, &b)
		return strings.Contains(b.Content, "Movie night") && strings.Contains(b.Content, ":R>") && strings.Contains(b.Content, "Every week")
	}); err != nil {
		t.Fatalf("no activity post with a relative time: %v", err)
	}
	// It is mirrored to the server's Events, linking back to the post.
	if _, err := f.WaitCall(e2eCtx(t), func(c discordtest.Call) bool {
		return c.Route == discordtest.RouteCreateEvent && c.Status == 200
	}); err != nil {
		t.Fatalf("no scheduled event: %v", err)
	}
	events := f.ScheduledEvents(discordtest.GuildID)
	if len(events) != 1 || events[0].Name != "Movie night" || events[0].Place != "Living room" ||
		!strings.Contains(events[0].Description, "https://discord.com/channels/"+discordtest.GuildID+"/"+discordtest.ChannelGeneral+"/") ||
		events[0].End.Sub(events[0].Start) != 2*time.Hour {
		t.Errorf("scheduled events = %+v, want the movie night, linking to its post", events)
	}

	// Sam joins and checks in by DM, a conversation. A line of danger in
	// the middle gets the crisis reply, privately, with its buttons; the
	// next line answers the next question, and the check-in completes.
	sam := discordtest.UserSam
	join, err = f.DispatchCommand(discordtest.Command{Name: "join", UserID: sam})
	if err != nil {
		t.Fatal(err)
	}
	consent = answer(join.ID)
	press, err = f.DispatchComponent(discordtest.ComponentPress{CustomID: consent.customID(consent.Data.Components, "join:accept"), UserID: sam})
	if err != nil {
		t.Fatal(err)
	}
	if w := answer(press.ID); !strings.Contains(w.Data.Content, "Welcome") {
		t.Fatalf("Sam's agree answer = %q, want a welcome", w.Data.Content)
	}
	samDM := f.DMChannel(sam)
	// dmReply waits for the bot's DM to Sam holding want.
	dmReply := func(want string) discordBody {
		t.Helper()
		c, err := f.WaitCall(e2eCtx(t), func(c discordtest.Call) bool {
			return c.Route == discordtest.RouteCreateMessage && c.Params["channel_id"] == samDM && strings.Contains(string(c.Body), want)
		})
		if err != nil {
			t.Fatalf("no DM to Sam holding %q: %v", want, err)
		}
		return decodeDiscord(t, c)
	}
	for _, step := range dmCheckinWithDanger {
		if _, err := f.DispatchMessage(discordtest.IncomingMessage{UserID: sam, InDM: true, Content: step.say}); err != nil {
			t.Fatal(err)
		}
		dmReply(step.want)
	}
	offer := dmReply("Would you like someone from the house to reach out?")
	if offer.customID(offer.Components, "crisis:alert:[0-9]+") == "" {
		t.Errorf("the crisis reply has no offer button: %+v", offer.Components)
	}

	// The answers are in the database, and neither they nor the token are
	// in the log.
	stop()
	checkE2EAnswers(t, logs.String(), dbPath, "discord", robin, sam, roundID, fakeDiscordToken)
}
