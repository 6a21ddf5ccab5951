package energy

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// Noise-conditional score matching (Song & Ermon 2019, "Generative
// Modeling by Estimating Gradients of the Data Distribution"). Score
// matching at one small noise level learns the score only near the data:
// between the modes of a multi-modal set it sees no points, so the
// relative depths of the modes, and Langevin chains that should cross
// between them, are left to chance. Learning the scores of the data
// blurred by a range of noise levels, large enough to merge the modes and
// small enough to resolve them, with one network told the level, and
// sampling by Langevin dynamics annealed down those levels, fixes both.
//
// Here the network is an energy F(log sigma, y): a Net whose x is the
// column log sigma, so that its score -dF/dy is conservative at every
// level and F(log sigma_min, .) is a density that can be normalised.

// GeometricSigmas returns n noise levels from largest down to smallest in
// geometric progression (n 1: smallest alone).
func GeometricSigmas(largest, smallest float64, n int) []float32 {
	if n < 1 || !(smallest > 0) || !(largest >= smallest) {
		panic(fmt.Sprintf("energy: GeometricSigmas(%v, %v, %d): want largest >= smallest > 0 and n >= 1", largest, smallest, n))
	}
	out := make([]float32, n)
	for i := range out {
		f := 1.0
		if n > 1 {
			f = float64(i) / float64(n-1)
		}
		out[i] = float32(largest * math.Pow(smallest/largest, f))
	}
	return out
}

// NoiseColumn returns the [n, 1] column log(sigma), the x a
// noise-conditional energy reads.
func NoiseColumn(n int, sigma float32) *tensor.Tensor {
	return tensor.Full(float32(math.Log(float64(sigma))), n, 1)
}

// AtNoise is the unconditional energy F(log Sigma, y) of a
// noise-conditional model at one noise level; it must be called with
// x == nil.
type AtNoise struct {
	Model Model
	Sigma float32
}

// Energy returns F(log Sigma, y).
func (a AtNoise) Energy(x, y *tensor.Tensor) *tensor.Tensor {
	if x != nil {
		panic("energy: AtNoise: the model is unconditional apart from its noise level; x must be nil")
	}
	return a.Model.Energy(NoiseColumn(y.Size(0), a.Sigma), y)
}

// PerSample reports whether the model computes each sample's energy from
// that sample alone (see nn.PerSample).
func (a AtNoise) PerSample() bool { return nn.PerSample(a.Model) }

// noisyBatch perturbs each row of y at a noise level drawn uniformly from
// sigmas and returns the perturbed rows, their levels as a column [N, 1],
// the model's x (log sigma) and the noise eps drawn.
func noisyBatch(y *tensor.Tensor, sigmas []float32, rng *tensor.RNG) (noisy, sigma, x, eps *tensor.Tensor) {
	n := y.Size(0)
	sd, xd := make([]float32, n), make([]float32, n)
	for i := range sd {
		sd[i] = sigmas[rng.IntN(len(sigmas))]
		xd[i] = float32(math.Log(float64(sd[i])))
	}
	sigma, x = tensor.New(sd, n, 1), tensor.New(xd, n, 1)
	eps = tensor.Randn(rng, y.Shape()...)
	noisy = y.Detach().Add(eps.Mul(sigma))
	return noisy, sigma, x, eps
}

// AnnealedDenoisingScore is the noise-conditional denoising score
// matching of Song & Ermon 2019: each sample is perturbed at a level drawn
// from Sigmas, and
//
//	L = 1/2 mean_i || sigma_i s(log sigma_i, y~_i) + eps_i ||^2,
//
// their loss weighted by lambda(sigma) = sigma^2, so that every level
// counts alike.
type AnnealedDenoisingScore struct{ Sigmas []float32 }

// Loss returns the loss of a batch y of an unconditional data set; m is
// the noise-conditional energy F(log sigma, y).
func (a AnnealedDenoisingScore) Loss(m Model, _, y *tensor.Tensor, rng *tensor.RNG) (*tensor.Tensor, Stats, error) {
	noisy, sigma, x, eps := noisyBatch(y, a.Sigmas, rng)
	s, _ := score(m, x, noisy)
	return sumRows(s.Mul(sigma).Add(eps).Square()).Mean().MulScalar(0.5), Stats{}, nil
}

// AnnealedSlicedScore is sliced score matching (Song et al. 2019) of the
// data perturbed at levels drawn from Sigmas; it matches the scores of the
// blurred data without using the noise drawn. Each sample's loss is
// weighted by sigma, not by the sigma^2 of denoising: this loss scales as
// the squared score of the blurred data, about 1/(s^2 + sigma^2) for data
// of local scale s, not as the 1/sigma^2 of the denoising target, so
// sigma^2 would silence the levels below the data's own scale, the ones
// that resolve its modes.
type AnnealedSlicedScore struct{ Sigmas []float32 }

// Loss returns the loss of a batch y; m is the noise-conditional energy.
func (a AnnealedSlicedScore) Loss(m Model, _, y *tensor.Tensor, rng *tensor.RNG) (*tensor.Tensor, Stats, error) {
	noisy, sigma, x, _ := noisyBatch(y, a.Sigmas, rng)
	return slicedScoreRows(m, x, noisy, rng).Mul(sigma.Reshape(-1)).Mean(), Stats{}, nil
}

// AnnealedLangevin samples a noise-conditional energy by Langevin dynamics
// annealed down its noise levels (Song & Ermon 2019, algorithm 1): Steps
// steps at each level of Sigmas, largest first, with step
// alpha_i = Epsilon sigma_i^2 / sigma_L^2 (sigma_L the last level):
//
//	y <- y - alpha_i/2 dF(log sigma_i, y)/dy + sqrt(alpha_i) N(0, I)
//
// Chains are kept in [Lo, Hi] when Lo < Hi.
type AnnealedLangevin struct {
	Sigmas  []float32
	Steps   int
	Epsilon float32
	Lo, Hi  float32
}

// Run returns the end of the chains started at y0 (y0 is not changed).
func (a AnnealedLangevin) Run(m Model, y0 *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor {
	if len(a.Sigmas) == 0 {
		return y0.Clone()
	}
	y := y0
	last := a.Sigmas[len(a.Sigmas)-1]
	grads := newInputGrad(m) // the parts its first level finds serve every level
	for _, s := range a.Sigmas {
		alpha := a.Epsilon * (s / last) * (s / last)
		l := Langevin{Steps: a.Steps, StepSize: alpha / 2, Noise: float32(math.Sqrt(float64(alpha))), Lo: a.Lo, Hi: a.Hi}
		next := l.run(grads, NoiseColumn(y.Size(0), s), y, rng)
		if y != y0 {
			y.Recycle()
		}
		y = next
	}
	return y
}
