package kernel

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// Stride-2 windows over images of even sides, whose window positions are
// half the image along each axis (3x3 and 4x4 kernels with padding 1, 1x1
// and 2x2 without), read the image through its four phases: the planes of
// even and odd rows and columns, each of the output's size. A tap reads
// one phase shifted by whole rows and columns, so its column row is one
// contiguous run of that phase, with the positions that fall on the
// padding (and so read a neighbouring row or image) masked to zero; in
// Col2im it is one contiguous masked sum into the phase.
//
// The phases of a channel of several images lie one after the other, so
// that a tap's column row for all of them, images side by side as
// Conv's chunks lay them out, is a single masked copy: per-call work,
// which rules the short rows of 7x7 and 14x14 maps, is paid once per
// tap and channel rather than once per tap, channel and image.

// The loops behind the masked copies, set by useLevel: keepVV sets
// dst[i] = x[i] where mask[i] has all bits set and +0 where it is zero;
// addKeepVV adds x[i] into dst[i] where mask[i] is set. Masks hold the
// bit patterns maskOn and 0 (read as bits, never as numbers).
var keepVV, addKeepVV func(dst, x, mask []float32)

// maskOn is the mask value that keeps a position: all 32 bits set.
var maskOn = math.Float32frombits(math.MaxUint32)

func keepVVGo(dst, x, mask []float32) {
	x, mask = x[:len(dst)], mask[:len(dst)]
	for i := range dst {
		dst[i] = math.Float32frombits(math.Float32bits(x[i]) & math.Float32bits(mask[i]))
	}
}

func addKeepVVGo(dst, x, mask []float32) {
	x, mask = x[:len(dst)], mask[:len(dst)]
	for i := range dst {
		dst[i] += math.Float32frombits(math.Float32bits(x[i]) & math.Float32bits(mask[i]))
	}
}

// The loops behind phaseSplit and phaseMerge, set by useLevel; where
// nil, the stride-2 block loops serve, one phase at a time.
var phaseSplitVec, phaseMergeVec, phaseMergeSetVec func(ph []float32, span int, plane []float32, w, oh, ow int, m1, m2, m3 uint32)

// phaseSplit sets the four phases of a 2*oh by 2*ow plane: phase p, the
// values whose row is p/2 and whose column is p%2 modulo 2, to the oh
// rows of ow values at ph[p*span:].
func phaseSplit(ph []float32, span int, plane []float32, oh, ow int) {
	w := 2 * ow
	if oh == 0 || ow == 0 {
		return
	}
	ph, plane = ph[:3*span+oh*ow], plane[:2*oh*w]
	if phaseSplitVec == nil {
		for p := range 4 {
			blockGather2(ph[p*span:], ow, plane[p/2*w+p%2:], 2*w, oh, ow)
		}
		return
	}
	t := (ow-1)%16 + 1 // values of a phase row's last step
	phaseSplitVec(ph, span, plane, w, oh, ow, lowBits(t), lowBits(2*t), lowBits(2*t-16))
}

// phaseMerge adds the four phases at ph back into their plane, the
// adjoint of phaseSplit (foldAddPhases), or stores them in place of the
// plane's values, its inverse (foldSetPhases).
func phaseMerge(plane, ph []float32, span, oh, ow int, walk phaseWalk) {
	set := walk == foldSetPhases
	w := 2 * ow
	if oh == 0 || ow == 0 {
		return
	}
	ph, plane = ph[:3*span+oh*ow], plane[:2*oh*w]
	vec := phaseMergeVec
	if set {
		vec = phaseMergeSetVec
	}
	if vec == nil {
		if set {
			clear(plane)
		}
		for p := range 4 {
			blockScatterAdd2(plane[p/2*w+p%2:], 2*w, ph[p*span:], ow, oh, ow)
		}
		return
	}
	t := (ow-1)%16 + 1
	vec(ph, span, plane, w, oh, ow, lowBits(t), lowBits(2*t), lowBits(2*t-16))
}

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

// phaseTap is how one tap reads the phases: phase p shifted by d values,
// through mask number mask (-1: every position reads the image; -2: none
// does).
type phaseTap struct{ p, d, mask int }

// phasePlan is how the taps of a window read the phases of nb images of
// oh-by-ow phase planes side by side: the taps in Im2col's row order, the
// masks they read through (each nb*oh*ow values) and the largest shift.
type phasePlan struct {
	taps   []phaseTap
	masks  []float32
	margin int
	// first[p] is a tap that reads all of phase p unshifted (-1: none):
	// folding, it sets the phase, which the other taps then add to.
	first [4]int
}

// phaseKey names a phasePlan.
type phaseKey struct {
	g          Window
	oh, ow, nb int
}

// phasePlans keeps the plans made so far, until their masks hold
// phasePlanFloats values in all: a program runs few shapes, and the plan
// of a chunk of small images holds a few tens of kilobytes.
var (
	phasePlans     sync.Map
	phasePlanSizes atomic.Int64
)

const phasePlanFloats = 1 << 22

// planPhases returns the phasePlan of g for nb images of oh by ow phases.
func planPhases(g Window, oh, ow, nb int) *phasePlan {
	key := phaseKey{g, oh, ow, nb}
	if p, ok := phasePlans.Load(key); ok {
		return p.(*phasePlan)
	}
	p := newPhasePlan(g, oh, ow, nb)
	if phasePlanSizes.Load()+int64(len(p.masks)) <= phasePlanFloats {
		if _, loaded := phasePlans.LoadOrStore(key, p); !loaded {
			phasePlanSizes.Add(int64(len(p.masks)))
		}
	}
	return p
}

