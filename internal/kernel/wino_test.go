package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestWino checks the products on minimal filtering against convRef's
// float64 sums within float32 rounding of the values' scale, at every
// level of loops and 1 to 3 threads, the bits the same at every thread
// count and at every level; Backward, BackwardAct, InputGradAct,
// ForwardMap and ForwardWeightGrad give the bits of the products they
// stand for, BackwardAct's bias gradient those of the unfolded path's.
func TestWino(t *testing.T) {
	defer SetThreads(0)
	defer func(n, d int) { winoMinCO, winoDeepFloats = n, d }(winoMinCO, winoDeepFloats)
	winoMinCO = 1
	winoDeepFloats = 1 << 16 // several groups of WeightGrad's chunks
	s2 := Window{KH: 4, KW: 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}
	cases := []Conv{
		{N: 1, C: 3, H: 7, W: 9, O: 5, Win: s2},
		{N: 2, C: 5, H: 14, W: 14, O: 7, Win: s2},
		{N: 5, C: 17, H: 9, W: 6, O: 19, Win: s2},
		{N: 3, C: 6, H: 16, W: 11, O: 33, Win: s2},
		{N: 4, C: 2, H: 2, W: 3, O: 3, Win: s2},
		{N: 0, C: 2, H: 6, W: 6, O: 3, Win: s2},
		// Several chunks of images, and several groups of them.
		{N: 40, C: 24, H: 14, W: 14, O: 20, Win: s2},
	}
	act := func(dst, g, y []float32) { LeakyReLUGrad(dst, g, y, 0.2) }
	levels := make([][][]float32, len(cases)) // each case's products at the first level
	forEachLevel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(9, 10)) // the same inputs at every level
		for ci, cv := range cases {
			_, _, l, k := cv.dims()
			x, wt := randSlice(r, cv.N*cv.C*cv.H*cv.W), randSlice(r, cv.O*k)
			bias, ibias, gy, ay := randSlice(r, cv.O), randSlice(r, cv.C), randSlice(r, cv.N*cv.O*l), randSlice(r, cv.N*cv.O*l)
			g := make([]float32, len(gy))
			act(g, gy, ay)
			wantY, wantDx, wantDw := convRef(cv, x, wt, bias, ibias, g)
			var first [][]float32
			for _, threads := range []int{1, 2, 3} {
				SetThreads(threads)
				name := fmt.Sprintf("threads=%d/%+v", threads, cv)
				y, dx, dw := make([]float32, len(wantY)), make([]float32, len(wantDx)), make([]float32, len(wantDw))
				cv.Forward(y, x, wt, bias)
				cv.InputGrad(dx, g, wt, ibias)
				cv.WeightGrad(dw, x, g)
				for _, c := range []struct {
					name      string
					got, want []float32
				}{{"Forward", y, wantY}, {"InputGrad", dx, wantDx}, {"WeightGrad", dw, wantDw}} {
					if d := winoErr(c.got, c.want); d > 1e-5 {
						t.Errorf("%s: %s differs from the reference by %.3g of its scale", name, c.name, d)
					}
				}
				got := [][]float32{y, dx, dw}
				if first == nil {
					first = [][]float32{slices.Clone(y), slices.Clone(dx), slices.Clone(dw)}
					if levels[ci] == nil {
						levels[ci] = first
					}
					for i, s := range got {
						if !slices.Equal(s, levels[ci][i]) {
							t.Errorf("%s: product %d differs from the first level's", name, i)
						}
					}
				}
				for i, s := range got {
					if !slices.Equal(s, first[i]) {
						t.Errorf("%s: product %d differs from one thread's", name, i)
					}
				}
				// The composite calls give the bits of the products.
				cv.Forward(y, x, wt, nil)
				cv.InputGrad(dx, g, wt, nil)
				wdx, wdw := make([]float32, len(dx)), make([]float32, len(dw))
				cv.Backward(wdx, wdw, x, g, wt)
				if !slices.Equal(wdx, dx) || !slices.Equal(wdw, dw) {
					t.Errorf("%s: Backward differs from InputGrad and WeightGrad", name)
				}
				wdb := make([]float32, cv.O)
				clear(wdx)
				cv.BackwardAct(wdx, wdw, wdb, x, gy, wt, ActGrad{Y: ay, Grad: act})
				if !slices.Equal(wdx, dx) || !slices.Equal(wdw, dw) {
					t.Errorf("%s: BackwardAct differs from InputGrad and WeightGrad", name)
				}
				winoMinCO = math.MaxInt
				udb := make([]float32, cv.O)
				cv.BackwardAct(nil, make([]float32, len(dw)), udb, x, gy, wt, ActGrad{Y: ay, Grad: act})
				winoMinCO = 1
				if !slices.Equal(wdb, udb) {
					t.Errorf("%s: BackwardAct's bias gradient differs from the unfolded path's", name)
				}
				cv.InputGradAct(wdx, gy, wt, ActGrad{Y: ay, Grad: act})
				if !slices.Equal(wdx, dx) {
					t.Errorf("%s: InputGradAct differs from InputGrad", name)
				}
				// ForwardMap hands each image's finished maps to act once.
				wy := make([]float32, len(y))
				cv.ForwardMap(wy, x, wt, nil, func(lo, hi int) {
					for i := lo; i < hi; i++ {
						wy[i] = -wy[i]
					}
				})
				for i := range wy {
					wy[i] = -wy[i]
				}
				if !slices.Equal(wy, y) {
					t.Errorf("%s: ForwardMap's act does not see Forward's maps once each", name)
				}
				cv.ForwardWeightGrad(wy, wdw, x, g, wt)
				if !slices.Equal(wy, y) || !slices.Equal(wdw, dw) {
					t.Errorf("%s: ForwardWeightGrad differs from Forward and WeightGrad", name)
				}
			}
		}
	})
}

