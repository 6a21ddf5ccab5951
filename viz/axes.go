package viz

import (
	"image"
	"image/color"
	"math"
	"strconv"
)

var (
	axisColor = color.NRGBA{60, 60, 60, 255}
	textColor = color.NRGBA{20, 20, 20, 255}
	gridColor = color.NRGBA{0, 0, 0, 30}
)

// frame outlines r with a one-pixel line just outside it.
func (c canvas) frame(r image.Rectangle) {
	r = r.Inset(-1)
	c.fill(image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+1), axisColor)
	c.fill(image.Rect(r.Min.X, r.Max.Y-1, r.Max.X, r.Max.Y), axisColor)
	c.fill(image.Rect(r.Min.X, r.Min.Y, r.Min.X+1, r.Max.Y), axisColor)
	c.fill(image.Rect(r.Max.X-1, r.Min.Y, r.Max.X, r.Max.Y), axisColor)
}

// axis is the range of one plot axis, linear or logarithmic; the ticks of
// an integer axis (steps, depths) are whole numbers.
type axis struct {
	lo, hi  float64
	log     bool
	integer bool
}

// newAxis returns an axis over [lo, hi], widened when the range is empty
// so that a constant series still gets a sensible scale.
func newAxis(lo, hi float64, log bool) axis {
	if hi <= lo {
		if log {
			lo, hi = lo/2, hi*2
		} else {
			d := math.Max(math.Abs(lo)*0.1, 1)
			lo, hi = lo-d, hi+d
		}
	}
	return axis{lo: lo, hi: hi, log: log}
}

// frac returns where v falls on the axis, 0 at lo and 1 at hi.
func (a axis) frac(v float64) float64 {
	if a.log {
		return math.Log(v/a.lo) / math.Log(a.hi/a.lo)
	}
	return (v - a.lo) / (a.hi - a.lo)
}

// ticks returns about five round values on the axis and their labels:
// multiples of 1, 2 or 5 times a power of ten, or on a log axis the
// powers of ten (with 2× and 5×, then 3×, when fewer than three fit).
func (a axis) ticks() ([]float64, []string) {
	if a.log {
		var vs []float64
		for _, mults := range [][]float64{{1}, {1, 2, 5}, {1, 2, 3, 5}} {
			vs = vs[:0]
			for k := math.Floor(math.Log10(a.lo)); k <= math.Ceil(math.Log10(a.hi)); k++ {
				for _, m := range mults {
					if v := m * math.Pow(10, k); v >= a.lo*(1-1e-9) && v <= a.hi*(1+1e-9) {
						vs = append(vs, v)
					}
				}
			}
			if len(vs) >= 3 {
				break
			}
		}
		if len(vs) >= 2 {
			labels := make([]string, len(vs))
			for i, v := range vs {
				labels[i] = strconv.FormatFloat(v, 'g', 3, 64)
			}
			return vs, labels
		}
	}
	step := niceStep((a.hi - a.lo) / 5)
	if a.integer {
		step = math.Max(step, 1)
	}
	var vs []float64
	var labels []string
	decimals := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	for v := math.Ceil(a.lo/step-1e-9) * step; v <= a.hi+step*1e-9; v += step {
		if a.log && v <= 0 {
			continue
		}
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		vs = append(vs, v)
		if decimals > 4 || math.Abs(v) >= 1e6 {
			labels = append(labels, strconv.FormatFloat(v, 'g', 3, 64))
		} else {
			labels = append(labels, strconv.FormatFloat(v, 'f', decimals, 64))
		}
	}
	return vs, labels
}

// niceStep rounds raw up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5} {
		if raw <= m*p*(1+1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// Labels are the texts around a plot: a title above it and the names of
// its axes. Empty ones take no room.
type Labels struct {
	Title  string
	XLabel string
	YLabel string // drawn turned up, left of the tick labels
}

// axesPlot lays out a picture with a w×h plot area, the labels, grid
// lines and tick labels for the x and y axes, and extra pixels right of
// the area (for a color bar), and returns it with a canvas over the plot
// area alone (drawing on it is clipped to the area; its bounds are the
// area's place in the picture).
func axesPlot(xa, ya axis, w, h int, l Labels, extra int) (full, area canvas) {
	xs, xl := xa.ticks()
	ys, yl := ya.ticks()
	left := 0
	for _, s := range yl {
		tw, _ := textSize(s)
		left = max(left, tw)
	}
	left += margin + tickLen + 3
	if l.YLabel != "" {
		left += fontHeight + labelGap
	}
	lastW, _ := textSize(xl[len(xl)-1])
	right := margin + max(lastW/2, extra)
	bottom := margin + tickLen + 3 + fontHeight
	if l.XLabel != "" {
		bottom += labelGap + fontHeight
	}
	top := margin + fontCap/2
	if l.Title != "" {
		top = margin + fontHeight + labelGap
	}
	titleW, _ := boldSize(l.Title)
	right = max(right, 2*margin+titleW-left-w)

	full = newCanvas(left+w+right, top+h+bottom, color.White)
	r := image.Rect(left, top, left+w, top+h)
	for i, v := range xs {
		x := left + min(int(xa.frac(v)*float64(w)), w-1)
		full.fill(image.Rect(x, r.Min.Y, x+1, r.Max.Y), gridColor)
		full.fill(image.Rect(x, r.Max.Y, x+1, r.Max.Y+tickLen), axisColor)
		tw, _ := textSize(xl[i])
		full.text(x-tw/2, r.Max.Y+tickLen+3, xl[i], axisColor)
	}
	for i, v := range ys {
		y := r.Max.Y - 1 - min(int(ya.frac(v)*float64(h)), h-1)
		full.fill(image.Rect(r.Min.X, y, r.Max.X, y+1), gridColor)
		full.fill(image.Rect(r.Min.X-tickLen, y, r.Min.X, y+1), axisColor)
		tw, _ := textSize(yl[i])
		full.text(r.Min.X-tickLen-3-tw, y-fontCap/2, yl[i], axisColor)
	}
	full.frame(r)
	if l.Title != "" {
		x := (r.Min.X + r.Max.X - titleW) / 2
		x = max(margin, min(x, full.img.Rect.Dx()-margin-titleW))
		full.boldText(x, margin, l.Title, textColor)
	}
	if l.XLabel != "" {
		tw, _ := textSize(l.XLabel)
		full.text((r.Min.X+r.Max.X-tw)/2, r.Max.Y+tickLen+3+fontHeight+labelGap, l.XLabel, textColor)
	}
	if l.YLabel != "" {
		tw, _ := textSize(l.YLabel)
		full.textUp(margin, (r.Min.Y+r.Max.Y-tw)/2, l.YLabel, textColor)
	}
	return full, canvas{full.img.SubImage(r).(*image.RGBA)}
}
