package gan

import (
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/train"
)

// Networks returns the generator samples come from (the moving average
// when there is one): noise z [N, Latent] to samples [N, D], images with
// values in [-1, 1] (pixels are (x + 1) / 2).
func (t *Trained) Networks() []train.Network {
	prefix := "generator"
	if t.Average != nil {
		prefix = "ema"
	}
	return []train.Network{{Name: "generator", In: "z", Out: "samples", Input: []int{t.Config.Latent},
		Layers: []nn.Child{{Name: prefix, Module: t.sampler()}}}}
}
