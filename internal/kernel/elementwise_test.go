package kernel

import (
	"fmt"
	"math"
	"testing"
)

// forEachLevel runs f once for every level of loops the CPU supports (see
// useLevel), then restores the best one.
func forEachLevel(t *testing.T, f func(t *testing.T)) {
	defer useLevel(bestLevel)
	for l := levelPortable; l <= bestLevel; l++ {
		useLevel(l)
		t.Run(fmt.Sprintf("level%d", l), f)
	}
}

// The vector loops round exactly as the portable ones: the plain maps,
// the gradient maps and Adam give the same bits at every level.
func TestLevelsBitExact(t *testing.T) {
	const n = 77 // whole vector steps and a tail at every width
	a, b, c := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range a {
		a[i] = float32(math.Sin(float64(i))) * 3
		b[i] = float32(math.Cos(float64(i)*0.7)) + 0.01
		c[i] = float32(i%5) * 0.1
	}
	b[3], a[5], a[7] = float32(math.NaN()), float32(math.Inf(-1)), float32(math.NaN())
	a[9], a[11] = float32(math.Copysign(0, -1)), 0
	two := func(name string, vec, ref func(dst, x, y []float32)) func(*testing.T) {
		return func(t *testing.T) {
			got, want := make([]float32, n), make([]float32, n)
			vec(got, a, b)
			ref(want, a, b)
			sameBits(t, name, got, want)
		}
	}
	s := &AdamStep{B1: 0.9, B2: 0.999, K1: 0.1, K2: 0.001, NegStep: -1e-3, C2: 0.3, Eps: 1e-8, WD: 0.01, Shrink: 0.999}
	forEachLevel(t, func(t *testing.T) {
		two("Add", func(d, x, y []float32) { Map2(Add, d, x, y) }, addVVGo)(t)
		two("Sub", func(d, x, y []float32) { Map2(Sub, d, x, y) }, subVVGo)(t)
		two("Mul", func(d, x, y []float32) { Map2(Mul, d, x, y) }, mulVVGo)(t)
		two("Div", func(d, x, y []float32) { Map2(Div, d, x, y) }, divVVGo)(t)
		two("AddScalar", func(d, x, _ []float32) { Map2Scalar(Add, d, x, 0.3, false) }, func(d, x, _ []float32) { addVSGo(d, x, 0.3) })(t)
		two("MulScalar", func(d, x, _ []float32) { Map2Scalar(Mul, d, x, -1.7, false) }, func(d, x, _ []float32) { mulVSGo(d, x, -1.7) })(t)
		two("ScalarMinus", func(d, x, _ []float32) { Map2Scalar(Sub, d, x, 1, true) }, func(d, x, _ []float32) { ref2s(Sub, d, x, 1, true) })(t)
		two("MaxScalar", func(d, x, _ []float32) { Map2Scalar(Max, d, x, -0.5, false) }, func(d, x, _ []float32) { ref2s(Max, d, x, -0.5, false) })(t)
		two("MaxScalarZero", func(d, x, _ []float32) { Map2Scalar(Max, d, x, 0, false) }, func(d, x, _ []float32) { ref2s(Max, d, x, 0, false) })(t)
		two("Axpy", func(d, x, y []float32) { copy(d, y); Axpy(d, x, 0.7) }, func(d, x, y []float32) { copy(d, y); axpyGo(d, x, 0.7) })(t)
		two("SigmoidGrad", SigmoidGrad, sigmoidGradGo)(t)
		two("TanhGrad", TanhGrad, tanhGradGo)(t)
		two("ReLUGrad", ReLUGrad, reluGradGo)(t)
		two("Fill", func(d, _, _ []float32) { Fill(d, -2.5) }, func(d, _, _ []float32) { fillGo(d, -2.5) })(t)
		two("ReLU", func(d, x, _ []float32) { ReLU(d, x) }, func(d, x, _ []float32) { reluGo(d, x) })(t)
		two("LeakyReLU", func(d, x, _ []float32) { LeakyReLU(d, x, 0.2) }, func(d, x, _ []float32) { leakyGo(d, x, 0.2) })(t)
		two("LeakyReLUGrad", func(d, x, y []float32) { LeakyReLUGrad(d, x, y, 0.2) }, func(d, x, y []float32) { leakyGradGo(d, x, y, 0.2) })(t)
		two("NormApply", func(d, x, _ []float32) { NormApply(d, x, 0.3, -1.7, 0.45) }, func(d, x, _ []float32) { normApplyGo(d, x, 0.3, -1.7, 0.45) })(t)
		two("NormAffine", func(d, x, y []float32) { normAffineVec(d, x, y, c, 0.3, -1.7) }, func(d, x, y []float32) { normAffineGo(d, x, y, c, 0.3, -1.7) })(t)
		// e^x has the bits of its level (see exp.go), and so has e^(x + s).
		two("ExpAdd", func(d, x, _ []float32) { expAddVec(d, x, -0.6) }, func(d, x, _ []float32) { addVS(d, x, -0.6); expVec(d, d) })(t)
		two("AddMul", func(d, x, y []float32) { addMulVec(d, x, y, 0.35) }, func(d, x, y []float32) { addVSGo(d, x, 0.35); mulVVGo(d, d, y) })(t)
		ns := &NormGradStep{M: 0.3, R: 1.9, W: -0.8, MG: 0.07, MGX: -0.6}
		two("NormGrad", func(d, x, y []float32) { NormGrad(d, x, y, ns) }, func(d, x, y []float32) { normGradGo(d, x, y, ns) })(t)
		state := func() [4][]float32 {
			return [4][]float32{append([]float32(nil), a...), append([]float32(nil), b...), append([]float32(nil), c...), append([]float32(nil), c...)}
		}
		got, want := state(), state()
		Adam(got[0], got[1], got[2], got[3], nil, s)
		adamGo(want[0], want[1], want[2], want[3], nil, s)
		for i, name := range []string{"Adam x", "Adam g", "Adam m", "Adam v"} {
			sameBits(t, name, got[i], want[i])
		}
	})
}

