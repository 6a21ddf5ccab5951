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

// small reports whether the tensor is too small to repay waking threads.
func (l normLayout) small() bool { return l.outer*l.groups*l.inner < normParallelMin }

// count returns the number of values in each group.
func (l normLayout) count() int { return l.outer * l.inner }

// blocks calls f(at, n) for each outer index in turn, with the n values
// of groups c0..c1 there, which lie side by side from at: the tensor in
// the order it lies in memory rather than group by group (runs
// groups*inner values apart), which lets the hardware prefetch it. Each
// group's runs come in the order of their outer index, so sums over them
// do not depend on c0 and c1.
func (l normLayout) blocks(c0, c1 int, f func(at, n int)) {
	n := (c1 - c0) * l.inner
	for a := 0; a < l.outer; a++ {
		f((a*l.groups+c0)*l.inner, n)
	}
}

// runs calls f(c, off) for the start off of every run of inner values of
// groups c0..c1, block by block (see blocks).
func (l normLayout) runs(c0, c1 int, f func(c, off int)) {
	l.blocks(c0, c1, func(at, _ int) {
		for c := c0; c < c1; c++ {
			f(c, at+(c-c0)*l.inner)
		}
	})
}

// normForward writes y = (x - mean) * rs * w + b (groupApply) for the
// batch statistics of every group of x, which it returns: the mean, the
// biased variance and rs = 1/sqrt(variance + eps). A thread takes a range
// of groups through all three steps in one call, the ranges claimed as
// the threads come free (claim): every group's values are independent of
// the others', so the results do not depend on the ranges, and one
// parallel call rather than two saves a wake-up of the other threads.
func normForward(y, x, w, b []float32, l normLayout, eps float32, act func(dst, x []float32)) (mean, variance, rs []float32) {
	st := make([]float32, 3*l.groups)
	mean, variance, rs = st[:l.groups], st[l.groups:2*l.groups], st[2*l.groups:]
	l.claim(l.groups, func(c0, c1 int) {
		if l.byRows() {
			rowStats(x, mean, variance, l, c0, c1)
		} else {
			groupStats(x, mean, variance, l, c0, c1)
		}
		for c := c0; c < c1; c++ {
			rs[c] = float32(1 / math.Sqrt(float64(variance[c])+float64(eps)))
		}
		if l.byRows() {
			rowApply(y, x, mean, rs, w, b, l, act, c0, c1)
		} else {
			groupApply(y, x, mean, rs, w, b, l, act, c0, c1)
		}
	})
	return mean, variance, rs
}

// groupStats sets the mean and biased variance of groups c0..c1 of x.
// Each run is summed by kernel.Sum and kernel.Dot, whose rounding error
// does not grow with its length, and the runs' sums are added in
// float64. The second pass corrects the first (the corrected two-pass
// algorithm): with d = x - m0 for the first pass's mean m0, mean = m0 +
// mean(d) and var = mean(d^2) - mean(d)^2, whose sums hold only the small
// deviations, so that a mean far from zero costs no digits of the
// variance.
func groupStats(x, mean, variance []float32, l normLayout, c0, c1 int) {
	n := float64(l.count())
	acc := make([]float64, 3*(c1-c0))
	s, sd, q := acc[:c1-c0], acc[c1-c0:2*(c1-c0)], acc[2*(c1-c0):]
	l.runs(c0, c1, func(c, off int) { s[c-c0] += float64(kernel.Sum(x[off : off+l.inner])) })
	for c := c0; c < c1; c++ {
		mean[c] = float32(s[c-c0] / n)
	}
	d := make([]float32, l.inner)
	l.runs(c0, c1, func(c, off int) {
		kernel.NormApply(d, x[off:off+l.inner], mean[c], 1, 0)
		sd[c-c0] += float64(kernel.Sum(d))
		q[c-c0] += float64(kernel.Dot(d, d))
	})
	for c := c0; c < c1; c++ {
		e := sd[c-c0] / n
		mean[c], variance[c] = float32(float64(mean[c])+e), float32(max(q[c-c0]/n-e*e, 0))
	}
}

