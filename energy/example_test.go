package energy_test

import (
	"fmt"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
)

// Train an energy on the ring of 8 Gaussians with persistent Langevin
// chains as negatives, then compare the energy of data and of noise.
func ExampleContrast() {
	rng := tensor.NewRNG(1)
	ys, _ := data.Toy("ring8", 10000, rng)
	model := energy.NewMLP(rng, 2, []int{32, 32}, func() nn.Layer { return nn.SiLU() })
	opt, _ := optim.NewAdam(nn.Tensors(model), optim.DefaultAdamConfig())
	buffer, _ := energy.NewReplayBuffer(rng, 2000, []int{2}, 0.05, -3, 3)
	objective := energy.Contrast{
		PairLoss: energy.NLL(1),
		Sampler:  energy.Replay{Chain: energy.Langevin{Steps: 10, StepSize: 0.002, Noise: 0.063}, Buffer: buffer},
	}
	for step := 0; step < 200; step++ {
		idx := make([]int, 64)
		for i := range idx {
			idx[i] = rng.IntN(ys.Size(0))
		}
		loss, _, err := objective.Loss(model, nil, ys.IndexSelect(0, idx), rng)
		if err != nil {
			fmt.Println(err)
			return
		}
		opt.ZeroGrad()
		loss.Backward()
		opt.Step()
	}
	// Inference beside training: read the energies and release their graph.
	onData := model.Energy(nil, ys.Narrow(0, 0, 1000)).Mean().DetachRelease().Item()
	onNoise := model.Energy(nil, tensor.Uniform(rng, -3, 3, 1000, 2)).Mean().DetachRelease().Item()
	fmt.Println("data has lower energy than noise:", onData < onNoise)
	// Output: data has lower energy than noise: true
}

// The most offending incorrect answer of each row and a margin loss on it.
func ExampleHinge() {
	energies := tensor.New([]float32{
		1, 3, 0.5, // correct answer 0 at 1, but answer 2 is lower
		2, 1, 4, // correct answer 1 at 1, the others higher
	}, 2, 3)
	correct := []int{0, 1}
	fmt.Println(energy.MostOffending(energies, correct).Data())
	fmt.Println(energy.Hinge(1).Finite(energies, correct).Item())
	// Output:
	// [0.5 2]
	// 0.75
}

// The free energy is a soft minimum over a latent variable.
func ExampleFreeEnergy() {
	energies := tensor.New([]float32{0, 1, 2, 3}, 1, 4)
	for _, beta := range []float32{0.01, 1, 100} {
		fmt.Printf("beta %-5v F = %.3f\n", beta, energy.FreeEnergy(energies, beta).Item())
	}
	// Output:
	// beta 0.01  F = 1.494
	// beta 1     F = 0.946
	// beta 100   F = 0.014
}

func ExampleArgminFinite() {
	// F(x, y) = (y - 2x)^2 over the answers y in {0, 1, 2, 3, 4}.
	f := energy.Func(func(x, y *tensor.Tensor) *tensor.Tensor {
		return y.Sub(x.MulScalar(2)).Square().Sum(1)
	})
	x := tensor.New([]float32{0, 1, 2}, 3, 1)
	answers := tensor.New([]float32{0, 1, 2, 3, 4}, 5, 1)
	best, _ := energy.ArgminFinite(f, x, answers)
	fmt.Println(best)
	// Output: [0 2 4]
}
