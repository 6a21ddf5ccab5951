package kernel

// The masked copies of the phase path (im2col_phase.go) in assembly; each
// reads len(dst) values of x and mask.

//go:noescape
func keepVVAVX512(dst, x, y []float32)

//go:noescape
func addKeepVVAVX512(dst, x, y []float32)

//go:noescape
func keepVVAVX2(dst, x, y []float32)

//go:noescape
func addKeepVVAVX2(dst, x, y []float32)
