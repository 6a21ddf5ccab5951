package gan

import (
	"testing"

	"github.com/gibbsml/gibbs/ae"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// tinyCritic is a small discriminator of rows of dim values.
func tinyCritic(rng *tensor.RNG, dim int) Discriminator {
	return &Critic{Net: MLP{Hidden: []int{16, 16}, Activation: func() nn.Layer { return nn.LeakyReLU(0.2) }}.Build(rng, dim, 1, nil)}
}

// TestLossesTrainTheDiscriminator checks that each loss's discriminator
// step lowers its loss on real points near (1, 1) against fixed fakes
// near (-1, -1).
func TestLossesTrainTheDiscriminator(t *testing.T) {
	for _, tc := range []struct {
		name string
		loss Loss
	}{
		{"minimax", Minimax{}}, {"ns", NonSaturating{}}, {"hinge", Hinge{}}, {"ls", LeastSquares{}},
		{"wgan-gp", WGANGP{Lambda: 10}}, {"r1", R1{Gamma: 1}}, {"ebgan", EBGAN{Margin: 1, PullAway: 0.1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := tensor.NewRNG(1)
			real := tensor.Randn(rng, 64, 2).MulScalar(0.1).AddScalar(1)
			fake := tensor.Randn(rng, 64, 2).MulScalar(0.1).AddScalar(-1)
			d := tinyCritic(rng, 2)
			if tc.name == "ebgan" {
				d = NewEnergyCritic(rng, ae.Net{Arch: "mlp", Shape: []int{2}, Hidden: []int{16}, Activation: "relu"}, 1)
			}
			opt, err := optim.NewAdam(nn.Tensors(d), optim.AdamConfig{LR: 1e-2, Beta1: 0.5, Beta2: 0.999, Eps: 1e-8})
			if err != nil {
				t.Fatal(err)
			}
			var first, last float64
			for i := range 100 {
				v, err := train.Step(opt, tc.loss.Discriminator(d, real, fake, rng))
				if err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					first = v
				}
				last = v
			}
			if !(last < first-0.1) {
				t.Errorf("discriminator loss went from %.4f to %.4f", first, last)
			}
			// The generator's loss is a finite scalar with gradients for
			// the fake rows.
			f := fake.Clone().SetRequiresGrad(true)
			g := tensor.Grad(tc.loss.Generator(d, f), f)[0]
			if g == nil || g.Abs().Sum().Item() == 0 {
				t.Errorf("the generator's loss gives no gradient to the fake rows")
			}
		})
	}
}
