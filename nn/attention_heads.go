package nn

import (
	"math"

	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/tensor"
)

// selfAttentionHeads is the core of unmasked multi-head self-attention as
// one operation. qkv [B*T, 3E] holds, row by row, the projected query, key
// and value of every position side by side; the result [B, T, E] holds the
// heads' outputs side by side, ready for the output projection. Each head
// reads and writes its own columns in place through the leading dimensions
// of batched products, so no head is ever permuted into a tensor of its
// own, and the softmax and its first derivative are single row loops. The
// gradients of gradients differentiate headsRef. The attention weights and
// their gradient go back to the buffer pool with the graph.
func selfAttentionHeads(qkv *tensor.Tensor, b, t, h int) *tensor.Tensor {
	e := qkv.Size(1) / 3
	dh := e / h
	scale := float32(1 / math.Sqrt(float64(dh)))
	x := qkv.Values()
	// Head j of sequence i: query columns j*dh of rows i*t.., keys e
	// further, values 2e further; w is [B, heads, T, T].
	col := func(part, j int) []float32 { return x[part*e+j*dh:] }
	wt := tensor.Empty(b, h, t, t)
	w := wt.Values()
	out := tensor.Empty(b, t, e)
	o := out.Values()
	for j := 0; j < h; j++ {
		kernel.SgemmBatched(false, true, b, t, t, dh, scale, col(0, j), 3*e, t*3*e, col(1, j), 3*e, t*3*e, 0, w[j*t*t:], t, h*t*t)
	}
	kernel.SoftmaxRows(w, w, t, false)
	for j := 0; j < h; j++ {
		kernel.SgemmBatched(false, false, b, t, dh, t, 1, w[j*t*t:], t, h*t*t, col(2, j), 3*e, t*3*e, 0, o[j*dh:], e, t*e)
	}
	var res *tensor.Tensor
	fast := func(bp *tensor.Backprop) []*tensor.Tensor {
		gd := bp.Grad.Values()
		dqkv := tensor.Empty(b*t, 3*e)
		d := dqkv.Values()
		dcol := func(part, j int) []float32 { return d[part*e+j*dh:] }
		dwt := tensor.Empty(b, h, t, t)
		res.Adopt(dwt)
		dw := dwt.Values()
		for j := 0; j < h; j++ {
			// dW = G V^T, dV = W^T G.
			kernel.SgemmBatched(false, true, b, t, t, dh, 1, gd[j*dh:], e, t*e, col(2, j), 3*e, t*3*e, 0, dw[j*t*t:], t, h*t*t)
			kernel.SgemmBatched(true, false, b, t, dh, t, 1, w[j*t*t:], t, h*t*t, gd[j*dh:], e, t*e, 0, dcol(2, j), 3*e, t*3*e)
		}
		kernel.SoftmaxGradRows(dw, dw, w, t)
		for j := 0; j < h; j++ {
			// With dS the gradient of the scaled scores: dQ = s dS K, dK = s dS^T Q.
			kernel.SgemmBatched(false, false, b, t, dh, t, scale, dw[j*t*t:], t, h*t*t, col(1, j), 3*e, t*3*e, 0, dcol(0, j), 3*e, t*3*e)
			kernel.SgemmBatched(true, false, b, t, dh, t, scale, dw[j*t*t:], t, h*t*t, col(0, j), 3*e, t*3*e, 0, dcol(1, j), 3*e, t*3*e)
		}
		return []*tensor.Tensor{dqkv}
	}
	res = fused("SelfAttentionHeads", out, []*tensor.Tensor{qkv}, fast, func() *tensor.Tensor { return headsRef(qkv, b, t, h) }).Adopt(wt)
	return res
}

// headsRef is selfAttentionHeads written with differentiable operations.
func headsRef(qkv *tensor.Tensor, b, t, h int) *tensor.Tensor {
	e := qkv.Size(1) / 3
	part := func(i int) *tensor.Tensor { return splitHeads(qkv.Narrow(1, i*e, e), b, t, h) }
	return joinHeads(AttentionWeights(part(0), part(1), nil).Matmul(part(2)))
}

// splitHeads turns y [B*T, E] into [B, heads, T, E/heads].
func splitHeads(y *tensor.Tensor, b, t, h int) *tensor.Tensor {
	return y.Reshape(b, t, h, y.Size(-1)/h).Permute(0, 2, 1, 3)
}

// joinHeads turns [B, heads, T, dh] into [B, T, heads*dh].
func joinHeads(y *tensor.Tensor) *tensor.Tensor {
	s := y.Shape()
	return y.Permute(0, 2, 1, 3).Reshape(s[0], s[2], s[1]*s[3])
}
