package tensor

import (
	"github.com/gibbsml/gibbs/internal/kernel"
)

// Softmax returns exp(t) normalised to sum to 1 along axis.
func (t *Tensor) Softmax(axis int) *Tensor {
	ax := normAxis("Softmax", axis, len(t.shape))
	out := softmaxRaw(t, ax, false)
	return record(out, "Softmax", []*Tensor{t}, func(b *Backprop) []*Tensor {
		g, y := b.Grad, b.Out
		if !b.Recorded() && ax == len(t.shape)-1 {
			// A first derivative along the last axis: one row loop.
			dx := empty(t.shape)
			kernel.SoftmaxGradRows(dx.data, g.data, y.data, t.shape[ax])
			return []*Tensor{dx}
		}
		return []*Tensor{y.Mul(g.Sub(g.Mul(y).SumKeep(ax)))}
	})
}

// LogSoftmax returns t minus its log-sum-exp along axis: log-probabilities.
func (t *Tensor) LogSoftmax(axis int) *Tensor {
	ax := normAxis("LogSoftmax", axis, len(t.shape))
	out := softmaxRaw(t, ax, true)
	return record(out, "LogSoftmax", []*Tensor{t}, func(b *Backprop) []*Tensor {
		g := b.Grad
		return []*Tensor{g.Sub(b.Out.Exp().Mul(g.SumKeep(ax)))}
	})
}

// softmaxRaw computes softmax (or log-softmax) along axis without recording.
func softmaxRaw(t *Tensor, axis int, logOut bool) *Tensor {
	t.live("Softmax")
	outer, n, inner := splitAt(t.shape, axis)
	out := empty(t.shape)
	if inner == 1 {
		kernel.SoftmaxRows(out.data, t.data, n, logOut)
		return out
	}
	// Each row along axis is gathered into row and scattered back.
	row := make([]float32, n)
	for o := 0; o < outer; o++ {
		for in := 0; in < inner; in++ {
			base := o*n*inner + in
			for j := range row {
				row[j] = t.data[base+j*inner]
			}
			kernel.SoftmaxRows(row, row, n, logOut)
			for j, v := range row {
				out.data[base+j*inner] = v
			}
		}
	}
	return out
}
