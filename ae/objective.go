package ae

import (
	"github.com/gibbsml/gibbs/tensor"
)

// Objective is the training loss of a deterministic autoencoder.
type Objective interface {
	// Loss returns the scalar loss of the batch y ([N, D]), averaged over
	// its samples, and its parts by name (per sample): "recon", the
	// reconstruction term -log p(y | dec(enc(.))), and "penalty" when the
	// objective has one.
	Loss(a *AE, y *tensor.Tensor, rng *tensor.RNG) (*tensor.Tensor, map[string]float64)
}

// Plain is reconstruction alone.
type Plain struct{}

// Loss returns the mean reconstruction NLL.
func (Plain) Loss(a *AE, y *tensor.Tensor, _ *tensor.RNG) (*tensor.Tensor, map[string]float64) {
	return reconstruction(a, y, y)
}

// reconstruction returns the mean NLL of y under the decoding of in, and
// it as the part "recon".
func reconstruction(a *AE, in, y *tensor.Tensor) (*tensor.Tensor, map[string]float64) {
	recon := a.Likelihood.NLL(a.Decode(a.Encode(in)), y).Mean()
	return recon, map[string]float64{"recon": float64(recon.Item())}
}

// Noise corrupts a batch for a denoising autoencoder.
type Noise interface {
	Corrupt(y *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor
}

// GaussianNoise adds independent Gaussian noise of standard deviation Std.
type GaussianNoise struct{ Std float64 }

// Corrupt returns y + Std * eps.
func (n GaussianNoise) Corrupt(y *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor {
	return y.Add(tensor.Randn(rng, y.Shape()...).MulScalar(float32(n.Std)))
}

// MaskingNoise sets each feature to zero with probability Rate.
type MaskingNoise struct{ Rate float64 }

// Corrupt returns y with a random share Rate of its values set to zero.
func (n MaskingNoise) Corrupt(y *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor {
	return y.Mul(tensor.Bernoulli(rng, float32(1-n.Rate), y.Shape()...))
}

// Denoising reconstructs y from Noise.Corrupt(y) (Vincent et al. 2008).
type Denoising struct{ Noise Noise }

// Loss returns the mean NLL of y under the decoding of its corrupted copy.
func (d Denoising) Loss(a *AE, y *tensor.Tensor, rng *tensor.RNG) (*tensor.Tensor, map[string]float64) {
	return reconstruction(a, d.Noise.Corrupt(y, rng), y)
}

// SparsityPenalty is a penalty on a batch of codes ([N, K]) that favours
// few active units.
type SparsityPenalty interface {
	// Penalty returns the scalar penalty of the batch.
	Penalty(codes *tensor.Tensor) *tensor.Tensor
}

// L1 is Weight * sum_k |z_k|, averaged over the batch.
type L1 struct{ Weight float64 }

// Penalty returns the weighted mean L1 norm of the codes.
func (p L1) Penalty(z *tensor.Tensor) *tensor.Tensor {
	return z.Abs().Sum(1).Mean().MulScalar(float32(p.Weight))
}

// KLRate is Weight * sum_k KL(Target || rho_k), where rho_k is unit k's
// mean activation over the batch, for codes in (0, 1) (a sigmoid code):
// the penalty of Ng's sparse autoencoder notes, pulling each unit's firing
// rate to Target.
type KLRate struct{ Target, Weight float64 }

// Penalty returns the weighted KL divergence of the Bernoulli rates.
func (p KLRate) Penalty(z *tensor.Tensor) *tensor.Tensor {
	const eps = 1e-6
	rho := float32(p.Target)
	hat := z.Mean(0).Clamp(eps, 1-eps)
	kl := hat.Log().Neg().AddScalar(logf(rho)).MulScalar(rho).
		Add(hat.OneMinus().Log().Neg().AddScalar(logf(1 - rho)).MulScalar(1 - rho))
	return kl.Sum().MulScalar(float32(p.Weight))
}

// Sparse adds a sparsity penalty on the codes to the reconstruction.
type Sparse struct{ Penalty SparsityPenalty }

// Loss returns the mean reconstruction NLL plus the penalty.
func (s Sparse) Loss(a *AE, y *tensor.Tensor, _ *tensor.RNG) (*tensor.Tensor, map[string]float64) {
	z := a.Encode(y)
	recon := a.Likelihood.NLL(a.Decode(z), y).Mean()
	pen := s.Penalty.Penalty(z)
	return recon.Add(pen), map[string]float64{"recon": float64(recon.Item()), "penalty": float64(pen.Item())}
}

// Contractive adds Weight * ||J||_F^2, the squared Frobenius norm of the
// Jacobian of the code with respect to the input, averaged over the batch
// (Rifai et al. 2011). The norm is computed exactly, by one recorded
// vector-Jacobian product per code unit (ContractivePenalty), so a step
// costs about K + 1 backward passes for a code of K units.
type Contractive struct{ Weight float64 }

// Loss returns the mean reconstruction NLL plus the weighted penalty.
func (c Contractive) Loss(a *AE, y *tensor.Tensor, _ *tensor.RNG) (*tensor.Tensor, map[string]float64) {
	yv := y.Detach().SetRequiresGrad(true)
	z := a.Encode(yv)
	recon := a.Likelihood.NLL(a.Decode(z), y).Mean()
	pen := JacobianNorm(z, yv).Mean().MulScalar(float32(c.Weight))
	return recon.Add(pen), map[string]float64{"recon": float64(recon.Item()), "penalty": float64(pen.Item())}
}

// JacobianNorm returns, per sample, the squared Frobenius norm of the
// Jacobian dz/dy of codes z ([N, K]) computed from inputs y ([N, D], a
// tensor that requires a gradient), shape [N]. Rows of z depend only on
// their own rows of y, so the VJP of z with the one-hot seed of unit k
// gives row k of every sample's Jacobian at once. The products are
// recorded, so the norm can be differentiated (with respect to the
// weights, for training).
func JacobianNorm(z, y *tensor.Tensor) *tensor.Tensor {
	n, k := z.Size(0), z.Size(1)
	var total *tensor.Tensor
	for u := range k {
		seed := tensor.Zeros(n, k)
		for i := range n {
			seed.Set(1, i, u)
		}
		g := tensor.VJP(z, seed, true, y)[0]
		sq := g.Square().Sum(1)
		if total == nil {
			total = sq
		} else {
			total = total.Add(sq)
		}
	}
	return total
}
