package bot_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
)

func TestPlanChoreOrder(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		cands []bot.ChoreCandidate
		n     int
		want  []int64
	}{
		{"fewest turns first", []bot.ChoreCandidate{{MemberID: 1, Turns: 3, Known: true}, {MemberID: 2, Turns: 1, Known: true}, {MemberID: 3, Turns: 2, Known: true}}, 2, []int64{2, 3}},
		{"then fewest chores held now", []bot.ChoreCandidate{{MemberID: 1, Turns: 1, Known: true, Holding: 1}, {MemberID: 2, Turns: 1, Known: true}}, 1, []int64{2}},
		{"then longest since, never first", []bot.ChoreCandidate{{MemberID: 1, Turns: 1, Known: true, Last: t0.Add(48 * time.Hour)}, {MemberID: 2, Turns: 1, Known: true, Last: t0}, {MemberID: 3, Turns: 1, Known: true}}, 2, []int64{3, 2}},
		{"then join order", []bot.ChoreCandidate{{MemberID: 9, Known: true, Order: 1}, {MemberID: 4, Known: true, Order: 0}}, 1, []int64{4}},
		{"a newcomer starts level with the least-assigned", []bot.ChoreCandidate{{MemberID: 1, Turns: 10, Known: true, Last: t0}, {MemberID: 2, Turns: 11, Known: true, Last: t0}, {MemberID: 3, Order: 2}}, 1, []int64{3}},
		{"more people than candidates", []bot.ChoreCandidate{{MemberID: 1}, {MemberID: 2, Order: 1}}, 3, []int64{1, 2}},
		{"nobody", nil, 2, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := bot.PlanChore(tc.cands, tc.n)
			if !slices.Equal(got, tc.want) {
				t.Errorf("PlanChore = %v, want %v", got, tc.want)
			}
		})
	}
	_, planned := bot.PlanChore([]bot.ChoreCandidate{{MemberID: 1, Turns: 10, Known: true}, {MemberID: 2, Turns: 7, Known: true}, {MemberID: 3}}, 1)
	if planned[2].Turns != 7 {
		t.Errorf("newcomer's starting tally = %d, want 7 (the least among the known)", planned[2].Turns)
	}
}

// TestPlanChoreIsFairOverTime runs a year of a two-person chore in a house
// whose residents come, go away and come back: whoever is present, turns
// never differ by more than one among those who were there throughout,
// and a newcomer is not handed a run of turns to catch up. The plan does
// not depend on the order candidates are given in.
func TestPlanChoreIsFairOverTime(t *testing.T) {
	type person struct {
		turns int
		known bool
		last  time.Time
		away  bool
	}
	people := map[int64]*person{1: {}, 2: {}, 3: {}, 4: {}, 5: {}}
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	newcomerTurns := 0
	for week := 0; week < 52; week++ {
		at := start.AddDate(0, 0, 7*week)
		switch week {
		case 10:
			people[3].away = true // a pause
		case 14:
			people[3].away = false
		case 30:
			people[6] = &person{} // a newcomer
		}
		var cands []bot.ChoreCandidate
		for id, p := range people {
			if !p.away {
				cands = append(cands, bot.ChoreCandidate{MemberID: id, Turns: p.turns, Known: p.known, Last: p.last, Order: int(id)})
			}
		}
		picked, planned := bot.PlanChore(cands, 2)
		rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
		if again, _ := bot.PlanChore(cands, 2); !slices.Equal(again, picked) {
			t.Fatalf("week %d: plan depends on the candidates' order: %v then %v", week, picked, again)
		}
		for _, c := range planned {
			people[c.MemberID].turns, people[c.MemberID].known = c.Turns, true
		}
		for _, id := range picked {
			people[id].turns++
			people[id].last = at
			if id == 6 && week < 33 {
				newcomerTurns++
			}
		}
		if week < 10 || week > 20 {
			lo, hi := 1<<30, 0
			for id, p := range people {
				if id == 3 || id == 6 || p.away {
					continue
				}
				lo, hi = min(lo, p.turns), max(hi, p.turns)
			}
			if hi-lo > 1 {
				t.Fatalf("week %d: turns range from %d to %d among those present throughout", week, lo, hi)
			}
		}
	}
	if newcomerTurns > 2 {
		t.Errorf("the newcomer had %d of the 6 turns of their first three weeks; a fair share is at most 2", newcomerTurns)
	}
}

func TestChoreKeyAndSpec(t *testing.T) {
	for name, want := range map[string]string{"Kitchen": "kitchen", " Take out the trash! ": "take-out-the-trash", "Baño": "baño", "!!": ""} {
		if got := bot.ChoreKey(name); got != want {
			t.Errorf("ChoreKey(%q) = %q, want %q", name, got, want)
		}
	}
	for every, want := range map[string]string{"daily": "0 9 * * *", "Weekly": "0 9 * * 1", "0 18 * * 0": "0 18 * * 0", "@weekly": "@weekly"} {
		if got := bot.ChoreSpec(every); got != want {
			t.Errorf("ChoreSpec(%q) = %q, want %q", every, got, want)
		}
	}
}
