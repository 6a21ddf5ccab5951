package train

import (
	"fmt"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// EMA keeps Shadow, a copy of a model whose parameters are an exponential
// moving average of the trained model's (Yazıcı et al. 2019): after each
// update, shadow = d shadow + (1 - d) model with d = min(Decay, (1 + n) /
// (10 + n)) at the n-th update, so that the average forgets the untrained
// weights early. Buffers (BatchNorm's running statistics) are copied as
// they are. The average of a generator's weights gives better samples
// than its last weights (gan), that of an energy network a smoother energy
// (ebm).
type EMA struct {
	Decay   float32
	Updates int // updates so far, which a checkpoint keeps
	Shadow  nn.Module
	pairs   []emaPair
}

// emaPair is a tensor of the shadow and the model's tensor of the same
// name: a parameter, averaged, or a buffer, copied.
type emaPair struct {
	dst, src *tensor.Tensor
	average  bool
}

// NewEMA starts the average of model's weights in shadow, a model of the
// same architecture, copying model's weights into it.
func NewEMA(model, shadow nn.Module, decay float32) (*EMA, error) {
	if !(decay >= 0 && decay < 1) {
		return nil, fmt.Errorf("train: EMA decay must be in [0, 1), got %v", decay)
	}
	if err := nn.LoadStateDict(shadow, nn.StateDict(model)); err != nil {
		return nil, fmt.Errorf("train: EMA: %w", err)
	}
	// Loading a checkpoint copies into these tensors, so the pairs last.
	e := &EMA{Decay: decay, Shadow: shadow}
	sd := nn.StateDict(shadow)
	for _, p := range model.Params() {
		e.pairs = append(e.pairs, emaPair{sd[p.Name], p.Tensor, true})
	}
	for _, p := range nn.Buffers(model) {
		e.pairs = append(e.pairs, emaPair{sd[p.Name], p.Tensor, false})
	}
	return e, nil
}

// Update moves the shadow weights towards the model's.
func (e *EMA) Update() {
	d := min(e.Decay, float32(1+e.Updates)/float32(10+e.Updates))
	e.Updates++
	for _, p := range e.pairs {
		dst, src := p.dst.Values(), p.src.Values()
		if !p.average {
			copy(dst, src)
			continue
		}
		for i, v := range src {
			dst[i] = d*dst[i] + (1-d)*v
		}
	}
}
