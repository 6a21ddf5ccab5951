package kernel

import (
	"math"
	"slices"
)

// SoftmaxRows sets each row of n values of dst to the softmax of the same
// row of src, e^(x - max) / sum, or with logOut to the log-softmax, (x -
// max) - log(sum), rounded in that order so that large inputs keep the
// digits of their differences. A row that is all -Inf gets no weight at
// all: zeros, or -Inf for the log form, instead of 0/0. dst may be src.
// Rows are split across threads when there are enough of them.
func SoftmaxRows(dst, src []float32, n int, logOut bool) {
	if n == 0 {
		return
	}
	rows := len(dst) / n
	src = src[:rows*n]
	splitBlocks(rows, n, func(lo, hi int) {
		var ex []float32
		if logOut {
			ex = make([]float32, n)
		}
		for r := lo; r < hi; r++ {
			softmaxRow(dst[r*n:(r+1)*n], src[r*n:(r+1)*n], ex)
		}
	})
}

// softmaxRow is SoftmaxRows on one row; a non-nil ex (scratch of the row's
// length) asks for the log form.
func softmaxRow(dst, src, ex []float32) {
	m := maxVec(src)
	if math.IsInf(float64(m), -1) {
		m = 0
	}
	var s float32
	if ex != nil {
		addVS(dst, src, -m)
		expVec(ex, dst)
		s = Sum(ex)
	} else {
		expAddVec(dst, src, -m)
		s = Sum(dst)
	}
	switch {
	case s == 0 && ex != nil:
		Fill(dst, float32(math.Inf(-1)))
	case s == 0:
		Fill(dst, 0)
	case ex != nil:
		addVS(dst, dst, -float32(math.Log(float64(s))))
	default:
		mulVS(dst, dst, 1/s)
	}
}

// SoftmaxGradRows sets each row of n values of dst to y (g - <g, y>): the
// gradient at the input of a softmax whose output rows are y, given the
// gradient g of that output. dst may be g.
func SoftmaxGradRows(dst, g, y []float32, n int) {
	if n == 0 {
		return
	}
	rows := len(dst) / n
	g, y = g[:rows*n], y[:rows*n]
	splitBlocks(rows, n, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			softmaxGradRow(dst[r*n:(r+1)*n], g[r*n:(r+1)*n], y[r*n:(r+1)*n])
		}
	})
}

// softmaxGradRow is SoftmaxGradRows on one row.
func softmaxGradRow(dst, g, y []float32) { addMulVec(dst, g, y, -Dot(g, y)) }

// softmaxBlock sets each row of n values of w to its softmax in place, as
// softmaxRow computes it, in one call for all the rows where the level
// has a loop for them (rows of a multiple of 8 values, at most sumBlock).
func softmaxBlock(w []float32, n int) {
	if softmaxRowsVec != nil && n%8 == 0 && n <= sumBlock {
		softmaxRowsVec(w, n)
		return
	}
	for r := 0; r+n <= len(w) && n > 0; r += n {
		softmaxRow(w[r:r+n], w[r:r+n], nil)
	}
}

// softmaxGradBlock sets each row of n values of g in place to the
// gradient at the input of a softmax whose output rows are y, as
// softmaxGradRow computes it, in one call where the level has a loop for
// the rows (as softmaxBlock).
func softmaxGradBlock(g, y []float32, n int) {
	if softmaxGradRowsVec != nil && n%8 == 0 && n <= sumBlock {
		softmaxGradRowsVec(g, y[:len(g)], n)
		return
	}
	for r := 0; r+n <= len(g) && n > 0; r += n {
		softmaxGradRow(g[r:r+n], g[r:r+n], y[r:r+n])
	}
}

// The fused loops of the softmax, set by useLevel: expAddVec sets dst[i]
// = e^(x[i] + s) and addMulVec dst[i] = (g[i] + s) y[i], each rounded
// as the two maps it joins (addVS then expVec, addVS then mulVV) round.
// softmaxRowsVec and softmaxGradRowsVec, where a level has them, are
// softmaxBlock and softmaxGradBlock on rows of a multiple of 8 values.
var (
	expAddVec          func(dst, x []float32, s float32)
	addMulVec          func(dst, g, y []float32, s float32)
	softmaxRowsVec     func(w []float32, n int)
	softmaxGradRowsVec func(g, y []float32, n int)
)

// expAddTwo is expAddVec in the two maps it joins, for the levels without
// a loop of its own.
func expAddTwo(dst, x []float32, s float32) {
	addVS(dst, x, s)
	expVec(dst, dst)
}

func addMulGo(dst, g, y []float32, s float32) {
	g, y = g[:len(dst)], y[:len(dst)]
	for i, v := range g {
		dst[i] = (v + s) * y[i]
	}
}

// maxGo returns the largest value of x (NaN if x holds one, -Inf if x is
// empty), in eight lanes; maxVec is it or a vector loop that gives the
// same value, but for the sign of a zero.
func maxGo(x []float32) float32 {
	inf := float32(math.Inf(-1))
	m := [8]float32{inf, inf, inf, inf, inf, inf, inf, inf}
	i := 0
	for ; i+8 <= len(x); i += 8 {
		v := x[i : i+8 : i+8]
		m[0], m[1], m[2], m[3] = max(m[0], v[0]), max(m[1], v[1]), max(m[2], v[2]), max(m[3], v[3])
		m[4], m[5], m[6], m[7] = max(m[4], v[4]), max(m[5], v[5]), max(m[6], v[6]), max(m[7], v[7])
	}
	for _, v := range x[i:] {
		m[0] = max(m[0], v)
	}
	return slices.Max(m[:])
}
