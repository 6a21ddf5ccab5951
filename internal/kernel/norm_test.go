package kernel

import (
	"fmt"
	"math"
	"testing"
)

// A row of layer normalisation in one call has the bits of the calls it
// stands for at every level, with and without an affine map, for rows of
// whole vectors, tails, and above one block of the sums.
func TestLayerNormRowLevels(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		for _, d := range []int{1, 7, 8, 31, 32, 45, 77, 128, 200, 256, 300} {
			x, w, b := make([]float32, d), make([]float32, d), make([]float32, d)
			for i := range x {
				x[i] = float32(math.Sin(float64(i)*1.3))*2.5 + 0.7
				w[i] = float32(math.Cos(float64(i)*0.4)) + 0.2
				b[i] = float32(i%5)*0.1 - 0.2
			}
			for _, affine := range []bool{true, false} {
				ww, bb := w, b
				if !affine {
					ww, bb = nil, nil
				}
				got, want := make([]float32, d), make([]float32, d)
				m, v, r := LayerNormRow(got, x, ww, bb, 1e-5)
				wm, wv, wr := layerRowGo(want, x, ww, bb, 1e-5)
				name := fmt.Sprintf("d=%d affine=%v", d, affine)
				sameBits(t, name, append(got, m, v, r), append(want, wm, wv, wr))
				if mean := Sum(x) / float32(d); m != mean {
					t.Errorf("%s: mean %v, want %v", name, m, mean)
				}
			}
		}
	})
}
