package ae

import (
	"math"
	"slices"
	"testing"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// TestObjectivesDecrease trains each variant for a few dozen steps on the
// bars and checks that its loss, measured with the same noise before and
// after, went down.
func TestObjectivesDecrease(t *testing.T) {
	cases := []struct {
		name string
		cfg  func(c *AEConfig)
	}{
		{"plain", func(c *AEConfig) {}},
		{"overcomplete", func(c *AEConfig) { c.Latent, c.Hidden = 96, []int{96} }},
		{"denoising gaussian", func(c *AEConfig) { c.Variant, c.Noise, c.NoiseLevel = "denoising", "gaussian", 0.3 }},
		{"denoising masking", func(c *AEConfig) { c.Variant, c.Noise, c.NoiseLevel = "denoising", "masking", 0.3 }},
		{"sparse l1", func(c *AEConfig) { c.Variant, c.Sparsity, c.SparsityWeight = "sparse", "l1", 0.1 }},
		{"sparse kl", func(c *AEConfig) { c.Variant, c.Sparsity, c.SparsityWeight, c.Code = "sparse", "kl", 1, "sigmoid" }},
		{"contractive", func(c *AEConfig) { c.Variant, c.ContractiveWeight = "contractive", 0.1 }},
		{"conv", func(c *AEConfig) { c.Arch, c.Hidden = "conv", []int{4, 8} }},
	}
	set := bars(128, 1)
	y := set.X
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultAEConfig()
			cfg.Common = tinyCommon("bars")
			cfg.Latent = 8
			c.cfg(&cfg)
			cfg.resolve(set)
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			obj, _ := cfg.Objective()
			a := NewAE(cfg)
			loss := func() float64 {
				l, _ := obj.Loss(a, y, tensor.NewRNG(9))
				return float64(l.DetachRelease().Item())
			}
			before := loss()
			opt, _ := optim.NewAdam(nn.Tensors(a), optim.AdamConfig{LR: 3e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
			rng := tensor.NewRNG(3)
			for range 40 {
				l, _ := obj.Loss(a, y, rng)
				if _, err := train.Step(opt, l); err != nil {
					t.Fatal(err)
				}
			}
			if after := loss(); !(after < 0.9*before) {
				t.Errorf("loss %.4g -> %.4g after 40 steps", before, after)
			}
		})
	}
	t.Run("vae", func(t *testing.T) {
		cfg := DefaultVAEConfig()
		cfg.Common = tinyCommon("bars")
		cfg.resolve(set)
		v := NewVAE(cfg)
		elbo := ELBO{Beta: 1}
		loss := func() float64 {
			l, _ := elbo.Loss(v, y, tensor.NewRNG(9), 0)
			return float64(l.DetachRelease().Item())
		}
		before := loss()
		opt, _ := optim.NewAdam(nn.Tensors(v), optim.AdamConfig{LR: 3e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
		rng := tensor.NewRNG(3)
		for range 40 {
			l, _ := elbo.Loss(v, y, rng, 0)
			if _, err := train.Step(opt, l); err != nil {
				t.Fatal(err)
			}
		}
		if after := loss(); !(after < 0.9*before) {
			t.Errorf("negative ELBO %.4g -> %.4g after 40 steps", before, after)
		}
	})
}

// TestJacobianNorm checks the contractive penalty against central finite
// differences of the encoder, and its gradient with respect to a weight
// (a second derivative through the recorded VJPs) against finite
// differences of the penalty.
func TestJacobianNorm(t *testing.T) {
	net := Net{Arch: "mlp", Shape: []int{3}, Hidden: []int{5}, Activation: "tanh"}
	enc := net.Encoder(tensor.NewRNG(4), 2)
	y := tensor.Randn(tensor.NewRNG(5), 4, 3)
	penalty := func() *tensor.Tensor {
		yv := y.Detach().SetRequiresGrad(true)
		return JacobianNorm(enc.Forward(yv), yv)
	}
	got := penalty().DetachRelease().Data()
	const h = 1e-2
	for i := range 4 {
		var want float64
		for j := range 3 {
			shifted := func(d float32) []float32 {
				yy := y.Clone()
				yy.Set(yy.At(i, j)+d, i, j)
				return enc.Forward(yy.Narrow(0, i, 1)).DetachRelease().Data()
			}
			plus, minus := shifted(h), shifted(-h)
			for k := range plus {
				dk := float64(plus[k]-minus[k]) / (2 * h)
				want += dk * dk
			}
		}
		if math.Abs(float64(got[i])-want) > 1e-3*max(1, want) {
			t.Errorf("sample %d: ||J||^2 = %.6g, finite differences %.6g", i, got[i], want)
		}
	}
	// d(sum of norms)/dw for one weight of the first layer.
	w := enc.Params()[0].Tensor
	total := penalty().Sum()
	grad := tensor.Grad(total, w)[0].Data()[0]
	total.Release()
	value := func(d float32) float64 {
		old := w.Data()[0]
		w.Data()[0] = old + d
		defer func() { w.Data()[0] = old }()
		return float64(penalty().Sum().DetachRelease().Item())
	}
	want := (value(h) - value(-h)) / (2 * h)
	if math.Abs(float64(grad)-want) > 2e-2*max(1, math.Abs(want)) {
		t.Errorf("d penalty / dw = %.6g, finite differences %.6g", grad, want)
	}
}

// TestIWAEBounds checks the ordering of the bounds on a briefly trained
// VAE of moons: IWAE_k is at least the mean ELBO, and its mean grows with
// k.
func TestIWAEBounds(t *testing.T) {
	set := toy(t, "moons", 256, 1)
	cfg := DefaultVAEConfig()
	cfg.Common = tinyCommon("moons")
	cfg.resolve(set)
	v := NewVAE(cfg)
	opt, _ := optim.NewAdam(nn.Tensors(v), optim.AdamConfig{LR: 1e-2, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
	rng := tensor.NewRNG(2)
	for range 100 {
		l, _ := ELBO{Beta: 1}.Loss(v, set.X, rng, 0)
		if _, err := train.Step(opt, l); err != nil {
			t.Fatal(err)
		}
	}
	mean := func(xs []float64) float64 {
		var s float64
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	}
	// The ELBO averaged over 50 draws of z per sample.
	var elbo float64
	for range 50 {
		recon, kl := v.Terms(set.X, rng)
		s := recon.Add(kl).Mean()
		elbo -= float64(s.DetachRelease().Item()) / 50
	}
	prev := math.Inf(-1)
	for _, k := range []int{1, 10, 100} {
		b := mean(IWAE(v, set.X, k, tensor.NewRNG(uint64(k))))
		t.Logf("k = %d: IWAE %.4f (ELBO %.4f)", k, b, elbo)
		if k == 1 && math.Abs(b-elbo) > 0.05*math.Abs(elbo) {
			t.Errorf("IWAE_1 %.4f differs from the ELBO %.4f", b, elbo)
		}
		if k > 1 && !(b > elbo && b > prev) {
			t.Errorf("IWAE_%d = %.4f, not above the ELBO %.4f and IWAE of fewer samples %.4f", k, b, elbo, prev)
		}
		prev = b
	}
	if au := ActiveUnits(v, set.X, 0.01); au < 1 || au > cfg.Latent {
		t.Errorf("%d active units of %d", au, cfg.Latent)
	}
}

func TestELBOWarmup(t *testing.T) {
	for _, c := range []struct {
		e    ELBO
		done int
		want float64
	}{
		{ELBO{Beta: 1, Warmup: 10}, 0, 0},
		{ELBO{Beta: 1, Warmup: 10}, 5, 0.5},
		{ELBO{Beta: 2, Warmup: 10}, 5, 1},
		{ELBO{Beta: 1, Warmup: 10}, 10, 1},
		{ELBO{Beta: 1, Warmup: 10}, 30, 1},
		{ELBO{Beta: 4}, 0, 4},
	} {
		if got := c.e.Weight(c.done); got != c.want {
			t.Errorf("%+v after %d steps: beta %v, want %v", c.e, c.done, got, c.want)
		}
	}
}

// TestShapes checks the shapes of samples, reconstructions, codes and
// energies of MLP and conv models on 8x8 images and of an MLP on points.
func TestShapes(t *testing.T) {
	for _, c := range []struct {
		arch   string
		shape  []int
		hidden []int
	}{{"mlp", []int{1, 8, 8}, []int{16}}, {"conv", []int{1, 8, 8}, []int{4, 8}}, {"mlp", []int{2}, []int{8, 8}}} {
		common := Common{Arch: c.arch, Shape: c.shape, Hidden: c.hidden, Latent: 3, Activation: "relu", Likelihood: "gaussian", Sigma: 1}
		d := data.Features(c.shape)
		y := tensor.Rand(tensor.NewRNG(1), 5, d)
		v := NewVAE(VAEConfig{Common: common})
		a := NewAE(AEConfig{Common: common, Code: "linear"})
		mu, logvar := v.Posterior(y)
		got := [][]int{
			v.SamplePrior(7, tensor.NewRNG(2)).Shape(), v.Reconstruct(y).Shape(), mu.Shape(), logvar.Shape(), v.Energy(nil, y).Shape(),
			a.Encode(y).Shape(), a.Reconstruct(y).Shape(), a.Energy(nil, y).Shape(),
		}
		want := [][]int{{7, d}, {5, d}, {5, 3}, {5, 3}, {5}, {5, 3}, {5, d}, {5}}
		for i := range want {
			if !slices.Equal(got[i], want[i]) {
				t.Errorf("%s %v: shape %d is %v, want %v", c.arch, c.shape, i, got[i], want[i])
			}
		}
	}
}
