package kernel

// siluKeepVec is SiLUKeep's loop at the CPU's level, set by useLevel:
// d = silu'(x) and y = silu(x).
var siluKeepVec func(d, x, y []float32)

// SiLUKeep sets y[i] = x[i] sigmoid(x[i]), as SiLU does, and d[i] to
// SiLU's derivative at x[i], s + x[i] s (1 - s) with s = sigmoid(x[i]),
// as SiLUGrad computes it, from one exponential a value: a backward pass
// that multiplies its gradient by d gets SiLUGrad's result without
// evaluating the sigmoid again. y may be x; d must be apart from both.
func SiLUKeep(y, d, x []float32) { heavy2(siluKeepVec, d, x[:len(d)], y[:len(d)]) }

// siluKeepGo is the portable siluKeepVec.
func siluKeepGo(d, x, y []float32) {
	x, y = x[:len(d)], y[:len(d)]
	for i, v := range x {
		if v != v {
			y[i], d[i] = v, v // as sigmoidf and siluf give
			continue
		}
		s64 := sigmoid64(v)
		s := float32(s64)
		y[i] = float32(float64(v) * s64) // siluf's bits, from the same sigmoid
		d[i] = s + v*s*(1-s)
	}
}
