package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// maxPoolRef is MaxPool2d written window by window, as the definition reads.
func maxPoolRef(src []float32, planes, h, w int, g Window) (vals, idx []float32) {
	oh, ow := g.OutSize(h, w)
	for p := 0; p < planes; p++ {
		for y := 0; y < oh; y++ {
			for x := 0; x < ow; x++ {
				best, at := float32(0), -1
				for ki := 0; ki < g.KH; ki++ {
					for kj := 0; kj < g.KW; kj++ {
						iy, ix := y*max(g.StrideH, 1)-g.PadH+ki*max(g.DilationH, 1), x*max(g.StrideW, 1)-g.PadW+kj*max(g.DilationW, 1)
						if iy < 0 || iy >= h || ix < 0 || ix >= w {
							continue
						}
						v := src[p*h*w+iy*w+ix]
						isNaN, bestNaN := math.IsNaN(float64(v)), math.IsNaN(float64(best))
						if at < 0 || (!bestNaN && (isNaN || v > best)) {
							best, at = v, iy*w+ix
						}
					}
				}
				vals, idx = append(vals, best), append(idx, float32(at))
			}
		}
	}
	return vals, idx
}

func TestMaxPool2d(t *testing.T) {
	cases := []struct {
		name         string
		planes, h, w int
		g            Window
	}{
		{"2x2", 3, 6, 8, Window{KH: 2, KW: 2, StrideH: 2, StrideW: 2}},
		{"odd size", 2, 7, 5, Window{KH: 2, KW: 2, StrideH: 2, StrideW: 2}},
		{"padded overlap", 2, 5, 5, Window{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
		{"dilated", 1, 9, 9, Window{KH: 2, KW: 3, StrideH: 1, StrideW: 2, DilationH: 2, DilationW: 2, PadW: 1}},
		{"parallel", 256, 12, 12, Window{KH: 2, KW: 2, StrideH: 2, StrideW: 2}},
		// Rows of whole and partial vector steps.
		{"wide", 3, 6, 71, Window{KH: 2, KW: 2, StrideH: 2, StrideW: 2}},
		{"26x26", 3, 26, 26, Window{KH: 2, KW: 2, StrideH: 2, StrideW: 2}},
		// Windows inside the plane (no padding): the unrolled 2x2 loop
		// and the general one, on planes with and without NaN.
		{"2x2 stride 1", 4, 5, 7, Window{KH: 2, KW: 2, StrideH: 1, StrideW: 1}},
		{"2x2 stride 3", 3, 8, 9, Window{KH: 2, KW: 2, StrideH: 3, StrideW: 3}},
		{"3x3 stride 1", 4, 7, 6, Window{KH: 3, KW: 3, StrideH: 1, StrideW: 1}},
		{"dilated inside", 3, 9, 9, Window{KH: 2, KW: 2, StrideH: 2, StrideW: 1, DilationH: 2, DilationW: 3}},
	}
	r := rand.New(rand.NewPCG(3, 4))
	forEachLevel(t, func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				src := randSlice(r, tc.planes*tc.h*tc.w) // small integers: many ties
				src[1] = float32(math.NaN())
				wantV, wantI := maxPoolRef(src, tc.planes, tc.h, tc.w, tc.g)
				gotV, gotI := make([]float32, len(wantV)), make([]float32, len(wantI))
				MaxPool2d(gotV, gotI, src, tc.planes, tc.h, tc.w, tc.g)
				for i := range wantV {
					same := gotV[i] == wantV[i] || (gotV[i] != gotV[i] && wantV[i] != wantV[i])
					if !same || gotI[i] != wantI[i] {
						t.Fatalf("window %d: got %v at %v, want %v at %v", i, gotV[i], gotI[i], wantV[i], wantI[i])
					}
				}
			})
		}
	})
}

// unpoolPlane gives scatterRow's bits at every level, -0 and NaN values
// included, for positions that MaxPool2d gives and for those outside
// their windows or the plane, which the halving loop hands back.
func TestUnpoolPlane(t *testing.T) {
	halving := Window{KH: 2, KW: 2, StrideH: 2, StrideW: 2}
	cases := []struct {
		name string
		h, w int
		g    Window
		bad  float32 // a position put in place of window 3's, or 0 for none
	}{
		{"26x26", 26, 26, halving, 0},
		{"11x11", 11, 11, halving, 0},
		{"odd height", 17, 17, halving, 0},
		{"odd width", 6, 17, halving, 0},
		{"wide", 4, 71, halving, 0},
		{"other window", 4, 16, halving, 5},
		{"outside the plane", 4, 16, halving, 64},
		{"not whole", 4, 16, halving, 1.5},
		{"NaN position", 4, 16, halving, float32(math.NaN())},
		{"overlapping", 7, 7, Window{KH: 3, KW: 3, StrideH: 2, StrideW: 2}, 0},
	}
	r := rand.New(rand.NewPCG(5, 6))
	forEachLevel(t, func(t *testing.T) {
		for _, tc := range cases {
			plane := randSlice(r, tc.h*tc.w)
			ph, pw := tc.g.OutSize(tc.h, tc.w)
			_, idx := maxPoolRef(plane, 1, tc.h, tc.w, tc.g)
			if tc.bad != 0 {
				idx[3] = tc.bad
			}
			s := randSlice(r, ph*pw)
			s[0], s[1] = float32(math.Copysign(0, -1)), float32(math.NaN())
			want, got := make([]float32, tc.h*tc.w), make([]float32, tc.h*tc.w)
			for i := range got {
				got[i] = 7 // every value is set
			}
			okWant, okGot := scatterRow(want, s, idx), unpoolPlane(got, s, idx, tc.h, tc.w, ph, pw, tc.g)
			if okGot != okWant {
				t.Errorf("%s: reports %v, want %v", tc.name, okGot, okWant)
			}
			for i := range want {
				if okWant && math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%s: value %d is %v, want %v", tc.name, i, got[i], want[i])
				}
			}
		}
	})
}
