package kernel

// batchSplitMaxWork is the size (m*n*k) up to which SgemmBatched hands
// whole products to threads instead of splitting each product.
const batchSplitMaxWork = 256 * 256 * 256

// SgemmBatched computes C_i = alpha*op(A_i)*op(B_i) + beta*C_i for
// i = 0..batch-1, where A_i starts at a[i*strideA], B_i at b[i*strideB] and
// C_i at c[i*strideC]; each product is laid out as in Sgemm. A stride of 0
// uses one A or B for every product; the C matrices must not overlap.
func SgemmBatched(transA, transB bool, batch, m, n, k int, alpha float32, a []float32, lda, strideA int, b []float32, ldb, strideB int, beta float32, c []float32, ldc, strideC int) {
	checkArgs("SgemmBatched", transA, transB, batch, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC)
	if batch == 0 || m == 0 || n == 0 {
		return
	}
	if k == 0 { // A and B may be empty: touch only C
		strideA, strideB = 0, 0
	}
	kern, threads := activeKernel, Threads()
	one := func(i, threads int) {
		p := newGemmArgs(transA, transB, m, n, k, alpha, a[i*strideA:], lda, b[i*strideB:], ldb, beta, c[i*strideC:], ldc)
		p.run(kern, threads, pathAuto)
	}
	if threads == 1 || batch == 1 || m*n*k > batchSplitMaxWork {
		for i := 0; i < batch; i++ {
			one(i, threads)
		}
		return
	}
	nt := min(threads, batch)
	parallelFor(nt, func(t int) {
		for i := t * batch / nt; i < (t+1)*batch/nt; i++ {
			one(i, 1)
		}
	})
}
