package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/porchlight/porchlight/adapters/discord/discordtest"
	"github.com/porchlight/porchlight/bot"
)

func TestRegisterCommands(t *testing.T) {
	t.Parallel()
	hs := start(t, discordtest.Config{}, nil, nil)
	hs.f.MustCall(t, discordtest.ByRoute(discordtest.RouteGuildCommands))
	defs := hs.f.Commands(guild)
	byName := map[string]map[string]any{}
	for _, d := range defs {
		byName[d["name"].(string)] = d
	}
	if len(defs) != 3 || byName["checkin"] == nil || byName["partner"] == nil || byName["help"] == nil {
		t.Fatalf("registered %d commands: %v", len(defs), defs)
	}
	var subs []string
	for _, o := range byName["checkin"]["options"].([]any) {
		subs = append(subs, o.(map[string]any)["name"].(string))
	}
	if got, want := strings.Join(subs, ","), "now,pause,answers"; got != want {
		t.Errorf("checkin subcommands = %s, want %s", got, want)
	}
	var opts []string
	for _, o := range byName["partner"]["options"].([]any) {
		m := o.(map[string]any)
		opts = append(opts, fmt.Sprint(m["name"], ":", m["type"]))
	}
	if got, want := strings.Join(opts, ","), "a:6,note:3,weeks:4,notify:5"; got != want {
		t.Errorf("partner options = %s, want %s (required first, typed)", got, want)
	}
	if got := len(hs.f.CallsTo(discordtest.RouteGlobalCommands)); got != 0 {
		t.Errorf("global registrations = %d, want 0", got)
	}

	t.Run("global", func(t *testing.T) {
		t.Parallel()
		hs := start(t, discordtest.Config{}, func(c *Config) { c.GlobalCommands = true }, nil)
		hs.f.MustCall(t, discordtest.ByRoute(discordtest.RouteGlobalCommands))
		if got := len(hs.f.Commands("")); got != 3 {
			t.Errorf("global commands = %d, want 3", got)
		}
	})
}

// jsonRaw passes recorded JSON on as it is.
func jsonRaw(b []byte) json.RawMessage { return json.RawMessage(b) }

