package nn

import "github.com/gibbsml/gibbs/tensor"

// Func is a layer without parameters that applies F: activations, Flatten,
// Identity. Name is what error messages and printouts call it.
type Func struct {
	Name string
	F    func(x *tensor.Tensor) *tensor.Tensor
}

// Params returns nothing: a Func has no parameters.
func (f *Func) Params() []Param { return nil }

// Forward returns F(x).
func (f *Func) Forward(x *tensor.Tensor) *tensor.Tensor { return f.F(x) }

// String returns the layer's name.
func (f *Func) String() string { return f.Name }

// ReLU returns the layer max(x, 0).
func ReLU() *Func { return &Func{"ReLU", (*tensor.Tensor).ReLU} }

// LeakyReLU returns the layer x for x > 0 and slope*x elsewhere (PyTorch's
// default slope is 0.01).
func LeakyReLU(slope float32) *Func {
	return &Func{"LeakyReLU", func(x *tensor.Tensor) *tensor.Tensor { return x.LeakyReLU(slope) }}
}

// ELU returns the layer x for x > 0 and alpha*(e^x - 1) elsewhere (PyTorch's
// default alpha is 1).
func ELU(alpha float32) *Func {
	return &Func{"ELU", func(x *tensor.Tensor) *tensor.Tensor { return x.ELU(alpha) }}
}

// GELU returns the layer x*Phi(x), Phi the standard normal CDF (the exact
// form, not the tanh approximation).
func GELU() *Func { return &Func{"GELU", (*tensor.Tensor).GELU} }

// SiLU returns the layer x*sigmoid(x).
func SiLU() *Func { return &Func{"SiLU", (*tensor.Tensor).SiLU} }

// Tanh returns the layer tanh(x).
func Tanh() *Func { return &Func{"Tanh", (*tensor.Tensor).Tanh} }

// Sigmoid returns the layer 1/(1+e^-x).
func Sigmoid() *Func { return &Func{"Sigmoid", (*tensor.Tensor).Sigmoid} }

// Softplus returns the layer log(1+e^x). PyTorch's Softplus switches to x
// above x = 20; the two differ there by less than 3e-9.
func Softplus() *Func { return &Func{"Softplus", (*tensor.Tensor).Softplus} }

// Identity returns the layer that passes its input through.
func Identity() *Func {
	return &Func{"Identity", func(x *tensor.Tensor) *tensor.Tensor { return x }}
}

// Flatten returns the layer that keeps the first (batch) axis and joins all
// the others: [N, d1, d2, ...] -> [N, d1*d2*...], as PyTorch's nn.Flatten.
func Flatten() *Func { return &Func{"Flatten", (*tensor.Tensor).Flatten} }
