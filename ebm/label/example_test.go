package label_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/ebm/label"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// Train a label energy on points of three classes, then use it from Go:
// train.Open rebuilds it from the run folder alone; it answers by the
// argmin of its energies, scores samples by their free energy over the
// labels, and tells its data from points of no class.
func ExampleTrain() {
	root, _ := os.MkdirTemp("", "gibbs-example")
	defer os.RemoveAll(root)
	path := filepath.Join(root, "points")
	// Class c's points lie around 3 times the c-th unit vector of R^3.
	points := func(n int, shift float32, seed uint64) *data.Set {
		rng := tensor.NewRNG(seed)
		x, labels := tensor.Randn(rng, n, 3).MulScalar(0.5).AddScalar(shift), make([]int, n)
		for i := range labels {
			labels[i] = i % 3
			x.Data()[3*i+labels[i]] += 3
		}
		return &data.Set{Name: "points", X: x, Shape: []int{3}, Labels: labels, Classes: 3}
	}
	cfg := label.DefaultConfig()
	cfg.Data, cfg.Loss, cfg.Hidden, cfg.Epochs, cfg.Batch, cfg.LR = "points", "nll", []int{16}, 3, 32, 1e-2
	dir, err := train.OpenDir(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := label.Train(context.Background(), dir, cfg, label.Options{Train: points(300, 0, 1), Test: points(90, 0, 2), NoPictures: true})
	dir.Close()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("epoch %v, test accuracy above 90%%: %v\n", res.Eval["epoch"], res.Eval["test_accuracy"].(float64) > 0.9)
	m, err := train.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	t := m.(*label.Trained)
	x := tensor.New([]float32{3, 0, 0, 0, 0, 3}, 2, 3)
	fmt.Println("kind:", t.Kind(), "answers:", t.Predict(x))
	fmt.Println("energies:", t.Energies(x).DetachRelease().Shape(), "free energies:", m.(energy.Model).Energy(nil, x).DetachRelease().Shape())
	// Points around the origin belong to no class.
	ood, _ := label.OOD(t, points(90, 0, 3).X, tensor.Randn(tensor.NewRNG(4), 90, 3).MulScalar(0.5))
	fmt.Println("points of no class found by the energy score:", ood.EnergyAUROC > 0.9)
	// Output:
	// epoch 3, test accuracy above 90%: true
	// kind: ebm-label answers: [0 2]
	// energies: [2 3] free energies: [2]
	// points of no class found by the energy score: true
}
