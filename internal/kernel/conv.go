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
// InputGrad and WeightGrad in one pass over the chunks, ForwardWeightGrad
// Forward and WeightGrad of the same images (a transposed convolution's
// gradients) from one unfolding of their windows; ForwardMaxPool
// and BackwardMaxPool are Forward followed by max pooling, and the
// gradients through both, with the maps and their gradient held a chunk
// at a time, never all stored. 4x4 stride-2 windows of padding 1 with
// C*O of at least winoMinCO (see Conv.wino) take minimal filtering
// instead (wino_conv.go) in all of these
// but ForwardMaxPool and BackwardMaxPool, which there differ from Forward
// and Backward in rounding.
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
	// convFoldFloats is about the column values of the channels that
	// pass between the images and a product at a time (blockChannels):
	// a few hundred kilobytes, and twice im2colMinWork, so that two
	// threads split the copies.
	convFoldFloats = 2 * im2colMinWork
)

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
	fixed := [2]convOut{{"image", img, cv.N * cv.C * cv.H * cv.W}, {"weight", wt, cv.O * k}}
	for _, group := range [2][]convOut{outs, fixed[:]} { // no slice allocated a call
		for _, s := range group {
			if len(s.x) < s.n {
				panic(fmt.Sprintf("kernel: %s: %s holds %d values, want %d for %+v", op, s.name, len(s.x), s.n, cv))
			}
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
// goroutines at once, inside the kernels' own parallel jobs (which a
// caller waiting on another job may run): act must not take locks or
// wait on other goroutines. A nil act makes ForwardMap Forward.
func (cv Conv) ForwardMap(y, x, wt, bias []float32, act func(lo, hi int)) {
	cv.check("Conv.Forward", x, y, wt)
	if cv.wino() {
		cv.winoForward(y, x, wt, bias, act)
		return
	}
	_, _, l, k := cv.dims()
	m := cv.O * l
	w, release := cv.weightOf(wt)
	defer release()
	cv.chunks(func(b0, b1, threads int, buf []float32) {
		nc := (b1 - b0) * l
		out := cv.forwardOut(y, buf[k*nc:], b0, b1)
		cv.unfoldBlocks(buf, x, b0, b1, threads, func(c0, c1 int, cols []float32) {
			out.product(cv, w, cols, bias, c0, c1, threads)
		})
		out.finish(cv, y)
		if act != nil {
			act(b0*m, b1*m)
		}
	})
}

// forwardChunk is where Forward writes the maps of images b0..b1: each
// image's product in place when it is wide enough alone, or direct
// (perImage); otherwise the chunk's product into scratch, [O, nc], then
// image by image into the maps (finish).
type forwardChunk struct {
	out        []float32
	step, ldo  int
	b0, b1, nc int
	perImage   bool
}

// forwardOut returns the forwardChunk of images b0..b1 of the maps y,
// with scratch for O*(b1-b0)*l values where they are not written in
// place.
func (cv Conv) forwardOut(y, scratch []float32, b0, b1 int) forwardChunk {
	_, _, l, _ := cv.dims()
	m, nc := cv.O*l, (b1-b0)*l
	f := forwardChunk{out: y[b0*m:], step: m, ldo: l, b0: b0, b1: b1, nc: nc,
		perImage: cv.inPlace(b1 - b0)}
	if !f.perImage {
		f.out, f.step, f.ldo = scratch[:cv.O*nc], l, nc
	}
	return f
}

// inPlace reports whether the forward product of a chunk of the given
// number of images writes the maps in place, image by image, rather than
// into scratch that finish copies out.
func (cv Conv) inPlace(images int) bool {
	_, _, l, _ := cv.dims()
	return images == 1 || l >= convImageCols || cv.direct9()
}

// product is Conv.product of the chunk's columns of channels c0..c1.
func (f forwardChunk) product(cv Conv, w convWeight, cols, bias []float32, c0, c1, threads int) {
	cv.product(f.out, f.step, f.ldo, w, cols, f.nc, bias, c0, c1, f.b1-f.b0, threads)
}

// finish copies the chunk's product from scratch into the maps y when it
// was not written in place.
func (f forwardChunk) finish(cv Conv, y []float32) {
	if f.perImage {
		return
	}
	_, _, l, _ := cv.dims()
	for b := f.b0; b < f.b1; b++ {
		BlockCopy(y[b*cv.O*l:], l, f.out[(b-f.b0)*l:], f.nc, cv.O, l)
	}
}

// product sets (c0 == 0) or adds to (c0 > 0) the maps of images whose
// columns of channels c0..c1 lie side by side in cols [(c1-c0)*KH*KW,
// images*l], rows ldc values apart, the product of those channels'
// columns of w, plus bias [O] when it is not nil and c0 == 0: channel o
// of the i-th image at out[i*step+o*ldo:], l values. The images'
// products are one when step is l (the maps side by side, ldo at least
// images*l) and one each otherwise, or conv9's.
func (cv Conv) product(out []float32, step, ldo int, w convWeight, cols []float32, ldc int, bias []float32, c0, c1, images, threads int) {
	_, _, l, _ := cv.dims()
	if cv.direct9() {
		// Nine window values are never split into channel blocks
		// (blockChannels): c0, c1 span C.
		if bias == nil {
			zeros := getBuf(cv.O)
			defer putBuf(zeros)
			clear(zeros)
			bias = zeros
		}
		cv.images(0, images, threads, func(i int) {
			conv9.forward(cols[i*l:], ldc, w.w, bias, cv.O, out[i*step:], ldo, l)
		})
		return
	}
	if step != l && images > 1 {
		for i := range images {
			cv.product(out[i*step:], step, ldo, w, cols[i*l:], ldc, bias, c0, c1, 1, threads)
		}
		return
	}
	var beta float32 = 1
	if c0 == 0 {
		beta = 0
	}
	taps := cv.Win.KH * cv.Win.KW
	p := newGemmArgs(false, false, cv.O, images*l, (c1-c0)*taps, 1, w.w[c0*taps:], w.ld, cols, ldc, beta, out, ldo)
	if c0 == 0 {
		p.bias = tileBias{v: bias, rows: true} // added as the product stores its tiles
	}
	p.run(activeKernel, threads, pathAuto)
}

// InputGrad sets dx [N, C, H, W] to the transpose of the convolution
// applied to gy [N, O, OH, OW], plus bias [C] on every position of each
// channel when bias is not nil: without bias, the gradient of a loss with
// respect to Forward's x given its gradient gy with respect to y.
// ConvTranspose2d is this product.
func (cv Conv) InputGrad(dx, gy, wt, bias []float32) {
	cv.check("Conv.InputGrad", dx, gy, wt)
	cv.inputGrad(dx, gy, ActGrad{}, wt, bias)
}

// ActGrad is an activation applied to a convolution's maps, for the
// gradients taken through it: Y holds its outputs, laid out as the maps,
// and Grad(dst, g, y) sets dst to the gradient with respect to its inputs
// given g, the gradient with respect to its outputs y, value by value;
// with Grad nil it is g times Y, Y then the activation's derivative at
// each value (as SiLUKeep keeps it); like ForwardMap's act, Grad runs
// inside the kernels' parallel jobs and must not take locks or wait on
// other goroutines. The gradients of a convolution followed by the activation then take
// the maps' gradient chunk by chunk as the products read it, never
// storing it all.
type ActGrad struct {
	Y    []float32
	Grad func(dst, g, y []float32)
}

// InputGradAct is InputGrad without bias of the gradient gy of act's
// outputs taken through act as the maps' gradient is read.
func (cv Conv) InputGradAct(dx, gy, wt []float32, act ActGrad) {
	_, _, l, _ := cv.dims()
	n := cv.N * cv.O * l
	cv.checkWith("Conv.InputGradAct", dx, wt, convOut{"map", gy, n}, convOut{"activation", act.Y, n})
	cv.inputGrad(dx, gy, act, wt, nil)
}

// inputGrad is InputGrad of the maps gy taken through act (act.Grad
// nil: times act.Y, or gy itself when that is nil too), with the sizes
// checked by the caller.
func (cv Conv) inputGrad(dx, gy []float32, act ActGrad, wt, bias []float32) {
	if cv.wino() {
		cv.winoInputGrad(dx, gy, act, wt, bias)
		return
	}
	w, release := cv.weightOf(wt)
	defer release()
	cv.chunks(func(b0, b1, threads int, buf []float32) {
		cv.inputChunk(dx, cv.mapsOf(gy, act, b0, b1), w, bias, b0, b1, threads, buf)
	})
}

// inputChunk is InputGrad for images b0..b1, given their maps g, with
// the start of buf as scratch for their columns and, where g's maps are
// not side by side, a copy of them (see inputCols).
func (cv Conv) inputChunk(dx []float32, g convMaps, w convWeight, bias []float32, b0, b1, threads int, buf []float32) {
	oh, ow, l, k := cv.dims()
	img, hw := cv.C*cv.H*cv.W, cv.H*cv.W
	nc := (b1 - b0) * l
	var gs []float32
	if !cv.direct9() || g.act != nil {
		gs = cv.sideBySide(buf[k*nc:], g, b1-b0)
	}
	if cv.direct9() && g.act != nil {
		// conv9 multiplies by a scale as it reads the maps, never more.
		g = convMaps{g: gs, step: l, ld: nc}
	}
	phases := phasesFit(cv.H, cv.W, oh, ow, cv.Win)
	if bias != nil || !phases {
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
	}
	if phases {
		// The columns of a few channels at a time, folded into the
		// images while they are in cache. Without bias every image
		// value is folded from its phase: no clearing.
		walk := foldSetPhases
		if bias != nil {
			walk = foldAddPhases
		}
		step := cv.blockChannels(nc)
		for c0 := 0; c0 < cv.C; c0 += step {
			c1 := min(cv.C, c0+step)
			cols := cv.inputCols(buf, g, gs, w, c0, c1, b0, b1, threads)
			walkPhases(cols, nc, dx[b0*img:b1*img], b1-b0, cv.C, c0, c1, cv.H, cv.W, cv.Win, walk, threads)
		}
		return
	}
	cols := cv.inputCols(buf, g, gs, w, 0, cv.C, b0, b1, threads)
	if stripsFit(cv.H, cv.W, cv.Win) {
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

// dwTransposed reports whether WeightGrad and Backward, whose chunks
// hold nc windows, sum the weight's transpose [C*KH*KW, O], the columns
// times the maps' transpose: when the weight's rows are longer than its
// columns and the columns come whole, the product's rows then fill the
// micro-kernel's register tiles with less waste, and the operand packed
// transposed is the maps rather than the larger columns (convnet's
// conv2, O = 64 by 288: 7% faster on one Zen 4 core). Columns that come
// a block of channels at a time (blockChannels) are the columns of the
// product [O, k] instead: dcgan's 64->128 4x4 layer, O = 128 by 1024 in
// blocks of 192, summed its weight gradient 16% faster so on one core
// (81 -> 94 GFLOP/s; Backward 45 -> 90), 33% on two.
func (cv Conv) dwTransposed(nc int) bool {
	_, _, _, k := cv.dims()
	return k > cv.O && cv.blockChannels(nc) >= cv.C
}

// addWeightGrad sets acc (beta 0) or adds to it (beta 1) the product of
// the maps g [O, nc] and the transpose of the columns cols [(c1-c0)*KH*KW,
// nc] of channels c0..c1: their part of the weight gradient of a chunk,
// [O, k], or [k, O] when trans (see dwTransposed).
func (cv Conv) addWeightGrad(acc, g, cols []float32, c0, c1, nc int, trans bool, beta float32, threads int) {
	_, _, _, k := cv.dims()
	taps := cv.Win.KH * cv.Win.KW
	kb := (c1 - c0) * taps
	p := newGemmArgs(false, true, cv.O, kb, nc, 1, g, nc, cols, nc, beta, acc[c0*taps:], k)
	if trans {
		p = newGemmArgs(false, true, kb, cv.O, nc, 1, cols, nc, g, nc, beta, acc[c0*taps*cv.O:], cv.O)
	}
	p.run(activeKernel, threads, pathAuto)
}

// blockChannels returns how many channels' columns of nc windows each
// the products take at a time: all of them, or, where the windows go
// through the images' phases, at least convFoldFloats values' worth,
// which the copies between the images and the columns and the product
// then pass to each other in L2 rather than through memory. A block's
// rows fill whole register tiles of the weight gradient's product,
// whose columns they are (dcgan's 64->128 4x4 layer: 12 channels, 192
// rows, ran 9% faster than 11, 176). The blocks do not depend on the
// thread count, so neither do Forward's sums.
func (cv Conv) blockChannels(nc int) int {
	oh, ow, _, _ := cv.dims()
	if !phasesFit(cv.H, cv.W, oh, ow, cv.Win) || cv.direct9() { // the direct product reads all nine rows
		return cv.C
	}
	taps, nr := cv.Win.KH*cv.Win.KW, activeKernel.nr
	unit := nr / gcd(taps, nr)
	return roundUp(ceilDiv(convFoldFloats, taps*nc), unit)
}

// convWeight is a convolution's weight [O, C*KH*KW] as the products read
// it: row o at w[o*ld:].
type convWeight struct {
	w  []float32
	ld int
}

// weightOf returns wt as the products read it, and the function that
// releases it when they are done. Rows that lie a multiple of 4 KiB apart
// (aliases: the 1024 values of dcgan's 64->128 4x4 layer) are copied
// with a cache line (16 values) between them: read in place, the
// rows a register tile reads side by side would fall in one L1 set, and
// every product would copy the part of the rows it reads, once per chunk
// of images and block of channels instead of once per call.
func (cv Conv) weightOf(wt []float32) (convWeight, func()) {
	_, _, _, k := cv.dims()
	if !aliases(k, 1) {
		return convWeight{wt, k}, func() {}
	}
	ld := k + 16
	buf := getBuf(cv.O * ld)
	for o := range cv.O {
		copy(buf[o*ld:o*ld+k], wt[o*k:(o+1)*k])
	}
	return convWeight{buf, ld}, func() { putBuf(buf) }
}

// gcd returns the greatest common divisor of a and b.
func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// unfoldBlocks is unfold a block of blockChannels channels at a time: it
// calls f with the columns of channels c0..c1 at the start of buf.
func (cv Conv) unfoldBlocks(buf, x []float32, b0, b1, threads int, f func(c0, c1 int, cols []float32)) {
	_, _, l, _ := cv.dims()
	nc, img := (b1-b0)*l, cv.C*cv.H*cv.W
	step := cv.blockChannels(nc)
	if step >= cv.C {
		f(0, cv.C, cv.unfold(buf, x, b0, b1, threads))
		return
	}
	taps := cv.Win.KH * cv.Win.KW
	for c0 := 0; c0 < cv.C; c0 += step {
		c1 := min(cv.C, c0+step)
		cols := buf[:(c1-c0)*taps*nc]
		walkPhases(cols, nc, x[b0*img:b1*img], b1-b0, cv.C, c0, c1, cv.H, cv.W, cv.Win, unfoldPhases, threads)
		f(c0, c1, cols)
	}
}

// unfold writes the windows of images b0..b1 of x side by side into the
// start of buf, [k, (b1-b0)*l], and returns them.
func (cv Conv) unfold(buf, x []float32, b0, b1, threads int) []float32 {
	oh, ow, l, k := cv.dims()
	nc, img := (b1-b0)*l, cv.C*cv.H*cv.W
	cols := buf[:k*nc]
	switch {
	case phasesFit(cv.H, cv.W, oh, ow, cv.Win):
		walkPhases(cols, nc, x[b0*img:b1*img], b1-b0, cv.C, 0, cv.C, cv.H, cv.W, cv.Win, unfoldPhases, threads)
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
// by value, when s is not nil, or act of those two when act is not nil
// (see ActGrad).
type convMaps struct {
	g, s     []float32
	act      func(dst, g, s []float32)
	step, ld int
}

// mapsOf returns the maps of images b0..b1 of gy [N, O, OH, OW] taken
// through act (see inputGrad), in place.
func (cv Conv) mapsOf(gy []float32, act ActGrad, b0, b1 int) convMaps {
	_, _, l, _ := cv.dims()
	m := cv.O * l
	mp := convMaps{g: gy[b0*m : b1*m], act: act.Grad, step: m, ld: l}
	if act.Y != nil {
		mp.s = act.Y[b0*m : b1*m]
	}
	return mp
}

// sideBySide returns the maps of mp, a chunk of images, side by side,
// [O, images*l]: in place when they lie so, copied (multiplied by s, or
// through act) into the start of buf otherwise.
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
		f := mulVV
		if mp.act != nil {
			f = mp.act
		}
		for o := range cv.O {
			at := i*mp.step + o*mp.ld
			f(g[o*nc+i*l:][:l], mp.g[at:at+l], mp.s[at:at+l])
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