// groupApply writes y = (x - mean) * rs * w + b for groups c0..c1 (w
// and b nil for the identity map), as (x - mean) * (rs * w) + b in one
// pass per run, then act(y) on each block of runs (see blocks) while it
// is in cache when act is not nil.
func groupApply(y, x, mean, rs, w, b []float32, l normLayout, act func(dst, x []float32), c0, c1 int) {
	l.blocks(c0, c1, func(at, n int) {
		for c := c0; c < c1; c++ {
			off := at + (c-c0)*l.inner
			xs, ys := x[off:off+l.inner], y[off:off+l.inner]
			if w == nil {
				kernel.NormApply(ys, xs, mean[c], rs[c], 0)
			} else {
				kernel.NormApply(ys, xs, mean[c], rs[c]*w[c], b[c])
			}
		}
		if act != nil {
			act(y[at:at+n], y[at:at+n])
		}
	})
}

// actOut is an activation that normForward applied to its output, and that
// output y: the gradient normBackward is given is then the activation's,
// which it takes through the activation's derivative block by block (see
// through). The zero actOut is no activation.
type actOut struct {
	grad func(dst, g, y []float32)
	y    []float32
}

// through returns the n values of the gradient g from off on, taken
// through the activation's derivative into scratch[:n], or g's own
// values without an activation.
func (a actOut) through(scratch, g []float32, off, n int) []float32 {
	if a.grad == nil {
		return g[off : off+n]
	}
	a.grad(scratch[:n], g[off:off+n], a.y[off:off+n])
	return scratch[:n]
}

// normBackward sets gx and adds to gw and gb (nil when w is nil) the
// gradients of normForward's y with respect to x, w and b for the output
// gradient g, with
// mean and rs the batch statistics of x (so that they depend on x):
//
//	xhat = (x - mean) * rs,  gxhat = g * w
//	dx = rs * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat))
//	dw = sum g * xhat,  db = sum g
//
// the means and sums being over each group. With an activation act
// (BatchNorm's layouts, not perInner), g is the gradient of act's
// output, and that of y is taken from it.
func normBackward(gx, gw, gb, g, x, mean, rs, w []float32, l normLayout, act actOut) {
	if act.grad != nil && l.perInner {
		panic("nn: normBackward: an activation's gradient along LayerNorm's rows")
	}
	if l.byRows() {
		rowBackward(gx, gw, gb, g, x, mean, rs, w, l, act)
		return
	}
	if l.perInner {
		layerBackward(gx, gw, gb, g, x, mean, rs, w, l)
		return
	}
	l.claim(l.groups, func(c0, c1 int) { groupBackward(gx, gw, gb, g, x, mean, rs, w, l, act, c0, c1) })
}

// groupBackward is normBackward's work on groups c0..c1 (a weight per
// group, not perInner): their part of gx and, with a weight, their
// entries of gw and gb, g taken through act.
func groupBackward(gx, gw, gb, g, x, mean, rs, w []float32, l normLayout, act actOut, c0, c1 int) {
	n := float64(l.count())
	// Sums of g and g*xhat over each group, run by run (xhat the
	// normalised input of the run); gxhat = g w scales them.
	acc := make([]float64, 2*(c1-c0))
	sb, sw := acc[:c1-c0], acc[c1-c0:]
	// With an activation, the gradient through it is kept in gx's block
	// until the second pass overwrites it value by value.
	src, xhat := g, make([]float32, l.inner)
	if act.grad != nil {
		src = gx
	}
	l.blocks(c0, c1, func(at, n int) {
		gs := act.through(gx[at:], g, at, n)
		for c := c0; c < c1; c++ {
			i := (c - c0) * l.inner
			kernel.NormApply(xhat, x[at+i:at+i+l.inner], mean[c], rs[c], 0)
			gr := gs[i : i+l.inner]
			sb[c-c0] += float64(kernel.Sum(gr))
			sw[c-c0] += float64(kernel.Dot(gr, xhat))
		}
	})
	// r (gxhat - mg - xhat mgx), gxhat = g wc, wc the weight of the
	// whole group.
	steps := make([]kernel.NormGradStep, c1-c0)
	for c := c0; c < c1; c++ {
		wc := float32(1)
		if w != nil {
			wc = w[c]
			gw[c] += float32(sw[c-c0])
			gb[c] += float32(sb[c-c0])
		}
		steps[c-c0] = kernel.NormGradStep{M: mean[c], R: rs[c], W: wc,
			MG: float32(sb[c-c0] * float64(wc) / n), MGX: float32(sw[c-c0] * float64(wc) / n)}
	}
	l.runs(c0, c1, func(c, off int) {
		kernel.NormGrad(gx[off:off+l.inner], src[off:off+l.inner], x[off:off+l.inner], &steps[c-c0])
	})
}
