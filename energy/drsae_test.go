package energy_test

import (
	"testing"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
)

// groupSignals returns n rows y = D z of two classes: the two nonzero
// entries of z, in [0.5, 1.5), are among atoms 0-7 of a random 16-atom
// dictionary in 10-D for class 0 and among atoms 8-15 for class 1.
func groupSignals(n int) (*tensor.Tensor, []int) {
	rng := tensor.NewRNG(41)
	dict := energy.NewSparseCoding(rng, 10, 16, 0).Dict
	z := tensor.Zeros(n, 16)
	labels := make([]int, n)
	for i := range n {
		labels[i] = rng.IntN(2)
		for _, j := range rng.Perm(8)[:2] {
			z.Set(0.5+rng.Float32(), i, 8*labels[i]+j)
		}
	}
	return tensor.MatmulT(z, dict, false, true), labels
}

func TestDrSAE(t *testing.T) {
	y, labels := groupSignals(600)
	noise := tensor.Randn(tensor.NewRNG(42), 600, 10).MulScalar(float32(y.Square().Mean().Sqrt().Item()))
	cfg := energy.FitConfig{Steps: 600, BatchSize: 50, LR: 5e-3, Seed: 1}
	for _, c := range []struct {
		name        string
		classes     int
		weight      float64
		minAccuracy float64 // 0: no classifier
	}{
		{"unsupervised", 0, 0, 0},
		{"discriminative", 2, 1, 0.95},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := energy.NewDrSAE(tensor.NewRNG(1), 10, 16, c.classes, 5, 0.1)
			var lab []int
			if c.classes > 0 {
				lab = labels
			}
			losses, err := energy.TrainDrSAE(a, y, lab, c.weight, cfg)
			if err != nil {
				t.Fatal(err)
			}
			first, last := mean(losses[:20]), mean(losses[len(losses)-20:])
			fData, fNoise := float64(a.Energy(nil, y).Mean().Item()), float64(a.Energy(nil, noise).Mean().Item())
			zeros := zeroFraction(a.Encode(y).Detach())
			t.Logf("loss %.3f -> %.3f, F(data) %.3f, F(noise) %.3f, zero codes %.2f", first, last, fData, fNoise, zeros)
			if !(last < first/2) || !(fData < fNoise/2) || zeros < 0.5 {
				t.Errorf("loss %.3f -> %.3f, F(data) %.3f vs F(noise) %.3f, %.2f zero codes", first, last, fData, fNoise, zeros)
			}
			for i := range a.D.Size(1) {
				if n := a.D.Narrow(1, i, 1).Norm().Item(); n < 0.999 || n > 1.001 {
					t.Errorf("decoder column %d has norm %v", i, n)
				}
			}
			if c.minAccuracy == 0 {
				return
			}
			logits := a.Logits(y).Detach()
			right := 0
			for i, l := range labels {
				if (logits.At(i, 1) > logits.At(i, 0)) == (l == 1) {
					right++
				}
			}
			acc := float64(right) / float64(len(labels))
			t.Logf("training accuracy %.3f", acc)
			if acc < c.minAccuracy {
				t.Errorf("training accuracy %.3f, want at least %.2f", acc, c.minAccuracy)
			}
		})
	}
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
