package energy_test

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
)

// Langevin steps give the bits of the update written value by value, y +
// (-StepSize*clip(g) + Noise*n) kept in [Lo, Hi], with the noise drawn in
// order after each gradient, for chains long enough for vector loops and
// tails. The energy sum(c y) has the gradient c exactly.
func TestLangevinStepBits(t *testing.T) {
	const n, d, steps = 7, 29, 3
	c := tensor.Randn(tensor.NewRNG(1), n, d).MulScalar(3)
	m := energy.Func(func(_, y *tensor.Tensor) *tensor.Tensor { return y.Mul(c).Sum(1) })
	y0 := tensor.Randn(tensor.NewRNG(2), n, d)
	for _, l := range []energy.Langevin{
		{Steps: steps, StepSize: 0.1, Noise: 0.05},
		{Steps: steps, StepSize: 0.1, Noise: 0.05, ClipGrad: 1},
		{Steps: steps, StepSize: 0.3, Noise: 0.2, Lo: -1, Hi: 1},
	} {
		got := l.Run(m, nil, y0, tensor.NewRNG(3)).Values()
		rng := tensor.NewRNG(3)
		want := y0.Clone().Values()
		for range steps {
			for i, g := range c.Values() {
				if l.ClipGrad > 0 {
					g = min(max(g, -l.ClipGrad), l.ClipGrad)
				}
				// The conversions round each product, as Go may fuse
				// a product into the sum otherwise.
				v := want[i] + (float32(-l.StepSize*g) + float32(l.Noise*rng.Norm()))
				if l.Lo < l.Hi {
					v = min(max(v, l.Lo), l.Hi)
				}
				want[i] = v
			}
		}
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%+v: value %d is %v, want %v", l, i, got[i], want[i])
			}
		}
	}
}

// BenchmarkLangevin times 20 steps of 64 chains of MNIST-sized images on
// an energy linear in y: the sampler's own work (noise, update, buffers)
// beside the cheapest gradient.
func BenchmarkLangevin(b *testing.B) {
	c := tensor.Randn(tensor.NewRNG(1), 64, 784)
	m := energy.Func(func(_, y *tensor.Tensor) *tensor.Tensor { return y.Mul(c).Sum(1) })
	y0 := tensor.Rand(tensor.NewRNG(2), 64, 784)
	l := energy.Langevin{Steps: 20, StepSize: 1, Noise: 0.005, Lo: 0, Hi: 1}
	rng := tensor.NewRNG(3)
	b.ReportAllocs()
	for range b.N {
		l.Run(m, nil, y0, rng).Recycle()
	}
}
