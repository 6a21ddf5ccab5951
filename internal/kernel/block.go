package kernel

// The loops behind BlockCopy and BlockAdd, set by useLevel.
var blockCopyVec, blockAddVec func(dst []float32, ldd int, src []float32, lds, rows, n int)

// BlockCopy sets dst[r*ldd+i] = src[r*lds+i] for rows r of n values i: a
// block of a matrix copied between row strides. The slices must hold the
// block.
func BlockCopy(dst []float32, ldd int, src []float32, lds, rows, n int) {
	if rows <= 0 || n <= 0 {
		return
	}
	blockCopyVec(dst[:(rows-1)*ldd+n], ldd, src[:(rows-1)*lds+n], lds, rows, n)
}

// BlockAdd sets dst[r*ldd+i] += src[r*lds+i], the adjoint of BlockCopy.
// The rows of dst must not overlap.
func BlockAdd(dst []float32, ldd int, src []float32, lds, rows, n int) {
	if rows <= 0 || n <= 0 {
		return
	}
	blockAddVec(dst[:(rows-1)*ldd+n], ldd, src[:(rows-1)*lds+n], lds, rows, n)
}

func blockCopyGo(dst []float32, ldd int, src []float32, lds, rows, n int) {
	for r := range rows {
		copy(dst[r*ldd:r*ldd+n], src[r*lds:r*lds+n])
	}
}

func blockAddGo(dst []float32, ldd int, src []float32, lds, rows, n int) {
	for r := range rows {
		addVV(dst[r*ldd:r*ldd+n], dst[r*ldd:r*ldd+n], src[r*lds:r*lds+n])
	}
}
