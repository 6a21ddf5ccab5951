package energy_test

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
)

// TestDualAveragingReachesTarget starts HMC on a narrow Gaussian (std
// 0.05, like a mode of ring8) with a step a hundred times too small, and
// checks that after warm-up the acceptance is near the target and the
// chains have the right spread.
func TestDualAveragingReachesTarget(t *testing.T) {
	const std = 0.05
	m := energy.Func(func(_, y *tensor.Tensor) *tensor.Tensor { return y.Square().Sum(1).MulScalar(0.5 / (std * std)) })
	for _, target := range []float64{0.65, 0.9} {
		adapt := energy.NewDualAveraging(0.0005, target, 500)
		h := &energy.HMC{Iterations: 500, LeapfrogSteps: 5, Adapt: adapt}
		rng := tensor.NewRNG(1)
		y := h.Sample(m, nil, tensor.Zeros(500, 2), rng)
		h.Acceptance = energy.Acceptance{}
		h.Iterations = 30
		y = h.Sample(m, nil, y, rng)
		step := adapt.Step()
		if r := h.AcceptanceRate(); math.Abs(r-target) > 0.1 {
			t.Errorf("target %.2f: acceptance %.3f after warm-up (step %.4f)", target, r, step)
		}
		if _, v := moments(y); math.Abs(v/(std*std)-1) > 0.15 {
			t.Errorf("target %.2f: variance %.5f, want %.5f", target, v, std*std)
		}
		if before := adapt.Step(); h.Sample(m, nil, y, rng) != nil && adapt.Step() != before {
			t.Errorf("target %.2f: the step still changes after warm-up", target)
		}
	}
}

func TestDualAveragingTextRoundTrip(t *testing.T) {
	d := energy.NewDualAveraging(0.01, 0.65, 10)
	for _, a := range []float64{0.1, 0.9, math.NaN(), 0.3} {
		d.Update(a)
	}
	b, err := d.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	var back energy.DualAveraging
	if err := back.UnmarshalText(b); err != nil {
		t.Fatal(err)
	}
	if back != *d {
		t.Errorf("read back %+v, want %+v", back, *d)
	}
}
