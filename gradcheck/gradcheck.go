// Package gradcheck verifies automatic differentiation against numerical
// differentiation.
//
// Check compares the gradient that tensor.Grad computes for a function of
// tensors with central differences (f(x+eps) - f(x-eps)) / 2eps, one input
// value at a time. CheckSecond does the same for the gradient of the
// gradient, which is what gradient penalties, score matching and Langevin
// sampling on a learned energy rely on. The tensor package tests every
// differentiable operation with them.
package gradcheck

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// Func is a function of tensors to check. It may return a tensor of any
// shape; Check reduces it to a scalar with fixed random weights.
type Func func(xs ...*tensor.Tensor) *tensor.Tensor

// Options sets the finite-difference step and the tolerance: an analytic
// gradient g passes against a numerical one n when
// |g - n| <= Atol + Rtol*|n|. Zero fields take the defaults.
type Options struct {
	Eps, Atol, Rtol float64
	Seed            uint64
}

func (o Options) withDefaults() Options {
	if o.Eps == 0 {
		o.Eps = 1e-2
	}
	if o.Atol == 0 {
		o.Atol = 2e-3
	}
	if o.Rtol == 0 {
		o.Rtol = 2e-2
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Check returns an error naming the first input value whose analytic
// gradient disagrees with the numerical one, or nil.
func Check(f Func, inputs []*tensor.Tensor, opt Options) error {
	opt = opt.withDefaults()
	xs := leaves(inputs)
	out := f(xs...)
	weights := tensor.Randn(tensor.NewRNG(opt.Seed), out.Shape()...)
	analytic := tensor.Grad(f(xs...).Mul(weights).Sum(), xs...)
	// The numerical side reduces in float64 to keep rounding out of the
	// differences.
	scalar := func(xs []*tensor.Tensor) float64 {
		var s float64
		for i, v := range f(xs...).Data() {
			s += float64(v) * float64(weights.Data()[i])
		}
		return s
	}
	for i, x := range xs {
		data := x.Data()
		for j := range data {
			orig := data[j]
			data[j] = orig + float32(opt.Eps)
			plus := scalar(xs)
			data[j] = orig - float32(opt.Eps)
			minus := scalar(xs)
			data[j] = orig
			// The step actually taken in float32 can differ from 2*eps.
			step := float64(orig+float32(opt.Eps)) - float64(orig-float32(opt.Eps))
			num := (plus - minus) / step
			got := float64(analytic[i].Data()[j])
			if math.IsNaN(got) || math.Abs(got-num) > opt.Atol+opt.Rtol*math.Abs(num) {
				return fmt.Errorf("gradcheck: input %d (shape %v) value %d: analytic gradient %.6g, numerical %.6g",
					i, x.Shape(), j, got, num)
			}
		}
	}
	return nil
}

// CheckSecond checks second derivatives: it differentiates
// h(xs) = sum_i <grad_i f(xs), v_i> for fixed random v_i, whose gradient
// needs the backward pass of f to be differentiable itself.
func CheckSecond(f Func, inputs []*tensor.Tensor, opt Options) error {
	opt = opt.withDefaults()
	out := f(leaves(inputs)...)
	weights := tensor.Randn(tensor.NewRNG(opt.Seed+1), out.Shape()...)
	dirs := make([]*tensor.Tensor, len(inputs))
	rng := tensor.NewRNG(opt.Seed + 2)
	for i, x := range inputs {
		dirs[i] = tensor.Randn(rng, x.Shape()...)
	}
	h := func(xs ...*tensor.Tensor) *tensor.Tensor {
		gs := tensor.GradGraph(f(xs...).Mul(weights).Sum(), xs...)
		total := tensor.Scalar(0)
		for i, g := range gs {
			total = total.Add(g.Mul(dirs[i]).Sum())
		}
		return total
	}
	if err := Check(h, inputs, opt); err != nil {
		return fmt.Errorf("second order: %w", err)
	}
	return nil
}

// leaves returns copies of the inputs that require gradients.
func leaves(inputs []*tensor.Tensor) []*tensor.Tensor {
	xs := make([]*tensor.Tensor, len(inputs))
	for i, x := range inputs {
		xs[i] = x.Clone().SetRequiresGrad(true)
	}
	return xs
}
