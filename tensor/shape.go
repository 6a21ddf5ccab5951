package tensor

import (
	"fmt"

	"github.com/gibbsml/gibbs/internal/kernel"
)

// Reshape returns t with a new shape holding the same values (shared, not
// copied). One axis may be -1, inferred from the others.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	t.live("Reshape")
	shape = inferShape(t.shape, len(t.data), shape)
	if sameShape(shape, t.shape) {
		return t
	}
	out := t.view(shape)
	in := t.shape
	return recordLinear(out, "Reshape", []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{g.Reshape(in...)} })
}

func inferShape(from []int, n int, shape []int) []int {
	shape = append([]int{}, shape...)
	infer, known := -1, 1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			panic(fmt.Sprintf("tensor: Reshape: bad shape %v for %v", shape, from))
		default:
			known *= d
		}
	}
	if infer >= 0 && known > 0 && n%known == 0 {
		shape[infer] = n / known
		known *= shape[infer]
	}
	if known != n || (infer >= 0 && shape[infer] < 0) {
		panic(fmt.Sprintf("tensor: Reshape: cannot view shape %v (%d values) as %v", from, n, shape))
	}
	return shape
}

// Flatten reshapes t to [shape[0], rest...] collapsed into two axes.
func (t *Tensor) Flatten() *Tensor {
	if len(t.shape) == 0 {
		return t.Reshape(1, 1)
	}
	return t.Reshape(t.shape[0], -1)
}

// Unsqueeze inserts an axis of length 1 at position axis.
func (t *Tensor) Unsqueeze(axis int) *Tensor {
	a := normAxis("Unsqueeze", axis, len(t.shape)+1)
	shape := append(append(append([]int{}, t.shape[:a]...), 1), t.shape[a:]...)
	return t.Reshape(shape...)
}

// Squeeze removes the given axes, which must have length 1 (all length-1
// axes when none is given).
func (t *Tensor) Squeeze(axes ...int) *Tensor {
	drop := make([]bool, len(t.shape))
	for _, a := range axes {
		a = normAxis("Squeeze", a, len(t.shape))
		if t.shape[a] != 1 {
			panic(fmt.Sprintf("tensor: Squeeze: axis %d of shape %v has length %d", a, t.shape, t.shape[a]))
		}
		drop[a] = true
	}
	shape := []int{}
	for i, d := range t.shape {
		if !(drop[i] || (len(axes) == 0 && d == 1)) {
			shape = append(shape, d)
		}
	}
	return t.Reshape(shape...)
}

// Permute reorders the axes: axis i of the result is axis perm[i] of t.
// The values are copied into the new order.
func (t *Tensor) Permute(perm ...int) *Tensor {
	t.live("Permute")
	nd := len(t.shape)
	if len(perm) != nd {
		panic(fmt.Sprintf("tensor: Permute: %v is not a permutation of the axes of %v", perm, t.shape))
	}
	seen := make([]bool, nd)
	shape := make([]int, nd)
	srcStrides := contiguousStrides(t.shape)
	st := make([]int, nd)
	inv := make([]int, nd)
	for i, p := range perm {
		p = normAxis("Permute", p, nd)
		if seen[p] {
			panic(fmt.Sprintf("tensor: Permute: %v is not a permutation of the axes of %v", perm, t.shape))
		}
		seen[p] = true
		shape[i], st[i], inv[p] = t.shape[p], srcStrides[p], i
	}
	out := empty(shape)
	src, dst := t.data, out.data
	walkRuns(shape, st, st, func(i, is, _, n, ds, _ int) {
		if ds == 1 {
			copy(dst[i:i+n], src[is:is+n])
			return
		}
		for j := range n {
			dst[i+j] = src[is+j*ds]
		}
	})
	return recordLinear(out, "Permute", []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{g.Permute(inv...)} })
}

// Transpose swaps two axes.
func (t *Tensor) Transpose(a, b int) *Tensor {
	perm := make([]int, len(t.shape))
	for i := range perm {
		perm[i] = i
	}
	a, b = normAxis("Transpose", a, len(perm)), normAxis("Transpose", b, len(perm))
	perm[a], perm[b] = perm[b], perm[a]
	return t.Permute(perm...)
}

