package nn

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// Attention (Vaswani et al. 2017, section 3.2) compares queries with keys
// and mixes the values with the resulting weights:
//
//	weights = softmax(q k^T / sqrt(d) + mask)    over the key axis
//	out     = weights v
//
// Masks are additive: a mask is added to the scaled scores before the
// softmax, so 0 keeps a position, -inf removes it and any finite value
// biases it. AdditiveMask turns a boolean mask (non-zero = ignore, as
// PyTorch's True) into this form and CausalMask builds the mask that hides
// the future. A query whose keys are all removed would give 0/0 in the
// softmax; such rows get all-zero weights (and so a zero output) instead of
// NaN, where PyTorch 1.13 returns NaN.

// negInf is the additive mask value that removes a position.
var negInf = float32(math.Inf(-1))

// AdditiveMask turns a mask whose non-zero entries mark positions to ignore
// into an additive mask of -inf (ignore) and 0 (keep) of the same shape.
func AdditiveMask(ignore *tensor.Tensor) *tensor.Tensor {
	out := tensor.Zeros(ignore.Shape()...)
	od := out.Values()
	for i, v := range ignore.Values() {
		if v != 0 {
			od[i] = negInf
		}
	}
	return out
}

// CausalMask returns the additive [tq, tk] mask that lets query i see keys
// 0..i only: entry (i, j) is -inf when j > i and 0 otherwise, like
// PyTorch's Transformer.generate_square_subsequent_mask.
func CausalMask(tq, tk int) *tensor.Tensor {
	out := tensor.Zeros(tq, tk)
	for i := 0; i < tq; i++ {
		for j := i + 1; j < tk; j++ {
			out.Set(negInf, i, j)
		}
	}
	return out
}

// AttentionWeights returns softmax(q k^T / sqrt(d) + mask) along the last
// axis for q of shape [..., Tq, d] and k of shape [..., Tk, d] (the leading
// axes broadcast): one row of weights over the keys per query, of shape
// [..., Tq, Tk]. mask is additive and may be nil; it must broadcast to the
// scores without enlarging them. Rows whose keys are all masked are zero.
func AttentionWeights(q, k, mask *tensor.Tensor) *tensor.Tensor {
	scores := maskedScores("AttentionWeights", q, k, mask)
	var dead *tensor.Tensor
	if mask != nil {
		dead = deadRows(scores)
	}
	if dead == nil {
		return scores.Softmax(-1)
	}
	zero := tensor.Scalar(0)
	return tensor.Where(dead, zero, tensor.Where(dead, zero, scores).Softmax(-1))
}

// ScaledDotProductAttention returns softmax(q k^T / sqrt(d) + mask) v and the
// weights, for q [..., Tq, d], k [..., Tk, d] and v [..., Tk, dv]: out has
// shape [..., Tq, dv] and weights [..., Tq, Tk]. mask is additive (see
// AdditiveMask, CausalMask) and may be nil. Both results are differentiable
// with respect to q, k and v, to any order.
func ScaledDotProductAttention(q, k, v, mask *tensor.Tensor) (out, weights *tensor.Tensor) {
	checkValues("ScaledDotProductAttention", k, v)
	weights = AttentionWeights(q, k, mask)
	return weights.Matmul(v), weights
}

// HardAttention is attention that attends to one key per query: the weights
// are the one-hot vector of the largest masked score (the first one on
// ties), so out picks a row of v. Shapes and masks are as in
// ScaledDotProductAttention; a query whose keys are all masked gets zero
// weights. The selection is not differentiable: gradients reach v through
// the chosen rows, while q and k get none.
func HardAttention(q, k, v, mask *tensor.Tensor) (out, weights *tensor.Tensor) {
	checkValues("HardAttention", k, v)
	scores := maskedScores("HardAttention", q.Detach(), k.Detach(), mask)
	tk := scores.Size(-1)
	weights = tensor.ZerosLike(scores)
	w, s := weights.Values(), scores.Values()
	for row := 0; row < len(s)/max(tk, 1); row++ {
		best := -1
		for j := 0; j < tk; j++ {
			sc := s[row*tk+j]
			if sc != negInf && (best < 0 || sc > s[row*tk+best]) {
				best = j
			}
		}
		if best >= 0 {
			w[row*tk+best] = 1
		}
	}
	return weights.Matmul(v), weights
}

// maskedScores returns q k^T / sqrt(d) + mask, scaling q first as PyTorch
// does.
func maskedScores(op string, q, k, mask *tensor.Tensor) *tensor.Tensor {
	if q.Dim() < 2 || k.Dim() < 2 || q.Size(-1) != k.Size(-1) {
		panic(fmt.Sprintf("nn: %s: queries %v and keys %v, want [..., Tq, d] and [..., Tk, d]", op, q.Shape(), k.Shape()))
	}
	scale := float32(1 / math.Sqrt(float64(q.Size(-1))))
	scores := tensor.MatmulT(q.MulScalar(scale), k, false, true)
	if mask == nil {
		return scores
	}
	checkMask(op, mask, scores.Shape())
	return scores.Add(mask)
}

