package rbm

import (
	"fmt"
	"image"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/viz"
)

func init() { train.Register(Kind, open) }

// Trained is the RBM of a run of kind "rbm", as train.Open gives it back:
// an energy.Model (the free energy F(v)), a train.Sampler (Gibbs chains)
// and a train.Plotter (image grids).
type Trained struct {
	*RBM
	Config Config
	Step   int // training steps behind the weights
}

// Kind returns "rbm".
func (*Trained) Kind() string { return Kind }

// InputShape returns the shape of one sample of the run's data.
func (t *Trained) InputShape() []int { return t.Config.Shape }

// Sample runs n Gibbs chains from random binary states for steps steps
// (0: SampleSteps) and returns the probabilities p(v | h) of their last
// step, shape [n, V].
func (t *Trained) Sample(n, steps int, rng *tensor.RNG) *tensor.Tensor {
	if steps <= 0 {
		steps = SampleSteps
	}
	_, probs := t.Gibbs(t.RandomVisible(n, rng), steps, rng)
	return probs
}

// Plot draws samples ([n, V]) as a grid of images in rows of eight, or
// the first two units of each sample in the plane for data that are not
// images.
func (t *Trained) Plot(samples *tensor.Tensor) image.Image {
	title := fmt.Sprintf("Gibbs chains from random states, RBM of %d hidden units after %d updates", t.Hidden(), t.Step)
	if data.IsImage(t.Config.Shape) {
		return sampleGrid(t.Config.Shape, samples, title)
	}
	return viz.Scatter{Box: viz.Box{XMin: -0.1, XMax: 1.1, YMin: -0.1, YMax: 1.1}, Sets: []viz.PointSet{viz.SamplePoints(samples.Narrow(1, 0, min(2, samples.Size(1))))},
		Labels: viz.Labels{Title: title, XLabel: "p(v1 = 1 | h)", YLabel: "p(v2 = 1 | h)"}}.Render()
}

func open(r *train.Run) (train.Model, error) {
	var cfg Config
	if err := r.Config(&cfg); err != nil {
		return nil, err
	}
	m := &Trained{RBM: NewModel(cfg), Config: cfg}
	step, err := r.Load(train.Module("", m.RBM))
	m.Step = step
	return m, err
}
