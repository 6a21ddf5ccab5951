package energy

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// Chain moves a batch of chains y0 ([N, ...]) by some steps of a Markov
// chain on exp(-F) and returns their ends (y0 is not changed). Langevin
// and MALA are Chains; the persistent sampler (Replay) runs either.
type Chain interface {
	Run(m Model, x, y0 *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor
}

// MALA is the Metropolis-adjusted Langevin algorithm (Roberts & Tweedie
// 1996): each step proposes the Langevin move at temperature 1,
//
//	y' = y - StepSize * dF/dy + sqrt(2 * StepSize) * N(0, I),
//
// and accepts it with probability
//
//	min(1, exp(F(y) - F(y')) q(y | y') / q(y' | y)),
//
// q being the Gaussian density of that move, per chain. The unadjusted
// step samples exp(-F) only as the step goes to zero: on a well of
// standard deviation s its chains spread with variance s^2 / (1 -
// StepSize / (2 s^2)), so an energy trained on their samples learns wells
// too narrow by that factor. The Metropolis test removes this bias, and
// the chains sample exp(-F) exactly for any step. With Lo < Hi the target
// is exp(-F) restricted to the box [Lo, Hi]^D: a proposal outside it is
// rejected.
//
// From a steep wall, far above the wells, the full drift overshoots and
// nearly every proposal is rejected, so a chain started there (a replay
// buffer's restarted chain) can stay stuck where the energy is high.
// ClipGrad, when positive, clips each gradient value of the drift to
// [-ClipGrad, ClipGrad], Roberts & Tweedie's truncated drift: the chain
// then walks down by bounded steps, which are accepted, and since q is
// the density of the clipped move the test still makes the chain exact.
// Like Langevin, it reads the model's parameters and never
// writes them; Acceptance counts its decisions, so one MALA must not run
// from several goroutines at once.
type MALA struct {
	Steps    int
	StepSize float32
	ClipGrad float32
	Lo, Hi   float32
	Acceptance
}

// Validate reports a setting that cannot run.
func (a *MALA) Validate() error {
	if a.Steps < 0 || !(a.StepSize > 0) || !(a.ClipGrad >= 0) || isBad(a.StepSize) || isBad(a.ClipGrad) {
		return fmt.Errorf("energy: MALA needs steps >= 0, step size > 0 and clip >= 0, got %+v", a)
	}
	return nil
}

// Run returns the end of the chains started at y0 (y0 is not changed).
func (a *MALA) Run(m Model, x, y0 *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor {
	y := y0.Clone()
	if a.Steps == 0 || y.Size(0) == 0 {
		return y
	}
	n := y.Size(0)
	row := y.Len() / n
	eps := float64(a.StepSize)
	noise := float32(math.Sqrt(2 * eps))
	grads := newInputGrad(m)
	g, e := grads.at(x, y)
	a.clip(g)
	prop := tensor.Empty(y.Shape()...) // every value is drawn below
	yd, gd, pd, ed := y.Values(), g.Values(), prop.Values(), e.Values()
	for s := 0; s < a.Steps; s++ {
		for i := range pd {
			pd[i] = yd[i] - a.StepSize*gd[i] + noise*rng.Norm()
		}
		gp, ep := grads.at(x, prop)
		a.clip(gp)
		gpd, epd := gp.Values(), ep.Values()
		for i := 0; i < n; i++ {
			cur, next := yd[i*row:(i+1)*row], pd[i*row:(i+1)*row]
			ok := !(a.Lo < a.Hi) || inBox(next, a.Lo, a.Hi)
			if ok {
				// log q(y | y') - log q(y' | y), q(b | a) the density of
				// N(a - eps dF/dy(a), 2 eps I) at b.
				var fwd, back float64
				for k := range cur {
					df := float64(next[k]) - float64(cur[k]) + eps*float64(gd[i*row+k])
					db := float64(cur[k]) - float64(next[k]) + eps*float64(gpd[i*row+k])
					fwd += df * df
					back += db * db
				}
				logR := float64(ed[i]) - float64(epd[i]) + (fwd-back)/(4*eps)
				ok = !math.IsNaN(logR) && (logR >= 0 || rng.Float64() < math.Exp(logR))
			}
			a.record(ok)
			if ok {
				copy(cur, next)
				copy(gd[i*row:(i+1)*row], gpd[i*row:(i+1)*row])
				ed[i] = epd[i]
			}
		}
		gp.Recycle()
		ep.Recycle()
	}
	g.Recycle()
	e.Recycle()
	prop.Recycle()
	return y
}

// clip clips the gradient values in g to [-ClipGrad, ClipGrad] when
// ClipGrad is positive.
func (a *MALA) clip(g *tensor.Tensor) {
	if a.ClipGrad > 0 {
		clampInPlace(g, -a.ClipGrad, a.ClipGrad)
	}
}
