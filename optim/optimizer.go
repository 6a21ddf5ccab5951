package optim

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// Optimizer updates a fixed list of parameters from their gradients.
type Optimizer interface {
	// Step updates every parameter that has a gradient.
	Step()
	// ZeroGrad clears the gradients of all parameters.
	ZeroGrad()
	// Params returns the parameters it updates, in order; the caller
	// must not modify the slice.
	Params() []*tensor.Tensor
	// LR returns the current learning rate.
	LR() float64
	// SetLR sets the learning rate used by the following steps.
	SetLR(lr float64)
	// State returns copies of the optimizer's per-parameter state, keyed
	// "<parameter index>.<name>".
	State() map[string]*tensor.Tensor
	// LoadState replaces the optimizer's state with one returned by State,
	// after checking every name and shape against the parameters.
	LoadState(state map[string]*tensor.Tensor) error
}

// base is what all optimizers share: the parameters, the learning rate and
// the per-parameter state.
type base struct {
	name   string // for messages: "SGD", "Adam", ...
	params []*tensor.Tensor
	lr     float64
	slots
}

// newBase checks the parameter list and the learning rate and sets up
// state with the given buffer names.
func newBase(name string, params []*tensor.Tensor, lr float64, counted bool, bufNames ...string) (base, error) {
	if len(params) == 0 {
		return base{}, fmt.Errorf("optim: %s: empty parameter list", name)
	}
	seen := make(map[*tensor.Tensor]int, len(params))
	for i, p := range params {
		if p == nil {
			return base{}, fmt.Errorf("optim: %s: parameter %d is nil", name, i)
		}
		if j, dup := seen[p]; dup {
			return base{}, fmt.Errorf("optim: %s: parameters %d and %d are the same tensor", name, j, i)
		}
		seen[p] = i
	}
	if err := checkNonNeg(name, "learning rate", lr); err != nil {
		return base{}, err
	}
	return base{
		name:   name,
		params: append([]*tensor.Tensor(nil), params...),
		lr:     lr,
		slots:  newSlots(len(params), counted, bufNames),
	}, nil
}

// LR returns the current learning rate.
func (b *base) LR() float64 { return b.lr }

// Params returns the parameters, in the order they were given.
func (b *base) Params() []*tensor.Tensor { return b.params }

// SetLR sets the learning rate used by the following steps. It panics if
// lr is negative or NaN.
func (b *base) SetLR(lr float64) {
	if err := checkNonNeg(b.name, "learning rate", lr); err != nil {
		panic(err.Error())
	}
	b.lr = lr
}

// ZeroGrad clears the gradients of all parameters (sets them to nil), so
// that the parameters are skipped by Step until a new gradient arrives.
func (b *base) ZeroGrad() {
	for _, p := range b.params {
		p.ZeroGrad()
	}
}

// grad returns the values of parameter i's gradient, or nil when it has
// none. It panics if the gradient does not match the parameter in size.
func (b *base) grad(i int) []float32 {
	p := b.params[i]
	g := p.Grad()
	if g == nil {
		return nil
	}
	if g.Len() != p.Len() {
		panic(fmt.Sprintf("optim: %s: gradient of shape %v for parameter %d of shape %v", b.name, g.Shape(), i, p.Shape()))
	}
	return g.Values()
}

// checkNonNeg reports an error unless v >= 0 (NaN fails).
func checkNonNeg(opt, what string, v float64) error {
	if !(v >= 0) {
		return fmt.Errorf("optim: %s: invalid %s %v (must be >= 0)", opt, what, v)
	}
	return nil
}

// checkUnit reports an error unless 0 <= v < 1 (NaN fails).
func checkUnit(opt, what string, v float64) error {
	if !(v >= 0 && v < 1) {
		return fmt.Errorf("optim: %s: invalid %s %v (must be in [0, 1))", opt, what, v)
	}
	return nil
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// sqrt32 is the correctly rounded float32 square root.
func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// fma32 returns a*b + c with the product unrounded, as a fused
// multiply-add computes it. PyTorch's CPU kernels for add with alpha
// (x.add_(y, alpha=a)) and addcmul use fused multiply-adds on x86-64; doing
// the same here makes the updates agree with PyTorch's bit for bit on the
// reference values in testdata. The product of two float32 values is exact
// in float64, so only the sum is rounded (to float64, then to float32);
// this is as fast as plain float32 arithmetic, unlike math.FMA without
// GOAMD64=v3.
func fma32(a, b, c float32) float32 { return float32(float64(a)*float64(b) + float64(c)) }
