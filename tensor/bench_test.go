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

// BenchmarkReduce times sums of a [256, 1024] tensor over all values, over
// its first axis (the batch axis of a gradient) and over its last, and a
// log-sum-exp over the last.
func BenchmarkReduce(b *testing.B) {
	x := T.Randn(T.NewRNG(1), 256, 1024)
	for _, c := range []struct {
		name string
		f    func() *T.Tensor
	}{
		{"Sum", func() *T.Tensor { return x.Sum() }},
		{"Sum0", func() *T.Tensor { return x.Sum(0) }},
		{"Sum1", func() *T.Tensor { return x.Sum(1) }},
		{"SumTo", func() *T.Tensor { return x.SumTo(1, 1024) }},
		{"LogSumExp1", func() *T.Tensor { return x.LogSumExp(1) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				c.f().Release()
			}
		})
	}
}
