package ae

import (
	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/train"
)

// Networks returns the encoder (flattened samples x [N, D] to codes [N,
// K]) and the decoder (codes to mean reconstructions [N, D]).
func (t *TrainedAE) Networks() []train.Network {
	enc := []nn.Child{{Name: "encoder", Module: t.Encoder}}
	if t.Code != nil {
		enc = append(enc, nn.Child{Module: t.Code})
	}
	return []train.Network{
		{Name: "encoder", In: "x", Out: "code", Input: []int{data.Features(t.Config.Shape)}, Layers: enc},
		{Name: "decoder", In: "code", Out: "reconstruction", Input: []int{t.Config.Latent}, Layers: []nn.Child{{Name: "decoder", Module: t.Decoder}, {Module: t.Likelihood.MeanLayer()}}},
	}
}

// Networks returns the decoder (latents z [N, K] to the means of p(y |
// z), [N, D]: a sampler given z drawn from N(0, I)) and the encoder
// (flattened samples x [N, D] to the posterior's mean and log-variance
// side by side, [N, 2K]).
func (t *TrainedVAE) Networks() []train.Network {
	return []train.Network{
		{Name: "decoder", In: "z", Out: "mean", Input: []int{t.Latent}, Layers: []nn.Child{{Name: "decoder", Module: t.Decoder}, {Module: t.Likelihood.MeanLayer()}}},
		{Name: "encoder", In: "x", Out: "posterior", Input: []int{data.Features(t.Config.Shape)}, Layers: []nn.Child{{Name: "encoder", Module: t.Encoder}}},
	}
}
