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
	l.each(c, func(off int) {
		for _, v := range x[off : off+l.inner] {
			s += float64(v)
		}
	})
	m := s / n
	var q float64
	l.each(c, func(off int) {
		for _, v := range x[off : off+l.inner] {
			d := float64(v) - m
			q += d * d
		}
	})
	return float32(m), float32(q / n)
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
// identity map.
func normApply(y, x, mean, rs, w, b []float32, l normLayout) {
	l.split(l.groups, func(c0, c1 int) {
		for c := c0; c < c1; c++ {
			m, r := mean[c], rs[c]
			l.each(c, func(off int) {
				xs, ys := x[off:off+l.inner], y[off:off+l.inner]
				switch {
				case w == nil:
					for i, v := range xs {
						ys[i] = (v - m) * r
					}
				case l.perInner:
					for i, v := range xs {
						ys[i] = (v-m)*r*w[i] + b[i]
					}
				default:
					s, t := r*w[c], b[c]
					for i, v := range xs {
						ys[i] = (v-m)*s + t
					}
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
	perInner := w != nil && l.perInner
	l.split(l.groups, func(c0, c1 int) {
		for c := c0; c < c1; c++ {
			groupBackward(gx, gw, gb, g, x, mean, rs, w, l, c)
		}
	})
	if perInner {
		// The per-feature weight gradients sum over every group: split
		// them by feature so that each is summed by one thread.
		l.split(l.inner, func(i0, i1 int) {
			for c := 0; c < l.groups; c++ {
				m, r := mean[c], rs[c]
				l.each(c, func(off int) {
					for i := i0; i < i1; i++ {
						v := g[off+i]
						gw[i] += v * (x[off+i] - m) * r
						gb[i] += v
					}
				})
			}
		})
	}
}

// groupBackward is normBackward's work on group c: its part of gx and,
// with one weight per group, its entries of gw and gb.
func groupBackward(gx, gw, gb, g, x, mean, rs, w []float32, l normLayout, c int) {
	perInner := w != nil && l.perInner
	n := float64(l.count())
	m, r := mean[c], rs[c]
	wc := float32(1) // the weight of the whole group
	if w != nil && !perInner {
		wc = w[c]
	}
	// Sums of gxhat and gxhat*xhat over the group, run by run.
	var sg, sgx float64
	l.each(c, func(off int) {
		gs, xs := g[off:off+l.inner], x[off:off+l.inner]
		var s, sx float32
		if perInner {
			for i, v := range gs {
				gh := v * w[i]
				s += gh
				sx += gh * (xs[i] - m) * r
			}
		} else {
			for i, v := range gs {
				s += v
				sx += v * (xs[i] - m) * r
			}
			if w != nil {
				gw[c] += sx
				gb[c] += s
			}
			s, sx = s*wc, sx*wc
		}
		sg += float64(s)
		sgx += float64(sx)
	})
	mg, mgx := float32(sg/n), float32(sgx/n)
	l.each(c, func(off int) {
		gs, xs, out := g[off:off+l.inner], x[off:off+l.inner], gx[off:off+l.inner]
		if perInner {
			for i, v := range gs {
				out[i] = r * (v*w[i] - mg - (xs[i]-m)*r*mgx)
			}
			return
		}
		for i, v := range gs {
			out[i] = r * (v*wc - mg - (xs[i]-m)*r*mgx)
		}
	})
}
