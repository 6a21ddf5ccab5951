package tensor_test

import (
	"testing"

	T "github.com/gibbsml/gibbs/tensor"
)

// BenchmarkGraphOverhead times a chain of 150 recorded operations on
// 8-value tensors, its backward pass and its release: the cost of the
// graph machinery itself, not of the arithmetic.
func BenchmarkGraphOverhead(b *testing.B) {
	rng := T.NewRNG(1)
	x := T.Randn(rng, 1, 8).SetRequiresGrad(true)
	w := T.Randn(rng, 1, 8).SetRequiresGrad(true)
	c := T.Randn(rng, 8)
	b.ReportAllocs()
	for range b.N {
		h := x
		for range 50 {
			h = h.Mul(w).Add(c).Tanh()
		}
		y := h.Sum()
		T.Grad(y, x, w)
		y.Release()
	}
}
