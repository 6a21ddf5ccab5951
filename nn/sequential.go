package nn

import (
	"strconv"

	"github.com/gibbsml/gibbs/tensor"
)

// Sequential applies its layers in order. Child i is named by its index, as
// in PyTorch's nn.Sequential, so parameters are "0.weight", "2.bias", ...
type Sequential struct {
	Layers []Layer
}

// NewSequential returns the composition of layers.
func NewSequential(layers ...Layer) *Sequential { return &Sequential{Layers: layers} }

// Forward passes x through every layer. A Linear layer followed by ReLU,
// LeakyReLU (slope >= 0), Tanh or Sigmoid runs with the next layer as one
// operation, the activation applied as the product stores its result:
// the values and gradients are those of the two layers one after the
// other. So does a Conv2d followed by one of those or SiLU (unless a
// MaxPool2d comes after a ReLU), the activation applied to each image's
// maps as they are written. A ReLU followed by MaxPool2d runs after it
// instead, on a quarter of the values for 2x2 windows: max and ReLU
// commute, the window's maximum is the same value at the same position
// when it is positive, and the gradient is zero in both orders when it
// is not (the sign of a zero, and where a NaN gradient lands, aside).
func (s *Sequential) Forward(x *tensor.Tensor) *tensor.Tensor {
	for i := 0; i < len(s.Layers); i++ {
		if reluThenMaxPool(s.Layers, i) {
			x, i = s.Layers[i].Forward(s.Layers[i+1].Forward(x)), i+1
			continue
		}
		if f, ok := nextFunc(s.Layers, i); ok {
			var y *tensor.Tensor
			switch l := s.Layers[i].(type) {
			case *Linear:
				y = l.forwardAct(x, f)
			case *Conv2d:
				if !reluThenMaxPool(s.Layers, i+1) {
					y = l.forwardAct(x, f)
				}
			}
			if y != nil {
				x, i = y, i+1
				continue
			}
		}
		x = s.Layers[i].Forward(x)
	}
	return x
}

// nextFunc returns layers[i+1] when it is a Func.
func nextFunc(layers []Layer, i int) (*Func, bool) {
	if i+1 >= len(layers) {
		return nil, false
	}
	f, ok := layers[i+1].(*Func)
	return f, ok
}

// reluThenMaxPool reports whether layers[i] is ReLU and layers[i+1] a
// MaxPool2d.
func reluThenMaxPool(layers []Layer, i int) bool {
	if i+1 >= len(layers) {
		return false
	}
	f, ok := layers[i].(*Func)
	_, pool := layers[i+1].(*MaxPool2d)
	return ok && pool && f.Name == "ReLU"
}

// Children names the layers "0", "1", ...
func (s *Sequential) Children() []Child {
	cs := make([]Child, len(s.Layers))
	for i, l := range s.Layers {
		cs[i] = Child{Name: strconv.Itoa(i), Module: l}
	}
	return cs
}

// Params returns the layers' parameters, prefixed with their index.
func (s *Sequential) Params() []Param { return ChildParams(s.Children()) }

// PerSample reports whether every layer computes each sample alone.
func (s *Sequential) PerSample() bool {
	for _, l := range s.Layers {
		if !PerSample(l) {
			return false
		}
	}
	return true
}
