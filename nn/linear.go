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

// Forward returns x W^T + b.
func (l *Linear) Forward(x *tensor.Tensor) *tensor.Tensor {
	in := l.Weight.Size(1)
	shape := x.Shape()
	if len(shape) == 0 || shape[len(shape)-1] != in {
		panic(fmt.Sprintf("nn: Linear: input shape %v, want [..., %d]", shape, in))
	}
	shape[len(shape)-1] = l.Weight.Size(0)
	return affine(x.Reshape(-1, in), l.Weight, l.Bias).Reshape(shape...)
}

// affine returns x w^T + b for x [rows, in], w [out, in] and b [out] (nil
// for none). The bias is written into the result first and the product
// added to it, saving a pass over the result; the backward pass is made
// of differentiable operations.
func affine(x, w, b *tensor.Tensor) *tensor.Tensor {
	if b == nil {
		return tensor.MatmulT(x, w, false, true)
	}
	rows, in, out := x.Size(0), x.Size(1), w.Size(0)
	y := tensor.Empty(rows, out)
	yd := y.Values()
	kernel.BlockCopy(yd, out, b.Values(), 0, rows, out)
	kernel.Sgemm(false, true, rows, out, in, 1, x.Values(), in, w.Values(), in, 1, yd, out)
	return tensor.Custom("Linear", y, []*tensor.Tensor{x, w, b}, func(bp *tensor.Backprop) []*tensor.Tensor {
		g, x, w := bp.Grad, bp.In[0], bp.In[1]
		grads := make([]*tensor.Tensor, 3)
		if bp.Needs(0) {
			grads[0] = tensor.MatmulT(g, w, false, false)
		}
		if bp.Needs(1) {
			grads[1] = tensor.MatmulT(g, x, true, false)
		}
		if bp.Needs(2) {
			grads[2] = g.Sum(0)
		}
		return grads
	})
}
