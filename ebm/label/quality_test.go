package label

import (
	"context"
	"os"
	"testing"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/train"
)

// TestQualityAndOOD trains the default recipe (MLP 784-256-128-10, NLL,
// Adam 1e-3, batches of 128, 10 epochs) on Fashion-MNIST and on MNIST,
// checks the test accuracies against PyTorch's same recipe
// (scripts/label_energy_torch.py; docs/ENERGY_LABELS.md), and logs the
// out-of-distribution table of both directions, checking that the energy
// score tells the data sets apart.
func TestQualityAndOOD(t *testing.T) {
	if os.Getenv("GIBBS_LONG") == "" {
		t.Skip("set GIBBS_LONG=1 to train on Fashion-MNIST and MNIST and measure OOD detection (a few minutes on 2 cores)")
	}
	sets := map[string][2]*data.Set{}
	for _, name := range []string{"fashion-mnist", "mnist"} {
		tr, err := data.Open(name, data.Train)
		if err != nil {
			t.Fatal(err)
		}
		te, err := data.Open(name, data.Test)
		if err != nil {
			t.Fatal(err)
		}
		sets[name] = [2]*data.Set{tr, te}
	}
	// The least test accuracy: PyTorch's same recipe reaches 88.35% on
	// Fashion-MNIST (the mean of three seeds), gibbs 88.61%; both reach
	// about 98% on MNIST. The least energy AUROC: gibbs reaches 0.89 to
	// 0.91 from Fashion-MNIST to MNIST, and less the other way (see
	// docs/ENERGY_LABELS.md).
	least := map[string]float64{"fashion-mnist": 0.88, "mnist": 0.975}
	leastAUROC := map[string]float64{"fashion-mnist": 0.85, "mnist": 0.65}
	other := map[string]string{"fashion-mnist": "mnist", "mnist": "fashion-mnist"}
	for _, name := range []string{"fashion-mnist", "mnist"} {
		cfg := DefaultConfig()
		cfg.Data = name
		path := runPath(t, name)
		res, err := trainIn(t, context.Background(), path, cfg, Options{Train: sets[name][0], Test: sets[name][1], NoPictures: true})
		if err != nil {
			t.Fatal(err)
		}
		acc := res.Eval["test_accuracy"].(float64)
		t.Logf("%s: test accuracy %.2f%%, mean energy margin %.3f", name, 100*acc, res.Eval["test_margin"])
		if acc < least[name] {
			t.Errorf("%s: test accuracy %.4f, want at least %v", name, acc, least[name])
		}
		m, err := train.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		ood, err := OOD(m.(*Trained), sets[name][1].X, sets[other[name]][1].X)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("trained on %s, %s as outside samples: energy AUROC %.4f, MSP AUROC %.4f", name, other[name], ood.EnergyAUROC, ood.MSPAUROC)
		if ood.EnergyAUROC < leastAUROC[name] {
			t.Errorf("%s against %s: energy AUROC %.4f, want at least %v", name, other[name], ood.EnergyAUROC, leastAUROC[name])
		}
	}
}
