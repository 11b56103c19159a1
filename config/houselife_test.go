package config

import (
	"reflect"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
)

func TestHouseLifeConfig(t *testing.T) {
	c := mustParse(t, house("meetings_per_week", "3", "meeting_kinds", `["AA", "CMA", "other"]`, "mentors_on_duty", `["you", "sam"]`)+`
[[house.chore]]
name = "Kitchen clean-up"
every = "daily"
people = 2

[[house.chore]]
name = "Trash"
every = "0 19 * * 0"
`)
	hs, err := c.Houses()
	if err != nil {
		t.Fatal(err)
	}
	h := hs[0]
	want := bot.MeetingsConfig{PerWeek: 3, Kinds: []string{"AA", "CMA", "other"}, Reminder: "0 18 * * 3"}
	if !reflect.DeepEqual(h.Meetings, want) {
		t.Errorf("meetings = %+v, want %+v", h.Meetings, want)
	}
	chores := bot.ChoresConfig{List: []bot.Chore{{Name: "Kitchen clean-up", Every: "daily", People: 2}, {Name: "Trash", Every: "0 19 * * 0", People: 1}}, Summary: "0 19 * * 0"}
	if !reflect.DeepEqual(h.Chores, chores) {
		t.Errorf("chores = %+v, want %+v", h.Chores, chores)
	}
	if !reflect.DeepEqual(h.MentorsOnDuty, []string{"you", "sam"}) {
		t.Errorf("mentors on duty = %q", h.MentorsOnDuty)
	}
	off, err := mustParse(t, house("chores", "false")).Houses()
	if err != nil {
		t.Fatal(err)
	}
	if !off[0].Chores.Off {
		t.Error("chores = false did not turn chores off")
	}
	// The defaults: no requirement, the usual kinds, chores on but none.
	def, err := mustParse(t, house()).Houses()
	if err != nil {
		t.Fatal(err)
	}
	if d := def[0]; d.Meetings.PerWeek != 0 || !reflect.DeepEqual(d.Meetings.Kinds, bot.DefaultMeetingKinds()) || d.Chores.Off || len(d.Chores.List) != 0 {
		t.Errorf("defaults = %+v %+v", d.Meetings, d.Chores)
	}
}

func TestHouseLifeProblemsNameTheKey(t *testing.T) {
	chore := func(kv string) string { return "\n[[house.chore]]\n" + kv + "\n" }
	for _, tc := range []struct{ doc, want string }{
		{house("meetings_per_week", "-1"), "house[0].meetings_per_week: must be from 0 (no requirement) to 21, got -1"},
		{house("meetings_per_week", "30"), "house[0].meetings_per_week:"},
		{house("meetings_per_week", `"three"`), "house[0].meetings_per_week:"},
		{house("meeting_kinds", "[]"), "house[0].meeting_kinds: must list at least one kind"},
		{house("meeting_kinds", `["AA", " ", "aa"]`), "house[0].meeting_kinds[1]: must not be empty"},
		{house("meeting_kinds", `["AA", "aa"]`), `house[0].meeting_kinds[1]: "aa" is already meeting_kinds[0]`},
		{house("meeting_kinds", `["`+strings.Repeat("x", 41)+`"]`), "house[0].meeting_kinds[0]: "},
		{house("meeting_reminder", `"wednesdays"`), "house[0].meeting_reminder:"},
		{house("chore_summary", `"sundays"`), "house[0].chore_summary:"},
		{house("mentors_on_duty", `["not an id!"]`), "house[0].mentors_on_duty[0]:"},
		{house() + chore(`every = "daily"`), "house[0].chore[0].name: is required"},
		{house() + chore(`name = "Kitchen"`), "house[0].chore[0].every: is required"},
		{house() + chore(`name = "Kitchen"`+"\n"+`every = "fortnightly"`), "house[0].chore[0].every:"},
		{house() + chore(`name = "Kitchen"`+"\n"+`every = "daily"`+"\npeople = 0"), "house[0].chore[0].people: must be from 1 to 20, got 0"},
		{house() + chore(`name = "Kitchen"`+"\n"+`every = "daily"`) + chore(`name = "kitchen!"`+"\n"+`every = "weekly"`), "house[0].chore[1].name: \"kitchen!\" is the same chore as chore[0]"},
		{house() + chore(`name = "Kitchen"`+"\n"+`every = "daily"`+"\nhow_often = 2"), "house[0].chore[0].how_often"},
	} {
		_, err := parse([]byte(tc.doc), testOptions(nil))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s\n  error = %v\n  want %q", tc.doc, err, tc.want)
		}
	}
}
