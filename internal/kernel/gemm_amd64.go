package kernel

import "golang.org/x/sys/cpu"

// Register tiles of the assembly micro-kernels. AVX-512: 12 rows of two
// 16-float ZMM accumulators (24 of the 32 registers). AVX2: 6 rows of two
// 8-float YMM accumulators (12 of the 16 registers).
const (
	avx512MR, avx512NR = 12, 32
	avx2MR, avx2NR     = 6, 16
)

// Cache blocks measured best on AMD Zen 4 (32 KiB L1d, 1 MiB L2 per core):
// a deep kc keeps the C tile's loads and stores rare, and an mc-by-kc block
// of A plus one kc-by-nr panel of B (about 700 KiB for AVX-512) stay in
// L2, from which the hardware prefetchers stream both panels fast enough.
var (
	avx512Kernel = &gemmKernel{name: "avx512", mr: avx512MR, nr: avx512NR, mc: 144, kc: 1024, nc: 2048, fn: kernelAVX512, partial: []int{1, 4, 8}}
	avx2Kernel   = &gemmKernel{name: "avx2", mr: avx2MR, nr: avx2NR, mc: 144, kc: 512, nc: 2048, fn: kernelAVX2}
)

// kernels lists the micro-kernels this CPU can run, fastest first.
var kernels = availableKernels()

// dot4x4 is the AVX-512 dot-product tile where the CPU has it.
var dot4x4 = dot4x4Func()

func dot4x4Func() func(k int, a, b *[4][]float32, out *[16]float32) {
	if !hasAVX512 {
		return nil
	}
	return func(k int, a, b *[4][]float32, out *[16]float32) {
		for i := range a {
			_, _ = a[i][k-1], b[i][k-1]
		}
		sdot4x4(k, &a[0][0], &a[1][0], &a[2][0], &a[3][0], &b[0][0], &b[1][0], &b[2][0], &b[3][0], out)
	}
}

// dot8x1 is the AVX-512 kernel for eight dot products with one vector
// where the CPU has it.
var dot8x1 = dot8x1Func()

func dot8x1Func() func(k int, a []float32, lda int, b []float32, out *[8]float32) {
	if !hasAVX512 {
		return nil
	}
	return func(k int, a []float32, lda int, b []float32, out *[8]float32) {
		_, _ = a[7*lda+k-1], b[k-1]
		sdot8x1(k, &a[0], lda, &b[0], out)
	}
}

// packRows16 packs sixteen contiguous rows sixteen steps of k at a time
// with AVX-512 where the CPU has it (see packPanel).
var packRows16 = packRows16Func()

func packRows16Func() func(dst, src []float32, rs, blocks, width int) {
	if !hasAVX512 {
		return nil
	}
	return func(dst, src []float32, rs, blocks, width int) {
		_, _ = src[15*rs+16*blocks-1], dst[(16*blocks-1)*width+15]
		packT16x16(blocks, &src[0], rs, &dst[0], width)
	}
}

// activeKernel is the micro-kernel Sgemm uses.
var activeKernel = kernels[0]

func availableKernels() []*gemmKernel {
	var ks []*gemmKernel
	if hasAVX512 {
		ks = append(ks, avx512Kernel)
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, avx2Kernel)
	}
	return append(ks, goKernel)
}

//go:noescape
func sgemm12x32(kc int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc int, alpha, beta float32, rows int, mask uint32, cbias, rbias *float32)

//go:noescape
func sgemm12x16(kc int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc int, alpha, beta float32, rows int, mask uint32, cbias, rbias *float32)

//go:noescape
func sgemm8x32(kc int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc int, alpha, beta float32, rows int, mask uint32, cbias, rbias *float32)

//go:noescape
func sgemm4x32(kc int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc int, alpha, beta float32, rows int, mask uint32, cbias, rbias *float32)

//go:noescape
func sgemm1x32(kc int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc int, alpha, beta float32, rows int, mask uint32, cbias, rbias *float32)

//go:noescape
func sdot4x4(k int, a0, a1, a2, a3, b0, b1, b2, b3 *float32, out *[16]float32)

//go:noescape
func sdot8x1(k int, a *float32, lda int, b *float32, out *[8]float32)

