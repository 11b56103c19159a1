package bot

import (
	"strings"
	"time"
)

// whenFormats are the ways to type a moment that ParseWhen reads.
const whenFormats = "YYYY-MM-DD HH:MM, today 19:00, tomorrow 19:00 or fri 19:00 (house time)"

// whenExample is shown with every error about an activity's time.
const whenExample = "Use " + whenFormats + "."

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday, "mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday, "wed": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday, "sat": time.Saturday, "saturday": time.Saturday,
}

// ParseWhen reads an activity's start in the house's time zone:
// "2026-11-20 19:00", "today 19:00", "tomorrow 19:00" or "fri 19:00" (the
// next Friday, or today if it is Friday and the time is still ahead). A
// time that has passed is refused. A moment a picker sent (DateTimeValue)
// is taken as it is. Errors are user-safe and show examples.
func ParseWhen(s string, now time.Time, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(s)); err == nil {
		if !t.After(now) {
			return time.Time{}, Errorf(EInvalid, "%s has already passed. Please pick a time ahead.", t.In(loc).Format("Mon 2 Jan 15:04"))
		}
		return t.Truncate(time.Minute), nil
	}
	f := strings.Fields(strings.ToLower(strings.TrimSpace(s)))
	if len(f) != 2 {
		return time.Time{}, Errorf(EInvalid, "I couldn't read %s as a day and a time. %s", quoted(s, 40), whenExample)
	}
	clock, err := time.Parse("15:04", f[1])
	if err != nil {
		return time.Time{}, Errorf(EInvalid, "%s is not a time as HH:MM (24-hour). %s", quoted(f[1], 20), whenExample)
	}
	today := dayStart(now, loc)
	var day time.Time
	switch d, isDay := weekdays[f[0]]; {
	case f[0] == "today":
		day = today
	case f[0] == "tomorrow":
		day = today.AddDate(0, 0, 1)
	case isDay:
		ahead := (int(d) - int(today.Weekday()) + 7) % 7
		day = today.AddDate(0, 0, ahead)
		if ahead == 0 && !atClock(day, clock, loc).After(now) {
			day = day.AddDate(0, 0, 7)
		}
	default:
		day, err = time.ParseInLocation(time.DateOnly, f[0], loc)
		if err != nil {
			return time.Time{}, Errorf(EInvalid, "%s is not a day I can read. %s", quoted(f[0], 20), whenExample)
		}
	}
	t := atClock(day, clock, loc)
	if !t.After(now) {
		return time.Time{}, Errorf(EInvalid, "%s has already passed. %s", t.Format("Mon 2 Jan 15:04"), whenExample)
	}
	return t, nil
}

// atClock is the wall-clock time of clock on day, in loc.
func atClock(day, clock time.Time, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, loc)
}
