package gan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/gibbsml/gibbs/checkpoint"
	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/train/traintest"
)

// tinyConfigs are small runs: packed non-saturating with BatchNorm, a
// maxout discriminator, the normal initialisation and EMA on ring8,
// WGAN-GP with two critic steps, EBGAN, a DCGAN on 8x8 images, and that
// DCGAN with the hinge loss and a spectrally normalised discriminator.
func tinyConfigs(t testing.TB) map[string]struct {
	cfg Config
	set *data.Set
} {
	ring, err := data.Toy("ring8", 512, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	points := &data.Set{Name: "ring8", X: ring, Shape: []int{2}}
	images := &data.Set{Name: "blobs", X: tensor.Uniform(tensor.NewRNG(2), 0, 1, 64, 64), Shape: []int{1, 8, 8}}
	base := DefaultConfig()
	base.GHidden, base.DHidden, base.Steps, base.Batch, base.EvalEvery, base.CheckpointEvery, base.LRG, base.LRD = []int{16, 16}, []int{16}, 12, 16, 6, 5, 1e-3, 1e-3
	ns := base
	ns.EMA, ns.GBatchNorm, ns.Pack, ns.DMaxout, ns.Init = 0.9, true, 4, 3, "normal"
	wgan := base
	wgan.Loss, wgan.NCritic, wgan.Pack, wgan.GBatchNorm = "wgan-gp", 2, 1, false
	eb := base
	eb.Loss, eb.Pack, eb.Code = "ebgan", 2, 2
	conv := base
	conv.Data, conv.Channels, conv.Pack, conv.Batch, conv.Latent, conv.EMA = "blobs", [2]int{4, 8}, 2, 8, 4, 0.9
	sn := conv
	sn.Loss, sn.SpectralNorm = "hinge", true
	return map[string]struct {
		cfg Config
		set *data.Set
	}{"ns": {ns, points}, "wgan-gp": {wgan, points}, "ebgan": {eb, points}, "dcgan": {conv, images}, "sn": {sn, images}}
}

func trainIn(t testing.TB, ctx context.Context, path string, cfg Config, set *data.Set) (Result, error) {
	t.Helper()
	dir, err := train.OpenDir(path)
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	return Train(ctx, dir, cfg, Options{Train: set})
}

// TestResumeExact stops runs twice and resumes them: checkpoint and
// metrics end byte for byte as those of a run that never stopped.
func TestResumeExact(t *testing.T) {
	for name, c := range tinyConfigs(t) {
		if name == "wgan-gp" || name == "ebgan" {
			continue // the same loop and parts as ns
		}
		t.Run(name, func(t *testing.T) {
			whole, parts := filepath.Join(t.TempDir(), "whole"), filepath.Join(t.TempDir(), "parts")
			if _, err := trainIn(t, context.Background(), whole, c.cfg, c.set); err != nil {
				t.Fatal(err)
			}
			for _, n := range []int{3, 4} { // stops at step 3 (before a checkpoint) and 7
				_, err := trainIn(t, traintest.StopAfter(n), parts, c.cfg, c.set)
				var ie *train.InterruptedError
				if !errors.As(err, &ie) {
					t.Fatalf("stopped run: %v", err)
				}
			}
			if res, err := trainIn(t, context.Background(), parts, c.cfg, c.set); err != nil || res.Step != c.cfg.Steps {
				t.Fatalf("resumed run: step %d, %v", res.Step, err)
			}
			traintest.SameRuns(t, whole, parts)
		})
	}
}

// A spectrally normalised discriminator keeps its power iteration's
// vectors in the checkpoint under PyTorch's names, and they moved from
// their first draw during training.
func TestSpectralNormCheckpoint(t *testing.T) {
	c := tinyConfigs(t)["sn"]
	path := filepath.Join(t.TempDir(), "sn")
	if _, err := trainIn(t, context.Background(), path, c.cfg, c.set); err != nil {
		t.Fatal(err)
	}
	saved, _, err := checkpoint.Load(filepath.Join(path, train.CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	c.cfg.resolve(c.set.Shape)
	fresh := nn.StateDict(New(c.cfg).Discriminator)
	for _, name := range []string{"1.weight_orig", "1.weight_u", "1.weight_v", "3.weight_u", "7.weight_v"} {
		got, want := saved["discriminator."+name], fresh[name]
		if got == nil || want == nil {
			t.Fatalf("%q missing: saved %v, model %v", name, got != nil, want != nil)
		}
		if slices.Equal(got.Data(), want.Data()) {
			t.Errorf("%s did not change in training", name)
		}
	}
}

// TestOpen trains each tiny run and opens it: a Sampler of the data's
// shape, a Plotter, an energy.Model for EBGAN alone, and the mode
// coverage in the evaluation lines of 2-D runs.
func TestOpen(t *testing.T) {
	for name, c := range tinyConfigs(t) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			res, err := trainIn(t, context.Background(), path, c.cfg, c.set)
			if err != nil {
				t.Fatal(err)
			}
			if c.set.Name == "ring8" && (res.Modes.Modes != 8 || res.Eval["modes_covered"] == nil) {
				t.Errorf("no mode coverage in %v", res.Eval)
			}
			for _, f := range []string{"samples.png", "loss.png"} {
				if _, err := os.Stat(filepath.Join(path, f)); err != nil {
					t.Error(err)
				}
			}
			m, err := train.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			s, ok := m.(train.Sampler)
			if !ok {
				t.Fatalf("%T is not a train.Sampler", m)
			}
			x := s.Sample(8, 0, tensor.NewRNG(5))
			if x.Size(0) != 8 || x.Size(1) != c.set.X.Size(1) {
				t.Errorf("samples of shape %v", x.Shape())
			}
			if p, ok := m.(train.Plotter); !ok || p.Plot(x) == nil {
				t.Errorf("%T draws no picture", m)
			}
			e, isEnergy := m.(energy.Model)
			if isEnergy != (name == "ebgan") {
				t.Errorf("%T: energy.Model %v", m, isEnergy)
			}
			if isEnergy {
				if f := e.Energy(nil, x); f.Dim() != 1 || f.Size(0) != 8 {
					t.Errorf("energies of shape %v", f.Shape())
				}
			}
		})
	}
}

// A trained GAN with BatchNorm generates from several goroutines at once,
// each getting the samples it gets alone: generating only reads the model.
func TestConcurrentSamples(t *testing.T) {
	c := tinyConfigs(t)["ns"] // BatchNorm generator, EMA
	path := filepath.Join(t.TempDir(), "ns")
	if _, err := trainIn(t, context.Background(), path, c.cfg, c.set); err != nil {
		t.Fatal(err)
	}
	m, err := train.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s := m.(train.Sampler)
	want := s.Sample(64, 0, tensor.NewRNG(9)).Data()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got := s.Sample(64, 0, tensor.NewRNG(9)).Data()
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("goroutine %d: sample value %d is %v, alone %v", g, i, got[i], want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}
