//go:build !amd64

package kernel

// kernels lists the micro-kernels this CPU can run, fastest first.
var kernels = []*gemmKernel{goKernel}

// activeKernel is the micro-kernel Sgemm uses.
var activeKernel = kernels[0]

// dot4x4 and dot8x1 have no portable version: products they would serve
// take the other paths.
var (
	dot4x4 func(k int, a, b *[4][]float32, out *[16]float32)
	dot8x1 func(k int, a []float32, lda int, b []float32, out *[8]float32)
)
