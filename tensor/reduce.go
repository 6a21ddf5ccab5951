package tensor

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/internal/kernel"
)

// reduceAxes normalises axes (none means all) and returns a mask of the
// reduced axes and the shape of the result with those axes kept as 1.
func reduceAxes(op string, shape []int, axes []int) (mask []bool, keep []int) {
	mask = make([]bool, len(shape))
	if len(axes) == 0 {
		for i := range mask {
			mask[i] = true
		}
	}
	for _, a := range axes {
		a = normAxis(op, a, len(shape))
		if mask[a] && len(axes) > 0 {
			panic(fmt.Sprintf("tensor: %s: axis %d given twice", op, a))
		}
		mask[a] = true
	}
	keep = make([]int, len(shape))
	for i, d := range shape {
		keep[i] = d
		if mask[i] {
			keep[i] = 1
		}
	}
	return mask, keep
}

// dropAxes removes the reduced axes from keep.
func dropAxes(keep []int, mask []bool) []int {
	out := []int{}
	for i, d := range keep {
		if !mask[i] {
			out = append(out, d)
		}
	}
	return out
}

// reduction computes a keep-dims reduction and reshapes it when keepdim is false.
func reduction(op string, t *Tensor, axes []int, keepdim bool, compute func(mask []bool, keep []int) *Tensor) *Tensor {
	mask, keep := reduceAxes(op, t.shape, axes)
	out := compute(mask, keep)
	if keepdim {
		return out
	}
	return out.Reshape(dropAxes(keep, mask)...)
}

func (t *Tensor) sum(axes []int, keepdim bool) *Tensor {
	return reduction("Sum", t, axes, keepdim, func(_ []bool, keep []int) *Tensor {
		out := sumRaw(t, keep)
		in := t.shape
		return recordLinear(out, "Sum", []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{g.BroadcastTo(in...)} })
	})
}

// Sum adds t's values over the given axes (all when none), dropping them.
func (t *Tensor) Sum(axes ...int) *Tensor { return t.sum(axes, false) }

// SumKeep is Sum that keeps the reduced axes with length 1.
func (t *Tensor) SumKeep(axes ...int) *Tensor { return t.sum(axes, true) }

func (t *Tensor) mean(axes []int, keepdim bool) *Tensor {
	mask, _ := reduceAxes("Mean", t.shape, axes)
	n := 1
	for i, m := range mask {
		if m {
			n *= t.shape[i]
		}
	}
	return t.sum(axes, keepdim).MulScalar(1 / float32(n))
}

// Mean averages t over the given axes (all when none), dropping them.
func (t *Tensor) Mean(axes ...int) *Tensor { return t.mean(axes, false) }

// MeanKeep is Mean that keeps the reduced axes with length 1.
func (t *Tensor) MeanKeep(axes ...int) *Tensor { return t.mean(axes, true) }

// Variance returns the variance over axes with the given correction: the sum
// of squared deviations is divided by n - correction (0 for the population
// variance, 1 for the unbiased estimate).
func (t *Tensor) Variance(correction int, keepdim bool, axes ...int) *Tensor {
	mask, _ := reduceAxes("Variance", t.shape, axes)
	n := 1
	for i, m := range mask {
		if m {
			n *= t.shape[i]
		}
	}
	// Shifted two passes: the deviations are taken from the mean rounded
	// to float32 (a constant, subtracted exactly from values near it),
	// then from the mean of what remains, so the rounding of the first
	// mean does not reach the result, which stays a sum of squares with
	// the variance's derivatives of every order.
	d := t.Sub(t.detached().MeanKeep(axes...))
	d = d.Sub(d.MeanKeep(axes...))
	return d.Square().sum(axes, keepdim).MulScalar(1 / float32(n-correction))
}

// Var returns the unbiased variance over the given axes (all when none), as
// PyTorch's var does by default.
func (t *Tensor) Var(axes ...int) *Tensor { return t.Variance(1, false, axes...) }

func (t *Tensor) extreme(op string, axes []int, keepdim bool, kop kernel.Op) *Tensor {
	return reduction(op, t, axes, keepdim, func(_ []bool, keep []int) *Tensor {
		// Start from the worst value; a NaN wins, as in PyTorch, so a
		// diverged value is not hidden.
		init := float32(math.Inf(1))
		if kop == kernel.Max {
			init = float32(math.Inf(-1))
		}
		out := foldTo(t, keep, kop, init)
		return record(out, op, []*Tensor{t}, func(b *Backprop) []*Tensor {
			// The gradient goes to the positions that attain the extreme,
			// split evenly among ties.
			x := b.In[0]
			hit := x.detached().Eq(b.Out.detached())
			return []*Tensor{b.Grad.BroadcastTo(x.shape...).Mul(hit.Div(sumRaw(hit, keep)))}
		})
	})
}

