package rbm

import (
	"context"
	"math"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

// tinyRBM returns an RBM of v visible and h hidden units with weights of
// standard deviation scale and random biases.
func tinyRBM(seed uint64, v, h int, scale float32) *RBM {
	rng := tensor.NewRNG(seed)
	r := New(rng, v, h)
	r.Weight.CopyFrom(tensor.Randn(rng, h, v).MulScalar(scale))
	r.VisibleBias.CopyFrom(tensor.Randn(rng, v).MulScalar(0.5))
	r.HiddenBias.CopyFrom(tensor.Randn(rng, h).MulScalar(0.5))
	return r
}

// allStates returns the 2^n binary vectors of n units, [2^n, n].
func allStates(n int) *tensor.Tensor {
	d := make([]float32, (1<<n)*n)
	for i := range 1 << n {
		for j := range n {
			d[i*n+j] = float32(i >> j & 1)
		}
	}
	return tensor.New(d, 1<<n, n)
}

// TestFreeEnergySumsOutHidden checks F(v) = -log sum_h exp(-E(v, h)) by
// enumerating the hidden states, and exact log Z against the enumeration
// of the visible states.
func TestFreeEnergySumsOutHidden(t *testing.T) {
	r := tinyRBM(1, 6, 5, 1)
	hs := allStates(5)
	vs := allStates(6)
	fe := r.FreeEnergy(vs).DetachRelease().Values()
	var z float64
	for i := range vs.Size(0) {
		v := vs.Narrow(0, i, 1).BroadcastTo(hs.Size(0), 6)
		e := r.JointEnergy(v, hs).DetachRelease().Values()
		var s float64
		for _, x := range e {
			s += math.Exp(-float64(x))
		}
		if got, want := float64(fe[i]), -math.Log(s); math.Abs(got-want) > 1e-4 {
			t.Fatalf("F(v_%d) = %v, want %v", i, got, want)
		}
		z += s
	}
	logZ, err := ExactLogZ(r)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(logZ-math.Log(z)) > 1e-4 {
		t.Errorf("ExactLogZ = %v, the sum over all (v, h) gives %v", logZ, math.Log(z))
	}
	var total float64
	for _, lp := range r.LogProb(vs, logZ) {
		total += math.Exp(lp)
	}
	if math.Abs(total-1) > 1e-4 {
		t.Errorf("p(v) sums to %v over all v", total)
	}
}

// TestAISMatchesExactLogZ anneals to a small RBM of 10 hidden units whose
// log Z is known by enumeration.
func TestAISMatchesExactLogZ(t *testing.T) {
	for _, c := range []struct {
		name  string
		scale float32
		base  bool
	}{{"uniform base", 0.3, false}, {"base rate", 0.5, true}} {
		t.Run(c.name, func(t *testing.T) {
			r := tinyRBM(2, 40, 10, c.scale)
			exact, err := ExactLogZ(r)
			if err != nil {
				t.Fatal(err)
			}
			a := AIS{Runs: 100, Betas: 500}
			if c.base {
				samples, _ := r.Gibbs(r.RandomVisible(500, tensor.NewRNG(3)), 50, tensor.NewRNG(4))
				a.BaseBias = BaseRate(samples)
			}
			est, err := a.LogZ(context.Background(), r, tensor.NewRNG(5))
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(est.LogZ-exact) > 0.05 || est.Lo > exact+0.02 || est.Hi < exact-0.02 {
				t.Errorf("AIS log Z %.4f [%.4f, %.4f], exact %.4f", est.LogZ, est.Lo, est.Hi, exact)
			}
		})
	}
}

// TestPseudoLikelihood checks the one-flip estimate against the sum over
// all units of log p(v_i | v_-i), which it estimates without bias.
func TestPseudoLikelihood(t *testing.T) {
	r := tinyRBM(6, 8, 4, 1)
	v := tensor.Bernoulli(tensor.NewRNG(7), 0.5, 1, 8)
	var exact float64
	fe := float64(r.FreeEnergy(v).DetachRelease().Item())
	for i := range 8 {
		u := v.Clone()
		u.Set(1-u.At(0, i), 0, i)
		exact -= softplus(fe - float64(r.FreeEnergy(u).DetachRelease().Item()))
	}
	rng := tensor.NewRNG(8)
	var sum float64
	const n = 4000
	for range n {
		sum += r.PseudoLikelihood(v, rng)[0]
	}
	if got := sum / n; math.Abs(got-exact) > 0.05*math.Abs(exact) {
		t.Errorf("mean of the one-flip estimate %.4f, exact pseudo-likelihood %.4f", got, exact)
	}
}

// TestSchedule checks the paper's spacing of 14500 betas.
func TestSchedule(t *testing.T) {
	b := Schedule(14500)
	if len(b) != 14501 || b[0] != 0 || b[14500] != 1 || b[1000] != 0.5 || math.Abs(b[5000]-0.9) > 1e-12 {
		t.Fatalf("schedule: %d values, b[0] %v, b[1000] %v, b[5000] %v, last %v", len(b), b[0], b[1000], b[5000], b[len(b)-1])
	}
	for _, k := range []int{1, 14, 15, 100} {
		b := Schedule(k)
		for i := 1; i < len(b); i++ {
			if !(b[i] > b[i-1]) {
				t.Fatalf("Schedule(%d) not increasing at %d: %v", k, i, b)
			}
		}
		if len(b) != k+1 || b[k] != 1 {
			t.Errorf("Schedule(%d) = %v", k, b)
		}
	}
}
