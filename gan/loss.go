package gan

import (
	"fmt"

	"github.com/gibbsml/gibbs/tensor"
)

// Loss is a GAN objective: what the discriminator minimises on a batch of
// real and generated rows, and what the generator minimises on generated
// rows. Rows are packed (Pack) when the run packs; the losses do not care.
type Loss interface {
	// Discriminator returns the discriminator's scalar loss; the caller
	// passes fake rows that carry no gradient to the generator.
	Discriminator(d Discriminator, real, fake *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor
	// Generator returns the generator's scalar loss on fake rows.
	Generator(d Discriminator, fake *tensor.Tensor) *tensor.Tensor
}

// The scores of Minimax, NonSaturating, Hinge, LeastSquares and R1 are
// logits: D(x) = sigmoid(score) is the probability that x is real, and
// -log D(x) = softplus(-score), -log(1 - D(x)) = softplus(score).

// classifierLoss is the discriminator's cross-entropy of real against
// fake, mean over rows.
func classifierLoss(d Discriminator, real, fake *tensor.Tensor) *tensor.Tensor {
	return d.Score(real).Neg().Softplus().Mean().Add(d.Score(fake).Softplus().Mean())
}

// Minimax is the GAN of Goodfellow et al. 2014 as its value function
// reads: the generator minimises log(1 - D(G(z))), which saturates when
// the discriminator wins.
type Minimax struct{}

// Discriminator returns -log D(x) - log(1 - D(G(z))), mean over rows.
func (Minimax) Discriminator(d Discriminator, real, fake *tensor.Tensor, _ *tensor.RNG) *tensor.Tensor {
	return classifierLoss(d, real, fake)
}

// Generator returns log(1 - D(G(z))), mean over rows.
func (Minimax) Generator(d Discriminator, fake *tensor.Tensor) *tensor.Tensor {
	return d.Score(fake).Softplus().Mean().Neg()
}

// NonSaturating is Goodfellow et al.'s practical variant: the generator
// minimises -log D(G(z)) instead, whose gradient is strong where the
// generator is poor.
type NonSaturating struct{}

// Discriminator returns the cross-entropy of real against fake, as
// Minimax's.
func (NonSaturating) Discriminator(d Discriminator, real, fake *tensor.Tensor, _ *tensor.RNG) *tensor.Tensor {
	return classifierLoss(d, real, fake)
}

// Generator returns -log D(G(z)), mean over rows.
func (NonSaturating) Generator(d Discriminator, fake *tensor.Tensor) *tensor.Tensor {
	return d.Score(fake).Neg().Softplus().Mean()
}

// Hinge is the hinge loss of Lim & Ye 2017 and Miyato et al. 2018.
type Hinge struct{}

// Discriminator returns max(0, 1 - D(x)) + max(0, 1 + D(G(z))), mean over
// rows.
func (Hinge) Discriminator(d Discriminator, real, fake *tensor.Tensor, _ *tensor.RNG) *tensor.Tensor {
	return d.Score(real).Neg().AddScalar(1).ReLU().Mean().Add(d.Score(fake).AddScalar(1).ReLU().Mean())
}

// Generator returns -D(G(z)), mean over rows.
func (Hinge) Generator(d Discriminator, fake *tensor.Tensor) *tensor.Tensor {
	return d.Score(fake).Mean().Neg()
}

// LeastSquares is the LSGAN of Mao et al. 2017 with targets 1 for real, 0
// for fake, and 1 for the generator.
type LeastSquares struct{}

// Discriminator returns (D(x) - 1)^2 / 2 + D(G(z))^2 / 2, mean over rows.
func (LeastSquares) Discriminator(d Discriminator, real, fake *tensor.Tensor, _ *tensor.RNG) *tensor.Tensor {
	return d.Score(real).AddScalar(-1).Square().Mean().Add(d.Score(fake).Square().Mean()).MulScalar(0.5)
}

// Generator returns (D(G(z)) - 1)^2 / 2, mean over rows.
func (LeastSquares) Generator(d Discriminator, fake *tensor.Tensor) *tensor.Tensor {
	return d.Score(fake).AddScalar(-1).Square().Mean().MulScalar(0.5)
}

// WGANGP is the Wasserstein GAN with gradient penalty (Gulrajani et al.
// 2017): the critic's score estimates the Wasserstein distance, kept
// 1-Lipschitz by penalising its gradient's norm away from 1 at random
// points between real and fake rows.
type WGANGP struct {
	Lambda float32 // weight of the penalty (10 in the paper)
}

// Discriminator returns D(G(z)) - D(x) + Lambda (||grad D(x^)|| - 1)^2,
// mean over rows, with x^ = e x + (1 - e) G(z), e uniform in [0, 1] per
// row.
func (w WGANGP) Discriminator(d Discriminator, real, fake *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor {
	e := tensor.Uniform(rng, 0, 1, real.Size(0), 1)
	mid := real.Mul(e).Add(fake.Mul(e.OneMinus()))
	loss := d.Score(fake).Mean().Sub(d.Score(real).Mean())
	return loss.Add(w.Penalty(d, mid))
}

// Penalty returns Lambda (||grad_x D(x)|| - 1)^2, mean over the rows of
// x, differentiable in the discriminator's parameters (through
// tensor.GradGraph).
func (w WGANGP) Penalty(d Discriminator, x *tensor.Tensor) *tensor.Tensor {
	norm := inputGradient(d, x).Square().Sum(1).AddScalar(1e-12).Sqrt()
	return norm.AddScalar(-1).Square().Mean().MulScalar(w.Lambda)
}

// Generator returns -D(G(z)), mean over rows.
func (WGANGP) Generator(d Discriminator, fake *tensor.Tensor) *tensor.Tensor {
	return d.Score(fake).Mean().Neg()
}

// R1 is the non-saturating loss with the R1 penalty of Mescheder et al.
// 2018: the squared norm of the discriminator's gradient on real rows,
// which stops it from pushing the generator past the data.
type R1 struct {
	Gamma float32 // the penalty is Gamma/2 ||grad D(x)||^2
}

// Discriminator returns NonSaturating's loss plus the penalty.
func (r R1) Discriminator(d Discriminator, real, fake *tensor.Tensor, _ *tensor.RNG) *tensor.Tensor {
	return classifierLoss(d, real, fake).Add(r.Penalty(d, real))
}

// Penalty returns Gamma/2 ||grad_x D(x)||^2, mean over the rows of x.
func (r R1) Penalty(d Discriminator, x *tensor.Tensor) *tensor.Tensor {
	return inputGradient(d, x).Square().Sum(1).Mean().MulScalar(r.Gamma / 2)
}

// Generator returns NonSaturating's.
func (R1) Generator(d Discriminator, fake *tensor.Tensor) *tensor.Tensor {
	return NonSaturating{}.Generator(d, fake)
}

// inputGradient returns the gradient of the summed scores with respect to
// the rows of x ([N, D]), recorded so that it can be differentiated again.
func inputGradient(d Discriminator, x *tensor.Tensor) *tensor.Tensor {
	x = x.Detach().SetRequiresGrad(true)
	return tensor.GradGraph(d.Score(x).Sum(), x)[0]
}

// EBGAN is the energy-based GAN of Zhao, Mathieu & LeCun 2016: the
// discriminator is an autoencoder whose reconstruction energy is low on
// real rows and pushed above a margin on generated ones; the generator
// lowers the energy of its rows, with a pulling-away term that keeps
// their codes apart.
type EBGAN struct {
	Margin float32 // m
	// PullAway weighs the pulling-away term (0.1 in the paper; 0 for
	// none).
	PullAway float32
}

// Discriminator returns D(x) + max(0, m - D(G(z))), mean over rows. d
// must be an *EnergyCritic.
func (e EBGAN) Discriminator(d Discriminator, real, fake *tensor.Tensor, _ *tensor.RNG) *tensor.Tensor {
	return d.Score(real).Mean().Add(d.Score(fake).Neg().AddScalar(e.Margin).ReLU().Mean())
}

// Generator returns D(G(z)) plus PullAway times the pulling-away term of
// the codes of G(z).
func (e EBGAN) Generator(d Discriminator, fake *tensor.Tensor) *tensor.Tensor {
	ec, ok := d.(*EnergyCritic)
	if !ok {
		panic(fmt.Sprintf("gan: EBGAN needs an *EnergyCritic discriminator, got %T", d))
	}
	energy, codes := ec.ScoreCodes(fake)
	loss := energy.Mean()
	if e.PullAway == 0 || fake.Size(0) < 2 {
		return loss
	}
	return loss.Add(PullingAway(codes).MulScalar(e.PullAway))
}

// PullingAway is EBGAN's pulling-away term of codes s ([N, K]): the mean
// squared cosine similarity of distinct rows,
// 1/(N(N-1)) sum_{i != j} (s_i . s_j / (|s_i| |s_j|))^2; it is small when
// the codes point in different directions.
func PullingAway(s *tensor.Tensor) *tensor.Tensor {
	n := s.Size(0)
	unit := s.Div(s.Square().SumKeep(1).AddScalar(1e-12).Sqrt())
	cos2 := unit.Matmul(unit.T()).Square()
	// The diagonal holds ones (up to rounding): take their sum, n, away.
	return cos2.Sum().AddScalar(-float32(n)).MulScalar(1 / float32(n*(n-1)))
}
