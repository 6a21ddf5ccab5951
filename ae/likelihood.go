package ae

import (
	"math"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// Likelihood is the decoder's distribution p(y | z), read from the
// decoder's outputs.
type Likelihood interface {
	// Mean returns the mean of p(y | z) for decoder outputs out ([N, D]).
	Mean(out *tensor.Tensor) *tensor.Tensor
	// NLL returns -log p(y | z) per sample, shape [N], summed over the
	// features.
	NLL(out, y *tensor.Tensor) *tensor.Tensor
	// MeanLayer returns Mean as a layer, for exporters.
	MeanLayer() nn.Layer
}

// Bernoulli is independent Bernoulli pixels whose logits are the decoder's
// outputs; its NLL is the binary cross-entropy summed over the features,
// which for y in [0, 1] that are not binary (MNIST's grey levels) is the
// loss of Kingma & Welling's and PyTorch's VAE examples rather than a
// normalised density.
type Bernoulli struct{}

// Mean returns sigmoid(out).
func (Bernoulli) Mean(out *tensor.Tensor) *tensor.Tensor { return out.Sigmoid() }

// MeanLayer returns nn.Sigmoid.
func (Bernoulli) MeanLayer() nn.Layer { return nn.Sigmoid() }

// NLL returns the binary cross-entropy of sigmoid(out) against y, summed
// over each row.
func (Bernoulli) NLL(out, y *tensor.Tensor) *tensor.Tensor {
	return nn.BCEWithLogitsLoss(out, y, nn.ReduceNone).Sum(1)
}

// Gaussian is an isotropic Gaussian of standard deviation Sigma centred on
// the decoder's outputs.
type Gaussian struct{ Sigma float64 }

// Mean returns out.
func (Gaussian) Mean(out *tensor.Tensor) *tensor.Tensor { return out }

// MeanLayer returns nn.Identity.
func (Gaussian) MeanLayer() nn.Layer { return nn.Identity() }

// NLL returns ||y - out||^2 / (2 Sigma^2) + D/2 log(2 pi Sigma^2) per row.
func (g Gaussian) NLL(out, y *tensor.Tensor) *tensor.Tensor {
	d := float64(out.Size(1))
	return out.Sub(y).Square().Sum(1).MulScalar(float32(1 / (2 * g.Sigma * g.Sigma))).
		AddScalar(float32(d / 2 * math.Log(2*math.Pi*g.Sigma*g.Sigma)))
}

// Likelihoods lists the names Config.Likelihood takes.
var Likelihoods = []string{"bernoulli", "gaussian"}

func logf(x float32) float32 { return float32(math.Log(float64(x))) }
