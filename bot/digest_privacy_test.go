package bot_test

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/render"
	"github.com/porchlight/porchlight/storage/storagetest"
)

// TestDigestMoodsRevealNoPrivateMood builds the real digest, through SQLite
// and every renderer, for every combination of visibilities (private,
// mentors, house) in houses of three to six residents, with varied moods,
// one week per combination. For each it checks, as the operator reads it:
//
//   - each resident's mood is shown exactly when the reader may see it;
//   - the house average (this week's and the trend's) is shown exactly when
//     the rule allows (at least three residents; the hidden moods nobody's,
//     or at least three residents' and not all alike), to one decimal;
//   - from the JSON's numbers, a reader who knows the rule cannot pin down
//     any hidden mood: each could have been at least two values;
//   - no other format (text, Markdown, HTML, CSV) shows a mood number that
//     the JSON does not.
func TestDigestMoodsRevealNoPrivateMood(t *testing.T) {
	visibilities := []bot.Visibility{bot.VisPrivate, bot.VisMentors, bot.VisHouse}
	first := time.Date(2001, 1, 1, 0, 0, 0, 0, chicago) // a Monday
	largest := 6
	if raceEnabled {
		largest = 3 // see race_test.go
	}
	for n := 3; n <= largest; n++ {
		t.Run(fmt.Sprintf("house of %d", n), func(t *testing.T) {
			h := newHarnessDB(t, storagetest.Open(t), first.AddDate(0, 0, -7))
			combos := 1
			for range n {
				combos *= len(visibilities)
			}
			type week struct {
				vis   []bot.Visibility
				moods []int
			}
			weeks := make([]week, combos)
			err := h.db.Update(h.ctx, func(tx bot.Tx) error {
				var members []*bot.Member
				for i := range n {
					m := &bot.Member{HouseID: h.house.ID, Platform: "test", UserID: fmt.Sprintf("U-%d", i), Name: fmt.Sprintf("Resident %d", i),
						Status: bot.MemberActive, JoinedAt: first.AddDate(0, 0, -7), ConsentAt: first.AddDate(0, 0, -7)}
					if err := tx.SaveMember(h.ctx, m); err != nil {
						return err
					}
					members = append(members, m)
				}
				for c := range combos {
					w := week{}
					for i, code := 0, c; i < n; i, code = i+1, code/len(visibilities) {
						w.vis = append(w.vis, visibilities[code%len(visibilities)])
						// Varied moods, and every third week all alike, where a
						// naive average gives them away.
						mood := 1 + (c*7+i*3)%5
						if c%3 == 0 {
							mood = 1 + c%5
						}
						w.moods = append(w.moods, mood)
					}
					weeks[c] = w
					at := first.AddDate(0, 0, 7*c).Add(9 * time.Hour)
					rd := &bot.Round{HouseID: h.house.ID, ScheduledFor: at, OpenedAt: at, ClosesAt: at.Add(time.Hour), ClosedAt: at.Add(time.Hour), Status: bot.RoundClosed}
					if err := tx.CreateRound(h.ctx, rd); err != nil {
						return err
					}
					for i, m := range members {
						a := &bot.Answer{RoundID: rd.ID, MemberID: m.ID, Mood: w.moods[i], Visibility: w.vis[i], Values: map[string]string{}, Source: "form", AnsweredAt: at, UpdatedAt: at}
						if err := tx.SaveAnswer(h.ctx, a); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// rule is the documented rule, written out plainly.
			rule := func(w week, moods []int) *float64 {
				hidden, sum := 0, 0
				alike := map[int]bool{}
				for i, v := range w.vis {
					sum += moods[i]
					if v == bot.VisPrivate {
						hidden++
						alike[moods[i]] = true
					}
				}
				if hidden > 0 && (hidden < bot.MinGroup || len(alike) < 2) {
					return nil
				}
				avg := math.Round(float64(sum)/float64(len(moods))*10) / 10
				return &avg
			}
			for c, w := range weeks {
				d, err := h.bot.Digest(h.ctx, h.house, bot.ISOWeek(first.AddDate(0, 0, 7*c), chicago), "cli")
				if err != nil {
					t.Fatal(err)
				}
				js, err := render.DigestJSON(d)
				if err != nil {
					t.Fatal(err)
				}
				var out struct {
					Residents []struct {
						MoodAvg *float64 `json:"mood_avg"`
					} `json:"residents"`
					Totals struct {
						MoodAvg   *float64   `json:"mood_avg"`
						MoodTrend []*float64 `json:"mood_trend"`
					} `json:"totals"`
					Trend []struct {
						MoodAvg *float64 `json:"mood_avg"`
					} `json:"trend"`
				}
				if err := json.Unmarshal(js, &out); err != nil {
					t.Fatal(err)
				}
				where := fmt.Sprintf("week %d, visibilities %v, moods %v", c, w.vis, w.moods)
				for i, r := range out.Residents {
					if want := w.vis[i] != bot.VisPrivate; (r.MoodAvg != nil) != want || (want && *r.MoodAvg != float64(w.moods[i])) {
						t.Fatalf("%s: resident %d's mood = %s, want shown=%v", where, i, f(r.MoodAvg), want)
					}
				}
				if got, want := f(out.Totals.MoodAvg), f(rule(w, w.moods)); got != want {
					t.Fatalf("%s: house mood = %s, want %s", where, got, want)
				}
				// The trend's weeks follow the same rule, each with its own
				// week's answers.
				for k, tw := range out.Trend {
					if c-7+k < 0 {
						continue
					}
					earlier := weeks[c-7+k]
					if got, want := f(tw.MoodAvg), f(rule(earlier, earlier.moods)); got != want {
						t.Fatalf("%s: trend week %d mood = %s, want %s", where, k, got, want)
					}
				}
				// The reader's best attempt: every way the hidden moods could
				// be that shows the same JSON numbers.
				var hidden []int
				for i, v := range w.vis {
					if v == bot.VisPrivate {
						hidden = append(hidden, i)
					}
				}
				possible := make([]map[int]bool, len(hidden))
				for i := range possible {
					possible[i] = map[int]bool{}
				}
				for _, guess := range bot.AllMoods(len(hidden)) {
					moods := append([]int(nil), w.moods...)
					for j, i := range hidden {
						moods[i] = guess[j]
					}
					if f(rule(w, moods)) == f(out.Totals.MoodAvg) {
						for j := range hidden {
							possible[j][guess[j]] = true
						}
					}
				}
				for j, vs := range possible {
					if len(vs) < 2 {
						t.Fatalf("%s: the JSON gives away resident %d's private mood (only %v fits)", where, hidden[j], vs)
					}
				}
				// Every other format shows no mood number the JSON lacks.
				allowed := map[string]bool{}
				for _, v := range append(append([]*float64{out.Totals.MoodAvg}, out.Totals.MoodTrend...), residentMoods(d)...) {
					if v != nil {
						allowed[fmt.Sprintf("%.1f", *v)], allowed[fmt.Sprintf("%.2f", *v)] = true, true
					}
				}
				csv, err := render.DigestCSV(d)
				if err != nil {
					t.Fatal(err)
				}
				html, err := render.DigestHTML(d, nil)
				if err != nil {
					t.Fatal(err)
				}
				for format, text := range map[string]string{"text": render.DigestText(d), "markdown": render.DigestMarkdown(d), "csv": string(csv), "html": htmlBody(html)} {
					for _, num := range decimal.FindAllString(text, -1) {
						if !allowed[num] {
							t.Fatalf("%s: %s shows %s, which the JSON does not (%s)", where, format, num, js)
						}
					}
				}
			}
		})
	}
}

// decimal finds the numbers with a fraction in a rendering: moods.
var decimal = regexp.MustCompile(`\d+\.\d+`)

// htmlBody is a page's content after its style sheet, whose numbers
// (line-height 1.5) are no moods.
func htmlBody(page []byte) string {
	_, body, _ := strings.Cut(string(page), "</style>")
	return body
}

func residentMoods(d *bot.Digest) []*float64 {
	var out []*float64
	for _, r := range d.Residents {
		out = append(out, r.MoodAvg)
	}
	return out
}
