package tensor

import "fmt"

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

// forEach2 walks a tensor of shape in row-major order, calling fn with the
// flat index i and the offsets given by strides sa and sb.
func forEach2(shape, sa, sb []int, fn func(i, ia, ib int)) {
	n := numel(shape)
	if n == 0 {
		return
	}
	nd := len(shape)
	if nd == 0 {
		fn(0, 0, 0)
		return
	}
	idx := make([]int, nd)
	ia, ib := 0, 0
	last := shape[nd-1]
	la, lb := sa[nd-1], sb[nd-1]
	for i := 0; i < n; i += last {
		for j := 0; j < last; j++ {
			fn(i+j, ia+j*la, ib+j*lb)
		}
		for d := nd - 2; d >= 0; d-- {
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
	if sameShape(t.shape, shape) {
		return t
	}
	if got := broadcastShape("BroadcastTo", t.shape, shape); !sameShape(got, shape) {
		panic(fmt.Sprintf("tensor: BroadcastTo: cannot broadcast %v to %v", t.shape, shape))
	}
	out := Zeros(shape...)
	src := t.data
	forEach2(shape, broadcastStrides(t.shape, shape), broadcastStrides(shape, shape), func(i, ia, _ int) {
		out.data[i] = src[ia]
	})
	in := t.shape
	return record(out, "BroadcastTo", []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{g.SumTo(in...)}
	})
}

// SumTo sums t over its broadcast axes so that it has shape: the reverse of
// BroadcastTo, used to reduce gradients of broadcast operands.
func (t *Tensor) SumTo(shape ...int) *Tensor {
	if sameShape(t.shape, shape) {
		return t
	}
	if got := broadcastShape("SumTo", shape, t.shape); !sameShape(got, t.shape) {
		panic(fmt.Sprintf("tensor: SumTo: cannot reduce %v to %v", t.shape, shape))
	}
	out := Zeros(shape...)
	src := t.data
	forEach2(t.shape, broadcastStrides(shape, t.shape), broadcastStrides(t.shape, t.shape), func(i, io, _ int) {
		out.data[io] += src[i]
	})
	in := t.shape
	return record(out, "SumTo", []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{g.BroadcastTo(in...)}
	})
}