// winoErr returns the largest difference between got and want over the
// largest magnitude of want.
func winoErr(got, want []float32) float64 {
	var d, m float64
	for i, w := range want {
		d = max(d, math.Abs(float64(got[i])-float64(w)))
		m = max(m, math.Abs(float64(w)))
	}
	return d / max(m, 1)
}

// BenchmarkWino times the three products of dcgan's 64->128 4x4 layer
// (batch 64), and of two narrower 4x4 stride-2 layers, on minimal filtering
// and unfolded, in GFLOP/s of the direct products (the unfolded
// product's FLOPs) and ms of the fastest call.
func BenchmarkWino(b *testing.B) {
	defer func(n int) { winoMinCO = n }(winoMinCO)
	s2 := Window{KH: 4, KW: 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}
	for _, cv := range []Conv{
		{N: 64, C: 64, H: 14, W: 14, O: 128, Win: s2},
		// Either side of winoMinCO.
		{N: 64, C: 16, H: 28, W: 28, O: 32, Win: s2},
		{N: 64, C: 8, H: 28, W: 28, O: 16, Win: s2},
	} {
		r := rand.New(rand.NewPCG(1, 2))
		_, _, l, k := cv.dims()
		x, wt := randSlice(r, cv.N*cv.C*cv.H*cv.W), randSlice(r, cv.O*k)
		y, dw := randSlice(r, cv.N*cv.O*l), make([]float32, cv.O*k)
		flops := 2 * float64(cv.N*cv.O*k*l)
		for _, path := range []struct {
			name  string
			minCO int
		}{{"unfolded", math.MaxInt}, {"wino", 1}} {
			for _, p := range []struct {
				name string
				f    func()
			}{
				{"Forward", func() { cv.Forward(y, x, wt, nil) }},
				{"InputGrad", func() { cv.InputGrad(x, y, wt, nil) }},
				{"WeightGrad", func() { cv.WeightGrad(dw, x, y) }},
			} {
				b.Run(fmt.Sprintf("%dx%d-%d-%d/%s/%s", cv.H, cv.W, cv.C, cv.O, path.name, p.name), func(b *testing.B) {
					winoMinCO = path.minCO
					best := math.Inf(1)
					for range b.N {
						start := time.Now()
						p.f()
						best = min(best, float64(time.Since(start)))
					}
					b.ReportMetric(flops/best, "best-GFLOP/s")
					b.ReportMetric(best/1e6, "best-ms")
				})
			}
		}
	}
}
