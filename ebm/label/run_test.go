package label

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/train/traintest"
)

// TestRunFolder trains on the blocks and checks the evaluation line, the
// pictures, and the model train.Open gives back: its argmin is energy's
// ArgminFinite over one-hot answers, and called with x == nil its energy
// is the free energy over the labels.
func TestRunFolder(t *testing.T) {
	for _, arch := range []string{"mlp", "conv"} {
		t.Run(arch, func(t *testing.T) {
			path := runPath(t, arch)
			cfg := tinyConfig("nll")
			cfg.Arch = arch
			if arch == "conv" {
				cfg.Hidden = []int{4, 8}
			}
			opts := blockSets()
			opts.NoPictures = arch == "conv" // the pictures do not depend on the trunk
			res, err := trainIn(t, context.Background(), path, cfg, opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"epoch", "train_loss", "test_loss", "test_accuracy", "test_margin"} {
				if _, ok := res.Eval[k]; !ok {
					t.Errorf("evaluation lacks %s: %v", k, res.Eval)
				}
			}
			if acc := res.Eval["test_accuracy"].(float64); acc < 0.9 {
				t.Errorf("test accuracy %.3f after 3 epochs on blocks, want at least 0.9", acc)
			}
			if m := res.Eval["test_margin"].(float64); !(m > 0) {
				t.Errorf("test margin %v, want positive", m)
			}
			for _, f := range []string{"energies.png", "curves.png"} {
				if _, err := os.Stat(filepath.Join(path, f)); err != nil && !opts.NoPictures {
					t.Error(err)
				}
			}
			m, err := train.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			tr := m.(*Trained)
			if tr.Kind() != Kind || tr.Step != 24 || tr.InputShape()[1] != 8 {
				t.Errorf("opened %s at step %d with shape %v", tr.Kind(), tr.Step, tr.InputShape())
			}
			x := opts.Test.X.Narrow(0, 0, 10)
			best, _ := energy.ArgminFinite(tr, x, tensor.Eye(3))
			pred := tr.Predict(x)
			for i := range best {
				if best[i] != pred[i] {
					t.Fatalf("ArgminFinite %v, Predict %v", best, pred)
				}
			}
			free := m.(energy.Model).Energy(nil, x).DetachRelease().Data()
			e := tr.AllEnergies(x).Data()
			for i, f := range free {
				var s float64
				for _, v := range e[3*i : 3*i+3] {
					s += math.Exp(-float64(v))
				}
				if want := -math.Log(s); math.Abs(float64(f)-want) > 1e-4 {
					t.Errorf("free energy of sample %d: %v, want %v", i, f, want)
				}
			}
			ev, err := Evaluate(tr.Model, energy.NLL(1), opts.Test)
			if err != nil || ev.Accuracy != res.Eval["test_accuracy"] {
				t.Errorf("opened model's accuracy %v (%v), the run's %v", ev.Accuracy, err, res.Eval["test_accuracy"])
			}
		})
	}
}

// TestResumeExact stops a run in the middle of an epoch and resumes it:
// the checkpoint and the metrics end as those of a run that never
// stopped.
func TestResumeExact(t *testing.T) {
	whole, parts := runPath(t, "whole"), runPath(t, "parts")
	cfg := tinyConfig("hinge")
	opts := blockSets()
	opts.NoPictures = true
	if _, err := trainIn(t, context.Background(), whole, cfg, opts); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{6, 7} { // 24 steps in 3 epochs of 8: stop at 6 and 13
		_, err := trainIn(t, traintest.StopAfter(n), parts, cfg, opts)
		var ie *train.InterruptedError
		if !errors.As(err, &ie) {
			t.Fatalf("stopped run: %v", err)
		}
	}
	res, err := trainIn(t, context.Background(), parts, cfg, opts)
	if err != nil || res.Step != 24 {
		t.Fatalf("resumed run: step %d, %v", res.Step, err)
	}
	traintest.SameRuns(t, whole, parts)
}

