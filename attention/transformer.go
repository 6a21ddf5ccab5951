package attention

import (
	"fmt"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// Kind is the model kind of transformer runs in config.json.
const Kind = "transformer"

func init() { train.Register(Kind, open) }

// Transformer is an encoder-only transformer that reads a sequence of
// tokens and classifies every position: token embeddings plus sinusoidal
// positional encodings (Vaswani et al. 2017), nn.TransformerEncoder
// layers, and a linear read-out to the vocabulary. Parameter names:
// embed.weight, encoder.layers.N.*, out.weight, out.bias.
//
// A trained one, as train.Open gives it back, predicts sequences
// (Predict) and shows where each head looks (AttentionMaps).
type Transformer struct {
	Config  Config
	Embed   *nn.Embedding
	Encoder *nn.TransformerEncoder
	Out     *nn.Linear
	Step    int // training steps behind the weights (set by train.Open)
	pos     *tensor.Tensor
}

// NewTransformer builds the untrained model of cfg, which must be valid.
func NewTransformer(cfg Config) *Transformer {
	rng := tensor.NewRNG(cfg.Seed + 3)
	tc := nn.TransformerConfig{DModel: cfg.DModel, NHead: cfg.Heads, DimFeedforward: cfg.FF, NormFirst: cfg.NormFirst}
	return &Transformer{
		Config:  cfg,
		Embed:   nn.NewEmbedding(rng, cfg.Vocab, cfg.DModel),
		Encoder: nn.NewTransformerEncoder(rng, tc, cfg.Layers, cfg.NormFirst),
		Out:     nn.NewLinear(rng, cfg.DModel, cfg.Vocab, true),
		pos:     nn.SinusoidalEncoding(cfg.Length, cfg.DModel),
	}
}

// open rebuilds the trained model of a run from its config and weights.
func open(r *train.Run) (train.Model, error) {
	var cfg Config
	if err := r.Config(&cfg); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := NewTransformer(cfg)
	step, err := r.Load(train.Module("", m))
	if err != nil {
		return nil, err
	}
	m.Step = step
	return m, nil
}

// Kind returns "transformer".
func (m *Transformer) Kind() string { return Kind }

// Children returns embed, encoder and out.
func (m *Transformer) Children() []nn.Child {
	return []nn.Child{{Name: "embed", Module: m.Embed}, {Name: "encoder", Module: m.Encoder}, {Name: "out", Module: m.Out}}
}

// Params returns the parameters of the children.
func (m *Transformer) Params() []nn.Param { return nn.ChildParams(m.Children()) }

// embed returns the token embeddings plus positional encodings of ids
// [B, L].
func (m *Transformer) embed(ids *tensor.Tensor) *tensor.Tensor {
	if ids.Dim() != 2 || ids.Size(1) != m.Config.Length {
		panic(fmt.Sprintf("attention: Transformer: token ids of shape %v, want [B, %d]", ids.Shape(), m.Config.Length))
	}
	return m.Embed.Forward(ids).Add(m.pos)
}

// Logits returns the scores of every token at every position for the
// token ids [B, L]: shape [B, L, Vocab].
func (m *Transformer) Logits(ids *tensor.Tensor) *tensor.Tensor {
	return m.Out.Forward(m.Encoder.Forward(m.embed(ids)))
}

// Predict returns the most likely target sequence of each input sequence
// (Length tokens below Vocab each). It panics on sequences of another
// length or with tokens out of range.
func (m *Transformer) Predict(seqs [][]int) [][]int {
	logits := m.Logits(idTensor(seqs)).DetachRelease()
	best := logits.Argmax(-1).Data()
	out := make([][]int, len(seqs))
	l := m.Config.Length
	for i := range out {
		out[i] = make([]int, l)
		for j := range l {
			out[i][j] = int(best[i*l+j])
		}
	}
	return out
}

// AttentionMaps returns, for one input sequence, the attention weights of
// every layer and head: maps[layer][head] is [L, L], queries by keys.
func (m *Transformer) AttentionMaps(seq []int) [][]*tensor.Tensor {
	// Every intermediate is kept as values alone, cut from the graph.
	x := m.embed(idTensor([][]int{seq})).DetachRelease()
	var maps [][]*tensor.Tensor
	for _, l := range m.Encoder.Layers {
		h := x
		if m.Config.NormFirst {
			h = l.Norm1.Forward(x).DetachRelease()
		}
		maps = append(maps, headWeights(l.SelfAttn, h.Reshape(len(seq), m.Config.DModel)))
		x = l.Forward(x).DetachRelease()
	}
	return maps
}

// headWeights returns the attention weights of each head of a for the
// self-attention of x [L, E] (cut from the graph), each [L, L].
func headWeights(a *nn.MultiHeadAttention, x *tensor.Tensor) []*tensor.Tensor {
	e, nh := a.EmbedDim, a.NumHeads
	dh := e / nh
	project := func(i int) *tensor.Tensor {
		y := tensor.MatmulT(x, a.InProjWeight.Narrow(0, i*e, e), false, true)
		if a.InProjBias != nil {
			y = y.Add(a.InProjBias.Narrow(0, i*e, e))
		}
		return y.DetachRelease()
	}
	q, k := project(0), project(1)
	ws := make([]*tensor.Tensor, nh)
	for j := range nh {
		ws[j] = nn.AttentionWeights(q.Narrow(1, j*dh, dh), k.Narrow(1, j*dh, dh), nil)
	}
	return ws
}
