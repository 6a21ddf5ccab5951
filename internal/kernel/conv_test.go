package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// convRef computes Forward (with bias), InputGrad (with ibias) and
// WeightGrad from im2colRef and plain loops, image by image.
func convRef(cv Conv, x, wt, bias, ibias, gy []float32) (y, dx, dw []float32) {
	_, _, l, k := cv.dims()
	img := cv.C * cv.H * cv.W
	y, dx, dw = make([]float32, cv.N*cv.O*l), make([]float32, cv.N*img), make([]float32, cv.O*k)
	dcols := make([]float32, cv.N*k*l)
	dw64 := make([]float64, cv.O*k)
	cols := im2colRef(x, cv.N, cv.C, cv.H, cv.W, cv.Win)
	for b := range cv.N {
		cb, db := cols[b*k*l:], dcols[b*k*l:]
		for o := range cv.O {
			for j := range l {
				s := 0.0
				if bias != nil {
					s = float64(bias[o])
				}
				g := float64(gy[(b*cv.O+o)*l+j])
				for r := range k {
					s += float64(wt[o*k+r]) * float64(cb[r*l+j])
					db[r*l+j] += float32(float64(wt[o*k+r]) * g)
					dw64[o*k+r] += g * float64(cb[r*l+j])
				}
				y[(b*cv.O+o)*l+j] = float32(s)
			}
		}
	}
	for i, v := range dw64 {
		dw[i] = float32(v)
	}
	if ibias != nil {
		for i := range dx {
			dx[i] = ibias[i/(cv.H*cv.W)%cv.C]
		}
	}
	Col2im(dx, dcols, cv.N, cv.C, cv.H, cv.W, cv.Win)
	return y, dx, dw
}

