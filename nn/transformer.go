package nn

import (
	"fmt"
	"strconv"

	"github.com/gibbsml/gibbs/tensor"
)

// TransformerConfig sets up transformer layers as the arguments of PyTorch's
// nn.TransformerEncoderLayer and nn.TransformerDecoderLayer do, with
// batch_first=True: inputs are [B, T, DModel].
type TransformerConfig struct {
	DModel, NHead int
	// DimFeedforward is the hidden size of the feed-forward block; 0 means
	// PyTorch's default, 2048.
	DimFeedforward int
	// Dropout is the drop probability used after attention, inside and
	// after the feed-forward block and on the attention weights. Its zero
	// value means no dropout (PyTorch's default is 0.1).
	Dropout float32
	// Activation of the feed-forward block: "relu" (also when empty) or
	// "gelu".
	Activation string
	// NormFirst applies each LayerNorm before its sub-block (pre-norm)
	// instead of after the residual sum (post-norm, Vaswani et al. 2017).
	NormFirst bool
	// LayerNormEps is the LayerNorms' epsilon; 0 means 1e-5.
	LayerNormEps float32
}

// block holds what every transformer layer builds from a config.
type block struct {
	NormFirst  bool  // LayerNorm before each sub-block (pre-norm)
	Activation *Func // of the feed-forward block
}

func newBlock(op string, cfg TransformerConfig) block {
	b := block{NormFirst: cfg.NormFirst}
	switch cfg.Activation {
	case "", "relu":
		b.Activation = ReLU()
	case "gelu":
		b.Activation = GELU()
	default:
		panic(fmt.Sprintf("nn: %s: activation %q, want relu or gelu", op, cfg.Activation))
	}
	return b
}

func (cfg TransformerConfig) feedforward() int {
	if cfg.DimFeedforward == 0 {
		return 2048
	}
	return cfg.DimFeedforward
}

func (cfg TransformerConfig) layerNorm() *LayerNorm {
	n := NewLayerNorm(cfg.DModel)
	if cfg.LayerNormEps != 0 {
		n.Eps = cfg.LayerNormEps
	}
	return n
}

// residual returns x + drop(f(norm(x))) in pre-norm and norm(x + drop(f(x)))
// in post-norm.
func (b block) residual(norm *LayerNorm, drop *Dropout, x *tensor.Tensor, f func(*tensor.Tensor) *tensor.Tensor) *tensor.Tensor {
	if b.NormFirst {
		return x.Add(drop.Forward(f(norm.Forward(x))))
	}
	return norm.ForwardSum(x, drop.Forward(f(x)))
}

// feedForward returns linear2(drop(activation(linear1(x)))), with the
// activation applied by linear1's product where it can (ReLU): no pass of
// its own over the hidden values, nor a tensor for them before it.
func (b block) feedForward(linear1, linear2 *Linear, drop *Dropout, x *tensor.Tensor) *tensor.Tensor {
	h := linear1.forwardAct(x, b.Activation)
	if h == nil {
		h = b.Activation.Forward(linear1.Forward(x))
	}
	return linear2.Forward(drop.Forward(h))
}

// selfAttend returns the output of self-attention of x under mask.
func selfAttend(m *MultiHeadAttention, x *tensor.Tensor, mask AttentionMask) *tensor.Tensor {
	out, _ := m.Attend(x, x, x, mask, false)
	return out
}

// TransformerEncoderLayer is PyTorch's nn.TransformerEncoderLayer: self-
// attention then a position-wise feed-forward block, each inside a residual
// connection with a LayerNorm (Vaswani et al. 2017, section 3.1). Parameter
// names: self_attn.*, linear1.*, linear2.*, norm1.*, norm2.*.
type TransformerEncoderLayer struct {
	SelfAttn                    *MultiHeadAttention
	Linear1, Linear2            *Linear
	Norm1, Norm2                *LayerNorm
	Dropout, Dropout1, Dropout2 *Dropout
	block
}

// NewTransformerEncoderLayer returns an encoder layer initialised like
// PyTorch's. It panics on an unknown activation.
func NewTransformerEncoderLayer(rng *tensor.RNG, cfg TransformerConfig) *TransformerEncoderLayer {
	b := newBlock("NewTransformerEncoderLayer", cfg)
	return &TransformerEncoderLayer{
		SelfAttn: NewMultiHeadAttention(rng, cfg.DModel, cfg.NHead, cfg.Dropout, true),
		Linear1:  NewLinear(rng, cfg.DModel, cfg.feedforward(), true),
		Dropout:  NewDropout(rng, cfg.Dropout),
		Linear2:  NewLinear(rng, cfg.feedforward(), cfg.DModel, true),
		Norm1:    cfg.layerNorm(),
		Norm2:    cfg.layerNorm(),
		Dropout1: NewDropout(rng, cfg.Dropout),
		Dropout2: NewDropout(rng, cfg.Dropout),
		block:    b,
	}
}

