package rbm

import "github.com/gibbsml/gibbs/tensor"

// bernoulli replaces each probability in p, a tensor made without a graph
// that the caller owns, with a draw that is 1 with that probability and 0
// otherwise, and returns p.
func bernoulli(p *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor {
	d := p.Values()
	for i, q := range d {
		if rng.Float32() < q {
			d[i] = 1
		} else {
			d[i] = 0
		}
	}
	return p
}

// Gibbs runs k >= 1 steps of block Gibbs sampling from the binary rows of
// v ([N, V]); a step draws h ~ p(h | v), then v ~ p(v | h). It returns the
// last visible sample and the probabilities p(v | h) it was drawn from,
// the usual picture of a sample. Nothing is recorded for differentiation.
func (r *RBM) Gibbs(v *tensor.Tensor, k int, rng *tensor.RNG) (sample, probs *tensor.Tensor) {
	f := r.frozen()
	for range k {
		h := bernoulli(f.hiddenInput(v).Sigmoid(), rng)
		probs = h.Matmul(f.Weight).Add(f.VisibleBias).Sigmoid()
		v = bernoulli(probs.Clone(), rng)
	}
	return v, probs
}

// RandomVisible returns n binary visible vectors whose units are 1 with
// probability 1/2, where chains may start.
func (r *RBM) RandomVisible(n int, rng *tensor.RNG) *tensor.Tensor {
	return tensor.Bernoulli(rng, 0.5, n, r.Visible())
}
