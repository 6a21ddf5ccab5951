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

// Transformer is the model of a sequence task: token embeddings plus
// sinusoidal positional encodings (Vaswani et al. 2017), nn.TransformerEncoder
// layers and a linear read-out to the vocabulary. For the tasks that keep
// the length (reverse, copy, sort) the encoder alone classifies every
// position; for addition an nn.TransformerDecoder, attending causally to
// the answer so far and to the encoded question, writes the answer one
// token at a time (greedy decoding), from a start token. Encoder and
// decoder share the embedding. Parameter names: embed.weight,
// encoder.layers.N.*, decoder.layers.N.* (addition), out.weight, out.bias.
//
// A trained one, as train.Open gives it back, predicts sequences
// (Predict) and shows where each head looks (AttentionMaps).
type Transformer struct {
	Config  Config
	Embed   *nn.Embedding
	Encoder *nn.TransformerEncoder
	Decoder *nn.TransformerDecoder // nil for the tasks that keep the length
	Out     *nn.Linear
	Step    int // training steps behind the weights (set by train.Open)
	pos     *tensor.Tensor
}

// NewTransformer builds the untrained model of cfg, which must be valid.
func NewTransformer(cfg Config) *Transformer {
	rng := tensor.NewRNG(cfg.Seed + 3)
	tc := nn.TransformerConfig{DModel: cfg.DModel, NHead: cfg.Heads, DimFeedforward: cfg.FF, NormFirst: cfg.NormFirst}
	tokens := cfg.Vocab
	if seq2seq(cfg.Task) {
		tokens += 2 // plus and start
	}
	m := &Transformer{
		Config:  cfg,
		Embed:   nn.NewEmbedding(rng, tokens, cfg.DModel),
		Encoder: nn.NewTransformerEncoder(rng, tc, cfg.Layers, cfg.NormFirst),
		pos:     nn.SinusoidalEncoding(max(cfg.sourceLength(), cfg.targetLength()), cfg.DModel),
	}
	if seq2seq(cfg.Task) {
		m.Decoder = nn.NewTransformerDecoder(rng, tc, cfg.Layers, cfg.NormFirst)
	}
	m.Out = nn.NewLinear(rng, cfg.DModel, cfg.Vocab, true)
	return m
}

// open rebuilds the trained model of a run from its config and weights.
func open(r *train.Run) (train.Model, error) {
	var cfg Config
	if err := r.Config(&cfg); err != nil {
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

// Children returns embed, encoder, decoder (addition) and out.
func (m *Transformer) Children() []nn.Child {
	cs := []nn.Child{{Name: "embed", Module: m.Embed}, {Name: "encoder", Module: m.Encoder}}
	if m.Decoder != nil {
		cs = append(cs, nn.Child{Name: "decoder", Module: m.Decoder})
	}
	return append(cs, nn.Child{Name: "out", Module: m.Out})
}

// Params returns the parameters of the children.
func (m *Transformer) Params() []nn.Param { return nn.ChildParams(m.Children()) }

// embed returns the token embeddings plus positional encodings of ids
// [B, L], L at most the longest sequence of the task.
func (m *Transformer) embed(ids *tensor.Tensor) *tensor.Tensor {
	if ids.Dim() != 2 || ids.Size(1) > m.pos.Size(0) {
		panic(fmt.Sprintf("attention: Transformer: token ids of shape %v, want [B, L <= %d]", ids.Shape(), m.pos.Size(0)))
	}
	return m.Embed.Forward(ids).Add(m.pos.Narrow(0, 0, ids.Size(1)))
}

// encode returns the encoder's output for src [B, sourceLength] (for
// text, [B, L <= Length], each position seeing itself and those before).
func (m *Transformer) encode(src *tensor.Tensor) *tensor.Tensor {
	text := m.Config.Task == "text"
	if src.Dim() != 2 || src.Size(1) != m.Config.sourceLength() && !(text && src.Size(1) <= m.Config.Length) {
		panic(fmt.Sprintf("attention: Transformer: source of shape %v, want [B, %d]", src.Shape(), m.Config.sourceLength()))
	}
	return m.Encoder.Encode(m.embed(src), nn.AttentionMask{Causal: text})
}

// decode returns the decoder's output for the answer so far tgtIn [B, T]
// (beginning with the start token), each position seeing itself and those
// before it, attending to memory, the encoded source.
func (m *Transformer) decode(tgtIn, memory *tensor.Tensor) *tensor.Tensor {
	return m.Decoder.Decode(m.embed(tgtIn), memory, nn.AttentionMask{Causal: true}, nn.AttentionMask{})
}

// Logits returns the scores of every token at every target position:
// for the tasks that keep the length, of src [B, L] alone ([B, L,
// Vocab], tgtIn nil); for addition, of the answer's next tokens given src
// and the answer so far tgtIn [B, T] that starts with the start token
// ([B, T, Vocab], teacher forcing in training).
func (m *Transformer) Logits(src, tgtIn *tensor.Tensor) *tensor.Tensor {
	h := m.encode(src)
	if m.Decoder != nil {
		h = m.decode(tgtIn, h)
	}
	return m.Out.Forward(h)
}

// Predict returns the most likely answer to each input sequence of the
// task (see Tasks); addition is decoded greedily, one digit at a time. It
// panics on sequences of another length or with tokens out of range.
func (m *Transformer) Predict(seqs [][]int) [][]int {
	src := idTensor(seqs)
	if m.Decoder == nil {
		return argmaxRows(m.Logits(src, nil).DetachRelease(), len(seqs))
	}
	memory := m.encode(src).DetachRelease()
	answer := make([][]int, len(seqs))
	for i := range answer {
		answer[i] = []int{startToken(m.Config.Vocab)}
	}
	for range m.Config.targetLength() {
		logits := m.Out.Forward(m.decode(idTensor(answer), memory)).DetachRelease()
		t := logits.Size(1)
		next := argmaxRows(logits.Narrow(1, t-1, 1), len(seqs))
		for i := range answer {
			answer[i] = append(answer[i], next[i][0])
		}
	}
	for i := range answer {
		answer[i] = answer[i][1:]
	}
	return answer
}

// argmaxRows returns the best token of every position of logits [B, T, V].
func argmaxRows(logits *tensor.Tensor, b int) [][]int {
	best := logits.Argmax(-1).Data()
	t := len(best) / b
	out := make([][]int, b)
	for i := range out {
		out[i] = make([]int, t)
		for j := range t {
			out[i][j] = int(best[i*t+j])
		}
	}
	return out
}
