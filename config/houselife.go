package config

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/porchlight/porchlight/bot"
)

// House life: recovery meetings ([house] meetings_per_week,
// meeting_kinds, meeting_reminder), the House Mentors on duty for
// newcomers ([house] mentors_on_duty) and chores ([house] chores,
// chore_summary and [[house.chore]]).

// Chore is one [[house.chore]].
type Chore struct {
	// Name is what residents see; unique in the house.
	Name string `toml:"name"`
	// Every is how often: "daily", "weekly" or a cron spec.
	Every string `toml:"every"`
	// People is how many people each turn takes (default 1).
	People int `toml:"people"`
}

// setDefaults makes a chore decoded from an array of tables start with
// one person.
func (c *Chore) setDefaults() { *c = Chore{People: 1} }

// Bounds of the house-life keys.
const (
	maxMeetingsPerWeek = 21
	maxMeetingKinds    = 20
	maxMeetingKindLen  = 40
	maxChores          = 30
	maxChoreNameLen    = 60
	maxChorePeople     = 20
)

func (c *Config) validateHouseLife(ps *problems, key string, h *House) {
	if n := h.MeetingsPerWeek; n < 0 || n > maxMeetingsPerWeek {
		ps.add(key+".meetings_per_week", "must be from 0 (no requirement) to %d, got %d", maxMeetingsPerWeek, n)
	}
	if len(h.MeetingKinds) == 0 {
		ps.add(key+".meeting_kinds", "must list at least one kind (leave the key out for the defaults)")
	}
	if len(h.MeetingKinds) > maxMeetingKinds {
		ps.add(key+".meeting_kinds", "lists %d kinds; at most %d fit a form", len(h.MeetingKinds), maxMeetingKinds)
	}
	kinds := map[string]int{}
	for i, k := range h.MeetingKinds {
		kkey := fmt.Sprintf("%s.meeting_kinds[%d]", key, i)
		t := strings.TrimSpace(k)
		switch {
		case t == "":
			ps.add(kkey, "must not be empty")
		case utf8.RuneCountInString(t) > maxMeetingKindLen:
			ps.add(kkey, "%q is longer than %d characters", k, maxMeetingKindLen)
		}
		if j, ok := kinds[strings.ToLower(t)]; ok && t != "" {
			ps.add(kkey, "%q is already meeting_kinds[%d]", k, j)
		} else {
			kinds[strings.ToLower(t)] = i
		}
	}
	if h.MeetingReminder != "" {
		c.checkCron(ps, key+".meeting_reminder", h.MeetingReminder)
	}
	for i, id := range h.MentorsOnDuty {
		if msg := checkUserID(string(h.Platform), id); msg != "" {
			ps.add(fmt.Sprintf("%s.mentors_on_duty[%d]", key, i), "%s", msg)
		}
	}
	if h.ChoreSummary != "" {
		c.checkCron(ps, key+".chore_summary", h.ChoreSummary)
	}
	if len(h.Chore) > maxChores {
		ps.add(key+".chore", "lists %d chores; at most %d", len(h.Chore), maxChores)
	}
	names := map[string]int{}
	for i, ch := range h.Chore {
		ckey := fmt.Sprintf("%s.chore[%d]", key, i)
		name := strings.TrimSpace(ch.Name)
		switch k := bot.ChoreKey(name); {
		case name == "" || k == "":
			ps.add(ckey+".name", "is required, with at least one letter or digit")
		case utf8.RuneCountInString(name) > maxChoreNameLen:
			ps.add(ckey+".name", "%q is longer than %d characters", ch.Name, maxChoreNameLen)
		default:
			if j, ok := names[k]; ok {
				ps.add(ckey+".name", "%q is the same chore as chore[%d] (names differing only in case or punctuation are one chore)", ch.Name, j)
			} else {
				names[k] = i
			}
		}
		if strings.TrimSpace(ch.Every) == "" {
			ps.add(ckey+".every", `is required: "daily", "weekly" or a cron spec`)
		} else {
			c.checkCron(ps, ckey+".every", bot.ChoreSpec(ch.Every))
		}
		if ch.People < 1 || ch.People > maxChorePeople {
			ps.add(ckey+".people", "must be from 1 to %d, got %d", maxChorePeople, ch.People)
		}
	}
}

// houseLifeToBot sets the core's house-life settings of out.
func (h *House) houseLifeToBot(out *bot.House) {
	kinds := make([]string, len(h.MeetingKinds))
	for i, k := range h.MeetingKinds {
		kinds[i] = strings.TrimSpace(k)
	}
	out.Meetings = bot.MeetingsConfig{PerWeek: h.MeetingsPerWeek, Kinds: kinds, Reminder: h.MeetingReminder}
	out.MentorsOnDuty = append([]string(nil), h.MentorsOnDuty...)
	out.Chores = bot.ChoresConfig{Off: !h.Chores, Summary: h.ChoreSummary}
	for _, ch := range h.Chore {
		out.Chores.List = append(out.Chores.List, bot.Chore{Name: strings.TrimSpace(ch.Name), Every: strings.TrimSpace(ch.Every), People: ch.People})
	}
}
