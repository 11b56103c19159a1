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

	"git.sr.ht/~sbinet/gg"
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
	if len(weeks) == 0 {
		return nil, fmt.Errorf("chart: no weeks to draw")
	}
	p := plot.New()
	// The canvas starts white (vgimg's default background); filling it
	// again as a path was a third of the drawing.
	p.BackgroundColor = nil
	p.Title.Text = title
	p.Y.Label.Text = "%"
	p.Y.Min, p.Y.Max = 0, 100
	// The legend goes below the plot, not over it, where a week's point at
	// the top of the scale would meet it.
	key := plot.NewLegend()
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
	// Every week of the window has its place, half a week from each edge,
	// whatever weeks have numbers: a new house's first chart shows its
	// week where the last week always is, and a point never sits on the
	// edge of the plot. (So the first label needs no room of its own
	// beside the y axis, which NominalX gives it.)
	p.X.Min, p.X.Max = -0.5, float64(len(weeks))-0.5
	p.Y.Padding = 0
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
		key.Add(s.name, line, points)
	}
	// The canvas, its paletted copy and the encoder's buffers come from
	// pools (about 4.5 MB a chart otherwise, which every house's digest,
	// due at the same minute, made and dropped). vgimg, given no image,
	// makes the canvas with gg as below: the context draws on the canvas
	// itself, butt line caps, y up. NewWith paints the image it is given
	// with its default background, white (UseBackgroundColor cannot be
	// given with an image), which clears the last chart;
	// TestRenderLeavesNothingForTheNextChart holds it to that. At 96 dpi
	// (its default) the canvas is 800×400 pixels.
	rgba := canvases.Get().(*image.RGBA)
	defer canvases.Put(rgba)
	ctx := gg.NewContextForRGBA(rgba)
	ctx.SetLineCapButt()
	ctx.InvertY()
	dc := draw.New(vgimg.NewWith(vgimg.UseImageWithContext(rgba, ctx)))
	// The legend's strip, below the plot, with a margin to the image's
	// right and bottom edges and between its two lines.
	margin := vg.Points(4)
	key.Padding = vg.Points(2)
	below := key.Rectangle(dc).Size().Y + 2*margin
	p.Draw(draw.Crop(dc, 0, 0, below, 0))
	key.Draw(draw.Crop(dc, 0, -margin, margin, below-dc.Size().Y))
	pal := palettes.Get().(*image.Paletted)
	defer palettes.Put(pal)
	toPalette(rgba, pal)
	var buf bytes.Buffer
	if err := encoder.Encode(&buf, pal); err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	return buf.Bytes(), nil
}

// canvases and palettes keep charts' images for the next chart: each is
// drawn over whole (the canvas painted white, every pixel of the paletted
// copy written).
var (
	canvases = sync.Pool{New: func() any { return image.NewRGBA(image.Rect(0, 0, WidthPx, HeightPx)) }}
	palettes = sync.Pool{New: func() any { return image.NewPaletted(image.Rect(0, 0, WidthPx, HeightPx), palette) }}
)

// encoder writes the paletted PNG, keeping its buffers and compressor
// between charts.
var encoder = &png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: new(encoderBuffers)}

// encoderBuffers is a png.EncoderBufferPool on a sync.Pool.
type encoderBuffers struct{ p sync.Pool }

func (e *encoderBuffers) Get() *png.EncoderBuffer {
	b, _ := e.p.Get().(*png.EncoderBuffer)
	return b
}

func (e *encoderBuffers) Put(b *png.EncoderBuffer) { e.p.Put(b) }

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
// only for a colour missing from its own table (toPalette), so charts drawn
// at once (every house's digest, due at the same minute) do not queue on
// it.
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

// toPalette maps an opaque chart onto palette, in dst (of src's size):
// white is index 0, and every other colour takes its nearest entry (where
// the two lines cross, a mix of both inks finds the closer one). Most
// pixels are white, and most of the others repeat a colour met just
// before (a line's or a letter's core): this chart's colours are kept in
// a small table by their bits, and a colour missing there (met first, or
// pushed out by another with the same slot) is looked up in nearest.
func toPalette(src *image.RGBA, dst *image.Paletted) {
	b := src.Bounds()
	// seen holds 1<<32 | colour<<8 | index: bit 32, above the colour,
	// marks a slot in use.
	var seen [1 << 10]uint64
	for y := range b.Dy() {
		row := src.Pix[y*src.Stride : y*src.Stride+4*b.Dx()]
		out := dst.Pix[y*dst.Stride : y*dst.Stride+b.Dx()]
		for x := range out {
			px := row[4*x : 4*x+4 : 4*x+4]
			r, g, bl := px[0], px[1], px[2]
			if r&g&bl == 0xff {
				out[x] = 0 // white
				continue
			}
			key := uint32(r)<<16 | uint32(g)<<8 | uint32(bl)
			slot := &seen[(key*0x9e3779b1)>>22]
			if *slot>>32 == 1 && uint32(*slot>>8)&0xffffff == key {
				out[x] = uint8(*slot)
				continue
			}
			i := nearestIndex(key)
			*slot = 1<<32 | uint64(key)<<8 | uint64(i)
			out[x] = i
		}
	}
}
