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

// Forward passes x through every layer, some runs of layers as one
// operation with the values and gradients of the layers one after the
// other. At each layer the first of these rules that fits is taken:
//   - A Conv2d followed by MaxPool2d, with a ReLU between or not, pools
//     the convolution's maps a chunk of images at a time, never storing
//     them all, and applies the ReLU to each image's pooled maps as they
//     are written: this stores and reads the fewest values of the rules
//     that fit such a run.
//   - A Conv2d followed by ReLU, LeakyReLU (slope >= 0), Tanh, Sigmoid or
//     SiLU applies the activation to each image's maps as they are
//     written, SiLU keeping its derivative for the backward pass; the
//     others' derivative is taken as the products read the maps'
//     gradient.
//   - A ReLU followed by MaxPool2d runs after it instead, on a quarter of
//     the values for 2x2 windows: max and ReLU commute, the window's
//     maximum is the same value at the same position when it is
//     positive, and the gradient is zero in both orders when it is not
//     (the sign of a zero, and where a NaN gradient lands, aside).
//   - A Linear layer followed by ReLU, LeakyReLU (slope >= 0), Tanh or
//     Sigmoid applies the activation as the product stores its result.
//   - A BatchNorm in training followed by one of the same activations
//     applies it to each run of normalised values as it is written, and
//     takes its derivative run by run in the backward pass.
func (s *Sequential) Forward(x *tensor.Tensor) *tensor.Tensor {
	for i := 0; i < len(s.Layers); i++ {
		if c, ok := s.Layers[i].(*Conv2d); ok {
			relu := reluThenMaxPool(s.Layers, i+1)
			j := i + 1
			if relu {
				j++
			}
			if p, ok := layerAt(s.Layers, j).(*MaxPool2d); ok {
				x, i = c.forwardMaxPool(x, p, relu), j
				continue
			}
		}
		if reluThenMaxPool(s.Layers, i) {
			x, i = s.Layers[i].Forward(s.Layers[i+1].Forward(x)), i+1
			continue
		}
		if f, ok := layerAt(s.Layers, i+1).(*Func); ok {
			var y *tensor.Tensor
			if l, ok := s.Layers[i].(actFuser); ok {
				y = l.forwardAct(x, f)
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

// layerAt returns layers[i], or nil past the end.
func layerAt(layers []Layer, i int) Layer {
	if i >= len(layers) {
		return nil
	}
	return layers[i]
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

// actFuser is a layer that can run with the activation after it as one
// operation: forwardAct returns nil when it cannot for that activation.
type actFuser interface {
	forwardAct(x *tensor.Tensor, act *Func) *tensor.Tensor
}
