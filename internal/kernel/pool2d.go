package kernel

// poolMinWork is the number of input values from which MaxPool2d splits
// the planes across threads.
const poolMinWork = 1 << 15

// MaxPool2d takes, for each of the planes of h by w stored one after the
// other in src, the largest value of every window of g and writes it to
// dst, laid out as [planes, OH*OW], and its position in the plane
// (iy*w+ix, as a float32) to idx. Padding never wins; a NaN counts as the
// largest value, and of equal values the first in row-major order wins, as
// in PyTorch. Every window must hold at least one value of the plane.
func MaxPool2d(dst, idx, src []float32, planes, h, w int, g Window) {
	oh, ow := g.OutSize(h, w)
	if planes == 0 || oh <= 0 || ow <= 0 {
		return
	}
	one := func(p int) {
		maxPlane(dst[p*oh*ow:(p+1)*oh*ow], idx[p*oh*ow:(p+1)*oh*ow], src[p*h*w:(p+1)*h*w], h, w, oh, ow, g)
	}
	nt := min(Threads(), planes, max(planes*h*w/poolMinWork, 1))
	if nt <= 1 {
		for p := 0; p < planes; p++ {
			one(p)
		}
		return
	}
	parallelFor(nt, func(t int) {
		for p := t * planes / nt; p < (t+1)*planes/nt; p++ {
			one(p)
		}
	})
}

// maxPlane is MaxPool2d on one plane. Halving windows go to the vector
// loop maxPool2x2 where the CPU has one. Otherwise it works one output row
// at a time, tap by tap, with the windows of the row in the inner loop:
// they are independent, and in a plane without NaN the only data-dependent
// choice is a conditional move. The rare plane with a NaN takes the exact
// comparison.
func maxPlane(dst, idx, plane []float32, h, w, oh, ow int, g Window) {
	if maxPool2x2 != nil && g.halving() &&
		maxPool2x2(dst[:oh*ow], idx[:oh*ow], plane[:(2*oh-1)*w+2*ow], w, oh, ow) {
		return
	}
	hasNaN := false
	for _, v := range plane {
		if v != v {
			hasNaN = true
			break
		}
	}
	if !hasNaN && g.PadH == 0 && g.PadW == 0 {
		maxInside(dst, idx, plane, w, oh, ow, g)
		return
	}
	sh, sw := max(g.StrideH, 1), max(g.StrideW, 1)
	dh, dw := max(g.DilationH, 1), max(g.DilationW, 1)
	at := make([]int32, ow)
	for y := 0; y < oh; y++ {
		best, bestAt := dst[y*ow:(y+1)*ow], idx[y*ow:(y+1)*ow]
		// Taps ki in [k0, k1) land inside the plane; start each window
		// at its first tap inside the plane.
		k0, k1 := validRange(y*sh-g.PadH, dh, h, g.KH)
		for x := range best {
			j0, _ := validRange(x*sw-g.PadW, dw, w, g.KW)
			i := (y*sh-g.PadH+k0*dh)*w + x*sw - g.PadW + j0*dw
			best[x], at[x] = plane[i], int32(i)
		}
		for ki := k0; ki < k1; ki++ {
			row := (y*sh - g.PadH + ki*dh) * w
			for kj := 0; kj < g.KW; kj++ {
				off := kj*dw - g.PadW
				x0, x1 := validRange(off, sw, w, ow)
				for x := x0; x < x1; x++ {
					i := row + x*sw + off
					v, b, a := plane[i], best[x], at[x]
					if hasNaN {
						if v > b || (v != v && b == b) {
							best[x], at[x] = v, int32(i)
						}
						continue
					}
					if v > b {
						a = int32(i)
					}
					best[x], at[x] = max(b, v), a
				}
			}
		}
		for x, a := range at {
			bestAt[x] = float32(a)
		}
	}
}

// maxPool2x2, where the CPU has it, is maxPlane for 2x2 windows at stride
// 2 without padding (useLevel sets it; nil means none): dst and idx are
// [oh, ow] and the plane has width w. It reports false if a window holds a
// NaN, leaving the plane to the exact comparison.
var maxPool2x2 func(dst, idx, plane []float32, w, oh, ow int) bool

