package kernel

import (
	"sync"
	"unsafe"
)

// packPanel copies a rows-by-kc block of a strided matrix, whose element
// (r,p) is src[r*rs+p*cs], into dst as kc groups of width values:
// dst[p*width+r] = src[(r0+r)*rs+(p0+p)*cs], zero-filling rows past rows.
// Packing op(A) uses A's strides; packing op(B) uses op(B)^T's, so both are
// read along whichever axis is contiguous and no transpose is materialised.
func packPanel(dst, src []float32, rs, cs, r0, rows, p0, kc, width int) {
	dst = dst[:kc*width]
	if rows < width {
		clear(dst)
	}
	base := r0*rs + p0*cs
	switch {
	case cs == 1:
		for r := 0; r < rows; r++ {
			s := src[base+r*rs : base+r*rs+kc]
			for p, v := range s {
				dst[p*width+r] = v
			}
		}
	case rs == 1:
		for p := 0; p < kc; p++ {
			copy(dst[p*width:p*width+rows], src[base+p*cs:base+p*cs+rows])
		}
	default:
		for p := 0; p < kc; p++ {
			d := dst[p*width : p*width+rows]
			for r := range d {
				d[r] = src[base+p*cs+r*rs]
			}
		}
	}
}

// bufPool recycles packing buffers between calls.
var bufPool sync.Pool

// getBuf returns a scratch slice of n floats starting on a 64-byte
// boundary, so that packed panels load a cache line at a time.
func getBuf(n int) []float32 {
	const align = 64 / 4
	if v, ok := bufPool.Get().(*[]float32); ok && cap(*v) >= n+align {
		return alignedPrefix(*v, n)
	}
	return alignedPrefix(make([]float32, n+align), n)
}

// putBuf returns a slice from getBuf to the pool.
func putBuf(b []float32) {
	b = b[:cap(b)]
	bufPool.Put(&b)
}

func alignedPrefix(b []float32, n int) []float32 {
	off := int(uintptr(unsafe.Pointer(unsafe.SliceData(b))) % 64 / 4)
	if off != 0 {
		off = 16 - off
	}
	return b[off : off+n]
}