// Max returns the largest value over the given axes (all when none).
func (t *Tensor) Max(axes ...int) *Tensor {
	return t.extreme("Max", axes, false, kernel.Max)
}

// MaxKeep is Max that keeps the reduced axes with length 1.
func (t *Tensor) MaxKeep(axes ...int) *Tensor {
	return t.extreme("Max", axes, true, kernel.Max)
}

// Min returns the smallest value over the given axes (all when none).
func (t *Tensor) Min(axes ...int) *Tensor {
	return t.extreme("Min", axes, false, kernel.Min)
}

// MinKeep is Min that keeps the reduced axes with length 1.
func (t *Tensor) MinKeep(axes ...int) *Tensor {
	return t.extreme("Min", axes, true, kernel.Min)
}

func (t *Tensor) logSumExp(axes []int, keepdim bool) *Tensor {
	return reduction("LogSumExp", t, axes, keepdim, func(_ []bool, keep []int) *Tensor {
		m := foldTo(t, keep, kernel.Max, float32(math.Inf(-1)))
		for i, v := range m.data {
			if math.IsInf(float64(v), 0) {
				m.data[i] = 0
			}
		}
		sh := t.detached().Sub(m)
		kernel.Exp(sh.data, sh.data)
		out := sumRaw(sh, keep)
		kernel.Log(out.data, out.data)
		kernel.Map2(kernel.Add, out.data, out.data, m.data)
		return record(out, "LogSumExp", []*Tensor{t}, func(b *Backprop) []*Tensor {
			return []*Tensor{b.Grad.Mul(b.In[0].Sub(b.Out).Exp())}
		})
	})
}

// LogSumExp returns log(sum(exp(t))) over the given axes (all when none),
// computed stably by shifting by the maximum.
func (t *Tensor) LogSumExp(axes ...int) *Tensor { return t.logSumExp(axes, false) }

// LogSumExpKeep is LogSumExp that keeps the reduced axes with length 1.
func (t *Tensor) LogSumExpKeep(axes ...int) *Tensor { return t.logSumExp(axes, true) }

// Norm returns the Euclidean norm over the given axes (all when none).
// Its gradient t / norm is taken as 0 where the norm is 0, as in PyTorch,
// rather than 0/0.
func (t *Tensor) Norm(axes ...int) *Tensor {
	return reduction("Norm", t, axes, false, func(_ []bool, keep []int) *Tensor {
		out := sumRaw(t.detached().Square(), keep).Sqrt()
		return record(out, "Norm", []*Tensor{t}, func(b *Backprop) []*Tensor { return []*Tensor{normGrad(b.Grad, b.In[0], b.Out)} })
	})
}

// normGrad is the gradient g t / out of the norm out of t, with 0 where
// out is 0 (t is 0 there too).
func normGrad(g, t, out *Tensor) *Tensor {
	nonzero := out.Add(constant(out, func(v float32) float32 { return boolTo(v == 0) }))
	return t.Mul(g.Div(nonzero))
}

// Argmax returns, for each position of the other axes, the index of the
// largest value along axis (the first one on ties). It is not differentiable.
func (t *Tensor) Argmax(axis int) *Tensor {
	return t.argExtreme("Argmax", axis, func(a, b float32) bool { return a > b })
}

// Argmin returns the index of the smallest value along axis.
func (t *Tensor) Argmin(axis int) *Tensor {
	return t.argExtreme("Argmin", axis, func(a, b float32) bool { return a < b })
}

func (t *Tensor) argExtreme(op string, axis int, better func(a, b float32) bool) *Tensor {
	ax := normAxis(op, axis, len(t.shape))
	outer, n, inner := splitAt(t.shape, ax)
	outShape := append(append([]int{}, t.shape[:ax]...), t.shape[ax+1:]...)
	out := Zeros(outShape...)
	for o := 0; o < outer; o++ {
		for in := 0; in < inner; in++ {
			base := o*n*inner + in
			best, bi := t.data[base], 0
			for j := 1; j < n && best == best; j++ {
				if v := t.data[base+j*inner]; v != v || better(v, best) {
					best, bi = v, j
				}
			}
			out.data[o*inner+in] = float32(bi)
		}
	}
	return out
}

// splitAt returns the sizes before, at and after axis.
func splitAt(shape []int, axis int) (outer, n, inner int) {
	return numel(shape[:axis]), shape[axis], numel(shape[axis+1:])
}
