package nn

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/tensor"
)

// Linear is the affine map y = x W^T + b, with W of shape [out, in] as in
// PyTorch. It accepts inputs of shape [..., in].
type Linear struct {
	Weight, Bias *tensor.Tensor // Bias is nil without a bias
}

// NewLinear returns a Linear layer initialised like PyTorch's: W and b
// uniform in [-1/sqrt(in), 1/sqrt(in)].
func NewLinear(rng *tensor.RNG, in, out int, bias bool) *Linear {
	bound := float32(1 / math.Sqrt(float64(in)))
	l := &Linear{Weight: tensor.Uniform(rng, -bound, bound, out, in).SetRequiresGrad(true)}
	if bias {
		l.Bias = tensor.Uniform(rng, -bound, bound, out).SetRequiresGrad(true)
	}
	return l
}

// Params returns "weight" and, when present, "bias".
func (l *Linear) Params() []Param {
	ps := []Param{{"weight", l.Weight}}
	if l.Bias != nil {
		ps = append(ps, Param{"bias", l.Bias})
	}
	return ps
}

// PerSample reports true: each row is multiplied alone.
func (l *Linear) PerSample() bool { return true }

// Forward returns x W^T + b.
func (l *Linear) Forward(x *tensor.Tensor) *tensor.Tensor {
	x2, shape := l.rows(x)
	return affine(x2, l.Weight, l.Bias).Reshape(shape...)
}

// forwardAct returns act(x W^T + b) as one operation whose product
// applies act to each block of the result as it stores it (see
// kernel.SgemmMap), or nil when act is not an activation it can apply so.
// Values and gradients are those of Forward followed by act.
func (l *Linear) forwardAct(x *tensor.Tensor, act *Func) *tensor.Tensor {
	sa, ok := storeActivation(act)
	if !ok {
		return nil
	}
	x2, shape := l.rows(x)
	return affineAct(x2, l.Weight, l.Bias, act, sa).Reshape(shape...)
}

// rows checks that x is [..., in] and returns it as [rows, in], with the
// shape of the result, [..., out].
func (l *Linear) rows(x *tensor.Tensor) (*tensor.Tensor, []int) {
	in := l.Weight.Size(1)
	shape := x.Shape()
	if len(shape) == 0 || shape[len(shape)-1] != in {
		panic(fmt.Sprintf("nn: Linear: input shape %v, want [..., %d]", shape, in))
	}
	shape[len(shape)-1] = l.Weight.Size(0)
	return x.Reshape(-1, in), shape
}

// affine returns x w^T + b for x [rows, in], w [out, in] and b [out] (nil
// for none). The product adds the bias as it stores the result, saving a
// pass over it; the backward pass is made of differentiable operations.
func affine(x, w, b *tensor.Tensor) *tensor.Tensor {
	y, inputs := affineInto(nil, x, w, b)
	return tensor.Custom("Linear", y, inputs, func(bp *tensor.Backprop) []*tensor.Tensor {
		return affineGrads(bp, bp.Grad, nil)
	})
}

// affineInto computes x w^T + b into a new [rows, out] tensor, the bias
// (if any) added and f applied (nil for none) by the product as it
// stores the result. It returns the result and the operands to record.
func affineInto(f func(dst, x []float32), x, w, b *tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor) {
	rows, in, out := x.Size(0), x.Size(1), w.Size(0)
	y := tensor.Empty(rows, out)
	inputs := []*tensor.Tensor{x, w}
	var bias []float32
	if b != nil {
		inputs, bias = append(inputs, b), b.Values()
	}
	kernel.SgemmMap(f, false, true, rows, out, in, 1, x.Values(), in, w.Values(), in, 0, bias, y.Values(), out)
	return y, inputs
}

// affineGrads returns the gradients of x w^T + b with respect to the
// operands of bp (x, w and, if recorded, b) from g, the gradient of that
// result, as differentiable operations; gb, when not nil, is the bias
// gradient, g.Sum(0), already formed.
func affineGrads(bp *tensor.Backprop, g, gb *tensor.Tensor) []*tensor.Tensor {
	x, w := bp.In[0], bp.In[1]
	grads := make([]*tensor.Tensor, len(bp.In))
	rows, in, out := x.Size(0), x.Size(1), w.Size(0)
	product := func(i int) {
		if !bp.Needs(i) {
			return
		}
		// Where the operand has taken a gradient from its other uses
		// (a layer run on two batches), the product adds into it.
		sum := bp.Gathered(i)
		switch {
		case i == 0 && sum != nil:
			kernel.SgemmAdd(false, false, rows, in, out, g.Values(), out, w.Values(), in, sum.Values(), in)
			grads[0] = sum
		case i == 0:
			grads[0] = tensor.MatmulT(g, w, false, false)
		case sum != nil:
			kernel.SgemmAdd(true, false, out, in, rows, g.Values(), out, x.Values(), in, sum.Values(), in)
			grads[1] = sum
		default:
			grads[1] = tensor.MatmulT(g, x, true, false)
		}
	}
	if bp.Needs(0) && bp.Needs(1) && !bp.Recorded() && g.Len()*x.Size(1) >= sideBySideMinWork {
		// Two independent products of the same size, side by side
		// rather than one after the other: each still splits into
		// pieces for every thread, run by whichever thread is free, so
		// neither waits for the other to finish. Products too small to
		// split in the kernels still run on two threads at once so.
		sideBySide(func() { product(0) }, func() { product(1) })
	} else {
		product(0)
		product(1)
	}
	if len(bp.In) > 2 && bp.Needs(2) {
		if gb == nil {
			gb = g.Sum(0)
		}
		grads[2] = gb
	}
	return grads
}

