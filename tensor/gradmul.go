package tensor

import "github.com/gibbsml/gibbs/internal/kernel"

// gradRule is the derivative of an element-wise function written as a
// fused product: the backward of y = f(x) is g * phi(v), with v either x
// or y, computed in one pass instead of a chain of operations. phi may
// depend on a constant c of the function (LeakyReLU's slope).
type gradRule struct {
	name string
	// phi sets dst[i] = g[i] * phi(v[i]).
	phi func(dst, g, v []float32, c float32)
	// dphi returns phi'(v) with differentiable operations, for the
	// second derivative; nil when phi is piecewise constant.
	dphi func(v *Tensor) *Tensor
}

// gradMul returns g * phi(v) for the constant c, itself differentiable in
// g and v.
func gradMul(r *gradRule, c float32, g, v *Tensor) *Tensor {
	g.live(r.name)
	v.live(r.name)
	out := empty(v.shape)
	r.phi(out.data, g.data[:len(v.data)], v.data, c)
	return record(out, r.name, []*Tensor{g, v}, func(b *Backprop) []*Tensor {
		gg, g, v := b.Grad, b.In[0], b.In[1]
		var dg, dv *Tensor
		if b.Needs(0) {
			dg = gradMul(r, c, gg, v)
		}
		if r.dphi != nil && b.Needs(1) {
			dv = gg.Mul(g).Mul(r.dphi(v))
		}
		return []*Tensor{dg, dv}
	})
}

// sigmoidGrad is phi(y) = y (1 - y) for y = sigmoid(x).
var sigmoidGrad = &gradRule{
	name: "SigmoidBackward",
	phi:  constFree(kernel.SigmoidGrad),
	dphi: func(y *Tensor) *Tensor { return y.MulScalar(-2).AddScalar(1) },
}

// tanhGrad is phi(y) = 1 - y^2 for y = tanh(x).
var tanhGrad = &gradRule{
	name: "TanhBackward",
	phi:  constFree(kernel.TanhGrad),
	dphi: func(y *Tensor) *Tensor { return y.MulScalar(-2) },
}

// squareGrad is phi(x) = 2x for y = x^2, computed as (g x) 2.
var squareGrad = &gradRule{
	name: "SquareBackward",
	phi: func(dst, g, x []float32, _ float32) {
		kernel.Map2(kernel.Mul, dst, g, x)
		kernel.Map2Scalar(kernel.Mul, dst, dst, 2, false)
	},
	dphi: func(x *Tensor) *Tensor { return Full(2, x.shape...) },
}

// reluGrad is phi(x) = 1 where x > 0, else 0.
var reluGrad = &gradRule{
	name: "ReLUBackward",
	phi:  constFree(kernel.ReLUGrad),
}

// leakyReLUGrad is phi(x) = 1 where x > 0, else the slope c.
var leakyReLUGrad = &gradRule{
	name: "LeakyReLUBackward",
	phi:  kernel.LeakyReLUGrad,
}

// constFree adapts a phi that has no constant.
func constFree(phi func(dst, g, v []float32)) func(dst, g, v []float32, c float32) {
	return func(dst, g, v []float32, _ float32) { phi(dst, g, v) }
}

// siluGrad is phi(x) = s + x s (1 - s) with s = sigmoid(x), whose
// derivative is s (1 - s) (2 + x (1 - 2s)).
var siluGrad = &gradRule{
	name: "SiLUBackward",
	phi:  constFree(kernel.SiLUGrad),
	dphi: func(x *Tensor) *Tensor {
		s := x.Sigmoid()
		return s.Mul(s.OneMinus()).Mul(x.Mul(s.MulScalar(-2).AddScalar(1)).AddScalar(2))
	},
}
