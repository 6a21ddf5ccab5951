package tensor

import (
	"math"

	"github.com/gibbsml/gibbs/internal/kernel"
)

// Softmax returns exp(t) normalised to sum to 1 along axis.
func (t *Tensor) Softmax(axis int) *Tensor {
	ax := normAxis("Softmax", axis, len(t.shape))
	out := softmaxRaw(t, ax, false)
	return record(out, "Softmax", []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{out.Mul(g.Sub(g.Mul(out).SumKeep(ax)))}
	})
}

// LogSoftmax returns t minus its log-sum-exp along axis: log-probabilities.
func (t *Tensor) LogSoftmax(axis int) *Tensor {
	ax := normAxis("LogSoftmax", axis, len(t.shape))
	out := softmaxRaw(t, ax, true)
	return record(out, "LogSoftmax", []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{g.Sub(out.Exp().Mul(g.SumKeep(ax)))}
	})
}

// softmaxRaw computes softmax (or log-softmax) along axis without recording.
func softmaxRaw(t *Tensor, axis int, logOut bool) *Tensor {
	t.live("Softmax")
	outer, n, inner := splitAt(t.shape, axis)
	out := empty(t.shape)
	// Rows along axis are contiguous when inner is 1; otherwise each is
	// gathered into row and scattered back from res.
	var row, res, ex []float32
	if inner > 1 {
		row, res = make([]float32, n), make([]float32, n)
	}
	if logOut {
		ex = make([]float32, n)
	}
	for o := 0; o < outer; o++ {
		for in := 0; in < inner; in++ {
			base := o*n*inner + in
			src, dst := t.data[base:base+n], out.data[base:base+n]
			if inner > 1 {
				for j := range row {
					row[j] = t.data[base+j*inner]
				}
				src, dst = row, res
			}
			softmaxRow(dst, src, ex, logOut)
			if inner > 1 {
				for j, v := range res {
					out.data[base+j*inner] = v
				}
			}
		}
	}
	return out
}

// softmaxRow sets dst to the softmax (or log-softmax, using scratch ex) of
// src. A row that is all -Inf gets no weight at all: zeros, or -Inf for
// the log form, instead of 0/0.
func softmaxRow(dst, src, ex []float32, logOut bool) {
	m := kernel.Fold(kernel.Max, float32(math.Inf(-1)), src)
	if math.IsInf(float64(m), -1) {
		m = 0
	}
	e := dst
	if logOut {
		e = ex
	}
	kernel.Map2Scalar(kernel.Sub, e, src, m, false)
	kernel.Exp(e, e)
	s := kernel.Sum(e)
	switch {
	case s == 0 && logOut:
		kernel.Fill(dst, float32(math.Inf(-1)))
	case s == 0:
		kernel.Fill(dst, 0)
	case logOut:
		kernel.Map2Scalar(kernel.Sub, dst, src, m+float32(math.Log(float64(s))), false)
	default:
		kernel.Map2Scalar(kernel.Mul, dst, dst, 1/s, false)
	}
}
