package kernel

import (
	"fmt"
	"sync/atomic"
)

// Conv is the shape of a batch of 2-D convolutions (cross-correlations, as
// PyTorch's conv2d): N images of C channels of H by W, read through the
// window Win, give N maps of O channels of OH by OW. The weight is
// [O, C*KH*KW], row o holding output channel o's taps in Im2col's row order.
//
// Forward, InputGrad and WeightGrad compute the three products of a
// convolution as matrix products over chunks of images: the windows of a
// chunk are unfolded side by side, [C*KH*KW, images*OH*OW], so that one
// product serves the whole chunk with a wide right-hand side instead of
// one narrow product per image (about convChunkCols columns a chunk),
// and the chunks go to the threads as they come free. Backward takes
// InputGrad and WeightGrad in one pass over the chunks; ForwardMaxPool
// and BackwardMaxPool are Forward followed by max pooling, and the
// gradients through both, with the maps and their gradient held a chunk
// at a time, never all stored.
type Conv struct {
	N, C, H, W, O int
	Win           Window
}

// A chunk takes enough images for convChunkCols window positions, from
// which the products run near the speed of large ones (about 108 GFLOP/s
// on one Zen 4 core at 343 columns, against 79 at 49), and no more than
// fit convChunkFloats column and product values. WeightGrad, whose
// product is only as large as the weight, sums chunks of up to
// convDeepFloats values at a time: deeper sums for smaller weights.
const (
	convChunkCols   = 384
	convChunkFloats = 1 << 20
	convDeepFloats  = 1 << 17
	// convImageCols is the window positions per image from which Forward
	// writes each image's product in place instead of the chunk's product
	// into scratch and then out image by image: such a product is wide
	// enough alone, and the copy is saved (conv1 of ebm_image, 196
	// positions: 7% faster on one Zen 4 core).
	convImageCols = 192
)

// convAliasFloats is the row length (4 KiB) whose multiples make Forward
// read its weight transposed. An L1 data cache of 64 sets of 64-byte
// lines puts addresses 4 KiB apart in one set, and the micro-kernel reads
// 12 rows of A at once, more than a set's 8 ways hold: read in place, the
// weight's rows then evict each other at every step of the sum (the
// product of 64->128 4x4 convolutions, k = 1024, ran at 62-69 GFLOP/s on
// one Zen 4 core, against 80-92 with the weight transposed).
const convAliasFloats = 1024

// dims returns the window positions per image l and the column rows k.
func (cv Conv) dims() (oh, ow, l, k int) {
	oh, ow = cv.Win.OutSize(cv.H, cv.W)
	return oh, ow, oh * ow, cv.C * cv.Win.KH * cv.Win.KW
}

// check panics unless the sizes are valid and the slices hold them.
func (cv Conv) check(op string, img, maps, wt []float32) {
	_, _, l, _ := cv.dims()
	cv.checkWith(op, img, wt, convOut{"map", maps, cv.N * cv.O * l})
}

// convOut is an output slice that check and checkWith check.
type convOut struct {
	name string
	x    []float32
	n    int // values it must hold
}

// checkWith is check with the outputs outs in place of the maps.
func (cv Conv) checkWith(op string, img, wt []float32, outs ...convOut) {
	oh, ow, _, k := cv.dims()
	if cv.N < 0 || cv.C <= 0 || cv.O <= 0 || oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("kernel: %s: invalid convolution %+v", op, cv))
	}
	for _, s := range append(outs, convOut{"image", img, cv.N * cv.C * cv.H * cv.W}, convOut{"weight", wt, cv.O * k}) {
		if len(s.x) < s.n {
			panic(fmt.Sprintf("kernel: %s: %s holds %d values, want %d for %+v", op, s.name, len(s.x), s.n, cv))
		}
	}
}

// Forward sets y [N, O, OH, OW] to the convolution of x [N, C, H, W] with
// wt, plus bias [O] on every position of each channel when bias is not nil.
func (cv Conv) Forward(y, x, wt, bias []float32) { cv.ForwardMap(y, x, wt, bias, nil) }

