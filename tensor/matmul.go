package tensor

import (
	"fmt"

	"github.com/gibbsml/gibbs/internal/kernel"
)

// Matmul returns the matrix product of the last two axes of t and u, with
// the leading (batch) axes broadcast: [..., m, k] x [..., k, n] -> [..., m, n].
func (t *Tensor) Matmul(u *Tensor) *Tensor { return MatmulT(t, u, false, false) }

// MatmulT returns op(a) x op(b), where op transposes the last two axes when
// the flag is set. The transpose is never materialised: Linear computes
// x W^T this way.
func MatmulT(a, b *Tensor, transA, transB bool) *Tensor {
	a.live("Matmul")
	b.live("Matmul")
	if len(a.shape) < 2 || len(b.shape) < 2 {
		panic(fmt.Sprintf("tensor: Matmul: operands need two axes or more, got %v and %v", a.shape, b.shape))
	}
	ar, ac := a.shape[len(a.shape)-2], a.shape[len(a.shape)-1]
	br, bc := b.shape[len(b.shape)-2], b.shape[len(b.shape)-1]
	m, k := ar, ac
	if transA {
		m, k = ac, ar
	}
	k2, n := br, bc
	if transB {
		k2, n = bc, br
	}
	if k != k2 {
		panic(fmt.Sprintf("tensor: Matmul: shapes %v and %v (transposed %v, %v) do not match", a.shape, b.shape, transA, transB))
	}
	ab, bb := a.shape[:len(a.shape)-2], b.shape[:len(b.shape)-2]
	if got := broadcastShapeOK(ab, bb); got == nil {
		panic(fmt.Sprintf("tensor: Matmul: batch axes of %v and %v are not broadcastable", a.shape, b.shape))
	}
	batch := broadcastShape("Matmul", ab, bb)
	shape := append(append([]int{}, batch...), m, n)
	out := empty(shape)
	if k == 0 {
		clear(out.data)
	}
	nb := numel(batch)
	switch {
	case nb == 1:
		kernel.Sgemm(transA, transB, m, n, k, 1, a.data, ac, b.data, bc, 0, out.data, n)
	case sameShape(ab, batch) && sameShape(bb, batch):
		kernel.SgemmBatched(transA, transB, nb, m, n, k, 1, a.data, ac, ar*ac, b.data, bc, br*bc, 0, out.data, n, m*n)
	case len(bb) == 0 || numel(bb) == 1:
		kernel.SgemmBatched(transA, transB, nb, m, n, k, 1, a.data, ac, ar*ac, b.data, bc, 0, 0, out.data, n, m*n)
	case len(ab) == 0 || numel(ab) == 1:
		kernel.SgemmBatched(transA, transB, nb, m, n, k, 1, a.data, ac, 0, b.data, bc, br*bc, 0, out.data, n, m*n)
	default:
		sa, sb := broadcastStrides(ab, batch), broadcastStrides(bb, batch)
		walkRuns(batch, sa, sb, func(i, ia, ib, runs, da, db int) {
			for j := range runs {
				kernel.Sgemm(transA, transB, m, n, k, 1, a.data[(ia+j*da)*ar*ac:], ac, b.data[(ib+j*db)*br*bc:], bc, 0, out.data[(i+j)*m*n:], n)
			}
		})
	}
	return record(out, "Matmul", []*Tensor{a, b}, func(bp *Backprop) []*Tensor {
		// Operands whose gradient the pass does not want (data, weights
		// while a sampler differentiates with respect to its input) skip
		// their product: the backward of a first layer does not compute
		// dL/dx.
		g, a, b := bp.Grad, bp.In[0], bp.In[1]
		var ga, gb *Tensor
		if bp.Needs(0) {
			switch {
			case !transA && !transB: // C = A B: dA = G B^T
				ga = MatmulT(g, b, false, true)
			case !transA && transB: // C = A B^T: dA = G B
				ga = MatmulT(g, b, false, false)
			case transA && !transB: // C = A^T B: dA = B G^T
				ga = MatmulT(b, g, false, true)
			default: // C = A^T B^T: dA = B^T G^T
				ga = MatmulT(b, g, true, true)
			}
			ga = ga.SumTo(a.shape...)
		}
		if bp.Needs(1) {
			switch {
			case !transA && !transB: // dB = A^T G
				gb = MatmulT(a, g, true, false)
			case !transA && transB: // dB = G^T A
				gb = MatmulT(g, a, true, false)
			case transA && !transB: // dB = A G
				gb = MatmulT(a, g, false, false)
			default: // dB = G^T A^T
				gb = MatmulT(g, a, true, true)
			}
			gb = gb.SumTo(b.shape...)
		}
		return []*Tensor{ga, gb}
	})
}
