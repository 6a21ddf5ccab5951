package nn

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// SpectralNorm is spectral normalisation (Miyato et al. 2018) of a Linear
// or Conv2d layer: the layer runs with its weight W divided by sigma(W),
// W's largest singular value (W seen as [out, in*KH*KW]), so that the
// layer is 1-Lipschitz. sigma is estimated as u^T W v from vectors u
// ([out]) and v ([in*KH*KW]) that one step of power iteration refines at
// every forward pass in training (so training passes through one layer
// run one at a time); in evaluation they stay as they are and the layer
// is only read.
// The gradient flows through sigma with u and v held constant, as in
// PyTorch's torch.nn.utils.spectral_norm, whose names the layer keeps:
// parameters "weight_orig" (the raw W) and "bias", buffers "weight_u" and
// "weight_v".
type SpectralNorm struct {
	// Layer is the *Linear or *Conv2d whose Weight is the raw W.
	Layer Layer
	// U and V are the power iteration's vectors, of unit norm.
	U, V     *tensor.Tensor
	Training bool
}

// spectralEps keeps the power iteration from dividing by zero (PyTorch's
// default eps).
const spectralEps = 1e-12

// NewSpectralNorm returns layer (a *Linear or *Conv2d) spectrally
// normalised, with u and v drawn from N(0, I) and normalised, in
// training mode.
func NewSpectralNorm(rng *tensor.RNG, layer Layer) *SpectralNorm {
	s := &SpectralNorm{Layer: layer, Training: true}
	w := s.weight()
	out := w.Size(0)
	s.U = tensor.Randn(rng, out)
	s.V = tensor.Randn(rng, w.Len()/out)
	unitVector(s.U.Values())
	unitVector(s.V.Values())
	return s
}

// SpectralNormLayers replaces every Linear and Conv2d layer of seq by its
// spectrally normalised self, in place.
func SpectralNormLayers(rng *tensor.RNG, seq *Sequential) {
	for i, l := range seq.Layers {
		switch l.(type) {
		case *Linear, *Conv2d:
			seq.Layers[i] = NewSpectralNorm(rng, l)
		}
	}
}

// weight returns the wrapped layer's raw weight.
func (s *SpectralNorm) weight() *tensor.Tensor {
	switch l := s.Layer.(type) {
	case *Linear:
		return l.Weight
	case *Conv2d:
		return l.Weight
	}
	panic(fmt.Sprintf("nn: SpectralNorm of a %T; it takes a *Linear or *Conv2d", s.Layer))
}

// withWeight returns a copy of the wrapped layer with weight w.
func (s *SpectralNorm) withWeight(w *tensor.Tensor) Layer {
	switch l := s.Layer.(type) {
	case *Linear:
		n := *l
		n.Weight = w
		return &n
	case *Conv2d:
		n := *l
		n.Weight = w
		return &n
	}
	panic(fmt.Sprintf("nn: SpectralNorm of a %T; it takes a *Linear or *Conv2d", s.Layer))
}

// Params returns "weight_orig" and the wrapped layer's "bias" when it has
// one.
func (s *SpectralNorm) Params() []Param {
	ps := s.Layer.Params()
	for i := range ps {
		if ps[i].Name == "weight" {
			ps[i].Name = "weight_orig"
		}
	}
	return ps
}

// Buffers returns "weight_u" and "weight_v".
func (s *SpectralNorm) Buffers() []Param {
	return []Param{{Name: "weight_u", Tensor: s.U}, {Name: "weight_v", Tensor: s.V}}
}

// SetTraining switches the power iteration on (training) or off.
func (s *SpectralNorm) SetTraining(on bool) { s.Training = on }

// PowerIteration refines u and v by one step: v = W^T u / ||W^T u||,
// u = W v / ||W v||, computed in float64 on W's values.
func (s *SpectralNorm) PowerIteration() {
	w := s.weight().Values()
	u, v := s.U.Values(), s.V.Values()
	m := len(v)
	vv := make([]float64, m)
	for i, ui := range u {
		row := w[i*m : (i+1)*m]
		for j, x := range row {
			vv[j] += float64(x) * float64(ui)
		}
	}
	uu := make([]float64, len(u))
	scaleTo(v, vv)
	for i := range u {
		row := w[i*m : (i+1)*m]
		var d float64
		for j, x := range row {
			d += float64(x) * float64(v[j])
		}
		uu[i] = d
	}
	scaleTo(u, uu)
}

// Sigma returns the estimate u^T W v of W's largest singular value, a
// scalar that carries W's gradient (u and v are constants).
func (s *SpectralNorm) Sigma() *tensor.Tensor {
	w := s.weight()
	out := w.Size(0)
	wv := w.Reshape(out, -1).Matmul(s.V.Reshape(-1, 1)) // [out, 1]
	return wv.Reshape(out).Mul(s.U).Sum()
}

// Forward runs one power-iteration step in training, then the wrapped
// layer with W / sigma(W) in place of W.
func (s *SpectralNorm) Forward(x *tensor.Tensor) *tensor.Tensor {
	if s.Training {
		s.PowerIteration()
	}
	return s.withWeight(s.weight().Div(s.Sigma())).Forward(x)
}

// unitVector scales x to unit norm.
func unitVector(x []float32) {
	d := make([]float64, len(x))
	for i, v := range x {
		d[i] = float64(v)
	}
	scaleTo(x, d)
}

// scaleTo writes d / max(||d||, eps) into x.
func scaleTo(x []float32, d []float64) {
	var n float64
	for _, v := range d {
		n += v * v
	}
	n = max(math.Sqrt(n), spectralEps)
	for i, v := range d {
		x[i] = float32(v / n)
	}
}
