// Package kernel holds gibbs's numeric kernels: matrix multiplication and the
// loops that tensor operations run on raw float32 slices.
//
// Sgemm follows the blocked scheme of Goto and van de Geijn ("Anatomy of
// High-Performance Matrix Multiplication", ACM TOMS 34(3), 2008) as refined
// by BLIS (Van Zee and van de Geijn, ACM TOMS 41(3), 2015): op(B) is copied
// into column panels that stay in cache, op(A) into row panels, and a
// register-blocked micro-kernel multiplies one row panel by one column panel.
// The micro-kernel is written in assembly for AVX-512 and AVX2+FMA and chosen
// at run time; other CPUs use a portable Go micro-kernel.
package kernel

import "fmt"

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices,
// where op(X) is X or its transpose. op(A) is m-by-k, op(B) is k-by-n and C
// is m-by-n; lda, ldb and ldc are the row strides of A, B and C as stored.
// When beta is 0, C is overwritten and its old contents (NaN included) are
// ignored. Sgemm panics if a slice is too short for its shape and stride.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs("Sgemm", transA, transB, 1, m, n, k, a, lda, 0, b, ldb, 0, c, ldc, 0)
	p := newGemmArgs(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	p.run(activeKernel, Threads(), pathAuto)
}

// SgemmMap is Sgemm with a bias, followed by C = f(C) for an element-wise
// map f: C = f(alpha*op(A)*op(B) + bias + beta*C), where bias, unless
// nil, holds n values, bias[j] added to each value of column j. The
// product adds the bias in registers as it stores each tile of C, and
// applies f to each block of C as it finishes the block, while the block
// is still in cache: a dense layer's bias and activation without a pass
// of their own over the output. f(dst, x) must set dst[i] = g(x[i]) for
// one function g and accept dst and x being the same slice (ReLU, Tanh
// and Sigmoid do); it is called on runs of C of any length, possibly from
// several goroutines at once, inside the kernels' parallel jobs, so it
// must not take locks or wait on other goroutines. A nil f applies no
// map.
func SgemmMap(f func(dst, x []float32), transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, bias, c []float32, ldc int) {
	checkArgs("SgemmMap", transA, transB, 1, m, n, k, a, lda, 0, b, ldb, 0, c, ldc, 0)
	if bias != nil && len(bias) < n {
		panic(fmt.Sprintf("kernel: SgemmMap: len(bias)=%d, want at least n=%d", len(bias), n))
	}
	p := newGemmArgs(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	p.epi = f
	p.bias.v = bias
	p.run(activeKernel, Threads(), pathAuto)
}

// SgemmAdd sets C = C + op(A)*op(B), Sgemm with alpha and beta 1, with
// the bits of the product computed alone and then added to C: each value
// is summed along k as Sgemm sums it and rounded once more as C's value is
// added. A backward pass adds a gradient into the one it has gathered so
// far with it: where k fits one depth block, with no temporary and no pass
// of its own over the sum; a deeper k goes through a scratch matrix added
// to C after the product.
func SgemmAdd(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	checkArgs("SgemmAdd", transA, transB, 1, m, n, k, a, lda, 0, b, ldb, 0, c, ldc, 0)
	p := newGemmArgs(transA, transB, m, n, k, 1, a, lda, b, ldb, 1, c, ldc)
	p.addOnce = true
	p.run(activeKernel, Threads(), pathAuto)
}

// gemmArgs holds one product with each operand described by its element
// strides: op(A)(i,p) = a[i*rsa+p*csa], op(B)(p,j) = b[p*rsb+j*csb] and
// C(i,j) = c[i*rsc+j*csc]. Strides let the driver fold transposes into
// packing and compute C^T = op(B)^T op(A)^T by swapping roles.
type gemmArgs struct {
	m, n, k     int
	alpha, beta float32
	a, b, c     []float32
	rsa, csa    int
	rsb, csb    int
	rsc, csc    int
	epi         func(dst, x []float32) // applied to C as it is finished (SgemmMap)
	// bias is added to C as the first block of depth is stored, in the
	// orientation of C as the product computes it (transpose turns a
	// bias on columns into one on rows).
	bias tileBias
	// epiParts says that the path applies epi to each part of C it
	// finishes; otherwise it applies it to all of C at the end.
	epiParts bool
	// addOnce asks that beta*C be added to the whole product once
	// (SgemmAdd), not to the sum of each block of depth in turn.
	addOnce bool
}

func newGemmArgs(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) gemmArgs {
	p := gemmArgs{m: m, n: n, k: k, alpha: alpha, beta: beta, a: a, b: b, c: c,
		rsa: lda, csa: 1, rsb: ldb, csb: 1, rsc: ldc, csc: 1}
	if transA {
		p.rsa, p.csa = 1, lda
	}
	if transB {
		p.rsb, p.csb = 1, ldb
	}
	return p
}

// checkArgs panics unless the sizes are non-negative, the leading
// dimensions are at least the stored widths and every slice holds batch
// matrices laid out at the given strides, without the C matrices overlapping.
func checkArgs(op string, transA, transB bool, batch, m, n, k int, a []float32, lda, strideA int, b []float32, ldb, strideB int, c []float32, ldc, strideC int) {
	if m < 0 || n < 0 || k < 0 || batch < 0 {
		panic(fmt.Sprintf("kernel: %s: negative size batch=%d m=%d n=%d k=%d", op, batch, m, n, k))
	}
	if strideA < 0 || strideB < 0 || strideC < 0 {
		panic(fmt.Sprintf("kernel: %s: negative batch stride %d, %d, %d", op, strideA, strideB, strideC))
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkOperand(op, "A", a, ar, ac, lda, batch, strideA)
	checkOperand(op, "B", b, br, bc, ldb, batch, strideB)
	checkOperand(op, "C", c, m, n, ldc, batch, strideC)
	if batch > 1 && m > 0 && n > 0 && strideC != 0 && strideC < (m-1)*ldc+n {
		panic(fmt.Sprintf("kernel: %s: C matrices overlap: strideC=%d for %dx%d with ldc=%d", op, strideC, m, n, ldc))
	}
}

// checkOperand checks one stored rows-by-cols operand with row stride ld.
func checkOperand(op, name string, x []float32, rows, cols, ld, batch, stride int) {
	if ld < cols {
		panic(fmt.Sprintf("kernel: %s: leading dimension of %s is %d, want at least %d", op, name, ld, cols))
	}
	if rows == 0 || cols == 0 || batch == 0 {
		return
	}
	need := (batch-1)*stride + (rows-1)*ld + cols
	if len(x) < need {
		panic(fmt.Sprintf("kernel: %s: len(%s)=%d, want at least %d for %d %dx%d matrices with stride %d", op, name, len(x), need, batch, rows, cols, ld))
	}
}

// Paths that run picks between; tests force each one.
const (
	pathAuto   = iota
	pathDirect // micro-kernel reads A and B in place where it can
	pathPacked // A and B copied into panels first
	pathDot    // dot products along k (falls back to pathDirect where it does not apply)
)

// ParallelMinWork is the fewest multiply-adds (m*n*k) of a product that
// the kernels split across threads: below it, waking workers costs more
// than it saves.
const ParallelMinWork = 1 << 19

// directMaxWork is the most multiply-adds (m*n*k) of a product that the
// run-time choice sends down the direct path: below it, packing costs
// more than it saves, for an op(A) read transposed over a long k too (a
// transformer's 512 -> 128 weight gradient, 128 x 512 x 2048 with A read
// transposed, ran at 94-107 GFLOP/s direct and 80-85 blocked on one Zen 4
// core; 64 x 512 x 4096 at 90-94 and 71-81; 32 x 256 x 1024 at 78-108
// and 61-63).
const directMaxWork = 768 * 768 * 768

// run computes the product with kern on up to threads goroutines; with
// pathAuto it picks the path, and a narrower kernel for narrow products.
func (p *gemmArgs) run(kern *gemmKernel, threads int, path int) {
	if p.m == 0 || p.n == 0 {
		return
	}
	if p.k == 0 || p.alpha == 0 {
		p.scaleC()
		p.mapBlock(0, p.m, 0, p.n)
		return
	}
	if p.m*p.n*p.k < ParallelMinWork {
		threads = 1
	}
	if path == pathDot || path == pathAuto && p.dotPays() {
		if buf, ok := p.dotReady(); ok {
			gemmDot(p, threads)
			p.mapBlock(0, p.m, 0, p.n)
			if buf != nil {
				putBuf(buf)
			}
			return
		}
		if path == pathDot {
			path = pathDirect
		}
	}
	// A vector register spans columns of C; when C has fewer columns than
	// a register tile but more rows, and A's columns are contiguous,
	// computing C^T = op(B)^T op(A)^T wastes less.
	if p.n < kern.nr && p.m > p.n && p.rsa == 1 {
		p.transpose()
	}
	if path == pathAuto {
		kern = narrowest(kern, p.n)
		path = pathPacked
		if p.m*p.n*p.k <= directMaxWork {
			path = pathDirect
		}
	}
	if path == pathDirect {
		gemmDirect(kern, p, threads)
		return
	}
	gemmPacked(kern, p, threads)
}

// transpose turns p into the product C^T = op(B)^T op(A)^T, which stores
// the same values.
func (p *gemmArgs) transpose() {
	p.m, p.n = p.n, p.m
	p.a, p.b = p.b, p.a
	p.rsa, p.csa, p.rsb, p.csb = p.csb, p.rsb, p.csa, p.rsa
	p.rsc, p.csc = p.csc, p.rsc
	p.bias.rows = !p.bias.rows
}

// narrowest returns kern, or for a product only n columns wide another
// assembly kernel whose narrower tile pads n to at most half the width.
// Smaller savings do not pay: the AVX-512 kernel masks its last columns
// and reuses each loaded row of B for more rows of A than the AVX2 one.
func narrowest(kern *gemmKernel, n int) *gemmKernel {
	for _, k := range kernels {
		if k != goKernel && 2*roundUp(n, k.nr) <= roundUp(n, kern.nr) {
			kern = k
		}
	}
	return kern
}

// mapParts sets whether p.epi goes to each part of a tm-by-tn grid over
// C as it is finished: only where each part is whole rows of C as stored,
// so one run of memory in a dense C. Narrower parts would cut the map into
// calls on short runs, each costing more (tens of nanoseconds) than the
// cache misses that applying the map at once saves; C then takes it in
// one pass after the product, while it is still in cache.
func (p *gemmArgs) mapParts(tm, tn int) {
	if p.csc == 1 {
		p.epiParts = tn == 1
	} else {
		p.epiParts = tm == 1
	}
}

// mapPart is mapBlock for a part of C that a thread of the product has
// just finished: the map runs on that thread, in pieces short enough that
// it does not split them across the threads again (they are busy with
// the product's other parts).
func (p *gemmArgs) mapPart(r0, r1, c0, c1 int) { p.mapRuns(r0, r1, c0, c1, mapHeavyMinWork) }

// mapBlock applies p.epi, if any, to rows r0..r1 and columns c0..c1 of C,
// one contiguous run of the stored block at a time.
func (p *gemmArgs) mapBlock(r0, r1, c0, c1 int) { p.mapRuns(r0, r1, c0, c1, len(p.c)) }

// mapRuns is mapBlock in calls of at most piece values.
func (p *gemmArgs) mapRuns(r0, r1, c0, c1, piece int) {
	if p.epi == nil || r0 >= r1 || c0 >= c1 {
		return
	}
	runs, width, stride := r1-r0, c1-c0, p.rsc
	if p.csc != 1 { // a transposed C: its columns are the runs
		runs, width, stride = width, runs, p.csc
	}
	base := r0*p.rsc + c0*p.csc
	if stride == width {
		runs, width = 1, runs*width
	}
	for r := 0; r < runs; r++ {
		for lo := base + r*stride; lo < base+r*stride+width; lo += piece {
			x := p.c[lo:min(lo+piece, base+r*stride+width)]
			p.epi(x, x)
		}
	}
}

// scaleC sets C = bias + beta*C, writing the bias (or zeros) when beta
// is 0.
func (p *gemmArgs) scaleC() {
	for i := 0; i < p.m; i++ {
		for j := 0; j < p.n; j++ {
			x := &p.c[i*p.rsc+j*p.csc]
			switch {
			case p.bias.v == nil && p.beta == 0:
				*x = 0
			case p.bias.v == nil:
				*x *= p.beta
			case p.beta == 0:
				*x = p.bias.of(i, j)
			default:
				*x = p.bias.of(i, j) + p.beta**x
			}
		}
	}
}

// KernelName names the GEMM micro-kernel this CPU runs: "avx512", "avx2"
// or "go".
func KernelName() string { return activeKernel.name }
