package viz

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/gibbsml/gibbs/tensor"
)

// Box is an axis-aligned rectangle of the plane, [XMin, XMax] × [YMin, YMax].
// It has the same fields as data.Box, so one converts to the other.
type Box struct {
	XMin, XMax, YMin, YMax float64
}

// toPixel maps a point of b to pixel coordinates in a w×h picture whose
// top-left corner is (XMin, YMax).
func (b Box) toPixel(x, y float64, w, h int) (px, py float64) {
	return (x - b.XMin) / (b.XMax - b.XMin) * float64(w), (b.YMax - y) / (b.YMax - b.YMin) * float64(h)
}

// Field is a scalar field sampled on a W×H grid of cells covering Box.
// Values[j*W+i] is the value at the center of cell (i, j):
//
//	x = XMin + (i+0.5)·(XMax−XMin)/W,  y = YMin + (j+0.5)·(YMax−YMin)/H,
//
// so row j = 0 is the bottom of the box.
type Field struct {
	Box    Box
	W, H   int
	Values []float64
}

// NewField returns the field whose row j (from the bottom of box) is
// rows[j]. All rows must have the same length.
func NewField(box Box, rows [][]float64) Field {
	f := Field{Box: box, H: len(rows)}
	if f.H > 0 {
		f.W = len(rows[0])
	}
	for j, r := range rows {
		if len(r) != f.W {
			panic(fmt.Sprintf("viz: NewField: row %d has %d values, row 0 has %d", j, len(r), f.W))
		}
		f.Values = append(f.Values, r...)
	}
	return f
}

// evalBatch is how many points EvalGrid passes to its function at once.
const evalBatch = 4096

// EvalGrid evaluates f on a res×res grid of cell centers over box and
// returns the field. f maps an [N, 2] tensor of points (x, y) to N values
// (shape [N] or [N, 1]), typically a model's energies; it is called on
// batches of at most 4096 points; the graph it records (when a model's
// parameters require gradients) is released after each batch.
func EvalGrid(box Box, res int, f func(xs *tensor.Tensor) *tensor.Tensor) Field {
	if res <= 0 {
		panic(fmt.Sprintf("viz: EvalGrid: resolution %d, want a positive number", res))
	}
	fld := Field{Box: box, W: res, H: res, Values: make([]float64, res*res)}
	for start := 0; start < res*res; start += evalBatch {
		n := min(evalBatch, res*res-start)
		pts := make([]float32, 2*n)
		for k := range n {
			i, j := (start+k)%res, (start+k)/res
			pts[2*k] = float32(box.XMin + (float64(i)+0.5)*(box.XMax-box.XMin)/float64(res))
			pts[2*k+1] = float32(box.YMin + (float64(j)+0.5)*(box.YMax-box.YMin)/float64(res))
		}
		out := f(tensor.New(pts, n, 2)).DetachRelease()
		if out.Len() != n {
			panic(fmt.Sprintf("viz: EvalGrid: function returned shape %v for %d points", out.Shape(), n))
		}
		for k, v := range out.Data() {
			fld.Values[start+k] = float64(v)
		}
	}
	return fld
}

// ColorScale says how field values map to colors.
type ColorScale struct {
	// Low and High are percentiles (0 to 100) of the field's finite values
	// that map to the two ends of the colormap; values beyond them are
	// clipped. A High of 0 means 100, so the zero ColorScale spans the
	// whole range. Clipping the top few percent keeps a handful of huge
	// energies from washing out the picture.
	Low, High float64
	// Log colors by log(1 + v − lo), where lo is the value at Low, instead
	// of by v: it spreads out the low values of a field that rises steeply.
	Log bool
}

// limits returns the values at the scale's percentiles of the finite
// values in vs; ok is false when there are none.
func (s ColorScale) limits(vs []float64) (lo, hi float64, ok bool) {
	finite := make([]float64, 0, len(vs))
	for _, v := range vs {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			finite = append(finite, v)
		}
	}
	if len(finite) == 0 {
		return 0, 0, false
	}
	slices.Sort(finite)
	high := s.High
	if high == 0 {
		high = 100
	}
	return percentile(finite, s.Low), percentile(finite, high), true
}