// sideBySideMinWork is the fewest multiply-adds of each of a Linear's
// two gradient products from which they run side by side: a quarter of
// what a product needs to split on its own (kernel.ParallelMinWork), so
// that dcgan's discriminator's last layer (64 x 6272 -> 1, 401k
// multiply-adds a product, bound by memory) takes two threads, not one.
const sideBySideMinWork = kernel.ParallelMinWork / 4

// sideBySide runs the independent parts, each on whichever thread comes
// free first, and returns when all have finished: parts that split
// across the threads themselves (kernel's products) then overlap rather
// than each waiting for the last of the other's pieces, and a worker
// that wakes late finds the parts not yet begun.
func sideBySide(parts ...func()) {
	kernel.Parallel(len(parts), func(lo, hi int) {
		for _, part := range parts[lo:hi] {
			part()
		}
	})
}

// affineAct returns act(x w^T + b), act applied by the product's store.
// Its first derivatives come from the output alone; gradients of
// gradients differentiate Forward followed by act.
func affineAct(x, w, b *tensor.Tensor, act *Func, sa storeAct) *tensor.Tensor {
	y, inputs := affineInto(sa.apply, x, w, b)
	return fused("Linear+"+act.Name, y, inputs, func(bp *tensor.Backprop) []*tensor.Tensor {
		// The activation's gradient is needed only while the rule runs:
		// it goes over the gradient of the output where the pass allows.
		g, free := bp.Grad, bp.GradFree()
		if !free {
			g = tensor.Empty(bp.Out.Shape()...)
		}
		var gb *tensor.Tensor
		if len(bp.In) > 2 && bp.Needs(2) {
			gb = actGradSum(g, bp.Grad, bp.Out, sa)
		} else {
			sa.grad(g.Values(), bp.Grad.Values(), bp.Out.Values())
		}
		grads := affineGrads(bp, g, gb)
		if !free {
			g.Recycle()
		}
		return grads
	}, func() *tensor.Tensor { return act.Forward(affine(x, w, b)) })
}

// actGradSum sets g, of shape [rows, out], to the gradient at the input
// of the activation sa, whose output y received the gradient gy, and
// returns its sum over the rows, the bias gradient, with the bits of
// g.Sum(0): each row is added into the sum as it is written, while it is
// in cache, the blocks of rows claimed by the threads (kernel.RowSums).
func actGradSum(g, gy, y *tensor.Tensor, sa storeAct) *tensor.Tensor {
	rows, n := g.Size(0), g.Size(1)
	gd, gyd, yd := g.Values(), gy.Values(), y.Values()
	sum := tensor.Empty(n)
	sd := sum.Values()
	acc := make([]float64, n)
	kernel.RowSums(acc, rows, rows*n >= normParallelMin, func(a int, part []float32) {
		r := gd[a*n : (a+1)*n]
		sa.grad(r, gyd[a*n:(a+1)*n], yd[a*n:(a+1)*n])
		kernel.AddTo(part, r)
	})
	for j, v := range acc {
		sd[j] = float32(v)
	}
	return sum
}

// storeAct is an activation a product can apply as it stores its result:
// apply maps x to act(x) element by element, and grad sets dst = g *
// act'(x) from y = act(x) alone, so that nothing but the output is kept.
type storeAct struct {
	apply func(dst, x []float32)
	grad  func(dst, g, y []float32)
}

// storeActivation returns the storeAct of an activation layer, known by
// its name as exporters know it, and false for the others: those whose
// derivative needs the input (SiLU, GELU, ELU, Softplus) and LeakyReLU
// with a negative slope, whose output's sign no longer tells the input's.
func storeActivation(f *Func) (storeAct, bool) {
	switch f.Name {
	case "ReLU":
		return storeAct{kernel.ReLU, kernel.ReLUGrad}, true
	case "Tanh":
		return storeAct{kernel.Tanh, kernel.TanhGrad}, true
	case "Sigmoid":
		return storeAct{kernel.Sigmoid, kernel.SigmoidGrad}, true
	case "LeakyReLU":
		slope := f.Alpha
		if slope < 0 {
			return storeAct{}, false
		}
		return storeAct{
			func(dst, x []float32) { kernel.LeakyReLU(dst, x, slope) },
			func(dst, g, y []float32) { kernel.LeakyReLUGrad(dst, g, y, slope) },
		}, true
	}
	return storeAct{}, false
}