//go:noescape
func packT16x16(blocks int, src *float32, rs int, dst *float32, width int)

//go:noescape
func sgemm6x16(kc int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc int, alpha, beta float32, cbias, rbias *float32)

// kernelAVX512 and kernelAVX2 check, once per tile, that the slices hold
// every element the assembly will touch, then call it. The AVX-512 kernel
// stores partial tiles itself, with masks, and for a tile of at most eight,
// four or one rows multiplies only that many rows of A, and for more than
// eight rows and at most 16 columns (sgemm12x16) only the first 16
// columns of B (a last column panel of a product such as 392 or 784
// columns wide); the AVX2 one goes
// through a scratch tile. Both add the bias in registers before the store.
func kernelAVX512(kc int, a []float32, rsa, csa int, b []float32, rsb int, c []float32, ldc, mv, nv int, alpha, beta float32, bias tileBias) {
	_ = b[(kc-1)*rsb+avx512NR-1]
	_ = c[(mv-1)*ldc+nv-1]
	mask := uint32(uint64(1)<<nv - 1)
	var rowBias [avx512MR]float32
	cb, rb := biasPointers(bias, mv, nv, rowBias[:])
	switch {
	case mv == 1:
		_ = a[(kc-1)*csa]
		sgemm1x32(kc, &a[0], rsa, csa, &b[0], rsb, &c[0], ldc, alpha, beta, mv, mask, cb, rb)
	case mv <= 4:
		_ = a[3*rsa+(kc-1)*csa]
		sgemm4x32(kc, &a[0], rsa, csa, &b[0], rsb, &c[0], ldc, alpha, beta, mv, mask, cb, rb)
	case mv <= 8:
		_ = a[7*rsa+(kc-1)*csa]
		sgemm8x32(kc, &a[0], rsa, csa, &b[0], rsb, &c[0], ldc, alpha, beta, mv, mask, cb, rb)
	case nv <= avx512NR/2:
		_ = a[(avx512MR-1)*rsa+(kc-1)*csa]
		sgemm12x16(kc, &a[0], rsa, csa, &b[0], rsb, &c[0], ldc, alpha, beta, mv, mask, cb, rb)
	default:
		_ = a[(avx512MR-1)*rsa+(kc-1)*csa]
		sgemm12x32(kc, &a[0], rsa, csa, &b[0], rsb, &c[0], ldc, alpha, beta, mv, mask, cb, rb)
	}
}

// biasPointers returns the bias of an mv-by-nv tile for the assembly
// kernels: cb points at its nv values on columns, rb at its values on
// rows, nil where there are none. The kernels read the column values
// under the tile's column mask but a row value for every row they
// multiply, so a bias on fewer rows than pad holds is copied into pad
// first.
func biasPointers(bias tileBias, mv, nv int, pad []float32) (cb, rb *float32) {
	switch {
	case bias.v == nil:
		return nil, nil
	case !bias.rows:
		_ = bias.v[nv-1]
		return &bias.v[0], nil
	case len(bias.v) < len(pad):
		copy(pad, bias.v[:mv])
		return nil, &pad[0]
	}
	return nil, &bias.v[0]
}

func kernelAVX2(kc int, a []float32, rsa, csa int, b []float32, rsb int, c []float32, ldc, mv, nv int, alpha, beta float32, bias tileBias) {
	_ = a[(avx2MR-1)*rsa+(kc-1)*csa]
	_ = b[(kc-1)*rsb+avx2NR-1]
	if mv == avx2MR && nv == avx2NR {
		_ = c[(avx2MR-1)*ldc+avx2NR-1]
		var rowBias [avx2MR]float32
		cb, rb := biasPointers(bias, mv, nv, rowBias[:])
		sgemm6x16(kc, &a[0], rsa, csa, &b[0], rsb, &c[0], ldc, alpha, beta, cb, rb)
		return
	}
	var tmp [avx2MR * avx2NR]float32
	sgemm6x16(kc, &a[0], rsa, csa, &b[0], rsb, &tmp[0], avx2NR, 1, 0, nil, nil)
	addTile(c, ldc, 1, tmp[:], avx2NR, mv, nv, alpha, beta, bias)
}
