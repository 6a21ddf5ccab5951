package tensor

import "math"

// unary applies f element-wise and records backward, which receives the
// gradient of the result and the result itself.
func unary(op string, t *Tensor, f func(x float32) float32, backward func(g, out *Tensor) *Tensor) *Tensor {
	out := &Tensor{data: make([]float32, len(t.data)), shape: t.shape}
	for i, x := range t.data {
		out.data[i] = f(x)
	}
	if backward == nil {
		return out
	}
	return record(out, op, []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{backward(g, out)} })
}

// constant maps t element-wise to a tensor that is not differentiated (masks, signs).
func constant(t *Tensor, f func(x float32) float32) *Tensor { return unary("", t, f, nil) }

func f64(f func(float64) float64) func(float32) float32 {
	return func(x float32) float32 { return float32(f(float64(x))) }
}

// Neg returns -t.
func (t *Tensor) Neg() *Tensor {
	return unary("Neg", t, func(x float32) float32 { return -x }, func(g, _ *Tensor) *Tensor { return g.Neg() })
}

// AddScalar returns t + c.
func (t *Tensor) AddScalar(c float32) *Tensor {
	return unary("AddScalar", t, func(x float32) float32 { return x + c }, func(g, _ *Tensor) *Tensor { return g })
}

// MulScalar returns t * c.
func (t *Tensor) MulScalar(c float32) *Tensor {
	return unary("MulScalar", t, func(x float32) float32 { return x * c }, func(g, _ *Tensor) *Tensor { return g.MulScalar(c) })
}

// OneMinus returns 1 - t.
func (t *Tensor) OneMinus() *Tensor {
	return unary("OneMinus", t, func(x float32) float32 { return 1 - x }, func(g, _ *Tensor) *Tensor { return g.Neg() })
}

// Square returns t * t.
func (t *Tensor) Square() *Tensor {
	return unary("Square", t, func(x float32) float32 { return x * x }, func(g, _ *Tensor) *Tensor { return g.Mul(t).MulScalar(2) })
}

// Pow returns t raised to the power p element-wise.
func (t *Tensor) Pow(p float32) *Tensor {
	return unary("Pow", t, f64(func(x float64) float64 { return math.Pow(x, float64(p)) }),
		func(g, _ *Tensor) *Tensor { return g.Mul(t.Pow(p - 1)).MulScalar(p) })
}

// Exp returns e^t.
func (t *Tensor) Exp() *Tensor {
	return unary("Exp", t, f64(math.Exp), func(g, out *Tensor) *Tensor { return g.Mul(out) })
}

// Log returns the natural logarithm of t.
func (t *Tensor) Log() *Tensor {
	return unary("Log", t, f64(math.Log), func(g, _ *Tensor) *Tensor { return g.Div(t) })
}

// Log1p returns log(1 + t), accurate for small t.
func (t *Tensor) Log1p() *Tensor {
	return unary("Log1p", t, f64(math.Log1p), func(g, _ *Tensor) *Tensor { return g.Div(t.AddScalar(1)) })
}

// Sqrt returns the square root of t.
func (t *Tensor) Sqrt() *Tensor {
	return unary("Sqrt", t, f64(math.Sqrt), func(g, out *Tensor) *Tensor { return g.Div(out).MulScalar(0.5) })
}

// Abs returns |t|; its gradient at 0 is 0.
func (t *Tensor) Abs() *Tensor {
	return unary("Abs", t, func(x float32) float32 { return float32(math.Abs(float64(x))) },
		func(g, _ *Tensor) *Tensor { return g.Mul(t.Sign()) })
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
	return unary("Clamp", t, func(x float32) float32 { return min(max(x, lo), hi) },
		func(g, _ *Tensor) *Tensor {
			return g.Mul(constant(t, func(x float32) float32 { return boolTo(x >= lo && x <= hi) }))
		})
}

// Tanh returns the hyperbolic tangent of t.
func (t *Tensor) Tanh() *Tensor {
	return unary("Tanh", t, f64(math.Tanh), func(g, out *Tensor) *Tensor { return g.Mul(out.Square().OneMinus()) })
}

