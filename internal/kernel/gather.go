package kernel

import "sync/atomic"

// gatherMinWork is the number of values from which Gather, ScatterSum and
// the row softmax split their blocks across threads.
const gatherMinWork = 1 << 15

// Gather sets dst[o, j, i] = src[o, idx[o, j, i], i] for dst and idx laid
// out as [outer, m, inner] and src as [outer, n, inner]. Each index must
// be a whole number in [0, n); Gather reports false if one is not, with
// dst then partly written.
func Gather(dst, src, idx []float32, outer, m, n, inner int) bool {
	return byBlock(outer, m*inner, func(o int) bool {
		d, ix := dst[o*m*inner:(o+1)*m*inner], idx[o*m*inner:(o+1)*m*inner]
		s := src[o*n*inner : (o+1)*n*inner]
		if inner == 1 {
			for j, f := range ix {
				k := int(f)
				if uint(k) >= uint(n) || float32(k) != f {
					return false
				}
				d[j] = s[k]
			}
			return true
		}
		for p, f := range ix {
			k := int(f)
			if uint(k) >= uint(n) || float32(k) != f {
				return false
			}
			d[p] = s[k*inner+p%inner]
		}
		return true
	})
}

// ScatterSum is the reverse of Gather: it sets dst, laid out as [outer, n,
// inner], to zero and adds each src[o, j, i] to dst[o, idx[o, j, i], i],
// for src and idx laid out as [outer, m, inner]. Each index must be a
// whole number in [0, n); ScatterSum reports false if one is not, with
// dst then partly written. Blocks are summed in index order, so the
// result does not depend on the number of threads.
func ScatterSum(dst, src, idx []float32, outer, m, n, inner int) bool {
	return byBlock(outer, (m+n)*inner, func(o int) bool {
		d := dst[o*n*inner : (o+1)*n*inner]
		s, ix := src[o*m*inner:(o+1)*m*inner], idx[o*m*inner:(o+1)*m*inner]
		if inner == 1 {
			return scatterRow(d, s, ix)
		}
		clear(d)
		for p, f := range ix {
			k := int(f)
			if uint(k) >= uint(n) || float32(k) != f {
				return false
			}
			d[k*inner+p%inner] += s[p]
		}
		return true
	})
}

// scatterRow is ScatterSum of one block with inner 1: it sets d to zero
// and adds each s[j] to d[idx[j]].
func scatterRow(d, s, idx []float32) bool {
	clear(d)
	for j, f := range idx {
		k := int(f)
		if uint(k) >= uint(len(d)) || float32(k) != f {
			return false
		}
		d[k] += s[j]
	}
	return true
}

// byBlock runs f on the blocks 0 to outer-1, each of about size values,
// split across threads when there is enough work, and reports whether f
// succeeded on all of them.
func byBlock(outer, size int, f func(o int) bool) bool {
	var failed atomic.Bool
	splitBlocks(outer, size, func(lo, hi int) {
		for o := lo; o < hi && !failed.Load(); o++ {
			if !f(o) {
				failed.Store(true)
			}
		}
	})
	return !failed.Load()
}

// splitBlocks runs f on ranges of the blocks 0 to outer-1, each block of
// about size values: on all of them at once when the work is small,
// otherwise on one contiguous range per thread.
func splitBlocks(outer, size int, f func(lo, hi int)) {
	nt := min(Threads(), outer, max(outer*size/gatherMinWork, 1))
	if nt <= 1 {
		f(0, outer)
		return
	}
	parallelFor(nt, func(t int) { f(t*outer/nt, (t+1)*outer/nt) })
}
