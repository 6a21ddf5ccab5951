package train

import (
	"errors"
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
)

// Step is one optimizer update on a scalar loss: it reads the loss's
// value, clears the gradients, runs the backward pass, updates the
// parameters and releases the loss's graph (its buffers go back to the
// tensor pools), so code that builds a loss never releases anything
// itself. The backward pass reaches only the optimizer's parameters
// (tensor's BackwardTo): a network the loss runs through without being
// updated (a GAN's discriminator in the generator's step) passes its
// gradient on but gets none of its own. A loss that is NaN or infinite updates nothing and comes back as
// a divergence (Diverged).
func Step(opt optim.Optimizer, loss *tensor.Tensor) (float64, error) {
	v := float64(loss.Item())
	if math.IsNaN(v) || math.IsInf(v, 0) {
		loss.Release()
		return v, Diverged("loss reached %g", v)
	}
	opt.ZeroGrad()
	loss.BackwardTo(opt.Params()...)
	opt.Step()
	loss.Release()
	return v, nil
}

// ErrDiverged matches (errors.Is) the error of a run stopped because
// training blew up.
var ErrDiverged = errors.New("training diverged")

// divergence is what a step returns when training blew up.
type divergence struct{ detail string }

func (d *divergence) Error() string { return "training diverged: " + d.detail }

func (d *divergence) Is(target error) bool { return target == ErrDiverged }

// Diverged returns the error a step reports when training blew up (a NaN
// loss, an energy past its bound): the Loop stops without a checkpoint of
// the broken state, keeping the last good one.
func Diverged(format string, a ...any) error { return &divergence{fmt.Sprintf(format, a...)} }