// T returns the transpose of the last two axes.
func (t *Tensor) T() *Tensor { return t.Transpose(-2, -1) }

func contiguousStrides(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}

// Narrow returns the slice start..start+length-1 of t along axis (copied).
func (t *Tensor) Narrow(axis, start, length int) *Tensor {
	ax := normAxis("Narrow", axis, len(t.shape))
	if start < 0 || length < 0 || start+length > t.shape[ax] {
		panic(fmt.Sprintf("tensor: Narrow: range [%d, %d) outside axis %d of shape %v", start, start+length, ax, t.shape))
	}
	outer, n, inner := splitAt(t.shape, ax)
	shape := t.Shape()
	shape[ax] = length
	out := Zeros(shape...)
	for o := 0; o < outer; o++ {
		copy(out.data[o*length*inner:(o+1)*length*inner], t.data[(o*n+start)*inner:(o*n+start+length)*inner])
	}
	return recordLinear(out, "Narrow", []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{g.Pad(ax, start, n-start-length)}
	})
}

// Pad adds before and after zeros along axis.
func (t *Tensor) Pad(axis, before, after int) *Tensor {
	ax := normAxis("Pad", axis, len(t.shape))
	if before < 0 || after < 0 {
		panic(fmt.Sprintf("tensor: Pad: negative padding %d, %d", before, after))
	}
	outer, n, inner := splitAt(t.shape, ax)
	shape := t.Shape()
	m := n + before + after
	shape[ax] = m
	out := Zeros(shape...)
	for o := 0; o < outer; o++ {
		copy(out.data[(o*m+before)*inner:(o*m+before+n)*inner], t.data[o*n*inner:(o+1)*n*inner])
	}
	return recordLinear(out, "Pad", []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{g.Narrow(ax, before, n)} })
}

// Concat joins tensors along axis; all other axes must agree.
func Concat(axis int, ts ...*Tensor) *Tensor {
	if len(ts) == 0 {
		panic("tensor: Concat: no tensors")
	}
	ax := normAxis("Concat", axis, len(ts[0].shape))
	shape := ts[0].Shape()
	shape[ax] = 0
	for _, t := range ts {
		if len(t.shape) != len(shape) {
			panic(fmt.Sprintf("tensor: Concat: shapes %v and %v differ in rank", ts[0].shape, t.shape))
		}
		for i, d := range t.shape {
			if i != ax && d != shape[i] {
				panic(fmt.Sprintf("tensor: Concat: shapes %v and %v differ off axis %d", ts[0].shape, t.shape, ax))
			}
		}
		shape[ax] += t.shape[ax]
	}
	out := Zeros(shape...)
	outer, m, inner := splitAt(shape, ax)
	off := 0
	for _, t := range ts {
		n := t.shape[ax]
		for o := 0; o < outer; o++ {
			copy(out.data[(o*m+off)*inner:(o*m+off+n)*inner], t.data[o*n*inner:(o+1)*n*inner])
		}
		off += n
	}
	return recordLinear(out, "Concat", ts, func(g *Tensor) []*Tensor {
		gs := make([]*Tensor, len(ts))
		start := 0
		for i, t := range ts {
			gs[i] = g.Narrow(ax, start, t.shape[ax])
			start += t.shape[ax]
		}
		return gs
	})
}

// Stack joins tensors of equal shape along a new axis.
func Stack(axis int, ts ...*Tensor) *Tensor {
	if len(ts) == 0 {
		panic("tensor: Stack: no tensors")
	}
	ax := normAxis("Stack", axis, len(ts[0].shape)+1)
	us := make([]*Tensor, len(ts))
	for i, t := range ts {
		if !sameShape(t.shape, ts[0].shape) {
			panic(fmt.Sprintf("tensor: Stack: shapes %v and %v differ", ts[0].shape, t.shape))
		}
		us[i] = t.Unsqueeze(ax)
	}
	return Concat(ax, us...)
}

