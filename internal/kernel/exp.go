package kernel

import "math"

// The scalar functions below are the portable versions of the maps: they
// compute in float64 with polynomials whose error is far below float32
// resolution, so each result is the float32 rounding of a value within
// 1e-12 (relative) of the exact one. The vector loops of exp_amd64.s
// (AVX-512) and exp_avx2_amd64.s (AVX2, the same bits) compute in float32
// and are a little less accurate; each map's doc states the bound for all.

// exp64 returns e^x for x in [-708, 710] (+Inf above 709.78), by the reduction x = n ln2 + r
// with |r| <= ln2/2 and the Taylor series of e^r to degree 11, whose
// truncation error is below 7e-15 (relative).
func exp64(x float64) float64 {
	const (
		log2e = 1.4426950408889634
		ln2hi = 6.93147180369123816490e-01 // ln2 split so n*ln2hi is exact
		ln2lo = 1.90821492927058770002e-10
	)
	// Adding and removing 1.5*2^52 rounds to the nearest whole number.
	n := (x*log2e + 0x1.8p52) - 0x1.8p52
	r := (x - n*ln2hi) - n*ln2lo
	p := 1.0 / 39916800
	p = p*r + 1.0/3628800
	p = p*r + 1.0/362880
	p = p*r + 1.0/40320
	p = p*r + 1.0/5040
	p = p*r + 1.0/720
	p = p*r + 1.0/120
	p = p*r + 1.0/24
	p = p*r + 1.0/6
	p = p*r + 0.5
	p = p*r + 1
	p = p*r + 1
	return p * math.Float64frombits(uint64(int64(n)+1023)<<52)
}

// clampExp limits x to [-708, 710]: below, every float32 result is 0;
// at the top, exp64 gives +Inf (its scale 2^1024 overflows).
func clampExp(x float32) float64 {
	return min(max(float64(x), -708), 710)
}

// log64 returns ln x for a positive normal x, by x = m 2^e with m in
// [sqrt(1/2), sqrt(2)) and ln m = 2 atanh(s), s = (m-1)/(m+1) <= 0.172,
// summed to s^13 (truncation error below 1e-11, relative).
func log64(x float64) float64 {
	b := math.Float64bits(x)
	e := float64(int64(b>>52) - 1023)
	m := math.Float64frombits(b&(1<<52-1) | 1023<<52)
	if m > math.Sqrt2 {
		m *= 0.5
		e++
	}
	s := (m - 1) / (m + 1)
	s2 := s * s
	p := 1.0 / 13
	p = p*s2 + 1.0/11
	p = p*s2 + 1.0/9
	p = p*s2 + 1.0/7
	p = p*s2 + 1.0/5
	p = p*s2 + 1.0/3
	p = p*s2 + 1
	return e*math.Ln2 + 2*s*p
}

// expf returns e^x rounded to float32; NaN stays NaN.
func expf(x float32) float32 {
	if x != x {
		return x
	}
	return float32(exp64(clampExp(x)))
}

// logf returns ln x rounded to float32, with log's special cases
// (0 -> -Inf, negative -> NaN, +Inf -> +Inf).
func logf(x float32) float32 {
	if !(x >= 0x1p-126 && x <= math.MaxFloat32) {
		return float32(math.Log(float64(x)))
	}
	return float32(log64(float64(x)))
}

// sigmoid64 returns 1 / (1 + e^-x).
func sigmoid64(x float32) float64 {
	return 1 / (1 + exp64(clampExp(-x)))
}

func sigmoidf(x float32) float32 {
	if x != x {
		return x
	}
	return float32(sigmoid64(x))
}

func siluf(x float32) float32 {
	if x != x {
		return x
	}
	return float32(float64(x) * sigmoid64(x))
}