// checkValues panics unless k [..., Tk, d] and v [..., Tk, dv] have the same
// number of rows.
func checkValues(op string, k, v *tensor.Tensor) {
	if v.Dim() < 2 || k.Dim() < 2 || v.Size(-2) != k.Size(-2) {
		panic(fmt.Sprintf("nn: %s: keys %v and values %v, want [..., Tk, d] and [..., Tk, dv]", op, k.Shape(), v.Shape()))
	}
}

// checkMask panics unless mask broadcasts to shape without enlarging it.
func checkMask(op string, mask *tensor.Tensor, shape []int) {
	ms := mask.Shape()
	ok := len(ms) <= len(shape)
	for i := 1; ok && i <= len(ms); i++ {
		d := ms[len(ms)-i]
		ok = d == 1 || d == shape[len(shape)-i]
	}
	if !ok {
		panic(fmt.Sprintf("nn: %s: mask shape %v does not broadcast to the scores' shape %v", op, ms, shape))
	}
}

// deadRows returns a [..., Tq, 1] tensor that is 1 on the rows of scores
// whose entries are all -inf and 0 elsewhere, or nil when there are none.
func deadRows(scores *tensor.Tensor) *tensor.Tensor {
	shape := scores.Shape()
	tk := shape[len(shape)-1]
	shape[len(shape)-1] = 1
	dead := tensor.Zeros(shape...)
	found := false
	s, d := scores.Values(), dead.Values()
	for row := range d {
		all := true
		for _, v := range s[row*tk : (row+1)*tk] {
			if v != negInf {
				all = false
				break
			}
		}
		if all {
			d[row] = 1
			found = true
		}
	}
	if !found {
		return nil
	}
	return dead
}

// AttentionMask says which keys each query may not see. All fields are
// optional and combine (a key is hidden when any of them hides it).
type AttentionMask struct {
	// KeyPadding has shape [B, Tk]; a non-zero entry marks a key to ignore
	// for every query of that sequence (padding), like PyTorch's
	// key_padding_mask with True = ignore.
	KeyPadding *tensor.Tensor
	// Attn is an additive mask broadcast to [B, heads, Tq, Tk]: usually
	// [Tq, Tk]. Build it with AdditiveMask or CausalMask.
	Attn *tensor.Tensor
	// Causal hides key j from query i when j > i.
	Causal bool
}

// additive returns the sum of the masks as one additive mask that
// broadcasts to [b, h, tq, tk], or nil when nothing is masked.
func (am AttentionMask) additive(op string, b, h, tq, tk int) *tensor.Tensor {
	var mask *tensor.Tensor
	add := func(m *tensor.Tensor) {
		if mask == nil {
			mask = m
		} else {
			mask = mask.Add(m)
		}
	}
	if am.Causal {
		add(CausalMask(tq, tk))
	}
	if am.Attn != nil {
		checkMask(op, am.Attn, []int{b, h, tq, tk})
		add(am.Attn)
	}
	if kp := am.KeyPadding; kp != nil {
		if kp.Dim() != 2 || kp.Size(0) != b || kp.Size(1) != tk {
			panic(fmt.Sprintf("nn: %s: key padding mask shape %v, want [%d, %d]", op, kp.Shape(), b, tk))
		}
		add(AdditiveMask(kp).Reshape(b, 1, 1, tk))
	}
	return mask
}

// MultiHeadAttention is PyTorch's nn.MultiheadAttention with batch_first=True
// and equal query, key and value sizes: the inputs are projected to
// NumHeads heads of EmbedDim/NumHeads values each, every head attends on its
// own, and the heads are joined and projected back (Vaswani et al. 2017,
// section 3.2.2). The parameters carry PyTorch's names: in_proj_weight
// [3E, E] stacks the query, key and value projections, in_proj_bias [3E],
// out_proj.weight [E, E] and out_proj.bias [E]. In training, Dropout drops
// attention weights before they mix the values.
type MultiHeadAttention struct {
	EmbedDim, NumHeads int
	InProjWeight       *tensor.Tensor // [3E, E]
	InProjBias         *tensor.Tensor // [3E], nil without biases
	OutProj            *Linear
	Dropout            *Dropout
}

