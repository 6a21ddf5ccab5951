package energy

import (
	"github.com/gibbsml/gibbs/tensor"
)

// score returns s(y) = -dF(x, y)/dy, recorded so that it can be
// differentiated again (with respect to y and to the parameters).
func score(m Model, x, y *tensor.Tensor) (s, yv *tensor.Tensor) {
	yv = y.Detach().SetRequiresGrad(true)
	g := tensor.GradGraph(m.Energy(x, yv).Sum(), yv)[0]
	return g.Neg(), yv
}

// DenoisingScoreMatching returns the denoising score matching loss of
// Vincent 2011 for noise level sigma: with y~ = y + sigma*eps,
//
//	L = 1/2 mean_i || sigma s(y~_i) + eps_i ||^2,
//
// where s = -dF/dy is the model's score; the sigma^2 weighting makes the
// loss comparable across noise levels. Its minimiser's score matches that
// of the data blurred by the noise. It needs no negative samples.
func DenoisingScoreMatching(m Model, y *tensor.Tensor, sigma float32, rng *tensor.RNG) *tensor.Tensor {
	eps := tensor.Randn(rng, y.Shape()...)
	noisy := y.Detach().Add(eps.MulScalar(sigma))
	s, _ := score(m, nil, noisy)
	r := s.MulScalar(sigma).Add(eps)
	return sumRows(r.Square()).Mean().MulScalar(0.5)
}

// SlicedScoreMatching returns the sliced score matching loss of Song et
// al. 2019 with one Gaussian projection v per sample, in the form with
// lower variance that they give for Gaussian projections (SSM-VR):
//
//	L = mean_i [ v^T (ds/dy) v + 1/2 ||s||^2 ],
//
// which equals the score matching objective of Hyvarinen 2005 up to a
// constant in expectation. The Jacobian-vector term is a gradient of a
// gradient.
func SlicedScoreMatching(m Model, y *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor {
	return slicedScoreRows(m, nil, y, rng).Mean()
}

// slicedScoreRows returns the sliced score matching loss of each row of
// y under F(x, .), shape [N].
func slicedScoreRows(m Model, x, y *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor {
	v := tensor.Randn(rng, y.Shape()...)
	s, yv := score(m, x, y)
	jvp := tensor.GradGraph(sumRows(s.Mul(v)).Sum(), yv)[0]
	return sumRows(jvp.Mul(v)).Add(sumRows(s.Square()).MulScalar(0.5))
}

// sumRows sums each sample's values: [N, ...] -> [N].
func sumRows(t *tensor.Tensor) *tensor.Tensor {
	return t.Reshape(t.Size(0), -1).Sum(1)
}
