package energy_test

import (
	"math"
	"slices"
	"testing"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
)

// conicSignals returns n rows y = D z where z has 2 nonzero entries in
// [0.5, 1.5): points on a union of 2-D cones spanned by pairs of the 16
// unit atoms of a random dictionary in 10-D.
func conicSignals(n int) *tensor.Tensor {
	rng := tensor.NewRNG(31)
	dict := energy.NewSparseCoding(rng, 10, 16, 0).Dict
	z := tensor.Zeros(n, 16)
	for i := range n {
		for _, j := range rng.Perm(16)[:2] {
			z.Set(0.5+rng.Float32(), i, j)
		}
	}
	return tensor.MatmulT(z, dict, false, true)
}

// zeroFraction is the fraction of exact zeros in t.
func zeroFraction(t *tensor.Tensor) float64 {
	n := 0
	for _, v := range t.Data() {
		if v == 0 {
			n++
		}
	}
	return float64(n) / float64(t.Len())
}

func TestSparseAE(t *testing.T) {
	y := conicSignals(1000)
	spread := float64(y.Sub(y.Mean(0)).Square().Sum(1).Mean().Item())
	noise := tensor.Randn(tensor.NewRNG(32), 1000, 10).MulScalar(float32(math.Sqrt(spread / 10))).Add(y.Mean(0))
	cfg := energy.FitConfig{Steps: 1000, BatchSize: 50, LR: 1e-2, Seed: 1}
	for _, tc := range []struct {
		lambda            float32
		minZeros, maxZero float64 // bounds on the fraction of zero codes
		maxRec            float64 // bound on the reconstruction error relative to the data's spread
	}{
		{0, 0, 0.3, 1e-3},
		{0.2, 0.6, 1, 0.1},
	} {
		a := energy.NewSparseAE(tensor.NewRNG(1), 10, 16, tc.lambda)
		losses, err := energy.TrainSparseAE(a, y, cfg)
		if err != nil {
			t.Fatal(err)
		}
		codes := a.Encode(y).Detach()
		rec := a.Decode(codes).Detach()
		fData, fNoise := a.Energy(nil, y).Detach(), a.Energy(nil, noise).Detach()
		zeros := zeroFraction(codes)
		relRec := float64(y.Sub(rec).Square().Sum(1).Mean().Item()) / spread
		t.Logf("lambda %v: loss %.3f -> %.4f, zero codes %.2f, relative reconstruction error %.4f",
			tc.lambda, losses[0], losses[len(losses)-1], zeros, relRec)
		if zeros < tc.minZeros || zeros > tc.maxZero {
			t.Errorf("lambda %v: fraction of zero codes %v, want in [%v, %v]", tc.lambda, zeros, tc.minZeros, tc.maxZero)
		}
		if relRec > tc.maxRec {
			t.Errorf("lambda %v: relative reconstruction error %v, want <= %v", tc.lambda, relRec, tc.maxRec)
		}
		// The energy is the latent energy at the encoder's code.
		le := a.LatentEnergy(nil, y, codes).Data()
		for i, f := range fData.Data() {
			if math.Abs(float64(f-le[i])) > 1e-5*(1+math.Abs(float64(f))) {
				t.Fatalf("lambda %v: row %d: F = %v, E(y, enc(y)) = %v", tc.lambda, i, f, le[i])
			}
		}
		// Decoder columns stay at unit norm.
		for j, n := range a.Decoder.Weight.Square().Sum(0).Data() {
			if math.Abs(float64(n)-1) > 1e-5 {
				t.Errorf("lambda %v: decoder column %d has squared norm %v", tc.lambda, j, n)
			}
		}
		if tc.lambda > 0 {
			// Without negatives, the sparse code still keeps the energy of
			// points off the data higher than on it.
			if d, o := float64(fData.Mean().Item()), float64(fNoise.Mean().Item()); !(o > 2*d) {
				t.Errorf("lambda %v: mean energy on data %v, on Gaussian points of the same spread %v", tc.lambda, d, o)
			}
		}
	}
}

func TestSparseAEParams(t *testing.T) {
	a := energy.NewSparseAE(tensor.NewRNG(1), 4, 6, 0.1)
	var names []string
	for _, p := range a.Params() {
		names = append(names, p.Name)
	}
	want := []string{"encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias"}
	if !slices.Equal(names, want) {
		t.Errorf("parameter names %v, want %v", names, want)
	}
}
