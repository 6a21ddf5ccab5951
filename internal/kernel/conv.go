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
// and the chunks go to the threads as they come free.
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
	oh, ow, l, k := cv.dims()
	if cv.N < 0 || cv.C <= 0 || cv.O <= 0 || oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("kernel: %s: invalid convolution %+v", op, cv))
	}
	for _, s := range []struct {
		name string
		x    []float32
		n    int
	}{{"image", img, cv.N * cv.C * cv.H * cv.W}, {"map", maps, cv.N * cv.O * l}, {"weight", wt, cv.O * k}} {
		if len(s.x) < s.n {
			panic(fmt.Sprintf("kernel: %s: %s holds %d values, want %d for %+v", op, s.name, len(s.x), s.n, cv))
		}
	}
}

// Forward sets y [N, O, OH, OW] to the convolution of x [N, C, H, W] with
// wt, plus bias [O] on every position of each channel when bias is not nil.
func (cv Conv) Forward(y, x, wt, bias []float32) {
	cv.check("Conv.Forward", x, y, wt)
	_, _, l, k := cv.dims()
	taps := cv.Win.KH * cv.Win.KW
	cv.chunks(k, l, 0, func(b0, b1, threads int, buf []float32) {
		nc := (b1 - b0) * l
		if l >= convImageCols {
			cols := cv.unfold(buf, x, b0, b1, threads)
			// Each image's product is wide enough alone: write it in place.
			for b := b0; b < b1; b++ {
				out := y[b*cv.O*l : (b+1)*cv.O*l]
				var beta float32
				if bias != nil {
					for o := range cv.O {
						Fill(out[o*l:(o+1)*l], bias[o])
					}
					beta = 1
				}
				p := newGemmArgs(false, false, cv.O, l, k, 1, wt, k, cols[(b-b0)*l:], nc, beta, out, l)
				p.run(activeKernel, threads, pathAuto)
			}
			return
		}
		out, ldo := y[b0*cv.O*l:], l
		if b1-b0 > 1 {
			out, ldo = buf[k*nc:k*nc+cv.O*nc], nc
		}
		var beta float32
		if bias != nil {
			for o := range cv.O {
				for b := range b1 - b0 {
					Fill(out[o*ldo+b*l:o*ldo+(b+1)*l], bias[o])
				}
			}
			beta = 1
		}
		cv.unfoldBlocks(buf, x, b0, b1, threads, func(c0, c1 int, cols []float32) {
			p := newGemmArgs(false, false, cv.O, nc, (c1-c0)*taps, 1, wt[c0*taps:], k, cols, nc, beta, out, ldo)
			p.run(activeKernel, threads, pathAuto)
			beta = 1
		})
		if b1-b0 > 1 {
			for b := b0; b < b1; b++ {
				BlockCopy(y[b*cv.O*l:], l, out[(b-b0)*l:], nc, cv.O, l)
			}
		}
	})
}

// InputGrad sets dx [N, C, H, W] to the transpose of the convolution
// applied to gy [N, O, OH, OW], plus bias [C] on every position of each
// channel when bias is not nil: without bias, the gradient of a loss with
// respect to Forward's x given its gradient gy with respect to y.
// ConvTranspose2d is this product.
func (cv Conv) InputGrad(dx, gy, wt, bias []float32) {
	cv.check("Conv.InputGrad", dx, gy, wt)
	oh, ow, l, k := cv.dims()
	img := cv.C * cv.H * cv.W
	phases := phasesFit(cv.H, cv.W, oh, ow, cv.Win)
	taps := cv.Win.KH * cv.Win.KW
	hw := cv.H * cv.W
	cv.chunks(k, l, 0, func(b0, b1, threads int, buf []float32) {
		nc := (b1 - b0) * l
		g := cv.gather(buf[k*nc:], gy, b0, b1)
		cols := buf[:k*nc]
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
				p := newGemmArgs(true, false, (c1-c0)*taps, nc, cv.O, 1, wt[c0*taps:], k, g, nc, 0, cols, nc)
				p.run(activeKernel, threads, pathAuto)
				walkPhases(cols, nc, dx[b0*img:b1*img], b1-b0, cv.C, c0, c1, cv.H, cv.W, cv.Win, walk, threads)
			}
			return
		}
		p := newGemmArgs(true, false, k, nc, cv.O, 1, wt, k, g, nc, 0, cols, nc)
		p.run(activeKernel, threads, pathAuto)
		if stripsFit(cv.H, cv.W, cv.Win) {
			walkStrips(cols, nc, dx[b0*img:b1*img], b1-b0, cv.C, cv.H, cv.W, cv.Win, true, threads)
			return
		}
		cv.images(b0, b1, threads, func(b int) {
			walkImage(cols[(b-b0)*l:], nc, dx[b*img:(b+1)*img], cv.C, cv.H, cv.W, oh, ow, cv.Win, true)
		})
	})
}

