package rbm_test

import (
	"context"
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/rbm"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// Train a small RBM by CD-1 on two patterns of 12 bits, then compare the
// AIS estimate of log Z with the exact one and read the patterns'
// probabilities.
func Example() {
	rng := tensor.NewRNG(1)
	patterns := tensor.New([]float32{
		1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1,
	}, 2, 12)
	model := rbm.New(rng, 12, 6)
	opt, _ := optim.NewSGD(nn.Tensors(model), optim.SGDConfig{LR: 0.1, Momentum: 0.5})
	for range 500 {
		batch := patterns.IndexSelect(0, []int{rng.IntN(2), rng.IntN(2), rng.IntN(2), rng.IntN(2)})
		negatives, _ := model.Gibbs(batch, 1, rng) // CD-1
		// Push F down on the data and up on the chains' samples.
		loss := model.FreeEnergy(batch).Mean().Sub(model.FreeEnergy(negatives).Mean())
		if _, err := train.Step(opt, loss); err != nil {
			panic(err)
		}
	}
	exact, _ := rbm.ExactLogZ(model)
	est, _ := rbm.AIS{Runs: 100, Betas: 1000}.LogZ(context.Background(), model, tensor.NewRNG(2))
	fmt.Printf("log Z: exact %.1f, AIS %.1f\n", exact, est.LogZ)
	var p float64
	for _, lp := range model.LogProb(patterns, exact) {
		p += math.Exp(lp)
	}
	fmt.Printf("p(patterns) > 0.5: %v\n", p > 0.5)
	// Output:
	// log Z: exact 29.6, AIS 29.6
	// p(patterns) > 0.5: true
}
