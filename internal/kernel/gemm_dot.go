package kernel

// dotMinK is the depth from which gemmDot beats the register-tile paths.
const dotMinK = 32

// dotOK reports whether gemmDot applies: rows of op(A) and columns of op(B)
// are both contiguous (A as stored, B transposed, as in x*W^T), so that C is
// a grid of dot products along k.
func (p *gemmArgs) dotOK() bool {
	return dot4x4 != nil && p.csa == 1 && p.rsb == 1 && p.csc == 1
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
