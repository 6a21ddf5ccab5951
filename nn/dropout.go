package nn

import (
	"fmt"

	"github.com/gibbsml/gibbs/tensor"
)

// Dropout zeroes each value with probability P during training and scales
// the others by 1/(1-P) (inverted dropout), so the expected output equals
// the input; in evaluation it passes the input through.
type Dropout struct {
	P        float32
	Training bool
	rng      *tensor.RNG
}

// NewDropout returns a Dropout in training mode that draws its masks from rng.
func NewDropout(rng *tensor.RNG, p float32) *Dropout {
	if !(p >= 0 && p <= 1) {
		panic(fmt.Sprintf("nn: Dropout: probability %v outside [0, 1]", p))
	}
	return &Dropout{P: p, Training: true, rng: rng}
}

// Params returns nothing: Dropout has no parameters.
func (d *Dropout) Params() []Param { return nil }

// active reports whether Forward changes its input.
func (d *Dropout) active() bool { return d.Training && d.P != 0 }

// SetTraining switches dropping on or off.
func (d *Dropout) SetTraining(on bool) { d.Training = on }

// PerSample reports whether the layer is the identity (not training, or
// P = 0): in training its masks are drawn for the whole batch at once.
func (d *Dropout) PerSample() bool { return !d.active() }

// Forward applies a fresh random mask in training and is the identity otherwise.
func (d *Dropout) Forward(x *tensor.Tensor) *tensor.Tensor {
	if !d.active() {
		return x
	}
	if d.P == 1 {
		return x.Mul(tensor.ZerosLike(x))
	}
	return x.Mul(tensor.Bernoulli(d.rng, 1-d.P, x.Shape()...).MulScalar(1 / (1 - d.P)))
}
