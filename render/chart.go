package render

import (
	"math"
	"strings"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/chart"
)

// DigestChart draws a digest's trend as a PNG with the chart package, its
// legend in l; the core gets it as bot.Config.Chart. Weeks are labelled
// without their year ("W47"); a week with no rate or mood leaves a gap.
func DigestChart(l bot.Lang, title string, weeks []bot.DigestWeek) ([]byte, error) {
	cw := make([]chart.Week, len(weeks))
	for i, w := range weeks {
		label := w.Week
		if _, after, ok := strings.Cut(w.Week, "-"); ok {
			label = after
		}
		cw[i] = chart.Week{Label: label, Participation: math.NaN(), Mood: math.NaN()}
		if w.ParticipationRate != nil {
			cw[i].Participation = *w.ParticipationRate
		}
		if w.MoodAvg != nil {
			cw[i].Mood = *w.MoodAvg
		}
	}
	return chart.RenderIn(chart.Legend{Participation: l.T("digest.chart.participation"), Mood: l.T("digest.chart.mood")}, title, cw)
}
