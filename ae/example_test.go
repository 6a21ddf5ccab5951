package ae_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gibbsml/gibbs/ae"
	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// Train a small VAE on two moons, then use it from Go: train.Open
// rebuilds it from the run folder alone; it scores points (an energy) and
// draws samples from its prior.
func ExampleTrainVAE() {
	root, _ := os.MkdirTemp("", "gibbs-example")
	defer os.RemoveAll(root)
	path := filepath.Join(root, "moons")
	moons := func(n int, seed uint64) *data.Set {
		x, _ := data.Toy("moons", n, tensor.NewRNG(seed))
		return &data.Set{Name: "moons", X: x, Shape: []int{2}}
	}
	cfg := ae.DefaultVAEConfig()
	cfg.Data, cfg.Hidden, cfg.Latent, cfg.Epochs, cfg.Batch, cfg.IWAEK = "moons", []int{32}, 2, 2, 64, 10
	dir, err := train.OpenDir(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := ae.TrainVAE(context.Background(), dir, cfg, ae.Options{Train: moons(512, 1), Test: moons(128, 2)})
	dir.Close()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("epochs:", res.Eval["epoch"], "IWAE samples:", res.Eval["iwae_samples"])
	m, err := train.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("kind:", m.Kind())
	points := tensor.New([]float32{0, 0, 1, 0.5}, 2, 2)
	fmt.Println("energies:", m.(energy.Model).Energy(nil, points).DetachRelease().Shape())
	fmt.Println("samples:", m.(train.Sampler).Sample(100, 0, tensor.NewRNG(1)).Shape())
	// Output:
	// epochs: 2 IWAE samples: 128
	// kind: vae
	// energies: [2]
	// samples: [100 2]
}
