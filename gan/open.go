package gan

import (
	"fmt"
	"image"

	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

func init() { train.Register(Kind, open) }

// Trained is the GAN of a run of kind "gan", as train.Open gives it back:
// a train.Sampler (the generator, or its moving average when the run kept
// one) and a train.Plotter. The GAN of an EBGAN run comes as a
// *TrainedEBGAN, which is also an energy.Model.
type Trained struct {
	*GAN
	Step int // training steps behind the weights
}

// Kind returns "gan".
func (*Trained) Kind() string { return Kind }

// InputShape returns the shape of one sample of the data: what the
// discriminator scores and the generator draws.
func (t *Trained) InputShape() []int { return t.Config.Shape }

// Sample draws n samples in the data's space; steps is ignored (sampling
// is one pass).
func (t *Trained) Sample(n, _ int, rng *tensor.RNG) *tensor.Tensor { return t.GAN.Sample(n, rng) }

// Plot draws samples: images as a grid, 2-D points over the
// discriminator's landscape.
func (t *Trained) Plot(samples *tensor.Tensor) image.Image {
	return t.GAN.Plot(samples, fmt.Sprintf("Samples of a GAN (%s, %s), %d training steps", t.Config.Data, t.Config.describe(), t.Step))
}

// TrainedEBGAN is a trained EBGAN: a Trained whose discriminator's
// reconstruction energy makes it an energy.Model.
type TrainedEBGAN struct {
	*Trained
}

// Energy returns the discriminator's energy of each row of y ([N, D], in
// the data's space), each repeated to fill a pack; x is ignored.
func (t *TrainedEBGAN) Energy(_, y *tensor.Tensor) *tensor.Tensor { return t.PointScores(y) }

func open(r *train.Run) (train.Model, error) {
	var cfg Config
	if err := r.Config(&cfg); err != nil {
		return nil, err
	}
	g := New(cfg)
	parts := []train.Stateful{train.Module("generator.", g.Generator), train.Module("discriminator.", g.Discriminator)}
	if g.Average != nil {
		parts = append(parts, train.Module("ema.", g.Average))
	}
	step, err := r.Load(parts...)
	if err != nil {
		return nil, err
	}
	t := &Trained{GAN: g, Step: step}
	if cfg.Loss == "ebgan" {
		return &TrainedEBGAN{t}, nil
	}
	return t, nil
}
