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

// maxPlane is MaxPool2d on one plane. It works one output row at a time,
// tap by tap, with the windows of the row in the inner loop: they are
// independent, and in a plane without NaN the only data-dependent choice
// is a conditional move. The rare plane with a NaN takes the exact
// comparison.
func maxPlane(dst, idx, plane []float32, h, w, oh, ow int, g Window) {
	hasNaN := false
	for _, v := range plane {
		if v != v {
			hasNaN = true
			break
		}
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
