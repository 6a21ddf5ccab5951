package kernel

// dotMinK is the depth from which gemmDot beats the register-tile paths.
const dotMinK = 32

// dotReady reports whether gemmDot applies: rows of op(A) and columns of
// op(B) must both be contiguous (A as stored, B transposed, as in x*W^T),
// so that C is a grid of dot products along k. Where only the big operand
// is laid out so and the other has at most four rows (op(A)) or columns
// (op(B)), dotReady copies the small one into a buffer from getBuf, points
// p at it and returns it for the caller to release.
func (p *gemmArgs) dotReady() (buf []float32, ok bool) {
	if dot4x4 == nil || p.csc != 1 {
		return nil, false
	}
	switch {
	case p.csa == 1 && p.rsb == 1:
		return nil, true
	case p.csa == 1 && p.n <= 4:
		buf = getBuf(p.n * p.k)
		packRows(buf, p.b, p.csb, p.rsb, p.n, p.k)
		p.b, p.rsb, p.csb = buf, 1, p.k
		return buf, true
	case p.rsb == 1 && p.m <= 4:
		buf = getBuf(p.m * p.k)
		packRows(buf, p.a, p.rsa, p.csa, p.m, p.k)
		p.a, p.rsa, p.csa = buf, p.k, 1
		return buf, true
	}
	return nil, false
}

// packRows copies rows-by-k elements, (r,q) at src[r*rs+q*cs], into dst
// row by row.
func packRows(dst, src []float32, rs, cs, rows, k int) {
	for r := 0; r < rows; r++ {
		d := dst[r*k : (r+1)*k]
		for q := range d {
			d[q] = src[r*rs+q*cs]
		}
	}
}

// gemmDot computes C as 4x4 tiles of dot products. It serves products with
// very few rows or columns, where a register tile of C would be mostly
// padding and transposing an operand would cost more than the product.
// Edge tiles repeat the last row or column and drop the extra results.
func gemmDot(p *gemmArgs, threads int) {
	rowTiles := ceilDiv(p.m, 4)
	colTiles := ceilDiv(p.n, 4)
	k16 := p.k &^ 15
	nt := min(threads, rowTiles*colTiles)
	parallelFor(nt, func(t int) {
		var a, b [4][]float32
		for tile := t * rowTiles * colTiles / nt; tile < (t+1)*rowTiles*colTiles/nt; tile++ {
			i0, j0 := tile/colTiles*4, tile%colTiles*4
			mv, nv := min(4, p.m-i0), min(4, p.n-j0)
			for r := range a {
				i, j := i0+min(r, mv-1), j0+min(r, nv-1)
				a[r] = p.a[i*p.rsa : i*p.rsa+p.k]
				b[r] = p.b[j*p.csb : j*p.csb+p.k]
			}
			var out [16]float32
			if k16 > 0 {
				dot4x4(k16, &a, &b, &out)
			}
			for i := 0; i < mv; i++ {
				for j := 0; j < nv; j++ {
					for q := k16; q < p.k; q++ {
						out[i*4+j] += a[i][q] * b[j][q]
					}
				}
			}
			addTile(p.c[i0*p.rsc+j0:], p.rsc, 1, out[:], 4, mv, nv, p.alpha, p.beta)
		}
	})
}