// unpool2x2, where the CPU has it, is unpoolPlane's loop (useLevel sets
// it; nil means none): it sets rows 0 to 2*oh-1, columns 0 to 2*ow-1, of
// the plane d of width w and reports false if a position of idx is not
// inside its window.
var unpool2x2 func(d, s, idx []float32, w, oh, ow int) bool

// unpoolMinRow is the fewest windows a row from which unpoolPlane takes
// unpool2x2: on one Zen 4 core, 64 planes of 26x26 maps (13 windows a
// row) unpool in 6.5 us against scatterRow's 17, of 16x16 (8) in 5.3
// against 6.2, of 14x14 (7) in 5.1 against 5.0 and of 11x11 (5) in 4.8
// against 3.4.
const unpoolMinRow = 8

// unpoolPlane is scatterRow for the positions idx in a plane of h by w
// of the windows g, [ph, pw], as MaxPool2d gives them: d set to zero and
// each s[j] added at idx[j]. Halving windows, whose positions each lie in
// a window of their own, in rows of unpoolMinRow windows or more take
// unpool2x2 where the CPU has it, which sets every value of d in one
// pass (0 + s[j] where a window's maximum was, the sum's bits, zero
// elsewhere) in place of a clear and a scattered sum; a position outside
// its window leaves d to scatterRow.
func unpoolPlane(d, s, idx []float32, h, w, ph, pw int, g Window) bool {
	if unpool2x2 == nil || !g.halving() || ph == 0 || pw < unpoolMinRow {
		return scatterRow(d, s, idx)
	}
	d, s, idx = d[:h*w], s[:ph*pw], idx[:ph*pw]
	if !unpool2x2(d[:(2*ph-1)*w+2*pw], s, idx, w, ph, pw) {
		return scatterRow(d, s, idx)
	}
	if w > 2*pw { // by one: the column no window reads
		for r := range 2 * ph {
			d[r*w+2*pw] = 0
		}
	}
	clear(d[2*ph*w:])
	return true
}

// halving reports whether g is the 2x2 window at stride 2 without padding
// or dilation.
func (g Window) halving() bool {
	return g.KH == 2 && g.KW == 2 && g.StrideH == 2 && g.StrideW == 2 && g.PadH == 0 && g.PadW == 0 &&
		max(g.DilationH, 1) == 1 && max(g.DilationW, 1) == 1
}

// maxInside is maxPlane for a plane without NaN and windows without
// padding, which lie wholly inside the plane: each window is scanned in
// full with no bounds to clip. The position of the running maximum is
// updated by a conditional move and its value by max (which, NaN aside,
// differs from the value at that position only in the sign of a zero,
// so the value is read back from the position at the end).
func maxInside(dst, idx, plane []float32, w, oh, ow int, g Window) {
	sh, sw := max(g.StrideH, 1), max(g.StrideW, 1)
	dh, dw := max(g.DilationH, 1), max(g.DilationW, 1)
	for y := 0; y < oh; y++ {
		best, bestAt := dst[y*ow:(y+1)*ow], idx[y*ow:(y+1)*ow]
		if g.KH == 2 && g.KW == 2 && dh == 1 && dw == 1 {
			// The common 2x2 window, unrolled.
			top := y * sh * w
			r0, r1 := plane[top:top+w], plane[top+w:top+2*w]
			for x := range best {
				j := x * sw
				b, at := r0[j], j
				if v := r0[j+1]; v > b {
					at = j + 1
				}
				b = max(b, r0[j+1])
				if v := r1[j]; v > b {
					at = w + j
				}
				b = max(b, r1[j])
				if r1[j+1] > b {
					at = w + j + 1
				}
				best[x], bestAt[x] = plane[top+at], float32(top+at)
			}
			continue
		}
		for x := range best {
			i0 := y*sh*w + x*sw
			b, at := plane[i0], i0
			for ki := 0; ki < g.KH; ki++ {
				row := i0 + ki*dh*w
				for kj := 0; kj < g.KW; kj++ {
					i := row + kj*dw
					if plane[i] > b {
						at = i
					}
					b = max(b, plane[i])
				}
			}
			best[x], bestAt[x] = plane[at], float32(at)
		}
	}
}
