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
	Name  string      // shown in the legend; a series without a name is left out of it
}

// LinePlot draws curves, such as loss curves, with grid lines and labeled
// ticks, the Labels and, when a series has a Name, a legend in the top
// right corner. The axes span the finite values of all series; with LogY
// the y axis is logarithmic and values ≤ 0 are left out. A value left out
// breaks its curve.
type LinePlot struct {
	Series []Series
	Labels
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
	// A little room above and below keeps the extreme values off the frame.
	if p.LogY {
		ylo, yhi = ylo/math.Pow(yhi/ylo, 0.04), yhi*math.Pow(yhi/ylo, 0.04)
	} else {
		ylo, yhi = ylo-0.04*(yhi-ylo), yhi+0.04*(yhi-ylo)
	}
	xa, ya := newAxis(xlo, xhi, false), newAxis(ylo, yhi, p.LogY)
	xa.integer = p.integerX()
	full, area := axesPlot(xa, ya, w, h, p.Labels, 0)
	r := area.img.Rect
	toPixel := func(x, y float64) (float64, float64) {
		// Inset by half a line so that extreme points are not clipped.
		return float64(r.Min.X) + lw/2 + xa.frac(x)*(float64(w)-lw), float64(r.Max.Y) - lw/2 - ya.frac(y)*(float64(h)-lw)
	}
	for i, s := range p.Series {
		n := nrgba(seriesColor(s.Color, i))
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
				area.dot(cx, cy, 2*lw, n) // an isolated point
			}
			px, py, havePrev = cx, cy, true
		}
	}
	var keys []Key
	for i, s := range p.Series {
		if s.Name != "" {
			keys = append(keys, Key{s.Name, seriesColor(s.Color, i)})
		}
	}
	area.legend(keys, max(lw, 2))
	return full.img
}

// Key is an entry of a legend: a swatch of Color, then Name.
type Key struct {
	Name  string
	Color color.Color
}

// seriesColor is col, or the palette color of position i when col is nil.
func seriesColor(col color.Color, i int) color.Color {
	if col == nil {
		return Palette(i)
	}
	return col
}

// legend draws a box in the top-right corner of c with a swatch and the
// name of each key: a stroke lw pixels wide, or a dot when lw is 0.
func (c canvas) legend(keys []Key, lw float64) {
	const swatch, pad, rowH = 18, 5, fontHeight + 3
	if len(keys) == 0 {
		return
	}
	textW := 0
	for _, k := range keys {
		tw, _ := textSize(k.Name)
		textW = max(textW, tw)
	}
	r := c.img.Rect
	box := image.Rect(r.Max.X-pad-swatch-pad-textW-pad-pad, r.Min.Y+pad, r.Max.X-pad, r.Min.Y+pad+len(keys)*rowH+pad)
	c.fill(box, color.NRGBA{255, 255, 255, 230})
	c.frame(box.Inset(1))
	y := box.Min.Y + pad
	for _, k := range keys {
		n := nrgba(k.Color)
		n.A = max(n.A, 200) // a faint curve still gets a visible swatch
		mid := float64(y + fontCap/2)
		if lw > 0 {
			c.line(float64(box.Min.X+pad), mid+0.5, float64(box.Min.X+pad+swatch), mid+0.5, lw, n)
		} else {
			c.dot(float64(box.Min.X+pad+swatch/2), mid+0.5, 3, n)
		}
		c.text(box.Min.X+pad+swatch+pad, y, k.Name, textColor)
		y += rowH
	}
}

// integerX reports whether every x value is a whole number.
func (p LinePlot) integerX() bool {
	for _, s := range p.Series {
		for k := range s.Y {
			if x := s.xAt(k); x != math.Trunc(x) {
				return false
			}
		}
	}
	return true
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
