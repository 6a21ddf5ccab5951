package ae

import (
	"fmt"
	"image"

	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

func init() {
	train.Register(KindAE, openAE)
	train.Register(KindVAE, openVAE)
}

// TrainedAE is the autoencoder of a run of kind "ae", as train.Open gives
// it back: an energy.Model (the reconstruction energy) with its config.
type TrainedAE struct {
	*AE
	Config AEConfig
	Step   int // training steps behind the weights
}

// Kind returns "ae".
func (*TrainedAE) Kind() string { return KindAE }

// InputShape returns the shape of one sample of the run's data.
func (t *TrainedAE) InputShape() []int { return t.Config.Shape }

// TrainedVAE is the VAE of a run of kind "vae", as train.Open gives it
// back: an energy.Model (see VAE.Energy), a train.Sampler (decoded draws
// from the prior) and a train.Plotter (image grids, or points over the
// data's box).
type TrainedVAE struct {
	*VAE
	Config VAEConfig
	Step   int
}

// Kind returns "vae".
func (*TrainedVAE) Kind() string { return KindVAE }

// InputShape returns the shape of one sample of the run's data.
func (t *TrainedVAE) InputShape() []int { return t.Config.Shape }

// Sample decodes n draws from the prior N(0, I) and returns the means of
// p(y | z), shape [n, D]; steps is ignored (sampling is one pass).
func (t *TrainedVAE) Sample(n, _ int, rng *tensor.RNG) *tensor.Tensor { return t.SamplePrior(n, rng) }

// Plot draws samples ([n, D]): images as a grid of eight columns, 2-D
// points over the data set's box.
func (t *TrainedVAE) Plot(samples *tensor.Tensor) image.Image {
	return plotSamples(t.Config.Common, samples, fmt.Sprintf("Samples from the prior, %d training steps", t.Step))
}

func openAE(r *train.Run) (train.Model, error) {
	var cfg AEConfig
	if err := r.Config(&cfg); err != nil {
		return nil, err
	}
	m := &TrainedAE{AE: NewAE(cfg), Config: cfg}
	step, err := r.Load(train.Module("", m.AE))
	m.Step = step
	return m, err
}

func openVAE(r *train.Run) (train.Model, error) {
	var cfg VAEConfig
	if err := r.Config(&cfg); err != nil {
		return nil, err
	}
	m := &TrainedVAE{VAE: NewVAE(cfg), Config: cfg}
	step, err := r.Load(train.Module("", m.VAE))
	m.Step = step
	return m, err
}
