package kernel

import "fmt"

// ForwardMaxPool sets m and idx to MaxPool2d of Forward's maps with the
// window pool, [N, O, PH, PW] for maps of OH by OW, without storing the
// maps: each chunk's maps are pooled from the scratch its product wrote
// them to, while they are in cache, where a convolution followed by
// pooling would write them all out and read them back.
func (cv Conv) ForwardMaxPool(m, idx, x, wt, bias []float32, pool Window) {
	oh, ow, l, k := cv.dims()
	ph, pw := pool.OutSize(oh, ow)
	if ph <= 0 || pw <= 0 {
		panic(fmt.Sprintf("kernel: Conv.ForwardMaxPool: window %+v does not fit maps of %dx%d", pool, oh, ow))
	}
	pl := ph * pw
	cv.checkWith("Conv.ForwardMaxPool", x, wt, "pooled map", m, cv.N*cv.O*pl)
	cv.checkWith("Conv.ForwardMaxPool", x, wt, "position", idx, cv.N*cv.O*pl)
	fw := cv.forwardWeight(wt)
	defer fw.release()
	cv.chunks(k, l, 0, func(b0, b1, threads int, buf []float32) {
		nc := (b1 - b0) * l
		cols := cv.unfold(buf, x, b0, b1, threads)
		out := buf[k*nc : k*nc+cv.O*nc]
		fw.product(out, nc, cols, nc, bias, b1-b0, threads)
		for b := b0; b < b1; b++ {
			for o := range cv.O {
				p := b*cv.O + o
				maxPlane(m[p*pl:(p+1)*pl], idx[p*pl:(p+1)*pl], out[o*nc+(b-b0)*l:][:l], oh, ow, ph, pw, pool)
			}
		}
	})
}
