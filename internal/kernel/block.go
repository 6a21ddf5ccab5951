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
	dst, src = dst[:(rows-1)*ldd+n], src[:(rows-1)*lds+n]
	interleaved(rows, ldd, n+16, func(r0, step, count int) {
		blockAddVec(dst[r0*ldd:], ldd*step, src[r0*lds:], lds*step, count, n)
	})
}

// interleaved calls f(r0, step, count) for passes over rows r0, r0+step,
// ... (count of them) that together cover rows 0..rows-1, with step the
// fewest passes for which the span values a row's vector loop reads and
// writes from its start end before the next row of the pass begins, ld
// values later. A vector load that overlaps a store just issued waits for
// the store, even where the store's mask leaves those lanes out: rows
// shorter than a vector, one right after the other, would each wait.
func interleaved(rows, ld, span int, f func(r0, step, count int)) {
	step := min(rows, max(1, ceilDiv(span, max(ld, 1))))
	for r0 := range step {
		f(r0, step, (rows-r0+step-1)/step)
	}
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

// The loops behind blockGather2 and blockScatterAdd2, set by useLevel:
// they take the masks of the last step of a row (see stride2Masks).
var gather2Vec, scatterAdd2Vec func(dst []float32, ldd int, src []float32, lds, rows, n int, m1, m2, m3 uint32)

// blockGather2 sets dst[r*ldd+i] = src[r*lds+2*i] for rows r of n values
// i: BlockCopy reading every other value, as im2col does at stride 2.
func blockGather2(dst []float32, ldd int, src []float32, lds, rows, n int) {
	if rows <= 0 || n <= 0 {
		return
	}
	dst, src = dst[:(rows-1)*ldd+n], src[:(rows-1)*lds+2*n-1]
	if gather2Vec == nil {
		for r := range rows {
			copyRow(dst[r*ldd:r*ldd+n], src[r*lds:], 2)
		}
		return
	}
	t := (n-1)%16 + 1 // values of the last step
	gather2Vec(dst, ldd, src, lds, rows, n, lowBits(t), lowBits(min(2*t-1, 16)), lowBits(2*t-1-16))
}

// blockScatterAdd2 sets dst[r*ldd+2*i] += src[r*lds+i], the adjoint of
// blockGather2. The rows of dst must not overlap.
func blockScatterAdd2(dst []float32, ldd int, src []float32, lds, rows, n int) {
	if rows <= 0 || n <= 0 {
		return
	}
	dst, src = dst[:(rows-1)*ldd+2*n-1], src[:(rows-1)*lds+n]
	if scatterAdd2Vec == nil {
		for r := range rows {
			addRow(dst[r*ldd:], src[r*lds:r*lds+n], 2)
		}
		return
	}
	t := (n-1)%16 + 1
	interleaved(rows, ldd, 2*n+32, func(r0, step, count int) {
		scatterAdd2Vec(dst[r0*ldd:], ldd*step, src[r0*lds:], lds*step, count, n, 0, lowBits(2*min(t, 8)-1)&0x5555, lowBits(2*(t-8)-1)&0x5555)
	})
}

// lowBits returns a mask of the lowest n bits, n clamped to [0, 16].
func lowBits(n int) uint32 {
	return uint32(1)<<min(max(n, 0), 16) - 1
}
