package energy

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/tensor"
)

// Sampler draws contrastive samples (negatives) for a batch of data: pos
// holds the data's y ([N, ...]) and x its conditioning input or nil.
type Sampler interface {
	Sample(m Model, x, pos *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor
}

// Langevin runs stochastic gradient Langevin dynamics on y:
//
//	y <- y - StepSize * dF/dy + Noise * N(0, I)
//
// With Noise = sqrt(2 * StepSize) this samples exp(-F); practice (Du &
// Mordatch 2019, Grathwohl et al. 2019) sets the two apart, with a much
// smaller noise. Each step differentiates the energy with respect to y
// alone: the model's parameters are read, never written, so chains may run
// on one model from many goroutines at once.
type Langevin struct {
	Steps           int
	StepSize, Noise float32
	// ClipGrad, when positive, clips each gradient value to
	// [-ClipGrad, ClipGrad].
	ClipGrad float32
	// Lo and Hi, when Lo < Hi, keep y inside the box [Lo, Hi].
	Lo, Hi float32
}

// Validate reports a setting that cannot run.
func (l Langevin) Validate() error {
	if l.Steps < 0 || !(l.StepSize > 0) || l.Noise < 0 || l.ClipGrad < 0 || isBad(l.StepSize) || isBad(l.Noise) {
		return fmt.Errorf("energy: Langevin needs steps >= 0, step size > 0, noise >= 0 and clip >= 0, got %+v", l)
	}
	return nil
}

func isBad(v float32) bool { return math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) }

// Run returns the end of the chains started at y0 (y0 is not changed).
// It draws each step's noise from rng while it differentiates m, on
// another goroutine: m must not draw from rng itself.
func (l Langevin) Run(m Model, x, y0 *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor {
	return l.run(newInputGrad(m), x, y0, rng)
}

// run is Run with the model's gradients taken by grads, which a caller
// running several chains' segments on one model keeps between them.
func (l Langevin) run(grads *inputGrad, x, y0 *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor {
	y := y0.Clone()
	noise := tensor.Empty(y.Shape()...)
	yd, nd := y.Values(), noise.Values()
	draw := func() {
		for i := range nd {
			nd[i] = rng.Norm()
		}
	}
	for s := 0; s < l.Steps; s++ {
		// The step's noise is drawn beside its gradient: the draws are
		// serial, and would otherwise leave the other threads idle.
		g, e := grads.beside(x, y, draw)
		e.Recycle()
		l.move(yd, g.Values(), nd)
		g.Recycle()
	}
	noise.Recycle()
	return y
}

// move takes one step of the chains y for the gradient g and the standard
// normal noise n: y + (-StepSize*clip(g) + Noise*n), kept in [Lo, Hi],
// each operation rounded as written, in one pass (kernel.StepClamp) after
// the clip's own pass over g, which it overwrites, when ClipGrad is set.
func (l Langevin) move(y, g, n []float32) {
	g = g[:len(y)]
	if c := l.ClipGrad; c > 0 {
		for i, v := range g {
			g[i] = min(max(v, -c), c)
		}
	}
	lo, hi := float32(math.Inf(-1)), float32(math.Inf(1))
	if l.Lo < l.Hi {
		lo, hi = l.Lo, l.Hi
	}
	kernel.StepClamp(y, g, n, -l.StepSize, l.Noise, lo, hi)
}

// ShortRun starts fresh Langevin chains from uniform noise in [Lo, Hi]
// for every batch (Nijkamp et al. 2019's short-run MCMC).
type ShortRun struct {
	Langevin
	Lo, Hi float32
}

// Sample runs chains from noise shaped like pos.
func (s ShortRun) Sample(m Model, x, pos *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor {
	return s.Run(m, x, tensor.Uniform(rng, s.Lo, s.Hi, pos.Shape()...), rng)
}

// CD is contrastive divergence CD-k (Hinton 2002): Langevin chains of
// Steps (k) steps started at the data.
type CD struct {
	Langevin
}

// Sample runs short chains from pos.
func (c CD) Sample(m Model, x, pos *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor {
	return c.Run(m, x, pos, rng)
}