func TestSlashCommand(t *testing.T) {
	t.Parallel()
	hs := start(t, discordtest.Config{}, nil, nil)
	hs.h.answer(func(bot.Event) bot.Response {
		return bot.Response{Messages: []bot.Message{
			{Text: "Here is *what* I keep.", Choices: []bot.Choice{{ID: "join:accept", Label: "I agree", Style: bot.StylePrimary}, {ID: "join:decline", Label: "Not now"}}},
			{Text: "And a second message."},
		}}
	})
	sent, err := hs.f.DispatchCommand(discordtest.Command{Name: "partner", Options: []discordtest.Option{
		{Name: "a", Type: discordtest.OptionUser, Value: sam},
		{Name: "weeks", Type: discordtest.OptionInteger, Value: 3},
		{Name: "notify", Type: discordtest.OptionBoolean, Value: true},
	}})
	if err != nil {
		t.Fatal(err)
	}
	ev := hs.h.next(t)
	if ev.Kind != bot.EventCommand || ev.Command == nil {
		t.Fatalf("got %s event, want a command", ev.Kind)
	}
	if ev.ID != sent.ID || ev.Platform != "discord" || ev.User.ID != robin || ev.User.Name != "Robin" ||
		ev.Channel != general || ev.Workspace != guild || ev.DM || ev.FormLimit != 5 {
		t.Errorf("event = %+v", ev)
	}
	want := map[string]string{"a": sam, "weeks": "3", "notify": "true"}
	for k, v := range want {
		if got := ev.Command.Options[k]; got != v {
			t.Errorf("option %s = %q, want %q", k, got, v)
		}
	}
	if ev.Command.Name != "partner" || ev.Command.Sub != "" {
		t.Errorf("command = %+v", ev.Command)
	}
	// The user option's name comes from the interaction's resolved users,
	// so replies can name someone who has not joined.
	if got := ev.Command.Names[sam]; got != "Sam" || len(ev.Command.Names) != 1 {
		t.Errorf("names = %v, want Sam's display name", ev.Command.Names)
	}
	w := decode(t, hs.callback(t, sent.ID))
	if w.Type != 4 || w.Data.Flags != 64 || w.Data.Content != "Here is **what** I keep." {
		t.Errorf("answer = type %d flags %d content %q", w.Type, w.Data.Flags, w.Data.Content)
	}
	if ids := customIDs(w.Data.Components); len(ids) != 2 || ids[0] != "0|join:accept" || ids[1] != "1|join:decline" {
		t.Errorf("buttons = %v", ids)
	}
	fu := hs.f.MustCall(t, discordtest.ByRoute(discordtest.RouteExecuteWebhook))
	if w := decode(t, fu); w.Content != "And a second message." || w.Flags != 64 {
		t.Errorf("follow-up = %q flags %d", w.Content, w.Flags)
	}

	t.Run("subcommand and the bare command", func(t *testing.T) {
		if _, err := hs.f.DispatchCommand(discordtest.Command{Name: "checkin", Options: []discordtest.Option{
			{Name: "pause", Type: discordtest.OptionSubCommand, Options: []discordtest.Option{{Name: "until", Type: discordtest.OptionString, Value: "2026-12-01"}}},
		}}); err != nil {
			t.Fatal(err)
		}
		ev := hs.h.next(t)
		if ev.Command.Name != "checkin" || ev.Command.Sub != "pause" || ev.Command.Options["until"] != "2026-12-01" {
			t.Errorf("command = %+v", ev.Command)
		}
		if _, err := hs.f.DispatchCommand(discordtest.Command{Name: "checkin", Options: []discordtest.Option{
			{Name: "now", Type: discordtest.OptionSubCommand},
		}}); err != nil {
			t.Fatal(err)
		}
		if ev := hs.h.next(t); ev.Command.Name != "checkin" || ev.Command.Sub != "" || ev.Command.Raw != "" {
			t.Errorf("bare command = %+v", ev.Command)
		}
	})

	t.Run("in a DM", func(t *testing.T) {
		if _, err := hs.f.DispatchCommand(discordtest.Command{Name: "help", UserID: sam, InDM: true}); err != nil {
			t.Fatal(err)
		}
		ev := hs.h.next(t)
		if !ev.DM || ev.User.ID != sam || ev.Workspace != "" || ev.User.Name != "Sam" {
			t.Errorf("DM command event = %+v", ev)
		}
	})
}

func TestSlowCoreIsDeferred(t *testing.T) {
	t.Parallel()
	hs := start(t, discordtest.Config{}, nil, func(a *Adapter) { a.ackWithin = 100 * time.Millisecond })
	release := make(chan struct{})
	hs.h.answer(func(bot.Event) bot.Response {
		<-release
		return bot.Response{Messages: []bot.Message{{Text: "Done at last."}, {Text: "And more."}}}
	})
	began := time.Now()
	sent, err := hs.f.DispatchCommand(discordtest.Command{Name: "help"})
	if err != nil {
		t.Fatal(err)
	}
	hs.h.next(t)
	cb := hs.callback(t, sent.ID)
	if d := time.Since(began); d >= 3*time.Second {
		t.Errorf("answered after %v, want under 3 s", d)
	}
	if w := decode(t, cb); w.Type != 5 || w.Data.Flags != 64 || cb.Status != 204 {
		t.Errorf("first answer = type %d flags %d status %d, want deferred ephemeral", w.Type, w.Data.Flags, cb.Status)
	}
	close(release)
	edit := hs.f.MustCall(t, discordtest.ByRoute(discordtest.RouteEditWebhookMessage))
	if edit.Params["message_id"] != "@original" || decode(t, edit).Content != "Done at last." || edit.Status != 200 {
		t.Errorf("late answer = %s %s (status %d)", edit.Params["message_id"], edit.Body, edit.Status)
	}
	fu := hs.f.MustCall(t, discordtest.ByRoute(discordtest.RouteExecuteWebhook))
	if decode(t, fu).Content != "And more." {
		t.Errorf("follow-up = %s", fu.Body)
	}
	if got := len(hs.f.CallsTo(discordtest.RouteInteractionCallback)); got != 1 {
		t.Errorf("callbacks = %d, want 1", got)
	}

	t.Run("a form after deferral becomes a button", func(t *testing.T) {
		release2 := make(chan struct{})
		form := &bot.Form{ID: "checkin:9", Title: "Check-in", Fields: []bot.Field{{ID: "win", Kind: bot.KindText, Label: "A win", MaxLen: 100}}}
		hs.h.answer(func(bot.Event) bot.Response { <-release2; return bot.Response{Form: form} })
		sent, err := hs.f.DispatchComponent(discordtest.ComponentPress{CustomID: "0|checkin:open:9"})
		if err != nil {
			t.Fatal(err)
		}
		hs.h.next(t)
		hs.callback(t, sent.ID)
		close(release2)
		edit := hs.f.MustCall(t, func(c discordtest.Call) bool {
			return c.Route == discordtest.RouteEditWebhookMessage && strings.Contains(string(c.Body), "open the form")
		})
		ids := customIDs(decode(t, edit).Components)
		if len(ids) != 1 || !strings.HasPrefix(ids[0], "~") {
			t.Fatalf("open button ids = %v", ids)
		}
		press, err := hs.f.DispatchComponent(discordtest.ComponentPress{CustomID: ids[0]})
		if err != nil {
			t.Fatal(err)
		}
		if w := decode(t, hs.callback(t, press.ID)); w.Type != 9 || w.Data.CustomID != "checkin:9" {
			t.Errorf("press answer = type %d form %q, want the modal", w.Type, w.Data.CustomID)
		}
	})
}

