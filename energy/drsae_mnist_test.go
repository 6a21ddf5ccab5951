package energy_test

import (
	"os"
	"testing"
	"time"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
)

// TestDrSAEMNIST is the documented MNIST run of docs/AUTOENCODERS.md: a
// DrSAE of 400 units and 11 iterations, pre-trained as a sparse
// autoencoder, then trained with the classifier on its normalised code;
// it reports the test error beside the paper's 1.08%.
func TestDrSAEMNIST(t *testing.T) {
	if os.Getenv("GIBBS_LONG") == "" {
		t.Skip("set GIBBS_LONG=1 to run DrSAE on MNIST (4 to 11 minutes on 2 cores)")
	}
	train, err := data.Open("mnist", data.Train)
	if err != nil {
		t.Fatal(err)
	}
	test, err := data.Open("mnist", data.Test)
	if err != nil {
		t.Fatal(err)
	}
	a := energy.NewDrSAE(tensor.NewRNG(1), 784, 400, 10, 11, drsaeLambda)
	start := time.Now()
	for _, p := range []struct {
		name   string
		labels []int
		cfg    energy.FitConfig
	}{
		{"pre-training", nil, energy.FitConfig{Steps: 3000, BatchSize: 100, LR: 1e-3, Seed: 1}},
		{"discriminative", train.Labels, energy.FitConfig{Steps: 9000, BatchSize: 100, LR: 1e-3, Seed: 2}},
		{"discriminative, lower rate", train.Labels, energy.FitConfig{Steps: 3000, BatchSize: 100, LR: 1e-4, Seed: 3}},
	} {
		losses, err := energy.TrainDrSAE(a, train.X, p.labels, drsaeWeight, p.cfg)
		if err != nil {
			t.Fatal(err)
		}
		n := min(len(losses), 50)
		t.Logf("%s: %d steps at rate %g, loss %.3f -> %.3f, test error %.2f%%, %v", p.name, p.cfg.Steps, p.cfg.LR, mean(losses[:n]), mean(losses[len(losses)-n:]), 100*drsaeError(a, test), time.Since(start).Round(time.Second))
	}
	e := drsaeError(a, test)
	t.Logf("test error %.2f%% (paper: 1.08%%)", 100*e)
	if e > drsaeMaxError {
		t.Errorf("test error %.2f%%, want at most %.2f%%", 100*e, 100*drsaeMaxError)
	}
}

const (
	drsaeLambda   = 0.5  // weight of the L1 penalty
	drsaeWeight   = 10   // weight of the cross-entropy against the energy
	drsaeMaxError = 0.02 // bound on the test error: 1.49% measured
)

// drsaeError returns the fraction of the rows of s that a's classifier
// gets wrong.
func drsaeError(a *energy.DrSAE, s *data.Set) float64 {
	wrong := 0
	for i := 0; i < s.X.Size(0); i += 1000 {
		n := min(1000, s.X.Size(0)-i)
		pred := a.Logits(s.X.Narrow(0, i, n)).DetachRelease().Argmax(1)
		for j := range n {
			if int(pred.Data()[j]) != s.Labels[i+j] {
				wrong++
			}
		}
	}
	return float64(wrong) / float64(s.X.Size(0))
}