// ref2s sets dst[i] = x[i] op s, or s op x[i] when left is set, one pair
// at a time.
func ref2s(op Op, dst, x []float32, s float32, left bool) {
	for i := range dst {
		if left {
			dst[i] = apply(op, s, x[i])
		} else {
			dst[i] = apply(op, x[i], s)
		}
	}
}

func sameBits(t *testing.T, name string, got, want []float32) {
	t.Helper()
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
			t.Errorf("%s: [%d] = %g, want %g", name, i, got[i], want[i])
			return
		}
	}
}

// Maps long enough to be split across threads give the bits of the whole
// loop, whatever the number of threads.
func TestMapsSplit(t *testing.T) {
	n := 2*mapMinWork + 37
	x, y := make([]float32, n), make([]float32, n)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)*0.37)) * 4
		y[i] = float32(math.Cos(float64(i) * 0.11))
	}
	defer SetThreads(0)
	for _, threads := range []int{1, 2, 3} {
		SetThreads(threads)
		got, want := make([]float32, n), make([]float32, n)
		Map2(Mul, got, x, y)
		mulVVGo(want, x, y)
		sameBits(t, fmt.Sprintf("Mul, %d threads", threads), got, want)
		LeakyReLUGrad(got, y, x, 0.1)
		leakyGradGo(want, y, x, 0.1)
		sameBits(t, fmt.Sprintf("LeakyReLUGrad, %d threads", threads), got, want)
		Exp(got, x)
		Exp(want[:n/3], x[:n/3])
		Exp(want[n/3:], x[n/3:])
		sameBits(t, fmt.Sprintf("Exp, %d threads", threads), got, want)
		// The maps of exponentials split from mapHeavyMinWork values.
		h := 2*mapHeavyMinWork + 37
		SiLUGrad(got[:h], y, x)
		SiLUGrad(want[:h/3], y, x)
		SiLUGrad(want[h/3:h], y[h/3:], x[h/3:])
		sameBits(t, fmt.Sprintf("SiLUGrad, %d threads", threads), got[:h], want[:h])
	}
}

