package ae

import (
	"math"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// VAE is a variational autoencoder (Kingma & Welling 2013): Encoder maps
// flattened samples [N, D] to [N, 2*Latent], the mean and log-variance of
// the diagonal Gaussian posterior q(z | y); Decoder maps latents [N,
// Latent] to the outputs that Likelihood reads; the prior p(z) is N(0, I).
//
// As an energy.Model its energy is the negative ELBO with the expectation
// over q replaced by its value at the posterior mean,
//
//	F(y) = -log p(y | z = mu(y)) + KL(q(z | y) || p(z)),
//
// deterministic, so that a sample gets one score; the training objective
// (ELBO) draws z instead.
type VAE struct {
	Encoder, Decoder nn.Layer
	Latent           int
	Likelihood       Likelihood
}

// Children names the encoder "encoder" and the decoder "decoder".
func (v *VAE) Children() []nn.Child {
	return []nn.Child{{Name: "encoder", Module: v.Encoder}, {Name: "decoder", Module: v.Decoder}}
}

// Params returns the encoder's and decoder's parameters.
func (v *VAE) Params() []nn.Param { return nn.ChildParams(v.Children()) }

// Posterior returns the mean and log-variance of q(z | y), each [N, Latent].
func (v *VAE) Posterior(y *tensor.Tensor) (mu, logvar *tensor.Tensor) {
	h := v.Encoder.Forward(y)
	return h.Narrow(1, 0, v.Latent), h.Narrow(1, v.Latent, v.Latent)
}

// Decode returns the decoder's outputs for latents z; Likelihood.Mean
// turns them into images or points.
func (v *VAE) Decode(z *tensor.Tensor) *tensor.Tensor { return v.Decoder.Forward(z) }

// Reconstruct returns the mean of p(y | z) at the posterior mean of each
// row of y.
func (v *VAE) Reconstruct(y *tensor.Tensor) *tensor.Tensor {
	mu, _ := v.Posterior(y)
	return v.Likelihood.Mean(v.Decode(mu))
}

// Energy returns -log p(y | mu(y)) + KL(q(z | y) || p(z)) per row of y,
// shape [N]; x is ignored.
func (v *VAE) Energy(_, y *tensor.Tensor) *tensor.Tensor {
	mu, logvar := v.Posterior(y)
	return v.Likelihood.NLL(v.Decode(mu), y).Add(nn.GaussianKL(mu, logvar, nn.ReduceNone))
}

// Terms returns, per sample ([N] each), the reconstruction term -log p(y |
// z) at one z drawn from q(z | y) by the reparameterisation z = mu +
// sigma * eps, and KL(q(z | y) || p(z)) in closed form. Their sum is the
// negative ELBO of one sample of z.
func (v *VAE) Terms(y *tensor.Tensor, rng *tensor.RNG) (recon, kl *tensor.Tensor) {
	mu, logvar := v.Posterior(y)
	z := mu.Add(tensor.Randn(rng, mu.Shape()...).Mul(logvar.MulScalar(0.5).Exp()))
	return v.Likelihood.NLL(v.Decode(z), y), nn.GaussianKL(mu, logvar, nn.ReduceNone)
}

// SamplePrior decodes n latents drawn from the prior and returns the means
// of p(y | z), shape [n, D], cut from the graph.
func (v *VAE) SamplePrior(n int, rng *tensor.RNG) *tensor.Tensor {
	return v.Likelihood.Mean(v.Decode(tensor.Randn(rng, n, v.Latent))).DetachRelease()
}

// ELBO is the VAE's training objective: the negative evidence lower bound
// -E_q[log p(y | z)] + beta_t KL(q(z | y) || p(z)), averaged over the
// batch, with one z per sample. beta_t rises linearly from 0 to Beta over
// the first Warmup steps (KL warm-up; Warmup 0: Beta from the start);
// Beta 1 is the ELBO itself, other values the beta-VAE of Higgins et al.
// 2017.
type ELBO struct {
	Beta   float64
	Warmup int
}

// Weight returns beta_t after done steps.
func (e ELBO) Weight(done int) float64 {
	if e.Warmup <= 0 || done >= e.Warmup {
		return e.Beta
	}
	return e.Beta * float64(done) / float64(e.Warmup)
}

// Loss returns the objective of the batch y after done steps and its
// parts per sample: "recon", "kl" and "beta".
func (e ELBO) Loss(v *VAE, y *tensor.Tensor, rng *tensor.RNG, done int) (*tensor.Tensor, map[string]float64) {
	recon, kl := v.Terms(y, rng)
	r, k := recon.Mean(), kl.Mean()
	beta := e.Weight(done)
	parts := map[string]float64{"recon": float64(r.Item()), "kl": float64(k.Item()), "beta": beta}
	return r.Add(k.MulScalar(float32(beta))), parts
}

// IWAE returns, per row of y, the importance-weighted bound of Burda et
// al. 2015 with k samples,
//
//	L_k(y) = log (1/k) sum_i p(y, z_i) / q(z_i | y),  z_i ~ q(z | y),
//
// an estimate of log p(y) from below that tightens as k grows: L_1 is the
// ELBO, E[L_k] <= E[L_k+1] and L_k tends to log p(y). It is computed in
// chunks of rows so that k decodings of a chunk fit in memory.
func IWAE(v *VAE, y *tensor.Tensor, k int, rng *tensor.RNG) []float64 {
	n := y.Size(0)
	chunk := max(1, 1024/k)
	out := make([]float64, 0, n)
	for lo := 0; lo < n; lo += chunk {
		rows := y.Narrow(0, lo, min(chunk, n-lo))
		w := logWeights(v, rows, k, rng) // [k, m]
		lse := w.LogSumExp(0).AddScalar(-float32(math.Log(float64(k)))).DetachRelease()
		for _, x := range lse.Data() {
			out = append(out, float64(x))
		}
	}
	return out
}

// logWeights returns log p(y, z_i) - log q(z_i | y) for k draws z_i per
// row of y, shape [k, N].
func logWeights(v *VAE, y *tensor.Tensor, k int, rng *tensor.RNG) *tensor.Tensor {
	n, l := y.Size(0), v.Latent
	mu, logvar := v.Posterior(y)
	eps := tensor.Randn(rng, k, n, l)
	z := mu.Add(eps.Mul(logvar.MulScalar(0.5).Exp())) // [k, n, l]
	// log q(z | y) = sum_l -(eps^2 + logvar + log 2 pi) / 2; log p(z) =
	// sum_l -(z^2 + log 2 pi) / 2; their difference drops log 2 pi.
	logQ := eps.Square().Add(logvar).Sum(2).MulScalar(-0.5)
	logP := z.Square().Sum(2).MulScalar(-0.5)
	ys := y.Unsqueeze(0).BroadcastTo(k, n, y.Size(1)).Reshape(k*n, -1)
	logLik := v.Likelihood.NLL(v.Decode(z.Reshape(k*n, l)), ys).Neg().Reshape(k, n)
	return logLik.Add(logP).Sub(logQ)
}

// ActiveUnits counts the latent units whose posterior mean varies across
// the samples y: A_u = Cov_y(E_q[z_u]) > threshold (Burda et al. 2015 use
// 0.01).
func ActiveUnits(v *VAE, y *tensor.Tensor, threshold float64) int {
	mu := rowsInChunks(y, func(rows *tensor.Tensor) *tensor.Tensor { mu, _ := v.Posterior(rows); return mu })
	variance := mu.Variance(0, false, 0)
	active := 0
	for _, a := range variance.Data() {
		if float64(a) > threshold {
			active++
		}
	}
	return active
}

// rowsInChunks applies f to chunks of evalChunk rows of y and returns the
// results' values, concatenated, cut from the graph: a network's
// activations on a whole test set at once may not fit in memory.
func rowsInChunks(y *tensor.Tensor, f func(rows *tensor.Tensor) *tensor.Tensor) *tensor.Tensor {
	n := y.Size(0)
	var parts []*tensor.Tensor
	for lo := 0; lo < n; lo += evalChunk {
		parts = append(parts, f(y.Narrow(0, lo, min(evalChunk, n-lo))).DetachRelease())
	}
	return tensor.Concat(0, parts...)
}
