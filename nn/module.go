// Package nn holds neural-network layers, losses and weight initialisation
// on top of the tensor package.
//
// A layer is a Go value with named parameters. Names are stable and follow
// PyTorch's (a Linear layer's "weight" of shape [out, in] and "bias"; a
// Sequential's children "0", "1", ...), so a state dict saved by gibbs loads
// into the same PyTorch model and back. Constructors take a *tensor.RNG and
// initialise weights as PyTorch does by default.
package nn

import (
	"fmt"
	"slices"
	"sort"

	"github.com/gibbsml/gibbs/tensor"
)

// Param is a named tensor of a module: a trainable parameter or a buffer.
type Param struct {
	Name   string
	Tensor *tensor.Tensor
}

// Module is anything that owns parameters.
type Module interface {
	// Params lists the trainable parameters with their stable names.
	Params() []Param
}

// Layer is a module with a one-input forward pass.
type Layer interface {
	Module
	Forward(x *tensor.Tensor) *tensor.Tensor
}

// Buffered is a module with state that is saved but not trained, such as
// BatchNorm's running statistics.
type Buffered interface {
	Buffers() []Param
}

// Trainable is a module whose behaviour differs between training and
// evaluation (Dropout, BatchNorm).
type Trainable interface {
	SetTraining(on bool)
}

// Parent is a module made of named child modules; parameter names of a
// child are prefixed with the child's name and a dot.
type Parent interface {
	Children() []Child
}

// Child is a named sub-module.
type Child struct {
	Name   string
	Module Module
}

// Prefixed returns ps with prefix+"." put before every name.
func Prefixed(prefix string, ps []Param) []Param {
	out := make([]Param, len(ps))
	for i, p := range ps {
		out[i] = Param{Name: prefix + "." + p.Name, Tensor: p.Tensor}
	}
	return out
}

// ChildParams gathers the parameters of children, prefixed with their names.
func ChildParams(children []Child) []Param {
	var ps []Param
	for _, c := range children {
		ps = append(ps, Prefixed(c.Name, c.Module.Params())...)
	}
	return ps
}

// Tensors returns the tensors of the parameters of m, in order: what an
// optimizer takes.
func Tensors(m Module) []*tensor.Tensor {
	ps := m.Params()
	ts := make([]*tensor.Tensor, len(ps))
	for i, p := range ps {
		ts[i] = p.Tensor
	}
	return ts
}

// Buffers returns the buffers of m and of all its descendants, with names.
func Buffers(m Module) []Param {
	var bs []Param
	if b, ok := m.(Buffered); ok {
		bs = append(bs, b.Buffers()...)
	}
	if p, ok := m.(Parent); ok {
		for _, c := range p.Children() {
			bs = append(bs, Prefixed(c.Name, Buffers(c.Module))...)
		}
	}
	return bs
}

// SetTraining switches m and all its descendants between training and
// evaluation behaviour.
func SetTraining(m Module, on bool) {
	if t, ok := m.(Trainable); ok {
		t.SetTraining(on)
	}
	if p, ok := m.(Parent); ok {
		for _, c := range p.Children() {
			SetTraining(c.Module, on)
		}
	}
}

// StateDict maps the names of m's parameters and buffers to their tensors
// (shared, not copied): what a checkpoint stores.
func StateDict(m Module) map[string]*tensor.Tensor {
	sd := map[string]*tensor.Tensor{}
	for _, p := range append(m.Params(), Buffers(m)...) {
		sd[p.Name] = p.Tensor
	}
	return sd
}

// LoadStateDict copies the tensors of sd into m's parameters and buffers.
// Every name of m must be present with the same shape; extra names in sd
// are an error too, so a checkpoint of another model is not half-loaded.
func LoadStateDict(m Module, sd map[string]*tensor.Tensor) error {
	want := StateDict(m)
	var missing, extra []string
	for name := range want {
		if _, ok := sd[name]; !ok {
			missing = append(missing, name)
		}
	}
	for name := range sd {
		if _, ok := want[name]; !ok {
			extra = append(extra, name)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		return fmt.Errorf("nn: state dict does not fit the model: missing %v, unexpected %v", missing, extra)
	}
	for name, dst := range want {
		src := sd[name]
		if !slices.Equal(dst.Shape(), src.Shape()) {
			return fmt.Errorf("nn: state dict entry %q has shape %v, the model wants %v", name, src.Shape(), dst.Shape())
		}
	}
	for name, dst := range want {
		dst.CopyFrom(sd[name])
	}
	return nil
}

// ZeroGrad clears the gradients of m's parameters.
func ZeroGrad(m Module) {
	for _, p := range m.Params() {
		p.Tensor.ZeroGrad()
	}
}

// NumParams counts the trainable values of m.
func NumParams(m Module) int {
	n := 0
	for _, p := range m.Params() {
		n += p.Tensor.Len()
	}
	return n
}

// SampleWise is a module (or a model built on modules, such as an energy)
// that says whether each sample's output depends on that sample's input
// alone. When it does, a batch may be computed a few samples at a time
// with the same results within rounding: samplers do so to keep a
// network's maps in cache, running the forward pass on several parts at
// once from different goroutines, as nn's layers allow. A BatchNorm in
// training mode, or any layer that mixes samples or draws random numbers
// per call, is not per sample.
type SampleWise interface {
	PerSample() bool
}

// PerSample reports whether m, a layer or a model, computes each sample's
// output from that sample alone: what m says when it is SampleWise, false
// otherwise.
func PerSample(m any) bool {
	s, ok := m.(SampleWise)
	return ok && s.PerSample()
}