// ForwardMap is Forward followed by act(lo, hi) on each run y[lo:hi] of
// finished maps (whole images), called as soon as the run is written,
// while it is still in cache: an activation without a pass of its own
// over y. Runs are disjoint and may be handed to act from several
// goroutines at once. A nil act makes ForwardMap Forward.
func (cv Conv) ForwardMap(y, x, wt, bias []float32, act func(lo, hi int)) {
	cv.check("Conv.Forward", x, y, wt)
	_, _, l, k := cv.dims()
	m := cv.O * l
	fw := cv.forwardWeight(wt)
	defer fw.release()
	cv.chunks(func(b0, b1, threads int, buf []float32) {
		cols := cv.unfold(buf, x, b0, b1, threads)
		nc := (b1 - b0) * l
		if b1-b0 == 1 || l >= convImageCols || cv.direct9() {
			// Each image's product is wide enough alone, or direct:
			// write it in place.
			fw.product(y[b0*m:], m, l, cols, nc, bias, b1-b0, threads)
		} else {
			out := buf[k*nc : k*nc+cv.O*nc]
			fw.product(out, l, nc, cols, nc, bias, b1-b0, threads)
			for b := b0; b < b1; b++ {
				BlockCopy(y[b*m:], l, out[(b-b0)*l:], nc, cv.O, l)
			}
		}
		if act != nil {
			act(b0*m, b1*m)
		}
	})
}

// convWeight is a weight as Forward's products read it.
type convWeight struct {
	cv     Conv
	a      []float32
	lda    int
	transA bool
	zeros  []float32 // O zeros, the direct products' bias when there is none
	tmp    []float32 // the transposed copy or the zeros, if any, to release
}

// forwardWeight returns wt as Forward's products read it: in place, or
// transposed when its rows are a multiple of 4 KiB long.
func (cv Conv) forwardWeight(wt []float32) convWeight {
	_, _, _, k := cv.dims()
	switch {
	case cv.direct9():
		zeros := getBuf(cv.O)
		clear(zeros)
		return convWeight{cv: cv, a: wt, lda: k, zeros: zeros, tmp: zeros}
	case k%convAliasFloats != 0 || cv.N == 0:
		return convWeight{cv: cv, a: wt, lda: k}
	}
	wtT := getBuf(k * cv.O)
	transposeInto(wtT, wt, cv.O, k)
	return convWeight{cv: cv, a: wtT, lda: cv.O, transA: true, tmp: wtT}
}

// release returns the transposed copy or the zeros, if any, to the pool.
func (fw convWeight) release() {
	if fw.tmp != nil {
		putBuf(fw.tmp)
	}
}

// product sets the maps of images whose columns lie side by side in cols
// [k, images*l], rows ldc values apart, plus bias [O] when it is not nil:
// channel o of the i-th image at out[i*step+o*ldo:], l values. The
// images' products are one when step is l (the maps side by side, ldo
// at least images*l) and one each otherwise, or conv9's.
func (fw convWeight) product(out []float32, step, ldo int, cols []float32, ldc int, bias []float32, images, threads int) {
	cv := fw.cv
	_, _, l, k := cv.dims()
	if cv.direct9() {
		if bias == nil {
			bias = fw.zeros
		}
		cv.images(0, images, threads, func(i int) {
			conv9.forward(cols[i*l:], ldc, fw.a, bias, cv.O, out[i*step:], ldo, l)
		})
		return
	}
	if step != l && images > 1 {
		for i := range images {
			fw.product(out[i*step:], step, ldo, cols[i*l:], ldc, bias, 1, threads)
		}
		return
	}
	var beta float32
	if bias != nil {
		for o := range cv.O {
			for i := range images {
				Fill(out[o*ldo+i*l:o*ldo+(i+1)*l], bias[o])
			}
		}
		beta = 1
	}
	p := newGemmArgs(fw.transA, false, cv.O, images*l, k, 1, fw.a, fw.lda, cols, ldc, beta, out, ldo)
	p.run(activeKernel, threads, pathAuto)
}

