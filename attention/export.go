package attention

import (
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/train"
)

// Networks returns, for the tasks that keep the length (reverse, copy,
// sort) and text, the encoder with its read-out: token ids [N, Length]
// (as float numbers, the way gibbs takes them) to the scores of every
// token at every position, logits [N, Length, Vocab]. For text the
// encoder is causal: the scores at position i, those of the character
// after it, depend on the ids up to i only, so a shorter context is
// padded at its end. Addition (an encoder-decoder decoded step by step)
// has none yet.
func (m *Transformer) Networks() []train.Network {
	if seq2seq(m.Config.Task) {
		return nil
	}
	enc := *m.Encoder
	enc.Causal = m.Config.Task == "text"
	return []train.Network{{
		Name: "encoder", In: "tokens", Out: "logits", Input: []int{m.Config.sourceLength()},
		Layers: []nn.Child{
			{Name: "embed", Module: m.Embed}, {Name: "positions", Module: &nn.LearnedPositional{Weight: m.pos}},
			{Name: "encoder", Module: &enc}, {Name: "out", Module: m.Out},
		},
	}}
}
