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

// Forward passes x through every layer.
func (s *Sequential) Forward(x *tensor.Tensor) *tensor.Tensor {
	for _, l := range s.Layers {
		x = l.Forward(x)
	}
	return x
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
