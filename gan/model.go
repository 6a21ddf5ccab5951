package gan

import (
	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// GAN is a generator and a discriminator of one config, with the moving
// average of the generator's weights when the config keeps one.
type GAN struct {
	Config        Config
	Generator     *nn.Sequential
	Discriminator Discriminator
	// Average is the generator whose weights are the moving average of
	// Generator's (EMA); nil when Config.EMA is 0.
	Average *nn.Sequential
}

// New returns the untrained GAN of a resolved, valid config, initialised
// from its seed.
func New(c Config) *GAN {
	rng := tensor.NewRNG(c.Seed)
	g := &GAN{Config: c, Generator: NewGenerator(c, rng), Discriminator: NewDiscriminator(c, rng)}
	if c.EMA > 0 {
		g.Average = NewGenerator(c, tensor.NewRNG(c.Seed))
		nn.SetTraining(g.Average, false)
	}
	g.training(false)
	return g
}

// training switches the generator and the discriminator between training
// and evaluation behaviour (BatchNorm's batch or running statistics). A
// GAN's networks are in evaluation mode but inside a training step, so
// that a trained model is only read when it generates or scores, from
// any number of goroutines.
func (g *GAN) training(on bool) {
	nn.SetTraining(g.Generator, on)
	nn.SetTraining(g.Discriminator, on)
}

// sampler is the generator samples come from: the average when there is
// one.
func (g *GAN) sampler() *nn.Sequential {
	if g.Average != nil {
		return g.Average
	}
	return g.Generator
}

// Generate returns the samples of the noise z ([N, Latent]) in the data's
// space, [N, D] (images with pixels in [0, 1]), drawn with the sampling
// generator in evaluation mode (BatchNorm on its running statistics) and
// carrying no gradient.
func (g *GAN) Generate(z *tensor.Tensor) *tensor.Tensor {
	out := g.sampler().Forward(z).DetachRelease()
	if data.IsImage(g.Config.Shape) {
		out = toPixels(out)
	}
	return out
}

// Sample draws n samples from noise z ~ N(0, I); see Generate.
func (g *GAN) Sample(n int, rng *tensor.RNG) *tensor.Tensor {
	return g.Generate(tensor.Randn(rng, n, g.Config.Latent))
}

// PointScores returns the discriminator's score of each sample of x
// ([N, D], in the data's space), the sample repeated Pack times when the
// discriminator judges packs, carrying no gradient.
func (g *GAN) PointScores(x *tensor.Tensor) *tensor.Tensor {
	if data.IsImage(g.Config.Shape) {
		x = fromPixels(x)
	}
	if m := g.Config.Pack; m > 1 {
		copies := make([]*tensor.Tensor, m)
		for i := range copies {
			copies[i] = x
		}
		x = tensor.Concat(1, copies...)
	}
	return g.Discriminator.Score(x).DetachRelease()
}

// fromPixels maps pixels in [0, 1] to the generator's range [-1, 1];
// toPixels maps back.
func fromPixels(x *tensor.Tensor) *tensor.Tensor { return x.MulScalar(2).AddScalar(-1) }

func toPixels(x *tensor.Tensor) *tensor.Tensor { return x.AddScalar(1).MulScalar(0.5) }
