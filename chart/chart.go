// Package chart draws the weekly digest's chart with gonum/plot: the
// participation rate and the average mood per week. It knows nothing of the
// rest of Porchlight; cmd gives its Render to the core.
package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
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

// The chart's inks: the text and axes, and the two lines.
var (
	ink           = color.RGBA{A: 0xff}
	participation = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	mood          = color.RGBA{R: 0xd6, G: 0x60, B: 0x1a, A: 0xff}
)

// RenderIn draws participation (as a percentage, left scale) and mood
// (scaled to the same axis: 1 = 0 %, 5 = 100 %) per week, with the lines
// named by legend, and returns a PNG.
//
// The PNG is paletted (see palette): a digest's chart is about 10 KB
// instead of 30, costs about a third less to make, and grows less with
// what the lines cover (a year's eight weeks against a new house's one)
// than the full-colour PNG's row filters and deflate did.
func RenderIn(legend Legend, title string, weeks []Week) ([]byte, error) {
	p := plot.New()
	// The canvas starts white (vgimg's default background); filling it
	// again as a path was a third of the drawing.
	p.BackgroundColor = nil
	p.Title.Text = title
	p.Y.Label.Text = "%"
	p.Y.Min, p.Y.Max = 0, 100
	p.Legend.Top = true
	labels := make([]string, len(weeks))
	part := make(plotter.XYs, 0, len(weeks))
	moods := make(plotter.XYs, 0, len(weeks))
	for i, w := range weeks {
		labels[i] = w.Label
		if !math.IsNaN(w.Participation) {
			part = append(part, plotter.XY{X: float64(i), Y: 100 * w.Participation})
		}
		if !math.IsNaN(w.Mood) {
			moods = append(moods, plotter.XY{X: float64(i), Y: (w.Mood - 1) / 4 * 100})
		}
	}
	p.NominalX(labels...)
	for _, s := range []struct {
		name  string
		xys   plotter.XYs
		color color.Color
		dash  []vg.Length
	}{
		{legend.Participation, part, participation, nil},
		{legend.Mood, moods, mood, []vg.Length{vg.Points(4), vg.Points(3)}},
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
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(WidthPx)*vg.Inch/96, vg.Length(HeightPx)*vg.Inch/96), vgimg.UseBackgroundColor(color.White))
	p.Draw(draw.New(c))
	rgba, ok := c.Image().(*image.RGBA)
	if !ok {
		return nil, fmt.Errorf("chart: canvas image is %T, not RGBA", c.Image())
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, paletted(rgba)); err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	return buf.Bytes(), nil
}

// palette is white and each ink's 63 shades on white: every colour an
// antialiased edge of text, an axis or one line gives on the white
// canvas. 190 colours fit a paletted PNG, which is a byte a pixel with
// no per-row filtering to choose, where RGBA is four with it.
var palette = func() color.Palette {
	p := color.Palette{color.White}
	for _, c := range []color.RGBA{ink, participation, mood} {
		for level := 1; level <= 63; level++ {
			a := float64(level) / 63
			on := func(v uint8) uint8 { return uint8(math.Round(255 + a*(float64(v)-255))) }
			p = append(p, color.RGBA{R: on(c.R), G: on(c.G), B: on(c.B), A: 0xff})
		}
	}
	return p
}()

// nearest remembers each colour's palette entry across charts: the
// colours an antialiased chart gives repeat from one chart to the next, and
// finding an entry is a scan of the palette. It is bounded by maxNearest,
// beyond which a colour is looked up but not kept. A chart takes the lock
// only for a colour it has not met yet, so charts drawn at once (every
// house's digest, due at the same minute) do not queue on it.
var nearest = struct {
	sync.Mutex
	m map[uint32]uint8
}{m: map[uint32]uint8{}}

const maxNearest = 1 << 16

// nearestIndex is key's palette entry, through nearest.
func nearestIndex(key uint32) uint8 {
	nearest.Lock()
	defer nearest.Unlock()
	if i, ok := nearest.m[key]; ok {
		return i
	}
	i := uint8(palette.Index(color.RGBA{R: uint8(key >> 16), G: uint8(key >> 8), B: uint8(key), A: 0xff}))
	if len(nearest.m) < maxNearest {
		nearest.m[key] = i
	}
	return i
}

// paletted maps an opaque chart onto palette: white stays index 0, and
// every other colour takes its nearest entry (where the two lines cross,
// a mix of both inks finds the closer one).
func paletted(src *image.RGBA) *image.Paletted {
	b := src.Bounds()
	dst := image.NewPaletted(b, palette)
	seen := map[uint32]uint8{} // this chart's colours, without the lock
	for y := range b.Dy() {
		row := src.Pix[y*src.Stride : y*src.Stride+4*b.Dx()]
		out := dst.Pix[y*dst.Stride:]
		for x := range b.Dx() {
			r, g, bl := row[4*x], row[4*x+1], row[4*x+2]
			if r == 0xff && g == 0xff && bl == 0xff {
				continue // white, index 0
			}
			key := uint32(r)<<16 | uint32(g)<<8 | uint32(bl)
			i, ok := seen[key]
			if !ok {
				i = nearestIndex(key)
				seen[key] = i
			}
			out[x] = i
		}
	}
	return dst
}
