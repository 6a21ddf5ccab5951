package nn

import "github.com/gibbsml/gibbs/internal/kernel"

// normRowsMax is the longest run of a group's values (the layout's inner
// length) for which BatchNorm goes along rows: its loops then view the
// tensor as outer rows of groups*inner contiguous values and work on
// whole rows with the vector maps, summing per column over the rows,
// rather than on runs too short for the vector maps to repay their calls
// ([N, C] inputs have runs of one value).
const normRowsMax = 8

// byRows tells whether the norm loops go along rows.
func (l normLayout) byRows() bool { return !l.perInner && l.inner <= normRowsMax }

// splitRows runs f over ranges [j0, j1) of the columns of the rows, each
// range holding whole groups, claimed by the threads as they come free
// (claim): the sums of a column do not depend on the ranges.
func (l normLayout) splitRows(f func(j0, j1 int)) {
	l.claim(l.groups, func(c0, c1 int) { f(c0*l.inner, c1*l.inner) })
}

// row returns columns j0..j1-1 of row a of x.
func (l normLayout) row(x []float32, a, j0, j1 int) []float32 {
	w := l.groups * l.inner
	return x[a*w+j0 : a*w+j1]
}

// colSums returns, for each of k columns, the float64 sum over the rows
// of the terms that add(a, part) adds into part for row a, in float32
// partial sums of kernel.CarryRows rows carried into float64, on the
// calling thread (kernel.RowSums).
func (l normLayout) colSums(k int, add func(a int, part []float32)) []float64 {
	acc := make([]float64, k)
	kernel.RowSums(acc, l.outer, false, add)
	return acc
}

// colSums2 is colSums of two sums at once, add(a, p, q) adding row a's
// terms into p and q, in one pass over the rows: one sum of 2k columns.
func (l normLayout) colSums2(k int, add func(a int, p, q []float32)) (p, q []float64) {
	s := make([]float64, 2*k)
	kernel.RowSums(s, l.outer, false, func(a int, part []float32) { add(a, part[:k], part[k:]) })
	return s[:k], s[k:]
}

// groupSum returns the sum of the inner columns of acc, which starts at
// column j0, that belong to group c.
func (l normLayout) groupSum(acc []float64, j0, c int) float64 {
	var s float64
	for _, v := range acc[c*l.inner-j0 : (c+1)*l.inner-j0] {
		s += v
	}
	return s
}

// perColumn returns, for columns j0..j1-1, the value f(c) of each one's
// group c.
func (l normLayout) perColumn(j0, j1 int, f func(c int) float32) []float32 {
	v := make([]float32, j1-j0)
	for j := range v {
		v[j] = f((j0 + j) / l.inner)
	}
	return v
}

// rowStats sets the mean and biased variance of groups c0..c1 of x,
// along rows.
func rowStats(x, mean, variance []float32, l normLayout, c0, c1 int) {
	n := float64(l.count())
	j0, j1 := c0*l.inner, c1*l.inner
	k := j1 - j0
	s := l.colSums(k, func(a int, part []float32) { kernel.AddTo(part, l.row(x, a, j0, j1)) })
	for c := c0; c < c1; c++ {
		mean[c] = float32(l.groupSum(s, j0, c) / n)
	}
	mc, d := l.perColumn(j0, j1, func(c int) float32 { return mean[c] }), make([]float32, k)
	q := l.colSums(k, func(a int, part []float32) {
		kernel.Map2(kernel.Sub, d, l.row(x, a, j0, j1), mc)
		kernel.Map2(kernel.Mul, d, d, d)
		kernel.AddTo(part, d)
	})
	for c := c0; c < c1; c++ {
		variance[c] = float32(l.groupSum(q, j0, c) / n)
	}
}

// rowApply is groupApply along rows: y = (x - mean) * (rs * w) + b for
// groups c0..c1, then act(y) on each row's part when act is not nil.
func rowApply(y, x, mean, rs, w, b []float32, l normLayout, act func(dst, x []float32), c0, c1 int) {
	j0, j1 := c0*l.inner, c1*l.inner
	mc := l.perColumn(j0, j1, func(c int) float32 { return mean[c] })
	sc := l.perColumn(j0, j1, func(c int) float32 {
		if w == nil {
			return rs[c]
		}
		return rs[c] * w[c]
	})
	var bc []float32
	if w != nil {
		bc = l.perColumn(j0, j1, func(c int) float32 { return b[c] })
	}
	for a := 0; a < l.outer; a++ {
		ys := l.row(y, a, j0, j1)
		kernel.Map2(kernel.Sub, ys, l.row(x, a, j0, j1), mc)
		kernel.Map2(kernel.Mul, ys, ys, sc)
		if bc != nil {
			kernel.Map2(kernel.Add, ys, ys, bc)
		}
		if act != nil {
			act(ys, ys)
		}
	}
}

// rowBackward is normBackward along rows, with one weight per group,
// g taken through act row by row. The sums of the gradient and of it
// times xhat take one pass over the rows, the gradient through act kept
// in gx's row until the second pass overwrites it.
func rowBackward(gx, gw, gb, g, x, mean, rs, w []float32, l normLayout, act actOut) {
	n := float64(l.count())
	src := g
	if act.grad != nil {
		src = gx
	}
	l.splitRows(func(j0, j1 int) {
		k := j1 - j0
		mc := l.perColumn(j0, j1, func(c int) float32 { return mean[c] })
		rc := l.perColumn(j0, j1, func(c int) float32 { return rs[c] })
		xhat := make([]float32, k)
		// xhat = (x - mean) * rs for row a.
		norm := func(a int) {
			kernel.Map2(kernel.Sub, xhat, l.row(x, a, j0, j1), mc)
			kernel.Map2(kernel.Mul, xhat, xhat, rc)
		}
		sb, sw := l.colSums2(k, func(a int, pb, pw []float32) {
			gr := l.row(g, a, j0, j1)
			if act.grad != nil {
				at := l.row(gx, a, j0, j1)
				act.grad(at, gr, l.row(act.y, a, j0, j1))
				gr = at
			}
			kernel.AddTo(pb, gr)
			norm(a)
			kernel.Map2(kernel.Mul, xhat, xhat, gr)
			kernel.AddTo(pw, xhat)
		})
		// The means of gxhat = g * w and of gxhat * xhat, per column,
		// and the weight of each column (one without an affine map).
		mg, mgx := make([]float32, k), make([]float32, k)
		wc := l.perColumn(j0, j1, func(c int) float32 {
			if w == nil {
				return 1
			}
			return w[c]
		})
		for c := j0 / l.inner; c < j1/l.inner; c++ {
			s, sx := l.groupSum(sb, j0, c), l.groupSum(sw, j0, c)
			if w != nil {
				gw[c] += float32(sx)
				gb[c] += float32(s)
			}
			wf := float64(wc[c*l.inner-j0])
			for j := c*l.inner - j0; j < (c+1)*l.inner-j0; j++ {
				mg[j], mgx[j] = float32(wf*s/n), float32(wf*sx/n)
			}
		}
		gh := make([]float32, k)
		for a := 0; a < l.outer; a++ {
			// rs (gxhat - mg - xhat mgx)
			out := l.row(gx, a, j0, j1)
			kernel.Map2(kernel.Mul, gh, l.row(src, a, j0, j1), wc)
			kernel.Map2(kernel.Sub, out, gh, mg)
			norm(a)
			kernel.Map2(kernel.Mul, xhat, xhat, mgx)
			kernel.Map2(kernel.Sub, out, out, xhat)
			kernel.Map2(kernel.Mul, out, out, rc)
		}
	})
}
