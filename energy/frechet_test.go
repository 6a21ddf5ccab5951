package energy

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

// TestFrechetDistance checks the closed forms: 0 between a sample and
// itself, ||c||^2 for a shift by c, (sigma_a - sigma_b)^2 summed over
// the axes for axis-aligned scalings, and symmetry.
func TestFrechetDistance(t *testing.T) {
	x := tensor.Randn(tensor.NewRNG(1), 2000, 3)
	scaled := func(s [3]float32, c [3]float32) *tensor.Tensor {
		d := append([]float32(nil), x.Data()...)
		for i := range d {
			d[i] = d[i]*s[i%3] + c[i%3]
		}
		return tensor.New(d, 2000, 3)
	}
	for _, tc := range []struct {
		name string
		b    *tensor.Tensor
		want float64
	}{
		{"same", x, 0},
		{"shift", scaled([3]float32{1, 1, 1}, [3]float32{1, -2, 0.5}), 1 + 4 + 0.25},
		// S_b = D S_a D for D = diag(2, 1, 3) and S_a near I: about
		// (2-1)^2 + 0 + (3-1)^2.
		{"scale", scaled([3]float32{2, 1, 3}, [3]float32{}), 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			got := FrechetDistance(x, tc.b)
			if math.Abs(got-want) > 0.05*max(want, 1) {
				t.Errorf("distance %v, want about %v", got, want)
			}
			if back := FrechetDistance(tc.b, x); math.Abs(back-got) > 1e-6*max(got, 1) {
				t.Errorf("not symmetric: %v one way, %v the other", got, back)
			}
		})
	}
}
