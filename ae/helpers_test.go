package ae

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// bars returns n 8x8 images of one bright bar, horizontal (label 0) or
// vertical (label 1), at a random position, on a faint noisy background.
func bars(n int, seed uint64) *data.Set {
	rng := tensor.NewRNG(seed)
	x := tensor.Zeros(n, 64)
	d := x.Data()
	labels := make([]int, n)
	for i := range n {
		labels[i] = rng.IntN(2)
		pos := rng.IntN(8)
		for p := range 64 {
			r, c := p/8, p%8
			v := 0.1 * rng.Float32()
			if (labels[i] == 0 && r == pos) || (labels[i] == 1 && c == pos) {
				v = 0.8 + 0.2*rng.Float32()
			}
			d[i*64+p] = v
		}
	}
	return &data.Set{Name: "bars", X: x, Shape: []int{1, 8, 8}, Labels: labels, Classes: 2}
}

// toy returns n points of a toy data set as a data.Set.
func toy(t testing.TB, name string, n int, seed uint64) *data.Set {
	x, err := data.Toy(name, n, tensor.NewRNG(seed))
	if err != nil {
		t.Fatal(err)
	}
	return &data.Set{Name: name, X: x, Shape: []int{2}}
}

// tinyCommon is a small, fast configuration on the bars or a toy.
func tinyCommon(dataName string) Common {
	c := defaultCommon()
	c.Data, c.Hidden, c.Latent, c.Epochs, c.Batch, c.LR, c.CheckpointEvery = dataName, []int{16}, 2, 3, 32, 3e-3, 5
	return c
}

// imageSets returns training and test bars.
func imageSets() Options { return Options{Train: bars(256, 1), Test: bars(64, 2)} }

// pointSets returns training and test points of moons.
func pointSets(t testing.TB) Options {
	return Options{Train: toy(t, "moons", 256, 1), Test: toy(t, "moons", 64, 2)}
}

// trainIn trains a config (AEConfig or VAEConfig) in the folder path.
func trainIn(t testing.TB, ctx context.Context, path string, cfg any, opts Options) (Result, error) {
	t.Helper()
	dir, err := train.OpenDir(path)
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	switch c := cfg.(type) {
	case AEConfig:
		return TrainAE(ctx, dir, c, opts)
	case VAEConfig:
		return TrainVAE(ctx, dir, c, opts)
	}
	t.Fatalf("config of type %T", cfg)
	return Result{}, nil
}

func runPath(t testing.TB, name string) string { return filepath.Join(t.TempDir(), name) }
