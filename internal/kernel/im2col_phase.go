package kernel

// Stride-2 windows over images of even sides, whose window positions are
// half the image along each axis (3x3 and 4x4 kernels with padding 1, 1x1
// and 2x2 without), read the image through its four phases: the planes of
// even and odd rows and columns, each of the output's size. A tap reads
// one phase shifted by whole rows and columns, so its column row is one
// contiguous copy of that phase (and in Col2im one contiguous sum into
// it) with the few positions that fall on the padding cleared, in place
// of a strided copy per window row.

// phasesFit reports whether the phase path serves an h-by-w image whose
// windows g give oh by ow positions.
func phasesFit(h, w, oh, ow int, g Window) bool {
	return g.StrideH == 2 && g.StrideW == 2 && max(g.DilationH, 1) == 1 && max(g.DilationW, 1) == 1 &&
		h%2 == 0 && w%2 == 0 && oh == h/2 && ow == w/2
}

// phaseOf splits a tap's offset from the window's position*2 into its
// phase (0 even, 1 odd) and its shift in phase rows or columns.
func phaseOf(off int) (phase, shift int) {
	phase = off & 1
	return phase, (off - phase) / 2
}

// walkPhases is walkImage for windows that phasesFit.
func walkPhases(cols []float32, ld int, img []float32, c, h, w int, g Window, add bool) {
	oh, ow := h/2, w/2
	l := oh * ow
	buf := getBuf(5 * l)
	defer putBuf(buf)
	phases, tmp := buf[:4*l], buf[4*l:]
	row := 0
	for ch := 0; ch < c; ch++ {
		plane := img[ch*h*w : (ch+1)*h*w]
		if add {
			clear(phases)
		} else {
			for p := range 4 {
				blockGather2(phases[p*l:], ow, plane[p/2*w+p%2:], 2*w, oh, ow)
			}
		}
		for ki := 0; ki < g.KH; ki++ {
			a, qy := phaseOf(ki - g.PadH)
			y0, y1 := max(0, -qy), min(oh, oh-qy)
			for kj := 0; kj < g.KW; kj++ {
				b, qx := phaseOf(kj - g.PadW)
				x0, x1 := max(0, -qx), min(ow, ow-qx)
				dst := cols[row*ld : row*ld+l]
				row++
				if y0 >= y1 || x0 >= x1 {
					if !add {
						clear(dst)
					}
					continue
				}
				// Positions lo..hi, shifted by d, read the phase; those
				// outside columns x0..x1 read the wrong column and are
				// cleared (im2col) or left out (col2im).
				ph := phases[(2*a+b)*l : (2*a+b+1)*l]
				d := qy*ow + qx
				lo, hi := y0*ow+x0, (y1-1)*ow+x1
				if !add {
					copy(dst[lo:hi], ph[lo+d:hi+d])
					clearOutside(dst, ow, y0, y1, x0, x1)
					continue
				}
				t := tmp[lo:hi]
				copy(t, dst[lo:hi])
				for y := y0; y < y1; y++ {
					for x := 0; x < x0; x++ {
						if j := y*ow + x; j >= lo {
							tmp[j] = 0
						}
					}
					for x := x1; x < ow; x++ {
						if j := y*ow + x; j < hi {
							tmp[j] = 0
						}
					}
				}
				addVV(ph[lo+d:hi+d], ph[lo+d:hi+d], t)
			}
		}
		if add {
			for p := range 4 {
				blockScatterAdd2(plane[p/2*w+p%2:], 2*w, phases[p*l:], ow, oh, ow)
			}
		}
	}
}
