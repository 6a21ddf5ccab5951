package kernel

import (
	"sync"
	"unsafe"
)

// packPanels copies a rows-by-kc block of a strided matrix, whose element
// (r,p) is src[r*rs+p*cs], into ceil(rows/width) panels of kc groups of
// width values each: panel q holds rows q*width.. at dst[q*kc*width:], with
// element (r,p) at p*width+r%width, and rows past the end are zero.
// Packing op(A) uses A's strides; packing op(B) uses op(B)^T's, so both are
// read along whichever axis is contiguous and no transpose is materialised.
func packPanels(dst, src []float32, rs, cs, r0, rows, p0, kc, width int) {
	panels := ceilDiv(rows, width)
	if tail := rows % width; tail != 0 {
		clear(dst[(panels-1)*kc*width : panels*kc*width])
	}
	base := r0*rs + p0*cs
	if rs == 1 && cs != 1 {
		// Rows are contiguous: read each one in full, across all panels.
		for p := 0; p < kc; p++ {
			s := src[base+p*cs : base+p*cs+rows]
			for q := 0; q < panels; q++ {
				w := min(width, rows-q*width)
				copy(dst[q*kc*width+p*width:q*kc*width+p*width+w], s[q*width:])
			}
		}
		return
	}
	for q := 0; q < panels; q++ {
		packPanel(dst[q*kc*width:(q+1)*kc*width], src, rs, cs, base+q*width*rs, min(width, rows-q*width), kc, width)
	}
}

// packPanel packs one panel of rows <= width rows starting at src[base].
func packPanel(dst, src []float32, rs, cs, base, rows, kc, width int) {
	if cs != 1 {
		for p := 0; p < kc; p++ {
			d := dst[p*width : p*width+rows]
			for r := range d {
				d[r] = src[base+p*cs+r*rs]
			}
		}
		return
	}
	// Each row is contiguous: transpose squares of sixteen rows by
	// sixteen steps where the CPU can, then stream four rows at a time,
	// so that every store fills a run of four values.
	r, k16 := 0, 0
	if packRows16 != nil {
		k16 = kc &^ 15
	}
	for ; k16 > 0 && r+16 <= rows; r += 16 {
		packRows16(dst[r:], src[base+r*rs:], rs, k16/16, width)
		packRowsTail(dst, src, rs, base, r, r+16, k16, kc, width)
	}
	packRowsTail(dst, src, rs, base, r, rows, 0, kc, width)
}

// packRowsTail packs steps p0..kc of rows r0..r1 for packPanel.
func packRowsTail(dst, src []float32, rs, base, r0, r1, p0, kc, width int) {
	r := r0
	for ; r+4 <= r1; r += 4 {
		s0 := src[base+r*rs : base+r*rs+kc]
		s1 := src[base+(r+1)*rs : base+(r+1)*rs+kc]
		s2 := src[base+(r+2)*rs : base+(r+2)*rs+kc]
		s3 := src[base+(r+3)*rs : base+(r+3)*rs+kc]
		for p := p0; p < kc; p++ {
			d := dst[p*width+r : p*width+r+4]
			d[0], d[1], d[2], d[3] = s0[p], s1[p], s2[p], s3[p]
		}
	}
	for ; r < r1; r++ {
		for p := p0; p < kc; p++ {
			dst[p*width+r] = src[base+r*rs+p]
		}
	}
}

// bufPool recycles packing buffers between calls; spareHeads, the
// headers through which bufPool holds them, emptied by getBuf for putBuf
// to fill again instead of allocating one each call.
var bufPool, spareHeads sync.Pool

// getBuf returns a scratch slice of n floats starting on a 64-byte
// boundary, so that packed panels load a cache line at a time.
func getBuf(n int) []float32 {
	const align = 64 / 4
	if v, ok := bufPool.Get().(*[]float32); ok {
		b := *v
		*v = nil
		spareHeads.Put(v)
		if cap(b) >= n+align {
			return alignedPrefix(b, n)
		}
	}
	return alignedPrefix(make([]float32, n+align), n)
}

// putBuf returns a slice from getBuf to the pool.
func putBuf(b []float32) {
	v, ok := spareHeads.Get().(*[]float32)
	if !ok {
		v = new([]float32)
	}
	*v = b[:cap(b)]
	bufPool.Put(v)
}

func alignedPrefix(b []float32, n int) []float32 {
	off := int(uintptr(unsafe.Pointer(unsafe.SliceData(b))) % 64 / 4)
	if off != 0 {
		off = 16 - off
	}
	return b[off : off+n]
}
