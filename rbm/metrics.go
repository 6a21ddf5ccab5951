package rbm

import (
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// PseudoLikelihood returns the stochastic approximation of the
// log-pseudo-likelihood of each binary row of v ([N, V]) that
// scikit-learn's BernoulliRBM.score_samples computes: for each row one
// unit i is drawn uniformly and flipped, giving v', and
//
//	PL(v) = V log sigmoid(F(v') - F(v))
//
// which is V times log p(v_i | v_-i), an unbiased estimate of the sum over
// all i of the log conditionals (Besag's pseudo-likelihood), in nats. It
// is at most 0; higher is better.
func (r *RBM) PseudoLikelihood(v *tensor.Tensor, rng *tensor.RNG) []float64 {
	n, d := v.Size(0), v.Size(1)
	flipped := v.Clone()
	fd := flipped.Values()
	for i := range n {
		j := i*d + rng.IntN(d)
		fd[j] = 1 - fd[j]
	}
	f := r.frozen()
	fe, feFlipped := f.FreeEnergy(v).Values(), f.FreeEnergy(flipped).Values()
	out := make([]float64, n)
	for i := range out {
		out[i] = -float64(d) * softplus(float64(fe[i])-float64(feFlipped[i]))
	}
	return out
}

// ReconstructionError returns ||v - p(v | h)||^2 per row of v ([N, V])
// with h = p(h | v), the hidden probabilities: the squared error of one
// deterministic up-down pass, the quantity Hinton's practical guide
// (2010) tracks while training, though it is not what CD optimises.
func (r *RBM) ReconstructionError(v *tensor.Tensor) []float64 {
	rec := r.VisibleProbs(r.HiddenProbs(v)).Sub(v).Square().Sum(1).Values()
	out := make([]float64, len(rec))
	for i, e := range rec {
		out[i] = float64(e)
	}
	return out
}

// softplus is log(1 + e^x), computed without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// mean returns the mean of xs (0 for none).
func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(max(len(xs), 1))
}
