package kernel

// Window is the geometry of a 2-D sliding window over an image: kernel
// size, stride, zero padding and dilation along height and width. Strides
// and dilations below 1 count as 1.
type Window struct {
	KH, KW               int
	StrideH, StrideW     int
	PadH, PadW           int
	DilationH, DilationW int
}

// OutSize returns the number of window positions along height and width
// for an image of h by w.
func (g Window) OutSize(h, w int) (int, int) {
	oh := (h+2*g.PadH-max(g.DilationH, 1)*(g.KH-1)-1)/max(g.StrideH, 1) + 1
	ow := (w+2*g.PadW-max(g.DilationW, 1)*(g.KW-1)-1)/max(g.StrideW, 1) + 1
	return oh, ow
}

// im2colMinWork is the number of column values from which Im2col and
// Col2im split the images across threads.
const im2colMinWork = 1 << 15

// Im2col unfolds the windows of n images of c channels of h by w, stored
// one after the other in src, into dst laid out as [n, c*KH*KW, OH*OW]:
// row (ch*KH+ki)*KW+kj of image b holds tap (ki, kj) of channel ch at every
// window position. Taps that fall on the padding read zero. Every value of
// dst is written.
func Im2col(dst, src []float32, n, c, h, w int, g Window) {
	walkImages(dst, src, n, c, h, w, g, false)
}

// Col2im is the adjoint of Im2col: it adds every column value of src,
// laid out as Im2col's dst, into the image position it was read from in
// dst, laid out as Im2col's src. Values that fell on the padding are
// dropped. dst is not cleared first.
func Col2im(dst, src []float32, n, c, h, w int, g Window) {
	walkImages(src, dst, n, c, h, w, g, true)
}

// walkImages runs Im2col (add false) or Col2im (add true) with cols the
// column buffer and img the images, splitting the images across threads
// when the work is large enough.
func walkImages(cols, img []float32, n, c, h, w int, g Window, add bool) {
	oh, ow := g.OutSize(h, w)
	if n == 0 || c == 0 || oh <= 0 || ow <= 0 {
		return
	}
	imgSize, colSize := c*h*w, c*g.KH*g.KW*oh*ow
	one := func(b int) {
		walkImage(cols[b*colSize:(b+1)*colSize], oh*ow, img[b*imgSize:(b+1)*imgSize], c, h, w, oh, ow, g, add)
	}
	nt := min(Threads(), n, max(n*colSize/im2colMinWork, 1))
	if nt <= 1 {
		for b := 0; b < n; b++ {
			one(b)
		}
		return
	}
	parallelFor(nt, func(t int) {
		for b := t * n / nt; b < (t+1)*n/nt; b++ {
			one(b)
		}
	})
}

// walkImage handles one image: each (channel, tap) pair is one column row
// of oh*ow values, row r starting at cols[r*ld]. Stride-2 windows that
// phasesFit read the image's phases, stride-1 windows that stripsFit its
// strips; the others take walkBlocks.
func walkImage(cols []float32, ld int, img []float32, c, h, w, oh, ow int, g Window, add bool) {
	switch {
	case phasesFit(h, w, oh, ow, g):
		walk := unfoldPhases
		if add {
			walk = foldAddPhases
		}
		walkPhases(cols, ld, img, 1, c, 0, c, h, w, g, walk, 1)
	case stripsFit(h, w, g):
		walkStrips(cols, ld, img, 1, c, h, w, g, add, 1)
	default:
		walkBlocks(cols, ld, img, c, h, w, oh, ow, g, add)
	}
}

// walkBlocks is walkImage tap by tap: at stride 1 or 2 along the width
// the rows of windows that read the plane form a block copied in one
// call; otherwise each window row is copied alone.
func walkBlocks(cols []float32, ld int, img []float32, c, h, w, oh, ow int, g Window, add bool) {
	sh, sw := max(g.StrideH, 1), max(g.StrideW, 1)
	dh, dw := max(g.DilationH, 1), max(g.DilationW, 1)
	l := oh * ow
	row := 0
	for ch := 0; ch < c; ch++ {
		plane := img[ch*h*w : (ch+1)*h*w]
		for ki := 0; ki < g.KH; ki++ {
			offY := ki*dh - g.PadH
			// Window rows [y0, y1) read plane rows inside the image.
			y0, y1 := validRange(offY, sh, h, oh)
			for kj := 0; kj < g.KW; kj++ {
				offX := kj*dw - g.PadW
				x0, x1 := validRange(offX, sw, w, ow)
				dst := cols[row*ld : row*ld+l]
				row++
				if !add {
					clearOutside(dst, ow, y0, y1, x0, x1)
				}
				if x0 == x1 || y0 == y1 {
					continue
				}
				start := (y0*sh+offY)*w + x0*sw + offX
				switch {
				case sw == 1 && add:
					BlockAdd(plane[start:], sh*w, dst[y0*ow+x0:], ow, y1-y0, x1-x0)
					continue
				case sw == 1:
					BlockCopy(dst[y0*ow+x0:], ow, plane[start:], sh*w, y1-y0, x1-x0)
					continue
				case sw == 2 && add:
					blockScatterAdd2(plane[start:], sh*w, dst[y0*ow+x0:], ow, y1-y0, x1-x0)
					continue
				case sw == 2:
					blockGather2(dst[y0*ow+x0:], ow, plane[start:], sh*w, y1-y0, x1-x0)
					continue
				}
				for y := y0; y < y1; y++ {
					src, line := plane[start+(y-y0)*sh*w:], dst[y*ow+x0:y*ow+x1]
					if add {
						addRow(src, line, sw)
					} else {
						copyRow(line, src, sw)
					}
				}
			}
		}
	}
}

// clearOutside zeroes the values of the oh by ow column row dst outside
// rows [y0, y1) and columns [x0, x1): the taps on the padding.
func clearOutside(dst []float32, ow, y0, y1, x0, x1 int) {
	clear(dst[:y0*ow])
	clear(dst[y1*ow:])
	if x0 == 0 && x1 == ow {
		return
	}
	// The padding columns are few: stores beat a clear call per run.
	for y := y0; y < y1; y++ {
		row := dst[y*ow : (y+1)*ow]
		for x := 0; x < x0; x++ {
			row[x] = 0
		}
		for x := x1; x < ow; x++ {
			row[x] = 0
		}
	}
}

// validRange returns the window positions [x0, x1) along one axis whose tap
// at offset off (from position*stride) lands inside [0, size).
func validRange(off, stride, size, out int) (int, int) {
	x0 := 0
	if off < 0 {
		x0 = (-off + stride - 1) / stride
	}
	x1 := 0
	if last := size - 1 - off; last >= 0 {
		x1 = last/stride + 1
	}
	x0, x1 = min(x0, out), min(x1, out)
	return x0, max(x0, x1)
}

// copyRow sets dst[i] = src[i*stride].
func copyRow(dst, src []float32, stride int) {
	for i := range dst {
		dst[i] = src[i*stride]
	}
}

// addRow adds x[i] into dst[i*stride].
func addRow(dst, x []float32, stride int) {
	for i, v := range x {
		dst[i*stride] += v
	}
}
