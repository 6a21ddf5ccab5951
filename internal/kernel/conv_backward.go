package kernel

// convGradGroups is how many groups of chunks the weight gradient is
// summed in: enough to keep three threads busy to the end, few enough
// that adding the groups' sums costs little.
const convGradGroups = 12

// Backward sets dx to InputGrad(dx, gy, wt, nil) and dw to
// WeightGrad(dw, x, gy) in one pass over chunks of images: each chunk's
// maps are gathered once for both products, and are still in cache for
// the second.
func (cv Conv) Backward(dx, dw, x, gy, wt []float32) {
	cv.check("Conv.Backward", dx, gy, wt)
	cv.weightGrad("Conv.Backward", dw, x, gy, func(g []float32, b0, b1, threads int, buf []float32) {
		cv.inputChunk(dx, g, wt, nil, b0, b1, threads, buf)
	})
}

// weightGrad is WeightGrad, running also, when not nil, on each chunk's
// maps g [O, (b1-b0)*l] before the chunk's weight product, with the start
// of buf free for its columns. The chunks fall into groups fixed by the
// shape, which run side by side on the threads, each summing its weight
// gradient on its own; the groups' sums are added in order, so the result
// does not depend on the thread count. Alone, the chunks are deeper (see
// convDeepFloats); with also, they are those of InputGrad.
func (cv Conv) weightGrad(op string, dw, x, gy []float32, also func(g []float32, b0, b1, threads int, buf []float32)) {
	cv.check(op, x, gy, dw)
	_, _, l, k := cv.dims()
	ok := cv.O * k
	if cv.N == 0 {
		clear(dw[:ok])
		return
	}
	budget := 0
	if also == nil {
		budget = convDeepFloats
	}
	cb := cv.chunkImages(k+cv.O, l, budget)
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
			if also != nil {
				also(g, b0, b1, threads, buf)
			}
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
