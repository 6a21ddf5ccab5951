package tensor

import (
	"math"

	"github.com/gibbsml/gibbs/internal/kernel"
)

// unary sets the result to f(dst, t's values), a kernel over slices, and
// records backward, which receives the gradient of the result, the
// operand and the result, as the pass sees them.
func unary(op string, t *Tensor, f func(dst, x []float32), backward func(g, x, out *Tensor) *Tensor) *Tensor {
	t.live(op)
	out := empty(t.shape)
	f(out.data, t.data)
	if backward == nil {
		return out
	}
	return record(out, op, []*Tensor{t}, func(b *Backprop) []*Tensor { return []*Tensor{backward(b.Grad, b.In[0], b.Out)} })
}

// each lifts a function of one value to a kernel over slices.
func each(f func(x float32) float32) func(dst, x []float32) {
	return func(dst, x []float32) {
		x = x[:len(dst)]
		for i := range dst {
			dst[i] = f(x[i])
		}
	}
}

// scalarOp returns the kernel x op c (c op x when left is set).
func scalarOp(op kernel.Op, c float32, left bool) func(dst, x []float32) {
	return func(dst, x []float32) { kernel.Map2Scalar(op, dst, x, c, left) }
}

// constant maps t element-wise to a tensor that is not differentiated (masks, signs).
func constant(t *Tensor, f func(x float32) float32) *Tensor { return unary("", t, each(f), nil) }

func f64(f func(float64) float64) func(dst, x []float32) {
	return each(func(x float32) float32 { return float32(f(float64(x))) })
}

// Neg returns -t.
func (t *Tensor) Neg() *Tensor {
	return unary("Neg", t, scalarOp(kernel.Mul, -1, false), func(g, _, _ *Tensor) *Tensor { return g.Neg() })
}

// AddScalar returns t + c.
func (t *Tensor) AddScalar(c float32) *Tensor {
	return unary("AddScalar", t, scalarOp(kernel.Add, c, false), func(g, _, _ *Tensor) *Tensor { return g })
}

// MulScalar returns t * c.
func (t *Tensor) MulScalar(c float32) *Tensor {
	return unary("MulScalar", t, scalarOp(kernel.Mul, c, false), func(g, _, _ *Tensor) *Tensor { return g.MulScalar(c) })
}

// OneMinus returns 1 - t.
func (t *Tensor) OneMinus() *Tensor {
	return unary("OneMinus", t, scalarOp(kernel.Sub, 1, true), func(g, _, _ *Tensor) *Tensor { return g.Neg() })
}

// Square returns t * t.
func (t *Tensor) Square() *Tensor {
	return unary("Square", t, func(dst, x []float32) { kernel.Map2(kernel.Mul, dst, x, x) }, func(g, x, _ *Tensor) *Tensor { return gradMul(squareGrad, 0, g, x) })
}

// Pow returns t raised to the power p element-wise.
func (t *Tensor) Pow(p float32) *Tensor {
	return unary("Pow", t, f64(func(x float64) float64 { return math.Pow(x, float64(p)) }),
		func(g, x, _ *Tensor) *Tensor { return powGrad(g, x, p) })
}

// powGrad is the gradient p t^(p-1) g of t^p, or zeros for p = 0, where
// t^p is the constant 1 (p t^-1 would give 0 * Inf at t = 0; PyTorch gives
// 0 there too).
func powGrad(g, t *Tensor, p float32) *Tensor {
	if p == 0 {
		return ZerosLike(t)
	}
	return g.Mul(t.Pow(p - 1)).MulScalar(p)
}

// Exp returns e^t.
func (t *Tensor) Exp() *Tensor {
	return unary("Exp", t, kernel.Exp, func(g, _, out *Tensor) *Tensor { return g.Mul(out) })
}

// Log returns the natural logarithm of t.
func (t *Tensor) Log() *Tensor {
	return unary("Log", t, kernel.Log, func(g, x, _ *Tensor) *Tensor { return g.Div(x) })
}

// Log1p returns log(1 + t), accurate for small t.
func (t *Tensor) Log1p() *Tensor {
	return unary("Log1p", t, f64(math.Log1p), func(g, x, _ *Tensor) *Tensor { return g.Div(x.AddScalar(1)) })
}

// Sqrt returns the square root of t.
func (t *Tensor) Sqrt() *Tensor {
	return unary("Sqrt", t, f64(math.Sqrt), func(g, _, out *Tensor) *Tensor { return g.Div(out).MulScalar(0.5) })
}

// Abs returns |t|; its gradient at 0 is 0.
func (t *Tensor) Abs() *Tensor {
	return unary("Abs", t, f64(math.Abs),
		func(g, x, _ *Tensor) *Tensor { return g.Mul(x.Sign()) })
}

// Sign returns -1, 0 or 1 by the sign of t. It is not differentiable.
func (t *Tensor) Sign() *Tensor {
	return constant(t, func(x float32) float32 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return 0
	})
}

