// Package chart draws the weekly digest's chart with gonum/plot: the
// participation rate and the average mood per week. It knows nothing of the
// rest of Porchlight; cmd gives its Render to the core.
package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Size of the PNG, in pixels at 96 dpi.
const (
	WidthPx  = 800
	HeightPx = 400
)

// Week is one week's numbers. A NaN means the number is not shown (no
// round, or too few residents to keep an average anonymous).
type Week struct {
	// Label names the week on the axis, such as "W47".
	Label string
	// Participation is the share of expected check-ins answered, 0 to 1.
	Participation float64
	// Mood is the average mood, 1 to 5.
	Mood float64
}

// Legend names the two lines in the reader's language.
type Legend struct {
	Participation, Mood string
}

// English is the legend in English.
var English = Legend{Participation: "Participation", Mood: "Mood (1–5 scaled to 0–100)"}

// Render is RenderIn with the English legend.
func Render(title string, weeks []Week) ([]byte, error) { return RenderIn(English, title, weeks) }

// RenderIn draws participation (as a percentage, left scale) and mood
// (scaled to the same axis: 1 = 0 %, 5 = 100 %) per week, with the lines
// named by legend, and returns a PNG.
func RenderIn(legend Legend, title string, weeks []Week) ([]byte, error) {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = "%"
	p.Y.Min, p.Y.Max = 0, 100
	p.Legend.Top = true
	labels := make([]string, len(weeks))
	part := make(plotter.XYs, 0, len(weeks))
	mood := make(plotter.XYs, 0, len(weeks))
	for i, w := range weeks {
		labels[i] = w.Label
		if !math.IsNaN(w.Participation) {
			part = append(part, plotter.XY{X: float64(i), Y: 100 * w.Participation})
		}
		if !math.IsNaN(w.Mood) {
			mood = append(mood, plotter.XY{X: float64(i), Y: (w.Mood - 1) / 4 * 100})
		}
	}
	p.NominalX(labels...)
	for _, s := range []struct {
		name  string
		xys   plotter.XYs
		color color.Color
		dash  []vg.Length
	}{
		{legend.Participation, part, color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, nil},
		{legend.Mood, mood, color.RGBA{R: 0xd6, G: 0x60, B: 0x1a, A: 0xff}, []vg.Length{vg.Points(4), vg.Points(3)}},
	} {
		if len(s.xys) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(s.xys)
		if err != nil {
			return nil, fmt.Errorf("chart: %w", err)
		}
		line.Color, line.Dashes = s.color, s.dash
		points.Color, points.Shape = s.color, draw.CircleGlyph{}
		p.Add(line, points)
		p.Legend.Add(s.name, line, points)
	}
	wt, err := p.WriterTo(vg.Length(WidthPx)*vg.Inch/96, vg.Length(HeightPx)*vg.Inch/96, "png")
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	return buf.Bytes(), nil
}
