package kernel

// The portable loops behind the element-wise maps; the assembly versions
// replace them where the CPU allows and round alike.

func addVVGo(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + b[i]
	}
}

func subVVGo(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] - b[i]
	}
}

func mulVVGo(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] * b[i]
	}
}

func divVVGo(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] / b[i]
	}
}

func addVSGo(dst, a []float32, s float32) {
	a = a[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + s
	}
}

func mulVSGo(dst, a []float32, s float32) {
	a = a[:len(dst)]
	for i := range dst {
		dst[i] = a[i] * s
	}
}

// rsubVSGo is Map2Scalar's Sub with the scalar on the left: s - x.
func rsubVSGo(dst, a []float32, s float32) {
	a = a[:len(dst)]
	for i := range dst {
		dst[i] = s - a[i]
	}
}

// maxVSGo is Map2Scalar's Max with s not NaN: x where x > s or x is
// NaN, else s.
func maxVSGo(dst, a []float32, s float32) {
	a = a[:len(dst)]
	for i, v := range a {
		if !(v <= s) {
			dst[i] = v
		} else {
			dst[i] = s
		}
	}
}

func axpyGo(dst, x []float32, s float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = fma32(s, x[i], dst[i])
	}
}

func expGo(dst, x []float32)      { mapf(dst, x, expf) }
func logGo(dst, x []float32)      { mapf(dst, x, logf) }
func sigmoidGo(dst, x []float32)  { mapf(dst, x, sigmoidf) }
func siluGo(dst, x []float32)     { mapf(dst, x, siluf) }
func tanhGo(dst, x []float32)     { mapf(dst, x, tanhf) }
func softplusGo(dst, x []float32) { mapf(dst, x, softplusf) }

func sigmoidGradGo(dst, g, y []float32) {
	g, y = g[:len(dst)], y[:len(dst)]
	for i, s := range y {
		dst[i] = g[i] * (s * (1 - s))
	}
}

func tanhGradGo(dst, g, y []float32) {
	g, y = g[:len(dst)], y[:len(dst)]
	for i, t := range y {
		dst[i] = g[i] * (1 - t*t)
	}
}

func reluGradGo(dst, g, x []float32) {
	g, x = g[:len(dst)], x[:len(dst)]
	for i, v := range x {
		dst[i] = g[i] * b2f(v > 0)
	}
}

func reluGo(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		if v > 0 || v != v {
			dst[i] = v
		} else {
			dst[i] = 0
		}
	}
}

func leakyGo(dst, x []float32, slope float32) {
	x = x[:len(dst)]
	for i, v := range x {
		if v > 0 {
			dst[i] = v
		} else {
			dst[i] = slope * v
		}
	}
}

func leakyGradGo(dst, g, x []float32, slope float32) {
	g, x = g[:len(dst)], x[:len(dst)]
	for i, v := range x {
		f := slope
		if v > 0 {
			f = 1
		}
		dst[i] = g[i] * f
	}
}

// siluGradGo takes x before g, like its assembly version.
func siluGradGo(dst, x, g []float32) {
	g, x = g[:len(dst)], x[:len(dst)]
	sigmoidGo(dst, x)
	for i, s := range dst {
		dst[i] = g[i] * (s + x[i]*s*(1-s))
	}
}

// fma32 returns a*b + c as a fused multiply-add does: the product of two
// float32 values is exact in float64, and only the sum is rounded (to
// float64, then float32; the double rounding can differ from one rounding
// by 1 ULP, rarely).
func fma32(a, b, c float32) float32 { return float32(float64(a)*float64(b) + float64(c)) }
