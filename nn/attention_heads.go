package nn

import (
	"math"

	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/tensor"
)

// selfAttentionHeads is the core of multi-head self-attention, unmasked
// or causal, as one operation. qkv [B*T, 3E] holds, row by row, the
// projected query, key and value of every position side by side; the
// result [B, T, E] holds the heads' outputs side by side, ready for the
// output projection. Each (sequence, head) pair is computed on its own
// while its scores are in cache, reading and writing its columns in place
// (kernel.SelfAttention), so no head is ever permuted into a tensor of its
// own. The gradients of gradients differentiate headsRef. The attention
// weights, which the backward pass reads, go back to the buffer pool with
// the graph.
func selfAttentionHeads(qkv *tensor.Tensor, b, t, h int, causal bool) *tensor.Tensor {
	e := qkv.Size(1) / 3
	heads := kernel.Heads{Batch: b, T: t, Heads: h, Dim: e / h, Causal: causal}
	heads.Scale = float32(1 / math.Sqrt(float64(heads.Dim)))
	x := qkv.Values()
	wt := tensor.Empty(b, h, t, t)
	out := tensor.Empty(b, t, e)
	kernel.SelfAttention(out.Values(), wt.Values(), x, heads)
	fast := func(bp *tensor.Backprop) []*tensor.Tensor {
		dqkv := tensor.Empty(b*t, 3*e)
		kernel.SelfAttentionGrad(dqkv.Values(), bp.Grad.Values(), wt.Values(), x, heads)
		return []*tensor.Tensor{dqkv}
	}
	ref := func() *tensor.Tensor { return headsRef(qkv, b, t, h, causal) }
	return fused("SelfAttentionHeads", out, []*tensor.Tensor{qkv}, fast, ref).Adopt(wt)
}

// headsRef is selfAttentionHeads written with differentiable operations.
func headsRef(qkv *tensor.Tensor, b, t, h int, causal bool) *tensor.Tensor {
	e := qkv.Size(1) / 3
	part := func(i int) *tensor.Tensor { return splitHeads(qkv.Narrow(1, i*e, e), b, t, h) }
	var mask *tensor.Tensor
	if causal {
		mask = CausalMask(t, t)
	}
	return joinHeads(AttentionWeights(part(0), part(1), mask).Matmul(part(2)))
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
