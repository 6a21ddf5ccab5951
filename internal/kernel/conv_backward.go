package kernel

import "fmt"

// convGradGroups is how many groups of chunks the weight gradient is
// summed in: enough to keep three threads busy to the end, few enough
// that adding the groups' sums costs little.
const convGradGroups = 12

// Backward sets dx to InputGrad(dx, gy, wt, nil) and dw to
// WeightGrad(dw, x, gy) in one pass over chunks of images: each chunk's
// maps are gathered once for both products, and are still in cache for
// the second. On minimal filtering (see Conv.wino) the two gradients
// are taken one after the other.
func (cv Conv) Backward(dx, dw, x, gy, wt []float32) {
	_, _, l, k := cv.dims()
	cv.checkWith("Conv.Backward", x, wt, convOut{"map", gy, cv.N * cv.O * l},
		convOut{"image gradient", dx, cv.N * cv.C * cv.H * cv.W}, convOut{"weight gradient", dw, cv.O * k})
	dx = cv.winoInputFirst(dx, gy, ActGrad{}, wt)
	input, release := cv.inputStep(dx, wt)
	defer release()
	cv.weightGrad(dw, x, cv.gathered(gy), input)
}

// BackwardAct sets dw, and dx and db when they are not nil, to the
// gradients of the weight, images and bias of a convolution followed by
// the activation act, given gy, the gradient of act's outputs: Backward
// (or WeightGrad when dx is nil) of the maps' gradient, taken through
// act a chunk at a time as the products gather it, never stored, and db
// that gradient summed as BackwardMaxPool sums it. A zero act (ActGrad{})
// is no activation: gy is the maps' gradient.
func (cv Conv) BackwardAct(dx, dw, db, x, gy, wt []float32, act ActGrad) {
	_, _, l, k := cv.dims()
	n := cv.N * cv.O * l
	outs := []convOut{{"map", gy, n}, {"weight gradient", dw, cv.O * k}}
	if act.Y != nil || act.Grad != nil {
		outs = append(outs, convOut{"activation", act.Y, n})
	}
	if dx != nil {
		outs = append(outs, convOut{"image gradient", dx, cv.N * cv.C * cv.H * cv.W})
	}
	if db != nil {
		outs = append(outs, convOut{"bias gradient", db, cv.O})
	}
	cv.checkWith("Conv.BackwardAct", x, wt, outs...)
	var sums []float32 // each image's plane of each channel, summed
	if db != nil {
		sums = getBuf(cv.N * cv.O)
		defer putBuf(sums)
	}
	dx = cv.winoInputFirst(dx, gy, act, wt)
	input, release := cv.inputStep(dx, wt)
	defer release()
	cv.weightGrad(dw, x, func(buf []float32, b0, b1, threads int) []float32 {
		nc := (b1 - b0) * l
		g := cv.sideBySide(buf, cv.mapsOf(gy, act, b0, b1), b1-b0)
		if sums != nil {
			cv.images(b0, b1, threads, func(b int) {
				for o := range cv.O {
					sums[b*cv.O+o] = Sum(g[o*nc+(b-b0)*l:][:l])
				}
			})
		}
		return g
	}, input)
	if db != nil {
		cv.biasGrad(db, sums)
	}
}

// biasGrad sets db [O] to the sums over the images of sums [N, O], each
// image's plane of each channel summed, added in float64 in order.
func (cv Conv) biasGrad(db, sums []float32) {
	for o := range cv.O {
		var t float64
		for b := range cv.N {
			t += float64(sums[b*cv.O+o])
		}
		db[o] = float32(t)
	}
}

// gathered returns the maps of gy as weightGrad takes them: those of
// images b0..b1 side by side, [O, (b1-b0)*l], copied into the start of
// buf unless there is one map.
func (cv Conv) gathered(gy []float32) func(buf []float32, b0, b1, threads int) []float32 {
	return func(buf []float32, b0, b1, _ int) []float32 {
		return cv.sideBySide(buf, cv.mapsOf(gy, ActGrad{}, b0, b1), b1-b0)
	}
}

