package nn

import (
	"math"

	"github.com/gibbsml/gibbs/internal/kernel"
)

// normLayout views a tensor as [outer, groups, inner]: every group is
// normalised with the mean and variance of its outer*inner values. The
// affine weight and bias are indexed by group (BatchNorm: groups are
// channels, inner the spatial positions) or, with perInner, by the inner
// position (LayerNorm: groups are rows, inner the normalised features).
type normLayout struct {
	outer, groups, inner int
	perInner             bool
}

// normParallelMin is the tensor size from which the norm loops split the
// groups (or, for the per-feature sums, the features) across threads.
const normParallelMin = 1 << 15

// split runs f over ranges of 0..n-1, across threads when the tensor is
// large enough to repay waking them. Each index is handled by exactly one
// range, so loops that write per index need no locking.
func (l normLayout) split(n int, f func(lo, hi int)) {
	if l.outer*l.groups*l.inner < normParallelMin {
		f(0, n)
		return
	}
	kernel.Parallel(n, f)
}

// count returns the number of values in each group.
func (l normLayout) count() int { return l.outer * l.inner }

// each calls f(a, off) for the start off of every run of inner values of
// group c, a being the outer index.
func (l normLayout) each(c int, f func(off int)) {
	for a := 0; a < l.outer; a++ {
		f((a*l.groups + c) * l.inner)
	}
}

// normStats returns the mean and the biased variance of every group of x,
// summed in float64 in two passes.
func normStats(x []float32, l normLayout) (mean, variance []float32) {
	mean, variance = make([]float32, l.groups), make([]float32, l.groups)
	if l.byRows() {
		rowStats(x, mean, variance, l)
		return mean, variance
	}
	n := float64(l.count())
	l.split(l.groups, func(c0, c1 int) {
		for c := c0; c < c1; c++ {
			mean[c], variance[c] = groupStats(x, l, c, n)
		}
	})
	return mean, variance
}

// groupStats returns the mean and biased variance of group c of x, which
// holds n values.
func groupStats(x []float32, l normLayout, c int, n float64) (mean, variance float32) {
	var s float64
	l.each(c, func(off int) { s += sum64(x[off : off+l.inner]) })
	m := s / n
	var q float64
	l.each(c, func(off int) { q += sqDev64(x[off:off+l.inner], m) })
	return float32(m), float32(q / n)
}

// sum64 returns the sum of x in float64, as four interleaved sums.
func sum64(x []float32) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		v := x[i : i+4 : i+4]
		s0 += float64(v[0])
		s1 += float64(v[1])
		s2 += float64(v[2])
		s3 += float64(v[3])
	}
	for _, v := range x[i:] {
		s0 += float64(v)
	}
	return (s0 + s1) + (s2 + s3)
}

