package energy_test

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
)

// TestMALARemovesLangevinBias runs unadjusted and Metropolis-adjusted
// Langevin chains with a large step on the standard normal energy
// |y|^2/2: the unadjusted chains settle at the variance 1/(1 - step/2) of
// their discretisation, MALA's at 1, accepting most of its proposals.
func TestMALARemovesLangevinBias(t *testing.T) {
	m := energy.Func(halfSquare)
	const step = 0.5
	start := tensor.Uniform(tensor.NewRNG(1), -3, 3, 2000, 2)
	mala := &energy.MALA{Steps: 100, StepSize: step}
	cases := []struct {
		name  string
		chain energy.Chain
		want  float64
	}{
		{"langevin", energy.Langevin{Steps: 100, StepSize: step, Noise: float32(math.Sqrt(2 * step))}, 1 / (1 - step/2)},
		{"mala", mala, 1},
	}
	for _, c := range cases {
		mu, v := moments(c.chain.Run(m, nil, start, tensor.NewRNG(2)))
		if math.Abs(mu) > 0.05 || math.Abs(v-c.want) > 0.07 {
			t.Errorf("%s: mean %.3f variance %.3f, want 0 and %.3f", c.name, mu, v, c.want)
		}
	}
	if mala.Proposed != 100*2000 {
		t.Errorf("%d proposals counted, want %d", mala.Proposed, 100*2000)
	}
	if r := mala.AcceptanceRate(); r < 0.7 || r > 0.98 {
		t.Errorf("acceptance rate %.3f, want most but not all of the proposals of step %v on a unit Gaussian", r, step)
	}
}

// TestMALAKeepsToTheBox checks that proposals outside the box are
// rejected: on a steep slope towards -inf the chains stop inside it.
func TestMALAKeepsToTheBox(t *testing.T) {
	steep := energy.Func(func(_, y *tensor.Tensor) *tensor.Tensor { return y.Sum(1).MulScalar(10) })
	a := &energy.MALA{Steps: 50, StepSize: 0.01, Lo: -1, Hi: 1}
	y := a.Run(steep, nil, tensor.Zeros(100, 2), tensor.NewRNG(1))
	lowest := float32(0)
	for _, v := range y.Data() {
		if v < -1 || v > 1 {
			t.Fatalf("chain at %v, outside the box [-1, 1]", v)
		}
		lowest = min(lowest, v)
	}
	if lowest > -0.9 {
		t.Errorf("lowest coordinate %v: the chains did not go down the slope to the box's edge", lowest)
	}
	if err := (&energy.MALA{Steps: 1}).Validate(); err == nil {
		t.Error("zero step size accepted")
	}
}

// TestMALAClippedDriftLeavesAWall starts chains high on the wall of a
// narrow well, where the full drift overshoots to energies higher still:
// every proposal is rejected and the chains stay put, while the clipped
// drift walks them down into the well.
func TestMALAClippedDriftLeavesAWall(t *testing.T) {
	well := energy.Func(func(_, y *tensor.Tensor) *tensor.Tensor { return y.Square().Sum(1).MulScalar(2000) })
	start := tensor.Full(1, 50, 2)
	for _, c := range []struct {
		clip    float32
		maxDist float64 // largest distance from the centre at the end
	}{{0, math.Inf(1)}, {100, 0.1}} {
		a := &energy.MALA{Steps: 40, StepSize: 0.001, ClipGrad: c.clip}
		y := a.Run(well, nil, start, tensor.NewRNG(1))
		far := 0.0
		for i := 0; i < y.Size(0); i++ {
			far = max(far, math.Hypot(float64(y.At(i, 0)), float64(y.At(i, 1))))
		}
		switch {
		case c.clip == 0 && a.Accepted != 0:
			t.Errorf("full drift: %d proposals accepted, want none (each overshoots to a higher energy)", a.Accepted)
		case c.clip > 0 && far > c.maxDist:
			t.Errorf("clipped drift: a chain ends %.3f from the centre, want within %.1f", far, c.maxDist)
		}
	}
}
