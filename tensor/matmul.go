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
	batch := broadcastShape("Matmul", ab, bb)
	shape := append(append([]int{}, batch...), m, n)
	out := Zeros(shape...)
	nb := numel(batch)
	switch {
	case nb == 1:
		kernel.Sgemm(transA, transB, m, n, k, 1, a.data, ac, b.data, bc, 0, out.data, n)
	case sameShape(ab, batch) && sameShape(bb, batch):
		kernel.SgemmBatched(transA, transB, nb, m, n, k, 1, a.data, ac, ar*ac, b.data, bc, br*bc, 0, out.data, n, m*n)
	case len(bb) == 0 || numel(bb) == 1:
		kernel.SgemmBatched(transA, transB, nb, m, n, k, 1, a.data, ac, ar*ac, b.data, bc, 0, 0, out.data, n, m*n)
	default:
		sa, sb := broadcastStrides(ab, batch), broadcastStrides(bb, batch)
		forEach2(batch, sa, sb, func(i, ia, ib int) {
			kernel.Sgemm(transA, transB, m, n, k, 1, a.data[ia*ar*ac:], ac, b.data[ib*br*bc:], bc, 0, out.data[i*m*n:], n)
		})
	}
	return record(out, "Matmul", []*Tensor{a, b}, func(g *Tensor) []*Tensor {
		var ga, gb *Tensor
		switch {
		case !transA && !transB: // C = A B
			ga, gb = MatmulT(g, b, false, true), MatmulT(a, g, true, false)
		case !transA && transB: // C = A B^T
			ga, gb = MatmulT(g, b, false, false), MatmulT(g, a, true, false)
		case transA && !transB: // C = A^T B
			ga, gb = MatmulT(b, g, false, true), MatmulT(a, g, false, false)
		default: // C = A^T B^T
			ga, gb = MatmulT(b, g, true, true), MatmulT(g, a, true, true)
		}
		return []*Tensor{ga.SumTo(a.shape...), gb.SumTo(b.shape...)}
	})
}
