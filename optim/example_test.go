package optim_test

import (
	"fmt"
	"log"

	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
)

// Minimise (x-3)^2 with Adam, a linear warm-up into cosine decay and
// gradient clipping, the usual shape of a training loop.
func ExampleNewAdam() {
	x := tensor.New([]float32{0}, 1).SetRequiresGrad(true)
	params := []*tensor.Tensor{x}
	cfg := optim.DefaultAdamConfig()
	cfg.LR = 0.1
	opt, err := optim.NewAdam(params, cfg)
	if err != nil {
		log.Fatal(err)
	}
	cosine, err := optim.NewCosineLR(cfg.LR, 1e-4, 190)
	if err != nil {
		log.Fatal(err)
	}
	sched, err := optim.NewWarmup(10, 0.1, cosine)
	if err != nil {
		log.Fatal(err)
	}
	for step := range 200 {
		optim.Apply(opt, sched, step)
		opt.ZeroGrad()
		loss := x.AddScalar(-3).Square()
		loss.Backward()
		optim.ClipGradNorm(params, 1)
		opt.Step()
	}
	fmt.Printf("x = %.3f, learning rate %.4f\n", x.Item(), opt.LR())
	// Output: x = 3.000, learning rate 0.0001
}
