package bot

import (
	"fmt"
	"strings"
	"time"
)

// Role is what a person may do in a house. Roles form a set so that commands
// can allow several.
type Role uint8

// The roles, from least to most trusted.
const (
	// RoleGuest is anyone who has not joined the house.
	RoleGuest Role = 1 << iota
	// RoleResident is a member who joined with consent.
	RoleResident
	// RoleMentor is a House Mentor, from config or granted by an operator.
	RoleMentor
	// RoleOperator runs the home; set only in config, the root of trust.
	RoleOperator
)

// Role sets used by command declarations.
const (
	Anyone     = RoleGuest | RoleResident | RoleMentor | RoleOperator
	Members    = RoleResident | RoleMentor | RoleOperator
	Staff      = RoleMentor | RoleOperator
	OnlyOwners = RoleOperator
)

// Has reports whether r includes any role of want.
func (r Role) Has(want Role) bool { return r&want != 0 }

// String names the highest role in r, for logs and tests: no one reads it
// in chat (a reply names a role through the catalogue).
func (r Role) String() string {
	switch {
	case r.Has(RoleOperator):
		return "operator"
	case r.Has(RoleMentor):
		return "House Mentor"
	case r.Has(RoleResident):
		return "resident"
	default:
		return "guest"
	}
}

// Visibility is who may see one check-in answer. The resident chooses it.
type Visibility string

// The visibilities, from most to least private.
const (
	// VisPrivate answers are only counted in aggregates.
	VisPrivate Visibility = "private"
	// VisMentors answers are seen by the house's mentors and operators.
	VisMentors Visibility = "mentors"
	// VisHouse answers are shared in the house channel.
	VisHouse Visibility = "house"
)

// Valid reports whether v is a known visibility.
func (v Visibility) Valid() bool {
	return v == VisPrivate || v == VisMentors || v == VisHouse
}

// House is one recovery home as configured. The core keeps it read-only.
type House struct {
	// ID is the database id, set when the house is synced at start.
	ID int64
	// Name is the operator's unique name for the house.
	Name string
	// Platform is "discord", "slack" or "console".
	Platform string
	// Workspace is the Discord guild id or Slack team id, if configured.
	Workspace string
	// Channel is the house channel's platform id.
	Channel string
	// Location is the house's time zone.
	Location *time.Location
	// Operators and Mentors are platform user ids from config.
	Operators []string
	Mentors   []string

	Checkin    CheckinConfig
	Partners   PartnersConfig
	Digest     DigestConfig
	Activities ActivitiesConfig
	Milestones MilestonesConfig
	Crisis     CrisisConfig
	Meetings   MeetingsConfig
	Chores     ChoresConfig
	// MentorsOnDuty is the weekly rotation of House Mentors told when a
	// newcomer joins (see newcomers.go); empty tells every House Mentor.
	MentorsOnDuty []string
	// Locale is the house's language code ("en", "es"): group posts are in
	// it, and so are the private messages of residents who chose none.
	Locale string
	// ConsentText replaces the default consent text when set.
	ConsentText string
	// RetentionDays is how long free text is kept before redaction.
	RetentionDays int
	// QuietHours is when partner pings about missed check-ins wait.
	QuietHours QuietHours
}

// CheckinConfig is a house's [house.checkin] table.
type CheckinConfig struct {
	// Schedules are cron specs in house-local time, one round each.
	Schedules []string
	// Window is how long a round stays open.
	Window time.Duration
	// ReminderAfter is when non-responders are nudged, from the round's start.
	ReminderAfter time.Duration
	// Questions are the form's questions, in order.
	Questions []Question
	// DefaultVisibility is preselected in the form.
	DefaultVisibility Visibility
	// SkipDates are house-local dates ("2026-12-25") with no round.
	SkipDates []string
}

// PartnersConfig is a house's [house.partners] table.
type PartnersConfig struct {
	// Rotate is a cron spec for automatic pairing; empty means off.
	Rotate string
	// Nudge is a cron spec for the daily "check in with your partner".
	Nudge string
	// AvoidRepeatRounds is how many past rotations' pairs are avoided.
	AvoidRepeatRounds int
}