// WeightGrad sets dw [O, C*KH*KW] to the sum over the images of each map
// of gy [N, O, OH, OW] times the unfolded windows of x [N, C, H, W]: the
// gradient with respect to Forward's weight. Chunks add into dw one after
// the other, in an order fixed by the shape, so the result does not depend
// on the thread count.
func (cv Conv) WeightGrad(dw, x, gy []float32) {
	cv.check("Conv.WeightGrad", x, gy, dw)
	_, _, l, k := cv.dims()
	taps := cv.Win.KH * cv.Win.KW
	var beta float32
	cv.serialChunks(k, l, convDeepFloats, func(b0, b1, threads int, buf []float32) {
		nc := (b1 - b0) * l
		g := cv.gather(buf[k*nc:], gy, b0, b1)
		cv.unfoldBlocks(buf, x, b0, b1, threads, func(c0, c1 int, cols []float32) {
			p := newGemmArgs(false, true, cv.O, (c1-c0)*taps, nc, 1, g, nc, cols, nc, beta, dw[c0*taps:], k)
			p.run(activeKernel, threads, pathAuto)
		})
		beta = 1
	})
	if cv.N == 0 {
		clear(dw[:cv.O*k])
	}
}

// blockChannels returns how many channels' columns of nc windows each
// the products take at a time: all of them, or, where the windows go
// through the images' phases, at least convFoldFloats values' worth,
// which the copies between the images and the columns and the product
// then pass to each other in L2 rather than through memory. A block's
// rows fill whole register tiles of WeightGrad's product, whose columns
// they are (dcgan's 64->128 4x4 layer: 12 channels, 192 rows, ran 9%
// faster than 11, 176). The blocks do not depend on the thread count,
// so neither do Forward's sums.
func (cv Conv) blockChannels(nc int) int {
	oh, ow, _, _ := cv.dims()
	if !phasesFit(cv.H, cv.W, oh, ow, cv.Win) {
		return cv.C
	}
	taps, nr := cv.Win.KH*cv.Win.KW, activeKernel.nr
	unit := nr / gcd(taps, nr)
	return roundUp(ceilDiv(convFoldFloats, taps*nc), unit)
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

// gather returns the maps b0..b1 of gy side by side, [O, (b1-b0)*l],
// copied into the start of buf unless there is one map.
func (cv Conv) gather(buf, gy []float32, b0, b1 int) []float32 {
	_, _, l, _ := cv.dims()
	if b1-b0 == 1 {
		return gy[b0*cv.O*l : b1*cv.O*l]
	}
	nc := (b1 - b0) * l
	g := buf[:cv.O*nc]
	for b := b0; b < b1; b++ {
		BlockCopy(g[(b-b0)*l:], nc, gy[b*cv.O*l:], l, cv.O, l)
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
// scratch buffer for its columns and products. When there are at least as
// many chunks as threads, each thread claims chunks as it comes free and
// runs them on its own; otherwise the chunks run one after the other on
// all threads.
func (cv Conv) chunks(k, l, budget int, f func(b0, b1, threads int, buf []float32)) {
	if cv.N == 0 {
		return
	}
	cb := cv.chunkImages(k+cv.O, l, budget)
	n := ceilDiv(cv.N, cb)
	threads := Threads()
	if n < threads {
		cv.serialChunks(k, l, budget, f)
		return
	}
	var next atomic.Int64
	parallelFor(threads, func(int) {
		buf := getBuf(cb * l * (k + cv.O))
		defer putBuf(buf)
		for {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			f(i*cb, min(cv.N, (i+1)*cb), 1, buf)
		}
	})
}

// serialChunks runs f on chunks of images one after the other, each on
// all threads.
func (cv Conv) serialChunks(k, l, budget int, f func(b0, b1, threads int, buf []float32)) {
	if cv.N == 0 {
		return
	}
	cb := cv.chunkImages(k+cv.O, l, budget)
	buf := getBuf(cb * l * (k + cv.O))
	defer putBuf(buf)
	for b0 := 0; b0 < cv.N; b0 += cb {
		f(b0, min(cv.N, b0+cb), Threads(), buf)
	}
}
