package ebm_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gibbsml/gibbs/ebm"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// Train a small run, then use it from Go: train.Open rebuilds the model
// from the run folder alone, and its capabilities are interfaces.
func ExampleModel() {
	root, _ := os.MkdirTemp("", "gibbs-example")
	defer os.RemoveAll(root)
	path := filepath.Join(root, "ring8")

	cfg := ebm.DefaultConfig()
	cfg.Steps, cfg.EvalEvery, cfg.CheckpointEvery = 20, 20, 20
	cfg.Hidden, cfg.TrainSize = []int{32}, 1000
	dir, err := train.OpenDir(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := ebm.Train(context.Background(), dir, cfg, ebm.Options{}); err != nil {
		fmt.Println(err)
		return
	}
	dir.Close()

	m, err := train.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("kind:", m.Kind())
	if e, ok := m.(energy.Model); ok {
		points := tensor.New([]float32{0, 0, 2, 0}, 2, 2)
		fmt.Println("energies:", e.Energy(nil, points).Shape())
	}
	if s, ok := m.(train.Sampler); ok {
		fmt.Println("samples:", s.Sample(100, 50, tensor.NewRNG(1)).Shape())
	}
	// Output:
	// kind: ebm
	// energies: [2]
	// samples: [100 2]
}
