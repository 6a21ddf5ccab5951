package kernel

import (
	"fmt"
	"math"
	"testing"
)

// A row of layer normalisation in one call has the bits of the calls it
// stands for at every level, with and without an affine map and a second
// summand, for rows of whole vectors, tails, and above one block of the
// sums.
func TestLayerNormRowLevels(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		for _, d := range []int{1, 7, 8, 31, 32, 45, 77, 128, 200, 256, 300} {
			x, y, w, b := make([]float32, d), make([]float32, d), make([]float32, d), make([]float32, d)
			for i := range x {
				x[i] = float32(math.Sin(float64(i)*1.3))*2.5 + 0.7
				y[i] = float32(math.Cos(float64(i)*2.1)) * 0.9
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
				wm, wv, wr := layerRowGo(want, x, nil, nil, ww, bb, 1e-5)
				name := fmt.Sprintf("d=%d affine=%v", d, affine)
				sameBits(t, name, append(got, m, v, r), append(want, wm, wv, wr))
				if mean := Sum(x) / float32(d); m != mean {
					t.Errorf("%s: mean %v, want %v", name, m, mean)
				}
				// The sum of two rows, formed as Map2 forms it.
				sum, wantSum := make([]float32, d), make([]float32, d)
				Map2(Add, wantSum, x, y)
				m, v, r = LayerNormSumRow(got, x, y, sum, ww, bb, 1e-5)
				wm, wv, wr = LayerNormRow(want, wantSum, ww, bb, 1e-5)
				sameBits(t, name+" sum", append(append(got, m, v, r), sum...), append(append(want, wm, wv, wr), wantSum...))
			}
		}
	})
}

// The gradient of a row in one call has the bits of the calls it stands
// for at every level, the partial sums of the weight and bias gradients
// included.
func TestLayerNormGradRowLevels(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		for _, d := range []int{1, 7, 8, 31, 32, 45, 77, 128, 200, 256, 300} {
			g, x, w := make([]float32, d), make([]float32, d), make([]float32, d)
			for i := range x {
				g[i] = float32(math.Cos(float64(i)*0.9)) * 0.3
				x[i] = float32(math.Sin(float64(i)*1.3))*2.5 + 0.7
				w[i] = float32(math.Cos(float64(i)*0.4)) + 0.2
			}
			g[d/2] = 0
			for _, affine := range []bool{true, false} {
				parts := func() [2][]float32 {
					p := [2][]float32{make([]float32, d), make([]float32, d)}
					for i := range d {
						p[0][i], p[1][i] = float32(i)*0.01, -float32(i)*0.02
					}
					return p
				}
				ww := w
				if !affine {
					ww = nil
				}
				got, want := make([]float32, d), make([]float32, d)
				pg, pw := parts(), parts()
				LayerNormGradRow(got, g, x, ww, pg[0], pg[1], make([]float32, d), 0.31, 1.7)
				layerGradGo(want, g, x, ww, pw[0], pw[1], make([]float32, d), 0.31, 1.7)
				name := fmt.Sprintf("d=%d affine=%v", d, affine)
				sameBits(t, name, got, want)
				sameBits(t, name+" weight sums", pg[0], pw[0])
				sameBits(t, name+" bias sums", pg[1], pw[1])
			}
		}
	})
}