// inputStep returns the step that sets a chunk's images of dx as
// weightGrad runs it, reading the weight wt as weightOf gives it, and
// the release of that weight to call when done; nil and a release that
// does nothing when dx is nil.
func (cv Conv) inputStep(dx, wt []float32) (func(g []float32, b0, b1, threads int, buf []float32), func()) {
	if dx == nil {
		return nil, func() {}
	}
	w, release := cv.weightOf(wt)
	_, _, l, _ := cv.dims()
	return func(g []float32, b0, b1, threads int, buf []float32) {
		cv.inputChunk(dx, convMaps{g: g, step: l, ld: (b1 - b0) * l}, w, nil, b0, b1, threads, buf)
	}, release
}

// weightGrad is WeightGrad for the maps' gradient that maps(buf, b0, b1,
// threads) returns for images b0..b1, [O, (b1-b0)*l], given buf to write
// them to and the threads to write them on, running also, when not nil,
// on them before the chunk's weight product, with the start of buf free
// for its columns. The chunks fall into
// groups fixed by the shape, which run side by side on the threads, each
// summing its weight gradient on its own; the groups' sums are added in
// order, so the result does not depend on the thread count. The chunks
// are deeper than InputGrad's (see convDeepFloats), with also or
// without: the same chunks, so the same sums, whether or not the input
// gradient is taken with the weight's. Shapes on minimal filtering (see
// Conv.wino) take winoWeightGrad, with no input step (see
// winoInputFirst).
func (cv Conv) weightGrad(dw, x []float32, maps func(buf []float32, b0, b1, threads int) []float32, also func(g []float32, b0, b1, threads int, buf []float32)) {
	if cv.wino() {
		if also != nil {
			panic(fmt.Sprintf("kernel: weight gradient with an input step on minimal filtering for %+v (see winoInputFirst)", cv))
		}
		cv.winoWeightGrad(dw, x, maps)
		return
	}
	cv.weightGradFwd(dw, x, maps, also, nil, convWeight{})
}

// ForwardWeightGrad sets y to Forward(y, x, wt, nil) and dw to
// WeightGrad(dw, x, gy), unfolding the windows of each chunk of x once
// for both products where both take the same chunks of unfolded
// products (otherwise, minimal filtering included, it calls the two):
// the gradients of a transposed convolution
// (InputGrad) of maps gy with respect to its maps and its weight, given
// the gradient x of its images. Both results are those of Forward and
// WeightGrad at the same thread count.
func (cv Conv) ForwardWeightGrad(y, dw, x, gy, wt []float32) {
	_, _, l, k := cv.dims()
	cv.checkWith("Conv.ForwardWeightGrad", x, wt, convOut{"map", gy, cv.N * cv.O * l},
		convOut{"output map", y, cv.N * cv.O * l}, convOut{"weight gradient", dw, cv.O * k})
	if cv.wino() || cv.chunkImages(k+cv.O, l, convDeepFloats) != cv.chunkImages(k+cv.O, l, 0) {
		// Forward's chunks of other widths split the channels elsewhere
		// (blockChannels): its bits come from its own pass.
		cv.Forward(y, x, wt, nil)
		cv.WeightGrad(dw, x, gy)
		return
	}
	w, release := cv.weightOf(wt)
	defer release()
	cv.weightGradFwd(dw, x, cv.gathered(gy), nil, y, w)
}

