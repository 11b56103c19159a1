package i18n

import (
	"strings"
	"time"
)

// Dates are formatted with Go layouts the catalogue holds (date.*), so
// that each language orders a date its own way ("Monday 2 January",
// "lunes 2 de enero"); the English names of a layout's weekday and month
// are then swapped for the language's (date.weekday.*, date.month.*).

var (
	weekdays = [7]string{ID("date.weekday.0"), ID("date.weekday.1"), ID("date.weekday.2"), ID("date.weekday.3"), ID("date.weekday.4"), ID("date.weekday.5"), ID("date.weekday.6")}
	wds      = [7]string{ID("date.wd.0"), ID("date.wd.1"), ID("date.wd.2"), ID("date.wd.3"), ID("date.wd.4"), ID("date.wd.5"), ID("date.wd.6")}
	months   = [12]string{ID("date.month.1"), ID("date.month.2"), ID("date.month.3"), ID("date.month.4"), ID("date.month.5"), ID("date.month.6"), ID("date.month.7"), ID("date.month.8"), ID("date.month.9"), ID("date.month.10"), ID("date.month.11"), ID("date.month.12")}
	mons     = [12]string{ID("date.mon.1"), ID("date.mon.2"), ID("date.mon.3"), ID("date.mon.4"), ID("date.mon.5"), ID("date.mon.6"), ID("date.mon.7"), ID("date.mon.8"), ID("date.mon.9"), ID("date.mon.10"), ID("date.mon.11"), ID("date.mon.12")}
)

// The date layouts of the catalogue, by what they show.
const (
	DateShort     = "date.short"      // Mon 2 Jan
	DateLong      = "date.long"       // Monday 2 January
	DateDayMonth  = "date.day_month"  // 2 Jan
	DateFull      = "date.full"       // 2 January 2006
	DateShortYear = "date.short_year" // Mon 2 Jan 2006
	DateTime      = "date.time"       // Mon 2 Jan 15:04
	DateTimeZone  = "date.time_zone"  // Mon 2 Jan 15:04 MST
	DateWeekTime  = "date.week_time"  // Monday 15:04
	DateClock     = "date.clock"      // 15:04
)

// Date formats t (in its own location) with the catalogue's layout id,
// one of the Date* constants.
func (l Lang) Date(t time.Time, layout string) string {
	lay := l.T(layout)
	var day, month string
	// Longest English names first, so "Monday" is not read as "Mon".
	switch {
	case strings.Contains(lay, "Monday"):
		lay, day = strings.Replace(lay, "Monday", "\x01", 1), l.T(weekdays[t.Weekday()])
	case strings.Contains(lay, "Mon"):
		lay, day = strings.Replace(lay, "Mon", "\x01", 1), l.T(wds[t.Weekday()])
	}
	switch {
	case strings.Contains(lay, "January"):
		lay, month = strings.Replace(lay, "January", "\x02", 1), l.T(months[t.Month()-1])
	case strings.Contains(lay, "Jan"):
		lay, month = strings.Replace(lay, "Jan", "\x02", 1), l.T(mons[t.Month()-1])
	}
	return strings.NewReplacer("\x01", day, "\x02", month).Replace(t.Format(lay))
}

// Weekday is the day's name ("Monday", "lunes").
func (l Lang) Weekday(d time.Weekday) string { return l.T(weekdays[d]) }