// IndexSelect picks the entries idx along axis, in that order (repeats allowed).
func (t *Tensor) IndexSelect(axis int, idx []int) *Tensor {
	ax := normAxis("IndexSelect", axis, len(t.shape))
	outer, n, inner := splitAt(t.shape, ax)
	shape := t.Shape()
	shape[ax] = len(idx)
	out := Zeros(shape...)
	for j, k := range idx {
		if k < 0 || k >= n {
			panic(fmt.Sprintf("tensor: IndexSelect: index %d out of range for axis %d of shape %v", k, ax, t.shape))
		}
		for o := 0; o < outer; o++ {
			copy(out.data[(o*len(idx)+j)*inner:(o*len(idx)+j+1)*inner], t.data[(o*n+k)*inner:(o*n+k+1)*inner])
		}
	}
	return recordLinear(out, "IndexSelect", []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{g.IndexAdd(ax, idx, n)}
	})
}

// IndexAdd returns a tensor whose axis has length n, zero except that entry
// j of t along axis is added at position idx[j]: the reverse of IndexSelect.
func (t *Tensor) IndexAdd(axis int, idx []int, n int) *Tensor {
	ax := normAxis("IndexAdd", axis, len(t.shape))
	outer, m, inner := splitAt(t.shape, ax)
	if m != len(idx) {
		panic(fmt.Sprintf("tensor: IndexAdd: %d indices for axis %d of shape %v", len(idx), ax, t.shape))
	}
	shape := t.Shape()
	shape[ax] = n
	out := Zeros(shape...)
	for j, k := range idx {
		if k < 0 || k >= n {
			panic(fmt.Sprintf("tensor: IndexAdd: index %d out of range [0, %d)", k, n))
		}
		for o := 0; o < outer; o++ {
			dst := out.data[(o*n+k)*inner : (o*n+k+1)*inner]
			src := t.data[(o*m+j)*inner : (o*m+j+1)*inner]
			for i, v := range src {
				dst[i] += v
			}
		}
	}
	return recordLinear(out, "IndexAdd", []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{g.IndexSelect(ax, idx)} })
}

// Gather picks, along axis, the entry named by index at every position:
// out[..., i, ...] = t[..., index[..., i, ...], ...]. index has t's shape
// except along axis and holds whole numbers.
func (t *Tensor) Gather(axis int, index *Tensor) *Tensor {
	ax, outer, n, inner, m := gatherDims("Gather", t.shape, axis, index)
	out := empty(append([]int{}, index.shape...))
	if !kernel.Gather(out.data, t.data, index.data, outer, m, n, inner) {
		badIndex("Gather", index, n)
	}
	return recordLinear(out, "Gather", []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{g.ScatterAdd(ax, index, n)}
	})
}

// ScatterAdd is the reverse of Gather: it returns a tensor whose axis has
// length n, with each value of t added at the position index names.
func (t *Tensor) ScatterAdd(axis int, index *Tensor, n int) *Tensor {
	if !sameShape(t.shape, index.shape) {
		panic(fmt.Sprintf("tensor: ScatterAdd: values %v and index %v differ in shape", t.shape, index.shape))
	}
	ax := normAxis("ScatterAdd", axis, len(t.shape))
	shape := t.Shape()
	shape[ax] = n
	outer, m, inner := splitAt(t.shape, ax)
	out := empty(shape)
	if !kernel.ScatterSum(out.data, t.data, index.data, outer, m, n, inner) {
		badIndex("ScatterAdd", index, n)
	}
	return recordLinear(out, "ScatterAdd", []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{g.Gather(ax, index)} })
}

func gatherDims(op string, shape []int, axis int, index *Tensor) (ax, outer, n, inner, m int) {
	ax = normAxis(op, axis, len(shape))
	if len(index.shape) != len(shape) {
		panic(fmt.Sprintf("tensor: %s: index shape %v for tensor %v", op, index.shape, shape))
	}
	for i, d := range shape {
		if i != ax && index.shape[i] != d {
			panic(fmt.Sprintf("tensor: %s: index shape %v for tensor %v", op, index.shape, shape))
		}
	}
	outer, n, inner = splitAt(shape, ax)
	return ax, outer, n, inner, index.shape[ax]
}

// badIndex panics on the first entry of index that is not a whole number
// in [0, n).
func badIndex(op string, index *Tensor, n int) {
	for _, v := range index.data {
		if k := int(v); float32(k) != v || k < 0 || k >= n {
			panic(fmt.Sprintf("tensor: %s: index %v out of range [0, %d)", op, v, n))
		}
	}
	panic(fmt.Sprintf("tensor: %s: indices out of range [0, %d)", op, n))
}
