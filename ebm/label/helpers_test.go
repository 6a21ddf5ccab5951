package label

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// blocks returns n 8x8 images of one bright 4x4 block, at the top left
// (label 0), the centre (label 1) or the bottom right (label 2), on a
// faint noisy background.
func blocks(n int, seed uint64) *data.Set {
	rng := tensor.NewRNG(seed)
	x := tensor.Zeros(n, 64)
	d := x.Data()
	labels := make([]int, n)
	for i := range n {
		labels[i] = rng.IntN(3)
		corner := 2 * labels[i]
		for p := range 64 {
			r, c := p/8, p%8
			v := 0.1 * rng.Float32()
			if r >= corner && r < corner+4 && c >= corner && c < corner+4 {
				v = 0.8 + 0.2*rng.Float32()
			}
			d[i*64+p] = v
		}
	}
	return &data.Set{Name: "blocks", X: x, Shape: []int{1, 8, 8}, Labels: labels, Classes: 3}
}

// tinyConfig is a small, fast configuration on the blocks.
func tinyConfig(loss string) Config {
	c := DefaultConfig()
	c.Data, c.Loss, c.Hidden, c.Epochs, c.Batch, c.LR, c.CheckpointEvery = "blocks", loss, []int{16}, 3, 32, 1e-2, 5
	return c
}

// blockSets are training and test blocks.
func blockSets() Options { return Options{Train: blocks(256, 1), Test: blocks(96, 2)} }

// trainIn trains cfg in the folder path.
func trainIn(t testing.TB, ctx context.Context, path string, cfg Config, opts Options) (Result, error) {
	t.Helper()
	dir, err := train.OpenDir(path)
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	return Train(ctx, dir, cfg, opts)
}

func runPath(t testing.TB, name string) string { return filepath.Join(t.TempDir(), name) }
