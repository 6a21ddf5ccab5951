package gan

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// stripes is a labelled set of noisy 8x8 images: class 0 bright in the
// top half, class 1 in the bottom half.
func stripes(n int, seed uint64) *data.Set {
	rng := tensor.NewRNG(seed)
	x := tensor.Uniform(rng, 0, 0.3, n, 64)
	d := x.Data()
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i % 2
		for p := range 32 {
			d[i*64+32*labels[i]+p] += 0.7
		}
	}
	return &data.Set{Name: "stripes", X: x, Shape: []int{1, 8, 8}, Labels: labels, Classes: 2}
}

// tinyClassifier trains a small classifier on stripes in dir.
func tinyClassifier(t testing.TB, path string) *Classifier {
	t.Helper()
	dir, err := train.OpenDir(path)
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	cfg := ClassifierConfig{Data: "stripes", Channels: [2]int{4, 8}, Features: 16, Batch: 16, Steps: 40, LR: 1e-2, Seed: 1}
	c, err := TrainClassifier(context.Background(), dir, cfg, stripes(256, 1), stripes(64, 2))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestClassifier trains the classifier on easy synthetic images, then
// loads the finished run with the same accuracy and outputs.
func TestClassifier(t *testing.T) {
	path := filepath.Join(t.TempDir(), "classifier")
	c := tinyClassifier(t, path)
	if c.Accuracy < 0.95 {
		t.Errorf("test accuracy %v on separable stripes", c.Accuracy)
	}
	again := tinyClassifier(t, path)
	x := stripes(4, 3).X
	a, b := c.Features(x).Data(), again.Features(x).Data()
	if again.Accuracy != c.Accuracy || len(a) != 4*16 || a[0] != b[0] || a[len(a)-1] != b[len(b)-1] {
		t.Errorf("loaded classifier differs: accuracy %v vs %v", again.Accuracy, c.Accuracy)
	}
}

// TestMNISTClassifier trains (or loads) the cached MNIST classifier and
// checks its test accuracy; it is long the first time, so it runs with
// GIBBS_LONG=1 and MNIST present.
func TestMNISTClassifier(t *testing.T) {
	if os.Getenv("GIBBS_LONG") == "" {
		t.Skip("trains the MNIST classifier (a minute or two the first time); set GIBBS_LONG=1")
	}
	if _, err := data.Open("mnist", data.Test); err != nil {
		t.Skipf("MNIST is absent: %v", err)
	}
	c, err := MNISTClassifier(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("MNIST classifier test accuracy %.4f", c.Accuracy)
	if c.Accuracy < 0.97 {
		t.Errorf("test accuracy %v, want at least 0.97", c.Accuracy)
	}
}

// A run on images measured by a classifier writes the class coverage and
// the Fréchet distance in its features at each evaluation.
func TestImageMetrics(t *testing.T) {
	c := tinyConfigs(t)["dcgan"]
	cls := tinyClassifier(t, filepath.Join(t.TempDir(), "classifier"))
	dir, err := train.OpenDir(filepath.Join(t.TempDir(), "run"))
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	res, err := Train(context.Background(), dir, c.cfg, Options{Train: c.set, Classifier: cls})
	if err != nil {
		t.Fatal(err)
	}
	e := res.Eval
	if e["classes"] != 2 || e["classes_covered"] == nil || e["class_confident"] == nil {
		t.Errorf("no class coverage in %v", e)
	}
	if fd, ok := e["classifier_fd"].(float64); !ok || !(fd > 0) {
		t.Errorf("classifier_fd %v in %v", e["classifier_fd"], e)
	}
}