func TestModalRoundTrip(t *testing.T) {
	t.Parallel()
	hs := start(t, discordtest.Config{}, nil, nil)
	long := "Would you like someone from the house to reach out to you today?"
	form := &bot.Form{ID: "checkin:7", Title: "How are you doing this fine Tuesday evening at the house?", Fields: []bot.Field{
		{ID: bot.QMood, Kind: bot.KindScale, Label: "How are you doing today?", Min: 1, Max: 5, Options: []string{"rough", "low", "okay", "good", "great"}, Required: true},
		{ID: "win", Kind: bot.KindText, Label: "A win since last check-in", MaxLen: 500},
		{ID: "hard", Kind: bot.KindText, Label: "What's hard today?", MaxLen: 80},
		{ID: bot.QReachOut, Kind: bot.KindYesNo, Label: long, Value: "no"},
		{ID: bot.QVisibility, Kind: bot.KindChoice, Label: "Who can see this?", Options: []string{"private", "mentors", "house"}, Required: true, Value: "private"},
	}}
	hs.h.answer(func(ev bot.Event) bot.Response {
		switch ev.Kind {
		case bot.EventAction:
			return bot.Response{Form: form}
		case bot.EventForm:
			if ev.Form.Values["win"] == "" {
				p := form.Prefill(ev.Form.Values)
				return bot.Response{FieldErrors: map[string]string{"win": "\"A win\" needs an answer."}, Reopen: &p}
			}
			return bot.Reply("Thanks, you're checked in.")
		}
		return bot.Response{}
	})
	msg, err := hs.ad.Send(ctxFor(t), bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general},
		Message: bot.Message{Text: "Time to check in", Choices: []bot.Choice{{ID: "checkin:open:7", Label: "Check in", Style: bot.StylePrimary}}}})
	if err != nil {
		t.Fatal(err)
	}
	press, err := hs.f.DispatchComponent(discordtest.ComponentPress{CustomID: "0|checkin:open:7", MessageID: msg.ID, UserID: sam})
	if err != nil {
		t.Fatal(err)
	}
	ev := hs.h.next(t)
	if ev.Kind != bot.EventAction || ev.Action.ID != "checkin:open:7" || ev.Action.Message != msg || ev.User.ID != sam || ev.FormLimit != 5 {
		t.Fatalf("press event = %+v action %+v", ev, ev.Action)
	}
	w := decode(t, hs.callback(t, press.ID))
	if w.Type != 9 || w.Data.CustomID != "checkin:7" || len([]rune(w.Data.Title)) != 45 || len(w.Data.Components) != 5 {
		t.Fatalf("modal = type %d id %q title %q rows %d", w.Type, w.Data.CustomID, w.Data.Title, len(w.Data.Components))
	}
	reach := w.Data.Components[3]
	if len([]rune(reach.Label)) > 45 || reach.Description != long || reach.Component.Type != 3 ||
		len(reach.Component.Options) != 2 || !reach.Component.Options[1].Default || reach.Component.Options[1].Value != "no" {
		t.Errorf("yes/no select with a long question = %+v %+v", reach, reach.Component)
	}
	mood := w.Data.Components[0].Component
	if mood.Type != 3 || !mood.Required || len(mood.Options) != 5 || mood.Options[0].Label != "1 – rough" {
		t.Errorf("mood select = %+v", mood)
	}
	if win := w.Data.Components[1].Component; win.Type != 4 || win.Style != 2 || win.Label != "" {
		t.Errorf("win input = %+v, want a paragraph without a label of its own", win)
	}

	t.Run("field errors reopen the form", func(t *testing.T) {
		sub, err := hs.f.DispatchModalSubmit(discordtest.ModalSubmit{CustomID: "checkin:7", MessageID: msg.ID, UserID: sam, Values: []discordtest.TextValue{
			{CustomID: bot.QMood, Value: "4"}, {CustomID: "win", Value: ""},
		}})
		if err != nil {
			t.Fatal(err)
		}
		ev := hs.h.next(t)
		if ev.Kind != bot.EventForm || ev.Form.ID != "checkin:7" || ev.Form.Values[bot.QMood] != "4" {
			t.Fatalf("submit event = %+v", ev.Form)
		}
		w := decode(t, hs.callback(t, sub.ID))
		if w.Type != 4 || w.Data.Flags != 64 || !strings.Contains(w.Data.Content, "needs an answer") {
			t.Fatalf("error answer = type %d %q", w.Type, w.Data.Content)
		}
		ids := customIDs(w.Data.Components)
		if len(ids) != 1 {
			t.Fatalf("fix button ids = %v", ids)
		}
		fix, err := hs.f.DispatchComponent(discordtest.ComponentPress{CustomID: ids[0], UserID: sam})
		if err != nil {
			t.Fatal(err)
		}
		w = decode(t, hs.callback(t, fix.ID))
		if w.Type != 9 || !w.Data.Components[0].Component.Options[3].Default {
			t.Errorf("reopened modal = type %d %+v", w.Type, w.Data.Components)
		}
	})

	t.Run("a good submit gets an ephemeral confirmation", func(t *testing.T) {
		sub, err := hs.f.DispatchModalSubmit(discordtest.ModalSubmit{CustomID: "checkin:7", MessageID: msg.ID, UserID: sam, Values: []discordtest.TextValue{
			{CustomID: bot.QMood, Value: "4"}, {CustomID: "win", Value: "Went to a meeting"},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if ev := hs.h.next(t); ev.Form.Values["win"] != "Went to a meeting" {
			t.Errorf("values = %v", ev.Form.Values)
		}
		w := decode(t, hs.callback(t, sub.ID))
		if w.Type != 4 || w.Data.Flags != 64 || w.Data.Content != "Thanks, you're checked in." {
			t.Errorf("confirmation = type %d flags %d %q", w.Type, w.Data.Flags, w.Data.Content)
		}
	})
}

func TestSelectAndQuietPress(t *testing.T) {
	t.Parallel()
	hs := start(t, discordtest.Config{}, nil, nil)
	sel, err := hs.f.DispatchComponent(discordtest.ComponentPress{CustomID: "0|form:answer", ComponentType: discordtest.ComponentStringSelect, Values: []string{"4"}})
	if err != nil {
		t.Fatal(err)
	}
	ev := hs.h.next(t)
	if ev.Action.ID != "form:answer" || ev.Action.Value != "4" {
		t.Errorf("select action = %+v", ev.Action)
	}
	if w := decode(t, hs.callback(t, sel.ID)); w.Type != 6 {
		t.Errorf("quiet answer type = %d, want 6 (deferred update)", w.Type)
	}
	btn, err := hs.f.DispatchComponent(discordtest.ComponentPress{CustomID: "3|form:answer|yes"})
	if err != nil {
		t.Fatal(err)
	}
	if ev := hs.h.next(t); ev.Action.ID != "form:answer" || ev.Action.Value != "yes" {
		t.Errorf("button with value = %+v", ev.Action)
	}
	hs.callback(t, btn.ID)
	gone, err := hs.f.DispatchComponent(discordtest.ComponentPress{CustomID: "~1.1"})
	if err != nil {
		t.Fatal(err)
	}
	if w := decode(t, hs.callback(t, gone.ID)); w.Type != 4 || !strings.Contains(w.Data.Content, "expired") {
		t.Errorf("expired button answer = %d %q", w.Type, w.Data.Content)
	}
	// The core never sees an expired button, so its notice is in the
	// language of the person's Discord app.
	hs.f.AddUser(discordtest.User{ID: discordtest.UserRobin, Username: "robin", GlobalName: "Robin", Locale: "es-419"})
	gone, err = hs.f.DispatchComponent(discordtest.ComponentPress{CustomID: "~1.2"})
	if err != nil {
		t.Fatal(err)
	}
	if w := decode(t, hs.callback(t, gone.ID)); w.Type != 4 || w.Data.Content != "Ese botón ya venció. Empieza de nuevo, por favor." {
		t.Errorf("expired button answer in Spanish = %d %q", w.Type, w.Data.Content)
	}
	hs.h.quiet(t, hs)
}

func TestDirectMessages(t *testing.T) {
	t.Parallel()
	hs := start(t, discordtest.Config{}, nil, nil)
	hs.h.answer(func(ev bot.Event) bot.Response {
		if ev.Kind == bot.EventDM {
			return bot.Reply("(2/5) A win since last check-in")
		}
		return bot.Response{}
	})
	id, err := hs.f.DispatchMessage(discordtest.IncomingMessage{UserID: sam, InDM: true, Content: "4"})
	if err != nil {
		t.Fatal(err)
	}
	ev := hs.h.next(t)
	dm := hs.f.DMChannel(sam)
	if ev.Kind != bot.EventDM || ev.ID != id || !ev.DM || ev.Text != "4" || ev.Channel != dm || ev.User.ID != sam || ev.FormLimit != 0 {
		t.Errorf("DM event = %+v", ev)
	}
	c := hs.f.MustCall(t, func(c discordtest.Call) bool {
		return c.Route == discordtest.RouteCreateMessage && c.Params["channel_id"] == dm
	})
	if decode(t, c).Content != "(2/5) A win since last check-in" {
		t.Errorf("DM reply = %s", c.Body)
	}

	t.Run("guild chat is not read without message content", func(t *testing.T) {
		if _, err := hs.f.DispatchMessage(discordtest.IncomingMessage{UserID: robin, Content: "hello all"}); err != nil && !strings.Contains(err.Error(), "session") {
			t.Fatal(err)
		}
		hs.h.quiet(t, hs)
	})
}

func TestReplies(t *testing.T) {
	t.Parallel()
	hs := start(t, discordtest.Config{}, func(c *Config) { c.MessageContent = true }, nil)
	prompt, err := hs.ad.Send(ctxFor(t), bot.Outgoing{Target: bot.Target{Kind: bot.TargetChannel, Channel: general}, Message: bot.Message{Text: "Check-in is open"}})
	if err != nil {
		t.Fatal(err)
	}
	// A resident starts a thread from the prompt; its id is the prompt's.
	hs.f.AddChannel(discordtest.Channel{ID: prompt.ID, Type: discordtest.ChannelTypePublicThread, GuildID: guild, Name: "Check-in", ParentID: general})
	id, err := hs.f.DispatchMessage(discordtest.IncomingMessage{UserID: sam, ChannelID: prompt.ID, Content: "doing a 4 today"})
	if err != nil {
		t.Fatal(err)
	}
	ev := hs.h.next(t)
	if ev.Kind != bot.EventReply || ev.ID != id || ev.Text != "doing a 4 today" || ev.Channel != general ||
		ev.Thread != (bot.MessageRef{Channel: general, ID: prompt.ID}) || ev.DM {
		t.Errorf("reply event = %+v", ev)
	}
	// Chat in the channel itself is not a reply.
	if _, err := hs.f.DispatchMessage(discordtest.IncomingMessage{UserID: sam, Content: "anyone for a walk?"}); err != nil {
		t.Fatal(err)
	}
	hs.h.quiet(t, hs)
}

func TestMemberEvents(t *testing.T) {
	t.Parallel()
	hs := start(t, discordtest.Config{}, nil, nil)
	hs.h.answer(func(ev bot.Event) bot.Response {
		if ev.Kind == bot.EventMemberJoined {
			return bot.Reply("Welcome! Type /help in the house channel.")
		}
		return bot.Response{}
	})
	const jordan = "1400000000000000003"
	if err := hs.f.DispatchMemberAdd(guild, discordtest.User{ID: jordan, Username: "jordan", GlobalName: "Jordan"}); err != nil {
		t.Fatal(err)
	}
	ev := hs.h.next(t)
	if ev.Kind != bot.EventMemberJoined || ev.User.ID != jordan || ev.User.Name != "Jordan" || ev.Workspace != guild || ev.Channel != general || !strings.HasPrefix(ev.ID, "join:") {
		t.Errorf("join event = %+v", ev)
	}
	dm := hs.f.DMChannel(jordan)
	hs.f.MustCall(t, func(c discordtest.Call) bool {
		return c.Route == discordtest.RouteCreateMessage && c.Params["channel_id"] == dm
	})
	if err := hs.f.DispatchMemberRemove(guild, jordan); err != nil {
		t.Fatal(err)
	}
	if ev := hs.h.next(t); ev.Kind != bot.EventMemberLeft || ev.User.ID != jordan {
		t.Errorf("leave event = %+v", ev)
	}

	t.Run("without the Server Members intent", func(t *testing.T) {
		t.Parallel()
		hs := start(t, discordtest.Config{DisallowedIntents: discordtest.IntentGuildMembers}, nil, nil)
		if hs.ad.intents&2 != 0 {
			t.Errorf("intents = %b, want GUILD_MEMBERS dropped", hs.ad.intents)
		}
		if _, err := hs.f.DispatchCommand(discordtest.Command{Name: "help"}); err != nil {
			t.Fatal(err)
		}
		hs.h.next(t)
	})
}

func TestReconnectWithoutDuplicates(t *testing.T) {
	t.Parallel()
	hs := start(t, discordtest.Config{HeartbeatInterval: 100 * time.Millisecond}, nil, nil)
	hs.h.answer(func(bot.Event) bot.Response { return bot.Reply("ok") })
	first, err := hs.f.DispatchCommand(discordtest.Command{Name: "help"})
	if err != nil {
		t.Fatal(err)
	}
	if ev := hs.h.next(t); ev.ID != first.ID {
		t.Fatalf("first event %s, want %s", ev.ID, first.ID)
	}
	hs.callback(t, first.ID)

	// Dropped: discordgo resumes and the fake replays what was missed.
	hs.f.DropConnections()
	missed, err := hs.f.DispatchCommand(discordtest.Command{Name: "help", UserID: sam})
	if err != nil {
		t.Fatal(err)
	}
	if ev := hs.h.next(t); ev.ID != missed.ID {
		t.Fatalf("after resume got %s, want the missed %s", ev.ID, missed.ID)
	}
	hs.callback(t, missed.ID)
	hs.f.MustFrames(t, 1, discordtest.ClientOp(discordtest.OpResume))

	// The same interaction delivered twice is handled once.
	var raw []byte
	for _, fr := range hs.f.Frames() {
		if !fr.FromClient && fr.Type == "INTERACTION_CREATE" && strings.Contains(string(fr.Data), missed.ID) {
			raw = fr.Data
		}
	}
	if err := hs.f.Dispatch("INTERACTION_CREATE", jsonRaw(raw)); err != nil {
		t.Fatal(err)
	}

	// op 7 then op 9: a new READY; events still flow.
	hs.f.Reconnect()
	hs.f.MustFrames(t, 2, discordtest.ClientOp(discordtest.OpResume))
	hs.f.InvalidateSession(false)
	hs.f.MustFrames(t, 2, discordtest.ClientOp(discordtest.OpIdentify))
	deadline := time.Now().Add(waitFor)
	var after discordtest.Interaction
	for {
		after, err = hs.f.DispatchCommand(discordtest.Command{Name: "help"})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if ev := hs.h.next(t); ev.ID != after.ID {
		t.Errorf("after re-identify got %s, want %s (a duplicate was handled?)", ev.ID, after.ID)
	}
	hs.callback(t, after.ID)
	if got := len(hs.f.CallsTo(discordtest.RouteInteractionCallback)); got != 3 {
		t.Errorf("callbacks = %d, want 3", got)
	}
}

func TestPanicsAreRecovered(t *testing.T) {
	t.Parallel()
	hs := start(t, discordtest.Config{}, nil, nil)
	hs.h.answer(func(ev bot.Event) bot.Response {
		if ev.Command != nil && ev.Command.Name == "partner" {
			panic("boom")
		}
		return bot.Reply("fine")
	})
	boom, err := hs.f.DispatchCommand(discordtest.Command{Name: "partner"})
	if err != nil {
		t.Fatal(err)
	}
	hs.h.next(t)
	if w := decode(t, hs.callback(t, boom.ID)); !strings.Contains(w.Data.Content, "went wrong") {
		t.Errorf("answer after a panic = %q", w.Data.Content)
	}
	// A payload discordgo decodes into something the adapter trips on.
	if err := hs.f.Dispatch("INTERACTION_CREATE", map[string]any{"id": "1600000000000000001", "type": 2, "token": "x", "application_id": discordtest.AppID, "version": 1}); err != nil {
		t.Fatal(err)
	}
	ok, err := hs.f.DispatchCommand(discordtest.Command{Name: "help"})
	if err != nil {
		t.Fatal(err)
	}
	if ev := hs.h.next(t); ev.ID != ok.ID {
		t.Errorf("next event %s, want %s", ev.ID, ok.ID)
	}
	if w := decode(t, hs.callback(t, ok.ID)); w.Data.Content != "fine" {
		t.Errorf("answer = %q", w.Data.Content)
	}
}

func TestHandshakeTimeout(t *testing.T) {
	t.Parallel()
	// A gateway that says HELLO and then never answers IDENTIFY: without
	// the deadline, discordgo's Open would wait forever.
	closed := make(chan struct{}, 10)
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v9/gateway" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"url":"ws%s/gw"}`, strings.TrimPrefix(srv.URL, "http"))
			return
		}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		_ = c.WriteMessage(websocket.TextMessage, []byte(`{"op":10,"d":{"heartbeat_interval":45000}}`))
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				closed <- struct{}{}
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	ad, err := New(Config{Token: "abc.def.ghi", APIBase: srv.URL, ApplicationID: discordtest.AppID, HandshakeTimeout: 200 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ad.Run(ctx, newHandler()) }()
	select {
	case <-closed:
	case <-time.After(waitFor):
		t.Fatal("the stalled handshake was never abandoned")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil after cancel", err)
		}
	case <-time.After(waitFor):
		t.Fatal("Run did not return")
	}
}

// TestRegistrationWaitsOutARateLimit: a registration Discord answers with
// a rate limit is tried again after the limit's wait, not given up, and a
// refusal that no wait can fix is not tried again.
func TestRegistrationWaitsOutARateLimit(t *testing.T) {
	limited := &discordgo.RateLimitError{RateLimit: &discordgo.RateLimit{TooManyRequests: &discordgo.TooManyRequests{RetryAfter: 10 * time.Millisecond}, URL: "/applications/1/guilds/2/commands"}}
	calls := 0
	err := registerAttempts(context.Background(), func() error {
		if calls++; calls < 3 {
			return limited
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Errorf("after two rate limits: err %v, %d calls; want success on the third", err, calls)
	}
	calls = 0
	refused := errors.New("401: Unauthorized")
	if err := registerAttempts(context.Background(), func() error { calls++; return refused }); !errors.Is(err, refused) || calls != 1 {
		t.Errorf("a refusal: err %v, %d calls; want it returned after one call", err, calls)
	}
}
