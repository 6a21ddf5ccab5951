package nn

import (
	"fmt"

	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/tensor"
)

// elementLoss is a loss whose value at each position depends only on the
// input and the target there (MSELoss, BCELoss, BCEWithLogitsLoss). It is computed
// in one pass, the reduction included, in chunks whose temporaries live in
// one scratch buffer, with a dedicated loop for the first derivatives.
type elementLoss struct {
	name string
	// values sets dst[i] to the loss at input x[i] and target t[i];
	// scratch holds 2*len(dst) values.
	values func(dst, x, t, scratch []float32)
	// grads sets gx[i] and, unless gt is nil, gt[i] to w[i] times the
	// derivatives of the loss at x[i], t[i] with respect to each.
	grads func(gx, gt, x, t, w, scratch []float32)
	// ref returns the unreduced loss with differentiable operations, for
	// gradients of gradients.
	ref func(x, target *tensor.Tensor) *tensor.Tensor
}

// lossChunk is how many values an elementLoss handles at a time.
const lossChunk = 512

// apply returns the loss of x against target under the optional reduction.
func (l *elementLoss) apply(x, target *tensor.Tensor, r []Reduction) *tensor.Tensor {
	checkSameShape(l.name, x, target)
	xd, td := x.Values(), target.Values()
	red := reduction(l.name, r)
	none, scale := red == ReduceNone, float32(1)
	if red == ReduceMean {
		scale = 1 / float32(len(xd))
	}
	var out *tensor.Tensor
	if none {
		out = tensor.Empty(x.Shape()...)
		od := out.Values()
		chunks(len(xd), func(a, b int, scratch []float32) { l.values(od[a:b], xd[a:b], td[a:b], scratch) })
	} else {
		// One sum per chunk, added in order: the bits of any split.
		sums := make([]float32, (len(xd)+lossChunk-1)/lossChunk)
		chunks(len(xd), func(a, b int, scratch []float32) {
			buf := scratch[2*lossChunk:][:b-a]
			l.values(buf, xd[a:b], td[a:b], scratch)
			sums[a/lossChunk] = kernel.Sum(buf)
		})
		var s float64
		for _, v := range sums {
			s += float64(v)
		}
		out = tensor.Scalar(float32(s) * scale)
	}
	fast := func(b *tensor.Backprop) []*tensor.Tensor {
		g := b.Grad
		gx := tensor.Empty(x.Shape()...)
		var gt *tensor.Tensor
		var gtd []float32
		if b.Needs(1) {
			gt = tensor.Empty(target.Shape()...)
			gtd = gt.Values()
		}
		gxd := gx.Values()
		var gd []float32
		var gv float32
		if none {
			gd = g.Values()
		} else {
			gv = g.Item() * scale
		}
		chunks(len(xd), func(a, b int, scratch []float32) {
			var w []float32
			if none {
				w = gd[a:b]
			} else {
				w = scratch[2*lossChunk:][:b-a]
				kernel.Fill(w, gv)
			}
			var gtc []float32
			if gtd != nil {
				gtc = gtd[a:b]
			}
			l.grads(gxd[a:b], gtc, xd[a:b], td[a:b], w, scratch)
		})
		return []*tensor.Tensor{gx, gt}
	}
	return fused(l.name, out, []*tensor.Tensor{x, target}, fast, func() *tensor.Tensor {
		return reduce(l.name, l.ref(x, target), r)
	})
}

// lossSplitMin is the fewest values an elementLoss splits across threads:
// from there a thread's share takes tens of microseconds.
const lossSplitMin = 1 << 15

// chunks calls f(a, b, scratch) for consecutive ranges [a, b) of at most
// lossChunk of n positions, each with a scratch buffer of 3*lossChunk
// values; from lossSplitMin positions the chunks are shared out across
// threads, each with its own buffer.
func chunks(n int, f func(a, b int, scratch []float32)) {
	run := func(c0, c1 int) {
		scratch := make([]float32, 3*lossChunk)
		for a := c0 * lossChunk; a < min(c1*lossChunk, n); a += lossChunk {
			f(a, min(a+lossChunk, n), scratch)
		}
	}
	nc := (n + lossChunk - 1) / lossChunk
	if n < lossSplitMin {
		run(0, nc)
		return
	}
	kernel.Parallel(nc, run)
}

// reduction checks the optional reduction r and returns it, ReduceMean
// when none is given.
func reduction(loss string, r []Reduction) Reduction {
	if len(r) > 1 {
		panic(fmt.Sprintf("nn: %s: %d reductions given, want at most one", loss, len(r)))
	}
	if len(r) == 0 {
		return ReduceMean
	}
	if r[0] < ReduceMean || r[0] > ReduceNone {
		panic(fmt.Sprintf("nn: %s: unknown reduction %d", loss, r[0]))
	}
	return r[0]
}