// DigestConfig is a house's [house.digest] table.
type DigestConfig struct {
	// Schedule is a cron spec for the weekly digest.
	Schedule string
	// Mentors also get the digest when true.
	Mentors bool
	// Combined sends an operator of several houses one message for all.
	Combined bool
}

// ActivitiesConfig is a house's [house.activities] table.
type ActivitiesConfig struct {
	// ReminderBefore is how long before the start reminders go out.
	ReminderBefore time.Duration
	// CalendarEvents mirrors each activity to the platform's calendar
	// (Discord's scheduled events; [discord] scheduled_events).
	CalendarEvents bool
}

// MilestonesConfig is a house's [house.milestones] table.
type MilestonesConfig struct {
	// Morning is the house-local time of day ("09:00") celebrations post.
	Morning string
	// ExtraDays are additional milestones, in days, that mentors added.
	ExtraDays []int
}

// CrisisConfig is a house's [house.crisis] table.
type CrisisConfig struct {
	// Resources are lines of crisis resources shown to a resident in need.
	Resources []string
	// AlertAlways alerts mentors even without the resident's yes; the
	// consent text says so when it is set.
	AlertAlways bool
	// EscalateAfter is how long an unacknowledged alert waits before the
	// operators are alerted.
	EscalateAfter time.Duration
	// Phrases are the house's own additions to the screener.
	Phrases ScreenPhrases
}

// IsOperator reports whether user is one of the house's operators.
func (h *House) IsOperator(user string) bool { return contains(h.Operators, user) }

// IsConfigMentor reports whether user is a mentor by config.
func (h *House) IsConfigMentor(user string) bool { return contains(h.Mentors, user) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// QuietHours is a house-local span of the day in which partner pings about
// missed check-ins wait, to go out when it ends. Requests for support never
// wait. The zero value is no quiet hours.
type QuietHours struct {
	// Start and End are minutes after midnight. A span may cross midnight
	// (22:00-08:00).
	Start, End int
	// Set says whether the house has quiet hours.
	Set bool
}

// ParseQuietHours reads "HH:MM-HH:MM" (24-hour clock, start and end
// different); "" and "off" mean none.
func ParseQuietHours(s string) (QuietHours, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "off") {
		return QuietHours{}, nil
	}
	from, to, ok := strings.Cut(s, "-")
	start, err1 := clockMinutes(from)
	end, err2 := clockMinutes(to)
	switch {
	case !ok || err1 != nil || err2 != nil:
		return QuietHours{}, fmt.Errorf("%q is not a span of the day as \"HH:MM-HH:MM\" (24-hour), such as \"22:00-08:00\", or \"off\"", s)
	case start == end:
		return QuietHours{}, fmt.Errorf("%q starts and ends at the same time; use \"off\" for no quiet hours", s)
	}
	return QuietHours{Start: start, End: end, Set: true}, nil
}

// clockMinutes reads "HH:MM" as minutes after midnight.
func clockMinutes(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

// String writes q as ParseQuietHours reads it.
func (q QuietHours) String() string {
	if !q.Set {
		return "off"
	}
	return fmt.Sprintf("%02d:%02d-%02d:%02d", q.Start/60, q.Start%60, q.End/60, q.End%60)
}

// Over returns t when it is outside the quiet hours in loc, else the end of
// the quiet span t is in.
func (q QuietHours) Over(t time.Time, loc *time.Location) time.Time {
	if !q.Set {
		return t
	}
	l := t.In(loc)
	m := l.Hour()*60 + l.Minute()
	var quiet, tomorrow bool
	if q.Start < q.End {
		quiet = m >= q.Start && m < q.End
	} else {
		quiet, tomorrow = m >= q.Start || m < q.End, m >= q.Start
	}
	if !quiet {
		return t
	}
	day := l.Day()
	if tomorrow {
		day++
	}
	return time.Date(l.Year(), l.Month(), day, q.End/60, q.End%60, 0, 0, loc)
}
