package tensor

import (
	"sync"

	"github.com/gibbsml/gibbs/internal/kernel"
)

// sumRaw sums t to shape keep (t's shape with the reduced axes of length
// 1, leading ones possibly dropped) without recording. Every value of the
// result is a float64 total of float32 partial sums of bounded length:
// kernel.Sum of a run along the reduced innermost axis, or at most
// kernel.CarryRows rows added element-wise when the innermost axis is
// kept. So the rounding error does not grow with the number of values
// summed, and the bits depend on the shapes only, never on threads.
func sumRaw(t *Tensor, keep []int) *Tensor {
	out := empty(keep)
	src, dst := t.data, out.data
	if len(dst) == 0 {
		return out
	}
	if trailingReduced(t.shape, keep) {
		// Each result value sums one contiguous run of m values.
		m := len(src) / len(dst)
		for o := range dst {
			dst[o] = kernel.Sum(src[o*m : (o+1)*m])
		}
		return out
	}
	if leadingReduced(t.shape, keep) {
		sumRows(dst, src)
		return out
	}
	s := sumScratchFor(len(dst))
	defer sumScratches.Put(s)
	walkRuns(t.shape, contiguousStrides(t.shape), broadcastStrides(keep, t.shape), func(i, _, io, n, _, do int) {
		if do == 0 {
			s.acc[io] += float64(kernel.Sum(src[i : i+n]))
			return
		}
		// The run's axis is kept, and the result is contiguous along
		// it: the run is one row of the result, starting at io, a
		// multiple of n.
		part := s.part[io : io+n]
		kernel.AddTo(part, src[i:i+n])
		if s.rows[io/n]++; s.rows[io/n] == kernel.CarryRows {
			s.rows[io/n] = 0
			kernel.Carry(s.acc[io:io+n], part)
		}
	})
	kernel.Carry(s.acc, s.part)
	for k, v := range s.acc {
		dst[k] = float32(v)
	}
	return out
}

// trailingReduced reports whether the axes of shape reduced in keep (those
// of length 1 there but not in shape; keep may lack leading axes, as in
// broadcasting) all come after the axes kept: then every value of the sum
// is one contiguous run of the input.
func trailingReduced(shape, keep []int) bool {
	reduced := false
	for i, d := range shape {
		switch {
		case d == 1:
		case dimFromEnd(keep, len(shape)-1-i) == 1:
			reduced = true
		case reduced:
			return false
		}
	}
	return true
}

// leadingReduced reports whether the axes of shape reduced in keep all
// come before the axes kept: then the input is rows of the result's
// length, which the sum adds up (a bias gradient).
func leadingReduced(shape, keep []int) bool {
	kept := false
	for i, d := range shape {
		switch {
		case d == 1:
		case dimFromEnd(keep, len(shape)-1-i) != 1:
			kept = true
		case kept:
			return false
		}
	}
	return true
}

// sumParallelMin is the input size from which sumRows shares the rows
// out among threads.
const sumParallelMin = 1 << 15

// sumRows sets dst to the sum of the rows of src, each len(dst) values
// long: kernel.CarryRows rows at a time added in float32 partial sums,
// carried into float64, as the general loop of sumRaw does
// (kernel.RowSums). The threads take blocks of rows, each summed apart
// and carried in order, so the bits do not depend on the threads.
func sumRows(dst, src []float32) {
	n := len(dst)
	s := sumScratchFor(n)
	defer sumScratches.Put(s)
	acc := s.acc[:n]
	kernel.RowSums(acc, len(src)/n, len(src) >= sumParallelMin, func(r int, part []float32) {
		kernel.AddTo(part, src[r*n:(r+1)*n])
	})
	for j, v := range acc {
		dst[j] = float32(v)
	}
}

// sumScratch holds sumRaw's accumulators for a result of n values: the
// float64 totals, the float32 partial sums of rows and, per row of the
// result, how many rows the partial sums hold.
type sumScratch struct {
	acc  []float64
	part []float32
	rows []int32
}

var sumScratches = sync.Pool{New: func() any { return new(sumScratch) }}

// sumScratchFor returns zeroed accumulators for a result of n values.
func sumScratchFor(n int) *sumScratch {
	s := sumScratches.Get().(*sumScratch)
	if cap(s.acc) < n {
		s.acc, s.part, s.rows = make([]float64, n), make([]float32, n), make([]int32, n)
	}
	s.acc, s.part, s.rows = s.acc[:n], s.part[:n], s.rows[:n]
	clear(s.acc)
	clear(s.part)
	clear(s.rows)
	return s
}
