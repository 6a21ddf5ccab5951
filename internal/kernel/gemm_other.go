//go:build !amd64

package kernel

// kernels lists the micro-kernels this CPU can run, fastest first.
var kernels = []*gemmKernel{goKernel}

// activeKernel is the micro-kernel Sgemm uses.
var activeKernel = kernels[0]

// dot4x4, dot8x1 and packRows16 have no portable version: products they
// would serve take the other paths, and packing copies one value at a time.
var (
	dot4x4     func(k int, a, b *[4][]float32, out *[16]float32)
	dot8x1     func(k int, a []float32, lda int, b []float32, out *[8]float32)
	packRows16 func(dst, src []float32, rs, blocks, width int)
)
