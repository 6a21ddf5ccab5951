package kernel

// convGradGroups is how many groups of chunks Backward sums the weight
// gradient in: enough to keep three threads busy to the end, few enough
// that adding the groups' sums costs little.
const convGradGroups = 12

// Backward sets dx to InputGrad(dx, gy, wt, nil) and dw to
// WeightGrad(dw, x, gy) in one pass over chunks of images: each chunk's
// maps are gathered once for both products, and are still in cache for
// the second, and the chunks run side by side on the threads where
// WeightGrad runs them one after the other. The chunks fall into groups
// fixed by the shape, each summing its weight gradient on its own; the
// groups' sums are added in order, so the result does not depend on the
// thread count.
func (cv Conv) Backward(dx, dw, x, gy, wt []float32) {
	cv.check("Conv.Backward", dx, gy, wt)
	cv.check("Conv.Backward", x, gy, dw)
	_, _, l, k := cv.dims()
	ok := cv.O * k
	if cv.N == 0 {
		clear(dw[:ok])
		return
	}
	cb := cv.chunkImages(k+cv.O, l, 0)
	n := ceilDiv(cv.N, cb)
	groups := min(n, convGradGroups, max(1, convChunkFloats/ok))
	sums := getBuf(groups * ok)
	defer putBuf(sums)
	spread(groups, cb*l*(k+cv.O), func(gi, threads int, buf []float32) {
		var beta float32
		for i := gi * n / groups; i < (gi+1)*n/groups; i++ {
			b0, b1 := i*cb, min(cv.N, (i+1)*cb)
			nc := (b1 - b0) * l
			g := cv.gather(buf[k*nc:], gy, b0, b1)
			cv.inputChunk(dx, g, wt, nil, b0, b1, threads, buf)
			cols := cv.unfold(buf, x, b0, b1, threads)
			cv.addWeightGrad(sums[gi*ok:(gi+1)*ok], g, cols, nc, beta, threads)
			beta = 1
		}
	})
	for gi := 1; gi < groups; gi++ {
		AddTo(sums[:ok], sums[gi*ok:(gi+1)*ok])
	}
	if cv.dwTransposed() {
		transposeInto(dw, sums, k, cv.O)
	} else {
		copy(dw[:ok], sums)
	}
}
