package bot_test

import (
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
	"github.com/porchlight/porchlight/storage/storagetest"
)

// TestMalformedEventsAreRefusedPolitely: events missing their content,
// forms the caller may not fill in, forms that expired, and commands whose
// house can't be told each get a user-safe message and store nothing.
func TestMalformedEventsAreRefusedPolitely(t *testing.T) {
	h := newHarness(t)
	h.join(robin)
	cmd := h.ev.Command(robin, "checkin", "")
	cmd.Command = nil
	press := h.ev.Press(robin, "x", "")
	press.Action = nil
	form := h.ev.Submit(robin, "x", nil)
	form.Form = nil
	for _, tc := range []struct {
		name string
		ev   bot.Event
		want string
	}{
		{"command without input", cmd, "That command is not valid."},
		{"press without action", press, "That button is not valid."},
		{"submit without form", form, "That form is not valid."},
		{"staff form by a resident", h.ev.Submit(robin, "activity:new", map[string]string{"title": "Party", "when": "fri 19:00"}), "only House Mentors and operators can fill in this form"},
		{"continue with nothing in progress", h.ev.Press(robin, "form:continue", ""), "That form has expired"},
		{"answer with nothing in progress", h.ev.Press(robin, "form:answer", "3"), "That form has expired"},
	} {
		if got := text(h.do(tc.ev)); !strings.Contains(got, tc.want) {
			t.Errorf("%s = %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := text(h.do(h.ev.Command(robin, "activity", "list"))); !strings.Contains(got, "No activities") {
		t.Errorf("a refused form stored an activity: %q", got)
	}
}

// TestNoHouseForAStranger: with two houses on one platform, a stranger's
// direct message or command can't be placed in either; they get help or a
// clear message, and /help still works.
func TestNoHouseForAStranger(t *testing.T) {
	birch := testHouse()
	birch.Name, birch.Channel = "Birch House", "C-birch"
	h := newHarnessHouses(t, storagetest.Open(t), at9(0), testHouse(), birch)
	dm := func(ev bot.Event) bot.Event {
		ev.DM, ev.Channel = true, "dm-"+ev.User.ID
		return ev
	}
	if got := text(h.do(dm(h.ev.Command(guest, "checkin", "")))); !strings.Contains(got, "couldn't tell which house") {
		t.Errorf("/checkin by DM = %q", got)
	}
	if got := text(h.do(dm(h.ev.Press(guest, "checkin:open:1", "")))); !strings.Contains(got, "couldn't tell which house") {
		t.Errorf("press by DM = %q", got)
	}
	if got := text(h.do(dm(h.ev.Submit(guest, "activity:new", nil)))); !strings.Contains(got, "couldn't tell which house") {
		t.Errorf("submit by DM = %q", got)
	}
	if got := text(h.do(h.ev.DM(guest, "hello?"))); !strings.Contains(got, "/help") {
		t.Errorf("DM = %q, want a pointer to /help", got)
	}
	if got := text(h.do(dm(h.ev.Command(guest, "help", "")))); !strings.Contains(got, "/join") {
		t.Errorf("/help by DM = %q", got)
	}
	if h.bot.HouseByName("birch house") != birch || h.bot.HouseByName("Elm House") != nil {
		t.Error("HouseByName does not find houses by name, case-insensitively")
	}
}

// TestCheckFieldRefusesBadQuestions: an operator's check-in question that
// could not be answered is refused at startup with the reason.
func TestCheckFieldRefusesBadQuestions(t *testing.T) {
	for _, tc := range []struct {
		f    bot.Field
		want string
	}{
		{bot.Field{Label: "Mood", Kind: bot.KindYesNo}, "id is empty"},
		{bot.Field{ID: "q", Label: "  ", Kind: bot.KindYesNo}, "label is empty"},
		{bot.Field{ID: "q", Label: "Mood", Kind: bot.KindScale, Min: 5, Max: 1}, "max must be greater"},
		{bot.Field{ID: "q", Label: "Mood", Kind: bot.KindScale, Min: 1, Max: 3, Options: []string{"low", "high"}}, "needs 3 option words"},
		{bot.Field{ID: "q", Label: "Pick", Kind: bot.KindChoice, Options: []string{"only"}}, "at least two"},
		{bot.Field{ID: "q", Label: "Say", Kind: bot.KindText}, "max_len"},
		{bot.Field{ID: "q", Label: "Say", Kind: bot.KindText, MaxLen: 5000}, "max_len"},
		{bot.Field{ID: "q", Label: "Say", Kind: "essay"}, "not one of"},
	} {
		err := bot.CheckField(tc.f)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckField(%+v) = %v, want %q", tc.f, err, tc.want)
		}
	}
	for _, code := range i18n.Default().Languages() {
		for _, f := range bot.DefaultQuestions(i18n.Default().Lang(code), bot.VisMentors) {
			if err := bot.CheckField(f); err != nil {
				t.Errorf("default question %s in %s: %v", f.ID, code, err)
			}
		}
	}
}

// TestRegistryRefusesMalformedCommands: a malformed or duplicate command
// definition is a programming error, caught the first time any test runs.
func TestRegistryRefusesMalformedCommands(t *testing.T) {
	run := func(*bot.Request) (bot.Response, error) { return bot.Response{}, nil }
	for _, tc := range []struct {
		name string
		cmds []*bot.Command
		want string
	}{
		{"bad name", []*bot.Command{{Name: "Check In", Description: "cmd.help.desc", Run: run}}, "not a valid command name"},
		{"no description", []*bot.Command{{Name: "x", Run: run}}, "description"},
		{"description not from the catalogue", []*bot.Command{{Name: "x", Description: "Do x", Run: run}}, "not a catalogue ID"},
		{"nothing to run", []*bot.Command{{Name: "x", Description: "cmd.help.desc"}}, "neither Run nor Subs"},
		{"bad sub", []*bot.Command{{Name: "x", Description: "cmd.help.desc", Subs: []*bot.Command{{Name: "y", Description: "cmd.help.desc"}}}}, "neither Run nor Subs"},
		{"twice", []*bot.Command{{Name: "x", Description: "cmd.help.desc", Run: run}, {Name: "x", Description: "cmd.help.desc", Run: run}}, "registered twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if p := recover(); p == nil || !strings.Contains(p.(string), tc.want) {
					t.Errorf("panic = %v, want %q", p, tc.want)
				}
			}()
			var reg bot.Registry
			for _, c := range tc.cmds {
				reg.Add(c)
			}
		})
	}
	var reg bot.Registry
	reg.Add(&bot.Command{Name: "x", Description: "cmd.help.desc", Roles: bot.Staff, Subs: []*bot.Command{{Name: "y", Description: "cmd.help.desc", Run: run}}})
	if got := reg.Lookup("x").Sub("y").Roles; got != bot.Staff {
		t.Errorf("a subcommand without roles has %v, want its parent's", got)
	}
}
