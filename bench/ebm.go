package bench

import (
	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
)

// ebm2dCase trains an energy MLP on the 8-Gaussian ring by contrastive
// divergence with persistent Langevin chains kept in a replay buffer (Du &
// Mordatch 2019): each call draws 256 negatives from the buffer (5% restarted
// from uniform noise), runs 20 Langevin steps on them, stores them back and
// takes one Adam step on E(pos) - E(neg) + 0.1*(E(pos)^2 + E(neg)^2).
func ebm2dCase(*Data) *Case {
	const (
		nneg, steps, bufSize = 256, 20, 10000
		alpha                = 0.1
	)
	rng := tensor.NewRNG(6)
	net := energy.NewMLP(rng, 2, []int{128, 128}, func() nn.Layer { return nn.SiLU() })
	opt := newAdam(1e-4, 0, net)
	points := data.RingMixture(8, 2, 0.1).Sample(100000, rng)
	buf, err := energy.NewReplayBuffer(rng, bufSize, []int{2}, 0.05, -4, 4)
	if err != nil {
		panic(err) // the settings above are valid
	}
	sampler := energy.Replay{Chain: energy.Langevin{Steps: steps, StepSize: 0.01, Noise: 0.005}, Buffer: buf}
	idx := make([]int, nneg)
	step := func() float32 {
		for i := range idx {
			idx[i] = rng.IntN(points.Size(0))
		}
		pos := points.IndexSelect(0, idx)
		return contrastiveStep(net, sampler, opt, pos, alpha, rng)
	}
	return &Case{
		Step: step, Work: 1, Unit: "iters/s",
		Extra: Record{
			{"model", "energy MLP 2-128-128-1 SiLU; CD with replay buffer (10000, 5% uniform " +
				"re-init in [-4,4]^2), 256 negatives, 20 Langevin steps " +
				"x <- x - 0.01*dE/dx + 0.005*N(0,1); 256 positives from 8 Gaussians; " +
				"loss E+ - E- + 0.1*(E+^2 + E-^2); Adam lr 1e-4 betas (0, 0.999)"},
			{"negatives", nneg}, {"langevin_steps", steps},
		},
		Finish: func(med float64) (Record, error) { return Record{{"ms_per_iter", med * 1e3}}, nil },
	}
}

// ebmImageCase trains a conv image energy as ebm2dCase trains its MLP:
// each call draws 64 negatives from a replay buffer of 10000 images
// (uniform noise at first, none restarted), runs 20 Langevin steps
// x <- clamp(x - dE/dx + 0.005 N(0, 1), 0, 1) on them (each a gradient
// of the energy with respect to the images alone), stores them back and
// takes one Adam step on E(pos) - E(neg) + 0.1*(E(pos)^2 + E(neg)^2) with
// 64 staged images as positives.
func ebmImageCase(d *Data) *Case {
	const (
		nneg, steps, bufSize = 64, 20, 10000
		alpha                = 0.1
	)
	rng := tensor.NewRNG(10)
	down := nn.ConvSpec{Kernel: 3, Stride: 2, Padding: 1}
	net := &energy.Net{Layer: nn.NewSequential(
		nn.NewConv2d(rng, 1, 32, down), nn.SiLU(),
		nn.NewConv2d(rng, 32, 64, down), nn.SiLU(),
		nn.Flatten(), nn.NewLinear(rng, 64*7*7, 1, true),
	)}
	opt := newAdam(1e-4, 0, net)
	buf, err := energy.NewReplayBuffer(rng, bufSize, []int{1, 28, 28}, 0, 0, 1)
	if err != nil {
		panic(err) // the settings above are valid
	}
	sampler := energy.Replay{Chain: energy.Langevin{Steps: steps, StepSize: 1, Noise: 0.005, Lo: 0, Hi: 1}, Buffer: buf}
	var reals []*tensor.Tensor
	for _, b := range images(d) {
		reals = append(reals, b.X.Narrow(0, 0, nneg))
	}
	next := cycle(reals)
	step := func() float32 {
		pos := next()
		return contrastiveStep(net, sampler, opt, pos, alpha, rng)
	}
	return &Case{
		Step: step, Work: 1, Unit: "iters/s",
		Extra: Record{
			{"model", "energy conv 3x3 s2 1->32 SiLU, conv 3x3 s2 32->64 SiLU, fc 3136->1; " +
				"64 negatives from a replay buffer of 10000, 20 Langevin steps " +
				"x <- clamp(x - 1.0*dE/dx + 0.005*N(0,1), 0, 1); 64 positives; " +
				"loss E+ - E- + 0.1*(E+^2 + E-^2); Adam lr 1e-4 betas (0, 0.999)"},
			{"negatives", nneg}, {"langevin_steps", steps},
		},
		Finish: func(med float64) (Record, error) { return Record{{"ms_per_iter", med * 1e3}}, nil },
	}
}

// contrastiveStep is one update of both energy workloads: negatives from
// sampler, then the loss E+ - E- + alpha*(E+^2 + E-^2) of the reference
// script, minimised by one step of opt; it returns the loss.
func contrastiveStep(net energy.Model, sampler energy.Sampler, opt optim.Optimizer, pos *tensor.Tensor, alpha float32, rng *tensor.RNG) float32 {
	neg := sampler.Sample(net, nil, pos, rng)
	return trainStep(opt, func() *tensor.Tensor {
		return energy.Contrastive(alpha).Pair(net.Energy(nil, pos), net.Energy(nil, neg))
	})
}