func TestConv(t *testing.T) {
	defer SetThreads(0)
	// The unfolded products, exact on small integers (TestWino checks
	// minimal filtering).
	defer func(n int) { winoMinCO = n }(winoMinCO)
	winoMinCO = math.MaxInt
	defer func(k *gemmKernel) { activeKernel = k }(activeKernel)
	cases := []Conv{
		{N: 3, C: 2, H: 6, W: 7, O: 5, Win: Window{KH: 3, KW: 3}},
		{N: 4, C: 3, H: 9, W: 8, O: 4, Win: Window{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
		{N: 5, C: 2, H: 10, W: 9, O: 3, Win: Window{KH: 4, KW: 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
		{N: 2, C: 1, H: 9, W: 10, O: 2, Win: Window{KH: 2, KW: 3, DilationH: 2, DilationW: 3, PadW: 1}},
		{N: 1, C: 3, H: 5, W: 5, O: 7, Win: Window{KH: 1, KW: 1}},
		{N: 0, C: 2, H: 5, W: 5, O: 2, Win: Window{KH: 3, KW: 3}},
		// Several images per chunk and several chunks per thread.
		{N: 40, C: 8, H: 12, W: 12, O: 6, Win: Window{KH: 3, KW: 3, PadH: 1, PadW: 1}},
		// Two images per chunk, each image's product written in place.
		{N: 5, C: 1, H: 28, W: 28, O: 3, Win: Window{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
		// One image per chunk.
		{N: 3, C: 16, H: 40, W: 40, O: 3, Win: Window{KH: 3, KW: 3, PadH: 1, PadW: 1}},
		// Through the phases of the images, several images per chunk,
		// and one chunk whose channels are split across the threads.
		{N: 6, C: 3, H: 14, W: 10, O: 5, Win: Window{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
		{N: 5, C: 2, H: 8, W: 12, O: 3, Win: Window{KH: 4, KW: 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
		{N: 3, C: 2, H: 6, W: 6, O: 2, Win: Window{KH: 5, KW: 5, StrideH: 2, StrideW: 2, PadH: 2, PadW: 2}},
		{N: 8, C: 32, H: 14, W: 14, O: 4, Win: Window{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
		// Through the strips of the images: several images per chunk, and
		// one chunk whose channels are split across the threads.
		{N: 7, C: 3, H: 13, W: 13, O: 4, Win: Window{KH: 3, KW: 3}},
		{N: 5, C: 2, H: 9, W: 11, O: 3, Win: Window{KH: 5, KW: 3, PadH: 2, PadW: 1}},
		{N: 8, C: 32, H: 13, W: 13, O: 4, Win: Window{KH: 3, KW: 3}},
		// Windows of nine values and channels in eights (conv9): strided,
		// not, over nine channels, and too few positions for an AVX-512
		// block but not for an AVX2 one.
		{N: 5, C: 1, H: 28, W: 28, O: 16, Win: Window{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
		{N: 3, C: 1, H: 13, W: 11, O: 8, Win: Window{KH: 3, KW: 3}},
		{N: 3, C: 9, H: 5, W: 7, O: 24, Win: Window{KH: 1, KW: 1}},
		{N: 4, C: 1, H: 6, W: 6, O: 8, Win: Window{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
		// convnet's conv1, whose maps are pooled as they are made.
		{N: 3, C: 1, H: 28, W: 28, O: 32, Win: Window{KH: 3, KW: 3}},
		// Weight rows of 1024 values, which the products read from a copy
		// with longer rows (weightOf).
		{N: 3, C: 64, H: 6, W: 6, O: 13, Win: Window{KH: 4, KW: 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
		// The phases' columns a block of channels at a time
		// (blockChannels), the last block shorter.
		{N: 8, C: 40, H: 8, W: 8, O: 3, Win: Window{KH: 4, KW: 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
	}
	// Every GEMM kernel with the best window loops; the fastest kernel
	// with the other levels of those loops.
	forEachLevel(t, func(t *testing.T) {
		kerns := kernels
		if t.Name() != fmt.Sprintf("TestConv/level%d", bestLevel) {
			kerns = kernels[:1]
		}
		testConv(t, cases, kerns)
	})
}

// TestConvWeightGradSame checks that Backward and BackwardMaxPool, with
// the input gradient or without, and ForwardWeightGrad sum the weight
// gradient of random floats in WeightGrad's order: bit for bit the same,
// at 1 to 3 threads, ForwardWeightGrad's maps also Forward's. Its 4x4
// layers have C*O below winoMinCO: on minimal filtering BackwardMaxPool
// keeps the unfolded products, and TestWino checks the others.
func TestConvWeightGradSame(t *testing.T) {
	defer SetThreads(0)
	r := rand.New(rand.NewPCG(3, 4))
	randFloats := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(r.NormFloat64())
		}
		return s
	}
	pool := Window{KH: 2, KW: 2, StrideH: 2, StrideW: 2}
	for _, cv := range []Conv{
		{N: 64, C: 1, H: 28, W: 28, O: 32, Win: Window{KH: 3, KW: 3}},
		{N: 16, C: 32, H: 14, W: 14, O: 64, Win: Window{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
		// A 4x4 layer whose columns come a block of channels at a time.
		{N: 10, C: 24, H: 14, W: 14, O: 16, Win: Window{KH: 4, KW: 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
		// One whose weight gradient's chunks are wider than Forward's.
		{N: 10, C: 16, H: 14, W: 14, O: 16, Win: Window{KH: 4, KW: 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
	} {
		oh, ow, l, k := cv.dims()
		ph, pw := pool.OutSize(oh, ow)
		x, wt, gm := randFloats(cv.N*cv.C*cv.H*cv.W), randFloats(cv.O*k), randFloats(cv.N*cv.O*ph*pw)
		m, idx, gy := make([]float32, len(gm)), make([]float32, len(gm)), make([]float32, cv.N*cv.O*l)
		cv.ForwardMaxPool(m, idx, x, wt, nil, pool)
		ScatterSum(gy, gm, idx, cv.N*cv.O, ph*pw, l, 1)
		for _, threads := range []int{1, 2, 3} {
			SetThreads(threads)
			want, dw, dx := make([]float32, cv.O*k), make([]float32, cv.O*k), make([]float32, len(x))
			wantY, y := make([]float32, len(gy)), make([]float32, len(gy))
			cv.WeightGrad(want, x, gy)
			cv.Forward(wantY, x, wt, nil)
			for name, f := range map[string]func(){
				"Backward":                   func() { cv.Backward(dx, dw, x, gy, wt) },
				"ForwardWeightGrad":          func() { cv.ForwardWeightGrad(y, dw, x, gy, wt) },
				"BackwardMaxPool":            func() { cv.BackwardMaxPool(dx, dw, nil, x, gm, idx, wt, pool) },
				"BackwardMaxPool without dx": func() { cv.BackwardMaxPool(nil, dw, nil, x, gm, idx, wt, pool) },
			} {
				clear(dw)
				f()
				if !slices.Equal(dw, want) {
					t.Errorf("%+v threads=%d: %s's weight gradient differs from WeightGrad's", cv, threads, name)
				}
				if name == "ForwardWeightGrad" && !slices.Equal(y, wantY) {
					t.Errorf("%+v threads=%d: ForwardWeightGrad's maps differ from Forward's", cv, threads)
				}
			}
		}
	}
}

// TestConvBackwardAct checks that BackwardAct and InputGradAct, which
// take the maps' gradient through an activation as they read it, give
// bit for bit Backward's, WeightGrad's and InputGrad's of that gradient
// taken whole first, and the bias gradient of its planes' sums added in
// float64, and with no activation (a zero ActGrad) Backward's, at every
// level of loops and 1 to 3 threads: through the
// phases, the strips, conv9 and a weight with rows of 1024 values.
func TestConvBackwardAct(t *testing.T) {
	defer SetThreads(0)
	s2 := func(k int) Window { return Window{KH: k, KW: k, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1} }
	cases := []Conv{
		{N: 6, C: 1, H: 28, W: 28, O: 8, Win: s2(4)},
		{N: 9, C: 64, H: 6, W: 6, O: 5, Win: s2(4)},
		{N: 5, C: 3, H: 13, W: 13, O: 4, Win: Window{KH: 3, KW: 3}},
		{N: 5, C: 1, H: 28, W: 28, O: 16, Win: s2(3)},
	}
	act := func(dst, g, y []float32) { LeakyReLUGrad(dst, g, y, 0.2) }
	r := rand.New(rand.NewPCG(5, 6))
	forEachLevel(t, func(t *testing.T) {
		for _, threads := range []int{1, 2, 3} {
			SetThreads(threads)
			for _, cv := range cases {
				_, _, l, k := cv.dims()
				x, wt := randSlice(r, cv.N*cv.C*cv.H*cv.W), randSlice(r, cv.O*k)
				gy, y := randSlice(r, cv.N*cv.O*l), randSlice(r, cv.N*cv.O*l)
				g := make([]float32, len(gy))
				act(g, gy, y)
				wantDx, wantDw, wantDb := make([]float32, len(x)), make([]float32, cv.O*k), make([]float32, cv.O)
				cv.Backward(wantDx, wantDw, x, g, wt)
				for o := range cv.O {
					var s float64
					for b := range cv.N {
						s += float64(Sum(g[(b*cv.O+o)*l : (b*cv.O+o+1)*l]))
					}
					wantDb[o] = float32(s)
				}
				dx, dw, db := make([]float32, len(x)), make([]float32, cv.O*k), make([]float32, cv.O)
				a := ActGrad{Y: y, Grad: act}
				name := fmt.Sprintf("threads=%d/%+v", threads, cv)
				check := func(how string) {
					for _, c := range []struct {
						name      string
						got, want []float32
					}{{"image", dx, wantDx}, {"weight", dw, wantDw}, {"bias", db, wantDb}} {
						if !slices.Equal(c.got, c.want) {
							t.Errorf("%s: BackwardAct's %s gradient %s differs from Backward's", name, c.name, how)
						}
					}
				}
				cv.BackwardAct(dx, dw, db, x, gy, wt, a)
				check("with an activation")
				// No activation (ActGrad{}): the maps' gradient g as it is.
				clear(dx)
				clear(dw)
				clear(db)
				cv.BackwardAct(dx, dw, db, x, g, wt, ActGrad{})
				check("without an activation")
				clear(dw)
				cv.BackwardAct(nil, dw, nil, x, gy, wt, a)
				if !slices.Equal(dw, wantDw) {
					t.Errorf("%s: BackwardAct's weight gradient without the images' differs", name)
				}
				cv.InputGradAct(dx, gy, wt, a)
				cv.InputGrad(wantDx, g, wt, nil)
				if !slices.Equal(dx, wantDx) {
					t.Errorf("%s: InputGradAct differs from InputGrad", name)
				}
			}
		}
	})
}

// TestConvChecks checks that a slice too short panics naming the
// operation called and the slice.
func TestConvChecks(t *testing.T) {
	cv := Conv{N: 2, C: 1, H: 6, W: 6, O: 2, Win: Window{KH: 3, KW: 3}}
	_, _, l, k := cv.dims()
	x, wt, gy, dw := make([]float32, 2*36), make([]float32, cv.O*k), make([]float32, 2*cv.O*l), make([]float32, cv.O*k)
	pool := Window{KH: 2, KW: 2, StrideH: 2, StrideW: 2}
	m := make([]float32, 2*cv.O*4)
	for _, c := range []struct {
		want string
		f    func()
	}{
		{"Conv.InputGrad: map", func() { cv.InputGrad(x, gy[:5], wt, nil) }},
		{"Conv.InputGradAct: map", func() { cv.InputGradAct(x, gy[:5], wt, ActGrad{Y: gy}) }},
		{"Conv.InputGradAct: activation", func() { cv.InputGradAct(x, gy, wt, ActGrad{Y: gy[:5]}) }},
		{"Conv.Backward: image gradient", func() { cv.Backward(x[:5], dw, x, gy, wt) }},
		{"Conv.Backward: weight gradient", func() { cv.Backward(x, dw[:5], x, gy, wt) }},
		{"Conv.Backward: map", func() { cv.Backward(x, dw, x, gy[:5], wt) }},
		{"Conv.ForwardWeightGrad: output map", func() { cv.ForwardWeightGrad(gy[:5], dw, x, gy, wt) }},
		{"Conv.ForwardWeightGrad: weight gradient", func() { cv.ForwardWeightGrad(gy, dw[:5], x, gy, wt) }},
		{"Conv.BackwardMaxPool: weight gradient", func() { cv.BackwardMaxPool(nil, dw[:5], nil, x, m, m, wt, pool) }},
		{"Conv.BackwardMaxPool: position", func() { cv.BackwardMaxPool(nil, dw, nil, x, m, m[:5], wt, pool) }},
	} {
		func() {
			defer func() {
				if msg, _ := recover().(string); !strings.Contains(msg, c.want) {
					t.Errorf("panic %q, want one naming %q", msg, c.want)
				}
			}()
			c.f()
		}()
	}
}

// testConv checks the cases with each of kerns at 1 to 3 threads.
func testConv(t *testing.T, cases []Conv, kerns []*gemmKernel) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, kern := range kerns {
		activeKernel = kern
		for _, threads := range []int{1, 2, 3} {
			SetThreads(threads)
			for _, cv := range cases {
				t.Run(fmt.Sprintf("%s/threads=%d/%+v", kern.name, threads, cv), func(t *testing.T) {
					_, _, l, k := cv.dims()
					x := randSlice(r, cv.N*cv.C*cv.H*cv.W)
					wt, bias, ibias := randSlice(r, cv.O*k), randSlice(r, cv.O), randSlice(r, cv.C)
					gy := randSlice(r, cv.N*cv.O*l)
					wantY, wantDx, wantDw := convRef(cv, x, wt, bias, ibias, gy)
					y, dx, dw := make([]float32, len(wantY)), make([]float32, len(wantDx)), make([]float32, len(wantDw))
					for i := range dx {
						dx[i] = 1e9 // overwritten
					}
					cv.Forward(y, x, wt, bias)
					cv.InputGrad(dx, gy, wt, ibias)
					cv.WeightGrad(dw, x, gy)
					// Small integers: every sum is exact.
					for _, c := range []struct {
						name      string
						got, want []float32
					}{{"Forward", y, wantY}, {"InputGrad", dx, wantDx}, {"WeightGrad", dw, wantDw}} {
						if !slices.Equal(c.got, c.want) {
							t.Errorf("%s differs from the reference", c.name)
						}
					}
					cv.Forward(y, x, wt, nil)
					cv.InputGrad(dx, gy, wt, nil)
					wantY, wantDx, _ = convRef(cv, x, wt, nil, nil, gy)
					if !slices.Equal(y, wantY) || !slices.Equal(dx, wantDx) {
						t.Errorf("Forward or InputGrad without bias differs from the reference")
					}
					for _, s := range [][]float32{dx, dw} {
						for i := range s {
							s[i] = 1e9 // overwritten
						}
					}
					cv.Backward(dx, dw, x, gy, wt)
					if !slices.Equal(dx, wantDx) || !slices.Equal(dw, wantDw) {
						t.Errorf("Backward differs from the reference")
					}
					for _, s := range [][]float32{y, dw} {
						for i := range s {
							s[i] = 1e9 // overwritten
						}
					}
					cv.ForwardWeightGrad(y, dw, x, gy, wt)
					if !slices.Equal(y, wantY) || !slices.Equal(dw, wantDw) {
						t.Errorf("ForwardWeightGrad differs from the reference")
					}
					testForwardMaxPool(t, cv, x, wt, bias)
					scale, scaled := randSlice(r, len(gy)), make([]float32, len(gy))
					Map2(Mul, scaled, gy, scale)
					cv.InputGrad(wantDx, scaled, wt, nil)
					cv.InputGradAct(dx, gy, wt, ActGrad{Y: scale})
					if !slices.Equal(dx, wantDx) {
						t.Errorf("InputGradAct by a scale differs from InputGrad of the scaled maps")
					}
				})
			}
		}
	}
}

// testForwardMaxPool checks that ForwardMaxPool gives MaxPool2d of
// Forward's maps, through halving windows and overlapping padded ones,
// and BackwardMaxPool the gradients of the maps' gradient scattered from
// the pooled one, through halving windows; and ForwardMaxPoolReLU and
// BackwardMaxPoolReLU the same with ReLU and ReLUGrad on the pooled maps.
func testForwardMaxPool(t *testing.T, cv Conv, x, wt, bias []float32) {
	oh, ow, l, k := cv.dims()
	y := make([]float32, cv.N*cv.O*l)
	cv.Forward(y, x, wt, bias)
	for _, pool := range []Window{{KH: 2, KW: 2, StrideH: 2, StrideW: 2}, {KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}} {
		ph, pw := pool.OutSize(oh, ow)
		if ph <= 0 || pw <= 0 {
			continue
		}
		n := cv.N * cv.O * ph * pw
		pooled, wantI := make([]float32, n), make([]float32, n)
		MaxPool2d(pooled, wantI, y, cv.N*cv.O, oh, ow, pool)
		for _, relu := range []bool{false, true} {
			name, forward, backward := "MaxPool", cv.ForwardMaxPool, cv.BackwardMaxPool
			wantM, gm := pooled, randSlice(rand.New(rand.NewPCG(5, 6)), n)
			gs := gm // the maps' gradient scattered
			if relu {
				name, forward = "MaxPoolReLU", cv.ForwardMaxPoolReLU
				wantM, gs = make([]float32, n), make([]float32, n)
				ReLU(wantM, pooled)
				ReLUGrad(gs, gm, wantM)
				backward = func(dx, dw, db, x, gm, idx, wt []float32, pool Window) bool {
					return cv.BackwardMaxPoolReLU(dx, dw, db, x, gm, wantM, idx, wt, pool)
				}
			}
			m, idx := make([]float32, n), make([]float32, n)
			forward(m, idx, x, wt, bias, pool)
			if !slices.Equal(m, wantM) || !slices.Equal(idx, wantI) {
				t.Errorf("Forward%s with %+v differs from Forward then MaxPool2d", name, pool)
			}
			if !pool.halving() {
				continue
			}
			gy := make([]float32, len(y))
			ScatterSum(gy, gs, wantI, cv.N*cv.O, ph*pw, l, 1)
			wantDx, wantDw, wantDb := make([]float32, len(x)), make([]float32, cv.O*k), make([]float32, cv.O)
			cv.InputGrad(wantDx, gy, wt, nil)
			cv.WeightGrad(wantDw, x, gy)
			for o := range cv.O {
				var s float64
				for b := range cv.N {
					s += float64(Sum(gy[(b*cv.O+o)*l : (b*cv.O+o+1)*l]))
				}
				wantDb[o] = float32(s)
			}
			dx, dw, db := make([]float32, len(x)), make([]float32, cv.O*k), make([]float32, cv.O)
			if !backward(dx, dw, db, x, gm, wantI, wt, pool) ||
				!slices.Equal(dx, wantDx) || !slices.Equal(dw, wantDw) || !slices.Equal(db, wantDb) {
				t.Errorf("Backward%s with %+v differs from the gradients of the scattered maps", name, pool)
			}
			if !backward(nil, dw, nil, x, gm, wantI, wt, pool) || !slices.Equal(dw, wantDw) {
				t.Errorf("Backward%s with %+v for the weight alone differs from WeightGrad", name, pool)
			}
			if n > 0 {
				bad := slices.Clone(wantI)
				bad[n-1] = float32(l)
				if backward(nil, dw, nil, x, gm, bad, wt, pool) {
					t.Errorf("Backward%s took a position outside its plane", name)
				}
			}
		}
	}
}

// BenchmarkConv times the three products on the convolutions of the
// bench workloads, 16 images at a time (calls short enough that some run
// undisturbed on a shared machine), in GFLOP/s of the fastest call; also
// Backward (both gradients) and, with 2x2 pooling, ForwardMaxPool and
// BackwardMaxPool, each counted as the products it takes.
func BenchmarkConv(b *testing.B) {
	s2 := func(k int) Window { return Window{KH: k, KW: k, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1} }
	cases := []struct {
		name string
		cv   Conv
	}{
		{"conv_ae-conv1", Conv{N: 16, C: 1, H: 28, W: 28, O: 32, Win: s2(3)}},
		{"conv_ae-conv2", Conv{N: 16, C: 32, H: 14, W: 14, O: 64, Win: s2(3)}},
		{"dcgan-conv1", Conv{N: 16, C: 1, H: 28, W: 28, O: 64, Win: s2(4)}},
		{"dcgan-conv2", Conv{N: 16, C: 64, H: 14, W: 14, O: 128, Win: s2(4)}},
		{"convnet-conv1", Conv{N: 16, C: 1, H: 28, W: 28, O: 32, Win: Window{KH: 3, KW: 3}}},
		{"convnet-conv2", Conv{N: 16, C: 32, H: 13, W: 13, O: 64, Win: Window{KH: 3, KW: 3}}},
		// A padded stride-1 layer, as a residual block's.
		{"same-3x3", Conv{N: 16, C: 32, H: 14, W: 14, O: 32, Win: Window{KH: 3, KW: 3, PadH: 1, PadW: 1}}},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range cases {
		cv := c.cv
		_, _, l, k := cv.dims()
		x, wt := randSlice(r, cv.N*cv.C*cv.H*cv.W), randSlice(r, cv.O*k)
		y, dw, dx := randSlice(r, cv.N*cv.O*l), make([]float32, cv.O*k), make([]float32, len(x))
		flops := 2 * float64(cv.N*cv.O*k*l)
		oh, ow := cv.Win.OutSize(cv.H, cv.W)
		pool := Window{KH: 2, KW: 2, StrideH: 2, StrideW: 2}
		ph, pw := pool.OutSize(oh, ow)
		m, idx := make([]float32, cv.N*cv.O*ph*pw), make([]float32, cv.N*cv.O*ph*pw)
		for _, p := range []struct {
			name     string
			products float64
			f        func()
		}{
			{"Forward", 1, func() { cv.Forward(y, x, wt, nil) }},
			{"InputGrad", 1, func() { cv.InputGrad(x, y, wt, nil) }},
			{"WeightGrad", 1, func() { cv.WeightGrad(dw, x, y) }},
			{"Backward", 2, func() { cv.Backward(dx, dw, x, y, wt) }},
			{"ForwardMaxPool", 1, func() { cv.ForwardMaxPool(m, idx, x, wt, nil, pool) }},
			{"BackwardMaxPool", 2, func() { cv.BackwardMaxPool(dx, dw, nil, x, m, idx, wt, pool) }},
		} {
			b.Run(c.name+"/"+p.name, func(b *testing.B) {
				best := time.Duration(math.MaxInt64)
				for range b.N {
					start := time.Now()
					p.f()
					best = min(best, time.Since(start))
				}
				// The fastest call is the one least disturbed by other
				// work on a shared machine.
				b.ReportMetric(p.products*flops/best.Seconds()/1e9, "best-GFLOP/s")
			})
		}
	}
}
