package energy

import (
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// SparseAE is a sparse autoencoder read as an energy (the NYU Deep Learning
// course; Ranzato, Poultney, Chopra & LeCun 2006; Rolfe & LeCun 2013 for
// the unit-norm decoder): an encoder z = ReLU(We y + be) predicts the code
// that a sparse coding energy would infer, a linear decoder maps it back,
//
//	E(y, z) = ||y - Wd z - bd||^2 + lambda |z|_1,
//	F(y)    = E(y, enc(y)).
//
// It is trained by minimising F on the data alone (TrainSparseAE): no
// negative samples are needed, because the L1 penalty on the code, with the
// decoder's columns held at unit norm so that the penalty cannot be dodged
// by scaling, keeps the set of well-reconstructed points small. The input
// x is ignored.
type SparseAE struct {
	Encoder *nn.Linear // dy -> dz, with bias
	Decoder *nn.Linear // dz -> dy, with bias; columns of weight kept at unit norm
	Lambda  float32    // weight of the L1 penalty, >= 0
}

// NewSparseAE returns a sparse autoencoder from dy inputs to dz codes,
// initialised like PyTorch's Linear layers and then with unit-norm decoder
// columns.
func NewSparseAE(rng *tensor.RNG, dy, dz int, lambda float32) *SparseAE {
	a := &SparseAE{Encoder: nn.NewLinear(rng, dy, dz, true), Decoder: nn.NewLinear(rng, dz, dy, true), Lambda: lambda}
	a.normalizeDecoder()
	return a
}

// Children names the layers "encoder" and "decoder".
func (a *SparseAE) Children() []nn.Child {
	return []nn.Child{{Name: "encoder", Module: a.Encoder}, {Name: "decoder", Module: a.Decoder}}
}

// Params returns "encoder.weight", "encoder.bias", "decoder.weight" and
// "decoder.bias".
func (a *SparseAE) Params() []nn.Param { return nn.ChildParams(a.Children()) }

// Encode returns the codes ReLU(We y + be) of the rows of y, shape [N, dz].
func (a *SparseAE) Encode(y *tensor.Tensor) *tensor.Tensor {
	return a.Encoder.Forward(matrixRows("SparseAE", y, a.Encoder.Weight.Size(1))).ReLU()
}

// Decode returns the reconstructions Wd z + bd, shape [N, dy].
func (a *SparseAE) Decode(z *tensor.Tensor) *tensor.Tensor { return a.Decoder.Forward(z) }

// LatentEnergy returns E(y, z) = ||y - Wd z - bd||^2 + lambda |z|_1 for each
// row, shape [N].
func (a *SparseAE) LatentEnergy(_, y, z *tensor.Tensor) *tensor.Tensor {
	r := matrixRows("SparseAE", y, a.Decoder.Weight.Size(0)).Sub(a.Decode(z))
	return r.Square().Sum(1).Add(z.Abs().Sum(1).MulScalar(a.Lambda))
}

// Energy returns F(y) = E(y, enc(y)) for each row of y, shape [N].
func (a *SparseAE) Energy(x, y *tensor.Tensor) *tensor.Tensor {
	return a.LatentEnergy(x, y, a.Encode(y))
}

// TrainSparseAE minimises the mean energy of minibatches of the rows of y
// with Adam, scaling the decoder's columns back to unit norm after every
// step, and returns the loss of every step.
func TrainSparseAE(a *SparseAE, y *tensor.Tensor, cfg FitConfig) ([]float64, error) {
	return fitAdam("TrainSparseAE", nn.Tensors(a), y.Size(0), cfg, func(idx []int) *tensor.Tensor {
		return a.Energy(nil, y.IndexSelect(0, idx)).Mean()
	}, a.normalizeDecoder)
}

// normalizeDecoder scales every column of the decoder's weight (one per
// code unit) to unit norm.
func (a *SparseAE) normalizeDecoder() { unitColumns(a.Decoder.Weight) }
