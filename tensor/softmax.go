package tensor

import "math"

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
	outer, n, inner := splitAt(t.shape, axis)
	out := &Tensor{data: make([]float32, len(t.data)), shape: t.shape}
	for o := 0; o < outer; o++ {
		for in := 0; in < inner; in++ {
			base := o*n*inner + in
			m := float32(math.Inf(-1))
			for j := 0; j < n; j++ {
				m = max(m, t.data[base+j*inner])
			}
			if math.IsInf(float64(m), -1) {
				m = 0
			}
			var s float64
			for j := 0; j < n; j++ {
				e := math.Exp(float64(t.data[base+j*inner] - m))
				s += e
				if !logOut {
					out.data[base+j*inner] = float32(e)
				}
			}
			if s == 0 {
				// Every entry is -Inf: the row gets no weight at all
				// (zeros; -Inf for the log form) instead of 0/0.
				for j := 0; j < n; j++ {
					out.data[base+j*inner] = 0
					if logOut {
						out.data[base+j*inner] = float32(math.Inf(-1))
					}
				}
				continue
			}
			ls := float32(math.Log(s))
			for j := 0; j < n; j++ {
				p := base + j*inner
				if logOut {
					out.data[p] = t.data[p] - m - ls
				} else {
					out.data[p] = float32(float64(out.data[p]) / s)
				}
			}
		}
	}
	return out
}
