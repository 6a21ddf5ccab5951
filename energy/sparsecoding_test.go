package energy_test

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
)

// meanEnergy is the mean of E(y, z) over the rows.
func meanEnergy(s *energy.SparseCoding, y, z *tensor.Tensor) float64 {
	return float64(s.LatentEnergy(nil, y, z).Mean().Item())
}

func TestShrink(t *testing.T) {
	u := tensor.New([]float32{-3, -1, -0.5, 0, 0.5, 1, 3}, 7).SetRequiresGrad(true)
	theta := tensor.Scalar(1).SetRequiresGrad(true)
	out := energy.Shrink(u, theta)
	want := []float32{-2, 0, 0, 0, 0, 0, 2}
	for i, w := range want {
		if out.Data()[i] != w {
			t.Fatalf("Shrink = %v, want %v", out.Data(), want)
		}
	}
	g := tensor.Grad(out.Sum(), u)
	wantU := []float32{1, 0, 0, 0, 0, 0, 1}
	for i, w := range wantU {
		if g[0].Data()[i] != w {
			t.Fatalf("dShrink/du = %v, want %v", g[0].Data(), wantU)
		}
	}
	// Raising theta by 1 lowers |h| by 1 wherever |u| > theta.
	if got := tensor.Grad(energy.Shrink(u, theta).Abs().Sum(), theta)[0].Item(); got != -2 {
		t.Errorf("d sum|Shrink|/dtheta = %v, want -2", got)
	}
}

func TestLipschitz(t *testing.T) {
	for _, tc := range []struct {
		name   string
		dy, dz int
	}{{"tall", 5, 3}, {"square", 3, 3}, {"wide", 3, 6}} {
		// D holds 3, 2, 1 on its diagonal: L = 9 whichever Gram is used.
		d := tensor.Zeros(tc.dy, tc.dz)
		for i, v := range []float32{3, 2, 1} {
			d.Set(v, i, i)
		}
		s := &energy.SparseCoding{Dict: d, Lambda: 0.1}
		if got := s.Lipschitz(); math.Abs(got-9) > 1e-9 {
			t.Errorf("%s: L = %v, want 9", tc.name, got)
		}
	}
}

// householder returns the orthogonal matrix I - 2 v v^T / (v^T v).
func householder(v []float32) *tensor.Tensor {
	n := len(v)
	vv := float32(0)
	for _, x := range v {
		vv += x * x
	}
	h := tensor.Eye(n)
	for i := range n {
		for j := range n {
			h.Set(h.At(i, j)-2*v[i]*v[j]/vv, i, j)
		}
	}
	return h
}

func TestSparseCodingOrthonormal(t *testing.T) {
	// With an orthonormal dictionary the minimiser is known in closed form:
	// z* = h_lambda(D^T y), and ISTA (L = 1, S = 0) reaches it in one step.
	const lambda = 0.3
	d := householder([]float32{1, -2, 0.5, 3, 1, -1})
	s := &energy.SparseCoding{Dict: d, Lambda: lambda, Iters: 10}
	y := tensor.Randn(tensor.NewRNG(5), 20, 6)
	want := energy.Shrink(y.Matmul(d), tensor.Scalar(lambda)).Data()
	for _, tc := range []struct {
		name string
		z    *tensor.Tensor
	}{
		{"ISTA 1", s.ISTA(y, 1)},
		{"ISTA 10", s.ISTA(y, 10)},
		{"FISTA 10", s.FISTA(y, 10)},
	} {
		for i, w := range want {
			if math.Abs(float64(tc.z.Data()[i]-w)) > 1e-5 {
				t.Fatalf("%s: z[%d] = %v, want %v", tc.name, i, tc.z.Data()[i], w)
			}
		}
	}
}

func TestFISTAFasterThanISTA(t *testing.T) {
	rng := tensor.NewRNG(11)
	s := energy.NewSparseCoding(rng, 16, 32, 0.1)
	y, _ := energy.SparseSignals(rng, s.Dict, 200, 3, 0.05)
	ref := meanEnergy(s, y, s.FISTA(y, 3000))
	for _, iters := range []int{5, 10, 20, 50} {
		ista := meanEnergy(s, y, s.ISTA(y, iters)) - ref
		fista := meanEnergy(s, y, s.FISTA(y, iters)) - ref
		if !(fista < ista) {
			t.Errorf("%d iterations: FISTA energy gap %.3g, not below ISTA's %.3g", iters, fista, ista)
		}
	}
}

