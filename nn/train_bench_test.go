package nn_test

import (
	"testing"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
)

// BenchmarkMLPAEStep times one training step of the reference autoencoder
// 784-256-64-256-784 (ReLU, sigmoid output, BCE, Adam) on a batch of 128.
func BenchmarkMLPAEStep(b *testing.B) {
	rng := tensor.NewRNG(1)
	model := nn.NewSequential(
		nn.NewLinear(rng, 784, 256, true), nn.ReLU(),
		nn.NewLinear(rng, 256, 64, true), nn.ReLU(),
		nn.NewLinear(rng, 64, 256, true), nn.ReLU(),
		nn.NewLinear(rng, 256, 784, true), nn.Sigmoid(),
	)
	opt, err := optim.NewAdam(nn.Tensors(model), optim.DefaultAdamConfig())
	if err != nil {
		b.Fatal(err)
	}
	x := tensor.Rand(rng, 128, 784)
	step := func() {
		opt.ZeroGrad()
		loss := nn.BCELoss(model.Forward(x), x)
		loss.Backward()
		opt.Step()
		loss.Release()
	}
	step()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		step()
	}
	b.ReportMetric(float64(b.N*128)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkEBM2DStep times one iteration of the reference 2-D energy model
// (MLP 2-128-128-1 with SiLU): 20 Langevin steps on 256 negatives with the
// parameters frozen, then one Adam update on E+ - E- + 0.1(E+^2 + E-^2).
func BenchmarkEBM2DStep(b *testing.B) {
	rng := tensor.NewRNG(1)
	model := nn.NewSequential(
		nn.NewLinear(rng, 2, 128, true), nn.SiLU(),
		nn.NewLinear(rng, 128, 128, true), nn.SiLU(),
		nn.NewLinear(rng, 128, 1, true),
	)
	params := nn.Tensors(model)
	cfg := optim.DefaultAdamConfig()
	cfg.LR, cfg.Beta1 = 1e-4, 0
	opt, err := optim.NewAdam(params, cfg)
	if err != nil {
		b.Fatal(err)
	}
	pos := tensor.Randn(rng, 256, 2)
	neg := tensor.Uniform(rng, -4, 4, 256, 2)
	step := func() {
		for _, p := range params {
			p.SetRequiresGrad(false)
		}
		for s := 0; s < 20; s++ {
			y := neg.Detach().SetRequiresGrad(true)
			e := model.Forward(y).Sum()
			g := tensor.Grad(e, y)[0]
			yd, gd := neg.Data(), g.Data()
			for i := range yd {
				yd[i] += -0.01*gd[i] + 0.005*rng.Norm()
			}
			e.Release()
			e.Release()

		}
		for _, p := range params {
			p.SetRequiresGrad(true)
		}
		opt.ZeroGrad()
		ep, en := model.Forward(pos).Mean(), model.Forward(neg).Mean()
		loss := ep.Sub(en).Add(ep.Square().Add(en.Square()).MulScalar(0.1))
		loss.Backward()
		opt.Step()
		loss.Release()
	}
	step()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		step()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "iters/s")
}