// percentile interpolates the p-th percentile of sorted values.
func percentile(sorted []float64, p float64) float64 {
	pos := math.Max(0, math.Min(100, p)) / 100 * float64(len(sorted)-1)
	i := int(pos)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (pos-float64(i))*(sorted[i+1]-sorted[i])
}

// position maps v to [0, 1] between lo and hi: NaN stays NaN, ±Inf go to
// the ends and, in a flat range, finite values to the middle.
func (s ColorScale) position(v, lo, hi float64) float64 {
	switch {
	case math.IsNaN(v):
		return v
	case math.IsInf(v, 1):
		return 1
	case math.IsInf(v, -1):
		return 0
	case hi <= lo:
		return 0.5
	}
	v = math.Max(lo, math.Min(hi, v))
	if s.Log {
		return math.Log1p(v-lo) / math.Log1p(hi-lo)
	}
	return (v - lo) / (hi - lo)
}

// value inverts position: the field value at colormap position t.
func (s ColorScale) value(t, lo, hi float64) float64 {
	if s.Log {
		return lo + math.Expm1(t*math.Log1p(hi-lo))
	}
	return lo + t*(hi-lo)
}

// maxBarTicks is the most ticks a color bar gets.
const maxBarTicks = 10

// ticks returns the values to mark on a color bar of h pixels over
// [lo, hi], with their labels. A linear scale gets evenly spaced round
// values, as an axis does. A Log scale gets the roundest values (0, then
// 1, 5, 2 and 3 times powers of ten, larger powers first, then the ends
// rounded to two digits where the bar is bare) that lie at least two and
// a half lines of text apart on the bar.
func (s ColorScale) ticks(lo, hi float64, h int) ([]float64, []string) {
	if hi <= lo {
		return []float64{lo}, []string{strconv.FormatFloat(lo, 'g', 3, 64)}
	}
	if !s.Log {
		vs, ls := axis{lo: lo, hi: hi}.ticks()
		var values []float64
		var labels []string
		for i, v := range vs {
			if v >= lo-1e-9*(hi-lo) && v <= hi+1e-9*(hi-lo) {
				values, labels = append(values, v), append(labels, ls[i])
			}
		}
		return values, labels
	}
	top := math.Floor(math.Log10(math.Max(math.Abs(lo), math.Abs(hi))))
	candidates := []float64{0}
	for k := top; k >= top-3; k-- {
		for _, m := range []float64{1, 5, 2, 3} {
			v := m * math.Pow(10, k)
			candidates = append(candidates, v, -v)
		}
	}
	// Last, the ends rounded inwards to two digits, for a range that the
	// round values leave unmarked over a sixth of the bar near an end.
	ends := len(candidates)
	candidates = append(candidates, roundIn(lo, hi), roundIn(hi, lo))
	var values []float64
	minGap := 2.5 * float64(fontHeight) / float64(h)
	for i, v := range candidates {
		if v < lo || v > hi || len(values) == maxBarTicks {
			continue
		}
		gap := minGap
		if i >= ends {
			gap = max(minGap, 1.0/6)
		}
		pos := s.position(v, lo, hi)
		if slices.ContainsFunc(values, func(u float64) bool { return math.Abs(s.position(u, lo, hi)-pos) < gap }) {
			continue
		}
		values = append(values, v)
	}
	if len(values) < 2 {
		return s.endTicks(lo, hi)
	}
	slices.Sort(values)
	labels := make([]string, len(values))
	for i, v := range values {
		labels[i] = strconv.FormatFloat(v, 'g', 3, 64)
	}
	return values, labels
}

// roundIn rounds v to two significant digits, towards other.
func roundIn(v, other float64) float64 {
	if v == 0 {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(math.Abs(v)))-1)
	if other > v {
		return math.Ceil(v/p) * p
	}
	return math.Floor(v/p) * p
}

// endTicks marks the ends of [lo, hi] and its middle.
func (s ColorScale) endTicks(lo, hi float64) ([]float64, []string) {
	var values []float64
	var labels []string
	for _, q := range []float64{0, 0.5, 1} {
		v := s.value(q, lo, hi)
		values, labels = append(values, v), append(labels, strconv.FormatFloat(v, 'g', 3, 64))
	}
	return values, labels
}