// Children returns the sub-modules under PyTorch's names.
func (l *TransformerEncoderLayer) Children() []Child {
	return []Child{
		{"self_attn", l.SelfAttn}, {"linear1", l.Linear1}, {"dropout", l.Dropout}, {"linear2", l.Linear2},
		{"norm1", l.Norm1}, {"norm2", l.Norm2}, {"dropout1", l.Dropout1}, {"dropout2", l.Dropout2},
	}
}

// Params returns the parameters of the sub-modules, prefixed with their names.
func (l *TransformerEncoderLayer) Params() []Param { return ChildParams(l.Children()) }

// Forward encodes x [B, T, DModel] without masks.
func (l *TransformerEncoderLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	return l.Encode(x, AttentionMask{})
}

// Encode returns the layer's output for x [B, T, DModel], with the
// self-attention under mask (PyTorch's src_mask and src_key_padding_mask).
func (l *TransformerEncoderLayer) Encode(x *tensor.Tensor, mask AttentionMask) *tensor.Tensor {
	x = l.residual(l.Norm1, l.Dropout1, x, func(h *tensor.Tensor) *tensor.Tensor { return selfAttend(l.SelfAttn, h, mask) })
	return l.residual(l.Norm2, l.Dropout2, x, func(h *tensor.Tensor) *tensor.Tensor {
		return l.feedForward(l.Linear1, l.Linear2, l.Dropout, h)
	})
}

// TransformerDecoderLayer is PyTorch's nn.TransformerDecoderLayer:
// self-attention over the target, attention from the target to the
// encoder's output (the memory), then a feed-forward block, each inside a
// residual connection with a LayerNorm. Parameter names: self_attn.*,
// multihead_attn.*, linear1.*, linear2.*, norm1.*, norm2.*, norm3.*.
type TransformerDecoderLayer struct {
	SelfAttn, MultiheadAttn               *MultiHeadAttention
	Linear1, Linear2                      *Linear
	Norm1, Norm2, Norm3                   *LayerNorm
	Dropout, Dropout1, Dropout2, Dropout3 *Dropout
	block
}

// NewTransformerDecoderLayer returns a decoder layer initialised like
// PyTorch's. It panics on an unknown activation.
func NewTransformerDecoderLayer(rng *tensor.RNG, cfg TransformerConfig) *TransformerDecoderLayer {
	b := newBlock("NewTransformerDecoderLayer", cfg)
	return &TransformerDecoderLayer{
		SelfAttn:      NewMultiHeadAttention(rng, cfg.DModel, cfg.NHead, cfg.Dropout, true),
		MultiheadAttn: NewMultiHeadAttention(rng, cfg.DModel, cfg.NHead, cfg.Dropout, true),
		Linear1:       NewLinear(rng, cfg.DModel, cfg.feedforward(), true),
		Dropout:       NewDropout(rng, cfg.Dropout),
		Linear2:       NewLinear(rng, cfg.feedforward(), cfg.DModel, true),
		Norm1:         cfg.layerNorm(),
		Norm2:         cfg.layerNorm(),
		Norm3:         cfg.layerNorm(),
		Dropout1:      NewDropout(rng, cfg.Dropout),
		Dropout2:      NewDropout(rng, cfg.Dropout),
		Dropout3:      NewDropout(rng, cfg.Dropout),
		block:         b,
	}
}

// Children returns the sub-modules under PyTorch's names.
func (l *TransformerDecoderLayer) Children() []Child {
	return []Child{
		{"self_attn", l.SelfAttn}, {"multihead_attn", l.MultiheadAttn},
		{"linear1", l.Linear1}, {"dropout", l.Dropout}, {"linear2", l.Linear2},
		{"norm1", l.Norm1}, {"norm2", l.Norm2}, {"norm3", l.Norm3},
		{"dropout1", l.Dropout1}, {"dropout2", l.Dropout2}, {"dropout3", l.Dropout3},
	}
}

// Params returns the parameters of the sub-modules, prefixed with their names.
func (l *TransformerDecoderLayer) Params() []Param { return ChildParams(l.Children()) }

// Decode returns the layer's output for the target tgt [B, Tq, DModel]
// attending to memory [B, Tk, DModel]. tgtMask applies to the
// self-attention (set Causal for autoregressive decoding, as PyTorch's
// tgt_mask usually does) and memoryMask to the attention to the memory
// (PyTorch's memory_mask and memory_key_padding_mask).
func (l *TransformerDecoderLayer) Decode(tgt, memory *tensor.Tensor, tgtMask, memoryMask AttentionMask) *tensor.Tensor {
	x := l.residual(l.Norm1, l.Dropout1, tgt, func(h *tensor.Tensor) *tensor.Tensor { return selfAttend(l.SelfAttn, h, tgtMask) })
	x = l.residual(l.Norm2, l.Dropout2, x, func(h *tensor.Tensor) *tensor.Tensor {
		out, _ := l.MultiheadAttn.Attend(h, memory, memory, memoryMask, false)
		return out
	})
	return l.residual(l.Norm3, l.Dropout3, x, func(h *tensor.Tensor) *tensor.Tensor {
		return l.feedForward(l.Linear1, l.Linear2, l.Dropout, h)
	})
}

