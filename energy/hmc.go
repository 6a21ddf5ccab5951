package energy

import (
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// HMC is Hamiltonian Monte Carlo on exp(-F) (Neal 2011): each iteration
// draws a Gaussian momentum, integrates Hamilton's equations with
// LeapfrogSteps leapfrog steps of size StepSize, and accepts the end point
// with the Metropolis probability min(1, exp(H_start - H_end)), per sample.
// Chains start at the data (like CD) unless Lo < Hi, in which case they
// start from uniform noise in [Lo, Hi]. With Adapt set, the step is
// Adapt's, updated after each iteration with the chains' mean acceptance
// probability, and StepSize is not used.
type HMC struct {
	Iterations, LeapfrogSteps int
	StepSize                  float32
	Lo, Hi                    float32
	Adapt                     *DualAveraging
	Acceptance
}

// Step returns the leapfrog step of the next iteration.
func (h *HMC) Step() float32 {
	if h.Adapt != nil {
		return h.Adapt.Step()
	}
	return h.StepSize
}

// Sample runs the chains and returns their states.
func (h *HMC) Sample(m Model, x, pos *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor {
	y := pos.Clone()
	if h.Lo < h.Hi {
		y = tensor.Uniform(rng, h.Lo, h.Hi, pos.Shape()...)
	}
	n := y.Size(0)
	if n == 0 {
		return y
	}
	row := y.Len() / n
	grads := newInputGrad(m)
	for it := 0; it < h.Iterations; it++ {
		eps := h.Step()
		p := tensor.Randn(rng, y.Shape()...)
		g, u0 := grads.at(x, y)
		k0 := rowSquares(p, n)
		q := y.Clone()
		axpy(p, -eps/2, g)
		u1 := u0 // the energy at q, which the last leapfrog step computes
		for l := 0; l < h.LeapfrogSteps; l++ {
			axpy(q, eps, p)
			g.Recycle()
			if u1 != u0 {
				u1.Recycle()
			}
			g, u1 = grads.at(x, q)
			if l < h.LeapfrogSteps-1 {
				axpy(p, -eps, g)
			}
		}
		axpy(p, -eps/2, g)
		g.Recycle()
		k1 := rowSquares(p, n)
		yd, qd := y.Values(), q.Values()
		u0d, u1d := u0.Values(), u1.Values()
		var prob float64 // summed acceptance probabilities
		for i := 0; i < n; i++ {
			dh := float64(u0d[i]+k0[i]/2) - float64(u1d[i]+k1[i]/2)
			if !math.IsNaN(dh) {
				prob += math.Min(1, math.Exp(dh))
			}
			ok := !math.IsNaN(dh) && (dh >= 0 || rng.Float64() < math.Exp(dh))
			h.record(ok)
			if ok {
				copy(yd[i*row:(i+1)*row], qd[i*row:(i+1)*row])
			}
		}
		p.Recycle()
		q.Recycle()
		if u1 != u0 {
			u1.Recycle()
		}
		u0.Recycle()
		if h.Adapt != nil {
			h.Adapt.Update(prob / float64(n))
		}
	}
	return y
}

// rowSquares returns the squared norm of each of the n rows of t.
func rowSquares(t *tensor.Tensor, n int) []float32 {
	row := t.Len() / n
	out := make([]float32, n)
	d := t.Values()
	for i := range out {
		for _, v := range d[i*row : (i+1)*row] {
			out[i] += v * v
		}
	}
	return out
}
