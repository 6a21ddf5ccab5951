package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// Series is one curve of a LinePlot.
type Series struct {
	Y     []float64
	X     []float64   // nil: 0, 1, 2, ...; otherwise one per Y
	Color color.Color // nil: the palette color of the series' position
}

// LinePlot draws curves, such as loss curves, with grid lines and labeled
// ticks. The axes span the finite values of all series; with LogY the y
// axis is logarithmic and values ≤ 0 are left out. A value left out breaks
// its curve.
type LinePlot struct {
	Series        []Series
	LogY          bool
	Width, Height int     // of the plot area in pixels; 0 means 640 and 360
	LineWidth     float64 // in pixels; 0 means 1.5
}

// Render draws the plot.
func (p LinePlot) Render() image.Image {
	w, h := p.Width, p.Height
	if w <= 0 {
		w = 640
	}
	if h <= 0 {
		h = 360
	}
	lw := p.LineWidth
	if lw <= 0 {
		lw = 1.5
	}
	xlo, xhi := math.Inf(1), math.Inf(-1)
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for i, s := range p.Series {
		if s.X != nil && len(s.X) != len(s.Y) {
			panic(fmt.Sprintf("viz: LinePlot: series %d has %d x values for %d y values", i, len(s.X), len(s.Y)))
		}
		for k, y := range s.Y {
			if x := s.xAt(k); p.usable(x, y) {
				xlo, xhi = math.Min(xlo, x), math.Max(xhi, x)
				ylo, yhi = math.Min(ylo, y), math.Max(yhi, y)
			}
		}
	}
	if xlo > xhi { // nothing to draw
		xlo, xhi, ylo, yhi = 0, 1, 1, 10
	}
	xa, ya := newAxis(xlo, xhi, false), newAxis(ylo, yhi, p.LogY)
	full, area := axesPlot(xa, ya, w, h)
	r := area.img.Rect
	toPixel := func(x, y float64) (float64, float64) {
		// Inset by half a line so that extreme points are not clipped.
		return float64(r.Min.X) + lw/2 + xa.frac(x)*(float64(w)-lw), float64(r.Max.Y) - lw/2 - ya.frac(y)*(float64(h)-lw)
	}
	for i, s := range p.Series {
		col := s.Color
		if col == nil {
			col = Palette(i)
		}
		n := nrgba(col)
		havePrev := false
		var px, py float64
		for k, y := range s.Y {
			x := s.xAt(k)
			if !p.usable(x, y) {
				havePrev = false
				continue
			}
			cx, cy := toPixel(x, y)
			if havePrev {
				area.line(px, py, cx, cy, lw, n)
			} else if k+1 == len(s.Y) || !p.usable(s.xAt(k+1), s.Y[k+1]) {
				area.dot(cx, cy, lw, n) // an isolated point
			}
			px, py, havePrev = cx, cy, true
		}
	}
	return full.img
}

func (s Series) xAt(k int) float64 {
	if s.X == nil {
		return float64(k)
	}
	return s.X[k]
}

// usable reports whether (x, y) can be placed on the plot's axes.
func (p LinePlot) usable(x, y float64) bool {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	return finite(x) && finite(y) && (!p.LogY || y > 0)
}