// transposeInto sets dst [cols, rows] to the transpose of src [rows,
// cols], in square blocks that stay in cache.
func transposeInto(dst, src []float32, rows, cols int) {
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

// InputGrad sets dx [N, C, H, W] to the transpose of the convolution
// applied to gy [N, O, OH, OW], plus bias [C] on every position of each
// channel when bias is not nil: without bias, the gradient of a loss with
// respect to Forward's x given its gradient gy with respect to y.
// ConvTranspose2d is this product.
func (cv Conv) InputGrad(dx, gy, wt, bias []float32) {
	cv.check("Conv.InputGrad", dx, gy, wt)
	cv.inputGrad(dx, gy, nil, wt, bias)
}

// InputGradScaled is InputGrad without bias of the maps gy times s [N, O,
// OH, OW] value by value, each product taken as the maps are read: the
// input gradient of a convolution followed by an activation whose
// derivative at each value is s (see SiLUKeep).
func (cv Conv) InputGradScaled(dx, gy, s, wt []float32) {
	_, _, l, _ := cv.dims()
	n := cv.N * cv.O * l
	cv.checkWith("Conv.InputGradScaled", dx, wt, convOut{"map", gy, n}, convOut{"scale", s, n})
	cv.inputGrad(dx, gy, s, wt, nil)
}

// inputGrad is InputGrad of the maps gy times s, or of gy when s is nil,
// with the sizes checked by the caller.
func (cv Conv) inputGrad(dx, gy, s, wt, bias []float32) {
	cv.chunks(func(b0, b1, threads int, buf []float32) {
		cv.inputChunk(dx, cv.mapsOf(gy, s, b0, b1), wt, bias, b0, b1, threads, buf)
	})
}

// inputChunk is InputGrad for images b0..b1, given their maps g, with
// the start of buf as scratch for their columns and, where g's maps are
// not side by side, a copy of them (see inputCols).
func (cv Conv) inputChunk(dx []float32, g convMaps, wt, bias []float32, b0, b1, threads int, buf []float32) {
	oh, ow, l, _ := cv.dims()
	img := cv.C * cv.H * cv.W
	nc := (b1 - b0) * l
	cols := cv.inputCols(buf, g, wt, b0, b1, threads)
	phases := phasesFit(cv.H, cv.W, oh, ow, cv.Win)
	if phases && bias == nil {
		// Every image value is folded from its phase: no clearing.
		walkPhases(cols, nc, dx[b0*img:b1*img], b1-b0, cv.C, cv.H, cv.W, cv.Win, foldSetPhases, threads)
		return
	}
	hw := cv.H * cv.W
	for b := b0; b < b1; b++ {
		for c := range cv.C {
			plane := dx[b*img+c*hw : b*img+(c+1)*hw]
			if bias != nil {
				Fill(plane, bias[c])
			} else {
				clear(plane)
			}
		}
	}
	switch {
	case phases:
		walkPhases(cols, nc, dx[b0*img:b1*img], b1-b0, cv.C, cv.H, cv.W, cv.Win, foldAddPhases, threads)
		return
	case stripsFit(cv.H, cv.W, cv.Win):
		walkStrips(cols, nc, dx[b0*img:b1*img], b1-b0, cv.C, cv.H, cv.W, cv.Win, true, threads)
		return
	}
	cv.images(b0, b1, threads, func(b int) {
		walkImage(cols[(b-b0)*l:], nc, dx[b*img:(b+1)*img], cv.C, cv.H, cv.W, oh, ow, cv.Win, true)
	})
}

// WeightGrad sets dw [O, C*KH*KW] to the sum over the images of each map
// of gy [N, O, OH, OW] times the unfolded windows of x [N, C, H, W]: the
// gradient with respect to Forward's weight. The result does not depend
// on the thread count (see weightGrad).
func (cv Conv) WeightGrad(dw, x, gy []float32) {
	cv.check("Conv.WeightGrad", x, gy, dw)
	cv.weightGrad(dw, x, cv.gathered(gy), nil)
}

// dwTransposed reports whether WeightGrad and Backward sum the weight's
// transpose [C*KH*KW, O], the columns times the maps' transpose: when
// the weight's rows are longer than its columns, the product's rows then
// fill the micro-kernel's register tiles with less waste, and the
// operand packed transposed is the maps rather than the larger columns
// (convnet's conv2, O = 64 by 288: 7% faster on one Zen 4 core).
func (cv Conv) dwTransposed() bool {
	_, _, _, k := cv.dims()
	return k > cv.O
}

// addWeightGrad sets acc (beta 0) or adds to it (beta 1) the product of
// the maps g [O, nc] and the transpose of the columns cols [k, nc]: the
// weight gradient of a chunk, [O, k], or [k, O] when dwTransposed.
func (cv Conv) addWeightGrad(acc, g, cols []float32, nc int, beta float32, threads int) {
	_, _, _, k := cv.dims()
	p := newGemmArgs(false, true, cv.O, k, nc, 1, g, nc, cols, nc, beta, acc, k)
	if cv.dwTransposed() {
		p = newGemmArgs(false, true, k, cv.O, nc, 1, cols, nc, g, nc, beta, acc, cv.O)
	}
	p.run(activeKernel, threads, pathAuto)
}

// unfold writes the windows of images b0..b1 of x side by side into the
// start of buf, [k, (b1-b0)*l], and returns them.
func (cv Conv) unfold(buf, x []float32, b0, b1, threads int) []float32 {
	oh, ow, l, k := cv.dims()
	nc, img := (b1-b0)*l, cv.C*cv.H*cv.W
	cols := buf[:k*nc]
	switch {
	case phasesFit(cv.H, cv.W, oh, ow, cv.Win):
		walkPhases(cols, nc, x[b0*img:b1*img], b1-b0, cv.C, cv.H, cv.W, cv.Win, unfoldPhases, threads)
		return cols
	case stripsFit(cv.H, cv.W, cv.Win):
		walkStrips(cols, nc, x[b0*img:b1*img], b1-b0, cv.C, cv.H, cv.W, cv.Win, false, threads)
		return cols
	}
	cv.images(b0, b1, threads, func(b int) {
		walkImage(cols[(b-b0)*l:], nc, x[b*img:(b+1)*img], cv.C, cv.H, cv.W, oh, ow, cv.Win, false)
	})
	return cols
}

// convMaps are the maps (or their gradient) of a chunk of images as the
// products read them: channel o of the chunk's i-th image is the l
// values at g[i*step+o*ld:], times those at the same place in s, value
// by value, when s is not nil.
type convMaps struct {
	g, s     []float32
	step, ld int
}

// mapsOf returns the maps of images b0..b1 of gy [N, O, OH, OW], times
// those of s when s is not nil, in place.
func (cv Conv) mapsOf(gy, s []float32, b0, b1 int) convMaps {
	_, _, l, _ := cv.dims()
	m := cv.O * l
	mp := convMaps{g: gy[b0*m : b1*m], step: m, ld: l}
	if s != nil {
		mp.s = s[b0*m : b1*m]
	}
	return mp
}

// sideBySide returns the maps of mp, a chunk of images, side by side,
// [O, images*l]: in place when they lie so, copied (multiplied by s)
// into the start of buf otherwise.
func (cv Conv) sideBySide(buf []float32, mp convMaps, images int) []float32 {
	_, _, l, _ := cv.dims()
	nc := images * l
	if mp.s == nil && mp.ld == nc && (images == 1 || mp.step == l) {
		return mp.g[:cv.O*nc]
	}
	g := buf[:cv.O*nc]
	for i := range images {
		if mp.s == nil {
			BlockCopy(g[i*l:], nc, mp.g[i*mp.step:], mp.ld, cv.O, l)
			continue
		}
		for o := range cv.O {
			at := i*mp.step + o*mp.ld
			mulVV(g[o*nc+i*l:][:l], mp.g[at:at+l], mp.s[at:at+l])
		}
	}
	return g
}

// images runs f on images b0..b1, split across threads when there are
// several and the chunk is large enough.
func (cv Conv) images(b0, b1, threads int, f func(b int)) {
	_, _, l, k := cv.dims()
	nt := min(threads, b1-b0, max((b1-b0)*k*l/im2colMinWork, 1))
	if nt <= 1 {
		for b := b0; b < b1; b++ {
			f(b)
		}
		return
	}
	parallelFor(nt, func(t int) {
		n := b1 - b0
		for b := b0 + t*n/nt; b < b0+(t+1)*n/nt; b++ {
			f(b)
		}
	})
}

// chunkImages returns how many images a chunk takes when each image has
// rows-by-l values to hold and the chunk aims at budget values.
func (cv Conv) chunkImages(rows, l, budget int) int {
	cb := max(ceilDiv(convChunkCols, l), budget/(rows*l))
	return max(1, min(cv.N, cb, convChunkFloats/(rows*l)))
}

// chunks runs f(b0, b1, ...) on each chunk of images b0..b1, with a
// scratch buffer for its columns and products (see spread).
func (cv Conv) chunks(f func(b0, b1, threads int, buf []float32)) {
	if cv.N == 0 {
		return
	}
	_, _, l, k := cv.dims()
	cb := cv.chunkImages(k+cv.O, l, 0)
	spread(ceilDiv(cv.N, cb), cb*l*(k+cv.O), func(i, threads int, buf []float32) {
		f(i*cb, min(cv.N, (i+1)*cb), threads, buf)
	})
}

// spread runs f(i, threads, buf) for i in 0..n-1, each with a scratch
// buffer of size values. When there are at least as many units as
// threads, each thread claims units as it comes free and runs them on its
// own (threads 1); otherwise the units run one after the other on all
// threads.
func spread(n, size int, f func(i, threads int, buf []float32)) {
	threads := Threads()
	if n < threads {
		buf := getBuf(size)
		defer putBuf(buf)
		for i := range n {
			f(i, threads, buf)
		}
		return
	}
	var next atomic.Int64
	parallelFor(threads, func(int) {
		buf := getBuf(size)
		defer putBuf(buf)
		for {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			f(i, 1, buf)
		}
	})
}
