package imgebm

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/train/traintest"
)

// halves returns n labelled 8x8 images: class 0 lights the top half,
// class 1 the bottom half, with a little noise.
func halves(n int, seed uint64) *data.Set {
	rng := tensor.NewRNG(seed)
	x := tensor.Zeros(n, 64)
	labels := make([]int, n)
	for i := range n {
		labels[i] = i % 2
		for p := range 64 {
			v := 0.1 * rng.Float32()
			if (p < 32) == (labels[i] == 0) {
				v += 0.8
			}
			x.Set(v, i, p)
		}
	}
	return &data.Set{Name: "halves", X: x, Shape: []int{1, 8, 8}, Labels: labels, Classes: 2}
}

// tinyConfig is a config that trains in a fraction of a second.
func tinyConfig() Config {
	c := DefaultConfig()
	c.Data = "halves"
	c.Steps, c.Batch, c.Channels, c.Hidden = 12, 16, []int{4, 8}, 8
	c.LangevinSteps, c.BufferSize, c.SampleSteps = 5, 64, 10
	c.EvalEvery, c.CheckpointEvery, c.LR, c.DataNoise = 6, 4, 1e-2, 0.01
	return c
}

// trainIn trains cfg of kind in a run folder at path under ctx.
func trainIn(t *testing.T, ctx context.Context, path, kind string, cfg Config, opts Options) (Result, error) {
	t.Helper()
	dir, err := train.OpenDir(path)
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	opts.Train, opts.Test = halves(64, 1), halves(32, 2)
	if kind == KindJEM {
		return TrainJEM(ctx, dir, cfg, opts)
	}
	return Train(ctx, dir, cfg, opts)
}

// TestRunsAndOpens trains both kinds briefly and checks the run folder,
// the evaluation line, and the model train.Open gives back.
func TestRunsAndOpens(t *testing.T) {
	for _, tc := range []struct {
		kind     string
		pictures []string
		keys     []string
	}{
		{Kind, []string{"samples.png", "noise.png", "chain.png", "energy.png"}, []string{"e_test", "e_buffer", "e_fresh", "classes_covered_fresh", "class_counts_buffer"}},
		{KindJEM, []string{"samples.png", "noise.png", "chain.png", "energy.png", "classes.png", "accuracy.png"}, []string{"e_test", "test_accuracy"}},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "run")
			classify := func(x *tensor.Tensor) *tensor.Tensor { return tensor.Full(0.5, x.Size(0), 2) }
			res, err := trainIn(t, context.Background(), path, tc.kind, tinyConfig(), Options{Classify: classify})
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range tc.keys {
				if _, ok := res.Eval[k]; !ok {
					t.Errorf("evaluation lacks %s: %v", k, res.Eval)
				}
			}
			for _, f := range tc.pictures {
				if _, err := os.Stat(filepath.Join(path, f)); err != nil {
					t.Error(err)
				}
			}
			m, err := train.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if m.Kind() != tc.kind {
				t.Errorf("kind %s, want %s", m.Kind(), tc.kind)
			}
			e := m.(energy.Model).Energy(nil, halves(3, 3).X)
			s := m.(train.Sampler).Sample(5, 3, tensor.NewRNG(1))
			if e.Len() != 3 || s.Size(0) != 5 || s.Size(1) != 64 {
				t.Errorf("energies %v, samples %v", e.Shape(), s.Shape())
			}
			for _, v := range s.Data() {
				if v < 0 || v > 1 {
					t.Fatalf("sample pixel %v outside [0, 1]", v)
				}
			}
		})
	}
}

// TestResumeExact checks that a run stopped twice and resumed ends with
// the same checkpoint (weights, optimizer, RNG, replay buffer) and metrics
// as one that never stopped.
func TestResumeExact(t *testing.T) {
	for _, kind := range []string{Kind, KindJEM} {
		t.Run(kind, func(t *testing.T) {
			whole, parts := filepath.Join(t.TempDir(), "whole"), filepath.Join(t.TempDir(), "parts")
			if _, err := trainIn(t, context.Background(), whole, kind, tinyConfig(), Options{}); err != nil {
				t.Fatal(err)
			}
			for _, n := range []int{5, 3} {
				_, err := trainIn(t, traintest.StopAfter(n), parts, kind, tinyConfig(), Options{})
				var ie *train.InterruptedError
				if !errors.As(err, &ie) {
					t.Fatalf("stopped run: %v", err)
				}
			}
			if res, err := trainIn(t, context.Background(), parts, kind, tinyConfig(), Options{}); err != nil || res.Step != 12 {
				t.Fatalf("resumed run: step %d, %v", res.Step, err)
			}
			traintest.SameRuns(t, whole, parts)
		})
	}
}

// TestJEMEnergies checks JEM's reading of the logits: E(x) is
// -logsumexp_y f(x)[y] and E(x, y) is -f(x)[y].
func TestJEMEnergies(t *testing.T) {
	cfg := tinyConfig()
	cfg.Shape, cfg.Classes = []int{1, 8, 8}, 2
	m := newModel(cfg, KindJEM)
	x := halves(4, 5).X
	logits := m.Logits(x).DetachRelease()
	marginal := m.Energy(nil, x).DetachRelease()
	cond := m.Energy(oneHot([]int{0, 1, 1, 0}, 2), x).DetachRelease()
	for i, y := range []int{0, 1, 1, 0} {
		a, b := float64(logits.At(i, 0)), float64(logits.At(i, 1))
		lse := max(a, b) + math.Log1p(math.Exp(-math.Abs(a-b)))
		if d := float64(marginal.At(i)) + lse; math.Abs(d) > 1e-5 {
			t.Errorf("E(x) of image %d: %v, want %v", i, marginal.At(i), -lse)
		}
		if got, want := cond.At(i), -logits.At(i, y); got != want {
			t.Errorf("E(x, %d) of image %d: %v, want %v", y, i, got, want)
		}
	}
}

func TestValidateNamesSetting(t *testing.T) {
	for _, tc := range []struct {
		change  func(c *Config)
		setting string
	}{
		{func(c *Config) {}, ""},
		{func(c *Config) { c.Data = "moons" }, "data"},
		{func(c *Config) { c.StepSize = 0 }, "step-size"},
		{func(c *Config) { c.Reinit = 2 }, "reinit"},
		{func(c *Config) { c.Channels = nil }, "channels"},
		{func(c *Config) { c.Noise = -1 }, "noise"},
	} {
		c := DefaultConfig()
		tc.change(&c)
		err := c.Validate()
		var se *train.SettingError
		switch {
		case tc.setting == "" && err != nil:
			t.Errorf("valid config refused: %v", err)
		case tc.setting != "" && (!errors.As(err, &se) || se.Setting != tc.setting):
			t.Errorf("error %v, want one about %s", err, tc.setting)
		}
	}
}