func TestISTAAndFISTAConverge(t *testing.T) {
	rng := tensor.NewRNG(12)
	s := energy.NewSparseCoding(rng, 16, 32, 0.1)
	y, _ := energy.SparseSignals(rng, s.Dict, 50, 3, 0.05)
	zi, zf := s.ISTA(y, 5000), s.FISTA(y, 5000)
	if ei, ef := meanEnergy(s, y, zi), meanEnergy(s, y, zf); math.Abs(ei-ef) > 1e-4*ef {
		t.Errorf("energies at convergence: ISTA %v, FISTA %v", ei, ef)
	}
	if e := energy.CodeError(zi, zf); e > 1e-3 {
		t.Errorf("ISTA and FISTA codes differ: relative error %v", e)
	}
	// ISTA decreases the energy at every iteration (Beck & Teboulle 2009).
	prev := math.Inf(1)
	for _, iters := range []int{1, 2, 4, 8, 16, 32} {
		e := meanEnergy(s, y, s.ISTA(y, iters))
		if e > prev+1e-6 {
			t.Errorf("ISTA energy went up from %v to %v at %d iterations", prev, e, iters)
		}
		prev = e
	}
	// Optimality of the lasso: the correlation c = D^T (y - D z) of every
	// atom with the residual is lambda sign(z_j) where z_j != 0 and at most
	// lambda in magnitude elsewhere.
	c := y.Sub(tensor.MatmulT(zf, s.Dict, false, true)).Matmul(s.Dict)
	for i, cj := range c.Data() {
		zj := zf.Data()[i]
		switch {
		case zj > 0 && math.Abs(float64(cj-s.Lambda)) > 1e-3,
			zj < 0 && math.Abs(float64(cj+s.Lambda)) > 1e-3,
			zj == 0 && math.Abs(float64(cj)) > float64(s.Lambda)+1e-3:
			t.Fatalf("entry %d: z = %v, correlation %v, lambda %v", i, zj, cj, s.Lambda)
		}
	}
}

func TestSparseCodingEnergyGradient(t *testing.T) {
	rng := tensor.NewRNG(13)
	s := energy.NewSparseCoding(rng, 8, 12, 0.2)
	y, _ := energy.SparseSignals(rng, s.Dict, 4, 2, 0)
	yv := y.Clone().SetRequiresGrad(true)
	g := tensor.Grad(s.Energy(nil, yv).Sum(), yv)[0].Data()
	// dF/dy = y - D z* (envelope theorem).
	want := y.Sub(tensor.MatmulT(s.FISTA(y, s.Iters), s.Dict, false, true)).Data()
	for i := range want {
		if math.Abs(float64(g[i]-want[i])) > 1e-5 {
			t.Fatalf("dF/dy[%d] = %v, want %v", i, g[i], want[i])
		}
	}
}

func TestDictionaryLearning(t *testing.T) {
	// Signals made from a known dictionary; dictionary learning from a
	// random start should bring the energy down to that of the truth and
	// find its atoms.
	rng := tensor.NewRNG(14)
	truth := energy.NewSparseCoding(rng, 8, 12, 0.05)
	y, _ := energy.SparseSignals(rng, truth.Dict, 300, 2, 0.01)
	floor := meanEnergy(truth, y, truth.FISTA(y, 200))
	s := energy.NewSparseCoding(rng, 8, 12, 0.05)
	first := meanEnergy(s, y, s.FISTA(y, 50))
	for range 100 {
		s.LearnDict(y, s.FISTA(y, 50), 10)
	}
	last := meanEnergy(s, y, s.FISTA(y, 50))
	if !(last-floor < 0.1*(first-floor)) {
		t.Errorf("dictionary learning: mean energy %v -> %v, true dictionary's %v", first, last, floor)
	}
	norms := s.Dict.Square().Sum(0).Data()
	for j, n := range norms {
		if math.Abs(float64(n)-1) > 1e-5 {
			t.Errorf("atom %d has squared norm %v after learning, want 1", j, n)
		}
	}
	// |cosine| between every true atom and its closest learned atom.
	cos := tensor.MatmulT(truth.Dict, s.Dict, true, false).Abs().Max(1).Data()
	for j, c := range cos {
		if c < 0.9 {
			t.Errorf("true atom %d: best |cosine| with a learned atom %v, want >= 0.9", j, c)
		}
	}
}
