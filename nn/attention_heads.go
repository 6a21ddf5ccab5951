package nn

import (
	"cmp"
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
// own.
func selfAttentionHeads(qkv *tensor.Tensor, b, t, h int, causal bool) *tensor.Tensor {
	e := qkv.Size(1) / 3
	return attentionHeads("SelfAttentionHeads", []*tensor.Tensor{qkv}, newHeads(b, t, 0, h, e, causal), func() *tensor.Tensor {
		part := func(i int) *tensor.Tensor { return qkv.Narrow(1, i*e, e) }
		return headsRef(part(0), part(1), part(2), b, t, t, h, causal)
	})
}

// crossAttentionHeads is selfAttentionHeads for queries attending to
// other keys: q [B*Tq, E] holds the projected queries and kv [B*Tk, 2E]
// the projected keys and values side by side (kernel.Attention).
func crossAttentionHeads(q, kv *tensor.Tensor, b, tq, tk, h int, causal bool) *tensor.Tensor {
	e := q.Size(1)
	return attentionHeads("AttentionHeads", []*tensor.Tensor{q, kv}, newHeads(b, tq, tk, h, e, causal), func() *tensor.Tensor {
		return headsRef(q, kv.Narrow(1, 0, e), kv.Narrow(1, e, e), b, tq, tk, h, causal)
	})
}

// newHeads describes h heads over e features for kernel.Attention.
func newHeads(b, tq, tk, h, e int, causal bool) kernel.Heads {
	return kernel.Heads{Batch: b, T: tq, Keys: tk, Heads: h, Dim: e / h, Causal: causal, Scale: float32(1 / math.Sqrt(float64(e/h)))}
}

// attentionHeads records the attention of the projections in (qkv, or q
// and kv) as the operation name, with a dedicated loop for the first
// derivatives; the gradients of gradients differentiate ref. The
// attention weights, which the backward pass reads, go back to the buffer
// pool with the graph.
func attentionHeads(name string, in []*tensor.Tensor, heads kernel.Heads, ref func() *tensor.Tensor) *tensor.Tensor {
	wt := tensor.Empty(heads.Batch, heads.Heads, heads.T, cmp.Or(heads.Keys, heads.T))
	out := tensor.Empty(heads.Batch, heads.T, heads.Heads*heads.Dim)
	o, w := out.Values(), wt.Values()
	if len(in) == 1 {
		kernel.SelfAttention(o, w, in[0].Values(), heads)
	} else {
		kernel.Attention(o, w, in[0].Values(), in[1].Values(), heads)
	}
	fast := func(bp *tensor.Backprop) []*tensor.Tensor {
		g := bp.Grad.Values()
		grads := make([]*tensor.Tensor, len(in))
		for i, x := range in {
			grads[i] = tensor.Empty(x.Shape()...)
		}
		if len(in) == 1 {
			kernel.SelfAttentionGrad(grads[0].Values(), g, w, in[0].Values(), heads)
		} else {
			kernel.AttentionGrad(grads[0].Values(), grads[1].Values(), g, w, in[0].Values(), in[1].Values(), heads)
		}
		return grads
	}
	return fused(name, out, in, fast, ref).Adopt(wt)
}

// headsRef is attentionHeads written with differentiable operations, for
// the projected queries q [B*Tq, E], keys k and values v [B*Tk, E].
func headsRef(q, k, v *tensor.Tensor, b, tq, tk, h int, causal bool) *tensor.Tensor {
	var mask *tensor.Tensor
	if causal {
		mask = CausalMask(tq, tk)
	}
	return joinHeads(AttentionWeights(splitHeads(q, b, tq, h), splitHeads(k, b, tk, h), mask).Matmul(splitHeads(v, b, tk, h)))
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
