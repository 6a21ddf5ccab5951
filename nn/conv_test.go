package nn

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

// biasGrad's threaded first derivative gives the bits of g.Sum(0, 2), on
// tensors below and above the size from which it splits the channels,
// with one sample, one channel or one position too.
func TestBiasGrad(t *testing.T) {
	for _, shape := range [][]int{{2, 3, 5}, {64, 16, 50}, {1, 4, 300}, {300, 1, 7}, {300, 4, 1}, {64, 16, 1100}} {
		g := tensor.Randn(tensor.NewRNG(9), shape...)
		got := biasGrad(g, false)
		want := g.Sum(0, 2)
		for i, v := range want.Values() {
			if w := got.Values()[i]; math.Float32bits(w) != math.Float32bits(v) {
				t.Fatalf("%v: channel %d: %v, Sum gives %v", shape, i, w, v)
			}
		}
	}
}
