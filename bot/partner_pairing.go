package bot

import (
	"errors"
	"slices"
	"time"
)

// Candidate is a resident who may be paired in a rotation.
type Candidate struct {
	ID     int64
	Joined time.Time
}

// Couple is two member ids, the smaller first.
type Couple [2]int64

// CoupleOf returns the couple of a and b.
func CoupleOf(a, b int64) Couple {
	if a > b {
		a, b = b, a
	}
	return Couple{a, b}
}

// Errors of PlanPairs, phrased for the mentors who are told why.
var (
	ErrTooFewToPair = errors.New("a rotation needs at least two residents who have joined and are not paused")
	ErrNoValidPairs = errors.New("the do-not-pair list leaves no way to pair everyone; pair some residents by hand with " + Cmd("partner pair"))
)

// pairSearchBudget bounds the search, so a house whose do-not-pair list
// makes pairing impossible is told so quickly.
const pairSearchBudget = 200_000

// PlanPairs pairs the candidates for a rotation: each newer resident (by
// join date) with the most established one still free, never a couple in
// avoid, and, if at all possible, no couple in recent (the pairs of the last
// rotations). An odd count makes one trio. repeats reports that recent
// couples had to be paired again because there was no other way.
func PlanPairs(cands []Candidate, recent, avoid map[Couple]bool) (groups [][]int64, repeats bool, err error) {
	if len(cands) < 2 {
		return nil, false, ErrTooFewToPair
	}
	order := slices.Clone(cands)
	// Newest first; the search offers each the most established partner
	// first.
	slices.SortStableFunc(order, func(a, b Candidate) int {
		if c := b.Joined.Compare(a.Joined); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	ids := make([]int64, len(order))
	for i, c := range order {
		ids[i] = c.ID
	}
	strict := func(a, b int64) bool { c := CoupleOf(a, b); return !avoid[c] && !recent[c] }
	relaxed := func(a, b int64) bool { return !avoid[CoupleOf(a, b)] }
	if g, ok := searchPairs(ids, strict); ok {
		return g, false, nil
	}
	if g, ok := searchPairs(ids, relaxed); ok {
		return g, true, nil
	}
	return nil, false, ErrNoValidPairs
}

// searchPairs finds groups of two (and one of three when the count is odd)
// whose couples all pass ok, by depth-first search: each resident in turn,
// newest first, takes the most established partner that fits; the trio is
// tried only after pairs failed.
func searchPairs(ids []int64, ok func(a, b int64) bool) ([][]int64, bool) {
	budget := pairSearchBudget
	var groups [][]int64
	without := func(rest []int64, skip ...int) []int64 {
		out := make([]int64, 0, len(rest))
		for i, id := range rest {
			if !slices.Contains(skip, i) {
				out = append(out, id)
			}
		}
		return out
	}
	var dfs func(rest []int64, trio bool) bool
	dfs = func(rest []int64, trio bool) bool {
		if budget--; budget < 0 {
			return false
		}
		if len(rest) == 0 {
			return !trio
		}
		a := rest[0]
		for i := len(rest) - 1; i >= 1; i-- {
			if !ok(a, rest[i]) {
				continue
			}
			groups = append(groups, []int64{a, rest[i]})
			if dfs(without(rest, 0, i), trio) {
				return true
			}
			groups = groups[:len(groups)-1]
		}
		if !trio {
			return false
		}
		for i := len(rest) - 1; i >= 1; i-- {
			for j := i - 1; j >= 1; j-- {
				b, c := rest[i], rest[j]
				if !ok(a, b) || !ok(a, c) || !ok(b, c) {
					continue
				}
				groups = append(groups, []int64{a, c, b})
				if dfs(without(rest, 0, i, j), false) {
					return true
				}
				groups = groups[:len(groups)-1]
			}
		}
		return false
	}
	if !dfs(ids, len(ids)%2 == 1) {
		return nil, false
	}
	return groups, true
}