// Clamp limits t to [lo, hi]; the gradient is zero where t is clamped.
func (t *Tensor) Clamp(lo, hi float32) *Tensor {
	return unary("Clamp", t, each(func(x float32) float32 { return min(max(x, lo), hi) }),
		func(g, x, _ *Tensor) *Tensor {
			return g.Mul(constant(x, func(x float32) float32 { return boolTo(x >= lo && x <= hi) }))
		})
}

// Tanh returns the hyperbolic tangent of t.
func (t *Tensor) Tanh() *Tensor {
	return unary("Tanh", t, kernel.Tanh, func(g, _, out *Tensor) *Tensor { return gradMul(tanhGrad, 0, g, out) })
}

// Sigmoid returns 1 / (1 + e^-t).
func (t *Tensor) Sigmoid() *Tensor {
	return unary("Sigmoid", t, kernel.Sigmoid, func(g, _, out *Tensor) *Tensor { return gradMul(sigmoidGrad, 0, g, out) })
}

// ReLU returns max(t, 0).
func (t *Tensor) ReLU() *Tensor {
	return unary("ReLU", t, kernel.ReLU,
		func(g, x, _ *Tensor) *Tensor { return gradMul(reluGrad, 0, g, x) })
}

// LeakyReLU returns t where t > 0 and slope*t elsewhere.
func (t *Tensor) LeakyReLU(slope float32) *Tensor {
	return unary("LeakyReLU", t, func(dst, x []float32) { kernel.LeakyReLU(dst, x, slope) },
		func(g, x, _ *Tensor) *Tensor { return gradMul(leakyReLUGrad, slope, g, x) })
}

// ELU returns t where t > 0 and alpha*(e^t - 1) elsewhere.
func (t *Tensor) ELU(alpha float32) *Tensor {
	return unary("ELU", t, each(func(x float32) float32 {
		if x > 0 {
			return x
		}
		return alpha * float32(math.Expm1(float64(x)))
	}), func(g, x, _ *Tensor) *Tensor {
		pos := constant(x, func(x float32) float32 { return boolTo(x > 0) })
		// d/dx = 1 for x > 0, alpha*e^x elsewhere; written with Exp so it differentiates again.
		neg := x.Minimum(Scalar(0)).Exp().MulScalar(alpha)
		return g.Mul(Where(pos, OnesLike(x), neg))
	})
}

// Erf returns the error function of t.
func (t *Tensor) Erf() *Tensor {
	return unary("Erf", t, f64(math.Erf), func(g, x, _ *Tensor) *Tensor {
		return g.Mul(x.Square().Neg().Exp().MulScalar(2 / math.SqrtPi))
	})
}

// GELU returns t * Phi(t) with Phi the standard normal CDF (the exact form,
// PyTorch's default).
func (t *Tensor) GELU() *Tensor {
	return unary("GELU", t, f64(func(x float64) float64 {
		return 0.5 * x * (1 + math.Erf(x/math.Sqrt2))
	}), func(g, x, _ *Tensor) *Tensor {
		cdf := x.MulScalar(1 / math.Sqrt2).Erf().AddScalar(1).MulScalar(0.5)
		pdf := x.Square().MulScalar(-0.5).Exp().MulScalar(float32(1 / math.Sqrt(2*math.Pi)))
		return g.Mul(cdf.Add(x.Mul(pdf)))
	})
}

// SiLU returns t * sigmoid(t) (also called swish). When a gradient may
// flow to t, the forward pass keeps SiLU's derivative as it evaluates the
// sigmoid (kernel.SiLUKeep), and a first derivative multiplies by it
// instead of evaluating the sigmoid again; gradients of gradients
// differentiate the derivative's formula.
func (t *Tensor) SiLU() *Tensor {
	if !t.requiresGrad {
		return unary("SiLU", t, kernel.SiLU, nil)
	}
	t.live("SiLU")
	out, d := empty(t.shape), empty(t.shape)
	kernel.SiLUKeep(out.data, d.data, t.data)
	return record(out, "SiLU", []*Tensor{t}, func(b *Backprop) []*Tensor {
		if b.Recorded() {
			return []*Tensor{gradMul(siluGrad, 0, b.Grad, b.In[0])}
		}
		g := empty(d.shape)
		kernel.Map2(kernel.Mul, g.data, b.Grad.data[:len(d.data)], d.data)
		return []*Tensor{g}
	}).Adopt(d)
}

// Softplus returns log(1 + e^t), computed without overflow.
func (t *Tensor) Softplus() *Tensor {
	return unary("Softplus", t, kernel.Softplus, func(g, x, _ *Tensor) *Tensor { return g.Mul(x.Sigmoid()) })
}

func boolTo(b bool) float32 {
	if b {
		return 1
	}
	return 0
}

// Sin returns the sine of t.
func (t *Tensor) Sin() *Tensor {
	return unary("Sin", t, f64(math.Sin), func(g, x, _ *Tensor) *Tensor { return g.Mul(x.Cos()) })
}

// Cos returns the cosine of t.
func (t *Tensor) Cos() *Tensor {
	return unary("Cos", t, f64(math.Cos), func(g, x, _ *Tensor) *Tensor { return g.Mul(x.Sin()).Neg() })
}