// sqDev64 returns the sum of (x - m)^2 in float64, as four interleaved sums.
func sqDev64(x []float32, m float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		v := x[i : i+4 : i+4]
		d0, d1, d2, d3 := float64(v[0])-m, float64(v[1])-m, float64(v[2])-m, float64(v[3])-m
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for _, v := range x[i:] {
		d := float64(v) - m
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

// rstd returns 1/sqrt(variance + eps) for every group.
func rstd(variance []float32, eps float32) []float32 {
	r := make([]float32, len(variance))
	for i, v := range variance {
		r[i] = float32(1 / math.Sqrt(float64(v)+float64(eps)))
	}
	return r
}

// normApply writes y = (x - mean) * rs * w + b, with w and b nil for the
// identity map, run by run with vector maps that round as the formula
// reads.
func normApply(y, x, mean, rs, w, b []float32, l normLayout) {
	if l.byRows() {
		rowApply(y, x, mean, rs, w, b, l)
		return
	}
	l.split(l.groups, func(c0, c1 int) {
		for c := c0; c < c1; c++ {
			m, r := mean[c], rs[c]
			l.each(c, func(off int) {
				xs, ys := x[off:off+l.inner], y[off:off+l.inner]
				kernel.Map2Scalar(kernel.Sub, ys, xs, m, false)
				switch {
				case w == nil:
					kernel.Map2Scalar(kernel.Mul, ys, ys, r, false)
				case l.perInner:
					kernel.Map2Scalar(kernel.Mul, ys, ys, r, false)
					kernel.Map2(kernel.Mul, ys, ys, w)
					kernel.Map2(kernel.Add, ys, ys, b)
				default:
					kernel.Map2Scalar(kernel.Mul, ys, ys, r*w[c], false)
					kernel.Map2Scalar(kernel.Add, ys, ys, b[c], false)
				}
			})
		}
	})
}

// normBackward sets gx and adds to gw and gb (nil when w is nil) the
// gradients of normApply's y with respect to x, w and b for the output
// gradient g, with
// mean and rs the batch statistics of x (so that they depend on x):
//
//	xhat = (x - mean) * rs,  gxhat = g * w
//	dx = rs * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat))
//	dw = sum g * xhat,  db = sum g
//
// the means and sums being over each group.
func normBackward(gx, gw, gb, g, x, mean, rs, w []float32, l normLayout) {
	if l.byRows() {
		rowBackward(gx, gw, gb, g, x, mean, rs, w, l)
		return
	}
	if l.perInner {
		layerBackward(gx, gw, gb, g, x, mean, rs, w, l)
		return
	}
	l.split(l.groups, func(c0, c1 int) {
		scratch := make([]float32, 2*l.inner)
		for c := c0; c < c1; c++ {
			groupBackward(gx, gw, gb, g, x, mean, rs, w, l, c, scratch)
		}
	})
}

// groupBackward is normBackward's work on group c: its part of gx and,
// with one weight per group, its entries of gw and gb. scratch holds
// 2*l.inner values.
func groupBackward(gx, gw, gb, g, x, mean, rs, w []float32, l normLayout, c int, scratch []float32) {
	perInner := w != nil && l.perInner
	n := float64(l.count())
	m, r := mean[c], rs[c]
	wc := float32(1) // the weight of the whole group
	if w != nil && !perInner {
		wc = w[c]
	}
	// gh is gxhat (or g, scaled by wc later) and xhat the normalised
	// input of the current run.
	gh, xhat := scratch[:l.inner], scratch[l.inner:2*l.inner]
	runParts := func(off int) {
		kernel.Map2Scalar(kernel.Sub, xhat, x[off:off+l.inner], m, false)
		kernel.Map2Scalar(kernel.Mul, xhat, xhat, r, false)
		if perInner {
			kernel.Map2(kernel.Mul, gh, g[off:off+l.inner], w)
		} else {
			copy(gh, g[off:off+l.inner])
		}
	}
	// Sums of gxhat and gxhat*xhat over the group, run by run, and of g
	// and g*xhat for a weight per group.
	var sg, sgx, sb, sw float64
	l.each(c, func(off int) {
		runParts(off)
		s, sx := kernel.Sum(gh), kernel.Dot(gh, xhat)
		if !perInner {
			sb += float64(s)
			sw += float64(sx)
			s, sx = s*wc, sx*wc
		}
		sg += float64(s)
		sgx += float64(sx)
	})
	if w != nil && !perInner {
		gw[c] += float32(sw)
		gb[c] += float32(sb)
	}
	mg, mgx := float32(sg/n), float32(sgx/n)
	l.each(c, func(off int) {
		runParts(off)
		out := gx[off : off+l.inner]
		if !perInner {
			kernel.Map2Scalar(kernel.Mul, gh, gh, wc, false)
		}
		// r (gxhat - mg - xhat mgx)
		kernel.Map2Scalar(kernel.Sub, out, gh, mg, false)
		kernel.Map2Scalar(kernel.Mul, xhat, xhat, mgx, false)
		kernel.Map2(kernel.Sub, out, out, xhat)
		kernel.Map2Scalar(kernel.Mul, out, out, r, false)
	})
}
