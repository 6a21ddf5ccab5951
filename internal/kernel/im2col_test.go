package kernel

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// im2colRef is Im2col written tap by tap, as the definition reads.
func im2colRef(src []float32, n, c, h, w int, g Window) []float32 {
	oh, ow := g.OutSize(h, w)
	sh, sw := max(g.StrideH, 1), max(g.StrideW, 1)
	dh, dw := max(g.DilationH, 1), max(g.DilationW, 1)
	out := make([]float32, n*c*g.KH*g.KW*oh*ow)
	i := 0
	for b := 0; b < n; b++ {
		for ch := 0; ch < c; ch++ {
			for ki := 0; ki < g.KH; ki++ {
				for kj := 0; kj < g.KW; kj++ {
					for y := 0; y < oh; y++ {
						for x := 0; x < ow; x++ {
							iy, ix := y*sh-g.PadH+ki*dh, x*sw-g.PadW+kj*dw
							if iy >= 0 && iy < h && ix >= 0 && ix < w {
								out[i] = src[((b*c+ch)*h+iy)*w+ix]
							}
							i++
						}
					}
				}
			}
		}
	}
	return out
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.IntN(17) - 8)
	}
	return s
}

func TestIm2colCol2im(t *testing.T) {
	cases := []struct {
		name       string
		n, c, h, w int
		g          Window
	}{
		{"3x3", 2, 3, 6, 7, Window{KH: 3, KW: 3}},
		{"pad", 2, 2, 5, 5, Window{KH: 3, KW: 3, PadH: 1, PadW: 1}},
		{"stride", 1, 2, 9, 8, Window{KH: 3, KW: 2, StrideH: 2, StrideW: 3, PadH: 1, PadW: 2}},
		{"dilation", 3, 1, 9, 10, Window{KH: 2, KW: 3, DilationH: 2, DilationW: 3, PadW: 1}},
		{"pad beyond taps", 1, 1, 2, 2, Window{KH: 1, KW: 1, PadH: 3, PadW: 3}},
		{"pool", 2, 4, 8, 8, Window{KH: 2, KW: 2, StrideH: 2, StrideW: 2}},
		{"parallel", 64, 8, 12, 12, Window{KH: 3, KW: 3, PadH: 1, PadW: 1}},
		// Rows of whole and partial vector steps.
		{"wide", 1, 2, 5, 40, Window{KH: 3, KW: 3, PadH: 1, PadW: 1}},
		{"wide unpadded", 2, 3, 6, 37, Window{KH: 3, KW: 3, StrideH: 2}},
		{"stride 2, 4x4", 2, 3, 14, 14, Window{KH: 4, KW: 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
		// Through the phases of the image.
		{"phases 3x3", 2, 3, 6, 10, Window{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
		{"phases 5x5 pad 2", 2, 2, 8, 12, Window{KH: 5, KW: 5, StrideH: 2, StrideW: 2, PadH: 2, PadW: 2}},
		{"phases 1x1", 1, 3, 4, 6, Window{KH: 1, KW: 1, StrideH: 2, StrideW: 2}},
		{"phases wide", 2, 2, 34, 36, Window{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
		{"phases 2x2 rows", 1, 2, 2, 2, Window{KH: 4, KW: 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
		// Through the strips of the image.
		{"strips 5x5 pad 2", 2, 2, 7, 9, Window{KH: 5, KW: 5, PadH: 2, PadW: 2}},
		{"strips 2x3 pad 1,0", 3, 2, 6, 5, Window{KH: 2, KW: 3, PadH: 1}},
		{"strips pad beyond taps", 2, 1, 2, 3, Window{KH: 2, KW: 2, PadH: 3, PadW: 2}},
		{"strips 3x1", 2, 2, 5, 4, Window{KH: 3, KW: 1}},
		{"strips widest rows", 1, 2, 4, 22, Window{KH: 3, KW: 3}},
	}
	// Stride 2 along rows of every length of a last vector step, and of
	// one to three whole steps before it.
	for w := 1; w <= 100; w += 3 {
		cases = append(cases, struct {
			name       string
			n, c, h, w int
			g          Window
		}{fmt.Sprintf("stride 2 width %d", w), 1, 2, 5, w, Window{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}})
	}
	// The same through the phases: rows of every length of a last step.
	for w := 2; w <= 68; w += 2 {
		cases = append(cases, struct {
			name       string
			n, c, h, w int
			g          Window
		}{fmt.Sprintf("phases width %d", w), 2, 2, 6, w, Window{KH: 4, KW: 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}})
	}
	r := rand.New(rand.NewPCG(1, 2))
	forEachLevel(t, func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				img := randSlice(r, tc.n*tc.c*tc.h*tc.w)
				want := im2colRef(img, tc.n, tc.c, tc.h, tc.w, tc.g)
				got := randSlice(r, len(want)) // Im2col must overwrite everything
				Im2col(got, img, tc.n, tc.c, tc.h, tc.w, tc.g)
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("Im2col value %d: got %v, want %v", i, got[i], want[i])
					}
				}
				// Col2im is the adjoint: <Im2col(x), y> = <x, Col2im(y)>
				// exactly, since all values are small integers.
				y := randSlice(r, len(want))
				back := make([]float32, len(img))
				Col2im(back, y, tc.n, tc.c, tc.h, tc.w, tc.g)
				var lhs, rhs float64
				for i := range y {
					lhs += float64(want[i] * y[i])
				}
				for i := range img {
					rhs += float64(img[i] * back[i])
				}
				if lhs != rhs {
					t.Fatalf("<Im2col(x), y> = %v, <x, Col2im(y)> = %v", lhs, rhs)
				}
			})
		}
	})
}
