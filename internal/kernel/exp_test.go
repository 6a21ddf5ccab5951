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

// The largest error, in float32 ULPs against math's float64 function
// rounded to float32, that each map may have: 1 ULP, as the doc says.
func TestTranscendentalULP(t *testing.T) {
	tests := []struct {
		name   string
		vec    func(dst, x []float32)
		scalar func(float32) float32
		ref    func(float64) float64
		lo, hi float64
	}{
		{"Exp", Exp, expf, math.Exp, -110, 90},
		{"Log", Log, logf, math.Log, 0, 1e6},
		{"Sigmoid", Sigmoid, sigmoidf, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, -120, 40},
		{"SiLU", SiLU, siluf, func(x float64) float64 { return x / (1 + math.Exp(-x)) }, -120, 40},
		{"Tanh", Tanh, tanhf, math.Tanh, -12, 12},
		{"Softplus", Softplus, softplusf, func(x float64) float64 {
			return max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
		}, -120, 120},
	}
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
		if worst > 1 {
			t.Errorf("%s: %d ULPs from math at x = %g", tc.name, worst, at)
		}
	}
}
