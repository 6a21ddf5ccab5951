package nn

import (
	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/tensor"
)

// LayerNorm's layout (perInner: one group per row of inner contiguous
// values, outer 1, the affine map per feature) has loops of its own: each
// row is normalised while it is in cache, with no per-row closure or
// scalar pass.

// claim runs f over ranges of 0..n-1, across threads when the tensor is
// large enough to repay waking them (not small), in more ranges than
// threads, which the threads claim as they come free
// (kernel.ParallelParts): the norm loops' ranges of rows or groups cost
// nothing to start, so a thread that starts late still takes its share.
// Each index is handled by exactly one range, so loops that write per
// index need no locking.
func (l normLayout) claim(n int, f func(lo, hi int)) {
	if l.small() {
		f(0, n)
		return
	}
	kernel.ParallelParts(n, f)
}

// layerForward writes y = (x - mean) * rs * w + b row by row (w and b nil
// for no affine map) and sets the rows' means, biased variances and
// 1/sqrt(variance + eps), each row in one call of kernel.LayerNormRow.
// With two terms (a residual connection's summands), each row of x is set
// to the sum of their rows by the same call (kernel.LayerNormSumRow), as
// it is normalised.
func layerForward(y, x []float32, terms [][]float32, w, b, mean, variance, rs []float32, l normLayout, eps float32) {
	d := l.inner
	l.claim(l.groups, func(c0, c1 int) {
		for c := c0; c < c1; c++ {
			xs, ys := x[c*d:(c+1)*d], y[c*d:(c+1)*d]
			if terms != nil {
				mean[c], variance[c], rs[c] = kernel.LayerNormSumRow(ys, terms[0][c*d:(c+1)*d], terms[1][c*d:(c+1)*d], xs, w, b, eps)
				continue
			}
			mean[c], variance[c], rs[c] = kernel.LayerNormRow(ys, xs, w, b, eps)
		}
	})
}

// layerBackward is normBackward for LayerNorm's rows. The gradient with
// respect to x, with xhat = (x - mean) * rs and gxhat = g * w, is
//
//	dx = rs * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat))
//
// formed row by row, each row in one call of kernel.LayerNormGradRow,
// which also sums g xhat and g, the weight and bias gradients (w
// non-nil), while xhat is in cache: each block of kernel.CarryRows rows
// adds into float32 partial sums of its own, which are then carried into
// float64 block by block in order, so that long batches lose no digits
// and the sums have the same bits however the blocks were split.
func layerBackward(gx, gw, gb, g, x, mean, rs, w []float32, l normLayout) {
	d := l.inner
	blocks := (l.groups + kernel.CarryRows - 1) / kernel.CarryRows
	// Each block's partial sums, d values a block, and the scratch of a
	// range of blocks (the slot of its first block).
	var pw, pb, scratch []float32
	if w != nil {
		parts := tensor.Zeros(3, blocks*d)
		defer parts.Recycle()
		v := parts.Values()
		pw, pb, scratch = v[:blocks*d], v[blocks*d:2*blocks*d], v[2*blocks*d:]
	}
	l.claim(blocks, func(k0, k1 int) {
		var gs []float32
		if w != nil {
			gs = scratch[k0*d : (k0+1)*d]
		}
		for c := k0 * kernel.CarryRows; c < min(k1*kernel.CarryRows, l.groups); c++ {
			var sw, sb []float32
			if w != nil {
				at := c / kernel.CarryRows * d
				sw, sb = pw[at:at+d], pb[at:at+d]
			}
			kernel.LayerNormGradRow(gx[c*d:(c+1)*d], g[c*d:(c+1)*d], x[c*d:(c+1)*d], w, sw, sb, gs, mean[c], rs[c])
		}
	})
	if w == nil {
		return
	}
	sw, sb := make([]float64, d), make([]float64, d)
	for at := 0; at < len(pw); at += d {
		kernel.Carry(sw, pw[at:at+d])
		kernel.Carry(sb, pb[at:at+d])
	}
	for i := range sw {
		gw[i] += float32(sw[i])
		gb[i] += float32(sb[i])
	}
}
