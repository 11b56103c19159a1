package bot

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Milestone is a recovery milestone: 24 hours, 30, 60 and 90 days, 6 and 9
// months, 1 year, 18 months, then every year, plus any extra days a house
// configured.
type Milestone struct {
	// Key is stable across wording changes: "1d", "90d", "6m", "2y".
	Key string
	// Label reads in an English sentence: "24 hours", "90 days", "2
	// years", kept with a celebration as a record; a reader sees
	// MilestoneLabel of the key, in their language.
	Label string
}

// MilestoneLabel is the milestone of key ("1d", "90d", "6m", "2y") as it
// reads in a sentence in l: "24 hours", "90 days", "2 years". A key it
// cannot read shows as it is.
func MilestoneLabel(l Lang, key string) string {
	if key == "1d" {
		return l.T("milestone.label.day_one")
	}
	n, err := strconv.Atoi(key[:max(len(key)-1, 0)])
	if err != nil || n <= 0 {
		return key
	}
	switch key[len(key)-1] {
	case 'd':
		return l.N("milestone.unit.days", n)
	case 'm':
		return l.N("milestone.unit.months", n)
	case 'y':
		return l.N("milestone.unit.years", n)
	}
	return key
}

// civil is a calendar date as midnight UTC, so that date arithmetic never
// meets a daylight-saving change.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// AddMonths adds n calendar months to a date, keeping the day of the month
// where it exists and the month's last day where it does not: 6 months from
// 31 August is the last day of February.
func AddMonths(date time.Time, n int) time.Time {
	y, m, d := date.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, time.UTC)
}

// MilestonesOn returns the milestones of a sober date that fall on day.
// Both are calendar dates; times of day and zones are ignored.
func MilestonesOn(sober, day time.Time, extraDays []int) []Milestone {
	sober, day = civil(sober), civil(day)
	if !day.After(sober) {
		return nil
	}
	var out []Milestone
	add := func(m Milestone) {
		if !slices.ContainsFunc(out, func(o Milestone) bool { return o.Key == m.Key }) {
			out = append(out, m)
		}
	}
	days := int(day.Sub(sober).Hours() / 24)
	for _, n := range append([]int{1, 30, 60, 90}, extraDays...) {
		if n == days {
			label := fmt.Sprintf("%d days", n)
			if n == 1 {
				label = "24 hours"
			}
			add(Milestone{Key: fmt.Sprintf("%dd", n), Label: label})
		}
	}
	for _, n := range []int{6, 9, 18} {
		if AddMonths(sober, n).Equal(day) {
			add(Milestone{Key: fmt.Sprintf("%dm", n), Label: fmt.Sprintf("%d months", n)})
		}
	}
	if y := day.Year() - sober.Year(); y >= 1 && AddMonths(sober, 12*y).Equal(day) {
		label := fmt.Sprintf("%d years", y)
		if y == 1 {
			label = "1 year"
		}
		add(Milestone{Key: fmt.Sprintf("%dy", y), Label: label})
	}
	return out
}

// SoberSpan is the time from a sober date to today in whole years, months
// and days, calendar-correct, and in days.
func SoberSpan(sober, today time.Time) (years, months, days, total int) {
	sober, today = civil(sober), civil(today)
	total = int(today.Sub(sober).Hours() / 24)
	n := 0
	for !AddMonths(sober, n+1).After(today) {
		n++
	}
	years, months = n/12, n%12
	days = int(today.Sub(AddMonths(sober, n)).Hours() / 24)
	return years, months, days, total
}
