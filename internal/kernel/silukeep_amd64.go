package kernel

//go:noescape
func siluKeepAVX512(dst, x, y []float32)

//go:noescape
func siluKeepAVX2(dst, x, y []float32)
