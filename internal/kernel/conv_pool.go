package kernel

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// ForwardMaxPool sets m and idx to MaxPool2d of Forward's maps with the
// window pool, [N, O, PH, PW] for maps of OH by OW, without storing the
// maps: each chunk's maps are pooled from the scratch its product wrote
// them to, while they are in cache, where a convolution followed by
// pooling would write them all out and read them back.
func (cv Conv) ForwardMaxPool(m, idx, x, wt, bias []float32, pool Window) {
	cv.forwardMaxPool("Conv.ForwardMaxPool", m, idx, x, wt, bias, pool, false)
}

// ForwardMaxPoolReLU is ForwardMaxPool followed by ReLU on the pooled
// maps, each image's taken through it as soon as they are pooled, while
// they are in cache, instead of in a pass of its own: MaxPool2d of the
// maps through ReLU, as the two commute.
func (cv Conv) ForwardMaxPoolReLU(m, idx, x, wt, bias []float32, pool Window) {
	cv.forwardMaxPool("Conv.ForwardMaxPoolReLU", m, idx, x, wt, bias, pool, true)
}

// forwardMaxPool is ForwardMaxPool, followed by ReLU when relu is set.
func (cv Conv) forwardMaxPool(op string, m, idx, x, wt, bias []float32, pool Window, relu bool) {
	_, _, l, k := cv.dims()
	oh, ow, ph, pw := cv.checkPooled(op, x, wt, m, idx, pool)
	pl := ph * pw
	w, release := cv.weightOf(wt)
	defer release()
	cv.chunks(func(b0, b1, threads int, buf []float32) {
		nc := (b1 - b0) * l
		out := buf[k*nc : k*nc+cv.O*nc]
		cv.unfoldBlocks(buf, x, b0, b1, threads, func(c0, c1 int, cols []float32) {
			cv.product(out, l, nc, w, cols, nc, bias, c0, c1, b1-b0, threads)
		})
		cv.images(b0, b1, threads, func(b int) {
			for o := range cv.O {
				p := b*cv.O + o
				maxPlane(m[p*pl:(p+1)*pl], idx[p*pl:(p+1)*pl], out[o*nc+(b-b0)*l:][:l], oh, ow, ph, pw, pool)
			}
			if relu {
				mb := m[b*cv.O*pl : (b+1)*cv.O*pl]
				reluVec(mb, mb)
			}
		})
	})
}

// checkPooled is checkWith for the pooled maps m and their positions idx
// through pool, and outs; it returns the maps' size and the pooled
// maps'.
func (cv Conv) checkPooled(op string, img, wt, m, idx []float32, pool Window, outs ...convOut) (oh, ow, ph, pw int) {
	oh, ow = cv.Win.OutSize(cv.H, cv.W)
	ph, pw = pool.OutSize(oh, ow)
	if ph <= 0 || pw <= 0 {
		panic(fmt.Sprintf("kernel: %s: window %+v does not fit maps of %dx%d", op, pool, oh, ow))
	}
	pl := ph * pw
	cv.checkWith(op, img, wt, append(outs, convOut{"pooled map", m, cv.N * cv.O * pl}, convOut{"position", idx, cv.N * cv.O * pl})...)
	return oh, ow, ph, pw
}

// BackwardMaxPool sets dw, and dx and db when they are not nil, to the
// gradients of ForwardMaxPool's weight, images and bias given gm, the
// gradient of its pooled maps, and idx, their positions: Backward (or
// WeightGrad when dx is nil) of the maps' gradient, gm scattered to idx
// as MaxPool2d's gradient is (ScatterSum), and that gradient summed over
// each channel with each image's plane summed by Sum and the images
// added in float64 in order. The maps' gradient is never stored: each
// chunk's is scattered into scratch. It reports false on a position
// outside its plane, with the gradients then partly written.
func (cv Conv) BackwardMaxPool(dx, dw, db, x, gm, idx, wt []float32, pool Window) bool {
	return cv.backwardMaxPool("Conv.BackwardMaxPool", dx, dw, db, x, gm, nil, idx, wt, pool)
}

