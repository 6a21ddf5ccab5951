package kernel

// The portable loops behind Map2 and Map2Scalar; the assembly versions
// replace them where the CPU allows.

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

func expGo(dst, x []float32)     { mapf(dst, x, expf) }
func sigmoidGo(dst, x []float32) { mapf(dst, x, sigmoidf) }
func siluGo(dst, x []float32)    { mapf(dst, x, siluf) }
func tanhGo(dst, x []float32)    { mapf(dst, x, tanhf) }
