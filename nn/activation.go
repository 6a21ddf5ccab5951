package nn

import (
	"fmt"

	"github.com/gibbsml/gibbs/tensor"
)

// Func is a layer without parameters that applies F: activations, Flatten,
// Identity. Name is what error messages and printouts call it, and what
// exporters recognise it by; Alpha is the setting of the activations that
// have one (LeakyReLU's slope, ELU's alpha).
type Func struct {
	Name  string
	F     func(x *tensor.Tensor) *tensor.Tensor
	Alpha float32
}

// Params returns nothing: a Func has no parameters.
func (f *Func) Params() []Param { return nil }

// Forward returns F(x).
func (f *Func) Forward(x *tensor.Tensor) *tensor.Tensor { return f.F(x) }

// String returns the layer's name.
func (f *Func) String() string { return f.Name }

// perSampleFuncs names the Funcs of this package that work on each sample
// alone.
var perSampleFuncs = map[string]bool{"ReLU": true, "LeakyReLU": true, "ELU": true, "GELU": true, "SiLU": true,
	"Tanh": true, "Sigmoid": true, "Softplus": true, "Identity": true, "Flatten": true}

// PerSample reports whether the layer is one of the activations, Flatten
// or Identity of this package, recognised by its Name.
func (f *Func) PerSample() bool { return perSampleFuncs[f.Name] }

// ReLU returns the layer max(x, 0).
func ReLU() *Func { return &Func{Name: "ReLU", F: (*tensor.Tensor).ReLU} }

// LeakyReLU returns the layer x for x > 0 and slope*x elsewhere (PyTorch's
// default slope is 0.01).
func LeakyReLU(slope float32) *Func {
	return &Func{Name: "LeakyReLU", Alpha: slope, F: func(x *tensor.Tensor) *tensor.Tensor { return x.LeakyReLU(slope) }}
}

// ELU returns the layer x for x > 0 and alpha*(e^x - 1) elsewhere (PyTorch's
// default alpha is 1).
func ELU(alpha float32) *Func {
	return &Func{Name: "ELU", Alpha: alpha, F: func(x *tensor.Tensor) *tensor.Tensor { return x.ELU(alpha) }}
}

// GELU returns the layer x*Phi(x), Phi the standard normal CDF (the exact
// form, not the tanh approximation).
func GELU() *Func { return &Func{Name: "GELU", F: (*tensor.Tensor).GELU} }

// SiLU returns the layer x*sigmoid(x).
func SiLU() *Func { return &Func{Name: "SiLU", F: (*tensor.Tensor).SiLU} }

// Tanh returns the layer tanh(x).
func Tanh() *Func { return &Func{Name: "Tanh", F: (*tensor.Tensor).Tanh} }

// Sigmoid returns the layer 1/(1+e^-x).
func Sigmoid() *Func { return &Func{Name: "Sigmoid", F: (*tensor.Tensor).Sigmoid} }

// Softplus returns the layer log(1+e^x). PyTorch's Softplus switches to x
// above x = 20; the two differ there by less than 3e-9.
func Softplus() *Func { return &Func{Name: "Softplus", F: (*tensor.Tensor).Softplus} }

// Identity returns the layer that passes its input through.
func Identity() *Func {
	return &Func{Name: "Identity", F: func(x *tensor.Tensor) *tensor.Tensor { return x }}
}

// Flatten returns the layer that keeps the first (batch) axis and joins all
// the others: [N, d1, d2, ...] -> [N, d1*d2*...], as PyTorch's nn.Flatten.
func Flatten() *Func { return &Func{Name: "Flatten", F: (*tensor.Tensor).Flatten} }

// Unflatten is the layer that splits the features of [N, D] into [N,
// Shape...], D the product of Shape, as PyTorch's nn.Unflatten(1, Shape).
type Unflatten struct {
	Shape []int
}

// Params returns nothing: Unflatten has no parameters.
func (u *Unflatten) Params() []Param { return nil }

// PerSample reports true: each sample is reshaped alone.
func (u *Unflatten) PerSample() bool { return true }

// Forward returns x reshaped to [N, Shape...].
func (u *Unflatten) Forward(x *tensor.Tensor) *tensor.Tensor {
	return x.Reshape(append([]int{x.Size(0)}, u.Shape...)...)
}

// String returns the layer as PyTorch prints it.
func (u *Unflatten) String() string { return fmt.Sprintf("Unflatten(1, %v)", u.Shape) }
