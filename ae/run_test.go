package ae

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/train/traintest"
)

// runConfigs are a denoising AE (noise from the step RNG) and a VAE with
// KL warm-up on the bars, and a VAE on moons.
func runConfigs(t *testing.T) map[string]struct {
	cfg  any
	opts Options
} {
	dae := DefaultAEConfig()
	dae.Common = tinyCommon("bars")
	dae.Variant = "denoising"
	vae := DefaultVAEConfig()
	vae.Common = tinyCommon("bars")
	vae.WarmupEpochs, vae.IWAEK = 1, 5
	moons := DefaultVAEConfig()
	moons.Common = tinyCommon("moons")
	moons.IWAEK = 5
	vectors := DefaultVAEConfig()
	vectors.Common = tinyCommon("vectors")
	vectors.IWAEK = 5
	gauss := func(n int, seed uint64) *data.Set {
		return &data.Set{Name: "vectors", X: tensor.Randn(tensor.NewRNG(seed), n, 3), Shape: []int{3}}
	}
	return map[string]struct {
		cfg  any
		opts Options
	}{"dae": {dae, imageSets()}, "vae": {vae, imageSets()}, "moons": {moons, pointSets(t)},
		"vectors": {vectors, Options{Train: gauss(256, 1), Test: gauss(64, 2)}}}
}

// TestResumeExact stops runs of a denoising AE and of a VAE with KL
// warm-up in the middle of an epoch and resumes them: the checkpoint and
// the metrics end as those of a run that never stopped.
func TestResumeExact(t *testing.T) {
	configs := runConfigs(t)
	for _, name := range []string{"dae", "vae"} {
		c := configs[name]
		t.Run(name, func(t *testing.T) {
			whole, parts := runPath(t, "whole"), runPath(t, "parts")
			if _, err := trainIn(t, context.Background(), whole, c.cfg, c.opts); err != nil {
				t.Fatal(err)
			}
			// 24 steps in 3 epochs of 8: stop at 5 (mid-epoch, past a
			// checkpoint) and at 13.
			for _, n := range []int{5, 8} {
				_, err := trainIn(t, traintest.StopAfter(n), parts, c.cfg, c.opts)
				var ie *train.InterruptedError
				if !errors.As(err, &ie) {
					t.Fatalf("stopped run: %v", err)
				}
			}
			res, err := trainIn(t, context.Background(), parts, c.cfg, c.opts)
			if err != nil || res.Step != 24 {
				t.Fatalf("resumed run: step %d, %v", res.Step, err)
			}
			traintest.SameRuns(t, whole, parts)
		})
	}
}

// TestRunFolder checks each run's evaluation keys and pictures, and that
// train.Open gives back a model whose energy matches the last evaluation.
func TestRunFolder(t *testing.T) {
	pictures := map[string][]string{
		"dae":     {"reconstructions.png", "latent.png", "loss.png", "interpolation.png"},
		"vae":     {"reconstructions.png", "latent.png", "loss.png", "interpolation.png", "samples.png"},
		"moons":   {"reconstructions.png", "latent.png", "loss.png", "samples.png", "energy.png"},
		"vectors": {"reconstructions.png", "latent.png", "loss.png", "samples.png"},
	}
	keys := map[string][]string{
		"dae":     {"epoch", "train_loss", "train_recon", "test_loss", "test_recon", "test_energy"},
		"vae":     {"epoch", "train_loss", "train_recon", "train_kl", "test_loss", "test_recon", "test_kl", "test_elbo", "active_units", "test_iwae", "iwae_k", "iwae_samples"},
		"moons":   {"test_iwae", "active_units"},
		"vectors": {"test_iwae"},
	}
	for name, c := range runConfigs(t) {
		t.Run(name, func(t *testing.T) {
			path := runPath(t, name)
			res, err := trainIn(t, context.Background(), path, c.cfg, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range keys[name] {
				if v, ok := res.Eval[k]; !ok || math.IsNaN(toFloat(v)) {
					t.Errorf("evaluation lacks %s: %v", k, res.Eval)
				}
			}
			for _, f := range pictures[name] {
				if _, err := os.Stat(filepath.Join(path, f)); err != nil {
					t.Errorf("no %s: %v", f, err)
				}
			}
			m, err := train.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			e, ok := m.(energy.Model)
			if !ok {
				t.Fatalf("%T is not an energy.Model", m)
			}
			test := c.opts.Test.X
			f := e.Energy(nil, test).DetachRelease()
			if f.Len() != test.Size(0) {
				t.Fatalf("energies of shape %v for %d samples", f.Shape(), test.Size(0))
			}
			if name == "dae" {
				var mean float64
				for _, v := range f.Data() {
					mean += float64(v) / float64(f.Len())
				}
				if want := toFloat(res.Eval["test_energy"]); math.Abs(mean-want) > 1e-4*want {
					t.Errorf("opened model's mean energy %.6g, the run's %.6g", mean, want)
				}
			}
			s, canSample := m.(train.Sampler)
			if canSample != (name != "dae") {
				t.Fatalf("kind %s: Sampler %v", m.Kind(), canSample)
			}
			if canSample {
				d := slices.Clone(c.opts.Test.Shape)
				got := s.Sample(7, 0, tensor.NewRNG(1)).Shape()
				if !slices.Equal(got, []int{7, data.Features(d)}) {
					t.Errorf("samples of shape %v, want [7 %d]", got, data.Features(d))
				}
				if m.(train.Plotter).Plot(s.Sample(7, 0, tensor.NewRNG(1))) == nil {
					t.Error("no picture of samples")
				}
			}
		})
	}
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	}
	return math.NaN()
}

// TestOpenDataClass keeps the training samples of one class, before
// TrainSize, and leaves the test set whole.
func TestOpenDataClass(t *testing.T) {
	class := func(c int) *int { return &c }
	for _, c := range []struct {
		name      string
		class     *int
		trainSize int
		opts      Options
		want      int    // training samples; -1: all of the class
		err       string // "" for none
	}{
		{"all", nil, 0, imageSets(), 256, ""},
		{"class 1", class(1), 0, imageSets(), -1, ""},
		{"class 0, first 10", class(0), 10, imageSets(), 10, ""},
		{"absent class", class(5), 0, imageSets(), 0, "class: bars has no training samples of class 5"},
		{"unlabelled", class(0), 0, pointSets(t), 0, "class: moons has no labels"},
	} {
		t.Run(c.name, func(t *testing.T) {
			common := tinyCommon("bars")
			common.Class, common.TrainSize = c.class, c.trainSize
			tr, te, err := openData(common, c.opts)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if te != c.opts.Test {
				t.Error("the test set changed")
			}
			want := c.want
			if want < 0 {
				want = c.opts.Train.OfClass(*c.class).X.Size(0)
			}
			if tr.X.Size(0) != want || len(tr.Labels) != want {
				t.Errorf("%d samples, %d labels, want %d", tr.X.Size(0), len(tr.Labels), want)
			}
			for _, l := range tr.Labels {
				if c.class != nil && l != *c.class {
					t.Errorf("label %d in a run of class %d", l, *c.class)
				}
			}
		})
	}
}
