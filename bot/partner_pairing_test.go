package bot_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

func TestPlanPairs(t *testing.T) {
	day := func(n int) time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n) }
	// Members 1..n joined on day 10*id: 1 is the most established.
	cands := func(n int, skip ...int64) []bot.Candidate {
		var out []bot.Candidate
		for id := int64(1); id <= int64(n); id++ {
			if !contains(skip, id) {
				out = append(out, bot.Candidate{ID: id, Joined: day(int(10 * id))})
			}
		}
		return out
	}
	set := func(cs ...bot.Couple) map[bot.Couple]bool {
		m := map[bot.Couple]bool{}
		for _, c := range cs {
			m[c] = true
		}
		return m
	}
	allOf := func(n int) map[bot.Couple]bool {
		m := map[bot.Couple]bool{}
		for a := int64(1); a <= int64(n); a++ {
			for b := a + 1; b <= int64(n); b++ {
				m[bot.CoupleOf(a, b)] = true
			}
		}
		return m
	}
	tests := []struct {
		name        string
		cands       []bot.Candidate
		recent      map[bot.Couple]bool
		avoid       map[bot.Couple]bool
		want        string
		wantRepeats bool
		wantErr     error
	}{
		{name: "newest with most established", cands: cands(4), want: "[[4 1] [3 2]]"},
		{name: "odd count makes a trio", cands: cands(5), want: "[[5 1] [4 3 2]]"},
		{name: "three is one trio", cands: cands(3), want: "[[3 2 1]]"},
		{name: "recent pairs are not repeated", cands: cands(4), recent: set(bot.CoupleOf(4, 1), bot.CoupleOf(3, 2)), want: "[[4 2] [3 1]]"},
		{name: "avoid list is respected", cands: cands(4), avoid: set(bot.CoupleOf(4, 1)), want: "[[4 2] [3 1]]"},
		{name: "paused residents are left out by the caller", cands: cands(4, 1), want: "[[4 3 2]]"},
		{name: "everyone has met: repeats rather than no partners", cands: cands(4), recent: allOf(4), want: "[[4 1] [3 2]]", wantRepeats: true},
		{name: "avoid beats recent", cands: cands(4), recent: allOf(4), avoid: set(bot.CoupleOf(4, 1)), want: "[[4 2] [3 1]]", wantRepeats: true},
		{name: "impossible avoid list", cands: cands(2), avoid: set(bot.CoupleOf(1, 2)), wantErr: bot.ErrNoValidPairs},
		{name: "one resident", cands: cands(1), wantErr: bot.ErrTooFewToPair},
		{name: "nobody", wantErr: bot.ErrTooFewToPair},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, repeats, err := bot.PlanPairs(tt.cands, tt.recent, tt.avoid)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if fmt.Sprint(got) != tt.want || repeats != tt.wantRepeats {
				t.Errorf("PlanPairs = %v, repeats %v; want %s, repeats %v", got, repeats, tt.want, tt.wantRepeats)
			}
		})
	}
}

// TestPlanPairsCoversEveryone checks the invariants on larger houses: each
// candidate is in exactly one group, groups are pairs with at most one
// trio, and no avoided couple is formed.
func TestPlanPairsCoversEveryone(t *testing.T) {
	for n := 2; n <= 25; n++ {
		var cs []bot.Candidate
		avoid := map[bot.Couple]bool{}
		for id := int64(1); id <= int64(n); id++ {
			cs = append(cs, bot.Candidate{ID: id, Joined: time.Unix(id*86400, 0)})
			if id > 1 {
				avoid[bot.CoupleOf(id-1, id)] = true // neighbours never together
			}
		}
		groups, _, err := bot.PlanPairs(cs, nil, avoid)
		if n <= 3 {
			continue // too small to avoid every neighbour
		}
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		seen := map[int64]int{}
		trios := 0
		for _, g := range groups {
			if len(g) == 3 {
				trios++
			}
			for i, a := range g {
				seen[a]++
				for _, b := range g[i+1:] {
					if avoid[bot.CoupleOf(a, b)] {
						t.Errorf("n=%d: avoided couple %d-%d formed", n, a, b)
					}
				}
			}
		}
		if len(seen) != n || trios != n%2 {
			t.Errorf("n=%d: groups %v cover %d, trios %d", n, groups, len(seen), trios)
		}
		for id, c := range seen {
			if c != 1 {
				t.Errorf("n=%d: member %d in %d groups", n, id, c)
			}
		}
	}
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