// weightGradFwd is weightGrad's unfolded path (weightGrad and
// ForwardWeightGrad call it off minimal filtering) that, when y is not
// nil, also sets y to
// the maps of x through the weight w (Forward without bias) from each
// block of columns the weight product reads, the forward product's
// scratch after the chunk's maps in buf.
func (cv Conv) weightGradFwd(dw, x []float32, maps func(buf []float32, b0, b1, threads int) []float32, also func(g []float32, b0, b1, threads int, buf []float32), y []float32, w convWeight) {
	_, _, l, k := cv.dims()
	ok := cv.O * k
	if cv.N == 0 {
		clear(dw[:ok])
		return
	}
	cb := cv.chunkImages(k+cv.O, l, convDeepFloats)
	n := ceilDiv(cv.N, cb)
	groups := min(n, convGradGroups, max(1, convChunkFloats/ok))
	trans := cv.dwTransposed(cb * l)
	sums := getBuf(groups * ok)
	defer putBuf(sums)
	size := cb * l * (k + cv.O)
	if y != nil && !cv.inPlace(cb) {
		size += cb * l * cv.O
	}
	spread(groups, size, func(gi, threads int, buf []float32) {
		var beta float32
		for i := gi * n / groups; i < (gi+1)*n/groups; i++ {
			b0, b1 := i*cb, min(cv.N, (i+1)*cb)
			nc := (b1 - b0) * l
			g := maps(buf[k*nc:], b0, b1, threads)
			if also != nil {
				also(g, b0, b1, threads, buf)
			}
			var out forwardChunk
			if y != nil {
				out = cv.forwardOut(y, buf[(k+cv.O)*nc:], b0, b1)
			}
			cv.unfoldBlocks(buf, x, b0, b1, threads, func(c0, c1 int, cols []float32) {
				cv.addWeightGrad(sums[gi*ok:(gi+1)*ok], g, cols, c0, c1, nc, trans, beta, threads)
				if y != nil {
					out.product(cv, w, cols, nil, c0, c1, threads)
				}
			})
			if y != nil {
				out.finish(cv, y)
			}
			beta = 1
		}
	})
	cv.addGroups(dw, sums, groups, trans)
}

// addGroups sets dw to the sum of the groups' weight gradients in sums,
// each [O, C*KH*KW] (or its transpose when trans, which dw then takes
// transposed back), added in the order of the groups value by value, in
// pieces of the weight across threads: the sums are the same whatever
// the split. Added whole on one thread, dcgan's 64->128 4x4 layer's eight
// groups (4 MB) took about 0.3 ms of each of its backward passes while
// the other thread waited (measured before minimal filtering took that
// layer).
func (cv Conv) addGroups(dw, sums []float32, groups int, trans bool) {
	_, _, _, k := cv.dims()
	sumGroups(sums, cv.O*k, groups, func(lo, hi int) {
		if !trans {
			copy(dw[lo:hi], sums[lo:hi])
		}
	})
	if trans {
		transposeInto(dw, sums, k, cv.O)
	}
}

// sumGroups adds to sums[:size] the groups-1 sums of size values after
// it, in the order of the groups value by value, in pieces across
// threads, running then, when not nil, on each piece summed.
func sumGroups(sums []float32, size, groups int, then func(lo, hi int)) {
	if groups <= 1 && then == nil {
		return // nothing to add
	}
	pieces(size, im2colMinWork, func(lo, hi int) {
		for gi := 1; gi < groups; gi++ {
			addVV(sums[lo:hi], sums[lo:hi], sums[gi*size+lo:gi*size+hi])
		}
		if then != nil {
			then(lo, hi)
		}
	})
}

// transposeInto sets dst [cols, rows] to the transpose of src [rows,
// cols]: sixteen rows at a time where the CPU has packRows16 (as
// packPanel packs them), otherwise in square blocks that stay in cache.
func transposeInto(dst, src []float32, rows, cols int) {
	if packRows16 != nil && cols >= 16 {
		packPanel(dst, src, cols, 1, 0, rows, cols, rows)
		return
	}
	const bs = 32
	for i0 := 0; i0 < rows; i0 += bs {
		for j0 := 0; j0 < cols; j0 += bs {
			for i := i0; i < min(i0+bs, rows); i++ {
				for j, v := range src[i*cols+j0 : i*cols+min(j0+bs, cols)] {
					dst[(j0+j)*rows+i] = v
				}
			}
		}
	}
}