// BackwardMaxPoolReLU is BackwardMaxPool for ForwardMaxPoolReLU, whose
// pooled maps are m: gm is taken through ReLU's gradient at m, as
// ReLUGrad takes it, value by value as it is scattered, never stored so.
func (cv Conv) BackwardMaxPoolReLU(dx, dw, db, x, gm, m, idx, wt []float32, pool Window) bool {
	return cv.backwardMaxPool("Conv.BackwardMaxPoolReLU", dx, dw, db, x, gm, m, idx, wt, pool)
}

// backwardMaxPool is BackwardMaxPool with gm taken through ReLU's
// gradient at m when m is not nil.
func (cv Conv) backwardMaxPool(op string, dx, dw, db, x, gm, m, idx, wt []float32, pool Window) bool {
	_, _, l, k := cv.dims()
	outs := []convOut{{"weight gradient", dw, cv.O * k}}
	if dx != nil {
		outs = append(outs, convOut{"image gradient", dx, cv.N * cv.C * cv.H * cv.W})
	}
	if db != nil {
		outs = append(outs, convOut{"bias gradient", db, cv.O})
	}
	oh, ow, ph, pw := cv.checkPooled(op, x, wt, gm, idx, pool, outs...)
	pl := ph * pw
	if m != nil && len(m) < cv.N*cv.O*pl {
		panic(fmt.Sprintf("kernel: %s: pooled maps hold %d values, want %d for %+v", op, len(m), cv.N*cv.O*pl, cv))
	}
	var sums []float32 // each image's plane of each channel, summed
	if db != nil {
		sums = getBuf(cv.N * cv.O)
		defer putBuf(sums)
	}
	var failed atomic.Bool
	input, release := cv.inputStep(dx, wt)
	defer release()
	// The unfolded products whatever the shape, as ForwardMaxPool's.
	cv.weightGradFwd(dw, x, func(buf []float32, b0, b1, threads int) []float32 {
		nc := (b1 - b0) * l
		g := buf[:cv.O*nc]
		// The pooled maps' gradient, gm's value p at src[p-off]: the
		// chunk's taken through ReLU's gradient an image at a time.
		src, off := gm, 0
		if m != nil {
			s := getMasked((b1 - b0) * cv.O * pl)
			defer maskedBufs.Put(s)
			src, off = *s, b0*cv.O*pl
		}
		cv.images(b0, b1, threads, func(b int) {
			if m != nil {
				i0, i1 := b*cv.O*pl, (b+1)*cv.O*pl
				reluGV(src[i0-off:i1-off], gm[i0:i1], m[i0:i1])
			}
			for o := range cv.O {
				p := b*cv.O + o
				row := g[o*nc+(b-b0)*l:][:l]
				if !unpoolPlane(row, src[p*pl-off:][:pl], idx[p*pl:(p+1)*pl], oh, ow, ph, pw, pool) {
					failed.Store(true)
				}
				if sums != nil {
					sums[p] = Sum(row)
				}
			}
		})
		return g
	}, input, nil, convWeight{})
	if db != nil {
		cv.biasGrad(db, sums)
	}
	return !failed.Load()
}

// maskedBufs recycles BackwardMaxPoolReLU's scratch for a chunk's pooled
// gradient, apart from getBuf's pool: its slices are a fraction of the
// chunks' buffers, which would be dropped on taking them from one pool.
var maskedBufs sync.Pool

// getMasked returns a scratch slice from maskedBufs holding n values.
func getMasked(n int) *[]float32 {
	s, _ := maskedBufs.Get().(*[]float32)
	if s == nil || cap(*s) < n {
		b := make([]float32, n)
		return &b
	}
	*s = (*s)[:n]
	return s
}
