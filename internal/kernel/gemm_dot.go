package kernel

// Depths from which gemmDot beats the register-tile paths: dotMinK for
// products with at most four rows or columns, dotLongK for those with
// fewer than a vector's width of them whose operands need no packing (the
// register tiles would pad C to sixteen columns and pack op(B)).
const (
	dotMinK  = 32
	dotLongK = 512
)

// dotPays reports whether the run-time choice takes gemmDot for p.
func (p *gemmArgs) dotPays() bool {
	small := min(p.m, p.n)
	return small <= 4 && p.k >= dotMinK ||
		small < 16 && p.k >= dotLongK && p.csa == 1 && p.rsb == 1
}

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
	if dot8x1 != nil && min(p.m, p.n) <= 2 {
		gemmDotThin(p, threads)
		return
	}
	rowTiles := ceilDiv(p.m, 4)
	colTiles := ceilDiv(p.n, 4)
	k16 := p.k &^ 15
	nt := min(parts(threads), rowTiles*colTiles)
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
			addTile(p.c[i0*p.rsc+j0:], p.rsc, 1, out[:], 4, mv, nv, p.alpha, p.beta, p.bias.at(i0, j0))
		}
	})
}

// gemmDotThin serves gemmDot's products with one or two rows or columns:
// each of those few vectors (rows of op(A) or columns of op(B)) meets the
// many on the other side eight at a time, with no padded dot products.
// The last group of eight overlaps the one before it; fewer than eight
// vectors in all are multiplied in Go.
func gemmDotThin(p *gemmArgs, threads int) {
	// C(u,v) = x_u . y_v is c[u*cu+v*cv]: x are the many vectors.
	x, ldx, nx, y, ldy, ny, cu, cv := p.a, p.rsa, p.m, p.b, p.csb, p.n, p.rsc, 1
	bias := p.bias // its value for C(u,v) is bias.of(u, v)
	if p.m < p.n {
		x, ldx, nx, y, ldy, ny, cu, cv = p.b, p.csb, p.n, p.a, p.rsa, p.m, 1, p.rsc
		bias.rows = !bias.rows
	}
	k, k16 := p.k, p.k&^15
	groups := ceilDiv(nx, 8)
	nt := min(parts(threads), groups)
	parallelFor(nt, func(t int) {
		var out [8]float32
		for g := t * groups / nt; g < (t+1)*groups/nt; g++ {
			u0, u1 := g*8, min(nx, g*8+8)
			if nx >= 8 {
				u0 = min(u0, nx-8)
			}
			for v := 0; v < ny; v++ {
				yv := y[v*ldy : v*ldy+k]
				if nx >= 8 && k16 > 0 {
					dot8x1(k16, x[u0*ldx:], ldx, yv, &out)
				} else {
					out = [8]float32{}
				}
				for u := g * 8; u < u1; u++ {
					xu := x[u*ldx : u*ldx+k]
					s := out[u-u0]
					q := k16
					if nx < 8 {
						q = 0
					}
					for ; q < k; q++ {
						s += xu[q] * yv[q]
					}
					c := &p.c[u*cu+v*cv]
					s *= p.alpha
					if bias.v != nil {
						s += bias.of(u, v)
					}
					if p.beta == 0 {
						*c = s
					} else {
						*c = s + p.beta**c
					}
				}
			}
		}
	})
}
