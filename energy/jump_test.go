package energy_test

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
)

// twoWells is the energy -log(w N(y; -2, s) + (1-w) N(y; 2, s)) in 1-D, up
// to a constant: two modes far enough apart that Langevin never crosses.
func twoWells(w, s float32) energy.Func {
	return func(_, y *tensor.Tensor) *tensor.Tensor {
		k := -1 / (2 * s * s)
		a := y.AddScalar(2).Square().MulScalar(k).AddScalar(float32(math.Log(float64(w))))
		b := y.AddScalar(-2).Square().MulScalar(k).AddScalar(float32(math.Log(float64(1 - w))))
		return tensor.Concat(1, a, b).LogSumExp(1).Neg()
	}
}

// TestJumpBalancesModes starts every chain in the left well of a 0.8/0.2
// mixture and proposes from a data batch split evenly between the wells:
// the Metropolis-Hastings jumps must bring the share of chains in the right
// well to the target's 0.2, whatever the proposal's own share.
func TestJumpBalancesModes(t *testing.T) {
	const n = 4000
	rng := tensor.NewRNG(7)
	m := twoWells(0.8, 0.1)
	pos := tensor.Zeros(256, 1)
	for i, d := 0, pos.Data(); i < len(d); i++ {
		d[i] = float32(4*(i%2)-2) + 0.1*rng.Norm()
	}
	y := tensor.Zeros(n, 1).AddScalar(-2)
	j := &energy.Jump{Width: 0.15, Uniform: 0.1, Lo: -4, Hi: 4}
	if err := j.Validate(); err != nil {
		t.Fatal(err)
	}
	for it := 0; it < 40; it++ {
		j.Move(m, nil, y, pos, rng)
	}
	right := 0
	for _, v := range y.Data() {
		if v > 0 {
			right++
		}
	}
	if share := float64(right) / n; math.Abs(share-0.2) > 0.03 {
		t.Errorf("share of chains in the right well %.3f, want 0.2", share)
	}
	if r := j.AcceptanceRate(); r <= 0.1 || r >= 1 {
		t.Errorf("acceptance rate %.3f", r)
	}
	if j.Proposed != 40*n {
		t.Errorf("%d proposals counted, want %d", j.Proposed, 40*n)
	}
}

// TestReplayJumps checks that a replay sampler with a Jump moves its
// chains between wells while a plain one cannot.
func TestReplayJumps(t *testing.T) {
	m := twoWells(0.5, 0.1)
	pos := tensor.Zeros(64, 1)
	for i, d := 0, pos.Data(); i < len(d); i++ {
		d[i] = float32(4*(i%2) - 2)
	}
	for _, jump := range []*energy.Jump{nil, {Width: 0.1, Lo: -4, Hi: 4}} {
		rng := tensor.NewRNG(3)
		buf, err := energy.NewReplayBuffer(rng, 64, []int{1}, 0, -2.05, -1.95)
		if err != nil {
			t.Fatal(err)
		}
		r := energy.Replay{Chain: energy.Langevin{Steps: 5, StepSize: 0.001, Noise: float32(math.Sqrt(0.002))}, Buffer: buf, Jump: jump}
		neg := r.Sample(m, nil, pos, rng)
		right := 0
		for _, v := range neg.Data() {
			if v > 0 {
				right++
			}
		}
		if jump == nil && right != 0 || jump != nil && right == 0 {
			t.Errorf("jump %v: %d of 64 chains in the right well", jump != nil, right)
		}
	}
}

func TestJumpValidate(t *testing.T) {
	for _, j := range []energy.Jump{
		{Width: 0, Lo: -1, Hi: 1},
		{Width: 0.1, Uniform: 1.5, Lo: -1, Hi: 1},
		{Width: 0.1, Lo: 1, Hi: 1},
		{Width: float32(math.NaN()), Lo: -1, Hi: 1},
	} {
		if err := j.Validate(); err == nil {
			t.Errorf("%+v: no error", j)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("chains and data of different sample shapes: no panic")
		}
	}()
	j := energy.Jump{Width: 0.1, Lo: -1, Hi: 1}
	j.Move(twoWells(0.5, 0.1), nil, tensor.Zeros(4, 1), tensor.Zeros(4, 2), tensor.NewRNG(1))
}
