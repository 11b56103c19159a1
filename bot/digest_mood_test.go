package bot

import (
	"fmt"
	"testing"
)

// TestHouseMoodRevealsNoHiddenMood is the proof behind houseMood, over
// every case of a house of three to six residents who answered once each:
// every split of the residents into moods the reader sees and moods they
// do not, and every mood of everyone (1 to 5).
//
// The reader is the strongest one: they know who answered, whose mood is
// hidden from them, every mood they may see, and the rule itself. For each
// house, they group all the ways the hidden moods could be by what the
// digest would then show. A hidden mood is given away when, within the
// group of what was really shown, it has only one possible value; the test
// fails if that ever happens.
func TestHouseMoodRevealsNoHiddenMood(t *testing.T) {
	for n := 3; n <= 6; n++ {
		shownCases := 0
		for hiddenMask := 0; hiddenMask < 1<<n; hiddenMask++ {
			var hidden, seen []int
			for i := range n {
				if hiddenMask&(1<<i) != 0 {
					hidden = append(hidden, i)
				} else {
					seen = append(seen, i)
				}
			}
			if len(hidden) == 0 {
				continue // nothing to give away
			}
			// Every mood the reader sees: only their sum reaches the
			// aggregate, so each sum stands for every vector with it.
			for seenSum := len(seen); seenSum <= 5*len(seen); seenSum++ {
				// What the digest would show, for every way the hidden
				// moods could be; and, per shown value, which values each
				// hidden resident could then have had.
				possible := map[string][]map[int]bool{}
				for _, moods := range allMoods(len(hidden)) {
					agg := AnswerAggregate{Answers: n, MoodCount: n, MoodResidents: n, HiddenResidents: len(hidden), MoodSum: seenSum}
					distinct := map[int]bool{}
					for _, m := range moods {
						agg.MoodSum += m
						distinct[m] = true
					}
					agg.HiddenMoodValues = len(distinct)
					shown := "withheld"
					if v := houseMood(agg); v != nil {
						shown = fmt.Sprintf("%v", *v)
						shownCases++
					}
					if possible[shown] == nil {
						possible[shown] = make([]map[int]bool, len(hidden))
						for i := range possible[shown] {
							possible[shown][i] = map[int]bool{}
						}
					}
					for i, m := range moods {
						possible[shown][i][m] = true
					}
				}
				for shown, values := range possible {
					for i, vs := range values {
						if len(vs) < 2 {
							t.Fatalf("house of %d, hidden residents %v, seen moods summing to %d: the digest showing %s gives away resident %d's mood (only %v fits)",
								n, hidden, seenSum, shown, hidden[i], vs)
						}
					}
				}
			}
		}
		// The rule must not get its safety by never showing anything.
		if shownCases == 0 {
			t.Errorf("house of %d: the average is never shown when some moods are hidden", n)
		}
	}
}

// allMoods lists every vector of k moods from 1 to 5.
func allMoods(k int) [][]int {
	out := [][]int{{}}
	for range k {
		var next [][]int
		for _, v := range out {
			for m := 1; m <= 5; m++ {
				next = append(next, append(append([]int(nil), v...), m))
			}
		}
		out = next
	}
	return out
}

func TestHouseMoodRule(t *testing.T) {
	for _, tc := range []struct {
		name string
		agg  AnswerAggregate
		want string
	}{
		{"two residents", AnswerAggregate{MoodSum: 6, MoodCount: 2, MoodResidents: 2}, "nil"},
		{"three, all seen", AnswerAggregate{MoodSum: 10, MoodCount: 3, MoodResidents: 3}, "3.3"},
		{"eight, one private", AnswerAggregate{MoodSum: 30, MoodCount: 8, MoodResidents: 8, HiddenResidents: 1, HiddenMoodValues: 1}, "nil"},
		{"eight, two private", AnswerAggregate{MoodSum: 30, MoodCount: 8, MoodResidents: 8, HiddenResidents: 2, HiddenMoodValues: 2}, "nil"},
		{"eight, three private alike", AnswerAggregate{MoodSum: 30, MoodCount: 8, MoodResidents: 8, HiddenResidents: 3, HiddenMoodValues: 1}, "nil"},
		{"eight, three private, different", AnswerAggregate{MoodSum: 30, MoodCount: 8, MoodResidents: 8, HiddenResidents: 3, HiddenMoodValues: 2}, "3.8"},
	} {
		got := "nil"
		if v := houseMood(tc.agg); v != nil {
			got = fmt.Sprint(*v)
		}
		if got != tc.want {
			t.Errorf("%s: houseMood = %s, want %s", tc.name, got, tc.want)
		}
	}
}