// NewMultiHeadAttention returns multi-head attention initialised like
// PyTorch's: in_proj_weight Xavier-uniform, out_proj.weight as a Linear
// layer's, biases zero. embedDim must be a multiple of numHeads; dropout is
// the probability of dropping an attention weight in training.
func NewMultiHeadAttention(rng *tensor.RNG, embedDim, numHeads int, dropout float32, bias bool) *MultiHeadAttention {
	if numHeads <= 0 || embedDim <= 0 || embedDim%numHeads != 0 {
		panic(fmt.Sprintf("nn: NewMultiHeadAttention: embedding size %d is not a positive multiple of %d heads", embedDim, numHeads))
	}
	m := &MultiHeadAttention{
		EmbedDim: embedDim, NumHeads: numHeads,
		OutProj: NewLinear(rng, embedDim, embedDim, bias),
		Dropout: NewDropout(rng, dropout),
	}
	m.InProjWeight = XavierUniform(rng, param(3*embedDim, embedDim), 1)
	if bias {
		m.InProjBias = param(3 * embedDim)
		Zeros(m.OutProj.Bias)
	}
	return m
}

// Children returns out_proj and the (parameterless) dropout.
func (m *MultiHeadAttention) Children() []Child {
	return []Child{{"out_proj", m.OutProj}, {"dropout", m.Dropout}}
}

// Params returns in_proj_weight, in_proj_bias (with biases) and out_proj's.
func (m *MultiHeadAttention) Params() []Param {
	ps := []Param{{"in_proj_weight", m.InProjWeight}}
	if m.InProjBias != nil {
		ps = append(ps, Param{"in_proj_bias", m.InProjBias})
	}
	return append(ps, ChildParams(m.Children())...)
}

// Forward is unmasked self-attention of x [B, T, E].
func (m *MultiHeadAttention) Forward(x *tensor.Tensor) *tensor.Tensor {
	out, _ := m.Attend(x, x, x, AttentionMask{}, false)
	return out
}

// Attend lets query [B, Tq, E] attend to key [B, Tk, E] and value
// [B, Tk, E] under mask and returns the output [B, Tq, E]. With
// needWeights it also returns the attention weights averaged over the heads,
// [B, Tq, Tk], as PyTorch does by default (after dropout in training, as
// PyTorch's); otherwise weights is nil.
func (m *MultiHeadAttention) Attend(query, key, value *tensor.Tensor, mask AttentionMask, needWeights bool) (out, weights *tensor.Tensor) {
	e, h := m.EmbedDim, m.NumHeads
	qs, ks, vs := query.Shape(), key.Shape(), value.Shape()
	if len(qs) != 3 || len(ks) != 3 || len(vs) != 3 || qs[2] != e || ks[2] != e || vs[2] != e ||
		ks[0] != qs[0] || vs[0] != qs[0] || vs[1] != ks[1] {
		panic(fmt.Sprintf("nn: MultiHeadAttention: query %v, key %v, value %v, want [B, Tq, %d], [B, Tk, %d], [B, Tk, %d]", qs, ks, vs, e, e, e))
	}
	b, tq, tk := qs[0], qs[1], ks[1]
	fusable := mask.Attn == nil && mask.KeyPadding == nil && !needWeights && !m.Dropout.active()
	switch {
	case fusable && query == key && key == value:
		// Self-attention, unmasked or causal: one input projection,
		// heads in place.
		y := affine(query.Reshape(b*tq, e), m.InProjWeight, m.InProjBias)
		return m.OutProj.Forward(selfAttentionHeads(y, b, tq, h, mask.Causal)), nil
	case fusable && key == value:
		// Attention to a memory: the query's projection and one of the
		// memory's keys and values, heads in place.
		wq, bq := m.inProj(0, 1)
		wkv, bkv := m.inProj(1, 2)
		q := affine(query.Reshape(b*tq, e), wq, bq)
		kv := affine(key.Reshape(b*tk, e), wkv, bkv)
		return m.OutProj.Forward(crossAttentionHeads(q, kv, b, tq, tk, h, mask.Causal)), nil
	}
	additive := mask.additive("MultiHeadAttention", b, h, tq, tk)
	q, k, v := m.project(query, 0), m.project(key, 1), m.project(value, 2)
	w := m.Dropout.Forward(AttentionWeights(q, k, additive))
	out = m.OutProj.Forward(joinHeads(w.Matmul(v)))
	if needWeights {
		weights = w.Mean(1)
	}
	return out, weights
}

// project applies the i-th input projection (0 query, 1 key, 2 value) to x
// [B, T, E] and splits the heads: [B, heads, T, E/heads].
func (m *MultiHeadAttention) project(x *tensor.Tensor, i int) *tensor.Tensor {
	b, t := x.Size(0), x.Size(1)
	w, bias := m.inProj(i, 1)
	return splitHeads(affine(x.Reshape(b*t, m.EmbedDim), w, bias), b, t, m.NumHeads)
}

// inProj returns n input projections from the i-th on (0 query, 1 key, 2
// value) stacked: the weight [n*E, E] and the bias [n*E] (nil without
// biases).
func (m *MultiHeadAttention) inProj(i, n int) (w, b *tensor.Tensor) {
	e := m.EmbedDim
	w = m.InProjWeight.Narrow(0, i*e, n*e)
	if m.InProjBias != nil {
		b = m.InProjBias.Narrow(0, i*e, n*e)
	}
	return w, b
}
