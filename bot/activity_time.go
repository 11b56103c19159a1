package bot

import (
	"strings"
	"time"

	"github.com/porchlight/porchlight/i18n"
)

// weekdays are the English weekday names and abbreviations a moment or a
// day may be typed with; parseWeekday also reads every language's.
var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday, "mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday, "wed": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday, "sat": time.Saturday, "saturday": time.Saturday,
}

// weekdayIDs are the catalogue's weekday names, full and short, by day.
var weekdayIDs = [7][2]string{
	{i18n.ID("date.weekday.0"), i18n.ID("date.wd.0")}, {i18n.ID("date.weekday.1"), i18n.ID("date.wd.1")},
	{i18n.ID("date.weekday.2"), i18n.ID("date.wd.2")}, {i18n.ID("date.weekday.3"), i18n.ID("date.wd.3")},
	{i18n.ID("date.weekday.4"), i18n.ID("date.wd.4")}, {i18n.ID("date.weekday.5"), i18n.ID("date.wd.5")},
	{i18n.ID("date.weekday.6"), i18n.ID("date.wd.6")},
}

// parseWeekday reads a weekday as a person may type it, in any language of
// the catalogue and whatever theirs: "fri", "Friday", "vie", "viernes",
// "sábado" or "sabado".
func parseWeekday(s string) (time.Weekday, bool) {
	in := i18n.Fold(s)
	if d, ok := weekdays[in]; ok {
		return d, true
	}
	for d, ids := range weekdayIDs {
		if Same(ids[0], in) || Same(ids[1], in) {
			return time.Weekday(d), true
		}
	}
	return 0, false
}

// ParseWhen reads an activity's start in the house's time zone:
// "2026-11-20 19:00", "today 19:00", "tomorrow 19:00" or "fri 19:00" (the
// next Friday, or today if it is Friday and the time is still ahead), and
// the same in any language of the catalogue ("hoy 19:00", "mañana 19:00",
// "vie 19:00"), whatever the reader's. A time that has passed is refused.
// A moment a picker sent (DateTimeValue) is taken as it is. Errors are
// user-safe, show examples, and quote dates in l, the reader's language.
func ParseWhen(l Lang, s string, now time.Time, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(s)); err == nil {
		if !t.After(now) {
			return time.Time{}, Fail(EInvalid, "activity.when.passed_picked", "When", l.Date(t.In(loc), i18n.DateTime))
		}
		return t.Truncate(time.Minute), nil
	}
	f := strings.Fields(strings.TrimSpace(s))
	if len(f) != 2 {
		return time.Time{}, Fail(EInvalid, "activity.when.unreadable", "Given", quoted(s, 40), "Formats", l.T("activity.when.formats"))
	}
	clock, err := time.Parse("15:04", f[1])
	if err != nil {
		return time.Time{}, Fail(EInvalid, "activity.when.bad_clock", "Given", quoted(strings.ToLower(f[1]), 20), "Formats", l.T("activity.when.formats"))
	}
	today := dayStart(now, loc)
	var day time.Time
	switch d, isDay := parseWeekday(f[0]); {
	case Same("activity.when.today", f[0]):
		day = today
	case Same("activity.when.tomorrow", f[0]):
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
			return time.Time{}, Fail(EInvalid, "activity.when.bad_day", "Given", quoted(strings.ToLower(f[0]), 20), "Formats", l.T("activity.when.formats"))
		}
	}
	t := atClock(day, clock, loc)
	if !t.After(now) {
		return time.Time{}, Fail(EInvalid, "activity.when.passed", "When", l.Date(t, i18n.DateTime), "Formats", l.T("activity.when.formats"))
	}
	return t, nil
}

// atClock is the wall-clock time of clock on day, in loc.
func atClock(day, clock time.Time, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, loc)
}
