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
// in two passes: the sum, then the sum of squared deviations from the
// mean.
func normStats(x []float32, l normLayout) (mean, variance []float32) {
	mean, variance = make([]float32, l.groups), make([]float32, l.groups)
	if l.byRows() {
		rowStats(x, mean, variance, l)
		return mean, variance
	}
	n := float64(l.count())
	l.split(l.groups, func(c0, c1 int) {
		d := make([]float32, l.inner)
		for c := c0; c < c1; c++ {
			mean[c], variance[c] = groupStats(x, l, c, n, d)
		}
	})
	return mean, variance
}

// groupStats returns the mean and biased variance of group c of x, which
// holds n values; d is scratch of l.inner values. Each run is summed by
// kernel.Sum and kernel.Dot, whose rounding error does not grow with its
// length, and the runs' sums are added in float64. The second pass
// corrects the first (the corrected two-pass algorithm): with d = x - m0
// for the first pass's mean m0, mean = m0 + mean(d) and var = mean(d^2) -
// mean(d)^2, whose sums hold only the small deviations, so that a mean
// far from zero costs no digits of the variance.
func groupStats(x []float32, l normLayout, c int, n float64, d []float32) (mean, variance float32) {
	var s float64
	l.each(c, func(off int) { s += float64(kernel.Sum(x[off : off+l.inner])) })
	m0 := float32(s / n)
	var sd, q float64
	l.each(c, func(off int) {
		kernel.NormApply(d, x[off:off+l.inner], m0, 1, 0)
		sd += float64(kernel.Sum(d))
		q += float64(kernel.Dot(d, d))
	})
	e := sd / n
	return float32(float64(m0) + e), float32(max(q/n-e*e, 0))
}

// rstd returns 1/sqrt(variance + eps) for every group.
func rstd(variance []float32, eps float32) []float32 {
	r := make([]float32, len(variance))
	for i, v := range variance {
		r[i] = float32(1 / math.Sqrt(float64(v)+float64(eps)))
	}
	return r
}

// normApply writes y = (x - mean) * rs * w + b for a weight per group
// (not perInner: LayerNorm's rows run by layerForward), w and b nil for
// the identity map, as (x - mean) * (rs * w) + b in one pass per run.
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
				switch {
				case w == nil:
					kernel.NormApply(ys, xs, m, r, 0)
				default:
					kernel.NormApply(ys, xs, m, r*w[c], b[c])
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
		scratch, step := make([]float32, l.inner), new(kernel.NormGradStep)
		for c := c0; c < c1; c++ {
			groupBackward(gx, gw, gb, g, x, mean, rs, w, l, c, scratch, step)
		}
	})
}

// groupBackward is normBackward's work on group c (a weight per group,
// not perInner): its part of gx and, with a weight, its entries of gw and
// gb. xhat is scratch of l.inner values; step is filled in for kernel.NormGrad.
func groupBackward(gx, gw, gb, g, x, mean, rs, w []float32, l normLayout, c int, xhat []float32, step *kernel.NormGradStep) {
	n := float64(l.count())
	m, r := mean[c], rs[c]
	wc := float32(1) // the weight of the whole group
	if w != nil {
		wc = w[c]
	}
	// Sums of g and g*xhat over the group, run by run (xhat the
	// normalised input of the run); gxhat = g wc scales them.
	var sb, sw float64
	l.each(c, func(off int) {
		kernel.NormApply(xhat, x[off:off+l.inner], m, r, 0)
		gr := g[off : off+l.inner]
		sb += float64(kernel.Sum(gr))
		sw += float64(kernel.Dot(gr, xhat))
	})
	if w != nil {
		gw[c] += float32(sw)
		gb[c] += float32(sb)
	}
	// r (gxhat - mg - xhat mgx), gxhat = g wc.
	*step = kernel.NormGradStep{M: m, R: r, W: wc, MG: float32(sb * float64(wc) / n), MGX: float32(sw * float64(wc) / n)}
	l.each(c, func(off int) {
		kernel.NormGrad(gx[off:off+l.inner], g[off:off+l.inner], x[off:off+l.inner], step)
	})
}
