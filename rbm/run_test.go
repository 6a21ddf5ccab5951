package rbm

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gibbsml/gibbs/checkpoint"
	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// bars returns n 6x6 images of one bright row or column on a faint
// background, grey levels that binarise to noisy bars.
func bars(n int, seed uint64) *data.Set {
	rng := tensor.NewRNG(seed)
	x := tensor.Zeros(n, 36)
	d := x.Data()
	for i := range n {
		row, pos := rng.IntN(2) == 0, rng.IntN(6)
		for p := range 36 {
			v := 0.05 * rng.Float32()
			if (row && p/6 == pos) || (!row && p%6 == pos) {
				v = 0.9 + 0.1*rng.Float32()
			}
			d[i*36+p] = v
		}
	}
	return &data.Set{Name: "bars", X: x, Shape: []int{1, 6, 6}}
}

// tinyConfig is a run on bars of a fraction of a second.
func tinyConfig(persistent bool) Config {
	c := DefaultConfig()
	c.Data, c.Hidden, c.Epochs, c.Batch, c.LR, c.Persistent = "bars", 8, 2, 20, 0.1, persistent
	c.AISRuns, c.AISBetas, c.CheckpointEvery = 30, 300, 7
	return c
}

// trainIn trains cfg on bars in dir, as images or, when flat, as rows
// without pictures of images.
func trainIn(t *testing.T, dir string, cfg Config, flat bool) Result {
	t.Helper()
	trainSet, testSet := bars(200, 1), bars(100, 2)
	if flat {
		trainSet.Shape, testSet.Shape = []int{36}, []int{36}
	}
	d, err := train.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	res, err := Train(context.Background(), d, cfg, Options{Train: trainSet, Test: testSet})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestTrainResumesExactly trains CD-1 runs of images and PCD runs of flat
// rows in one go and in two
// (one epoch, then continued to two), and checks that the weights, the
// optimizer's state and PCD's chains agree bit for bit; that the AIS
// log-likelihood of the trained 8-hidden-unit model is that of its exact
// log Z; and that train.Open gives the model back as an energy and a
// sampler.
func TestTrainResumesExactly(t *testing.T) {
	for _, persistent := range []bool{false, true} {
		cfg := tinyConfig(persistent)
		whole, split := filepath.Join(t.TempDir(), "whole"), filepath.Join(t.TempDir(), "split")
		res := trainIn(t, whole, cfg, persistent)
		half := cfg
		half.Epochs = 1
		trainIn(t, split, half, persistent)
		trainIn(t, split, cfg, persistent)
		a, _, err := checkpoint.Load(filepath.Join(whole, train.CheckpointFile))
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := checkpoint.Load(filepath.Join(split, train.CheckpointFile))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"weight", "visible_bias", "hidden_bias", "optim.0.momentum_buffer", "extra.chains"} {
			if _, ok := a[name]; !ok && (name != "extra.chains" || persistent) {
				t.Errorf("persistent %v: no %s in the checkpoint", persistent, name)
				continue
			}
			if ok := a[name] != nil && b[name] != nil; ok {
				for i, v := range a[name].Data() {
					if b[name].Data()[i] != v {
						t.Fatalf("persistent %v: %s differs at %d after resuming: %v vs %v", persistent, name, i, v, b[name].Data()[i])
					}
				}
			}
		}
		pictures := []string{"pl.png"}
		if !persistent {
			pictures = append(pictures, "filters.png", "samples.png", "chain.png")
		}
		for _, f := range pictures {
			if _, err := os.Stat(filepath.Join(whole, f)); err != nil {
				t.Error(err)
			}
		}
		m, err := train.Open(whole)
		if err != nil {
			t.Fatal(err)
		}
		tr := m.(*Trained)
		if _, ok := m.(energy.Model); !ok {
			t.Fatal("a trained RBM is not an energy.Model")
		}
		exact, err := ExactLogZ(tr.RBM)
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Eval["ais_log_z"].(float64); math.Abs(got-exact) > 0.1 {
			t.Errorf("persistent %v: AIS log Z %.3f, exact %.3f", persistent, got, exact)
		}
		testPL, ll := res.Eval["test_pl"].(float64), res.Eval["test_ll"].(float64)
		if !(testPL < 0 && ll < 0 && ll > -36*math.Ln2+5) {
			t.Errorf("persistent %v: test PL %.2f, log-likelihood %.2f (uniform: %.2f)", persistent, testPL, ll, -36*math.Ln2)
		}
		if s := tr.Sample(5, 10, tensor.NewRNG(1)); s.Size(0) != 5 || s.Size(1) != 36 {
			t.Errorf("samples of shape %v", s.Shape())
		}
	}
}

// TestBinarize checks the bits that scripts/rbm_sklearn.py computes for
// the same bytes and streams.
func TestBinarize(t *testing.T) {
	for _, c := range []struct {
		bytes  []float32
		stream uint64
		want   []float32
	}{
		{[]float32{0, 1, 50, 100, 128, 200, 254, 255}, 1, []float32{0, 0, 0, 1, 0, 1, 1, 1}},
		{[]float32{128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128}, 2, []float32{0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1, 1}},
	} {
		x := tensor.New(c.bytes, 1, len(c.bytes)).MulScalar(1.0 / 255)
		got, err := Binarize(x, BinarizeSample, c.stream)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range got.Data() {
			if v != c.want[i] {
				t.Fatalf("stream %d: bits %v, want %v", c.stream, got.Data(), c.want)
			}
		}
	}
	if _, err := Binarize(tensor.New([]float32{0.5, 2}, 1, 2), BinarizeThreshold, 1); err == nil {
		t.Error("a value of 2 binarised without an error")
	}
}
