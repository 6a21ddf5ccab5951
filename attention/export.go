package attention

import (
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/train"
)

// Networks returns, for the tasks that keep the length (reverse, copy,
// sort), the encoder with its read-out: token ids [N, Length] (as float
// numbers, the way gibbs takes them) to the scores of every token at
// every position, logits [N, Length, Vocab]. Addition (an encoder-decoder
// decoded step by step) and text (causal masking) have none yet.
func (m *Transformer) Networks() []train.Network {
	if seq2seq(m.Config.Task) || m.Config.Task == "text" {
		return nil
	}
	return []train.Network{{
		Name: "encoder", In: "tokens", Out: "logits", Input: []int{m.Config.sourceLength()},
		Layers: []nn.Child{
			{Name: "embed", Module: m.Embed}, {Name: "positions", Module: &nn.LearnedPositional{Weight: m.pos}},
			{Name: "encoder", Module: m.Encoder}, {Name: "out", Module: m.Out},
		},
	}}
}
