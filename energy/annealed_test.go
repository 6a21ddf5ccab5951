package energy_test

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
)

// blurred is the exact noise-conditional energy of Gaussian data
// N(mu, v I) blurred at level sigma, F(log sigma, y) =
// |y - mu|^2 / (2 (v + sigma^2)), with learnable mu and log v.
type blurred struct{ mu, logVar *tensor.Tensor }

func (b *blurred) Energy(x, y *tensor.Tensor) *tensor.Tensor {
	total := x.MulScalar(2).Exp().Add(b.logVar.Exp()) // [N, 1]
	return y.Sub(b.mu).Square().Div(total).Sum(1).MulScalar(0.5)
}

func (b *blurred) Params() []nn.Param {
	return []nn.Param{{Name: "mu", Tensor: b.mu}, {Name: "log_var", Tensor: b.logVar}}
}

func TestGeometricSigmas(t *testing.T) {
	got := energy.GeometricSigmas(2, 0.02, 3)
	if len(got) != 3 || math.Abs(float64(got[0])-2) > 1e-6 || math.Abs(float64(got[1])-0.2) > 1e-6 || math.Abs(float64(got[2])-0.02) > 1e-7 {
		t.Errorf("GeometricSigmas(2, 0.02, 3) = %v", got)
	}
	if got := energy.GeometricSigmas(1, 0.5, 1); len(got) != 1 || got[0] != 0.5 {
		t.Errorf("one level: %v, want [0.5]", got)
	}
}

// TestAnnealedScoreMatchingRecoversAGaussian trains the exact family on
// N((1, -2), 0.25 I) with both noise-conditional objectives, and samples
// the learned model by annealed Langevin dynamics.
func TestAnnealedScoreMatchingRecoversAGaussian(t *testing.T) {
	sigmas := energy.GeometricSigmas(1, 0.05, 4)
	for _, obj := range []energy.Objective{energy.AnnealedDenoisingScore{Sigmas: sigmas}, energy.AnnealedSlicedScore{Sigmas: sigmas}} {
		rng := tensor.NewRNG(7)
		m := &blurred{tensor.Zeros(2).SetRequiresGrad(true), tensor.Zeros(1).SetRequiresGrad(true)}
		opt, _ := optim.NewAdam(nn.Tensors(m), optim.AdamConfig{LR: 0.03, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
		for range 600 {
			y := tensor.Randn(rng, 256, 2).MulScalar(0.5).Add(tensor.New([]float32{1, -2}))
			loss, _, err := obj.Loss(m, nil, y, rng)
			if err != nil {
				t.Fatal(err)
			}
			opt.ZeroGrad()
			loss.Backward()
			opt.Step()
		}
		v := math.Exp(float64(m.logVar.At(0)))
		if math.Abs(float64(m.mu.At(0))-1) > 0.1 || math.Abs(float64(m.mu.At(1))+2) > 0.1 || math.Abs(v-0.25)/0.25 > 0.15 {
			t.Errorf("%T: mean %v, variance %.3f; want (1, -2) and 0.25", obj, m.mu.Values(), v)
		}
		// The model at the smallest level is N(mu, v + 0.05^2); chains that
		// step by 0.2 sigma^2 barely move at the last levels, where the
		// density is almost that of the level before.
		s := energy.AnnealedLangevin{Sigmas: sigmas, Steps: 100, Epsilon: 0.2 * 0.05 * 0.05}.Run(m, tensor.Zeros(2000, 2), rng)
		var mean, sq float64
		for _, x := range s.Values() {
			mean += float64(x) / float64(s.Len())
		}
		for i := range 2000 {
			for j, c := range []float64{float64(m.mu.At(0)), float64(m.mu.At(1))} {
				d := float64(s.At(i, j)) - c
				sq += d * d / 4000
			}
		}
		if want := v + 0.05*0.05; math.Abs(mean+0.5) > 0.05 || math.Abs(sq-want)/want > 0.2 { // the last levels barely move the chains
			t.Errorf("%T: annealed Langevin samples of mean %.3f and variance %.3f, want -0.5 and %.3f", obj, mean, sq, want)
		}
	}
	at := energy.AtNoise{Model: &blurred{tensor.Zeros(2), tensor.Zeros(1)}, Sigma: 1}
	if e := at.Energy(nil, tensor.New([]float32{2, 0}, 1, 2)).Item(); math.Abs(float64(e)-1) > 1e-6 {
		t.Errorf("AtNoise energy %v, want 4/(2*2) = 1", e)
	}
}
