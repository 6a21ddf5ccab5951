package kernel

// batchSplitMaxWork is the size (m*n*k) up to which SgemmBatched hands
// whole products to threads instead of splitting each product.
const batchSplitMaxWork = 256 * 256 * 256

// SgemmBatched computes C_i = alpha*op(A_i)*op(B_i) + beta*C_i for
// i = 0..batch-1, where A_i starts at a[i*strideA], B_i at b[i*strideB] and
// C_i at c[i*strideC]; each product is laid out as in Sgemm. A stride of 0
// uses one A or B for every product. The C matrices must not overlap,
// except that strideC 0 sums the products into one C:
// C = alpha*(op(A_0)*op(B_0) + ... + op(A_{batch-1})*op(B_{batch-1})) + beta*C.
func SgemmBatched(transA, transB bool, batch, m, n, k int, alpha float32, a []float32, lda, strideA int, b []float32, ldb, strideB int, beta float32, c []float32, ldc, strideC int) {
	checkArgs("SgemmBatched", transA, transB, batch, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC)
	if batch == 0 || m == 0 || n == 0 {
		return
	}
	if k == 0 { // A and B may be empty: touch only C
		strideA, strideB = 0, 0
	}
	kern, threads := activeKernel, Threads()
	product := func(i int, alpha float32, beta float32, c []float32, ldc int) gemmArgs {
		return newGemmArgs(transA, transB, m, n, k, alpha, a[i*strideA:], lda, b[i*strideB:], ldb, beta, c, ldc)
	}
	if strideC == 0 && batch > 1 {
		sumProducts(kern, threads, batch, product, alpha, beta, c, ldc)
		return
	}
	one := func(i, threads int) {
		p := product(i, alpha, beta, c[i*strideC:], ldc)
		p.run(kern, threads, pathAuto)
	}
	if threads == 1 || batch == 1 || m*n*k > batchSplitMaxWork {
		for i := 0; i < batch; i++ {
			one(i, threads)
		}
		return
	}
	// Several runs of products per thread, claimed as threads come free.
	nc := min(batch, parts(threads))
	parallelFor(nc, func(t int) {
		for i := t * batch / nc; i < (t+1)*batch/nc; i++ {
			one(i, 1)
		}
	})
}

// sumProducts computes C = alpha*sum_i P_i + beta*C, where product(i, ...)
// describes P_i written to a given C. Each thread sums its share of the
// products into a buffer of its own, with one product in flight at a
// time, and the buffers are then added into C. Where that reads both
// operands with less packing, the buffers hold the transposed sums.
func sumProducts(kern *gemmKernel, threads, batch int, product func(i int, alpha, beta float32, c []float32, ldc int) gemmArgs, alpha, beta float32, c []float32, ldc int) {
	p0 := product(0, 1, 0, nil, 0)
	m, n := p0.m, p0.n
	if p0.k == 0 {
		p0.c, p0.rsc, p0.alpha, p0.beta = c, ldc, alpha, beta
		p0.scaleC()
		return
	}
	// The direct path packs op(B) when its columns are strided (n*k
	// values); transposed, it packs op(A) when its rows are (m*k).
	swap := p0.csb != 1 && (p0.rsa == 1 || m < n)
	if batch*m*n*p0.k < ParallelMinWork {
		threads = 1
	}
	nt := min(threads, batch)
	sums := make([][]float32, nt)
	parallelFor(nt, func(t int) {
		buf := getBuf(m * n)
		for i := t * batch / nt; i < (t+1)*batch/nt; i++ {
			var acc float32 // the first product overwrites buf
			if i > t*batch/nt {
				acc = 1
			}
			p := product(i, 1, acc, buf, n)
			if swap {
				p.transpose()
				p.rsc, p.csc = m, 1
			}
			p.run(kern, 1, pathAuto)
		}
		sums[t] = buf
	})
	rs, cs := n, 1
	if swap {
		rs, cs = 1, m
	}
	rows := max(1, min(threads, m*n/(1<<14)))
	parallelFor(rows, func(t int) {
		for i := t * m / rows; i < (t+1)*m/rows; i++ {
			ci := c[i*ldc : i*ldc+n]
			for j := range ci {
				var s float32
				for _, buf := range sums {
					s += buf[i*rs+j*cs]
				}
				if beta == 0 {
					ci[j] = alpha * s
				} else {
					ci[j] = alpha*s + beta*ci[j]
				}
			}
		}
	})
	for _, buf := range sums {
		putBuf(buf)
	}
}
