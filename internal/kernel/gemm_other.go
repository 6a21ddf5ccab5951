//go:build !amd64

package kernel

// kernels lists the micro-kernels this CPU can run, fastest first.
var kernels = []*gemmKernel{goKernel}

// activeKernel is the micro-kernel Sgemm uses.
var activeKernel = kernels[0]
