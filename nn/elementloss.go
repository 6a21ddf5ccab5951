package nn

import (
	"fmt"

	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/tensor"
)

// elementLoss is a loss whose value at each position depends only on the
// input and the target there (BCELoss, BCEWithLogitsLoss). It is computed
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
	scratch := make([]float32, 3*lossChunk)
	var out *tensor.Tensor
	if none {
		out = tensor.Empty(x.Shape()...)
		od := out.Values()
		chunks(len(xd), func(a, b int) { l.values(od[a:b], xd[a:b], td[a:b], scratch) })
	} else {
		var s float64
		buf := scratch[2*lossChunk:]
		chunks(len(xd), func(a, b int) {
			l.values(buf[:b-a], xd[a:b], td[a:b], scratch)
			s += float64(kernel.Sum(buf[:b-a]))
		})
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
		w := scratch[2*lossChunk:]
		if !none {
			kernel.Fill(w, g.Item()*scale)
		}
		chunks(len(xd), func(a, b int) {
			if none {
				w = g.Values()[a:b]
			}
			var gtc []float32
			if gtd != nil {
				gtc = gtd[a:b]
			}
			l.grads(gxd[a:b], gtc, xd[a:b], td[a:b], w[:b-a], scratch)
		})
		return []*tensor.Tensor{gx, gt}
	}
	return fused(l.name, out, []*tensor.Tensor{x, target}, fast, func() *tensor.Tensor {
		return reduce(l.name, l.ref(x, target), r)
	})
}

// chunks calls f(a, b) for consecutive ranges [a, b) of at most lossChunk
// of n positions.
func chunks(n int, f func(a, b int)) {
	for a := 0; a < n; a += lossChunk {
		f(a, min(a+lossChunk, n))
	}
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