// stackChildren names layers "layers.0", "layers.1", ... and the final
// norm "norm", as PyTorch's nn.TransformerEncoder and nn.TransformerDecoder.
func stackChildren[L Module](layers []L, norm *LayerNorm) []Child {
	cs := make([]Child, 0, len(layers)+1)
	for i, l := range layers {
		cs = append(cs, Child{Name: "layers." + strconv.Itoa(i), Module: l})
	}
	if norm != nil {
		cs = append(cs, Child{Name: "norm", Module: norm})
	}
	return cs
}

// finalNorm returns norm(x), or x when norm is nil.
func finalNorm(norm *LayerNorm, x *tensor.Tensor) *tensor.Tensor {
	if norm == nil {
		return x
	}
	return norm.Forward(x)
}

// TransformerEncoder is PyTorch's nn.TransformerEncoder: encoder layers
// applied in turn, then an optional LayerNorm. Unlike PyTorch, whose layers
// start as copies of one layer, every layer gets its own initialisation.
type TransformerEncoder struct {
	Layers []*TransformerEncoderLayer
	Norm   *LayerNorm // nil without a final norm
	// Causal makes Forward mask causally, each position seeing itself
	// and those before it (a language model's encoder as a Layer).
	Causal bool
}

// NewTransformerEncoder returns numLayers encoder layers configured by cfg,
// followed by a LayerNorm when norm is set (usual with NormFirst).
func NewTransformerEncoder(rng *tensor.RNG, cfg TransformerConfig, numLayers int, norm bool) *TransformerEncoder {
	e := &TransformerEncoder{}
	for range numLayers {
		e.Layers = append(e.Layers, NewTransformerEncoderLayer(rng, cfg))
	}
	if norm {
		e.Norm = cfg.layerNorm()
	}
	return e
}

// Children returns "layers.0", "layers.1", ... and "norm".
func (e *TransformerEncoder) Children() []Child { return stackChildren(e.Layers, e.Norm) }

// Params returns the parameters of the layers and the final norm.
func (e *TransformerEncoder) Params() []Param { return ChildParams(e.Children()) }

// Forward encodes x [B, T, DModel], with the causal mask when Causal is
// set and none otherwise.
func (e *TransformerEncoder) Forward(x *tensor.Tensor) *tensor.Tensor {
	return e.Encode(x, AttentionMask{Causal: e.Causal})
}

// Encode passes x [B, T, DModel] through every layer with the same mask.
func (e *TransformerEncoder) Encode(x *tensor.Tensor, mask AttentionMask) *tensor.Tensor {
	for _, l := range e.Layers {
		x = l.Encode(x, mask)
	}
	return finalNorm(e.Norm, x)
}

// TransformerDecoder is PyTorch's nn.TransformerDecoder: decoder layers
// applied in turn, then an optional LayerNorm. As with TransformerEncoder,
// every layer gets its own initialisation.
type TransformerDecoder struct {
	Layers []*TransformerDecoderLayer
	Norm   *LayerNorm // nil without a final norm
}

// NewTransformerDecoder returns numLayers decoder layers configured by cfg,
// followed by a LayerNorm when norm is set.
func NewTransformerDecoder(rng *tensor.RNG, cfg TransformerConfig, numLayers int, norm bool) *TransformerDecoder {
	d := &TransformerDecoder{}
	for range numLayers {
		d.Layers = append(d.Layers, NewTransformerDecoderLayer(rng, cfg))
	}
	if norm {
		d.Norm = cfg.layerNorm()
	}
	return d
}

// Children returns "layers.0", "layers.1", ... and "norm".
func (d *TransformerDecoder) Children() []Child { return stackChildren(d.Layers, d.Norm) }

// Params returns the parameters of the layers and the final norm.
func (d *TransformerDecoder) Params() []Param { return ChildParams(d.Children()) }

// Decode passes tgt [B, Tq, DModel] through every layer, each attending to
// memory [B, Tk, DModel] under the same masks.
func (d *TransformerDecoder) Decode(tgt, memory *tensor.Tensor, tgtMask, memoryMask AttentionMask) *tensor.Tensor {
	for _, l := range d.Layers {
		tgt = l.Decode(tgt, memory, tgtMask, memoryMask)
	}
	return finalNorm(d.Norm, tgt)
}