// Sum and Dot give the bits of their definitions (sumBlockGo or
// dotBlockGo on each block, block totals added in float64) at every
// level, for every remainder in the 32 lanes and the eight, and around
// the block boundaries; NaN and infinities included.
func TestSumLevels(t *testing.T) {
	x, y := make([]float32, 2*sumBlock+77), make([]float32, 2*sumBlock+77)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)*1.7)) * float32(1+i%13*1000)
		y[i] = float32(math.Cos(float64(i)*0.3)) + 0.1
	}
	lengths := []int{sumBlock - 1, sumBlock, sumBlock + 1, 2*sumBlock + 40, len(x)}
	for n := 0; n <= 100; n++ {
		lengths = append(lengths, n)
	}
	forEachLevel(t, func(t *testing.T) {
		for _, n := range lengths {
			var want float64
			for lo := 0; lo < n; lo += sumBlock {
				want += float64(sumBlockGo(x[lo:min(lo+sumBlock, n)]))
			}
			if got := Sum(x[:n]); math.Float32bits(got) != math.Float32bits(float32(want)) {
				t.Fatalf("Sum of %d values = %v, its definition gives %v", n, got, float32(want))
			}
			want = 0
			for lo := 0; lo < n; lo += sumBlock {
				hi := min(lo+sumBlock, n)
				want += float64(dotBlockGo(x[lo:hi], y[lo:hi]))
			}
			if got := Dot(x[:n], y); math.Float32bits(got) != math.Float32bits(float32(want)) {
				t.Fatalf("Dot of %d values = %v, its definition gives %v", n, got, float32(want))
			}
		}
		inf := []float32{1, float32(math.Inf(1)), 2, 3, 4, 5, 6, 7, float32(math.Inf(-1))}
		if got := Sum(inf); got == got {
			t.Errorf("Sum(+Inf, -Inf) = %v, want NaN", got)
		}
	})
}

// The rounding error of Sum and Dot does not grow with the length: long
// sums of 0.1 (where one float32 accumulator loses three digits by a
// million values) and of values of both signs stay within a few float32
// roundings of the float64 sum, at every level.
func TestSumAccuracy(t *testing.T) {
	const n = 1 << 22
	tenth, mixed, ones := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range tenth {
		tenth[i] = 0.1
		mixed[i] = float32(math.Sin(float64(i)*0.37)) + 0.25
		ones[i] = 1
	}
	forEachLevel(t, func(t *testing.T) {
		for _, c := range []struct {
			name string
			x    []float32
			n    int
		}{{"0.1", tenth, 1e6}, {"0.1", tenth, n}, {"sin+0.25", mixed, n}} {
			x := c.x[:c.n]
			var want, abs float64
			for _, v := range x {
				want += float64(v)
				abs += math.Abs(float64(v))
			}
			t.Logf("%d values %s: Sum %.2g, Dot %.2g", c.n, c.name, math.Abs(float64(Sum(x))-want)/abs, math.Abs(float64(Dot(x, ones[:c.n]))-want)/abs)
			if err := math.Abs(float64(Sum(x))-want) / abs; err > 2e-7 {
				t.Errorf("Sum of %d values %s: relative error %.2g", c.n, c.name, err)
			}
			if err := math.Abs(float64(Dot(x, ones[:c.n]))-want) / abs; err > 2e-7 {
				t.Errorf("Dot of %d values %s with ones: relative error %.2g", c.n, c.name, err)
			}
		}
	})
}

