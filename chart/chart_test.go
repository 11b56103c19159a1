package chart_test

import (
	"bytes"
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
	// No data at all still draws (an empty chart), rather than failing.
	if _, err := chart.Render("Empty", []chart.Week{{"W47", math.NaN(), math.NaN()}}); err != nil {
		t.Errorf("empty chart: %v", err)
	}
}
