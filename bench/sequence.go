package bench

import (
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// reverser maps token sequences [B, T] to logits [B, T, vocab]: token
// embeddings plus learned positions, a post-norm nn.TransformerEncoder
// without a final norm, and a Linear read-out.
type reverser struct {
	embed *nn.Embedding
	pos   *nn.LearnedPositional
	enc   *nn.TransformerEncoder
	out   *nn.Linear
}

// Children returns embed, pos, enc and out.
func (r *reverser) Children() []nn.Child {
	return []nn.Child{{Name: "embed", Module: r.embed}, {Name: "pos", Module: r.pos}, {Name: "enc", Module: r.enc}, {Name: "out", Module: r.out}}
}

// Params returns the parameters of the children.
func (r *reverser) Params() []nn.Param { return nn.ChildParams(r.Children()) }

// Forward returns the logits of every position.
func (r *reverser) Forward(x *tensor.Tensor) *tensor.Tensor {
	return r.out.Forward(r.enc.Forward(r.pos.Forward(r.embed.Forward(x))))
}

// transformerReverseCase trains a two-layer encoder (Vaswani et al. 2017)
// to reverse random sequences of 16 tokens out of 10 under cross-entropy.
// It is built from nn layers here, as package attention's model uses
// fixed sinusoidal positions where the reference learns them.
func transformerReverseCase(*Data) *Case {
	const vocab, seq, dm, bsz = 10, 16, 64, 128
	rng := tensor.NewRNG(10)
	model := &reverser{
		embed: nn.NewEmbedding(rng, vocab, dm),
		pos:   nn.NewLearnedPositional(rng, seq, dm),
		enc:   nn.NewTransformerEncoder(rng, nn.TransformerConfig{DModel: dm, NHead: 4, DimFeedforward: 128}, 2, false),
		out:   nn.NewLinear(rng, dm, vocab, true),
	}
	nn.Normal(rng, model.pos.Weight, 0, 0.02)
	opt := newAdam(1e-3, 0.9, model)
	pairs := make([][2]*tensor.Tensor, 8)
	for i := range pairs {
		x, y := make([]float32, bsz*seq), make([]float32, bsz*seq)
		for j := range x {
			x[j] = float32(rng.IntN(vocab))
		}
		for b := range bsz {
			for t := range seq {
				y[b*seq+t] = x[b*seq+seq-1-t]
			}
		}
		pairs[i] = [2]*tensor.Tensor{tensor.New(x, bsz, seq), tensor.New(y, bsz*seq)}
	}
	next := cycle(pairs)
	step := func() float32 {
		p := next()
		return trainStep(opt, func() *tensor.Tensor {
			return nn.CrossEntropyLoss(model.Forward(p[0]).Reshape(bsz*seq, vocab), p[1])
		})
	}
	return &Case{
		Step: step, Work: bsz, Unit: "seqs/s",
		Extra: Record{
			{"model", "embedding 10->64 + learned positions, 2 post-norm encoder layers " +
				"(4 heads, ff 128 ReLU, dropout 0), linear 64->10; cross-entropy on the " +
				"reversed sequence; Adam lr 1e-3"},
			{"batch", bsz}, {"seq", seq}, {"params", nn.NumParams(model)},
		},
	}
}
