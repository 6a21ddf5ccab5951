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
// start from uniform noise in [Lo, Hi].
type HMC struct {
	Iterations, LeapfrogSteps int
	StepSize                  float32
	Lo, Hi                    float32
	Acceptance
}

// Sample runs the chains and returns their states.
func (h *HMC) Sample(m Model, x, pos *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor {
	y := pos.Clone()
	if h.Lo < h.Hi {
		y = tensor.Uniform(rng, h.Lo, h.Hi, pos.Shape()...)
	}
	n := y.Size(0)
	row := y.Len() / n
	for it := 0; it < h.Iterations; it++ {
		p := tensor.Randn(rng, y.Shape()...)
		g, u0 := gradY(m, x, y)
		k0 := rowSquares(p, n)
		q := y.Clone()
		axpy(p, -h.StepSize/2, g)
		for l := 0; l < h.LeapfrogSteps; l++ {
			axpy(q, h.StepSize, p)
			g, _ = gradY(m, x, q)
			if l < h.LeapfrogSteps-1 {
				axpy(p, -h.StepSize, g)
			}
		}
		axpy(p, -h.StepSize/2, g)
		u1 := m.Energy(x, q).DetachRelease()
		k1 := rowSquares(p, n)
		yd, qd := y.Data(), q.Data()
		for i := 0; i < n; i++ {
			dh := float64(u0.Data()[i]+k0[i]/2) - float64(u1.Data()[i]+k1[i]/2)
			ok := !math.IsNaN(dh) && (dh >= 0 || rng.Float64() < math.Exp(dh))
			h.record(ok)
			if ok {
				copy(yd[i*row:(i+1)*row], qd[i*row:(i+1)*row])
			}
		}
	}
	return y
}

// rowSquares returns the squared norm of each of the n rows of t.
func rowSquares(t *tensor.Tensor, n int) []float32 {
	row := t.Len() / n
	out := make([]float32, n)
	d := t.Data()
	for i := range out {
		for _, v := range d[i*row : (i+1)*row] {
			out[i] += v * v
		}
	}
	return out
}
