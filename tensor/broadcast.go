package tensor

import (
	"fmt"

	"github.com/gibbsml/gibbs/internal/kernel"
)

// broadcastShape returns the NumPy broadcast of two shapes.
func broadcastShape(op string, a, b []int) []int {
	out := broadcastShapeOK(a, b)
	if out == nil {
		panic(fmt.Sprintf("tensor: %s: shapes %v and %v are not broadcastable", op, a, b))
	}
	return out
}

// broadcastShapeOK returns the broadcast of two shapes, or nil.
func broadcastShapeOK(a, b []int) []int {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 0; i < n; i++ {
		da, db := dimFromEnd(a, n-1-i), dimFromEnd(b, n-1-i)
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil
		}
	}
	return out
}

// dimFromEnd returns shape[len-1-k] or 1 past the front.
func dimFromEnd(shape []int, k int) int {
	if i := len(shape) - 1 - k; i >= 0 {
		return shape[i]
	}
	return 1
}

// broadcastStrides returns the strides for reading a tensor of shape as if
// it had shape out: 0 along axes that are broadcast.
func broadcastStrides(shape, out []int) []int {
	st := make([]int, len(out))
	s := 1
	for i := len(out) - 1; i >= 0; i-- {
		k := len(out) - 1 - i
		d := dimFromEnd(shape, k)
		if d != 1 {
			st[i] = s
		}
		s *= d
	}
	return st
}

// walkRuns walks a tensor of shape in row-major order, reading two operands
// with strides sa and sb, as runs along the innermost axis: fn receives
// the flat index of a run's start, the operands' offsets there, the run's
// length and the operands' strides along it. Axes of length 1 are dropped
// and neighbouring axes that both operands step through alike are merged,
// so a same-shape or broadcast pair becomes a few long runs.
func walkRuns(shape, sa, sb []int, fn func(i, ia, ib, n, da, db int)) {
	total := numel(shape)
	if total == 0 {
		return
	}
	var dims, sta, stb [maxMerged]int
	nd := 0
	for i := len(shape) - 1; i >= 0; i-- {
		d := shape[i]
		switch {
		case d == 1:
			continue
		case nd > 0 && sa[i] == sta[nd-1]*dims[nd-1] && sb[i] == stb[nd-1]*dims[nd-1]:
			dims[nd-1] *= d
			continue
		case nd == maxMerged:
			walkRunsSlow(shape, sa, sb, fn)
			return
		}
		dims[nd], sta[nd], stb[nd] = d, sa[i], sb[i]
		nd++
	}
	if nd == 0 {
		fn(0, 0, 0, 1, 0, 0)
		return
	}
	// dims[0] is now the innermost axis.
	n, da, db := dims[0], sta[0], stb[0]
	var idx [maxMerged]int
	ia, ib := 0, 0
	for i := 0; i < total; i += n {
		fn(i, ia, ib, n, da, db)
		for d := 1; d < nd; d++ {
			idx[d]++
			ia += sta[d]
			ib += stb[d]
			if idx[d] < dims[d] {
				break
			}
			ia -= sta[d] * dims[d]
			ib -= stb[d] * dims[d]
			idx[d] = 0
		}
	}
}

// maxMerged bounds the axes left after merging that walkRuns handles
// without allocating.
const maxMerged = 8

// walkRunsSlow is walkRuns for shapes with more than maxMerged axes that
// cannot be merged: runs of one element.
func walkRunsSlow(shape, sa, sb []int, fn func(i, ia, ib, n, da, db int)) {
	idx := make([]int, len(shape))
	ia, ib := 0, 0
	for i := 0; i < numel(shape); i++ {
		fn(i, ia, ib, 1, 0, 0)
		for d := len(shape) - 1; d >= 0; d-- {
			idx[d]++
			ia += sa[d]
			ib += sb[d]
			if idx[d] < shape[d] {
				break
			}
			ia -= sa[d] * shape[d]
			ib -= sb[d] * shape[d]
			idx[d] = 0
		}
	}
}

// BroadcastTo returns t stretched to shape by NumPy broadcasting.
func (t *Tensor) BroadcastTo(shape ...int) *Tensor {
	t.live("BroadcastTo")
	if sameShape(t.shape, shape) {
		return t
	}
	if got := broadcastShape("BroadcastTo", t.shape, shape); !sameShape(got, shape) {
		panic(fmt.Sprintf("tensor: BroadcastTo: cannot broadcast %v to %v", t.shape, shape))
	}
	out := empty(append([]int{}, shape...))
	src, dst := t.data, out.data
	walkRuns(shape, broadcastStrides(t.shape, shape), contiguousStrides(shape), func(i, ia, _, n, da, _ int) {
		switch da {
		case 0:
			kernel.Fill(dst[i:i+n], src[ia])
		case 1:
			copy(dst[i:i+n], src[ia:ia+n])
		default:
			for j := range n {
				dst[i+j] = src[ia+j*da]
			}
		}
	})
	in := t.shape
	return recordLinear(out, "BroadcastTo", []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{g.SumTo(in...)}
	})
}

// SumTo sums t over its broadcast axes so that it has shape: the reverse of
// BroadcastTo, used to reduce gradients of broadcast operands.
func (t *Tensor) SumTo(shape ...int) *Tensor {
	t.live("SumTo")
	if sameShape(t.shape, shape) {
		return t
	}
	if got := broadcastShape("SumTo", shape, t.shape); !sameShape(got, t.shape) {
		panic(fmt.Sprintf("tensor: SumTo: cannot reduce %v to %v", t.shape, shape))
	}
	out := sumRaw(t, append([]int{}, shape...))
	in := t.shape
	return recordLinear(out, "SumTo", []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{g.BroadcastTo(in...)}
	})
}

// foldTo reduces t to shape (t's shape with some axes of length 1) by
// combining with op (Max or Min) from init, without recording. Sums go
// through sumRaw.
func foldTo(t *Tensor, shape []int, op kernel.Op, init float32) *Tensor {
	out := empty(shape)
	kernel.Fill(out.data, init)
	src, dst := t.data, out.data
	if len(dst) == 1 {
		dst[0] = kernel.Fold(op, init, src)
		return out
	}
	walkRuns(t.shape, contiguousStrides(t.shape), broadcastStrides(shape, t.shape), func(i, _, io, n, _, do int) {
		switch do {
		case 0:
			dst[io] = kernel.Fold(op, dst[io], src[i:i+n])
		case 1:
			kernel.Map2(op, dst[io:io+n], dst[io:io+n], src[i:i+n])
		default:
			for j := range n {
				dst[io+j*do] = kernel.Fold(op, dst[io+j*do], src[i+j:i+j+1])
			}
		}
	})
	return out
}