// newPhasePlan makes the phasePlan of g for nb images of oh by ow phases.
func newPhasePlan(g Window, oh, ow, nb int) *phasePlan {
	l := oh * ow
	type shift struct{ qy, qx int }
	var seen []shift
	p := &phasePlan{first: [4]int{-1, -1, -1, -1}}
	for ki := 0; ki < g.KH; ki++ {
		a, qy := phaseOf(ki - g.PadH)
		y0, y1 := max(0, -qy), min(oh, oh-qy)
		for kj := 0; kj < g.KW; kj++ {
			b, qx := phaseOf(kj - g.PadW)
			x0, x1 := max(0, -qx), min(ow, ow-qx)
			t := phaseTap{p: 2*a + b, d: qy*ow + qx, mask: -1}
			switch {
			case y0 >= y1 || x0 >= x1:
				t.mask = -2
			case y0 > 0 || y1 < oh || x0 > 0 || x1 < ow:
				t.mask = slices.Index(seen, shift{qy, qx})
				if t.mask < 0 {
					t.mask = len(seen)
					seen = append(seen, shift{qy, qx})
					m := make([]float32, nb*l)
					for y := y0; y < y1; y++ {
						Fill(m[y*ow+x0:y*ow+x1], maskOn)
					}
					for b := 1; b < nb; b++ {
						copy(m[b*l:(b+1)*l], m[:l])
					}
					p.masks = append(p.masks, m...)
				}
			}
			if t.mask != -2 {
				p.margin = max(p.margin, t.d, -t.d)
				if t.d == 0 && p.first[t.p] < 0 {
					p.first[t.p] = len(p.taps)
				}
			}
			p.taps = append(p.taps, t)
		}
	}
	return p
}

// How walkPhases moves values between the images and their columns.
type phaseWalk int

const (
	unfoldPhases  phaseWalk = iota // Im2col: the images' windows into the columns
	foldAddPhases                  // Col2im: the columns added into the images
	foldSetPhases                  // the columns folded in place of the images' values
)

// walkPhases is walkImage for windows that phasesFit, over channels
// c0..c1 of nb images of c channels in imgs at once: the column rows of
// channel c0 come first in cols (rows ld values apart), and image b's
// columns start at column b*oh*ow of each row. The channels are split
// across up to threads goroutines when the work is large enough.
func walkPhases(cols []float32, ld int, imgs []float32, nb, c, c0, c1, h, w int, g Window, walk phaseWalk, threads int) {
	oh, ow := h/2, w/2
	pw := phaseChannels{cols: cols, imgs: imgs, ld: ld, nb: nb, c: c, c0: c0, h: h, w: w, walk: walk}
	pw.plan = planPhases(g, oh, ow, nb)
	// Each phase of a channel: margin values, nb planes, margin values.
	span := nb*oh*ow + 2*pw.plan.margin
	nch := c1 - c0
	nt := min(threads, nch, max(nch*len(pw.plan.taps)*nb*oh*ow/im2colMinWork, 1))
	if nt == 1 { // no closures to allocate, as the samplers' small batches take it
		ph := getBuf(4 * span)
		for ch := c0; ch < c1; ch++ {
			pw.channel(ch, ph)
		}
		putBuf(ph)
		return
	}
	shared := new(phaseChannels) // pw itself stays on the stack
	*shared = pw
	parallelFor(nt, func(t int) {
		ph := getBuf(4 * span)
		defer putBuf(ph)
		for ch := c0 + t*nch/nt; ch < c0+(t+1)*nch/nt; ch++ {
			shared.channel(ch, ph)
		}
	})
}

// phaseChannels is a walkPhases over channels from c0, one channel at a
// time.
type phaseChannels struct {
	cols, imgs          []float32
	ld, nb, c, c0, h, w int
	walk                phaseWalk
	plan                *phasePlan
}

// channel walks channel ch with ph, scratch for its four phases.
func (pw *phaseChannels) channel(ch int, ph []float32) {
	cols, imgs, ld, nb, c, c0, plan := pw.cols, pw.imgs, pw.ld, pw.nb, pw.c, pw.c0, pw.plan
	oh, ow := pw.h/2, pw.w/2
	l, hw := oh*ow, pw.h*pw.w
	nc := nb * l
	taps, masks, margin := plan.taps, plan.masks, plan.margin
	span := nc + 2*margin
	fold := pw.walk != unfoldPhases
	if !fold {
		for b := range nb {
			phaseSplit(ph[margin+b*l:], span, imgs[b*c*hw+ch*hw:], oh, ow)
		}
	}
	// Folding, each phase's first tap sets it (a phase no tap reads
	// unshifted is cleared); then the other taps add to it.
	for p, i := range plan.first {
		switch {
		case fold && i >= 0:
			// A first tap is unshifted, so it reads every position
			// (a shifted one that reads none is never first).
			copy(ph[p*span+margin:][:nc], cols[((ch-c0)*len(taps)+i)*ld:][:nc])
		case fold:
			clear(ph[p*span : (p+1)*span])
		}
	}
	for i, t := range taps {
		dst := cols[((ch-c0)*len(taps)+i)*ld:][:nc]
		if t.mask == -2 || fold && plan.first[t.p] == i {
			if !fold && t.mask == -2 {
				clear(dst)
			}
			continue
		}
		src := ph[t.p*span+margin+t.d:][:nc]
		switch {
		case t.mask == -1 && fold:
			addVV(src, src, dst)
		case t.mask == -1:
			copy(dst, src)
		case fold:
			addKeepVV(src, dst, masks[t.mask*nc:(t.mask+1)*nc])
		default:
			keepVV(dst, src, masks[t.mask*nc:(t.mask+1)*nc])
		}
	}
	if fold {
		for b := range nb {
			phaseMerge(imgs[b*c*hw+ch*hw:], ph[margin+b*l:], span, oh, ow, pw.walk)
		}
	}
}