// TestLosses trains with every loss of the table: each separates the blocks
// (most within three epochs; the margin-0 losses, which have the collapsed
// surface among their minima, at least better than chance), and the
// non-negative losses see only non-negative energies.
func TestLosses(t *testing.T) {
	opts := blockSets()
	opts.NoPictures = true
	for _, loss := range Losses() {
		t.Run(loss, func(t *testing.T) {
			cfg := tinyConfig(loss)
			res, err := trainIn(t, context.Background(), runPath(t, loss), cfg, opts)
			if err != nil {
				t.Fatal(err)
			}
			want := 0.9
			if loss == "perceptron" || loss == "lvq2" {
				want = 0.5
			}
			if acc := res.Eval["test_accuracy"].(float64); acc < want {
				t.Errorf("test accuracy %.3f, want at least %v", acc, want)
			}
			if cfg.PositiveEnergies() {
				cfg.Shape, cfg.Classes = []int{1, 8, 8}, 3
				for _, v := range NewModel(tensor.NewRNG(1), cfg).AllEnergies(opts.Test.X).Data() {
					if v < 0 {
						t.Fatalf("negative energy %v", v)
					}
				}
			}
		})
	}
}

func TestDefaultLossConstants(t *testing.T) {
	c, d := DefaultConfig(), energy.DefaultLossConfig()
	if float32(c.Margin) != d.Margin || float32(c.Beta) != d.Beta || float32(c.Gamma) != d.Gamma || float32(c.Delta) != d.Delta || float32(c.Alpha) != d.Alpha {
		t.Errorf("loss constants %+v, energy's defaults %+v", c, d)
	}
}

func TestValidateRefusesWithReason(t *testing.T) {
	for _, tc := range []struct {
		name    string
		change  func(c *Config)
		setting string // "" when valid
		reason  string
	}{
		{"defaults", func(*Config) {}, "", ""},
		{"energy loss", func(c *Config) { c.Loss = "energy" }, "loss", "no margin"},
		{"unknown loss", func(c *Config) { c.Loss = "dsm" }, "loss", "unknown loss"},
		{"beta 0", func(c *Config) { c.Beta = 0 }, "beta", "positive"},
		{"hinge margin 0 is allowed", func(c *Config) { c.Loss, c.Margin = "hinge", 0 }, "", ""},
		{"arch", func(c *Config) { c.Arch = "rnn" }, "arch", "unknown"},
		{"epochs", func(c *Config) { c.Epochs = 0 }, "epochs", "positive"},
	} {
		c := DefaultConfig()
		tc.change(&c)
		err := c.Validate()
		var se *train.SettingError
		switch {
		case tc.setting == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.setting != "" && (!errors.As(err, &se) || se.Setting != tc.setting || !strings.Contains(se.Problem, tc.reason)):
			t.Errorf("%s: error %v, want one about %s saying %q", tc.name, err, tc.setting, tc.reason)
		}
	}
	c := tinyConfig("nll")
	c.Arch, c.Hidden = "conv", []int{4, 4, 4, 4}
	if _, err := trainIn(t, context.Background(), runPath(t, "conv"), c, blockSets()); err == nil || !strings.Contains(err.Error(), "divisible by 16") {
		t.Errorf("conv of 4 layers on 8x8 images: %v", err)
	}
}

// TestOOD checks the out-of-distribution scores on a small scale: a model
// of the blocks tells them from faint noise without a block by its free
// energy, and draws the histograms of the scores.
func TestOOD(t *testing.T) {
	opts := blockSets()
	opts.NoPictures = true
	cfg := tinyConfig("nll")
	path := runPath(t, "ood")
	if _, err := trainIn(t, context.Background(), path, cfg, opts); err != nil {
		t.Fatal(err)
	}
	tr, err := train.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	m := tr.(*Trained).Model
	noise := tensor.Rand(tensor.NewRNG(9), 96, 64).MulScalar(0.1)
	res, err := OOD(m, opts.Test.X, noise)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Inside.Energy) != 96 || len(res.Outside.MSP) != 96 || res.EnergyAUROC < 0.9 || res.MSPAUROC < 0 || res.MSPAUROC > 1 {
		t.Errorf("OOD of faint noise against blocks: AUROC %v (energy), %v (MSP), want an energy AUROC of at least 0.9", res.EnergyAUROC, res.MSPAUROC)
	}
	if b := res.Plot("blocks", "noise").Bounds(); b.Dx() < 400 || b.Dy() < 200 {
		t.Errorf("OOD picture of %v", b)
	}
	if _, err := OOD(m, opts.Test.X, tensor.Rand(tensor.NewRNG(9), 4, 10)); err == nil {
		t.Error("samples of another width accepted")
	}
}
