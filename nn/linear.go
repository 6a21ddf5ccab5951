package nn

import (
	"fmt"
	"math"

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
	x2 := x.Reshape(-1, in)
	y := tensor.MatmulT(x2, l.Weight, false, true)
	if l.Bias != nil {
		y = y.Add(l.Bias)
	}
	shape[len(shape)-1] = l.Weight.Size(0)
	return y.Reshape(shape...)
}
