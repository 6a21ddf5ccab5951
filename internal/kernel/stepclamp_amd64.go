package kernel

//go:noescape
func stepClampAVX512(y, g, n []float32, a, b, lo, hi float32)

//go:noescape
func stepClampAVX2(y, g, n []float32, a, b, lo, hi float32)
