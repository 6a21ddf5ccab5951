package attention

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// Hopfield is the modern (continuous) Hopfield network of Ramsauer et al.
// 2020, "Hopfield Networks is All You Need", with N patterns x_1..x_N of
// size d stored as the rows of X [N, d]. Its energy of a state xi [d] is
//
//	E(xi) = -lse(beta, X xi) + 1/2 xi^T xi + 1/beta log N + 1/2 M^2
//
// with lse(beta, z) = 1/beta log sum_i exp(beta z_i) and M the largest
// pattern norm. E >= 0 everywhere, and E <= 2 M^2 for states no longer
// than M, such as every state after an update. The update
//
//	xi <- X^T softmax(beta X xi)
//
// is soft attention with the state as the query and the patterns as keys
// and values (Soft(xi, X, X, beta)). It is the concave-convex procedure on
// E, so no update raises the energy, and it is also exactly a gradient step
// of size 1: xi - dE/dxi. Well separated patterns are fixed points reached
// in one update; with a small beta, or patterns too alike, states fall
// into metastable mixtures of patterns, and at beta = 0 into the mean.
//
// Hopfield is an energy.Model: Energy(nil, y) is E of each state, a row of
// y [B, d]; x is ignored.
type Hopfield struct {
	Patterns *tensor.Tensor // X [N, d]
	Beta     float32
	maxNorm2 float32 // M^2
}

// NewHopfield stores patterns [N, d] in a network of inverse temperature
// beta > 0.
func NewHopfield(patterns *tensor.Tensor, beta float32) (*Hopfield, error) {
	if patterns.Dim() != 2 || patterns.Size(0) == 0 || patterns.Size(1) == 0 {
		return nil, fmt.Errorf("attention: Hopfield patterns of shape %v, want [N, d] with N, d > 0", patterns.Shape())
	}
	if !(beta > 0) || math.IsInf(float64(beta), 0) {
		return nil, fmt.Errorf("attention: Hopfield beta %v, want a positive number", beta)
	}
	x := patterns.Detach()
	var m2 float32
	d, xs := x.Size(1), x.Data()
	for i := 0; i < len(xs); i += d {
		m2 = max(m2, rowNorm2(xs[i:i+d]))
	}
	return &Hopfield{Patterns: x, Beta: beta, maxNorm2: m2}, nil
}

func rowNorm2(row []float32) float32 {
	var s float32
	for _, v := range row {
		s += v * v
	}
	return s
}

// Energy returns E(xi) for each state, a row of y [B, d], shape [B]; x is
// ignored. It is differentiable with respect to y.
func (h *Hopfield) Energy(_, y *tensor.Tensor) *tensor.Tensor {
	h.checkStates(y)
	n := float64(h.Patterns.Size(0))
	scores := Scores(y, h.Patterns, h.Beta) // beta X xi, [B, N]
	lse := scores.LogSumExp(1).MulScalar(1 / h.Beta)
	c := float32(math.Log(n))/h.Beta + h.maxNorm2/2
	return y.Square().Sum(1).MulScalar(0.5).Sub(lse).AddScalar(c)
}

// Update returns the states y [B, d] after one update,
// softmax(beta y X^T) X: each row attends to the patterns.
func (h *Hopfield) Update(y *tensor.Tensor) *tensor.Tensor {
	h.checkStates(y)
	c, _ := Soft(y, h.Patterns, h.Patterns, h.Beta)
	return c
}

// Retrieve updates the states y [B, d] until no coordinate moves by more
// than tol (relative to the largest pattern norm) or maxSteps updates are
// done, and returns the states and the number of updates made. The result
// is cut from any graph.
func (h *Hopfield) Retrieve(y *tensor.Tensor, maxSteps int, tol float32) (*tensor.Tensor, int) {
	state := y.Detach()
	scale := float32(math.Sqrt(float64(h.maxNorm2)))
	for step := 1; step <= maxSteps; step++ {
		next := h.Update(state)
		var moved float32
		for i, v := range next.Data() {
			moved = max(moved, float32(math.Abs(float64(v-state.Data()[i]))))
		}
		state = next
		if moved <= tol*scale {
			return state, step
		}
	}
	return state, maxSteps
}

func (h *Hopfield) checkStates(y *tensor.Tensor) {
	if y.Dim() != 2 || y.Size(1) != h.Patterns.Size(1) {
		panic(fmt.Sprintf("attention: Hopfield states of shape %v, want [B, %d]", y.Shape(), h.Patterns.Size(1)))
	}
}
