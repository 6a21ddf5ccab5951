package ae

import (
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// AE is a deterministic autoencoder: Encoder maps flattened samples [N, D]
// to codes [N, K], Code (nil for none) is applied to the encoder's output,
// and Decoder maps codes back to outputs that Likelihood reads. It is an
// energy.Model of the reconstruction energy ||y - dec(enc(y))||^2.
type AE struct {
	Encoder, Decoder nn.Layer
	Code             nn.Layer // the code's activation; nil keeps the encoder's output
	Likelihood       Likelihood
}

// Children names the encoder "encoder" and the decoder "decoder".
func (a *AE) Children() []nn.Child {
	return []nn.Child{{Name: "encoder", Module: a.Encoder}, {Name: "decoder", Module: a.Decoder}}
}

// Params returns the encoder's and decoder's parameters.
func (a *AE) Params() []nn.Param { return nn.ChildParams(a.Children()) }

// Encode returns the codes of y ([N, D]), shape [N, K].
func (a *AE) Encode(y *tensor.Tensor) *tensor.Tensor {
	h := a.Encoder.Forward(y)
	if a.Code != nil {
		h = a.Code.Forward(h)
	}
	return h
}

// Decode returns the decoder's outputs for codes z; Likelihood.Mean turns
// them into reconstructions.
func (a *AE) Decode(z *tensor.Tensor) *tensor.Tensor { return a.Decoder.Forward(z) }

// Reconstruct returns the mean reconstruction of y, shape [N, D].
func (a *AE) Reconstruct(y *tensor.Tensor) *tensor.Tensor {
	return a.Likelihood.Mean(a.Decode(a.Encode(y)))
}

// Energy returns ||y - dec(enc(y))||^2 per row of y ([N, D]), shape [N];
// x is ignored.
func (a *AE) Energy(_, y *tensor.Tensor) *tensor.Tensor {
	return squaredError(a.Reconstruct(y), y)
}

// squaredError returns ||r - y||^2 per row.
func squaredError(r, y *tensor.Tensor) *tensor.Tensor { return r.Sub(y).Square().Sum(1) }
