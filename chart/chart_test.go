package chart_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"

	"github.com/porchlight/porchlight/chart"
)

func TestRenderIsAPNGOfTheExpectedSize(t *testing.T) {
	weeks := []chart.Week{
		{"W40", 0.8, 3.5}, {"W41", 0.75, math.NaN()}, {"W42", math.NaN(), math.NaN()}, {"W43", 0.9, 4.1},
		{"W44", 0.6, 2.9}, {"W45", 0.7, 3.2}, {"W46", 0.85, 3.8}, {"W47", 1, 4.5},
	}
	data, err := chart.Render("Maple House", weeks)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != chart.WidthPx || b.Dy() != chart.HeightPx {
		t.Errorf("size = %dx%d, want %dx%d", b.Dx(), b.Dy(), chart.WidthPx, chart.HeightPx)
	}
	// Both lines are drawn, in their own colours, on the paletted PNG.
	pal, ok := img.(*image.Paletted)
	if !ok {
		t.Fatalf("image is %T, want a paletted PNG", img)
	}
	for name, want := range map[string]color.RGBA{"participation": {R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, "mood": {R: 0xd6, G: 0x60, B: 0x1a, A: 0xff}} {
		n := 0
		for _, i := range pal.Pix {
			if pal.Palette[i] == want {
				n++
			}
		}
		if n < 100 {
			t.Errorf("%s line: %d pixels of its colour, want a line's worth", name, n)
		}
	}
	// No data at all still draws (an empty chart), rather than failing.
	if _, err := chart.Render("Empty", []chart.Week{{"W47", math.NaN(), math.NaN()}}); err != nil {
		t.Errorf("empty chart: %v", err)
	}
}

// BenchmarkRender draws the digest's chart of eight trend weeks with one
// week of data, as a new house's first digest has, and with eight, as
// every later one: the two should cost about the same.
func BenchmarkRender(b *testing.B) {
	full := []chart.Week{
		{"W40", 0.8, 3.5}, {"W41", 0.75, 3.1}, {"W42", 0.7, 3.3}, {"W43", 0.9, 4.1},
		{"W44", 0.6, 2.9}, {"W45", 0.7, 3.2}, {"W46", 0.85, 3.8}, {"W47", 1, 4.5},
	}
	first := make([]chart.Week, len(full))
	for i, w := range full {
		first[i] = chart.Week{Label: w.Label, Participation: math.NaN(), Mood: math.NaN()}
	}
	first[len(first)-1] = full[len(full)-1]
	for _, c := range []struct {
		name  string
		weeks []chart.Week
	}{{"one-week", first}, {"eight-weeks", full}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := chart.Render("Maple House", c.weeks); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestRenderLeavesNothingForTheNextChart checks that the images a chart
// takes from the pools are drawn over whole: a sparse chart drawn after a
// dense one, and beside others, is the same PNG as before them.
func TestRenderLeavesNothingForTheNextChart(t *testing.T) {
	dense := []chart.Week{
		{"W40", 0.8, 3.5}, {"W41", 0.75, 3.1}, {"W42", 0.7, 3.3}, {"W43", 0.9, 4.1},
		{"W44", 0.6, 2.9}, {"W45", 0.7, 3.2}, {"W46", 0.85, 3.8}, {"W47", 1, 4.5},
	}
	sparse := []chart.Week{{"W46", math.NaN(), math.NaN()}, {"W47", 0.5, math.NaN()}}
	first, err := chart.Render("Maple House", sparse)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chart.Render("Birch House, a longer title", dense); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for i := range 4 {
		go func() {
			weeks := sparse
			if i%2 == 1 {
				weeks = dense
			}
			data, err := chart.Render("Maple House", weeks)
			if err == nil && i%2 == 0 && !bytes.Equal(data, first) {
				err = fmt.Errorf("chart %d: the sparse chart differs from the first one drawn", i)
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	again, err := chart.Render("Maple House", sparse)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, first) {
		t.Error("the sparse chart drawn after the dense one differs from the first one drawn")
	}
}

// TestEveryWeekHasItsPlace checks that the axis holds the whole window
// whatever weeks have numbers: a new house's one week is drawn where the
// last week of a full chart is, not in the middle of an axis of its own.
func TestEveryWeekHasItsPlace(t *testing.T) {
	full := make([]chart.Week, 8)
	first := make([]chart.Week, 8)
	for i := range full {
		label := fmt.Sprintf("W%d", 40+i)
		full[i] = chart.Week{Label: label, Participation: 0.5, Mood: 1} // mood at 0 %, apart
		first[i] = chart.Week{Label: label, Participation: math.NaN(), Mood: math.NaN()}
	}
	first[7] = full[7]
	// lastPoint is the rightmost column of the participation line's colour
	// (at least half its strength on white) between the title and the
	// axis labels (the points are at 50 %).
	lastPoint := func(weeks []chart.Week) int {
		t.Helper()
		img := decoded(t, weeks)
		last := -1
		for y := 80; y < chart.HeightPx-40; y++ {
			for x := range chart.WidthPx {
				if participationInk(img.At(x, y)) {
					last = max(last, x)
				}
			}
		}
		return last
	}
	one, eight := lastPoint(first), lastPoint(full)
	if one < 0 || eight < 0 {
		t.Fatalf("no point found: %d (one week), %d (eight)", one, eight)
	}
	if d := one - eight; d < -2 || d > 2 {
		t.Errorf("one week's point ends at x=%d, the full chart's last at x=%d: want the same place", one, eight)
	}
	if eight > chart.WidthPx-20 {
		t.Errorf("the last point ends at x=%d, on the plot's edge", eight)
	}
}

// TestLegendIsBelowThePlot checks that the legend is not drawn over the
// plot, where a week at the top of the scale would meet it: the top right
// corner, beside the title, holds no text.
func TestLegendIsBelowThePlot(t *testing.T) {
	weeks := make([]chart.Week, 8)
	for i := range weeks {
		weeks[i] = chart.Week{Label: fmt.Sprintf("W%d", 40+i), Participation: 1, Mood: 1}
	}
	img := decoded(t, weeks)
	for y := range 50 {
		for x := chart.WidthPx * 3 / 4; x < chart.WidthPx; x++ {
			if textInk(img.At(x, y)) {
				t.Fatalf("text at (%d, %d), in the plot's top right corner", x, y)
			}
		}
	}
	// It is there, below: text, and the participation line's sample.
	var text, sample bool
	for y := chart.HeightPx - 30; y < chart.HeightPx; y++ {
		for x := chart.WidthPx * 3 / 4; x < chart.WidthPx; x++ {
			text = text || textInk(img.At(x, y))
			sample = sample || participationInk(img.At(x, y))
		}
	}
	if !text || !sample {
		t.Errorf("below the plot: text %v, the participation line's sample %v; want the legend", text, sample)
	}
}

// textInk is whether c is the text's ink (black, or a grey at least half
// of it): the lines' colours are not grey.
func textInk(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r == g && g == b && r>>8 < 0x80
}

// participationInk is whether c is the participation line's colour,
// (0x1f, 0x77, 0xb4), at least half its strength on white: bluer than
// green, greener than red, each channel at most halfway back to white.
func participationInk(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	r, g, b = r>>8, g>>8, b>>8
	return r < g && g < b && r <= 0x8f && g <= 0xbb && b <= 0xda
}

// decoded is the chart of weeks, titled "Maple House", decoded.
func decoded(t *testing.T, weeks []chart.Week) image.Image {
	t.Helper()
	data, err := chart.Render("Maple House", weeks)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}
