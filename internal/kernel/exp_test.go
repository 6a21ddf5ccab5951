package kernel

import (
	"math"
	"testing"
)

// ulps returns the distance between a and b in float32 steps.
func ulps(a, b float32) int64 {
	if a == b || (a != a && b != b) {
		return 0
	}
	if a != a || b != b {
		return math.MaxInt64
	}
	ord := func(f float32) int64 {
		u := int64(math.Float32bits(f))
		if u&(1<<31) != 0 {
			return -(u & (1<<31 - 1))
		}
		return u
	}
	d := ord(a) - ord(b)
	if d < 0 {
		d = -d
	}
	return d
}

// sweep returns inputs spread over [lo, hi]: a dense grid plus values of
// every binade of each sign, zeros, infinities and NaN.
func sweep(lo, hi float64) []float32 {
	var xs []float32
	const n = 200000
	for i := 0; i <= n; i++ {
		xs = append(xs, float32(lo+(hi-lo)*float64(i)/n))
	}
	for e := -149; e <= 127; e++ {
		for _, m := range []float64{1, 1.3, 1.7} {
			v := math.Ldexp(m, e)
			if v <= max(-lo, hi) {
				xs = append(xs, float32(v), float32(-v))
			}
		}
	}
	inf := float32(math.Inf(1))
	return append(xs, 0, float32(math.Copysign(0, -1)), inf, -inf, float32(math.NaN()))
}

type ulpCase struct {
	name   string
	vec    func(dst, x []float32)
	scalar func(float32) float32
	ref    func(float64) float64
	lo, hi float64
	ulps   int64
}

// The largest error, in float32 ULPs against math's float64 function
// rounded to float32, that each map may have, as its doc states, for the
// vector loop in use and the portable scalar function alike.
func TestTranscendentalULP(t *testing.T) {
	tests := []ulpCase{
		{"Exp", Exp, expf, math.Exp, -110, 90, 1},
		{"Log", Log, logf, math.Log, 0, 1e6, 1},
		{"Sigmoid", Sigmoid, sigmoidf, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, -120, 40, 2},
		{"SiLU", SiLU, siluf, func(x float64) float64 { return x / (1 + math.Exp(-x)) }, -120, 40, 3},
		{"Tanh", Tanh, tanhf, math.Tanh, -12, 12, 2},
		{"Softplus", Softplus, softplusf, func(x float64) float64 {
			return max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
		}, -120, 120, 2},
	}
	forEachLevel(t, func(t *testing.T) { checkULP(t, tests) })
}

func checkULP(t *testing.T, tests []ulpCase) {
	for _, tc := range tests {
		xs := sweep(tc.lo, tc.hi)
		got := make([]float32, len(xs))
		tc.vec(got, xs)
		var worst int64
		var at float32
		for i, x := range xs {
			want := float32(tc.ref(float64(x)))
			for _, g := range []float32{got[i], tc.scalar(x)} {
				if d := ulps(g, want); d > worst {
					worst, at = d, x
				}
			}
		}
		if worst > tc.ulps {
			t.Errorf("%s: %d ULPs from math at x = %g, want at most %d", tc.name, worst, at, tc.ulps)
		}
		t.Logf("%s: at most %d ULPs (x = %g)", tc.name, worst, at)
	}
}

// The maps write exactly len(dst) values, whatever the length's remainder
// in the vector width, and the fused gradient maps agree with their
// formulas.
func TestMapLengths(t *testing.T) {
	sig := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	tests := []lengthCase{
		{"Exp", func(d, _, x []float32) { Exp(d, x) }, func(_, x float64) float64 { return math.Exp(x) }, false},
		{"Log", func(d, _, x []float32) { Log(d, x) }, func(_, x float64) float64 { return math.Log(x) }, false},
		{"Tanh", func(d, _, x []float32) { Tanh(d, x) }, func(_, x float64) float64 { return math.Tanh(x) }, false},
		{"Axpy", func(d, g, x []float32) { copy(d, g); Axpy(d, x, 3) }, func(g, x float64) float64 { return g + 3*x }, false},
		{"Div", func(d, g, x []float32) { Map2(Div, d, g, x) }, func(g, x float64) float64 { return g / x }, false},
		{"SigmoidGrad", SigmoidGrad, func(g, y float64) float64 { return g * y * (1 - y) }, false},
		{"TanhGrad", TanhGrad, func(g, y float64) float64 { return g * (1 - y*y) }, false},
		{"ReLUGrad", ReLUGrad, func(g, x float64) float64 { return g * float64(b2f(x > 0)) }, true},
		{"LeakyReLU", func(d, _, x []float32) { LeakyReLU(d, x, 0.2) }, func(_, x float64) float64 { return max(x, 0.2*x) }, true},
		{"LeakyReLUGrad", func(d, g, x []float32) { LeakyReLUGrad(d, g, x, 0.2) }, func(g, x float64) float64 { return g * max(float64(b2f(x > 0)), 0.2) }, true},
		{"SiLUGrad", SiLUGrad, func(g, x float64) float64 { return g * (sig(x) + x*sig(x)*(1-sig(x))) }, false},
	}
	forEachLevel(t, func(t *testing.T) {
		for _, tc := range tests {
			checkLengths(t, tc)
		}
	})
}

type lengthCase struct {
	name   string
	fn     func(dst, g, x []float32)
	ref    func(g, x float64) float64
	signed bool // x takes both signs
}

func checkLengths(t *testing.T, tc lengthCase) {
	for n := 0; n <= 40; n++ {
		g, x := make([]float32, n), make([]float32, n)
		for i := range x {
			g[i] = float32(i%7) - 3
			x[i] = 0.3 + float32(i)*0.05
			if tc.signed {
				x[i] -= 1.2
			}
		}
		dst := make([]float32, n+1)
		dst[n] = 42
		tc.fn(dst[:n], g, x)
		if dst[n] != 42 {
			t.Fatalf("%s: length %d: wrote past the end", tc.name, n)
		}
		for i := range n {
			want := tc.ref(float64(g[i]), float64(x[i]))
			if d := math.Abs(float64(dst[i]) - want); d > 1e-6*max(1, math.Abs(want)) {
				t.Errorf("%s: length %d: [%d] = %g, want %g", tc.name, n, i, dst[i], want)
			}
		}
	}
}
