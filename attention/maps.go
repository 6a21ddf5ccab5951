package attention

import (
	"fmt"
	"image"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/viz"
)

// AttentionMap is where one head of one attention block looks for one
// input: Weights [len(Queries), len(Keys)], a row per query.
type AttentionMap struct {
	Block         string // "encoder layer 1", "decoder layer 1 self", "decoder layer 1 cross"
	Head          int    // from 1
	Queries, Keys []int  // the tokens at the queries' and keys' positions
	Weights       *tensor.Tensor
}

// AttentionMaps returns the attention maps of every layer and head for one
// input sequence: the encoder's self-attention, and for addition the
// decoder's self-attention and its attention to the encoder's output while
// it reads the start token and the predicted answer. The weights are
// values cut from any graph.
func (m *Transformer) AttentionMaps(seq []int) []AttentionMap {
	var maps []AttentionMap
	add := func(block string, queries, keys []int, ws []*tensor.Tensor) {
		for h, w := range ws {
			maps = append(maps, AttentionMap{Block: block, Head: h + 1, Queries: queries, Keys: keys, Weights: w})
		}
	}
	nf := m.Config.NormFirst
	var mask *tensor.Tensor
	encMask := nn.AttentionMask{Causal: m.Config.Task == "text"}
	if encMask.Causal {
		mask = nn.CausalMask(len(seq), len(seq))
	}
	x := m.embed(idTensor([][]int{seq})).DetachRelease()
	for i, l := range m.Encoder.Layers {
		h := prenorm(nf, l.Norm1, x)
		add(fmt.Sprintf("encoder layer %d", i+1), seq, seq, headWeights(l.SelfAttn, h, h, mask))
		x = l.Encode(x, encMask).DetachRelease()
	}
	if m.Decoder == nil {
		return maps
	}
	memory := x
	if m.Encoder.Norm != nil {
		memory = m.Encoder.Norm.Forward(x).DetachRelease()
	}
	answer := append([]int{startToken(m.Config.Vocab)}, m.Predict([][]int{seq})[0]...)
	answer = answer[:len(answer)-1]
	y := m.embed(idTensor([][]int{answer})).DetachRelease()
	causal := nn.CausalMask(len(answer), len(answer))
	for i, l := range m.Decoder.Layers {
		h := prenorm(nf, l.Norm1, y)
		add(fmt.Sprintf("decoder layer %d self", i+1), answer, answer, headWeights(l.SelfAttn, h, h, causal))
		// The input of the attention to the memory: the self-attention
		// block's output, as TransformerDecoderLayer computes it.
		sa, _ := l.SelfAttn.Attend(h, h, h, nn.AttentionMask{Causal: true}, false)
		y1 := y.Add(sa)
		if !nf {
			y1 = l.Norm1.Forward(y1)
		}
		y1 = y1.DetachRelease()
		add(fmt.Sprintf("decoder layer %d cross", i+1), answer, seq, headWeights(l.MultiheadAttn, prenorm(nf, l.Norm2, y1), memory, nil))
		y = l.Decode(y, memory, nn.AttentionMask{Causal: true}, nn.AttentionMask{}).DetachRelease()
	}
	return maps
}

// prenorm returns norm(x) in pre-norm layers and x otherwise, cut from
// the graph.
func prenorm(normFirst bool, norm *nn.LayerNorm, x *tensor.Tensor) *tensor.Tensor {
	if !normFirst {
		return x
	}
	return norm.Forward(x).DetachRelease()
}

// headWeights returns the attention weights of each head of a for queries
// from xq [1, Tq, E] and keys from xk [1, Tk, E] (both cut from the graph)
// under the additive mask (nil for none), each [Tq, Tk].
func headWeights(a *nn.MultiHeadAttention, xq, xk, mask *tensor.Tensor) []*tensor.Tensor {
	e, nh := a.EmbedDim, a.NumHeads
	dh := e / nh
	project := func(x *tensor.Tensor, i int) *tensor.Tensor {
		y := tensor.MatmulT(x.Reshape(x.Size(1), e), a.InProjWeight.Narrow(0, i*e, e), false, true)
		if a.InProjBias != nil {
			y = y.Add(a.InProjBias.Narrow(0, i*e, e))
		}
		return y.DetachRelease()
	}
	q, k := project(xq, 0), project(xk, 1)
	ws := make([]*tensor.Tensor, nh)
	for j := range nh {
		ws[j] = nn.AttentionWeights(q.Narrow(1, j*dh, dh), k.Narrow(1, j*dh, dh), mask)
	}
	return ws
}

// AttentionPicture draws the attention maps of one input sequence
// (AttentionMaps), a row of heads per block: queries down, keys across,
// each labelled with its token.
func (m *Transformer) AttentionPicture(seq []int) image.Image {
	labels := func(tokens []int) []string {
		out := make([]string, len(tokens))
		for i, t := range tokens {
			out[i] = m.Config.tokenLabel(t)
		}
		return out
	}
	// Cells of 16 pixels, smaller for long sequences down to the 8 a
	// label needs.
	cell := max(8, min(16, 512/len(seq)))
	var pics []image.Image
	for _, am := range m.AttentionMaps(seq) {
		matrix := viz.MatrixPlot{Values: am.Weights, RowLabels: labels(am.Queries), ColLabels: labels(am.Keys), Cell: cell, Lo: 0, Hi: 1}
		pics = append(pics, viz.Annotate(matrix.Render(), viz.Labels{
			Title:  fmt.Sprintf("%s: %s, head %d", m.Config.Task, am.Block, am.Head),
			XLabel: "keys", YLabel: "queries",
		}))
	}
	return viz.Tile(pics, m.Config.Heads)
}