// Carry adds in float64 and clears the partial sums alike at every level,
// for every remainder in a vector step.
func TestCarryLevels(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		for n := 0; n <= 40; n++ {
			part, acc, want := make([]float32, n), make([]float64, n+1), make([]float64, n+1)
			for i := range part {
				part[i] = float32(math.Sin(float64(i))) * 1e3
				acc[i] = math.Cos(float64(i)) * 1e-3
				want[i] = acc[i] + float64(part[i])
			}
			acc[n], want[n] = 7, 7 // past the end: untouched
			Carry(acc[:n], part)
			for i := range acc {
				if acc[i] != want[i] || (i < n && part[i] != 0) {
					t.Fatalf("Carry of %d values: value %d = %v (part %v), want %v (part 0)", n, i, acc[i], part[min(i, n-1)], want[i])
				}
			}
		}
	})
}

// RowSums has the bits of the rows added one by one and carried every
// CarryRows rows, with and without splitting, on 1-3 threads, for row
// counts below, at and between whole blocks.
func TestRowSums(t *testing.T) {
	defer SetThreads(0)
	for _, rows := range []int{0, 1, 15, 16, 17, 100, 128} {
		for _, k := range []int{1, 5, 40} {
			x := make([]float32, rows*k)
			for i := range x {
				x[i] = float32(math.Sin(float64(i)*0.7)) * float32(1+i%13)
			}
			want, part := make([]float64, k), make([]float32, k)
			for a := range rows {
				for j := range part {
					part[j] += x[a*k+j]
				}
				if (a+1)%CarryRows == 0 {
					carryGo(want, part)
				}
			}
			carryGo(want, part)
			for _, threads := range []int{1, 2, 3} {
				SetThreads(threads)
				for _, split := range []bool{false, true} {
					got := make([]float64, k)
					RowSums(got, rows, split, func(a int, part []float32) { AddTo(part, x[a*k:(a+1)*k]) })
					for j := range want {
						if math.Float64bits(got[j]) != math.Float64bits(want[j]) {
							t.Fatalf("rows=%d k=%d threads=%d split=%v: column %d = %v, want %v", rows, k, threads, split, j, got[j], want[j])
						}
					}
				}
			}
		}
	}
}

// AdamAll gives the bits of Adam on each part alone, whatever the number
// of threads and wherever the pieces cut the parts, AMSGrad's included.
func TestAdamAllSplit(t *testing.T) {
	lens := []int{37, mapHeavyMinWork + 5, 16, 3 * mapHeavyMinWork / 2, 1000}
	s := AdamStep{B1: 0.9, B2: 0.999, K1: 0.1, K2: 0.001, NegStep: -1e-3, C2: 0.3, Eps: 1e-8, WD: 0.01, Shrink: 0.999}
	state := func(amsgrad int) []AdamPart {
		parts := make([]AdamPart, len(lens))
		for i, n := range lens {
			buf := make([]float32, 5*n)
			for j := range buf {
				buf[j] = float32(math.Sin(float64(j*(i+1))*0.37)) * 2
			}
			for j := 3 * n; j < 5*n; j++ {
				buf[j] *= buf[j] // second moments are not negative
			}
			p := AdamPart{X: buf[:n], G: buf[n : 2*n], M: buf[2*n : 3*n], V: buf[3*n : 4*n], Step: s}
			if i == amsgrad {
				p.VMax = buf[4*n:]
			}
			p.Step.NegStep *= float32(i + 1)
			parts[i] = p
		}
		return parts
	}
	defer SetThreads(0)
	for _, threads := range []int{1, 2, 3} {
		SetThreads(threads)
		got, want := state(1), state(1)
		AdamAll(got)
		for i := range want {
			p := &want[i]
			Adam(p.X, p.G, p.M, p.V, p.VMax, &p.Step)
		}
		for i := range got {
			for _, b := range [][2][]float32{{got[i].X, want[i].X}, {got[i].M, want[i].M}, {got[i].V, want[i].V}, {got[i].VMax, want[i].VMax}} {
				sameBits(t, fmt.Sprintf("AdamAll part %d, %d threads", i, threads), b[0], b[1])
			}
		}
	}
}
