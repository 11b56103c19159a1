package bot

import (
	"slices"
	"strings"
	"time"
	"unicode"
)

// ChoreCandidate is a resident who may take a turn at a chore.
type ChoreCandidate struct {
	MemberID int64
	// Turns is how many turns of this chore they have had, as tallied.
	Turns int
	// Known is false for someone with no tally of this chore yet: they
	// start level with the least-assigned, not at zero, so a newcomer is
	// not given every turn until they have "caught up".
	Known bool
	// Holding is how many turns of any chore they hold open now.
	Holding int
	// Last is when they last had this chore; zero if never.
	Last time.Time
	// Order breaks the remaining ties: their place in the house's join
	// order.
	Order int
}

// PlanChore picks n people for a turn of a chore, fairly: fewest turns of
// this chore first, then those holding the fewest other chores now, then
// the longest since they last had it (never first), then the earliest to
// join. The order of cands does not matter, so the same house gives the
// same answer every time. It returns the picked member ids, in that order,
// and the candidates with the starting tallies of the unknown ones filled
// in (the least turns among the known, or 0).
func PlanChore(cands []ChoreCandidate, n int) ([]int64, []ChoreCandidate) {
	out := slices.Clone(cands)
	floor, seen := 0, false
	for _, c := range out {
		if c.Known && (!seen || c.Turns < floor) {
			floor, seen = c.Turns, true
		}
	}
	for i := range out {
		if !out[i].Known {
			out[i].Turns = floor
		}
	}
	order := slices.Clone(out)
	slices.SortFunc(order, func(a, b ChoreCandidate) int {
		switch {
		case a.Turns != b.Turns:
			return a.Turns - b.Turns
		case a.Holding != b.Holding:
			return a.Holding - b.Holding
		case !a.Last.Equal(b.Last):
			return a.Last.Compare(b.Last)
		case a.Order != b.Order:
			return a.Order - b.Order
		}
		return int(a.MemberID - b.MemberID)
	})
	var picked []int64
	for _, c := range order[:min(n, len(order))] {
		picked = append(picked, c.MemberID)
	}
	return picked, out
}

// ChoreKey is the stable key of a chore's name: lowercase letters and
// digits, words joined by "-". It keys the chore's scheduled runs and
// tallies, so renaming "Kitchen" to "kitchen" keeps its history.
func ChoreKey(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}

// ChoreSpec turns a chore's "how often" into a cron spec: "daily" is
// every day at 09:00, "weekly" Mondays at 09:00, and anything else is
// already a cron spec (or a descriptor such as "@weekly").
func ChoreSpec(every string) string {
	switch strings.ToLower(strings.TrimSpace(every)) {
	case "daily":
		return "0 9 * * *"
	case "weekly":
		return "0 9 * * 1"
	}
	return strings.TrimSpace(every)
}