// Sigmoid returns 1 / (1 + e^-t).
func (t *Tensor) Sigmoid() *Tensor {
	return unary("Sigmoid", t, sigmoid, func(g, out *Tensor) *Tensor { return g.Mul(out.Mul(out.OneMinus())) })
}

func sigmoid(x float32) float32 {
	if x >= 0 {
		return float32(1 / (1 + math.Exp(-float64(x))))
	}
	e := math.Exp(float64(x))
	return float32(e / (1 + e))
}

// ReLU returns max(t, 0).
func (t *Tensor) ReLU() *Tensor {
	return unary("ReLU", t, func(x float32) float32 { return max(x, 0) },
		func(g, _ *Tensor) *Tensor {
			return g.Mul(constant(t, func(x float32) float32 { return boolTo(x > 0) }))
		})
}

// LeakyReLU returns t where t > 0 and slope*t elsewhere.
func (t *Tensor) LeakyReLU(slope float32) *Tensor {
	return unary("LeakyReLU", t, func(x float32) float32 {
		if x > 0 {
			return x
		}
		return slope * x
	}, func(g, _ *Tensor) *Tensor {
		return g.Mul(constant(t, func(x float32) float32 {
			if x > 0 {
				return 1
			}
			return slope
		}))
	})
}

// ELU returns t where t > 0 and alpha*(e^t - 1) elsewhere.
func (t *Tensor) ELU(alpha float32) *Tensor {
	return unary("ELU", t, func(x float32) float32 {
		if x > 0 {
			return x
		}
		return alpha * float32(math.Expm1(float64(x)))
	}, func(g, _ *Tensor) *Tensor {
		pos := constant(t, func(x float32) float32 { return boolTo(x > 0) })
		// d/dx = 1 for x > 0, alpha*e^x elsewhere; written with Exp so it differentiates again.
		neg := t.Minimum(Scalar(0)).Exp().MulScalar(alpha)
		return g.Mul(Where(pos, OnesLike(t), neg))
	})
}

// Erf returns the error function of t.
func (t *Tensor) Erf() *Tensor {
	return unary("Erf", t, f64(math.Erf), func(g, _ *Tensor) *Tensor {
		return g.Mul(t.Square().Neg().Exp().MulScalar(2 / math.SqrtPi))
	})
}

// GELU returns t * Phi(t) with Phi the standard normal CDF (the exact form,
// PyTorch's default).
func (t *Tensor) GELU() *Tensor {
	return unary("GELU", t, func(x float32) float32 {
		return float32(0.5 * float64(x) * (1 + math.Erf(float64(x)/math.Sqrt2)))
	}, func(g, _ *Tensor) *Tensor {
		cdf := t.MulScalar(1 / math.Sqrt2).Erf().AddScalar(1).MulScalar(0.5)
		pdf := t.Square().MulScalar(-0.5).Exp().MulScalar(float32(1 / math.Sqrt(2*math.Pi)))
		return g.Mul(cdf.Add(t.Mul(pdf)))
	})
}

// SiLU returns t * sigmoid(t) (also called swish).
func (t *Tensor) SiLU() *Tensor {
	return unary("SiLU", t, func(x float32) float32 { return x * sigmoid(x) }, func(g, _ *Tensor) *Tensor {
		s := t.Sigmoid()
		return g.Mul(s.Add(t.Mul(s).Mul(s.OneMinus())))
	})
}

// Softplus returns log(1 + e^t), computed without overflow.
func (t *Tensor) Softplus() *Tensor {
	return unary("Softplus", t, func(x float32) float32 {
		v := float64(x)
		return float32(max(v, 0) + math.Log1p(math.Exp(-math.Abs(v))))
	}, func(g, _ *Tensor) *Tensor { return g.Mul(t.Sigmoid()) })
}

func boolTo(b bool) float32 {
	if b {
		return 1
	}
	return 0
}

// Sin returns the sine of t.
func (t *Tensor) Sin() *Tensor {
	return unary("Sin", t, f64(math.Sin), func(g, _ *Tensor) *Tensor { return g.Mul(t.Cos()) })
}

// Cos returns the cosine of t.
func (t *Tensor) Cos() *Tensor {
	return unary("Cos", t, f64(math.Cos), func(g, _ *Tensor) *Tensor { return g.Mul(t.Sin()).Neg() })
}
