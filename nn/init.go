package nn

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// The initialisers below fill a tensor in place, as torch.nn.init's
// functions with a trailing underscore do, and return it. They write the
// data directly and are not recorded for differentiation.

// FanMode picks which fan KaimingUniform and KaimingNormal scale by.
type FanMode int

const (
	// FanIn preserves the variance of activations in the forward pass.
	FanIn FanMode = iota
	// FanOut preserves the variance of gradients in the backward pass.
	FanOut
)

// Fans returns the fan-in and fan-out of a weight of the given shape, as
// torch.nn.init computes them: for [out, in] and conv weights [out, in, k...]
// fan-in is in*prod(k) and fan-out is out*prod(k). (A ConvTranspose2d
// weight [in, out, kh, kw] is read the same way, so its "fan-in" is
// out*kh*kw, as in PyTorch.) It panics on fewer than two axes.
func Fans(shape []int) (fanIn, fanOut int) {
	if len(shape) < 2 {
		panic(fmt.Sprintf("nn: Fans: shape %v has fewer than two axes", shape))
	}
	receptive := 1
	for _, d := range shape[2:] {
		receptive *= d
	}
	return shape[1] * receptive, shape[0] * receptive
}

// Gain returns the recommended scale for a nonlinearity, as
// torch.nn.init.calculate_gain: 1 for "linear", "conv" and "sigmoid", 5/3
// for "tanh", sqrt(2) for "relu", sqrt(2/(1+param^2)) for "leaky_relu"
// (param is the negative slope) and 3/4 for "selu". It panics on other names.
func Gain(nonlinearity string, param float64) float64 {
	switch nonlinearity {
	case "linear", "conv", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid":
		return 1
	case "tanh":
		return 5.0 / 3
	case "relu":
		return math.Sqrt2
	case "leaky_relu":
		return math.Sqrt(2 / (1 + param*param))
	case "selu":
		return 0.75
	}
	panic(fmt.Sprintf("nn: Gain: unknown nonlinearity %q", nonlinearity))
}

func kaimingStd(t *tensor.Tensor, a float64, mode FanMode, nonlinearity string) float64 {
	fanIn, fanOut := Fans(t.Shape())
	fan := fanIn
	if mode == FanOut {
		fan = fanOut
	}
	return Gain(nonlinearity, a) / math.Sqrt(float64(fan))
}

// KaimingUniform fills t with values uniform in [-b, b], b =
// gain*sqrt(3/fan) (He et al. 2015), where gain = Gain(nonlinearity, a).
// PyTorch's default for Linear and Conv weights is a = sqrt(5),
// "leaky_relu", FanIn, which gives b = 1/sqrt(fan_in).
func KaimingUniform(rng *tensor.RNG, t *tensor.Tensor, a float64, mode FanMode, nonlinearity string) *tensor.Tensor {
	b := math.Sqrt(3) * kaimingStd(t, a, mode, nonlinearity)
	return Uniform(rng, t, -b, b)
}

// KaimingNormal fills t with values from N(0, std^2), std = gain/sqrt(fan).
func KaimingNormal(rng *tensor.RNG, t *tensor.Tensor, a float64, mode FanMode, nonlinearity string) *tensor.Tensor {
	return Normal(rng, t, 0, kaimingStd(t, a, mode, nonlinearity))
}

// XavierUniform fills t with values uniform in [-b, b], b =
// gain*sqrt(6/(fan_in+fan_out)) (Glorot & Bengio 2010).
func XavierUniform(rng *tensor.RNG, t *tensor.Tensor, gain float64) *tensor.Tensor {
	fanIn, fanOut := Fans(t.Shape())
	b := gain * math.Sqrt(6/float64(fanIn+fanOut))
	return Uniform(rng, t, -b, b)
}

// XavierNormal fills t with values from N(0, std^2), std =
// gain*sqrt(2/(fan_in+fan_out)).
func XavierNormal(rng *tensor.RNG, t *tensor.Tensor, gain float64) *tensor.Tensor {
	fanIn, fanOut := Fans(t.Shape())
	return Normal(rng, t, 0, gain*math.Sqrt(2/float64(fanIn+fanOut)))
}

// Uniform fills t with values uniform in [lo, hi).
func Uniform(rng *tensor.RNG, t *tensor.Tensor, lo, hi float64) *tensor.Tensor {
	t.CopyFrom(tensor.Uniform(rng, float32(lo), float32(hi), t.Shape()...))
	return t
}

// Normal fills t with values from N(mean, std^2).
func Normal(rng *tensor.RNG, t *tensor.Tensor, mean, std float64) *tensor.Tensor {
	d := t.Data()
	for i := range d {
		d[i] = float32(mean + std*float64(rng.Norm()))
	}
	return t
}

// Constant fills t with v.
func Constant(t *tensor.Tensor, v float32) *tensor.Tensor {
	d := t.Data()
	for i := range d {
		d[i] = v
	}
	return t
}

// Zeros fills t with zeros.
func Zeros(t *tensor.Tensor) *tensor.Tensor { return Constant(t, 0) }

// param returns a zero tensor of the given shape that requires a gradient.
func param(shape ...int) *tensor.Tensor { return tensor.Zeros(shape...).SetRequiresGrad(true) }
