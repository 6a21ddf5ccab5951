package kernel

// headGemm64 and headGemm16 are the AVX-512 products of a (sequence,
// head) pair (attention_amd64.s): C = alpha A B for C of 64 columns and a
// multiple of 4 rows, or of 16 columns and a multiple of 8 rows, A(i,p)
// at a[i*rsa+p*csa], row p of B at b[p*rsb], row i of C at c[i*ldc].
//
//go:noescape
func headGemm64(k int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc, rows int, alpha float32)

//go:noescape
func headGemm16(k int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc, rows int, alpha float32)

// headProduct is smallProduct where kern is the AVX-512 micro-kernel for
// products of 64 columns (the scores of 64 keys) and a multiple of 4 rows,
// and for those of 16 columns (every product of 16 positions and heads
// of 16 values) and a multiple of 8 rows: one call runs the whole
// product, B's rows packed into buf (n k values) only when they are not
// contiguous. It reports whether it took the product.
func headProduct(kern *gemmKernel, m, n, k int, alpha float32, a []float32, rsa, csa int, b []float32, rsb, csb int, c []float32, ldc int, buf []float32) bool {
	if kern != avx512Kernel || k == 0 || m == 0 || !(n == 64 && m%4 == 0 || n == 16 && m%8 == 0) {
		return false
	}
	_ = a[(m-1)*rsa+(k-1)*csa]
	_ = c[(m-1)*ldc+n-1]
	if csb != 1 {
		packPanels(buf[:k*n], b, csb, rsb, 0, n, 0, k, n)
		b, rsb = buf, n
	}
	_ = b[(k-1)*rsb+n-1]
	if n == 64 {
		headGemm64(k, &a[0], rsa, csa, &b[0], rsb, &c[0], ldc, m, alpha)
	} else {
		headGemm16(k, &a[0], rsa, csa, &b[0], rsb, &c[0], ldc, m, alpha)
	}
	return true
}
