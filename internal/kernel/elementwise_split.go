package kernel

// mapMinWork is the fewest values of a thread's piece of an element-wise
// map (which splits from twice as many): below it waking a worker costs
// more than it saves.
const mapMinWork = 1 << 17

// mapHeavyMinWork is mapMinWork for the maps that evaluate an exponential
// or a logarithm per value (Exp, SiLU, Tanh, ...): about ten times the
// work of an add, so that shorter slices repay the split.
const mapHeavyMinWork = 1 << 15

// The map helpers run a vector loop over whole slices, or over contiguous
// pieces of them on separate threads when they are long. The loops are
// element-wise, so the results do not depend on the split. Only the long
// path builds a closure.

func map1(f func(dst, x []float32), dst, x []float32) { map1From(mapMinWork, f, dst, x) }

// heavy1 is map1 for the maps of mapHeavyMinWork.
func heavy1(f func(dst, x []float32), dst, x []float32) { map1From(mapHeavyMinWork, f, dst, x) }

// map1From is map1 splitting from minWork values.
func map1From(minWork int, f func(dst, x []float32), dst, x []float32) {
	x = x[:len(dst)]
	if serial(len(dst), minWork) {
		f(dst, x)
		return
	}
	pieces(len(dst), minWork, func(lo, hi int) { f(dst[lo:hi], x[lo:hi]) })
}

func map2(f func(dst, x, y []float32), dst, x, y []float32) { map2From(mapMinWork, f, dst, x, y) }

// heavy2 is map2 for the maps of mapHeavyMinWork.
func heavy2(f func(dst, x, y []float32), dst, x, y []float32) {
	map2From(mapHeavyMinWork, f, dst, x, y)
}

// map2From is map2 splitting from minWork values.
func map2From(minWork int, f func(dst, x, y []float32), dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	if serial(len(dst), minWork) {
		f(dst, x, y)
		return
	}
	pieces(len(dst), minWork, func(lo, hi int) { f(dst[lo:hi], x[lo:hi], y[lo:hi]) })
}

func map1s(f func(dst, x []float32, s float32), dst, x []float32, s float32) {
	x = x[:len(dst)]
	if serial(len(dst), mapMinWork) {
		f(dst, x, s)
		return
	}
	pieces(len(dst), mapMinWork, func(lo, hi int) { f(dst[lo:hi], x[lo:hi], s) })
}

func map2s(f func(dst, x, y []float32, s float32), dst, x, y []float32, s float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	if serial(len(dst), mapMinWork) {
		f(dst, x, y, s)
		return
	}
	pieces(len(dst), mapMinWork, func(lo, hi int) { f(dst[lo:hi], x[lo:hi], y[lo:hi], s) })
}

// serial reports whether pieces would run n values as one piece, so that
// the map runs its loop without building pieces' closure.
func serial(n, minWork int) bool { return n < 2*minWork || Threads() == 1 }

// pieces runs f on contiguous pieces of [0, n), up to chunksPerThread a
// thread and at most one per minWork values, which the threads claim as
// they come free (see ParallelParts), the piece boundaries on multiples
// of 16 values (whole vector steps). With one fixed piece a thread, a
// worker woken late had left the caller waiting for its piece: Adam's
// two updates of a dcgan step kept one of two threads idle about 0.4 ms.
func pieces(n, minWork int, f func(lo, hi int)) {
	nt := min(parts(Threads()), max(n/minWork, 1))
	bound := func(t int) int { return min(t*n/nt&^15, n) }
	parallelFor(nt, func(t int) {
		hi := n
		if t < nt-1 {
			hi = bound(t + 1)
		}
		f(bound(t), hi)
	})
}
