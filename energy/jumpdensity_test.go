package energy

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

// TestProposalDensity compares the proposal's log-density, which sums
// only the kernels that matter, with the plain log of its mixture summed
// over every kernel, inside and outside the box, with and without the
// uniform part.
func TestProposalDensity(t *testing.T) {
	rng := tensor.NewRNG(1)
	centres := tensor.Uniform(rng, -2, 2, 300, 2).Data()
	points := tensor.Uniform(rng, -3.5, 3.5, 200, 2).Data()
	for _, j := range []*Jump{{Width: 0.07, Uniform: 0.3, Lo: -3, Hi: 3}, {Width: 0.5, Lo: -3, Hi: 3}, {Width: 0.02, Uniform: 0.9, Lo: -1, Hi: 1}} {
		q := j.density(centres, 2)
		for i := 0; i < len(points); i += 2 {
			v := points[i : i+2]
			var p float64
			for c := 0; c < len(centres); c += 2 {
				dx, dy := float64(v[0]-centres[c]), float64(v[1]-centres[c+1])
				h2 := float64(j.Width) * float64(j.Width)
				p += (1 - float64(j.Uniform)) / 300 * math.Exp(-(dx*dx+dy*dy)/(2*h2)) / (2 * math.Pi * h2)
			}
			if inBox(v, j.Lo, j.Hi) {
				p += float64(j.Uniform) / float64((j.Hi-j.Lo)*(j.Hi-j.Lo))
			}
			got, want := q.log(v), math.Log(p)
			if p < 1e-300 { // near or beyond float64's range: the log-sum-exp must stay finite
				if math.IsInf(got, 0) || math.IsNaN(got) || got > -700 {
					t.Errorf("width %v at %v: log q %v, want a finite value below -700", j.Width, v, got)
				}
				continue
			}
			if math.Abs(got-want) > 1e-9*max(1, math.Abs(want)) {
				t.Errorf("width %v, uniform %v at %v: log q %v, want %v", j.Width, j.Uniform, v, got, want)
			}
		}
	}
}