// tanhf returns tanh x = (e^2x - 1) / (e^2x + 1), from its Taylor series
// near 0 where the difference would cancel.
func tanhf(x float32) float32 {
	v := float64(x)
	a := math.Abs(v)
	switch {
	case x != x:
		return x
	case a < 0x1p-12:
		v2 := v * v
		return float32(v + v*v2*(-1.0/3+v2*(2.0/15)))
	case a > 10: // tanh(10) rounds to 1 in float32
		return float32(math.Copysign(1, v))
	}
	e := exp64(2 * a)
	return float32(math.Copysign((e-1)/(e+1), v))
}

// softplusf returns ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|).
func softplusf(x float32) float32 {
	if x != x {
		return x
	}
	u := exp64(clampExp(-float32(math.Abs(float64(x)))))
	w := 1 + u
	// ln(w) corrected for the rounding of 1 + u (log1p from log).
	l := log64(w) - ((w-1)-u)/w
	return float32(max(float64(x), 0) + l)
}

// The maps below read len(dst) values of x (and g); the assembly versions
// compute in float32 (see exp_amd64.s), the portable ones in float64. Each
// states the largest distance from the correctly rounded result that
// TestTranscendentalULP measures for either.

// Exp sets dst[i] = e^x[i], within 1 ULP.
func Exp(dst, x []float32) { heavy1(expVec, dst, x) }

// Log sets dst[i] = ln x[i], within 1 ULP.
func Log(dst, x []float32) { heavy1(logVec, dst, x) }

// Sigmoid sets dst[i] = 1 / (1 + e^-x[i]), within 2 ULPs.
func Sigmoid(dst, x []float32) { heavy1(sigmoidVec, dst, x) }

// SiLU sets dst[i] = x[i] * sigmoid(x[i]), within 3 ULPs.
func SiLU(dst, x []float32) { heavy1(siluVec, dst, x) }

// Tanh sets dst[i] = tanh x[i], within 2 ULPs.
func Tanh(dst, x []float32) { heavy1(tanhVec, dst, x) }

// Softplus sets dst[i] = ln(1 + e^x[i]), within 2 ULPs.
func Softplus(dst, x []float32) { heavy1(softplusV, dst, x) }

// SigmoidGrad sets dst[i] = g[i] * y[i] * (1 - y[i]): the gradient of
// sigmoid at its output y.
func SigmoidGrad(dst, g, y []float32) { map2(sigmoidGV, dst, g, y) }

// TanhGrad sets dst[i] = g[i] * (1 - y[i]^2): the gradient of tanh at its
// output y.
func TanhGrad(dst, g, y []float32) { map2(tanhGV, dst, g, y) }

// ReLUGrad sets dst[i] = g[i] where x[i] > 0, else g[i] * 0.
func ReLUGrad(dst, g, x []float32) { map2(reluGV, dst, g, x) }

// SiLUGrad sets dst[i] = g[i] * (s + x[i] s (1 - s)) with s =
// sigmoid(x[i]): the gradient of SiLU at its input x.
func SiLUGrad(dst, g, x []float32) { heavy2(siluGV, dst, x[:len(dst)], g) }

// ReLU sets dst[i] = x[i] where x[i] > 0 or x[i] is NaN, else +0.
func ReLU(dst, x []float32) { map1(reluVec, dst, x) }

// LeakyReLU sets dst[i] = x[i] where x[i] > 0, else slope * x[i].
func LeakyReLU(dst, x []float32, slope float32) { map1s(leakyVec, dst, x, slope) }

// LeakyReLUGrad sets dst[i] = g[i] where x[i] > 0, else g[i] * slope: the
// gradient of LeakyReLU at its input x.
func LeakyReLUGrad(dst, g, x []float32, slope float32) {
	map2s(leakyGV, dst, g, x, slope)
}

// mapf sets dst[i] = f(x[i]); the calls are direct when f is a constant
// function the compiler inlines mapf into.
func mapf(dst, x []float32, f func(float32) float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = f(x[i])
	}
}
