package nn_test

import (
	"slices"
	"testing"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// TestQuadratic checks the features of rows of two and three inputs, in
// their order, and their gradient.
func TestQuadratic(t *testing.T) {
	for _, c := range []struct {
		name     string
		x        *tensor.Tensor
		scale    float32
		want     []float32
		wantGrad []float32 // of the features' sum
	}{
		// x, y, s x^2, s y^2, s xy; d/dx = 1 + 2sx + sy.
		{"points", tensor.New([]float32{1, 2, 3, -1}, 2, 2), 2,
			[]float32{1, 2, 2, 8, 4, 3, -1, 18, 2, -6}, []float32{9, 11, 11, 3}},
		// a, b, c, s a^2, s b^2, s c^2, s ab, s ac, s bc.
		{"three inputs", tensor.New([]float32{1, 2, 3}, 1, 3), 0.5,
			[]float32{1, 2, 3, 0.5, 2, 4.5, 1, 1.5, 3}, []float32{4.5, 5, 5.5}},
	} {
		x := c.x.SetRequiresGrad(true)
		y := (&nn.Quadratic{Scale: c.scale}).Forward(x)
		if !slices.Equal(y.Values(), c.want) {
			t.Errorf("%s: features %v, want %v", c.name, y.Values(), c.want)
		}
		if g := tensor.Grad(y.Sum(), x)[0]; !slices.Equal(g.Values(), c.wantGrad) {
			t.Errorf("%s: gradient %v, want %v", c.name, g.Values(), c.wantGrad)
		}
	}
}
