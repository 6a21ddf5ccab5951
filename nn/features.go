package nn

import (
	"fmt"

	"github.com/gibbsml/gibbs/tensor"
)

// Quadratic is the layer without parameters that maps rows of D inputs
// [N, D] to their quadratic features [N, 2D + D(D-1)/2]: the inputs
// themselves, then Scale times their squares, then Scale times the
// products of each pair (i < j, in order). For points (x, y) it gives x, y,
// s x^2, s y^2, s xy: a first linear layer then draws an ellipse (a
// conic) where it drew a line. Scale sets how large the quadratic
// features are beside the inputs, and so how fast an optimizer that
// moves each weight by about its rate, whatever its input's scale (Adam),
// grows their curvature.
type Quadratic struct {
	Scale float32
}

// Params returns nothing: Quadratic has no parameters.
func (q *Quadratic) Params() []Param { return nil }

// PerSample returns true: each row's features are its own.
func (q *Quadratic) PerSample() bool { return true }

// String names the layer and its scale.
func (q *Quadratic) String() string { return fmt.Sprintf("Quadratic(scale=%g)", q.Scale) }

// Forward returns the features of x ([N, D]).
func (q *Quadratic) Forward(x *tensor.Tensor) *tensor.Tensor {
	if x.Dim() != 2 {
		panic(fmt.Sprintf("nn: Quadratic: input of shape %v, want [N, D]", x.Shape()))
	}
	d := x.Size(1)
	parts := []*tensor.Tensor{x, x.Mul(x).MulScalar(q.Scale)}
	for i := 0; i < d; i++ {
		for j := i + 1; j < d; j++ {
			parts = append(parts, x.Narrow(1, i, 1).Mul(x.Narrow(1, j, 1)).MulScalar(q.Scale))
		}
	}
	return tensor.Concat(1, parts...)
}
