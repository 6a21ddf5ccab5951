package kernel

// Stride-1 windows read the image through its strips: strip kj of a
// plane holds, for each of the h+2*PadH rows of the padded plane, the ow
// values that column kj of the windows reads along it (zero on the
// padding). Tap (ki, kj)'s column row of the image is then strip kj from
// its row ki on: one contiguous run of oh*ow values, where the plane
// itself gives oh short rows. The strips are KW block copies of the plane
// in place of the KH*KW the taps would take, and the taps of a chunk's
// images, whose strips lie one after the other, are one block copy (or
// sum, in Col2im) of a run per image: per-call and per-row work is paid
// once per tap and channel rather than once per window row, tap, channel
// and image.

// stripsFit reports whether the strip path serves windows g over images
// h by w: stride 1 and no dilation along both axes, more than one window
// row (one the strips would only copy once more), and window rows of at
// most stripMaxRow positions.
func stripsFit(h, w int, g Window) bool {
	_, ow := g.OutSize(h, w)
	return max(g.StrideH, 1) == 1 && max(g.StrideW, 1) == 1 &&
		max(g.DilationH, 1) == 1 && max(g.DilationW, 1) == 1 && g.KH > 1 && ow <= stripMaxRow
}

// stripMaxRow is the longest window row the strips serve: the block
// copies pay their per-row work once per vector step, which rules rows
// of one step and a short one (on one Zen 4 core, the 13x13 and 14x14
// images of a chunk through 3x3 windows unfold and fold 25-35% faster
// through the strips, 20x20 ones 0-23%, while 28x28 ones mostly lose,
// up to 40%).
const stripMaxRow = 20

// walkStrips is walkImage for windows that stripsFit, over nb images of
// imgs at once: image b's columns start at column b*oh*ow of each row of
// cols (rows ld values apart). The channels are split across up to
// threads goroutines when the work is large enough.
func walkStrips(cols []float32, ld int, imgs []float32, nb, c, h, w int, g Window, add bool, threads int) {
	oh, ow := g.OutSize(h, w)
	l, hs := oh*ow, h+2*g.PadH
	ls := hs * ow // one image's strip
	span := nb * ls
	// The strips are the column rows of a window one row high over the
	// plane padded along its height.
	row := Window{KH: 1, KW: g.KW, PadH: g.PadH, PadW: g.PadW}
	hw, taps := h*w, g.KH*g.KW
	one := func(ch int, st []float32) {
		if !add {
			for b := range nb {
				walkBlocks(st[b*ls:], span, imgs[b*c*hw+ch*hw:][:hw], 1, h, w, hs, ow, row, false)
			}
		}
		// A tap's column rows of the nb images are one block copy (or
		// sum) of nb rows of l values, ls values apart in the strips.
		for ki := range g.KH {
			for kj := range g.KW {
				col, s := cols[(ch*taps+ki*g.KW+kj)*ld:], st[kj*span:]
				switch {
				case !add:
					BlockCopy(col, l, s[ki*ow:], ls, nb, l)
				case ki == 0:
					// The first window row sets the strips' rows.
					BlockCopy(s, ls, col, l, nb, l)
					for b := range nb {
						clear(s[b*ls+l : (b+1)*ls])
					}
				default:
					BlockAdd(s[ki*ow:], ls, col, l, nb, l)
				}
			}
		}
		if add {
			for b := range nb {
				walkBlocks(st[b*ls:], span, imgs[b*c*hw+ch*hw:][:hw], 1, h, w, hs, ow, row, true)
			}
		}
	}
	nt := min(threads, c, max(c*taps*nb*l/im2colMinWork, 1))
	parallelFor(nt, func(t int) {
		st := getBuf(g.KW * span)
		defer putBuf(st)
		for ch := t * c / nt; ch < (t+1)*c/nt; ch++ {
			one(ch, st)
		}
	})
}
